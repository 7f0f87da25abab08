"""Staff pages of the results: run a count, preview a snapshot, publish it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgetcitoyen.accounts.reauth import require_password_confirmed
from budgetcitoyen.core.errors import DomainError, refusal
from budgetcitoyen.editions.phases import Step, has_started
from budgetcitoyen.editions.selectors import edition_or_404
from budgetcitoyen.results import downloads, permissions, selectors, services
from budgetcitoyen.results.forms import ImportForm
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.page import result_context


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_count(request.user):
        raise Http404


def staff_results(request: HttpRequest) -> HttpResponse:
    """The edition's counts: run one (POST), list every snapshot, see what blocks publication."""
    _require_staff(request)
    edition = edition_or_404(request)
    if request.method == "POST":
        try:
            snapshot = services.tally_run(edition=edition, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('results:staff')}?edition={edition.year}")
        messages.success(request, _("Dépouillement effectué : vérifiez-le avant de le publier."))
        return redirect("results:snapshot", snapshot.pk)
    return render(
        request,
        "results/staff.html",
        {
            "edition": edition,
            "snapshots": selectors.edition_snapshots(edition),
            "published": selectors.published_result(edition),
            "closed_refusal": refusal(services.check_vote_closed, edition),
            "open_reviews": selectors.open_reviews(edition),
            "automatic": not has_started(edition, Step.RESULTS),
        },
    )


def _snapshot(request: HttpRequest, pk: int) -> ResultSnapshot:
    _require_staff(request)
    return get_object_or_404(
        ResultSnapshot.objects.select_related("edition", "run_by", "published_by"), pk=pk
    )


def _snapshot_context(snapshot: ResultSnapshot) -> dict[str, Any]:
    edition = snapshot.edition
    return {
        **result_context(snapshot),
        "edition": edition,
        "snapshot": snapshot,
        "preview": not snapshot.is_published,
        "open_reviews": selectors.open_reviews(edition),
        "closed_refusal": refusal(services.check_vote_closed, edition),
        "published": selectors.published_result(edition),
    }


def snapshot_view(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot(request, pk)
    return render(request, "results/snapshot.html", _snapshot_context(snapshot))


@require_POST
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot(request, pk)
    require_password_confirmed(request)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case de confirmation pour publier les résultats."))
        return redirect("results:snapshot", snapshot.pk)
    try:
        services.publish(snapshot=snapshot, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return render(
            request, "results/snapshot.html", _snapshot_context(snapshot), status=error.status_code
        )
    messages.success(
        request, _("Résultats publiés ; les porteurs des projets lauréats sont informés.")
    )
    return redirect("results:edition", snapshot.edition.year)


def snapshot_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot(request, pk)
    return downloads.ballots_download(
        snapshot, f"budget-citoyen-{snapshot.edition.year}-depouillement-{snapshot.pk}.pb"
    )


def import_view(request: HttpRequest) -> HttpResponse:
    """Import a past edition's published results from two CSV files (staff)."""
    _require_staff(request)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.results_import(
                    year=data["year"],
                    title=data["title"],
                    results_file=data["results"].read(),
                    envelopes_file=data["envelopes"].read(),
                    source_name=data["results"].name or "",
                    by=request.user,
                    replace=data["replace"],
                )
            except services.ImportRefused as refused:
                problems, status = refused.problems, refused.status_code
            except DomainError as error:
                messages.error(request, error.message)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Résultats de %(year)d importés : %(count)d projets.")
                    % {"year": result.edition.year, "count": result.projects.count()},
                )
                return redirect("results:edition", result.edition.year)
        else:
            status = 400
    else:
        form = ImportForm()
    return render(
        request, "results/import.html", {"form": form, "problems": problems}, status=status
    )

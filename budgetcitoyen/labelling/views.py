"""The committee workspace (/comite/) and the public project page (/projets/<id>/).

Like every dossier URL, the workspace answers 404 to whoever may not see a dossier: a member
sees only the dossiers assigned to them, staff see all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.accounts.reauth import require_password_confirmed
from budgetcitoyen.core import pagecache
from budgetcitoyen.core.errors import DomainError
from budgetcitoyen.core.exports import csv_response, xlsx_response
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.http import file_response
from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.dossiers import rules
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.presentation import dossier_context
from budgetcitoyen.dossiers.selectors import stage_of
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_started, phase_open
from budgetcitoyen.editions.selectors import edition_or_404
from budgetcitoyen.labelling import permissions, selectors, services
from budgetcitoyen.labelling.forms import (
    BalancedAssignForm,
    BulkAssignForm,
    ConflictForm,
    DecisionForm,
    ReviewForm,
)
from budgetcitoyen.labelling.models import Decision, Outcome, Review
from budgetcitoyen.territories.selectors import territory_list


def _require_member_or_staff(request: HttpRequest) -> None:
    if not permissions.can_use_workspace(request.user):
        raise Http404


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_manage_labelling(request.user):
        raise Http404


def _workspace_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = (
        Dossier.objects.select_related(
            "edition", "holder", "registration__comptoir", "territory", "wished_category"
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None or not permissions.can_see_in_workspace(request.user, dossier):
        raise Http404
    return dossier


def workspace(request: HttpRequest) -> HttpResponse:
    _require_member_or_staff(request)
    edition = edition_or_404(request)
    services.criteria_for(edition)
    filters = selectors.QueueFilters(
        territory=request.GET.get("territoire", ""),
        category=request.GET.get("categorie", ""),
        status=request.GET.get("statut", ""),
        mine=request.GET.get("moi") == "1",
    )
    dossiers = list(selectors.queue(edition, request.user, filters))
    for dossier in dossiers:
        dossier.stage = stage_of(dossier)  # type: ignore[attr-defined]
    return render(
        request,
        "labelling/workspace.html",
        {
            "edition": edition,
            "dossiers": dossiers,
            "filters": filters,
            "territories": territory_list(),
            "categories": edition.categories.order_by("priority"),
            "statuses": [(s, lbl) for s, lbl in Dossier.Status.choices if s != "draft"],
            "progress": selectors.progress(edition, request.user),
            "staff": permissions.can_manage_labelling(request.user),
        },
    )


def dossier_view(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _workspace_dossier(request, pk)
    grid = services.criteria_for(dossier.edition)
    user: Any = request.user
    can_review = permissions.can_review(user, dossier)
    review = Review.objects.filter(dossier=dossier, member=user).first() if can_review else None
    initial: dict[str, Any] = {}
    if review is not None:
        initial = {
            "opinion": review.opinion,
            "proposed_category": review.proposed_category_id,
            "comment": review.comment,
            **{f"score_{key}": value for key, value in review.scores.items()},
        }
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        dossier=dossier,
        grid=grid,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if not can_review:
            raise Http404
        if form.is_valid():
            try:
                services.review_save(
                    dossier=dossier,
                    member=user,
                    opinion=form.cleaned_data["opinion"],
                    proposed_category=form.cleaned_data["proposed_category"],
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Votre avis est enregistré."))
                return redirect("labelling:dossier", pk=dossier.pk)
        else:
            status = 400
    decision = Decision.objects.filter(dossier=dossier).select_related("category").first()
    reviews = selectors.visible_reviews(dossier, user)
    context = dossier_context(dossier)
    context.update(
        {
            "grid": grid,
            "form": form,
            "can_review": can_review and decision is None and dossier.status == "submitted",
            "review": review,
            "reviews": reviews,
            "averages": selectors.averages(dossier, grid)
            if permissions.can_manage_labelling(user)
            else None,
            "decision": decision,
            "staff": permissions.can_manage_labelling(user),
            "conflict_form": ConflictForm(),
            "assigned_members": [a.member for a in dossier.assignments.select_related("member")]
            if permissions.can_manage_labelling(user)
            else [],
            "corrections": services.public_text_corrections(decision) if decision else {},
        }
    )
    return render(request, "labelling/dossier.html", context, status=status)


def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _workspace_dossier(request, pk)
    if request.method != "POST":
        return redirect("labelling:dossier", pk=dossier.pk)
    form = ConflictForm(request.POST)
    form.is_valid()
    try:
        services.conflict_declare(
            dossier=dossier,
            member=request.user,
            reason=form.cleaned_data.get("reason", ""),
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("labelling:dossier", pk=dossier.pk)
    messages.success(
        request,
        _(
            "Votre conflit d'intérêts est enregistré : ce dossier vous est retiré et votre avis éventuel est masqué."
        ),
    )
    return redirect("labelling:workspace")


def decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    dossier = _workspace_dossier(request, pk)
    require_password_confirmed(request)
    decision = Decision.objects.filter(dossier=dossier).first()
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "category": decision.category_id,
            "labelled_amount": decision.labelled_amount,
            "public_title": decision.public_title,
            "public_summary": decision.public_summary,
            "public_description": decision.public_description,
            "reason": decision.reason,
        }
    else:
        initial = {
            "category": dossier.wished_category_id,
            "labelled_amount": dossier.amount_requested,
            "public_title": dossier.title,
            "public_summary": dossier.summary,
            "public_description": dossier.description,
        }
    form = DecisionForm(
        request.POST if request.method == "POST" else None, dossier=dossier, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(
                    dossier=dossier,
                    by=request.user,
                    outcome=data["outcome"],
                    category=data["category"],
                    labelled_amount=data["labelled_amount"],
                    public_title=data["public_title"],
                    public_summary=data["public_summary"],
                    public_description=data["public_description"],
                    reason=data["reason"],
                    override_reason=data["override_reason"],
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("La décision est enregistrée."))
                return redirect("labelling:dossier", pk=dossier.pk)
        else:
            status = 400
    in_period = phase_open(dossier.edition, Step.LABELLING)
    return render(
        request,
        "labelling/decision.html",
        {
            "dossier": dossier,
            "decision": decision,
            "form": form,
            "in_period": in_period,
            "vote_open": has_started(dossier.edition, Step.VOTE),
        },
        status=status,
    )


def assignments(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    members = services.committee_members()
    reviewable = Dossier.objects.filter(edition=edition, status=Dossier.Status.SUBMITTED).order_by(
        "number"
    )
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    bulk = BulkAssignForm(
        data if action == "bulk" else None, prefix="lot", dossiers=reviewable, members=members
    )
    balanced = BalancedAssignForm(
        data if action == "balanced" else None,
        prefix="auto",
        members=members,
        initial={"per_dossier": 2},
    )
    status = 200
    if action is not None:
        form = {"bulk": bulk, "balanced": balanced}.get(action)
        if action != "remove" and form is None:
            raise Http404
        if form is not None and not form.is_valid():
            status = 400
        else:
            try:
                made, skipped = _assign(request, action, form, edition, reviewable, members)
            except DomainError as error:
                messages.error(request, error.message)
                status = error.status_code
            else:
                if action == "remove":
                    messages.success(request, _("Affectation retirée."))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(made)d affectation faite.", "%(made)d affectations faites.", made
                        )
                        % {"made": made},
                    )
                for reason in skipped:
                    messages.warning(request, reason)
                return redirect(f"{request.path}?edition={edition.year}")
    rows = [
        (dossier, [a.member for a in dossier.assignments.all()])
        for dossier in reviewable.prefetch_related("assignments__member")
    ]
    return render(
        request,
        "labelling/assignments.html",
        {
            "edition": edition,
            "rows": rows,
            "bulk": bulk,
            "balanced": balanced,
            "members": members,
            "load": selectors.edition_members_load(edition, list(members)),
        },
        status=status,
    )


def _assign(
    request: HttpRequest, action: str, form: Any, edition: Edition, reviewable: Any, members: Any
) -> tuple[int, list[str]]:
    """Run the assignment service an action names; returns (made, reasons skipped)."""
    if action == "bulk":
        return services.assign_bulk(
            dossiers=form.cleaned_data["dossiers"],
            members=list(form.cleaned_data["members"]),
            by=request.user,
        )
    if action == "balanced":
        return services.assign_balanced(
            edition=edition,
            members=list(form.cleaned_data["members"]),
            per_dossier=form.cleaned_data["per_dossier"],
            by=request.user,
        )
    dossier = get_object_or_404(reviewable, pk=parse_id(request.POST.get("dossier")))
    member = get_object_or_404(members, pk=parse_id(request.POST.get("member")))
    services.assignment_remove(dossier=dossier, member=member, by=request.user)
    return 0, []


def notify(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    if request.method == "POST":
        try:
            sent = services.notify_holders(edition=edition, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(sent)d porteur informé de la décision du comité.",
                    "%(sent)d porteurs informés de la décision du comité.",
                    sent,
                )
                % {"sent": sent},
            )
    return redirect(f"{reverse('labelling:figures')}?edition={edition.year}")


def figures(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    numbers = selectors.figures(edition)
    return render(
        request,
        "labelling/figures.html",
        {
            "edition": edition,
            "figures": numbers,
            "sentence": selectors.figures_sentence(numbers["total"]),
            "to_notify": Decision.objects.filter(edition=edition, notified_at__isnull=True).count(),
            "notified": Decision.objects.filter(edition=edition, notified_at__isnull=False).count(),
        },
    )


def export_csv(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    header, rows = selectors.decision_rows(edition)
    return csv_response(f"labellisation-{edition.year}.csv", header, rows)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    header, rows = selectors.decision_rows(edition)
    return xlsx_response(f"labellisation-{edition.year}.xlsx", header, rows, title="Labellisation")


# The seed of a visitor's random order lives in a signed cookie of their own, not in a session:
# reading the catalogue creates no row on the server (a session is made only by signing in).
CATALOGUE_SEED = "catalogue_seed"
CATALOGUE_SEED_SALT = "budgetcitoyen.catalogue.seed"


def _visitor_seed(request: HttpRequest) -> tuple[str, bool]:
    """The visitor's seed, and whether it is new (to be set in their cookie)."""
    import secrets

    seed = request.get_signed_cookie(CATALOGUE_SEED, "", salt=CATALOGUE_SEED_SALT) or ""
    return (seed, False) if seed else (secrets.token_hex(8), True)


def _set_seed(response: HttpResponse, seed: str) -> None:
    response.set_signed_cookie(
        CATALOGUE_SEED,
        seed,
        salt=CATALOGUE_SEED_SALT,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _visitor_order(request: HttpRequest, keys: Sequence[int]) -> pagecache.Arranged:
    """The catalogue kept in the page cache, in this visitor's random order."""
    seed, new = _visitor_seed(request)
    return pagecache.Arranged(
        order=selectors.shuffle_order(seed, keys),
        tag=seed,
        finish=(lambda response: _set_seed(response, seed)) if new else None,
    )


@pagecache.public_page(_visitor_order, cookies=[CATALOGUE_SEED])
def projects(request: HttpRequest) -> HttpResponse:
    """The catalogue of an edition's projects, from the opening of the vote (kept after)."""
    edition = edition_or_404(request)
    published = permissions.projects_are_public(edition)
    filters = selectors.CatalogueFilters(
        category=request.GET.get("categorie", ""),
        territory=request.GET.get("territoire", ""),
        text=request.GET.get("q", "").strip()[:100],
        order=request.GET.get("ordre", "aleatoire"),
    )
    found: list[Decision] = []
    seed, new_seed = "", False
    outcomes = selectors.published_outcomes(edition) if published else None
    if outcomes is not None and filters.order == "aleatoire":
        filters.order = "resultat"
    if published:
        if selectors.in_random_order(filters, outcomes):
            seed, new_seed = _visitor_seed(request)
        found = selectors.catalogue(edition, filters, seed, outcomes)
    vote_open = edition.is_published and phase_open(edition, Step.VOTE)
    # Between editions: where the projects of the last vote are.
    earlier = None if published else selectors.last_public_edition_before(edition)
    response = render(
        request,
        "labelling/projects.html",
        {
            "edition": edition,
            "earlier": earlier,
            "published": published,
            "projects": found,
            "filters": filters,
            "filtered": bool(filters.category or filters.territory or filters.text),
            "orders": selectors.catalogue_orders(with_result=outcomes is not None),
            "results_published": outcomes is not None,
            "categories": list(edition.categories.all()),
            "territories": territory_list(),
            "vote_open": vote_open,
            "list_mark": mark_safe(pagecache.LIST_MARK),  # a constant HTML comment
        },
    )
    # Kept in parts, one per project: in random order, each visitor gets their own order.
    response.list_keys = [d.pk for d in found]  # type: ignore[attr-defined]
    response.list_per_reader = selectors.in_random_order(filters, outcomes)  # type: ignore[attr-defined]
    if seed and new_seed:
        _set_seed(response, seed)
    return response


@pagecache.public_page()
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A labelled project's public page: from the opening of the vote; before, a preview for
    staff and the holder only. It shows the public fields and nothing else of the dossier."""
    decision = (
        Decision.objects.select_related("edition", "category", "dossier__territory")
        .filter(pk=pk, outcome=Outcome.LABELLED)
        .first()
    )
    if decision is None:
        raise Http404
    public = permissions.is_public(decision)
    if not public and not permissions.can_preview(request.user, decision):
        raise Http404
    dossier = decision.dossier
    # Its outcome, once the edition's result is published (None before: nothing shows).
    outcomes = selectors.published_outcomes(decision.edition) if public else None
    return render(
        request,
        "labelling/project.html",
        {
            "project": decision,
            "result": outcomes.get(decision.pk) if outcomes else None,
            "preview": not public,
            "territory": dossier.territory,
            "communes": list(dossier.communes.order_by("name")),
            "carrier": dossier.structure_name,
            "has_photo": bool(dossier.photo),
            "photo_width": dossier.photo_width,
            "photo_height": dossier.photo_height,
            "summary_max": rules.SUMMARY_MAX_LENGTH,
            "vote_open": public and phase_open(decision.edition, Step.VOTE),
        },
    )


def project_photo(request: HttpRequest, pk: int) -> Any:
    decision = (
        Decision.objects.select_related("edition", "dossier")
        .filter(pk=pk, outcome=Outcome.LABELLED)
        .first()
    )
    if decision is None or not decision.dossier.photo:
        raise Http404
    if not permissions.can_see_project(request.user, decision):
        raise Http404
    dossier = decision.dossier
    response = file_response(dossier.photo, dossier.photo_content_type, "photo", inline=True)
    if permissions.is_public(decision):
        response["Cache-Control"] = "public, max-age=3600"
    return response

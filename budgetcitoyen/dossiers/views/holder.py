"""The holder's space: "Mes dossiers", starting a dossier, its steps, submission, receipt, withdrawal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from budgetcitoyen.comptoirs.selectors import attended_registrations
from budgetcitoyen.core.errors import DomainError, InvalidInput, passes, refusal
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.dossiers import rules, selectors, services
from budgetcitoyen.dossiers.forms import (
    STEP_FORMS,
    BudgetForm,
    StartForm,
    SubmitForm,
    WithdrawForm,
)
from budgetcitoyen.dossiers.models import Attachment, Dossier
from budgetcitoyen.dossiers.presentation import dossier_context
from budgetcitoyen.dossiers.views.common import own_dossier
from budgetcitoyen.editions.selectors import current_edition_for

# --- Holder's space ------------------------------------------------------------------------


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    edition = current_edition_for(request)
    dossiers = list(selectors.holder_dossiers(request.user))
    for dossier in dossiers:
        dossier.stage = selectors.stage_of(dossier)  # type: ignore[attr-defined]
    refusal = None
    if edition is not None:
        try:
            services.check_can_start(request.user, edition)
        except DomainError as error:
            refusal = error.message
    return render(
        request,
        "dossiers/my_dossiers.html",
        {
            "edition": edition,
            "dossiers": dossiers,
            "refusal": refusal,
            "stages": selectors.STAGES.values(),
        },
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    edition = current_edition_for(request)
    if edition is None:
        raise Http404
    registrations = attended_registrations(request.user, edition).select_related("comptoir")
    refusal = None
    try:
        services.check_can_start(request.user, edition)
    except DomainError as error:
        refusal = error
    form = StartForm(
        request.POST if request.method == "POST" else None, registrations=registrations
    )
    status = 200 if refusal is None else refusal.status_code
    if request.method == "POST" and refusal is None:
        if form.is_valid():
            try:
                dossier = services.dossier_start(
                    registration=form.cleaned_data["registration"], by=request.user
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _(
                        "Votre brouillon est créé. Il est enregistré à chaque étape : vous pouvez le compléter en plusieurs fois."
                    ),
                )
                return redirect("dossiers:step", pk=dossier.pk, step=rules.STEPS[0].slug)
        else:
            status = 400
    return render(
        request,
        "dossiers/start.html",
        {"edition": edition, "form": form, "refusal": refusal},
        status=status,
    )


def _progress(dossier: Dossier) -> tuple[list[dict[str, Any]], list[rules.Missing]]:
    problems = services.submission_problems(dossier)
    by_step: dict[str, list[rules.Missing]] = {}
    for problem in problems:
        by_step.setdefault(problem.step, []).append(problem)
    steps = [
        {"step": step, "number": index, "problems": by_step.get(step.slug, [])}
        for index, step in enumerate(rules.STEPS, start=1)
    ]
    return steps, problems


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    context = dossier_context(dossier)
    if dossier.is_draft:
        context["progress"], context["problems"] = _progress(dossier)
    else:
        context["can_withdraw"] = dossier.status == Dossier.Status.SUBMITTED
        # The committee's decision, once the holder has been told (never reviews or scores).
        decision = getattr(dossier, "decision", None)
        context["decision"] = decision if decision and decision.notified_at else None
    return render(request, "dossiers/overview.html", context)


def _pending_data(dossier: Dossier, step: str) -> MultiValueDict | None:
    pending = (dossier.pending_input or {}).get(step)
    if not pending:
        return None
    return MultiValueDict({key: list(values) for key, values in pending.items()})


def _raw_input(request: HttpRequest) -> dict[str, list[str]]:
    return {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "action")
    }


def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        raise Http404
    dossier = own_dossier(request, pk)
    closed = refusal(services.check_draft_editable, dossier)
    if closed is not None:
        messages.error(request, closed)
        if request.method == "POST":
            return render(request, "dossiers/frozen.html", {"dossier": dossier}, status=409)
        return redirect("dossiers:overview", pk=dossier.pk)
    form_class = STEP_FORMS[step]
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, dossier=dossier)
        form.is_valid()
        status = _save_step(request, dossier, step, form)
        if status == 302:
            action = request.POST.get("action")
            if action == "next":
                return redirect(_next_url(dossier, step))
            if action == "summary":
                return redirect("dossiers:summary", pk=dossier.pk)
            messages.success(request, _("Étape enregistrée."))
            return redirect("dossiers:step", pk=dossier.pk, step=step)
        dossier.refresh_from_db()
    else:
        pending = _pending_data(dossier, step)
        form = (
            form_class(pending, dossier=dossier)
            if pending is not None
            else form_class(dossier=dossier)
        )
        if pending is not None:
            form.is_valid()
    progress, _problems = _progress(dossier)
    index = [s.slug for s in rules.STEPS].index(step)
    return render(
        request,
        "dossiers/step.html",
        {
            "dossier": dossier,
            "form": form,
            "step": rules.STEP_BY_SLUG[step],
            "step_number": index + 1,
            "step_count": len(rules.STEPS),
            "progress": progress,
            "previous": rules.STEPS[index - 1] if index else None,
            "attachments": list(dossier.attachments.all()) if step == "pieces" else [],
            "max_attachments": rules.MAX_ATTACHMENTS,
            "plan": form.plan() if isinstance(form, BudgetForm) else None,
            "deposit_open": passes(services.check_deposit_open, dossier.edition),
            "cap_warning": (
                rules.dossier_cap_error(dossier) if step in ("budget", "categorie") else None
            ),
            "wished_category": dossier.wished_category if dossier.wished_category_id else None,
            "category_caps": _category_caps(dossier) if step == "categorie" else None,
        },
        status=status,
    )


def _category_caps(dossier: Dossier) -> dict[str, Any]:
    """What the category step's script needs to warn as a category is chosen: the saved amount
    (none yet: no warning) and each category's name and cap (the rule of
    ``rules.dossier_cap_error``)."""
    return {
        "amount": None if dossier.amount_requested is None else str(dossier.amount_requested),
        "categories": {
            str(c.pk): {"name": c.name, "cap": str(c.max_amount_per_project)}
            for c in dossier.edition.categories.all()
            if c.max_amount_per_project is not None
        },
    }


def _next_url(dossier: Dossier, step: str) -> str:
    slugs = [s.slug for s in rules.STEPS]
    index = slugs.index(step)
    if index + 1 < len(slugs):
        return reverse("dossiers:step", kwargs={"pk": dossier.pk, "step": slugs[index + 1]})
    return reverse("dossiers:summary", kwargs={"pk": dossier.pk})


def _save_step(request: HttpRequest, dossier: Dossier, step: str, form: Any) -> int:
    """Save what parsed, keep what did not; 302 when the step is clean, else a 4xx status."""
    has_errors = form.has_errors if isinstance(form, BudgetForm) else bool(form.errors)
    photo = request.FILES.get("photo") if step == "presentation" else None
    uploads = request.FILES.getlist("attachments") if step == "pieces" else []
    if step == "pieces" and not uploads and request.POST.get("action") != "next":
        form.add_error("attachments", _("Choisissez au moins un fichier à ajouter."))
        has_errors = True
    try:
        refused = services.dossier_save_page(
            dossier=dossier,
            by=request.user,
            step=step,
            values=form.valid_values(),
            pending=_raw_input(request) if has_errors else None,
            photo=photo,
            attachments=uploads,
        )
    except DomainError as error:
        add_domain_error(form, error)
        return error.status_code
    for refusal_ in refused:
        add_domain_error(form, refusal_)
    if has_errors or refused:
        messages.error(
            request,
            _(
                "Ce que vous avez saisi est enregistré, mais des points sont à corriger avant de déposer le dossier."
            ),
        )
        return 400
    return 302


def photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.photo_remove(dossier=dossier, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La photo est retirée."))
    return redirect("dossiers:step", pk=dossier.pk, step="presentation")


def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("La pièce « %(name)s » est retirée.") % {"name": attachment.original_name}
        )
    return redirect("dossiers:step", pk=dossier.pk, step="pieces")


def summary(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if not dossier.is_draft:
        return redirect("dossiers:overview", pk=dossier.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_submit(
                dossier=dossier, by=request.user, sworn=form.cleaned_data["sworn"]
            )
        except InvalidInput as error:
            if "sworn" in error.errors:
                form.add_error("sworn", error.errors["sworn"])
            form.add_error(None, error.message)
            status = 400
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(
                request,
                _(
                    "Votre dossier est déposé sous la référence %(ref)s. Un récépissé vous a été envoyé par courriel."
                )
                % {"ref": dossier.reference},
            )
            return redirect("dossiers:receipt", pk=dossier.pk)
    context = dossier_context(dossier)
    context["progress"], context["problems"] = _progress(dossier)
    context["form"] = form
    context["deposit_refusal"] = refusal(services.check_deposit_open, dossier.edition)
    return render(request, "dossiers/summary.html", context, status=status)


def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.is_draft:
        raise Http404
    return render(
        request,
        "dossiers/receipt.html",
        {"dossier": dossier, "attachments": list(dossier.attachments.all())},
    )


def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(
                dossier=dossier, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request, _("Votre dossier %(ref)s est retiré.") % {"ref": dossier.reference}
            )
            return redirect("dossiers:mine")
    return render(
        request, "dossiers/withdraw.html", {"dossier": dossier, "form": form}, status=status
    )


def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    status = 200
    error_message = None
    if request.method == "POST":
        try:
            services.dossier_delete_draft(dossier=dossier, by=request.user)
        except DomainError as error:
            error_message = error.message
            status = error.status_code
        else:
            messages.success(request, _("Le brouillon est supprimé."))
            return redirect("dossiers:mine")
    return render(
        request,
        "dossiers/delete.html",
        {"dossier": dossier, "error_message": error_message},
        status=status,
    )

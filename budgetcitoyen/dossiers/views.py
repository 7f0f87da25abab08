"""Pages of the dossiers: the holder's space, the steps, submission, receipt, files, staff list.

Confidentiality: every URL naming a dossier answers 404 to whoever may not see it
(anonymous visitors included), so nobody learns that a dossier exists.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from budgetcitoyen.comptoirs.selectors import attended_registrations
from budgetcitoyen.core.errors import DomainError, InvalidInput, passes, refusal
from budgetcitoyen.core.exports import csv_response, xlsx_response
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.dossiers import permissions, rules, selectors, services
from budgetcitoyen.dossiers.forms import (
    STEP_FORMS,
    BudgetForm,
    StartForm,
    SubmitForm,
    WithdrawForm,
)
from budgetcitoyen.dossiers.models import Attachment, Dossier, StructureKind
from budgetcitoyen.dossiers.snapshot import sha256_hex
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import current_edition_for
from budgetcitoyen.territories.selectors import territory_list

DOSSIER_RELATED = ("edition", "holder", "registration__comptoir", "territory", "wished_category")


def _visible_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = Dossier.objects.select_related(*DOSSIER_RELATED).filter(pk=pk).first()
    if dossier is None or not permissions.can_view_dossier(request.user, dossier):
        raise Http404
    return dossier


def _own_dossier(request: HttpRequest, pk: int) -> Dossier:
    """The signed-in holder's dossier; 404 for anybody else, anonymous visitors included."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Dossier.objects.select_related(*DOSSIER_RELATED), pk=pk, holder=request.user
    )


def dossier_context(dossier: Dossier) -> dict[str, Any]:
    """Everything a full view of the dossier shows."""
    return {
        "dossier": dossier,
        "stage": selectors.stage_of(dossier),
        "communes": list(dossier.communes.order_by("name")),
        "lines": list(dossier.financing_lines.all()),
        "plan_total": rules.plan_total(
            dossier.amount_requested,
            [rules.Line(li.source, li.amount) for li in dossier.financing_lines.all()],
        ),
        "attachments": list(dossier.attachments.all()),
        "steps": rules.STEPS,
    }


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
    dossier = _own_dossier(request, pk)
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
    dossier = _own_dossier(request, pk)
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
        },
        status=status,
    )


def _next_url(dossier: Dossier, step: str) -> str:
    slugs = [s.slug for s in rules.STEPS]
    index = slugs.index(step)
    if index + 1 < len(slugs):
        return reverse("dossiers:step", kwargs={"pk": dossier.pk, "step": slugs[index + 1]})
    return reverse("dossiers:summary", kwargs={"pk": dossier.pk})


def _save_step(request: HttpRequest, dossier: Dossier, step: str, form: Any) -> int:
    """Save what parsed, keep what did not; 302 when the step is clean, else a 4xx status."""
    has_errors = form.has_errors if isinstance(form, BudgetForm) else bool(form.errors)
    try:
        services.dossier_save_step(
            dossier=dossier,
            by=request.user,
            step=step,
            values=form.valid_values(),
            pending=_raw_input(request) if has_errors else None,
        )
    except DomainError as error:
        add_domain_error(form, error)
        return error.status_code
    file_errors = _save_files(request, dossier, step, form)
    if has_errors or file_errors:
        messages.error(
            request,
            _(
                "Ce que vous avez saisi est enregistré, mais des points sont à corriger avant de déposer le dossier."
            ),
        )
        return 400
    return 302


def _save_files(request: HttpRequest, dossier: Dossier, step: str, form: Any) -> bool:
    errors = False
    if step == "presentation" and request.FILES.get("photo"):
        try:
            services.photo_set(dossier=dossier, by=request.user, upload=request.FILES["photo"])
        except DomainError as error:
            add_domain_error(form, error)
            errors = True
    if step == "pieces":
        uploads = request.FILES.getlist("attachments")
        if not uploads and request.POST.get("action") != "next":
            form.add_error("attachments", _("Choisissez au moins un fichier à ajouter."))
            return True
        for upload in uploads:
            try:
                services.attachment_add(dossier=dossier, by=request.user, upload=upload)
            except DomainError as error:
                add_domain_error(form, error)
                errors = True
    return errors


def photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_dossier(request, pk)
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
    dossier = _own_dossier(request, pk)
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
    dossier = _own_dossier(request, pk)
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
    dossier = _own_dossier(request, pk)
    if dossier.is_draft:
        raise Http404
    return render(
        request,
        "dossiers/receipt.html",
        {"dossier": dossier, "attachments": list(dossier.attachments.all())},
    )


def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_dossier(request, pk)
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
    dossier = _own_dossier(request, pk)
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


# --- Shared by holder, committee and staff -------------------------------------------------


def by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = Dossier.objects.filter(reference__iexact=reference).first()
    if dossier is None or not permissions.can_view_dossier(request.user, dossier):
        raise Http404
    if dossier.holder_id == request.user.pk:
        return redirect("dossiers:overview", pk=dossier.pk)
    return redirect("dossiers:staff_detail", pk=dossier.pk)


def file_response(
    field_file: Any, content_type: str, filename: str, *, inline: bool
) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _visible_dossier(request, pk)
    if not dossier.photo:
        raise Http404
    return file_response(dossier.photo, dossier.photo_content_type, dossier.photo_name, inline=True)


def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    dossier = _visible_dossier(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier)
    return file_response(item.file, item.content_type, item.original_name, inline=False)


def _photo_data_uri(dossier: Dossier) -> str | None:
    if not dossier.photo:
        return None
    try:
        with dossier.photo.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode("ascii")
    except FileNotFoundError:
        return None
    return f"data:{dossier.photo_content_type};base64,{data}"


def printable(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _visible_dossier(request, pk)
    context = dossier_context(dossier)
    context["photo_src"] = reverse("dossiers:photo", args=[dossier.pk]) if dossier.photo else None
    return render(request, "dossiers/printable.html", context)


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _visible_dossier(request, pk)
    try:
        from weasyprint import HTML
    except OSError:  # Pango, a system library WeasyPrint needs, is missing
        return render(request, "dossiers/pdf_unavailable.html", {"dossier": dossier}, status=503)
    context = dossier_context(dossier)
    context["photo_src"] = _photo_data_uri(dossier)
    context["for_pdf"] = True
    html = render_to_string("dossiers/printable.html", context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    name = dossier.reference or f"brouillon-{dossier.pk}"
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dossier-{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Staff ---------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_list_dossiers(request.user):
        raise Http404


def _staff_filters(request: HttpRequest) -> tuple[selectors.StaffFilters, QuerySet[Edition]]:
    editions = Edition.objects.order_by("-year")
    year = request.GET.get("edition")
    edition = editions.filter(year=year).first() if year and year.isdigit() else None
    if edition is None and "edition" not in request.GET:
        edition = current_edition_for(request)
    filters = selectors.StaffFilters(
        edition=edition,
        territory=request.GET.get("territoire", ""),
        category=request.GET.get("categorie", "")
        if request.GET.get("categorie", "").isdigit()
        else "",
        status=request.GET.get("statut", "")
        if request.GET.get("statut", "") in Dossier.Status.values
        else "",
        structure_kind=request.GET.get("structure", "")
        if request.GET.get("structure", "") in StructureKind.values
        else "",
        query=request.GET.get("q", "")[:100],
    )
    return filters, editions


def staff_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    filters, editions = _staff_filters(request)
    dossiers = selectors.staff_dossiers(filters)
    return render(
        request,
        "dossiers/staff_list.html",
        {
            "filters": filters,
            "editions": editions,
            "territories": territory_list(),
            "categories": filters.edition.categories.all() if filters.edition else [],
            "statuses": Dossier.Status.choices,
            "kinds": StructureKind.choices,
            "dossiers": list(dossiers),
            "counts": selectors.status_counts(filters),
            "query_string": request.GET.urlencode(),
        },
    )


def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _visible_dossier(request, pk)
    if permissions.is_holder(request.user, dossier) and not permissions.can_list_dossiers(
        request.user
    ):
        return redirect("dossiers:overview", pk=dossier.pk)
    context = dossier_context(dossier)
    context["history"] = (
        list(selectors.history(dossier)) if permissions.can_list_dossiers(request.user) else None
    )
    context["snapshot_ok"] = (
        sha256_hex(dossier.snapshot) == dossier.snapshot_sha256 if dossier.snapshot else None
    )
    return render(request, "dossiers/staff_detail.html", context)


EXPORT_COLUMNS = [
    ("Référence", lambda d: d.reference or ""),
    ("Statut", lambda d: d.get_status_display()),
    ("Édition", lambda d: d.edition.year),
    ("Titre", lambda d: d.title),
    ("Porteur", lambda d: d.holder.get_full_name()),
    ("Courriel du porteur", lambda d: d.holder.email),
    ("Comptoir", lambda d: d.registration.comptoir.host_name),
    ("Territoire", lambda d: d.territory.name if d.territory else ""),
    ("Type de structure", lambda d: d.get_structure_kind_display()),
    ("Structure", lambda d: d.structure_name),
    ("SIRET", lambda d: d.siret),
    ("RNA", lambda d: d.rna),
    ("Coût total (€)", lambda d: d.total_cost),
    ("Montant demandé (€)", lambda d: d.amount_requested),
    ("Catégorie souhaitée", lambda d: d.wished_category.name if d.wished_category else ""),
    ("Pièces jointes", lambda d: d.attachment_count),
    ("Déposé le", lambda d: d.submitted_at),
    ("Retiré le", lambda d: d.withdrawn_at),
    ("Empreinte SHA-256", lambda d: d.snapshot_sha256),
]


def _export_rows(request: HttpRequest) -> tuple[list[str], list[list[Any]]]:
    _require_staff(request)
    filters, _editions = _staff_filters(request)
    header = [name for name, _getter in EXPORT_COLUMNS]
    rows = [
        [getter(d) for _name, getter in EXPORT_COLUMNS] for d in selectors.staff_dossiers(filters)
    ]
    return header, rows


def _export_name(request: HttpRequest, ext: str) -> str:
    year = request.GET.get("edition") or "toutes-editions"
    return f"dossiers-{year}.{ext}"


def export_csv(request: HttpRequest) -> HttpResponse:
    header, rows = _export_rows(request)
    return csv_response(_export_name(request, "csv"), header, rows)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    header, rows = _export_rows(request)
    return xlsx_response(_export_name(request, "xlsx"), header, rows, title="Dossiers")

"""Pages of the funding agreements: staff's laureates and laureate page with its actions, the
agreement's PDF and signed scan, the holder's agreement page, the finance service's exports.

Every page asks ``followup.permissions``; anyone refused gets a 404 (an agreement's existence
never leaks). A refusal of a service is shown on the page it came from, with what was typed,
under the error's 4xx status.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgetcitoyen.accounts.reauth import require_password_confirmed
from budgetcitoyen.core import clock
from budgetcitoyen.core.errors import DomainError
from budgetcitoyen.core.exports import csv_response, xlsx_response
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.http import content_disposition, file_response
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import edition_of_year
from budgetcitoyen.followup import pdf, permissions, services
from budgetcitoyen.followup.forms_agreements import (
    AgreementForm,
    InstalmentFormSet,
    PaymentForm,
    ReturnToDraftForm,
    SignForm,
    instalment_initial,
    terms_from,
)
from budgetcitoyen.followup.models import FundingAgreement, SignedAgreementScan
from budgetcitoyen.followup.selectors import agreements as selectors
from budgetcitoyen.followup.services.agreements import initial_terms, instalment_refusal
from budgetcitoyen.followup.views import require_followup_staff
from budgetcitoyen.results.models import Award

AWARD_RELATED = (
    "snapshot__edition",
    "decision__edition",
    "decision__category",
    "decision__dossier__holder",
    "decision__dossier__territory",
)


def _award(pk: int) -> Award:
    return get_object_or_404(
        Award.objects.select_related(*AWARD_RELATED).filter(
            snapshot__published_at__lte=clock.now()
        ),
        pk=pk,
    )


def _staff_award(request: HttpRequest, pk: int) -> Award:
    require_followup_staff(request)
    return _award(pk)


def _agreement(award: Award) -> FundingAgreement:
    agreement = selectors.agreement_of(award)
    if agreement is None:
        raise Http404
    return agreement


# --- Staff: the laureates of an edition ----------------------------------------------------


def _edition(request: HttpRequest) -> Edition | None:
    year = request.GET.get("edition")
    if year:
        edition = edition_of_year(year)
        if edition is not None:
            return edition
    return _editions_with_results().first()


def _editions_with_results() -> QuerySet[Edition]:
    return (
        Edition.objects.filter(results__published_at__lte=clock.now()).distinct().order_by("-year")
    )


def staff_laureates(request: HttpRequest) -> HttpResponse:
    require_followup_staff(request)
    edition = _edition(request)
    rows = selectors.laureate_rows(edition) if edition else []
    return render(
        request,
        "followup/staff/laureates.html",
        {
            "edition": edition,
            "editions": _editions_with_results(),
            "rows": rows,
            "totals": selectors.totals(
                rows, edition_label=_("Édition"), none_label=_("Non renseigné")
            ),
        },
    )


# --- Staff: one laureate, its agreement and its actions --------------------------------------


def _laureate_page(
    request: HttpRequest, award: Award, *, status: int = 200, **forms: Any
) -> HttpResponse:
    agreement = selectors.agreement_of(award)
    schedule = (
        [
            replace(line, refusal=instalment_refusal(line.instalment, agreement))
            for line in selectors.schedule_of(agreement)
        ]
        if agreement
        else []
    )
    paid = selectors.schedule_paid(schedule)
    context: dict[str, Any] = {
        "award": award,
        "decision": award.decision,
        "dossier": award.decision.dossier,
        "agreement": agreement,
        "schedule": schedule,
        "paid": paid,
        "left": (agreement.amount - paid) if agreement else None,
        "scans": list(agreement.scans.all()) if agreement else [],
        "kind_label": pdf.kind_label(agreement) if agreement else "",
    }
    if agreement is not None:
        status_ = agreement.status
        if status_ == FundingAgreement.Status.SENT:
            context["sign_form"] = forms.get("sign_form") or SignForm()
            context["return_form"] = forms.get("return_form") or ReturnToDraftForm()
        if status_ == FundingAgreement.Status.SIGNED:
            context["payment_form"] = forms.get("payment_form") or PaymentForm(agreement=agreement)
    return render(request, "followup/staff/laureate.html", context, status=status)


def staff_laureate(request: HttpRequest, pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    return _laureate_page(request, award)


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the agreement (pre-filled from the dossier) or change its draft."""
    award = _staff_award(request, pk)
    agreement = selectors.agreement_of(award)
    if agreement is not None and agreement.status != FundingAgreement.Status.DRAFT:
        messages.error(request, _("Cette convention a été envoyée : ses termes ne changent plus."))
        return redirect("followup:staff_laureate", pk=award.pk)
    if agreement is None:
        terms = initial_terms(award)
        initial = {name: getattr(terms, name) for name in AgreementForm.base_fields}
        lines = [
            {"label": i.label, "amount": i.amount, "trigger": i.trigger, "planned_on": i.planned_on}
            for i in terms.schedule
        ]
    else:
        initial = {name: getattr(agreement, name) for name in AgreementForm.base_fields}
        lines = instalment_initial(agreement.instalments.order_by("position"))
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, initial=initial)
    formset = InstalmentFormSet(data, initial=lines, prefix="echeances")
    status = 200
    if data is not None:
        if form.is_valid() and formset.is_valid():
            try:
                if agreement is None:
                    services.agreement_create(
                        award=award, by=request.user, terms=terms_from(form, formset)
                    )
                else:
                    services.agreement_update(
                        agreement=agreement, by=request.user, terms=terms_from(form, formset)
                    )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("La convention est enregistrée."))
                return redirect("followup:staff_laureate", pk=award.pk)
        else:
            status = 400
    return render(
        request,
        "followup/staff/agreement_form.html",
        {"award": award, "agreement": agreement, "form": form, "formset": formset},
        status=status,
    )


def _act(request: HttpRequest, award: Award, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return _laureate_page(request, award, status=error.status_code)
    messages.success(request, success)
    return redirect("followup:staff_laureate", pk=award.pk)


@require_POST
def agreement_send(request: HttpRequest, pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    require_password_confirmed(request)  # the holder receives it: a commitment of the Département
    agreement = _agreement(award)
    return _act(
        request,
        award,
        lambda: services.agreement_send(agreement=agreement, by=request.user),
        _("La convention est envoyée au porteur."),
    )


@require_POST
def agreement_return_to_draft(request: HttpRequest, pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    agreement = _agreement(award)
    form = ReturnToDraftForm(request.POST)
    if not form.is_valid():
        return _laureate_page(request, award, status=400, return_form=form)
    try:
        services.agreement_return_to_draft(
            agreement=agreement, by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _laureate_page(request, award, status=error.status_code, return_form=form)
    messages.success(request, _("La convention est remise en brouillon."))
    return redirect("followup:staff_laureate", pk=award.pk)


@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    agreement = _agreement(award)
    form = SignForm(request.POST, request.FILES)
    if not form.is_valid():
        return _laureate_page(request, award, status=400, sign_form=form)
    try:
        services.agreement_sign(
            agreement=agreement,
            by=request.user,
            signed_on=form.cleaned_data["signed_on"],
            scan=form.cleaned_data.get("scan"),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _laureate_page(request, award, status=error.status_code, sign_form=form)
    messages.success(request, _("La signature de la convention est enregistrée."))
    return redirect("followup:staff_laureate", pk=award.pk)


@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    require_password_confirmed(request)  # money paid out (the held POST is replayed after)
    agreement = _agreement(award)
    form = PaymentForm(request.POST, agreement=agreement)
    if not form.is_valid():
        return _laureate_page(request, award, status=400, payment_form=form)
    data = form.cleaned_data
    try:
        services.payment_record(
            instalment=data["instalment"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            by=request.user,
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _laureate_page(request, award, status=error.status_code, payment_form=form)
    messages.success(request, _("Le versement est enregistré."))
    return redirect("followup:staff_laureate", pk=award.pk)


# --- The agreement's documents, for staff and the holder -------------------------------------


def _visible_agreement(request: HttpRequest, pk: int) -> FundingAgreement:
    """The agreement of award ``pk`` for staff, and once sent for its holder; else 404."""
    award = _award(pk)
    if not permissions.can_see_agreement(request.user, award):
        raise Http404
    agreement = _agreement(award)
    if agreement.status == FundingAgreement.Status.DRAFT and not (
        permissions.can_manage_followup(request.user)
    ):
        raise Http404  # a draft is staff's work in progress
    return agreement


def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _visible_agreement(request, pk)
    try:
        document = pdf.agreement_pdf(agreement)
    except pdf.PdfUnavailable as error:
        return render(
            request,
            "followup/agreement_pdf_unavailable.html",
            {"agreement": agreement, "message": error.message},
            status=error.status_code,
        )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"convention-{agreement.reference}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def agreement_scan(request: HttpRequest, pk: int, scan_pk: int) -> HttpResponseBase:
    agreement = _visible_agreement(request, pk)
    scan = get_object_or_404(SignedAgreementScan, pk=scan_pk, agreement=agreement)
    return file_response(scan.file, scan.content_type, scan.original_name, inline=False)


def holder_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's page of their agreement: its terms, its schedule, the payments made."""
    agreement = _visible_agreement(request, pk)
    schedule = selectors.schedule_of(agreement)
    paid = selectors.schedule_paid(schedule)
    return render(
        request,
        "followup/holder/agreement.html",
        {
            "agreement": agreement,
            "award": agreement.award,
            "decision": agreement.award.decision,
            "schedule": schedule,
            "paid": paid,
            "left": agreement.amount - paid,
        },
    )


# --- Exports for the finance service ---------------------------------------------------------

PAYMENT_COLUMNS = [
    "Édition",
    "Référence de la convention",
    "Bénéficiaire",
    "SIRET",
    "Échéance",
    "Montant versé (€)",
    "Versé le",
    "Référence du mandat",
]
AGREEMENT_COLUMNS = [
    "Édition",
    "Référence de la convention",
    "Projet",
    "Bénéficiaire",
    "SIRET",
    "RNA",
    "État",
    "Signée le",
    "Montant accordé (€)",
    "Versé (€)",
    "Reste à verser (€)",
]


def _export_edition(request: HttpRequest) -> Edition:
    require_followup_staff(request)
    edition = _edition(request)
    if edition is None:
        raise Http404
    return edition


def _payment_rows(edition: Edition) -> list[list[Any]]:
    return [
        [
            edition.year,
            p.instalment.agreement.reference,
            p.instalment.agreement.beneficiary_name,
            p.instalment.agreement.siret,
            p.instalment.label,
            p.amount,
            p.paid_on,
            p.reference,
        ]
        for p in selectors.payments_of_edition(edition)
    ]


def _agreement_rows(edition: Edition) -> list[list[Any]]:
    return [
        [
            edition.year,
            a.reference,
            a.award.decision.public_title,
            a.beneficiary_name,
            a.siret,
            a.rna,
            a.get_status_display(),
            a.signed_on,
            a.amount,
            a.paid_total,  # type: ignore[attr-defined]
            a.amount - a.paid_total,  # type: ignore[attr-defined]
        ]
        for a in selectors.agreements_of_edition(edition)
    ]


def export_payments_csv(request: HttpRequest) -> HttpResponse:
    edition = _export_edition(request)
    return csv_response(f"versements-{edition.year}.csv", PAYMENT_COLUMNS, _payment_rows(edition))


def export_payments_xlsx(request: HttpRequest) -> HttpResponse:
    edition = _export_edition(request)
    return xlsx_response(
        f"versements-{edition.year}.xlsx",
        PAYMENT_COLUMNS,
        _payment_rows(edition),
        title="Versements",
    )


def export_agreements_csv(request: HttpRequest) -> HttpResponse:
    edition = _export_edition(request)
    return csv_response(
        f"conventions-{edition.year}.csv", AGREEMENT_COLUMNS, _agreement_rows(edition)
    )


def export_agreements_xlsx(request: HttpRequest) -> HttpResponse:
    edition = _export_edition(request)
    return xlsx_response(
        f"conventions-{edition.year}.xlsx",
        AGREEMENT_COLUMNS,
        _agreement_rows(edition),
        title="Conventions",
    )

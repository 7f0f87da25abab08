"""Services of the follow-up: a laureate's funding agreement, its schedule and its payments.

An agreement is created by staff from the award, pre-filled from the dossier, and goes
draft → sent → signed. Its terms (amount, beneficiary, schedule, conditions) change only as a
draft: once sent, they are what the holder signs (a correction returns it to draft first).
Payments are recorded against the instalments of a signed agreement, each instalment once
unlocked (the signature, the final report accepted, or its date), and never beyond the
instalment nor the agreement: ``payment_record`` locks the agreement's row, so two payments
recorded at once are checked one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Frozen,
    InvalidInput,
    NotFound,
    PermissionRefused,
)
from budgetcitoyen.core.formatting import fr_date
from budgetcitoyen.core.formatting import number as format_euros
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.dossiers import files, rules
from budgetcitoyen.dossiers.models import StructureKind
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.models import (
    FinalReport,
    FundingAgreement,
    Instalment,
    Payment,
    SignedAgreementScan,
)
from budgetcitoyen.results.models import Award

__all__ = [
    "AgreementTerms",
    "InstalmentTerms",
    "agreement_create",
    "agreement_return_to_draft",
    "agreement_send",
    "agreement_sign",
    "agreement_update",
    "default_schedule",
    "initial_terms",
    "instalment_refusal",
    "payment_record",
]

CENT = Decimal("0.01")
SIGNATURE_SHARE = Decimal("0.70")
MAX_INSTALMENTS = 12


@dataclass(frozen=True)
class InstalmentTerms:
    label: str
    amount: Decimal
    trigger: str
    planned_on: date | None = None


@dataclass(frozen=True)
class AgreementTerms:
    """What staff write in an agreement (the rest is the award's, or the process's)."""

    amount: Decimal
    beneficiary_name: str
    beneficiary_kind: str = ""
    siret: str = ""
    rna: str = ""
    beneficiary_address: str = ""
    representative: str = ""
    conditions: str = ""
    report_due_on: date | None = None
    schedule: tuple[InstalmentTerms, ...] = ()


def default_schedule(amount: Decimal, report_due_on: date | None = None) -> list[InstalmentTerms]:
    """70 % at signature, the rest on the final report: the first is cut to the cent below,
    so the last takes the remainder and the two add up to the amount exactly."""
    first = (amount * SIGNATURE_SHARE).quantize(CENT, rounding=ROUND_DOWN)
    return [
        InstalmentTerms(
            label=_("Premier versement (70 %)"),
            amount=first,
            trigger=Instalment.Trigger.SIGNATURE,
        ),
        InstalmentTerms(
            label=_("Solde (30 %)"),
            amount=amount - first,
            trigger=Instalment.Trigger.REPORT,
            planned_on=report_due_on,
        ),
    ]


def initial_terms(award: Award) -> AgreementTerms:
    """The terms an agreement starts from: the award's amount and the dossier's structure."""
    dossier = award.decision.dossier
    return AgreementTerms(
        amount=award.amount,
        beneficiary_name=dossier.structure_name,
        beneficiary_kind=dossier.structure_kind,
        siret=dossier.siret,
        rna=dossier.rna,
        beneficiary_address=dossier.structure_address,
        representative=dossier.contact_name,
        schedule=tuple(default_schedule(award.amount)),
    )


# --- Checks --------------------------------------------------------------------------------


def _require_staff(by: Any) -> None:
    if not permissions.can_manage_followup(by):
        raise PermissionRefused(_("Seule la Mission ESS gère les conventions et les versements."))


def _check_award(award: Award) -> None:
    snapshot = award.snapshot
    if snapshot.published_at is None or snapshot.published_at > clock.now():
        raise Conflict(
            _(
                "Ce projet n'est pas lauréat d'un résultat publié : aucune convention n'est possible."
            )
        )


def _clean_terms(terms: AgreementTerms, award: Award) -> AgreementTerms:
    """The terms with their identifiers normalised, or InvalidInput naming each field."""
    errors: dict[str, str] = {}
    siret = rules.normalise_identifier(terms.siret)
    rna = rules.normalise_identifier(terms.rna)
    name = terms.beneficiary_name.strip()
    if not name:
        errors["beneficiary_name"] = _("Indiquez le nom de la structure bénéficiaire.")
    if terms.beneficiary_kind and terms.beneficiary_kind not in StructureKind.values:
        errors["beneficiary_kind"] = _("Ce choix n'existe pas.")
    errors.update(rules.identifier_errors(terms.beneficiary_kind, siret, rna))
    if terms.amount <= 0:
        errors["amount"] = _("Le montant accordé doit être supérieur à zéro.")
    elif terms.amount > award.amount:
        errors["amount"] = _(
            "Le montant accordé ne peut dépasser le montant attribué au projet (%(max)s €)."
        ) % {"max": format_euros(award.amount)}
    elif terms.amount != terms.amount.quantize(CENT):
        errors["amount"] = _("Le montant compte au plus deux décimales.")
    schedule_error = _schedule_error(terms.schedule, terms.amount)
    if schedule_error:
        errors["schedule"] = schedule_error
    if errors:
        raise InvalidInput(errors=errors)
    return AgreementTerms(
        amount=terms.amount,
        beneficiary_name=name,
        beneficiary_kind=terms.beneficiary_kind,
        siret=siret,
        rna=rna,
        beneficiary_address=terms.beneficiary_address.strip(),
        representative=terms.representative.strip(),
        conditions=terms.conditions.strip(),
        report_due_on=terms.report_due_on,
        schedule=terms.schedule,
    )


def _schedule_error(schedule: Sequence[InstalmentTerms], amount: Decimal) -> str | None:
    if not schedule:
        return _("L'échéancier compte au moins une échéance.")
    if len(schedule) > MAX_INSTALMENTS:
        return _("L'échéancier compte au plus %(max)d échéances.") % {"max": MAX_INSTALMENTS}
    for position, item in enumerate(schedule, start=1):
        if not item.label.strip():
            return _("Échéance %(n)d : indiquez son intitulé.") % {"n": position}
        if item.amount <= 0 or item.amount != item.amount.quantize(CENT):
            return _("Échéance %(n)d : le montant doit être supérieur à zéro, au centime.") % {
                "n": position
            }
        if item.trigger not in Instalment.Trigger.values:
            return _("Échéance %(n)d : ce déclencheur n'existe pas.") % {"n": position}
        if item.trigger == Instalment.Trigger.DATE and item.planned_on is None:
            return _("Échéance %(n)d : une échéance à date fixe a besoin de sa date.") % {
                "n": position
            }
    total = sum((item.amount for item in schedule), Decimal("0"))
    if total != amount:
        return _(
            "Les échéances totalisent %(total)s € au lieu des %(amount)s € de la convention : "
            "l'échéancier doit correspondre exactement au montant accordé."
        ) % {"total": format_euros(total), "amount": format_euros(amount)}
    return None


def _write_terms(agreement: FundingAgreement, terms: AgreementTerms) -> None:
    for field in (
        "amount",
        "beneficiary_name",
        "beneficiary_kind",
        "siret",
        "rna",
        "beneficiary_address",
        "representative",
        "conditions",
        "report_due_on",
    ):
        setattr(agreement, field, getattr(terms, field))


def _write_schedule(agreement: FundingAgreement, schedule: Sequence[InstalmentTerms]) -> None:
    agreement.instalments.all().delete()
    Instalment.objects.bulk_create(
        Instalment(
            agreement=agreement,
            position=position,
            label=item.label.strip(),
            amount=item.amount,
            trigger=item.trigger,
            planned_on=item.planned_on,
        )
        for position, item in enumerate(schedule, start=1)
    )


def _terms_data(terms: AgreementTerms) -> dict[str, Any]:
    return {
        "amount": str(terms.amount),
        "beneficiary_name": terms.beneficiary_name,
        "siret": terms.siret,
        "rna": terms.rna,
        "report_due_on": terms.report_due_on.isoformat() if terms.report_due_on else None,
        "schedule": [
            [
                item.label,
                str(item.amount),
                item.trigger,
                item.planned_on and item.planned_on.isoformat(),
            ]
            for item in terms.schedule
        ],
    }


def _locked(agreement: FundingAgreement) -> FundingAgreement:
    """The agreement's row, locked: every change of an agreement or of its payments starts here
    (two staff members acting at once are served one after the other)."""
    locked = (
        FundingAgreement.objects.select_for_update()
        .select_related("award__snapshot__edition", "award__decision__dossier__holder")
        .filter(pk=agreement.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _email_holder(agreement: FundingAgreement, template: str) -> None:
    """Tell the holder, once the change commits, with the link to their agreement's page."""
    holder = agreement.award.decision.dossier.holder
    if holder is not None and holder.email:
        send_after_commit(
            to=[holder.email],
            template=template,
            context={
                "agreement": agreement,
                "decision": agreement.award.decision,
                "holder": holder,
                "link": reverse("followup:holder_agreement", args=[agreement.award_id]),
            },
        )


# --- Agreement -----------------------------------------------------------------------------


def agreement_create(
    *, award: Award, by: Any, terms: AgreementTerms | None = None
) -> FundingAgreement:
    """The laureate's agreement, as a draft, with the next reference of its edition
    (``CONV-2025-0007``). Without terms, those of ``initial_terms``."""
    _require_staff(by)
    _check_award(award)
    terms = _clean_terms(terms or initial_terms(award), award)
    try:
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=award.snapshot.edition_id)
            # Numbered under the edition's lock, so two creations never take the same number
            # (the unique reference would refuse the second one anyway).
            if FundingAgreement.objects.filter(award=award).exists():
                raise AlreadyDone(_("Ce projet a déjà sa convention de financement."))
            count = FundingAgreement.objects.filter(award__snapshot__edition=edition).count()
            agreement = FundingAgreement(
                award=award, reference=f"CONV-{edition.year}-{count + 1:04d}"
            )
            _write_terms(agreement, terms)
            agreement.save()
            _write_schedule(agreement, terms.schedule)
            log_action(
                actor=by,
                action="followup.agreement_created",
                obj=agreement,
                data={"reference": agreement.reference, **_terms_data(terms)},
            )
    except IntegrityError as error:  # the award's agreement made at the same instant
        raise AlreadyDone(_("Ce projet a déjà sa convention de financement.")) from error
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: FundingAgreement, by: Any, terms: AgreementTerms
) -> FundingAgreement:
    """Change a draft's terms and schedule; a sent or signed agreement is what was signed."""
    _require_staff(by)
    agreement = _locked(agreement)
    if agreement.status != FundingAgreement.Status.DRAFT:
        raise Frozen(
            _(
                "Cette convention a été envoyée au porteur : ses termes ne changent plus. "
                "Remettez-la en brouillon pour la corriger, avant sa signature."
            )
        )
    terms = _clean_terms(terms, agreement.award)
    _write_terms(agreement, terms)
    agreement.save()
    _write_schedule(agreement, terms.schedule)
    log_action(
        actor=by,
        action="followup.agreement_updated",
        obj=agreement,
        data={"reference": agreement.reference, **_terms_data(terms)},
    )
    return agreement


@transaction.atomic
def agreement_send(*, agreement: FundingAgreement, by: Any) -> FundingAgreement:
    """Send the draft to the holder: the PDF is made now and its SHA-256 kept, so the signed
    scan can be compared with what was sent; the holder is emailed the link to it."""
    from budgetcitoyen.followup import pdf

    _require_staff(by)
    agreement = _locked(agreement)
    if agreement.status != FundingAgreement.Status.DRAFT:
        raise AlreadyDone(_("Cette convention a déjà été envoyée au porteur."))
    document = pdf.agreement_pdf(agreement)  # PdfUnavailable (503) without Pango
    agreement.status = FundingAgreement.Status.SENT
    agreement.sent_at = clock.now()
    agreement.sent_pdf_sha256 = pdf.sha256_of_pdf(document)
    agreement.save(update_fields=["status", "sent_at", "sent_pdf_sha256", "updated_at"])
    log_action(
        actor=by,
        action="followup.agreement_sent",
        obj=agreement,
        data={"reference": agreement.reference, "pdf_sha256": agreement.sent_pdf_sha256},
    )
    _email_holder(agreement, "followup_agreement_sent")
    return agreement


@transaction.atomic
def agreement_return_to_draft(
    *, agreement: FundingAgreement, by: Any, reason: str
) -> FundingAgreement:
    """A sent agreement back to draft for a correction, before its signature, with a reason."""
    _require_staff(by)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(errors={"reason": _("Indiquez le motif de la correction.")})
    agreement = _locked(agreement)
    if agreement.status == FundingAgreement.Status.SIGNED:
        raise Frozen(_("Cette convention est signée : elle ne peut plus être corrigée."))
    if agreement.status != FundingAgreement.Status.SENT:
        raise Conflict(_("Cette convention est déjà un brouillon."))
    previous = agreement.sent_pdf_sha256
    agreement.status = FundingAgreement.Status.DRAFT
    agreement.sent_at = None
    agreement.sent_pdf_sha256 = ""
    agreement.save(update_fields=["status", "sent_at", "sent_pdf_sha256", "updated_at"])
    log_action(
        actor=by,
        action="followup.agreement_returned_to_draft",
        obj=agreement,
        data={"reference": agreement.reference, "reason": reason, "sent_pdf_sha256": previous},
    )
    return agreement


def agreement_sign(
    *, agreement: FundingAgreement, by: Any, signed_on: date | None, scan: Any
) -> FundingAgreement:
    """Record the signature: its date (not in the future, not before the sending) and the
    scan of the signed agreement (PDF, JPEG or PNG, checked like a dossier's attachments)."""
    from budgetcitoyen.dossiers.services import stored_file  # the platform's one file writer

    _require_staff(by)
    errors: dict[str, str] = {}
    today = clock.today()
    if signed_on is None:
        errors["signed_on"] = _("Indiquez la date de signature.")
    elif signed_on > today:
        errors["signed_on"] = _("La date de signature ne peut pas être dans le futur.")
    if not scan:
        errors["scan"] = _("Joignez la convention signée (PDF, JPEG ou PNG).")
    with transaction.atomic():
        agreement = _locked(agreement)
        if agreement.status == FundingAgreement.Status.SIGNED:
            raise AlreadyDone(_("Cette convention est déjà signée."))
        if agreement.status != FundingAgreement.Status.SENT:
            raise Conflict(_("Une convention est signée après son envoi au porteur."))
        sent_on = timezone.localdate(agreement.sent_at) if agreement.sent_at else today
        if signed_on is not None and "signed_on" not in errors and signed_on < sent_on:
            errors["signed_on"] = _(
                "La convention a été envoyée le %(date)s : elle ne peut avoir été signée avant."
            ) % {"date": fr_date(sent_on, False)}
        if errors:
            raise InvalidInput(errors=errors)
        checked = files.check_upload(scan, allowed=(files.PDF, files.JPEG, files.PNG), field="scan")
        stored = SignedAgreementScan(
            agreement=agreement,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_at=clock.now(),
            uploaded_by=by,
        )
        with stored_file(stored.file, scan, checked):
            stored.save()
            agreement.status = FundingAgreement.Status.SIGNED
            agreement.signed_on = signed_on
            agreement.signed_at = clock.now()
            agreement.save(update_fields=["status", "signed_on", "signed_at", "updated_at"])
            log_action(
                actor=by,
                action="followup.agreement_signed",
                obj=agreement,
                data={
                    "reference": agreement.reference,
                    "signed_on": signed_on.isoformat() if signed_on else None,
                    "scan": checked.name,
                    "scan_sha256": checked.sha256,
                },
            )
            _email_holder(agreement, "followup_agreement_signed")
    return agreement


# --- Payments ------------------------------------------------------------------------------


def instalment_refusal(instalment: Instalment, agreement: FundingAgreement) -> str | None:
    """Why the instalment cannot be paid yet, or None once it is unlocked."""
    if agreement.status != FundingAgreement.Status.SIGNED:
        return _("La convention n'est pas encore signée : aucun versement n'est possible.")
    if instalment.trigger == Instalment.Trigger.REPORT:
        accepted = FinalReport.objects.filter(
            award_id=agreement.award_id, status=FinalReport.Status.ACCEPTED
        ).exists()
        if not accepted:
            return _(
                "Cette échéance est versée sur le rapport final accepté, qui ne l'est pas encore."
            )
    if instalment.trigger == Instalment.Trigger.DATE and (
        instalment.planned_on is None or instalment.planned_on > clock.today()
    ):
        return _("Cette échéance est versée à partir du %(date)s.") % {
            "date": fr_date(instalment.planned_on, False)
        }
    return None


def _paid(**filters: Any) -> Decimal:
    total = Payment.objects.filter(**filters).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def payment_record(
    *,
    instalment: Instalment,
    amount: Decimal | None,
    paid_on: date | None,
    reference: str,
    by: Any,
) -> Payment:
    """A payment made against an unlocked instalment of a signed agreement, never beyond the
    instalment's amount nor the agreement's."""
    _require_staff(by)
    reference = reference.strip()
    errors: dict[str, str] = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Le montant versé doit être supérieur à zéro.")
    elif amount != amount.quantize(CENT):
        errors["amount"] = _("Le montant compte au plus deux décimales.")
    if paid_on is None:
        errors["paid_on"] = _("Indiquez la date du versement.")
    elif paid_on > clock.today():
        errors["paid_on"] = _("La date du versement ne peut pas être dans le futur.")
    if not reference:
        errors["reference"] = _("Indiquez la référence du mandat de paiement.")
    with transaction.atomic():
        # The agreement's lock serialises payments: without it two payments recorded at once
        # would each read the same sum paid and, together, exceed the agreement.
        agreement = _locked(instalment.agreement)
        found = Instalment.objects.filter(pk=instalment.pk, agreement=agreement).first()
        if found is None:
            raise NotFound()
        instalment = found
        refusal = instalment_refusal(instalment, agreement)
        if refusal:
            raise Conflict(refusal)
        if paid_on is not None and agreement.signed_on and paid_on < agreement.signed_on:
            errors.setdefault(
                "paid_on",
                _("La convention a été signée le %(date)s : un versement ne peut la précéder.")
                % {"date": fr_date(agreement.signed_on, False)},
            )
        if errors:
            raise InvalidInput(errors=errors)
        assert amount is not None and paid_on is not None
        left_agreement = agreement.amount - _paid(instalment__agreement=agreement)
        left_instalment = instalment.amount - _paid(instalment=instalment)
        if amount > left_agreement:
            raise InvalidInput(
                errors={
                    "amount": _(
                        "Ce versement dépasserait le montant de la convention : il reste "
                        "%(left)s € à verser au titre de la convention."
                    )
                    % {"left": format_euros(left_agreement)}
                }
            )
        if amount > left_instalment:
            raise InvalidInput(
                errors={
                    "amount": _(
                        "Ce versement dépasserait le montant de l'échéance : il reste "
                        "%(left)s € à verser sur cette échéance."
                    )
                    % {"left": format_euros(left_instalment)}
                }
            )
        payment = Payment.objects.create(
            instalment=instalment,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=by,
        )
        log_action(
            actor=by,
            action="followup.payment_recorded",
            obj=agreement,
            data={
                "reference": agreement.reference,
                "instalment": instalment.position,
                "amount": str(amount),
                "paid_on": paid_on.isoformat(),
                "mandate": reference,
            },
        )
    return payment

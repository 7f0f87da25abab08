"""What becomes of a dossier once asked for proof, and of a laureate once funded.

- Supporting documents on request (``DocumentRequest``, ``RequestedDocument``,
  ``SupportingDocument``): staff ask a holder for named documents with a due date, at any time
  after submission (during the labelling too). The files go into the dossier's "pièces
  justificatives", never into the frozen dossier: its content, snapshot and SHA-256 stay as
  submitted.
- The funding agreement of a laureate (``FundingAgreement``) with its payment schedule
  (``Instalment``) and the payments made (``Payment``), never more than the agreement.
- The project's progress: staff's milestones (``Milestone``, with a progress percentage), the
  holder's news moderated before publication (``NewsItem``), and the final report
  (``FinalReport`` with its ``ReportAttachment``) that unlocks the last payment.

Every write goes through ``followup.services``; each state change is audited there.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.dossiers.models import Dossier, private_storage
from budgetcitoyen.results.models import Award


def followup_path(instance: Any, filename: str) -> str:
    """A random name under the dossier's edition and id; the original name stays in the row."""
    dossier = instance.dossier_for_path()
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"suivi/{dossier.edition.year}/{dossier.pk}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """A checked file (``dossiers.files.check_upload``) kept in the private storage."""

    file = models.FileField(storage=private_storage, upload_to=followup_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("ajouté le"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def dossier_for_path(self) -> Dossier:  # pragma: no cover - each subclass says
        raise NotImplementedError


# --- Supporting documents on request -------------------------------------------------------


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("Statuts de la structure")
    RIB = "rib", _("Relevé d'identité bancaire (RIB)")
    INSEE = "insee", _("Avis de situation SIRENE ou récépissé de déclaration en préfecture")
    CERTIFICATE = "certificate", _("Attestation sur l'honneur")
    QUOTE = "quote", _("Devis")
    ACCOUNTS = "accounts", _("Derniers comptes approuvés")
    INSURANCE = "insurance", _("Attestation d'assurance")
    OTHER = "other", _("Autre pièce")


class DocumentRequest(TimeStampedModel):
    """Staff ask a holder for documents about one submitted dossier, by a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("en attente")
        ANSWERED = "answered", _("pièces fournies")
        CLOSED = "closed", _("clos")
        CANCELLED = "cancelled", _("annulée")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="document_requests")
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.OPEN)
    message = models.TextField(_("message au porteur"), blank=True)
    due_on = models.DateField(_("à fournir au plus tard le"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # For a committee member's request relayed by staff during the labelling.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("à la demande de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"))
    answered_at = models.DateTimeField(_("pièces fournies le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de pièces justificatives")
        verbose_name_plural = _("demandes de pièces justificatives")
        ordering = ["dossier", "requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} : {self.due_on:%d/%m/%Y}"


class RequestedDocument(models.Model):
    """One document named in a request."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("pièce"), max_length=20, choices=DocumentKind.choices)
    label = models.CharField(_("précision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="requested_document_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label or str(self.get_kind_display())


class SupportingDocument(StoredFile):
    """A file the holder sent for one requested document."""

    item = models.ForeignKey(RequestedDocument, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["item", "uploaded_at", "pk"]

    def dossier_for_path(self) -> Dossier:
        return self.item.request.dossier


# --- Funding agreement and payments ---------------------------------------------------------


class FundingAgreement(TimeStampedModel):
    """The agreement between the Département and a laureate's structure: draft → sent → signed.

    Its terms (amount, beneficiary, schedule, conditions) change only as a draft; once sent they
    are what is signed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SENT = "sent", _("envoyée au porteur")
        SIGNED = "signed", _("signée")

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="agreement")
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    amount = models.DecimalField(_("montant accordé (€)"), max_digits=12, decimal_places=2)
    beneficiary_name = models.CharField(_("structure bénéficiaire"), max_length=200)
    beneficiary_kind = models.CharField(_("forme de la structure"), max_length=20, blank=True)
    siret = models.CharField(_("numéro SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    beneficiary_address = models.TextField(_("adresse de la structure"), blank=True)
    representative = models.CharField(_("représentée par"), max_length=150, blank=True)
    conditions = models.TextField(_("conditions particulières"), blank=True)
    report_due_on = models.DateField(
        _("rapport final attendu au plus tard le"), null=True, blank=True
    )
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signature enregistrée le"), null=True, blank=True)
    # The PDF sent to the holder, kept as sent (its SHA-256 printed on the signed scan's page).
    sent_pdf_sha256 = models.CharField(
        _("empreinte SHA-256 du PDF envoyé"), max_length=64, blank=True
    )
    report_reminded_at = models.DateTimeField(
        _("rappel du rapport envoyé le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("convention de financement")
        verbose_name_plural = _("conventions de financement")
        ordering = ["award__snapshot__edition__year", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class SignedAgreementScan(StoredFile):
    """The scan of the signed agreement (PDF, JPEG or PNG)."""

    agreement = models.ForeignKey(FundingAgreement, on_delete=models.CASCADE, related_name="scans")

    class Meta:
        verbose_name = _("convention signée (scan)")
        verbose_name_plural = _("conventions signées (scans)")
        ordering = ["agreement", "uploaded_at", "pk"]

    def dossier_for_path(self) -> Dossier:
        return self.agreement.award.decision.dossier


class Instalment(models.Model):
    """One planned instalment of an agreement's schedule, with what unlocks it."""

    class Trigger(models.TextChoices):
        SIGNATURE = "signature", _("à la signature")
        REPORT = "report", _("sur rapport final accepté")
        DATE = "date", _("à date fixe")

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.CASCADE, related_name="instalments"
    )
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("échéance"), max_length=100)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    trigger = models.CharField(_("versée"), max_length=20, choices=Trigger.choices)
    planned_on = models.DateField(_("date prévue"), null=True, blank=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="instalment_position_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class Payment(TimeStampedModel):
    """Money actually paid against one instalment. The sum of an agreement's payments never
    exceeds its amount, nor an instalment's payments its amount (``services.payment_record``
    locks the agreement)."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("montant versé (€)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("versé le"))
    reference = models.CharField(_("référence du mandat"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["instalment", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} : {self.amount} €"


# --- Progress: milestones, news, final report ------------------------------------------------


class Milestone(TimeStampedModel):
    """A step staff record for a laureate's project, with its progress at that step."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Projet démarré")
        HALFWAY = "halfway", _("À mi-parcours")
        DONE = "done", _("Projet réalisé")
        ABANDONED = "abandoned", _("Projet abandonné")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(_("étape"), max_length=20, choices=Kind.choices)
    reached_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("avancement (%)"))
    reason = models.TextField(_("motif"), blank=True)
    note = models.CharField(_("précision publique"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("étape du projet")
        verbose_name_plural = _("étapes du projet")
        ordering = ["award", "reached_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress_max"),
            models.CheckConstraint(
                condition=~Q(kind="abandoned") | ~Q(reason=""),
                name="milestone_abandoned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.progress} %)"


class NewsItem(TimeStampedModel):
    """News of a laureate's project, written by its holder, published once staff approve it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("en attente de modération")
        PUBLISHED = "published", _("publiée")
        REFUSED = "refused", _("refusée")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="news")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"))
    happened_on = models.DateField(_("date de l'événement"))
    photo = models.FileField(
        storage=private_storage, upload_to=followup_path, max_length=255, blank=True
    )
    photo_alt = models.CharField(_("description de la photo"), max_length=300, blank=True)
    photo_content_type = models.CharField(max_length=50, blank=True)
    photo_size = models.PositiveIntegerField(null=True, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("actualité du projet")
        verbose_name_plural = _("actualités des projets")
        ordering = ["award", "-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_published_has_date",
            ),
        ]

    def dossier_for_path(self) -> Dossier:
        return self.award.decision.dossier

    def __str__(self) -> str:
        return self.title


class FinalReport(TimeStampedModel):
    """The holder's final report: draft → submitted → accepted (or returned for changes).
    Accepted, it unlocks the instalments paid "sur rapport final"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("remis")
        RETURNED = "returned", _("à compléter")
        ACCEPTED = "accepted", _("accepté")

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="final_report")
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    achievements = models.TextField(_("ce qui a été réalisé"), blank=True)
    beneficiaries_reached = models.TextField(_("publics touchés"), blank=True)
    spending = models.TextField(_("utilisation de l'aide"), blank=True)
    difficulties = models.TextField(_("difficultés et suites"), blank=True)
    amount_spent = models.DecimalField(
        _("dépenses réalisées (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiné par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    review_comment = models.TextField(_("observations"), blank=True)

    class Meta:
        verbose_name = _("rapport final")
        verbose_name_plural = _("rapports finaux")

    def __str__(self) -> str:
        return str(self.award)


class ReportAttachment(StoredFile):
    report = models.ForeignKey(FinalReport, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("pièce du rapport final")
        verbose_name_plural = _("pièces du rapport final")
        ordering = ["report", "uploaded_at", "pk"]

    def dossier_for_path(self) -> Dossier:
        return self.report.award.decision.dossier

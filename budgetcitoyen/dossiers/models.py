"""Project dossiers: drafts prepared after a comptoir, then submitted and frozen for good.

A dossier is a draft until its holder submits it during the deposit window. Submission
gives it a reference (BC-2025-0042), a canonical JSON snapshot of everything submitted
and the SHA-256 of that snapshot; from then on its content never changes (services,
forms and admin refuse, and on PostgreSQL a trigger refuses the UPDATE itself). Only its
status moves on: withdrawn by its holder, then the committee's decision.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.territories.models import Commune, Territory


def private_storage() -> Storage:
    """Files outside the public media path, served only through permission-checking views."""
    return storages["private"]


def private_path(instance: Any, filename: str) -> str:
    """A random name: the original file name is kept in the database, never on disk."""
    dossier = instance if isinstance(instance, Dossier) else instance.dossier
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"dossiers/{dossier.edition.year}/{dossier.pk}/{uuid.uuid4().hex}{suffix}"


class StructureKind(models.TextChoices):
    ASSOCIATION = "association", _("Association loi 1901")
    COOPERATIVE = "cooperative", _("Coopérative (SCOP, SCIC)")
    MUTUAL = "mutual", _("Mutuelle")
    FOUNDATION = "foundation", _("Fondation")
    ESUS = "esus", _("Entreprise agréée ESUS")
    COLLECTIVE = "collective", _("Collectif d'habitants en cours de structuration")


class Dossier(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("déposé")
        WITHDRAWN = "withdrawn", _("retiré")
        LABELLED = "labelled", _("labellisé")
        NOT_LABELLED = "not_labelled", _("non labellisé")

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="dossiers"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur du dossier"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("idée présentée au comptoir"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    # Public presentation
    title = models.CharField(_("titre du projet"), max_length=150, blank=True)
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    photo = models.FileField(
        _("photo"), storage=private_storage, upload_to=private_path, blank=True, max_length=255
    )
    photo_name = models.CharField(_("nom du fichier photo"), max_length=255, blank=True)
    photo_content_type = models.CharField(max_length=50, blank=True)
    photo_size = models.PositiveIntegerField(null=True, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)

    # The project
    objectives = models.TextField(_("objectifs"), blank=True)
    social_utility = models.TextField(_("utilité sociale et dimension ESS"), blank=True)
    beneficiaries = models.TextField(_("bénéficiaires"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes"),
        through="DossierCommune",
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("date de démarrage"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)
    partners = models.TextField(_("partenaires"), blank=True)

    # The carrier
    structure_kind = models.CharField(
        _("type de structure"), max_length=20, choices=StructureKind.choices, blank=True
    )
    structure_name = models.CharField(_("nom de la structure"), max_length=200, blank=True)
    siret = models.CharField(_("numéro SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    structure_address = models.TextField(_("adresse de la structure"), blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    contact_role = models.CharField(_("fonction"), max_length=100, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)

    # The money (exact decimals, euros)
    total_cost = models.DecimalField(
        _("coût total du projet (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_requested = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    wished_category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie souhaitée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # What a step held when it had errors, exactly as typed: shown again with its errors.
    pending_input = models.JSONField(default=dict, blank=True, editable=False)

    # Set once, at submission
    number = models.PositiveIntegerField(_("numéro d'ordre"), null=True, blank=True)
    # NULL until submitted, so that the unique constraint ignores drafts.
    reference = models.CharField(_("référence"), max_length=20, null=True, blank=True)  # noqa: DJ001
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    snapshot = models.TextField(_("contenu déposé (JSON canonique)"), blank=True)
    snapshot_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)

    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)

    # Set when the retention delay has passed (``privacy.services.dossiers_purge``): what was
    # not published is erased; a dossier that was never put to the vote is deleted outright.
    purged_at = models.DateTimeField(_("effacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="dossier_number_unique_per_edition"
            ),
            models.UniqueConstraint(fields=["reference"], name="dossier_reference_unique"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(number__isnull=False)
                    & Q(reference__isnull=False)
                    & Q(submitted_at__isnull=False)
                    & ~Q(snapshot_sha256="")
                ),
                name="dossier_submitted_is_sealed",
            ),
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(submitted_at__isnull=True),
                name="dossier_draft_not_sealed",
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"], name="dossier_edition_status_idx")]

    def __str__(self) -> str:
        label = self.title or _("Dossier sans titre")
        return f"{self.reference} — {label}" if self.reference else str(label)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


class DossierCommune(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "commune"], name="dossier_commune_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} — {self.commune_id}"


class FinancingLine(models.Model):
    """A line of the financing plan besides the amount requested from the Budget citoyen."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="financing_lines")
    position = models.PositiveSmallIntegerField()
    source = models.CharField(_("source de financement"), max_length=200)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    is_secured = models.BooleanField(_("acquis"), default=False)

    class Meta:
        verbose_name = _("ligne du plan de financement")
        verbose_name_plural = _("plan de financement")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="financing_line_position_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financing_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.source} : {self.amount} €"


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=private_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("ajouté le"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["dossier", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

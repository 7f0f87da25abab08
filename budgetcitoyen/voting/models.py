"""The vote: voters' declarations, ballots and their choices, reviews of multiple votes.

A ballot is final once recorded: its choices never change (on PostgreSQL a trigger refuses
it), only its status moves, and only through a review by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.territories.models import Commune, Territory


class IdentityFields(models.Model):
    """What a voter declares: names, date of birth, commune and postal code."""

    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    other_first_names = models.CharField(_("autres prénoms"), max_length=150, blank=True)
    birth_date = models.DateField(_("date de naissance"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune de résidence"), on_delete=models.PROTECT, related_name="+"
    )
    postal_code = models.CharField(_("code postal"), max_length=5)

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class VoterDeclaration(IdentityFields, TimeStampedModel):
    """An online voter's sworn declaration for one edition, editable until they vote."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voter_declarations"
    )
    sworn_at = models.DateTimeField(_("déclaration sur l'honneur le"))

    class Meta:
        verbose_name = _("déclaration de votant")
        verbose_name_plural = _("déclarations de votants")
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="declaration_once"),
        ]

    def __str__(self) -> str:
        return self.full_name


class IdentityReview(TimeStampedModel):
    """Ballots sharing an identity key, waiting for staff: annul them all, or dismiss."""

    class Status(models.TextChoices):
        OPEN = "open", _("à examiner")
        ANNULLED = "annulled", _("votes annulés")
        DISMISSED = "dismissed", _("classé : personnes différentes")

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="+"
    )
    identity_key = models.CharField(_("clé d'identité"), max_length=250)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("motif"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("vérification de vote multiple")
        verbose_name_plural = _("vérifications de votes multiples")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "identity_key"],
                condition=Q(status="open"),
                name="identity_review_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identity_key} ({self.get_status_display()})"


class Ballot(IdentityFields, TimeStampedModel):
    class Channel(models.TextChoices):
        ONLINE = "online", _("en ligne")
        PAPER = "paper", _("papier")

    class Status(models.TextChoices):
        VALID = "valid", _("valide")
        UNDER_REVIEW = "under_review", _("en cours de vérification")
        ANNULLED = "annulled", _("annulé")

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="ballots"
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("état"), max_length=15, choices=Status.choices, default=Status.VALID
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
    )
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The ballot's id in the published file: a keyed hash of its receipt code
    # (``voting.ballotlines``), so that its voter, and only whoever holds the receipt, finds
    # its line. Ballots recorded before line ids existed got a random one.
    line_id = models.CharField(_("identifiant de ligne"), max_length=16, editable=False)
    identity_key = models.CharField(_("clé d'identité"), max_length=250, editable=False)
    # Frozen at cast time, for statistics that do not move when a profile changes.
    age_band = models.CharField(_("tranche d'âge"), max_length=5, editable=False)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("enregistré le"))
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    review = models.ForeignKey(
        IdentityReview,
        verbose_name=_("vérification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
    )
    # Paper ballots: who typed it in, where it was collected and when.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    collection_point = models.CharField(_("lieu de collecte"), max_length=150, blank=True)
    collected_on = models.DateField(_("date de dépôt"), null=True, blank=True)
    choices_signature = models.CharField(max_length=64, editable=False)
    # The choices as the count reads them, ``project:points`` pairs by project id (the text
    # ``choices_signature`` digests): one GROUP BY on it counts an edition. The choices also
    # stay as ``BallotChoice`` rows, in the order the voter gave them.
    choices_text = models.TextField(editable=False)
    # Once the retention delay after the results has passed, the identity columns, the
    # account, the identity key and the IP are cleared (``privacy.services``); the choices,
    # the age band and the territory stay, so the result can still be recounted.
    birth_date = models.DateField(_("date de naissance"), null=True)  # type: ignore[assignment]
    commune = models.ForeignKey(  # type: ignore[assignment]
        Commune,
        verbose_name=_("commune de résidence"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["cast_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user"],
                condition=Q(user__isnull=False),
                name="ballot_one_per_voter",
            ),
            models.UniqueConstraint(fields=["edition", "line_id"], name="ballot_line_id_once"),
            models.CheckConstraint(
                condition=(Q(channel="online") & Q(user__isnull=False))
                | (Q(channel="paper") & Q(entered_by__isnull=False))
                | Q(anonymised_at__isnull=False),
                name="ballot_channel_has_author",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | (
                    Q(user__isnull=True)
                    & Q(birth_date__isnull=True)
                    & Q(commune__isnull=True)
                    & Q(ip_address__isnull=True)
                    & Q(last_name="")
                    & Q(first_name="")
                    & Q(other_first_names="")
                    & Q(postal_code="")
                    & Q(identity_key="")
                ),
                name="ballot_anonymised_holds_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=False)
                | (Q(birth_date__isnull=False) & Q(commune__isnull=False)),
                name="ballot_identity_until_anonymised",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "identity_key"], name="ballot_identity"),
            models.Index(fields=["edition", "status"], name="ballot_status"),
            models.Index(fields=["edition", "ip_address", "cast_at"], name="ballot_ip"),
        ]

    def __str__(self) -> str:
        return f"Bulletin {self.pk} ({self.get_channel_display()}, {self.get_status_display()})"


class BallotChoice(models.Model):
    """One project on a ballot, with its points (1, or its rank's points under ``points``)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    project = models.ForeignKey(
        "labelling.Decision", verbose_name=_("projet"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="choice_once_per_ballot"),
            models.CheckConstraint(condition=Q(points__gte=1), name="choice_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.project_id} ({self.points})"

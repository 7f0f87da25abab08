"""Comptoirs à initiatives citoyennes: the workshops of an edition, their registrations and attendance."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.territories.models import Commune, Territory


class Comptoir(TimeStampedModel):
    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="comptoirs"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="comptoirs"
    )
    host_name = models.CharField(_("structure accueillante"), max_length=150)
    address = models.CharField(_("adresse"), max_length=255)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    access_information = models.TextField(
        _("informations d'accès"),
        blank=True,
        help_text=_("Accessibilité du lieu, transports, stationnement…"),
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveSmallIntegerField(_("nombre de places"), default=20)
    registration_cutoff_hours = models.PositiveSmallIntegerField(
        _("clôture des inscriptions (heures avant le début)"), default=24
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisateurs"),
        blank=True,
        related_name="organised_comptoirs",
        help_text=_(
            "Personnes de la structure accueillante qui voient les inscrits et notent les présences."
        ),
    )
    is_cancelled = models.BooleanField(_("annulé"), default=False)
    cancellation_reason = models.TextField(_("motif d'annulation"), blank=True)
    # Arrival order of registrations: each one takes the next ticket under the comptoir's lock.
    next_ticket = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("comptoir")
        verbose_name_plural = _("comptoirs")
        ordering = ["starts_at"]
        permissions = [("take_attendance", _("Noter les présences à un comptoir"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="comptoir_time_order"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="comptoir_capacity_positive"),
            models.UniqueConstraint(
                fields=["edition", "host_name", "starts_at"], name="comptoir_unique_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_name} ({self.commune.name})"

    @property
    def registration_closes_at(self):  # type: ignore[no-untyped-def]
        return self.starts_at - timedelta(hours=self.registration_cutoff_hours)


class StructureKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative")
    COLLECTIVE = "collective", _("Collectif d'habitants")
    NONE_YET = "none", _("Pas encore de structure")


class Registration(TimeStampedModel):
    """A person's place (or place in line) at a comptoir, with the idea they bring."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmée")
        WAITLISTED = "waitlisted", _("en liste d'attente")
        CANCELLED = "cancelled", _("annulée")
        WITHDRAWN = "withdrawn", _("retirée de la liste d'attente")
        COMPTOIR_CANCELLED = "comptoir_cancelled", _("comptoir annulé")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("non renseignée")
        PRESENT = "present", _("présent")
        ABSENT = "absent", _("absent")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="+"
    )
    comptoir = models.ForeignKey(
        Comptoir, verbose_name=_("comptoir"), on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.PROTECT,
        related_name="comptoir_registrations",
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    ticket = models.PositiveIntegerField(_("ordre d'arrivée"))
    idea_title = models.CharField(_("titre de l'idée"), max_length=150)
    idea_summary = models.TextField(_("l'idée en quelques lignes"), max_length=1500)
    idea_territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire concerné"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    structure_kind = models.CharField(
        _("structure existante"), max_length=20, choices=StructureKind.choices
    )
    accessibility_needs = models.TextField(
        _("besoins d'accessibilité"), blank=True, max_length=1000
    )
    is_walk_in = models.BooleanField(_("inscrit sur place"), default=False)
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    attendance_marked_at = models.DateTimeField(_("présence notée le"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("présence notée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("fin de l'inscription"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["comptoir", "ticket"]
        constraints = [
            models.UniqueConstraint(
                fields=["comptoir", "person"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="registration_one_active_per_comptoir",
            ),
            models.UniqueConstraint(
                fields=["edition", "person"],
                condition=Q(status="confirmed"),
                name="registration_one_confirmed_place_per_edition",
            ),
            models.UniqueConstraint(
                fields=["comptoir", "ticket"], name="registration_ticket_unique"
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="confirmed"),
                name="registration_attendance_only_when_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["comptoir", "status", "ticket"], name="registration_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.comptoir}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

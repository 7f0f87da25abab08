"""Comptoirs à initiatives citoyennes: the workshops an edition holds across its territories."""

from __future__ import annotations

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
    is_cancelled = models.BooleanField(_("annulé"), default=False)

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

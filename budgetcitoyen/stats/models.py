"""The figures of an edition as they were when its results were published.

The figures count registrations, dossiers, accounts and voters' identities that the purge of
personal data deletes months or years later (``core/retention.py``); kept here at
publication, the published statistics never change afterwards. They are aggregates: the
small counts they hold are masked on every reading (``stats.masking``), never shown.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.editions.models import Edition


class EditionStatistics(TimeStampedModel):
    edition = models.OneToOneField(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="statistics"
    )
    figures = models.JSONField(_("chiffres"))
    computed_at = models.DateTimeField(_("calculés le"))

    class Meta:
        verbose_name = _("statistiques d'une édition")
        verbose_name_plural = _("statistiques des éditions")

    def __str__(self) -> str:
        return f"{self.edition.year}"

"""Result snapshots (every count ever run, kept as it was) and the laureates of a published one.

A snapshot freezes one count: the rule and its version, the request (budget, envelopes by
priority, threshold), the anonymised ballots exactly as counted (the .pb file, compressed) and
their SHA-256, the outcome with its trace (events, rendered in the reader's language; older
counts stored French sentences), who ran it and when. Publishing one makes it
the edition's result; it can never be changed afterwards.
"""

from __future__ import annotations

import gzip
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.editions.models import Edition, allocation_rule_choices
from budgetcitoyen.tally import registry


class ResultSnapshot(TimeStampedModel):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="results")
    # As counted: a snapshot of an older count may hold a former name (``pas-de-calais``), which
    # ``tally.registry`` still resolves.
    rule = models.CharField(_("règle"), max_length=20, choices=allocation_rule_choices)
    rule_version = models.CharField(_("version de la règle"), max_length=10)
    threshold = models.PositiveIntegerField(_("seuil de voix"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    voters = models.PositiveIntegerField(_("bulletins comptés"))
    ballots_sha256 = models.CharField(_("empreinte SHA-256 des bulletins"), max_length=64)
    ballots_file = models.BinaryField(_("bulletins anonymisés (.pb, gzip)"), editable=False)
    outcome = models.JSONField(_("résultat"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dépouillement")
        verbose_name_plural = _("dépouillements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(published_at__isnull=False),
                name="one_published_result_per_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} — {self.rule_label} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def rule_label(self) -> str:
        """The rule as the admin names it, in the reader's language (a former name included)."""
        rule = registry.find(self.rule)
        return gettext(rule.label) if rule is not None else self.rule

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def ballots_pb(self) -> bytes:
        return gzip.decompress(bytes(self.ballots_file))

    @property
    def projects(self) -> list[dict[str, Any]]:
        return list(self.outcome.get("projects", []))


class Award(TimeStampedModel):
    """A project funded by the published result: its holder's dossier reads "Lauréat"."""

    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.PROTECT, related_name="awards")
    decision = models.OneToOneField(
        "labelling.Decision", on_delete=models.PROTECT, related_name="award"
    )
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    votes = models.PositiveIntegerField(_("voix"))
    notified_at = models.DateTimeField(_("porteur informé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("projet lauréat")
        verbose_name_plural = _("projets lauréats")

    def __str__(self) -> str:
        return str(self.decision)


class ImportedResult(TimeStampedModel):
    """The published results of a past edition, imported from a file (``results.imports``).

    It holds what the file held and nothing more: each project's votes, amounts and whether it
    was funded. No ballot, dossier or count trace of that edition exists on the platform.
    """

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="imported_result"
    )
    imported_at = models.DateTimeField(_("importé le"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField(_("fichier"), max_length=200)
    source_sha256 = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64)

    class Meta:
        verbose_name = _("résultats importés")
        verbose_name_plural = _("résultats importés")

    def __str__(self) -> str:
        return str(self.edition)


class ImportedProject(models.Model):
    """One project of an imported result, as the file gave it (its line kept for reference)."""

    result = models.ForeignKey(ImportedResult, on_delete=models.CASCADE, related_name="projects")
    line = models.PositiveIntegerField(_("ligne du fichier"))
    reference = models.CharField(_("référence"), max_length=40)
    title = models.CharField(_("titre"), max_length=200)
    category = models.ForeignKey(
        "editions.Category", on_delete=models.PROTECT, related_name="imported_projects"
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    votes = models.PositiveIntegerField(_("voix"))
    amount_requested = models.DecimalField(_("montant demandé"), max_digits=12, decimal_places=2)
    amount_granted = models.DecimalField(_("montant accordé"), max_digits=12, decimal_places=2)
    funded = models.BooleanField(_("financé"))

    class Meta:
        verbose_name = _("projet importé")
        verbose_name_plural = _("projets importés")
        ordering = ["result", "-funded", "-votes", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "reference"], name="imported_project_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0) & Q(amount_granted__gte=0),
                name="imported_project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(funded=True) | Q(amount_granted=0),
                name="imported_project_granted_only_if_funded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

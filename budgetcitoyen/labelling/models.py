"""The labelling committee: review grid, assignments, conflicts, opinions and decisions.

A decision labels a submitted dossier (final category, labelled amount, public texts) or
refuses the label (with a reason written for the holder). A labelled dossier becomes a public
project when the vote opens, never before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Category, Edition

DEFAULT_CRITERIA = [
    ("Utilité sociale", "Le projet répond-il à un besoin social du territoire ?"),
    ("Coopération", "Associe-t-il habitants, structures et partenaires ?"),
    ("Innovation sociale", "Apporte-t-il une réponse nouvelle ?"),
    ("Ancrage territorial", "Est-il porté par et pour le territoire ?"),
    ("Viabilité économique", "Son budget et son plan de financement sont-ils réalistes ?"),
]
DEFAULT_MAX_SCORE = 3


class Criterion(TimeStampedModel):
    """A line of the edition's review grid, scored from 0 to ``max_score``."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("critère"), max_length=100)
    description = models.CharField(_("question posée"), max_length=300, blank=True)
    max_score = models.PositiveSmallIntegerField(_("note maximale"), default=DEFAULT_MAX_SCORE)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("critère d'examen")
        verbose_name_plural = _("grille d'examen")
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(max_score__lte=20), name="criterion_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (0–{self.max_score})"


class Assignment(TimeStampedModel):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre du comité"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "member"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.member}"


class ConflictOfInterest(TimeStampedModel):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts"
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("conflit d'intérêts")
        verbose_name_plural = _("conflits d'intérêts")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "member"], name="conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.dossier}"


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("favorable")
    RESERVED = "reserved", _("réservé")
    UNFAVOURABLE = "unfavourable", _("défavorable")


class Review(TimeStampedModel):
    """A member's opinion on a dossier. Internal: never shown to holders."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    opinion = models.CharField(_("avis"), max_length=20, choices=Opinion.choices)
    proposed_category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie proposée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # {criterion id (as text): score}
    scores = models.JSONField(_("notes"), default=dict)
    comment = models.TextField(_("commentaire interne"), blank=True)
    # A review whose author later declared a conflict is kept (audit) but hidden everywhere.
    hidden_for_conflict = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        constraints = [models.UniqueConstraint(fields=["dossier", "member"], name="review_unique")]

    def __str__(self) -> str:
        return f"{self.member} — {self.dossier} : {self.get_opinion_display()}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())


class Outcome(models.TextChoices):
    LABELLED = "labelled", _("labellisé")
    NOT_LABELLED = "not_labelled", _("non labellisé")


class Decision(TimeStampedModel):
    """The committee's decision on one dossier, taken by staff. A labelled decision is the
    public project: its public texts are the dossier's, corrected for typos by staff at most."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="decision")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("décision"), max_length=20, choices=Outcome.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie retenue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    labelled_amount = models.DecimalField(
        _("montant labellisé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    public_title = models.CharField(_("titre public"), max_length=150, blank=True)
    public_summary = models.CharField(_("résumé public"), max_length=500, blank=True)
    public_description = models.TextField(_("description publique"), blank=True)
    reason = models.TextField(_("motif adressé au porteur"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"))
    revision = models.PositiveSmallIntegerField(_("révision"), default=0)
    override_reason = models.TextField(_("motif de la décision hors période"), blank=True)
    notified_at = models.DateTimeField(_("porteur informé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["edition", "dossier__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="not_labelled")
                | (
                    Q(category__isnull=False)
                    & Q(labelled_amount__isnull=False)
                    & Q(labelled_amount__gt=0)
                    & ~Q(public_title="")
                ),
                name="decision_labelled_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(outcome="labelled") | ~Q(reason=""),
                name="decision_refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["edition", "outcome"], name="decision_edition_outcome")]

    def __str__(self) -> str:
        return f"{self.dossier} : {self.get_outcome_display()}"

    @property
    def is_labelled(self) -> bool:
        return self.outcome == Outcome.LABELLED

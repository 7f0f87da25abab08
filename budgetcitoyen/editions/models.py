"""An edition of the Budget citoyen (one a year): its calendar, categories and rules.

Every window is half-open: it opens at its start and is closed from its end on. An
end at midnight therefore reads "until the day before, included" (see ``templatetags``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.core.models import TimeStampedModel
from budgetcitoyen.core.organisation import default_minimum_voter_age
from budgetcitoyen.tally import registry


def vote_rule_choices() -> list[tuple[str, str | Promise]]:
    """The ballot rules of the registry (``ballots.rules``, pure): a new rule needs no migration."""
    return ballot_rules.choices()


def allocation_rule_choices() -> list[tuple[str, str | Promise]]:
    """The counting rules of ``tally.registry``, as the admin lists them. A callable, so that
    migrations store a reference to it and a new rule needs no migration."""
    return [(rule.name, _(rule.label)) for rule in registry.RULES.values()]


class Edition(TimeStampedModel):
    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    title = models.CharField(_("titre"), max_length=150)
    introduction = models.TextField(
        _("présentation"), blank=True, help_text=_("Quelques lignes affichées en page d'accueil.")
    )
    is_published = models.BooleanField(
        _("publiée"),
        default=False,
        help_text=_("Une édition non publiée n'est visible que de l'équipe."),
    )
    is_demo = models.BooleanField(
        _("démonstration"),
        default=False,
        help_text=_("Contenu fictif, signalé comme tel sur le site."),
    )
    # An edition held before the platform, whose published results were imported from a file
    # (``results.imports``): no comptoir, dossier or ballot of it exists here, its calendar is
    # nominal, and it is never the current edition.
    is_imported = models.BooleanField(
        _("importée"),
        default=False,
        editable=False,
        help_text=_("Résultats d'une édition passée importés d'un fichier."),
    )

    comptoirs_start = models.DateTimeField(_("début des comptoirs"))
    comptoirs_end = models.DateTimeField(_("fin des comptoirs"))
    deposit_start = models.DateTimeField(_("ouverture du dépôt des dossiers"))
    deposit_end = models.DateTimeField(_("clôture du dépôt des dossiers"))
    labelling_start = models.DateTimeField(_("début de la labellisation"))
    labelling_end = models.DateTimeField(_("fin de la labellisation"))
    vote_start = models.DateTimeField(_("ouverture du vote"))
    vote_end = models.DateTimeField(_("clôture du vote"))
    results_at = models.DateTimeField(_("publication des résultats"))

    vote_rule = models.CharField(
        _("règle de vote"),
        max_length=20,
        choices=vote_rule_choices,
        default=ballot_rules.Favourites.code,
    )
    vote_min_choices = models.PositiveSmallIntegerField(
        _("nombre minimum de choix"),
        null=True,
        blank=True,
        default=1,
        help_text=_("Règle « coups de cœur » uniquement."),
    )
    vote_max_choices = models.PositiveSmallIntegerField(
        _("nombre maximum de choix"),
        null=True,
        blank=True,
        default=3,
        help_text=_("Coups de cœur : maximum ; approbation : maximum ; classement : k."),
    )
    minimum_voter_age = models.PositiveSmallIntegerField(
        _("âge minimum pour voter"),
        default=default_minimum_voter_age,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    age_reference_date = models.DateField(
        _("date de calcul de l'âge"),
        null=True,
        blank=True,
        help_text=_("Laisser vide pour le premier jour du vote."),
    )
    allocation_rule = models.CharField(
        _("règle de répartition"),
        max_length=20,
        choices=allocation_rule_choices,
        default=registry.DEFAULT,
    )
    allocation_threshold = models.PositiveIntegerField(
        _("seuil de voix"),
        null=True,
        blank=True,
        help_text=_("Nombre minimum de voix pour qu'un projet puisse être financé (facultatif)."),
    )
    # Raised by every save of what the ballot shows (a decision, a category, a territory):
    # the processes that keep the ballot in memory read it with the edition and reload the
    # ballot when it moved (voting.catalogue).
    catalogue_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-year"]
        permissions = [
            ("manage_edition", _("Piloter une édition")),
            ("review_dossiers", _("Examiner les dossiers (comité de labellisation)")),
            ("enter_paper_ballots", _("Saisir les bulletins papier")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(comptoirs_start__lt=F("comptoirs_end")), name="edition_comptoirs_order"
            ),
            models.CheckConstraint(
                condition=Q(deposit_start__lt=F("deposit_end")), name="edition_deposit_order"
            ),
            models.CheckConstraint(
                condition=Q(labelling_start__lt=F("labelling_end")), name="edition_labelling_order"
            ),
            models.CheckConstraint(
                condition=Q(vote_start__lt=F("vote_end")), name="edition_vote_order"
            ),
            models.CheckConstraint(
                condition=Q(comptoirs_start__lt=F("deposit_end")),
                name="edition_comptoirs_before_deposit_end",
            ),
            models.CheckConstraint(
                condition=Q(deposit_end__lte=F("labelling_start")),
                name="edition_deposit_before_labelling",
            ),
            models.CheckConstraint(
                condition=Q(labelling_end__lte=F("vote_start")),
                name="edition_labelling_before_vote",
            ),
            models.CheckConstraint(
                condition=Q(vote_end__lte=F("results_at")), name="edition_results_after_vote"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from budgetcitoyen.editions.services import edition_validate

        edition_validate(self)

    @property
    def age_reckoned_on(self) -> date:
        """The day a voter's age is reckoned: the set date, else the first day of the vote."""
        return self.age_reference_date or timezone.localdate(self.vote_start)

    @property
    def total_envelope(self) -> Decimal:
        return sum((c.envelope for c in self.categories.all()), Decimal("0"))


class Category(TimeStampedModel):
    """A category of an edition (Innovation sociale, Coopération, Pratiques de l'ESS).

    Its envelope funds its most-voted projects; what it leaves goes to the other
    categories by ``priority`` (1 receives leftovers first).
    """

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    envelope = models.DecimalField(_("enveloppe (€)"), max_digits=12, decimal_places=2)
    max_amount_per_project = models.DecimalField(
        _("montant maximum par projet (€)"), max_digits=12, decimal_places=2
    )
    priority = models.PositiveSmallIntegerField(
        _("priorité de redistribution"),
        help_text=_("1 = première à recevoir les reliquats des autres catégories."),
    )

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["edition", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "priority"], name="category_priority_unique"
            ),
            models.UniqueConstraint(fields=["edition", "name"], name="category_name_unique"),
            models.CheckConstraint(
                condition=Q(envelope__gte=0), name="category_envelope_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_amount_per_project__gt=0), name="category_max_amount_positive"
            ),
            models.CheckConstraint(condition=Q(priority__gte=1), name="category_priority_positive"),
        ]

    def __str__(self) -> str:
        return self.name

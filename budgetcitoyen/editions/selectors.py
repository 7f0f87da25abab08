"""Reads on editions: which edition is current, and which phase it is in, from its dates.

The phase is never stored: it is computed from the calendar and the clock, so nobody has
to remember to flip a flag on the first day of the vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import clock, organisation
from budgetcitoyen.editions.models import Category, Edition


class Phase(StrEnum):
    UPCOMING = "upcoming"
    COMPTOIRS = "comptoirs"
    DEPOSIT = "deposit"
    AWAITING_LABELLING = "awaiting_labelling"
    LABELLING = "labelling"
    AWAITING_VOTE = "awaiting_vote"
    VOTE = "vote"
    COUNTING = "counting"
    RESULTS = "results"

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])


PHASE_LABELS = {
    Phase.UPCOMING: _("En préparation"),
    Phase.COMPTOIRS: _("Comptoirs à initiatives citoyennes"),
    Phase.DEPOSIT: _("Dépôt des dossiers"),
    Phase.AWAITING_LABELLING: _("Dossiers en attente d'examen"),
    Phase.LABELLING: _("Labellisation"),
    Phase.AWAITING_VOTE: _("Vote à venir"),
    Phase.VOTE: _("Vote des habitants"),
    Phase.COUNTING: _("Dépouillement"),
    Phase.RESULTS: _("Résultats"),
}

# The steps a resident sees on the timeline, each a window of the calendar. Results have
# no end: once published they stay the current step.
STEPS: list[tuple[Phase, str, str | None]] = [
    (Phase.COMPTOIRS, "comptoirs_start", "comptoirs_end"),
    (Phase.DEPOSIT, "deposit_start", "deposit_end"),
    (Phase.LABELLING, "labelling_start", "labelling_end"),
    (Phase.VOTE, "vote_start", "vote_end"),
    (Phase.RESULTS, "results_at", None),
]

STEP_DESCRIPTIONS = {
    Phase.COMPTOIRS: _(
        "Une idée suffit : participez à un atelier près de chez vous pour la transformer en projet. "
        "Cette étape est obligatoire pour déposer un dossier."
    ),
    Phase.DEPOSIT: _(
        "Déposez votre dossier en ligne. Une fois déposé, il ne peut plus être modifié ; "
        "il reste confidentiel jusqu'à sa labellisation."
    ),
    Phase.LABELLING: _(
        "Un comité réunissant les services du Département et les partenaires du CDESS examine chaque "
        "dossier, qualifie sa catégorie et décide de son label."
    ),
    Phase.VOTE: _(
        "Les habitants %(area_of)s âgés de %(age)s ans ou plus votent en ligne pour leurs projets préférés."
    ),
    Phase.RESULTS: _(
        "Chaque catégorie dispose d'une enveloppe : les projets les plus votés sont financés, "
        "et le reliquat d'une catégorie revient aux autres par ordre de priorité."
    ),
}


def _is_open(edition: Edition, start_field: str, end_field: str | None, at: datetime) -> bool:
    start = getattr(edition, start_field)
    end = getattr(edition, end_field) if end_field else None
    return start <= at and (end is None or at < end)


def open_phases(edition: Edition, at: datetime | None = None) -> list[Phase]:
    """The steps whose window contains ``at`` (comptoirs and deposit may overlap)."""
    at = at or clock.now()
    return [phase for phase, start, end in STEPS if _is_open(edition, start, end, at)]


def is_phase_open(edition: Edition, phase: Phase, at: datetime | None = None) -> bool:
    return phase in open_phases(edition, at)


def current_phase(edition: Edition, at: datetime | None = None) -> Phase:
    """The most advanced open step, or the waiting state between two steps."""
    at = at or clock.now()
    opened = open_phases(edition, at)
    if opened:
        return opened[-1]
    if at < edition.comptoirs_start:
        return Phase.UPCOMING
    if at < edition.labelling_start:
        return Phase.AWAITING_LABELLING
    if at < edition.vote_start:
        return Phase.AWAITING_VOTE
    return Phase.COUNTING


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    label: str
    description: str
    start: datetime
    end: datetime | None
    state: str  # "past", "current", "next" or "upcoming"

    @property
    def state_label(self) -> str:
        return str(
            {
                "past": _("terminé"),
                "current": _("en cours"),
                "next": _("prochaine étape"),
                "upcoming": _("à venir"),
            }[self.state]
        )


def timeline(edition: Edition, at: datetime | None = None) -> list[TimelineStep]:
    """The five steps with their dates and where today stands.

    Open steps are "current"; when none is open (between two steps), the next one to
    open is marked "next", so a visitor always sees where the edition stands.
    """
    at = at or clock.now()
    steps = []
    any_open = False
    next_marked = False
    for phase, start_field, end_field in STEPS:
        start = getattr(edition, start_field)
        end = getattr(edition, end_field) if end_field else None
        if _is_open(edition, start_field, end_field, at):
            state, any_open = "current", True
        elif at < start:
            state = "upcoming"
        else:
            state = "past"
        steps.append([phase, start, end, state])
    if not any_open:
        for step in steps:
            if step[3] == "upcoming" and not next_marked:
                step[3], next_marked = "next", True
    description_args = {"age": edition.minimum_voter_age, **organisation.names()}
    return [
        TimelineStep(
            phase=phase,
            label=phase.label,
            description=str(STEP_DESCRIPTIONS[phase]) % description_args
            if phase == Phase.VOTE
            else str(STEP_DESCRIPTIONS[phase]),
            start=start,
            end=end,
            state=state,
        )
        for phase, start, end, state in steps
    ]


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(is_published=True).order_by("-year")


def edition_with_categories(qs: QuerySet[Edition]) -> QuerySet[Edition]:
    return qs.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("priority"))
    )


def current_edition(at: datetime | None = None) -> Edition | None:
    """The published edition a visitor should see now.

    The first one whose results are still to come (the one running, or the next one
    announced); once every edition's results are out, the latest edition.
    """
    at = at or clock.now()
    editions = edition_with_categories(published_editions())
    upcoming = editions.filter(results_at__gt=at).order_by("results_at").first()
    return upcoming or editions.first()


def vote_rule_text(edition: Edition) -> str:
    """The edition's vote rule in plain French, as a voter reads it."""
    from django.utils.translation import ngettext

    from budgetcitoyen.editions.models import VoteRule

    rule, low, high = edition.vote_rule, edition.vote_min_choices, edition.vote_max_choices
    if rule == VoteRule.ONE_PER_CATEGORY:
        return str(_("Vous choisissez un projet dans chaque catégorie."))
    if rule == VoteRule.FAVOURITES:
        if low == high:
            return ngettext(
                "Vous choisissez votre coup de cœur parmi les projets labellisés.",
                "Vous choisissez vos %(count)d coups de cœur parmi les projets labellisés.",
                high or 0,
            ) % {"count": high}
        return str(
            _(
                "Vous choisissez entre %(low)d et %(high)d coups de cœur parmi les projets labellisés."
            )
        ) % {
            "low": low,
            "high": high,
        }
    if rule == VoteRule.APPROVAL:
        return ngettext(
            "Vous soutenez le projet de votre choix.",
            "Vous soutenez jusqu'à %(count)d projets.",
            high or 0,
        ) % {"count": high}
    if rule == VoteRule.POINTS:
        return str(
            _(
                "Vous classez %(k)d projets : le premier reçoit %(k)d points, le suivant un de moins, et ainsi de suite."
            )
        ) % {"k": high}
    return str(
        _(
            "Vous composez votre panier de projets : leur montant total ne peut dépasser le budget de l'édition."
        )
    )


def edition_overview(edition: Edition, at: datetime | None = None) -> dict[str, object]:
    """What the home and "Comment ça marche" pages show of an edition, in one place."""
    from budgetcitoyen.territories.models import Territory

    at = at or clock.now()
    categories = list(edition.categories.all())
    return {
        "phase": current_phase(edition, at),
        "steps": timeline(edition, at),
        "categories": categories,
        "categories_by_priority": sorted(categories, key=lambda c: c.priority),
        "total_envelope": edition.total_envelope,
        "territory_count": Territory.objects.count(),
        "comptoir_count": edition.comptoirs.filter(is_cancelled=False).count(),
        "vote_rule_text": vote_rule_text(edition),
    }


def current_edition_for(request: object) -> Edition | None:
    """``current_edition()`` computed once per request (the view and the layout both need it)."""
    if not hasattr(request, "_budgetcitoyen_edition"):
        request._budgetcitoyen_edition = current_edition()  # type: ignore[attr-defined]
    return request._budgetcitoyen_edition  # type: ignore[attr-defined]

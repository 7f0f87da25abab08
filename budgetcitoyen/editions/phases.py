"""The steps of an edition and where it stands: the one place that reads an edition's dates.

An edition's calendar is five steps, each a window (comptoirs, deposit, labelling, vote,
results). Every window is half-open: open from its start (included) to its end (excluded);
the results step has no end. The steps, their order and their public wording are the data
below; every service, view and selector asks ``phase_open``, ``has_started`` or
``has_ended`` (or the ``q_*`` filters for queries) instead of comparing dates itself.

The phase is never stored: it is computed from the calendar and the clock, so nobody has
to remember to flip a flag on the first day of the vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import clock, organisation


class Step(StrEnum):
    """A window of the calendar."""

    COMPTOIRS = "comptoirs"
    DEPOSIT = "deposit"
    LABELLING = "labelling"
    VOTE = "vote"
    RESULTS = "results"


class Phase(StrEnum):
    """Where an edition stands: an open step, or the waiting state between two steps.

    The five steps keep their values, so ``Phase.VOTE == Step.VOTE``.
    """

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


@dataclass(frozen=True)
class StepSpec:
    step: Step
    start_field: str
    end_field: str | None
    label: Promise
    # Shown on "Comment ça marche"; ``%(age)s`` is the edition's minimum voting age, and the
    # organisation's names (``core.organisation.names()``: ``%(area_of)s``…) can be used.
    description: Promise


STEPS: tuple[StepSpec, ...] = (
    StepSpec(
        Step.COMPTOIRS,
        "comptoirs_start",
        "comptoirs_end",
        _("Comptoirs à initiatives citoyennes"),
        _(
            "Une idée suffit : participez à un atelier près de chez vous pour la transformer en projet. "
            "Cette étape est obligatoire pour déposer un dossier."
        ),
    ),
    StepSpec(
        Step.DEPOSIT,
        "deposit_start",
        "deposit_end",
        _("Dépôt des dossiers"),
        _(
            "Déposez votre dossier en ligne. Une fois déposé, il ne peut plus être modifié ; "
            "il reste confidentiel jusqu'à sa labellisation."
        ),
    ),
    StepSpec(
        Step.LABELLING,
        "labelling_start",
        "labelling_end",
        _("Labellisation"),
        _(
            "Un comité réunissant les services du Département et les partenaires du CDESS examine chaque "
            "dossier, qualifie sa catégorie et décide de son label."
        ),
    ),
    StepSpec(
        Step.VOTE,
        "vote_start",
        "vote_end",
        _("Vote des habitants"),
        _(
            "Les habitants %(area_of)s âgés de %(age)s ans ou plus votent en ligne pour leurs projets préférés."
        ),
    ),
    StepSpec(
        Step.RESULTS,
        "results_at",
        None,
        _("Résultats"),
        _(
            "Chaque catégorie dispose d'une enveloppe : les projets les plus votés sont financés, "
            "et le reliquat d'une catégorie revient aux autres par ordre de priorité."
        ),
    ),
)
SPECS: dict[Step, StepSpec] = {spec.step: spec for spec in STEPS}

PHASE_LABELS = {
    Phase.UPCOMING: _("En préparation"),
    Phase.COMPTOIRS: SPECS[Step.COMPTOIRS].label,
    Phase.DEPOSIT: SPECS[Step.DEPOSIT].label,
    Phase.AWAITING_LABELLING: _("Dossiers en attente d'examen"),
    Phase.LABELLING: SPECS[Step.LABELLING].label,
    Phase.AWAITING_VOTE: _("Vote à venir"),
    Phase.VOTE: SPECS[Step.VOTE].label,
    Phase.COUNTING: _("Dépouillement"),
    Phase.RESULTS: SPECS[Step.RESULTS].label,
}


# --- One edition ---------------------------------------------------------------------------


def window(edition: Any, step: Step | str) -> tuple[datetime, datetime | None]:
    """The step's start and end (None for the results, which stay)."""
    spec = SPECS[Step(step)]
    end = getattr(edition, spec.end_field) if spec.end_field else None
    return getattr(edition, spec.start_field), end


def start(edition: Any, step: Step | str) -> datetime:
    return window(edition, step)[0]


def end(edition: Any, step: Step | str) -> datetime:
    """The step's end; the results step has none."""
    step_end = window(edition, step)[1]
    if step_end is None:
        raise ValueError(f"the step {step} has no end")
    return step_end


def has_started(edition: Any, step: Step | str, at: datetime | None = None) -> bool:
    return (at or clock.now()) >= start(edition, step)


def has_ended(edition: Any, step: Step | str, at: datetime | None = None) -> bool:
    step_end = window(edition, step)[1]
    return step_end is not None and (at or clock.now()) >= step_end


def phase_open(edition: Any, step: Step | str, at: datetime | None = None) -> bool:
    """Is the step's window open at ``at`` (now by default)?"""
    at = at or clock.now()
    return has_started(edition, step, at) and not has_ended(edition, step, at)


def open_steps(edition: Any, at: datetime | None = None) -> list[Phase]:
    """The steps whose window contains ``at`` (comptoirs and deposit may overlap)."""
    at = at or clock.now()
    return [Phase(spec.step) for spec in STEPS if phase_open(edition, spec.step, at)]


def current_phase(edition: Any, at: datetime | None = None) -> Phase:
    """The most advanced open step, or the waiting state between two steps."""
    at = at or clock.now()
    opened = open_steps(edition, at)
    if opened:
        return opened[-1]
    if not has_started(edition, Step.COMPTOIRS, at):
        return Phase.UPCOMING
    if not has_started(edition, Step.LABELLING, at):
        return Phase.AWAITING_LABELLING
    if not has_started(edition, Step.VOTE, at):
        return Phase.AWAITING_VOTE
    return Phase.COUNTING


# --- Queries over editions -----------------------------------------------------------------


def q_started(step: Step | str, at: datetime) -> Q:
    return Q(**{f"{SPECS[Step(step)].start_field}__lte": at})


def q_not_started(step: Step | str, at: datetime) -> Q:
    return Q(**{f"{SPECS[Step(step)].start_field}__gt": at})


def q_ended(step: Step | str, at: datetime) -> Q:
    end_field = SPECS[Step(step)].end_field
    if end_field is None:
        raise ValueError(f"the step {step} has no end")
    return Q(**{f"{end_field}__lte": at})


def q_not_ended(step: Step | str, at: datetime) -> Q:
    end_field = SPECS[Step(step)].end_field
    return Q(**{f"{end_field}__gt": at}) if end_field else Q()


def date_fields() -> list[str]:
    """Every date field of the calendar: the moments at which a phase may change."""
    return [f for spec in STEPS for f in (spec.start_field, spec.end_field) if f is not None]


def start_field(step: Step | str) -> str:
    """The model field of the step's start, to order editions by it."""
    return SPECS[Step(step)].start_field


# --- The public timeline -------------------------------------------------------------------


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


def timeline(edition: Any, at: datetime | None = None) -> list[TimelineStep]:
    """The five steps with their dates and where today stands.

    Open steps are "current"; when none is open (between two steps), the next one to
    open is marked "next", so a visitor always sees where the edition stands.
    """
    at = at or clock.now()
    states = []
    for spec in STEPS:
        if phase_open(edition, spec.step, at):
            states.append("current")
        elif not has_started(edition, spec.step, at):
            states.append("upcoming")
        else:
            states.append("past")
    if "current" not in states and "upcoming" in states:
        states[states.index("upcoming")] = "next"
    description_args = {"age": edition.minimum_voter_age, **organisation.names()}
    return [
        TimelineStep(
            phase=Phase(spec.step),
            label=str(spec.label),
            description=str(spec.description) % description_args
            if "%(" in str(spec.description)
            else str(spec.description),
            start=window(edition, spec.step)[0],
            end=window(edition, spec.step)[1],
            state=state,
        )
        for spec, state in zip(STEPS, states, strict=True)
    ]

"""Data of a count: projects, ballots, the request, and the outcome with its trace."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Project:
    id: str
    cost: Fraction
    category: str | None = None
    territory: str | None = None
    name: str = ""


@dataclass
class Profile:
    """Ballots, grouped: identical ballots are one entry with a multiplicity.

    ``approvals`` maps a frozenset of approved project ids to how many ballots approve exactly
    that set; ``points`` (cumulative and scoring ballots) maps a project id to its total points.
    A profile is either approval (``points`` empty) or points.
    """

    approvals: Counter[frozenset[str]] = field(default_factory=Counter)
    points: Counter[str] = field(default_factory=Counter)
    voters: int = 0

    @classmethod
    def from_approvals(cls, ballots: Iterable[Iterable[str]]) -> Profile:
        approvals: Counter[frozenset[str]] = Counter(map(frozenset, ballots))
        return cls(approvals=approvals, voters=approvals.total())

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[Iterable[str], int]]) -> Profile:
        """Distinct approval ballots with how many voters cast each (what SQL's GROUP BY gives)."""
        approvals: Counter[frozenset[str]] = Counter()
        get = approvals.get  # not Counter's __missing__, a Python call per new ballot
        for ballot, count in groups:
            key = frozenset(ballot)
            approvals[key] = get(key, 0) + count
        return cls(approvals=approvals, voters=approvals.total())

    @classmethod
    def from_points(cls, ballots: Iterable[Mapping[str, int]]) -> Profile:
        profile = cls()
        for ballot in ballots:
            for project_id, value in ballot.items():
                profile.points[project_id] += value
            profile.voters += 1
        return profile

    @property
    def is_approval(self) -> bool:
        return not self.points

    def scores(self) -> Counter[str]:
        """Approval: the number of ballots approving each project. Points: the sum of points."""
        if self.points:
            return Counter(self.points)
        scores: dict[str, int] = {}
        get = scores.get
        for ballot, count in self.approvals.items():
            for project_id in ballot:
                scores[project_id] = get(project_id, 0) + count
        return Counter(scores)


@dataclass(frozen=True)
class TraceEvent:
    """Why one project is in or out: a code and its parameters, never a sentence.

    ``tally.trace`` lists the codes, their parameters and their French wording; whoever shows
    the trace renders it in its reader's language."""

    project_id: str
    selected: bool
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    rule: str
    budget: Fraction
    selected: list[str]
    costs: dict[str, Fraction]
    scores: dict[str, int]
    trace: list[TraceEvent]
    spending: dict[str, Fraction] = field(default_factory=dict)
    moves: list[tuple[str, str, Fraction]] = field(default_factory=list)

    @property
    def total_cost(self) -> Fraction:
        return sum((self.costs[p] for p in self.selected), Fraction(0))

    @property
    def leftover(self) -> Fraction:
        return self.budget - self.total_cost


class TallyError(ValueError):
    """An impossible request (a category without an envelope, an unknown rule…)."""


_INTEGER = re.compile(r"-?[0-9]+")

IdKey = tuple[int, str]


def numeric_ids(ids: Iterable[str]) -> bool:
    """Whether every project id is an integer (ids then compare as integers)."""
    return all(_INTEGER.fullmatch(i) for i in ids)


def id_order(ids: Iterable[str]) -> Callable[[str], IdKey]:
    """How these project ids compare: as integers when every id is one, else as strings.

    Comparing safely matters: one id that is not an integer makes all of them compare as text,
    so no id is ever converted blindly."""
    if numeric_ids(ids):
        return lambda project_id: (int(project_id), "")
    return lambda project_id: (0, project_id)


TieKey = tuple[Fraction, int, IdKey]


def tie_order(
    projects: Iterable[Project], scores: Mapping[str, int]
) -> Callable[[Project], TieKey]:
    """THE tie order, used whenever two projects are otherwise equal: lower cost first, then
    higher score, then project id ascending (see ``id_order``). The engine, the CLI's table, the
    results pages and the recount instructions all come through here."""
    projects = list(projects)
    key = id_order(p.id for p in projects)
    return lambda p: (p.cost, -scores.get(p.id, 0), key(p.id))


def ranking(projects: Iterable[Project], scores: Mapping[str, int]) -> list[Project]:
    """The projects from the most to the least supported, ties in the tie order: the order the
    greedy rules examine them in, and the rank the pages print."""
    projects = list(projects)
    tie = tie_order(projects, scores)
    return sorted(projects, key=lambda p: (-scores.get(p.id, 0), tie(p)))

"""Data of a count: projects, ballots, the request, and the outcome with its trace."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


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
        for ballot, count in groups:
            approvals[frozenset(ballot)] += count
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
        scores: Counter[str] = Counter()
        for ballot, count in self.approvals.items():
            for project_id in ballot:
                scores[project_id] += count
        return scores


@dataclass(frozen=True)
class TraceLine:
    """Why one project is in or out, in French."""

    project_id: str
    selected: bool
    text: str


@dataclass
class Outcome:
    rule: str
    budget: Fraction
    selected: list[str]
    costs: dict[str, Fraction]
    scores: dict[str, int]
    trace: list[TraceLine]
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


def tie_key_factory(projects: Sequence[Project]) -> dict[str, object]:
    """Project ids compare as integers when every id is one, else as strings."""
    if all(re.fullmatch(r"-?[0-9]+", p.id) for p in projects):
        return {p.id: int(p.id) for p in projects}
    return {p.id: p.id for p in projects}

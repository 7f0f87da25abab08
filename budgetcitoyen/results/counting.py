"""From the database to the counting engine: the edition's projects, its valid ballots grouped
in SQL, the rule request, and the anonymised .pb export.

Ballots are never read one by one: each carries its choices as one text (``choices_text``), so
the database groups identical ballots (one ``GROUP BY``) and returns each distinct text with its
number of voters. A million ballots over 150 projects are about a hundred thousand groups.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.tally import pabulib, registry, rules, trace
from budgetcitoyen.tally.model import Outcome, Profile, Project, TallyError, ranking
from budgetcitoyen.tally.output import outcome_to_dict
from budgetcitoyen.voting import ballotlines
from budgetcitoyen.voting.models import Ballot
from budgetcitoyen.voting.services import ballot_key, published_projects

# Optional columns of the export, and the Ballot field each comes from.
EXTRA_COLUMNS = {"age_band": "age_band", "territory": "territory__slug"}


class Group(NamedTuple):
    """Identical valid ballots: the projects (by project id), their points, how many voters,
    the ``extra`` columns they share, and their ``choices_text``. (A tuple: a hundred thousand
    of them are built per count.)"""

    choices: tuple[str, ...]
    points: tuple[int, ...]
    voters: int
    extra: tuple[tuple[str, str], ...] = ()
    text: str = ""


@dataclass
class Counted:
    edition: Edition
    projects: list[Project]
    groups: list[Group]
    uses_points: bool
    envelopes: list[tuple[str, Fraction]] = field(default_factory=list)

    @cached_property
    def voters(self) -> int:
        return sum(g.voters for g in self.groups)

    @property
    def budget(self) -> Fraction:
        return sum((amount for _c, amount in self.envelopes), Fraction(0))

    @cached_property
    def profile(self) -> Profile:
        if self.uses_points:
            points: Counter[str] = Counter()
            for group in self.groups:
                for project_id, value in zip(group.choices, group.points, strict=True):
                    points[project_id] += value * group.voters
            return Profile(points=points, voters=self.voters)
        return Profile.from_groups((g.choices, g.voters) for g in self.groups)

    def fingerprint(self) -> str:
        """A digest of everything the outcome depends on: ballots, projects and the rule's
        settings. Unchanged fingerprint, unchanged result."""
        edition = self.edition
        ballots: dict[str, int] = {}  # voters by choices text (the extra columns do not count)
        for group in self.groups:
            ballots[group.text] = ballots.get(group.text, 0) + group.voters
        sha256 = hashlib.sha256
        data = {
            "rule": edition.allocation_rule,
            "threshold": edition.allocation_threshold,
            "envelopes": [[c, str(a)] for c, a in self.envelopes],
            "projects": [[p.id, str(p.cost), p.category] for p in self.projects],
            # Each ballot by its choices_signature, the SHA-256 of its choices text.
            "ballots": sorted(
                f"{sha256(text.encode()).hexdigest()}:{n}" for text, n in ballots.items()
            ),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@contextmanager
def many_objects() -> Iterator[None]:
    """Pause Python's cycle collector while a count builds its groups, profile and file: a
    hundred thousand groups make about a million small objects and no reference cycle, and
    the collector would otherwise walk them (and everything Django holds) again and again,
    a good part of the count's time. Plain reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def engine_projects(edition: Edition) -> list[Project]:
    decisions = (
        published_projects(edition).select_related("category", "dossier__territory").order_by("pk")
    )
    return [
        Project(
            id=str(d.pk),
            cost=Fraction(d.labelled_amount or Decimal(0)),
            category=d.category.name if d.category else None,
            territory=d.dossier.territory.name if d.dossier.territory else None,
            name=d.public_title,
        )
        for d in decisions
    ]


def _fetch(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Rows of a ``values_list`` queryset straight from the cursor (no per-row ORM work)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def parse_choices(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A ballot's ``choices_text`` (``12:1,40:3``) as (project ids, their points)."""
    if not text:
        return (), ()
    # Approval ballots (every point a 1) are most of them: one replace instead of a split per
    # pair. ":1," cannot match inside ":10," and the last pair is checked on its own.
    ones = text.replace(":1,", ",")
    if ones.endswith(":1"):
        ones = ones[:-2]
        if ":" not in ones:
            choices = tuple(ones.split(","))
            return choices, (1,) * len(choices)
    pairs = [pair.partition(":") for pair in text.split(",")]
    return tuple(p for p, _sep, _v in pairs), tuple(int(v) for _p, _sep, v in pairs)


def ballot_groups(edition: Edition, extra: tuple[str, ...] = ()) -> list[Group]:
    """The edition's valid ballots grouped by their choices (and the ``extra`` columns).

    One query whatever the number of ballots: each ballot carries its choices as one text
    (``Ballot.choices_text``), so the database counts the ballots of each distinct text and
    no choice row is read."""
    valid = Ballot.objects.filter(edition=edition, status=Ballot.Status.VALID)
    columns = [EXTRA_COLUMNS[name] for name in extra]
    rows = _fetch(
        valid.values_list("choices_text", *columns).annotate(voters=Count("id")).order_by()
    )
    if not extra:
        return [Group(*parse_choices(text), voters, text=text) for text, voters in rows]
    parsed: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    groups = []
    for row in rows:
        text = row[0]
        choices = parsed.get(text)
        if choices is None:
            choices = parsed[text] = parse_choices(text)
        groups.append(
            Group(
                *choices,
                voters=row[-1],
                extra=tuple(
                    (name, str(value or "")) for name, value in zip(extra, row[1:-1], strict=True)
                ),
                text=text,
            )
        )
    return groups


def count(edition: Edition, extra: tuple[str, ...] = ()) -> Counted:
    envelopes = [(c.name, Fraction(c.envelope)) for c in edition.categories.order_by("priority")]
    return Counted(
        edition=edition,
        projects=engine_projects(edition),
        groups=ballot_groups(edition, extra),
        uses_points=ballot_rules.rule_class(edition.vote_rule).uses_points,
        envelopes=envelopes,
    )


def run_rule(counted: Counted) -> Outcome:
    """The edition's rule on the counted ballots (raises ``TallyError``, in French)."""
    edition = counted.edition
    return registry.run(
        edition.allocation_rule,
        counted.projects,
        counted.profile,
        budget=counted.budget,
        envelopes=counted.envelopes,
        threshold=edition.allocation_threshold,
    )


# --- The anonymised .pb export ------------------------------------------------------------------


def pb_meta(counted: Counted) -> dict[str, str]:
    edition = counted.edition
    organisation = settings.BUDGETCITOYEN_ORGANISATION
    meta = {
        "description": f"Budget citoyen {edition.year} — {organisation}",
        "country": "France",
        "unit": organisation,
        "instance": str(edition.year),
        "budget": pabulib.decimal_text(counted.budget),
        "vote_type": ballot_rules.rule_class(edition.vote_rule).pb_vote_type,
        "rule": edition.allocation_rule,
        "date_begin": edition.vote_start.strftime("%d.%m.%Y"),
        "date_end": edition.vote_end.strftime("%d.%m.%Y"),
        "language": "fr",
        "currency": "EUR",
        # What turns a receipt code into its ballot's voter_id (``voting.ballotlines``).
        ballotlines.META_KEY: ballot_key(edition),
    }
    rule = registry.find(edition.allocation_rule)
    if rule is not None and rule.envelopes:
        # The envelopes, in redistribution priority order: what `pb tally --envelope` needs.
        meta["budget_per_category"] = json.dumps(
            {c: pabulib.decimal_text(a) for c, a in counted.envelopes}, ensure_ascii=False
        )
    if edition.allocation_threshold:
        meta["min_project_score_threshold"] = str(edition.allocation_threshold)
    if counted.uses_points:
        meta["max_sum_points"] = str(max((sum(g.points) for g in counted.groups), default=0))
    return meta


def ballot_lines(counted: Counted) -> list[tuple[str, int]]:
    """Every valid ballot as (its line id, the index of its group in ``counted.groups``),
    ordered by line id: the order of a keyed hash, which says nothing about who voted or when.
    One query reading two short columns; the lines share their group's parsed choices."""
    extra = tuple(name for group in counted.groups[:1] for name, _value in group.extra)
    columns = [EXTRA_COLUMNS[name] for name in extra]
    valid = Ballot.objects.filter(edition=counted.edition, status=Ballot.Status.VALID)
    # In byte order whatever the server's collation (PostgreSQL's "C" sorts fastest too;
    # SQLite compares bytes by default).
    order = Collate("line_id", "C") if connection.vendor == "postgresql" else F("line_id")
    rows = _fetch(valid.values_list("line_id", "choices_text", *columns).order_by(order))
    if extra:
        index: dict[Any, int] = {(g.text, g.extra): i for i, g in enumerate(counted.groups)}
        lines = [
            (
                row[0],
                index.get(
                    (row[1], tuple((n, str(v or "")) for n, v in zip(extra, row[2:], strict=True))),
                    -1,
                ),
            )
            for row in rows
        ]
    else:
        index = {g.text: i for i, g in enumerate(counted.groups)}
        get = index.get
        lines = [(line_id, get(text, -1)) for line_id, text in rows]
    listed = Counter(i for _line_id, i in lines)
    if -1 in listed or any(listed[i] != g.voters for i, g in enumerate(counted.groups)):
        # A multiple-vote review decided between the count's two reads: the file must list
        # exactly the ballots counted.
        raise TallyError(_("des bulletins ont changé pendant le dépouillement, relancez-le"))
    return lines


def pb_text(counted: Counted, outcome: Outcome | None = None) -> str:
    """The edition's valid ballots as a .pb file, one line per ballot whose ``voter_id`` is the
    ballot's line id (``voting.ballotlines``: a keyed hash of its receipt code, so its voter
    finds it and nobody else can), lines ordered by that id: nothing ties a line to a person
    or to the moment of the vote, and the same ballots always give the same file (a recount,
    or a restored backup, finds the same SHA-256). Only the file lists ballots one by one; the
    count itself reads them grouped, and the file writes each distinct ballot's text once."""
    scores = outcome.scores if outcome is not None else counted.profile.scores()
    chosen = set(outcome.selected) if outcome else set()
    project_rows = {}
    for p in counted.projects:
        row = {"votes": str(scores.get(p.id, 0))}
        if outcome is not None:
            row["selected"] = "1" if p.id in chosen else "0"
        project_rows[p.id] = row
    election = pabulib.Election(
        meta=pb_meta(counted),
        projects=counted.projects,
        project_rows=project_rows,
        votes=[],
        vote_type=ballot_rules.rule_class(counted.edition.vote_rule).pb_vote_type,
    )
    points = counted.uses_points
    no_fields: dict[str, str] = {}
    groups = [
        (g.choices, g.points if points else None, dict(g.extra) if g.extra else no_fields, g.voters)
        for g in counted.groups
    ]
    return pabulib.dumps_lines(election, groups, ballot_lines(counted))


def outcome_data(counted: Counted, outcome: Outcome) -> dict[str, Any]:
    """What a snapshot keeps: the CLI's JSON (its trace as events, without their French text)
    plus the request and each project's rank."""
    data = outcome_to_dict(outcome, counted.projects, counted.voters, text=False)
    data["rule_version"] = rules.VERSION
    data["uses_points"] = counted.uses_points
    data["ballot_key"] = ballot_key(counted.edition)
    data["threshold"] = counted.edition.allocation_threshold
    data["envelopes"] = [
        {"category": c, "amount": pabulib.decimal_text(a)} for c, a in counted.envelopes
    ]
    by_id = {p.id: p for p in counted.projects}
    rows = {row["id"]: row for row in data["projects"]}
    ranks: dict[str | None, int] = defaultdict(int)
    ordered = [rows[p.id] for p in ranking(counted.projects, outcome.scores)]
    for row in ordered:
        ranks[row["category"]] += 1
        row["rank"] = ranks[row["category"]]
        row["territory"] = by_id[row["id"]].territory
    data["projects"] = ordered
    return data


def outcome_from_data(data: dict[str, Any]) -> tuple[Outcome, list[Project]]:
    """A stored snapshot's outcome back as engine objects (for the text table)."""
    projects = [
        Project(
            id=row["id"],
            cost=Fraction(row["cost"]),
            category=row["category"],
            territory=row.get("territory"),
            name=row["name"],
        )
        for row in data["projects"]
    ]
    outcome = Outcome(
        rule=data["rule"],
        budget=Fraction(data["budget"]),
        selected=list(data["selected"]),
        costs={p.id: p.cost for p in projects},
        scores={row["id"]: row["score"] for row in data["projects"]},
        trace=[trace.from_data(line) for line in data["trace"]],
        spending={c: Fraction(a) for c, a in data.get("spending", {}).items()},
        moves=[(m["from"], m["to"], Fraction(m["amount"])) for m in data.get("moves", [])],
    )
    return outcome, projects

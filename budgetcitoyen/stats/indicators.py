"""The figures of an edition, counted from its data (raw: nothing masked yet, see ``masking``).

One function, ``compute(edition)``, returns plain data (JSON-ready: ints, strings, amounts as
decimal strings) in four parts: the funnel from the comptoirs to the laureates, the vote, the
money, and the "hors radar" indicators. What each figure counts:

- **ideas**: registrations to a comptoir still standing at the end (confirmed or on the
  waiting list; walk-ins included): each brings an idea. By the idea's territory.
- **attended**: people marked present at a comptoir (one place per person and edition).
- **filed**: dossiers submitted (withdrawn ones included: they were filed). By the dossier's
  territory.
- **labelled**: dossiers labelled by the committee; **laureates**: projects funded by the
  published result (none before it). Both are public projects.
- **voters**: valid ballots (those counted); ballots received by status; voters by channel,
  per day (online by the day they were cast, paper by the day the sheet was collected, Paris
  time), by territory and age band as frozen on the ballot at cast time.
- **money**: from the count (the published snapshot; for staff before publication, the latest
  count), envelopes from the edition's categories.
- **hors radar**: holders filing for the first time (no dossier filed at an earlier edition
  still kept), dossiers carried by a "collectif d'habitants" not yet structured, laureates
  from a territory whose participation (voters per 1,000 inhabitants) is below the median of
  the territories.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.dossiers.models import Dossier, StructureKind
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.selectors import published_result
from budgetcitoyen.territories.models import Commune, Territory
from budgetcitoyen.voting.identity import AGE_BANDS
from budgetcitoyen.voting.models import Ballot

FUNNEL_STAGES = ("ideas", "attended", "filed", "labelled", "laureates")
# The stages that count people (masked when few); labelled projects and laureates are public.
PEOPLE_STAGES = ("ideas", "attended", "filed")
AGE_BAND_CODES = [code for _low, _high, code in AGE_BANDS]


def _amount(value: Decimal | str | int | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _count_by(rows: QuerySet[Any], field: str, counted: str = "pk") -> dict[Any, int]:
    """How many of ``rows`` (distinct ``counted``) for each value of ``field``."""
    grouped = rows.values_list(field).annotate(n=Count(counted, distinct=True)).order_by()
    return {key: int(n) for key, n in grouped}


def _territories() -> list[Territory]:
    return list(Territory.objects.order_by("name"))


def _funnel(edition: Edition, snapshot: ResultSnapshot | None) -> dict[str, Any]:
    territories = _territories()
    by_territory: dict[str, Counter[str]] = {t.name: Counter() for t in territories}
    names = {t.pk: t.name for t in territories}

    registrations = Registration.objects.filter(edition=edition)
    ideas = registrations.filter(status__in=Registration.ACTIVE)
    present = registrations.filter(attendance=Registration.Attendance.PRESENT)
    filed = Dossier.objects.filter(edition=edition, submitted_at__isnull=False)
    labelled = Decision.objects.filter(dossier__edition=edition, outcome=Outcome.LABELLED)
    for stage, counts in (
        ("ideas", _count_by(ideas, "idea_territory")),
        ("attended", _count_by(present, "idea_territory", "person")),
        ("filed", _count_by(filed, "territory")),
        ("labelled", _count_by(labelled, "dossier__territory")),
    ):
        for territory_id, n in counts.items():
            if territory_id in names:  # a dossier without a territory counts in the total only
                by_territory[names[territory_id]][stage] += n
    laureates = [p for p in (snapshot.projects if snapshot else []) if p.get("selected")]
    for project in laureates:
        if project.get("territory") in by_territory:
            by_territory[project["territory"]]["laureates"] += 1

    overall = {
        "ideas": ideas.count(),
        "attended": present.values("person").distinct().count(),
        "filed": filed.count(),
        "labelled": labelled.count(),
        "laureates": len(laureates),
    }
    return {
        "overall": overall,
        "territories": [
            {"territory": t.name, **{stage: by_territory[t.name][stage] for stage in FUNNEL_STAGES}}
            for t in territories
        ],
    }


def _populations() -> dict[str, int]:
    rows = Commune.objects.values("territory__name").annotate(people=Sum("population")).order_by()
    return {row["territory__name"]: int(row["people"] or 0) for row in rows}


def _per_thousand(voters: int, population: int) -> str | None:
    if not population:
        return None
    return str((Decimal(voters) * 1000 / population).quantize(Decimal("0.01")))


def _vote(edition: Edition) -> dict[str, Any]:
    ballots = Ballot.objects.filter(edition=edition)
    by_status = Counter(
        {
            row["status"]: row["n"]
            for row in ballots.values("status").annotate(n=Count("pk")).order_by()
        }
    )
    valid = ballots.filter(status=Ballot.Status.VALID)
    by_channel = Counter(
        {
            row["channel"]: row["n"]
            for row in valid.values("channel").annotate(n=Count("pk")).order_by()
        }
    )

    paris = ZoneInfo(settings.TIME_ZONE)
    days: dict[date, Counter[str]] = defaultdict(Counter)
    online = valid.filter(channel=Ballot.Channel.ONLINE)
    paper = valid.filter(channel=Ballot.Channel.PAPER)
    for channel, counts in (
        ("online", _count_by(online.annotate(day=TruncDate("cast_at", tzinfo=paris)), "day")),
        ("paper", _count_by(paper.filter(collected_on__isnull=False), "collected_on")),
        (
            "paper",
            _count_by(
                paper.filter(collected_on__isnull=True).annotate(
                    day=TruncDate("cast_at", tzinfo=paris)
                ),
                "day",
            ),
        ),
    ):
        for day, n in counts.items():
            days[day][channel] += n
    per_day = [
        {
            "day": day.isoformat(),
            "online": c["online"],
            "paper": c["paper"],
            "ballots": c["online"] + c["paper"],
        }
        for day, c in sorted(days.items())
    ]

    populations = _populations()
    voters_by_territory = {
        row["territory__name"]: row["n"]
        for row in valid.values("territory__name").annotate(n=Count("pk")).order_by()
    }
    territories = []
    for territory in _territories():
        voters = voters_by_territory.get(territory.name, 0)
        population = populations.get(territory.name, 0)
        territories.append(
            {
                "territory": territory.name,
                "voters": voters,
                "population": population,
                "per_thousand": _per_thousand(voters, population),
            }
        )
    bands = Counter(
        {
            row["age_band"]: row["n"]
            for row in valid.values("age_band").annotate(n=Count("pk")).order_by()
        }
    )
    age_bands = [{"band": code, "voters": bands.pop(code, 0)} for code in AGE_BAND_CODES]
    # Bands of an earlier scheme (a ballot cast before the under-18s were split: "0-17").
    age_bands += [{"band": code, "voters": n} for code, n in sorted(bands.items()) if n]
    total_population = sum(populations.values())
    voters = by_status[Ballot.Status.VALID]
    return {
        "voters": voters,
        "population": total_population,
        "per_thousand": _per_thousand(voters, total_population),
        "ballots": sum(by_status.values()),
        "valid": by_status[Ballot.Status.VALID],
        "under_review": by_status[Ballot.Status.UNDER_REVIEW],
        "annulled": by_status[Ballot.Status.ANNULLED],
        "online": by_channel[Ballot.Channel.ONLINE],
        "paper": by_channel[Ballot.Channel.PAPER],
        "vote_start": edition.vote_start.astimezone(paris).date().isoformat(),
        # The window's end is excluded: its last day is the one before midnight.
        "vote_end": (edition.vote_end - timedelta(microseconds=1))
        .astimezone(paris)
        .date()
        .isoformat(),
        "per_day": per_day,
        "territories": territories,
        "age_bands": age_bands,
    }


def _money(edition: Edition, snapshot: ResultSnapshot | None) -> dict[str, Any]:
    projects = snapshot.projects if snapshot else []
    funded = [p for p in projects if p.get("selected")]
    granted_by_category: dict[str, Decimal] = defaultdict(Decimal)
    funded_by_category: Counter[str] = Counter()
    for project in funded:
        granted_by_category[project.get("category") or ""] += Decimal(project["cost"])
        funded_by_category[project.get("category") or ""] += 1
    moves = list(snapshot.outcome.get("moves", [])) if snapshot else []
    moved_in: dict[str, Decimal] = defaultdict(Decimal)
    moved_out: dict[str, Decimal] = defaultdict(Decimal)
    for move in moves:
        moved_out[move["from"]] += Decimal(move["amount"])
        moved_in[move["to"]] += Decimal(move["amount"])
    categories: list[dict[str, Any]] = [
        {
            "category": category.name,
            "priority": category.priority,
            "envelope": _amount(category.envelope),
            "granted": _amount(granted_by_category.get(category.name)),
            "laureates": funded_by_category.get(category.name, 0),
            "moved_out": _amount(moved_out.get(category.name)),
            "moved_in": _amount(moved_in.get(category.name)),
        }
        for category in edition.categories.order_by("priority", "name")
    ]
    granted_by_territory: dict[str, Decimal] = defaultdict(Decimal)
    laureates_by_territory: Counter[str] = Counter()
    for project in funded:
        granted_by_territory[project.get("territory") or ""] += Decimal(project["cost"])
        laureates_by_territory[project.get("territory") or ""] += 1
    territories = [
        {
            "territory": t.name,
            "granted": _amount(granted_by_territory.get(t.name)),
            "laureates": laureates_by_territory.get(t.name, 0),
        }
        for t in _territories()
    ]
    return {
        "counted": snapshot is not None,
        "envelope": _amount(sum((Decimal(c["envelope"]) for c in categories), Decimal(0))),
        "granted": _amount(sum(granted_by_category.values(), Decimal(0))),
        "categories": categories,
        "territories": territories,
        "transfers": [
            {"from": m["from"], "to": m["to"], "amount": _amount(m["amount"])} for m in moves
        ],
    }


def _hors_radar(
    edition: Edition, vote: dict[str, Any], snapshot: ResultSnapshot | None
) -> dict[str, Any]:
    filed = Dossier.objects.filter(edition=edition, submitted_at__isnull=False)
    holders = set(filed.exclude(holder=None).values_list("holder", flat=True))
    earlier = set(
        Dossier.objects.filter(
            holder__in=holders, submitted_at__isnull=False, edition__year__lt=edition.year
        ).values_list("holder", flat=True)
    )
    rates = {
        row["territory"]: Decimal(row["per_thousand"])
        for row in vote["territories"]
        if row["per_thousand"] is not None
    }
    median = Decimal(statistics.median(rates.values())) if rates else None
    laureates = [p for p in (snapshot.projects if snapshot else []) if p.get("selected")]
    low = [
        p
        for p in laureates
        if median is not None and p.get("territory") in rates and rates[p["territory"]] < median
    ]
    return {
        "first_time": {"count": len(holders - earlier), "of": len(holders)},
        "collectives": {
            "count": filed.filter(structure_kind=StructureKind.COLLECTIVE).count(),
            "of": filed.count(),
        },
        "low_participation": {
            "count": len(low),
            "of": len(laureates),
            "median": str(Decimal(median).quantize(Decimal("0.01")))
            if median is not None
            else None,
            "territories": sorted(
                t for t, rate in rates.items() if median is not None and rate < median
            ),
        },
    }


def compute(edition: Edition, snapshot: ResultSnapshot | None = None) -> dict[str, Any]:
    """Every figure of ``edition``, raw. ``snapshot`` is the count the money comes from: the
    published one by default."""
    if snapshot is None:
        snapshot = published_result(edition)
    vote = _vote(edition)
    return {
        "edition": edition.year,
        "funnel": _funnel(edition, snapshot),
        "vote": vote,
        "money": _money(edition, snapshot),
        "hors_radar": _hors_radar(edition, vote, snapshot),
    }


def compute_imported(edition: Edition) -> dict[str, Any]:
    """The figures of an imported edition, from its imported projects only: the projects put
    to the vote and the laureates (overall and per territory) and the money. Nothing about
    comptoirs, dossiers or voters: the platform holds none of it (``imported`` says so, and
    ``figures`` shows only these)."""
    from budgetcitoyen.results.models import ImportedProject

    projects = list(
        ImportedProject.objects.filter(result__edition=edition).select_related(
            "category", "territory"
        )
    )
    funded = [p for p in projects if p.funded]
    territories = _territories()
    by_territory = {
        t.name: {
            "labelled": sum(1 for p in projects if p.territory_id == t.pk),
            "laureates": sum(1 for p in funded if p.territory_id == t.pk),
        }
        for t in territories
    }
    granted = {
        t.name: sum((p.amount_granted for p in funded if p.territory_id == t.pk), Decimal(0))
        for t in territories
    }
    categories = [
        {
            "category": category.name,
            "priority": category.priority,
            "envelope": _amount(category.envelope),
            "granted": _amount(
                sum((p.amount_granted for p in funded if p.category_id == category.pk), Decimal(0))
            ),
            "laureates": sum(1 for p in funded if p.category_id == category.pk),
            "moved_out": None,  # not known
            "moved_in": None,
        }
        for category in edition.categories.order_by("priority", "name")
    ]
    return {
        "edition": edition.year,
        "imported": True,
        "funnel": {
            "overall": {"labelled": len(projects), "laureates": len(funded)},
            "territories": [
                {
                    "territory": t.name,
                    "labelled": by_territory[t.name]["labelled"],
                    "laureates": by_territory[t.name]["laureates"],
                }
                for t in territories
            ],
        },
        "money": {
            "counted": True,
            "envelope": _amount(edition.total_envelope),
            "granted": _amount(sum((p.amount_granted for p in funded), Decimal(0))),
            "categories": categories,
            "territories": [
                {
                    "territory": t.name,
                    "granted": _amount(granted[t.name]),
                    "laureates": by_territory[t.name]["laureates"],
                }
                for t in territories
            ],
            "transfers": None,  # not known: the file gives no count trace
        },
    }

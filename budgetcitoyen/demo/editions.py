"""The demo edition: the 2025 edition of the Pas-de-Calais on the seed calendar, its three
categories and envelopes; and, once its results are out, the next edition announced on the
same calendar a year on. Idempotent: a second run changes nothing."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.services import category_create, edition_create

PARIS = ZoneInfo("Europe/Paris")
DEMO_YEAR = 2025
# When the Département announces the edition (and opens the demo accounts).
ANNOUNCED = datetime(2024, 11, 4, 10, tzinfo=PARIS)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def calendar(year: int) -> dict[str, datetime]:
    """The seed calendar of an edition (the 2025 one, on the same days for another year)."""
    return {
        "comptoirs_start": paris(year, 1, 6),
        "comptoirs_end": paris(year, 3, 13),
        "deposit_start": paris(year, 1, 31),
        "deposit_end": paris(year, 3, 5),
        "labelling_start": paris(year, 7, 1),
        "labelling_end": paris(year, 9, 1),
        "vote_start": paris(year, 9, 1),
        "vote_end": paris(year, 10, 1),
        "results_at": paris(year, 11, 20, 18),
    }


# name, description, share of the envelopes, maximum per project, priority. The envelopes are
# about half of what the labelled projects ask for (``envelopes``), as in a real edition:
# some projects are not funded and what a category leaves goes to the next.
CATEGORIES = [
    (
        "Innovation sociale",
        "Des réponses nouvelles à des besoins sociaux mal satisfaits, inventées avec les personnes concernées.",
        Decimal("0.40"),
        Decimal("15000"),
        1,
    ),
    (
        "Coopération",
        "Des projets qui font travailler ensemble habitants, associations, entreprises et collectivités.",
        Decimal("0.35"),
        Decimal("15000"),
        2,
    ),
    (
        "Pratiques de l'ESS",
        "L'amélioration des bonnes pratiques de l'économie sociale et solidaire : gouvernance, "
        "utilité sociale, ancrage local.",
        Decimal("0.25"),
        Decimal("10000"),
        3,
    ),
]
# The whole budget for each size of the demo (see ``replay.SIZES``).
BUDGET = {"small": Decimal("60000"), "full": Decimal("300000")}

INTRODUCTION = (
    "Vous avez une idée pour votre quartier, votre village, votre territoire ? "
    "Le Budget citoyen du Pas-de-Calais vous aide à en faire un projet d'économie sociale "
    "et solidaire, et ce sont les habitants qui choisissent les projets financés."
)


def edition_values(year: int) -> dict[str, Any]:
    """What the demo edition of ``year`` is made of (also used by the access matrix)."""
    return {
        "year": year,
        "title": f"Budget citoyen {year}",
        "introduction": INTRODUCTION,
        "is_published": True,
        "is_demo": True,
        **calendar(year),
        "vote_rule": "favourites",
        "vote_min_choices": 1,
        "vote_max_choices": 3,
    }


def _categories(edition: Edition, budget: Decimal) -> None:
    existing = set(edition.categories.values_list("name", flat=True))
    for name, description, share, maximum, priority in CATEGORIES:
        if name not in existing:
            category_create(
                edition=edition,
                by=None,
                name=name,
                description=description,
                envelope=(budget * share).quantize(Decimal("1")),
                max_amount_per_project=maximum,
                priority=priority,
            )


@transaction.atomic
def ensure_demo_edition(replay: Replay | None = None) -> Edition:
    """The demo edition, announced on the demo's clock (without a replay: now, at full size)."""
    edition = Edition.objects.filter(year=DEMO_YEAR).first()
    if edition is None:
        budget = BUDGET[replay.size.name if replay else "full"]
        with replay.at(ANNOUNCED) if replay else nullcontext():
            edition = edition_create(by=None, **edition_values(DEMO_YEAR))
            _categories(edition, budget)
    return edition


def next_year(at: datetime) -> int:
    """The first edition after 2025 whose comptoirs are still to come at ``at``."""
    year = DEMO_YEAR + 1
    while calendar(year)["comptoirs_start"] <= at:
        year += 1
    return year


@transaction.atomic
def ensure_next_edition(edition: Edition, replay: Replay) -> Edition | None:
    """After the results, the Département announces the next edition: published, its calendar
    ahead, so the home page says what comes next."""
    earliest = edition.results_at + timedelta(hours=16)
    if not replay.reached(earliest):
        return None
    existing = Edition.objects.filter(year__gt=edition.year).order_by("year").first()
    if existing is not None:
        return existing
    year = next_year(replay.until)
    # Announced two months before its comptoirs, or as soon as the results are out.
    announced = max(earliest, calendar(year)["comptoirs_start"] - timedelta(days=60))
    announced = min(announced, replay.until)
    with replay.at(announced):
        following = edition_create(by=None, **edition_values(year))
        _categories(following, BUDGET[replay.size.name])
    return following

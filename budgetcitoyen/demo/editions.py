"""The demo edition: the 2025 edition of the Pas-de-Calais on the seed calendar, its three
categories and envelopes. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.services import category_create, edition_create

PARIS = ZoneInfo("Europe/Paris")
DEMO_YEAR = 2025


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


CATEGORIES = [
    (
        "Innovation sociale",
        "Des réponses nouvelles à des besoins sociaux mal satisfaits, inventées avec les personnes concernées.",
        Decimal("200000"),
        Decimal("15000"),
        1,
    ),
    (
        "Coopération",
        "Des projets qui font travailler ensemble habitants, associations, entreprises et collectivités.",
        Decimal("200000"),
        Decimal("15000"),
        2,
    ),
    (
        "Pratiques de l'ESS",
        "L'amélioration des bonnes pratiques de l'économie sociale et solidaire : gouvernance, "
        "utilité sociale, ancrage local.",
        Decimal("150000"),
        Decimal("10000"),
        3,
    ),
]


@transaction.atomic
def ensure_demo_edition() -> Edition:
    edition = Edition.objects.filter(year=DEMO_YEAR).first()
    if edition is None:
        edition = edition_create(
            by=None,
            year=DEMO_YEAR,
            title="Budget citoyen 2025",
            introduction=(
                "Vous avez une idée pour votre quartier, votre village, votre territoire ? "
                "Le Budget citoyen du Pas-de-Calais vous aide à en faire un projet d'économie sociale "
                "et solidaire, et ce sont les habitants qui choisissent les projets financés."
            ),
            is_published=True,
            is_demo=True,
            comptoirs_start=paris(2025, 1, 6),
            comptoirs_end=paris(2025, 3, 13),
            deposit_start=paris(2025, 1, 31),
            deposit_end=paris(2025, 3, 5),
            labelling_start=paris(2025, 7, 1),
            labelling_end=paris(2025, 9, 1),
            vote_start=paris(2025, 9, 1),
            vote_end=paris(2025, 10, 1),
            results_at=paris(2025, 11, 20, 18),
            vote_rule="favourites",
            vote_min_choices=1,
            vote_max_choices=3,
        )
    existing = set(edition.categories.values_list("name", flat=True))
    for name, description, envelope, maximum, priority in CATEGORIES:
        if name not in existing:
            category_create(
                edition=edition,
                by=None,
                name=name,
                description=description,
                envelope=envelope,
                max_amount_per_project=maximum,
                priority=priority,
            )
    return edition

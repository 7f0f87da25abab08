from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache

from budgetcitoyen.territories.models import Commune
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    labelled_project,
    paris,
    verified_person,
)

DURING_VOTE = paris(2025, 9, 15, 12)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edition(db):
    """Edition 2025 (vote 1–30 Sept, age reckoned on 1 Sept), exactly 3 favourites (as an
    edition may ask; the default is 1 to 3), two categories."""
    edition = EditionFactory(year=2025, vote_min_choices=3, vote_max_choices=3)
    CategoryFactory(
        edition=edition, name="Innovation sociale", priority=1, envelope=Decimal("30000")
    )
    CategoryFactory(edition=edition, name="Coopération", priority=2, envelope=Decimal("20000"))
    return edition


@pytest.fixture
def projects(edition):
    """Five projects: three in Innovation sociale, two in Coopération."""
    first, second = edition.categories.order_by("priority")
    comptoir = ComptoirFactory(edition=edition)
    return [
        labelled_project(
            edition, category=first, amount=Decimal("12000"), title="Recyclerie", comptoir=comptoir
        ),
        labelled_project(
            edition,
            category=first,
            amount=Decimal("8000"),
            title="Épicerie solidaire",
            comptoir=comptoir,
        ),
        labelled_project(
            edition,
            category=first,
            amount=Decimal("15000"),
            title="Jardin partagé",
            comptoir=comptoir,
        ),
        labelled_project(
            edition, category=second, amount=Decimal("9000"), title="Tiers-lieu", comptoir=comptoir
        ),
        labelled_project(
            edition,
            category=second,
            amount=Decimal("5000"),
            title="Café associatif",
            comptoir=comptoir,
        ),
    ]


@pytest.fixture
def during_vote():
    with time_machine.travel(DURING_VOTE, tick=False):
        yield


ARRAS = "62041"


def identity(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "last_name": "Dupont",
        "first_name": "Camille",
        "other_first_names": "",
        "birth_date": date(1990, 7, 14),
        "commune": Commune.objects.get(insee_code=ARRAS),
        "postal_code": "62000",
    }
    values.update(overrides)
    return values


@pytest.fixture
def voter(db):
    return verified_person(email="votante@exemple.fr")


@pytest.fixture
def declared(edition, voter, during_vote):
    from budgetcitoyen.voting import services

    services.declaration_save(edition=edition, user=voter, sworn=True, **identity())
    return voter


@pytest.fixture
def staff(db):
    return make_persona("staff")


@pytest.fixture
def agent(db):
    return make_persona("agent")

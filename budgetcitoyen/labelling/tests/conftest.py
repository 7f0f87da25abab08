from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    EditionFactory,
    UserFactory,
    attendee,
    complete_dossier,
    paris,
)

LABELLING = paris(2025, 7, 15, 10)


@pytest.fixture
def edition(db):
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1)
    CategoryFactory(
        edition=edition,
        name="Coopération",
        priority=2,
        max_amount_per_project=Decimal("10000.00"),
    )
    return edition


def submit(edition, **overrides):
    registration = attendee(edition)
    with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
        return dossier_services.dossier_submit(
            dossier=complete_dossier(registration, **overrides),
            by=registration.person,
            sworn=True,
        )


@pytest.fixture
def dossier(edition):
    return submit(edition)


@pytest.fixture
def staff(db):
    return make_persona("staff")


@pytest.fixture
def member(db):
    return make_persona("committee")


@pytest.fixture
def other_member(db):
    from budgetcitoyen.accounts.roles import Role, role_grant

    user = UserFactory(email="membre2@exemple.fr")
    role_grant(user=user, role=Role.COMMITTEE, by=None)
    return user


@pytest.fixture
def during_labelling():
    with time_machine.travel(LABELLING, tick=False):
        yield

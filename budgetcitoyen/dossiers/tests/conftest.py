from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, attendee, paris


@pytest.fixture
def during_deposit():
    with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
        yield


@pytest.fixture
def edition(db):
    """Edition 2025 with two categories; the largest per-project maximum is 20 000 €."""
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1)
    CategoryFactory(
        edition=edition, name="Coopération", priority=2, max_amount_per_project=Decimal("20000")
    )
    return edition


@pytest.fixture
def registration(edition):
    """A person marked present at a comptoir of the edition."""
    return attendee(edition)

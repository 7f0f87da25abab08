# ruff: noqa: F811  (the fixtures imported from the vote tests are used by name)
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from budgetcitoyen.testing.factories import paris, verified_person
from budgetcitoyen.voting.tests.conftest import (  # noqa: F401  (fixtures)
    DURING_VOTE,
    _fresh_rate_limits,
    edition,
    identity,
    projects,
    staff,
)

AFTER_VOTE = paris(2025, 10, 5, 10)


@pytest.fixture
def approval_edition(edition):
    """The 2025 edition with approval ballots of up to five projects (any number counts)."""
    edition.vote_rule = "approval"
    edition.vote_max_choices = 5
    edition.save()
    return edition


def cast(edition, projects, *picks: int, person: int = 0):  # type: ignore[no-untyped-def]
    """A real online ballot (declaration, cast) for ``projects[i] for i in picks``."""
    from budgetcitoyen.voting import services

    user = verified_person(email=f"votant{person}@exemple.fr")
    with time_machine.travel(DURING_VOTE, tick=False):
        services.declaration_save(
            edition=edition,
            user=user,
            sworn=True,
            **identity(
                last_name=f"Votant{'x' * person}", birth_date=date(1980, 1, 1 + person % 28)
            ),
        )
        ballot, _code = services.ballot_cast(
            edition=edition, user=user, choices=[projects[i].pk for i in picks]
        )
    return ballot


@pytest.fixture
def ballots(approval_edition, projects):
    """Seven ballots. Votes: Recyclerie 5, Épicerie 4, Jardin 1, Tiers-lieu 3, Café 3."""
    picks = [(0, 1, 3), (0, 1, 3), (0, 1, 4), (0, 1), (0, 3, 4), (2,), (4,)]
    return [cast(approval_edition, projects, *p, person=i) for i, p in enumerate(picks)]


@pytest.fixture
def after_vote():
    with time_machine.travel(AFTER_VOTE, tick=False):
        yield

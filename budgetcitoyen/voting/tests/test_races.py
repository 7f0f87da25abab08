"""Races on PostgreSQL (row locks and advisory locks; SQLite serialises writers anyway)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from budgetcitoyen.territories.models import Commune
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    labelled_project,
    verified_person,
)
from budgetcitoyen.voting import services
from budgetcitoyen.voting.models import Ballot, IdentityReview

from .conftest import DURING_VOTE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        key: "1000/600" for key in settings.BUDGETCITOYEN_RATE_LIMITS
    }


@pytest.fixture
def setting():
    load_reference()
    with time_machine.travel(DURING_VOTE, tick=True):
        edition = EditionFactory(year=2025)
        category = CategoryFactory(edition=edition, priority=1, envelope=Decimal("50000"))
        comptoir = ComptoirFactory(edition=edition)
        projects = [
            labelled_project(edition, category=category, comptoir=comptoir) for _ in range(3)
        ]
        yield edition, [p.pk for p in projects]


def identity(**overrides):
    values = {
        "last_name": "Dupont",
        "first_name": "Camille",
        "other_first_names": "",
        "birth_date": date(1990, 7, 14),
        "commune": Commune.objects.get(insee_code="62041"),
        "postal_code": "62000",
    }
    values.update(overrides)
    return values


def declared(edition, email, **overrides):
    person = verified_person(email=email)
    services.declaration_save(edition=edition, user=person, sworn=True, **identity(**overrides))
    return person


def test_fifty_simultaneous_casts_by_one_person_record_one_ballot(setting):
    edition, choices = setting
    person = declared(edition, "votante@exemple.fr")
    errors = run_together(
        [lambda: services.ballot_cast(edition=edition, user=person, choices=choices)] * 50,
        keep_refusals=True,
    )
    assert len(errors) == 49 and {type(e).__name__ for e in errors} == {"AlreadyDone"}
    assert Ballot.objects.filter(user=person).count() == 1
    assert Ballot.objects.get().choices.count() == 3


def test_simultaneous_casts_by_different_people_are_all_recorded(setting):
    edition, choices = setting
    people = [declared(edition, f"v{i}@exemple.fr", last_name=f"Nom{i}") for i in range(20)]
    errors = run_together(
        [
            (lambda p=p: services.ballot_cast(edition=edition, user=p, choices=choices))
            for p in people
        ],
        keep_refusals=True,
    )
    assert errors == []
    assert Ballot.objects.filter(status="valid").count() == 20


def test_one_identity_under_several_addresses_at_once_all_go_under_review(setting):
    edition, choices = setting
    people = [declared(edition, f"double{i}@exemple.fr") for i in range(8)]
    errors = run_together(
        [
            (lambda p=p: services.ballot_cast(edition=edition, user=p, choices=choices))
            for p in people
        ],
        keep_refusals=True,
    )
    assert errors == []
    assert Ballot.objects.count() == 8
    assert set(Ballot.objects.values_list("status", flat=True)) == {"under_review"}
    review = IdentityReview.objects.get()
    assert review.ballots.count() == 8


def test_two_staff_deciding_the_same_review_at_once(setting):
    edition, choices = setting
    for i in range(2):
        services.ballot_cast(
            edition=edition, user=declared(edition, f"d{i}@exemple.fr"), choices=choices
        )
    review = IdentityReview.objects.get()
    staff = make_persona("staff")
    errors = run_together(
        [
            lambda: services.review_decide(review=review, outcome="annul", reason="", by=staff),
            lambda: services.review_decide(
                review=review, outcome="dismiss", reason="Homonymes.", by=staff
            ),
        ],
        keep_refusals=True,
    )
    assert [type(e).__name__ for e in errors] == ["AlreadyDone"]
    review.refresh_from_db()
    expected = "annulled" if review.status == "annulled" else "valid"
    assert set(Ballot.objects.values_list("status", flat=True)) == {expected}


def test_the_same_paper_sheet_typed_twice_at_once_is_recorded_once(setting):
    edition, choices = setting
    agent = make_persona("agent")
    entry = {
        **identity(),
        "collection_point": "Maison du Département d'Arras",
        "collected_on": date(2025, 9, 10),
        "sworn": True,
    }
    errors = run_together(
        [lambda: services.paper_ballot_enter(edition=edition, by=agent, choices=choices, **entry)]
        * 4,
        keep_refusals=True,
    )
    assert len(errors) == 3 and {type(e).__name__ for e in errors} == {"Conflict"}
    assert Ballot.objects.count() == 1


def test_a_recorded_ballot_cannot_be_changed_even_in_sql(setting):
    from django.db import DatabaseError, transaction

    edition, choices = setting
    person = declared(edition, "votante@exemple.fr")
    ballot, _ = services.ballot_cast(edition=edition, user=person, choices=choices)
    for statement in [
        "UPDATE voting_ballotchoice SET points = 5 WHERE ballot_id = %s",
        "DELETE FROM voting_ballotchoice WHERE ballot_id = %s",
        "UPDATE voting_ballot SET territory_id = territory_id + 1 WHERE id = %s",
        "DELETE FROM voting_ballot WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [ballot.pk])
    # Moving the status (a staff decision) stays possible.
    Ballot.objects.filter(pk=ballot.pk).update(status="annulled")

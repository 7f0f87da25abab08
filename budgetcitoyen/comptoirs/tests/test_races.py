"""No comptoir is ever overbooked, with real threads on PostgreSQL (SQLite has no row locks)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import registration_cancel, registration_create
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.testing.factories import (
    ComptoirFactory,
    EditionFactory,
    idea,
    paris,
    verified_person,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
Status = Registration.Status


@pytest.fixture
def comptoir():
    load_reference()
    edition = EditionFactory(year=2025)
    return ComptoirFactory(edition=edition, capacity=10, starts_at=paris(2025, 2, 5, 9, 30))


@pytest.fixture(autouse=True)
def widened_race_window(monkeypatch):
    """Sleep between the checks and the write, so that without locks the threads would
    all read the same free places and overbook: these tests fail if the locks go."""
    import time

    from budgetcitoyen.comptoirs import services

    original = services._confirmed_elsewhere

    def slow(*args, **kwargs):
        time.sleep(0.02)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_confirmed_elsewhere", slow)


@pytest.fixture(autouse=True)
def during_comptoirs():
    # tick=True: each thread sees a consistent, moving clock
    with time_machine.travel(paris(2025, 1, 20, 10), tick=True):
        yield


def assert_queue_is_sound(comptoir):
    confirmed = Registration.objects.filter(comptoir=comptoir, status=Status.CONFIRMED).count()
    assert confirmed <= comptoir.capacity
    waiting = list(
        Registration.objects.filter(comptoir=comptoir, status=Status.WAITLISTED).order_by("ticket")
    )
    from budgetcitoyen.comptoirs.services import waitlist_position

    assert [waitlist_position(r) for r in waiting] == list(range(1, len(waiting) + 1))
    tickets = list(Registration.objects.filter(comptoir=comptoir).values_list("ticket", flat=True))
    assert len(tickets) == len(set(tickets))
    return confirmed, waiting


def test_fifty_people_registering_at_once_for_ten_places(comptoir):
    people = [verified_person() for _ in range(50)]
    jobs = [
        (lambda person=person: registration_create(comptoir=comptoir, person=person, **idea()))
        for person in people
    ]
    assert run_together(jobs) == []
    confirmed, waiting = assert_queue_is_sound(comptoir)
    assert confirmed == 10
    assert len(waiting) == 40
    assert sorted(Registration.objects.values_list("ticket", flat=True)) == list(range(1, 51))
    # arrival order: everyone confirmed arrived before everyone waiting
    confirmed_tickets = Registration.objects.filter(status=Status.CONFIRMED).values_list(
        "ticket", flat=True
    )
    assert max(confirmed_tickets) < waiting[0].ticket


def test_the_same_person_registering_fifty_times_gets_one_registration(comptoir):
    person = verified_person()
    jobs = [
        lambda: registration_create(comptoir=comptoir, person=person, **idea()) for _ in range(50)
    ]
    assert run_together(jobs) == []
    assert Registration.objects.filter(person=person).count() == 1


def test_cancellations_and_registrations_racing(comptoir):
    holders = [verified_person() for _ in range(10)]
    for person in holders:
        registration_create(comptoir=comptoir, person=person, **idea())
    queued = [verified_person() for _ in range(15)]
    for person in queued:
        registration_create(comptoir=comptoir, person=person, **idea())
    newcomers = [verified_person() for _ in range(25)]
    cancels = [
        (lambda r=r: registration_cancel(registration=r, by=r.person))
        for r in Registration.objects.filter(status=Status.CONFIRMED).select_related("person")[:8]
    ]
    registers = [
        (lambda person=person: registration_create(comptoir=comptoir, person=person, **idea()))
        for person in newcomers
    ]
    assert run_together(cancels + registers) == []
    confirmed, waiting = assert_queue_is_sound(comptoir)
    assert confirmed == 10  # every freed place was refilled at once
    assert len(waiting) == 15 + 25 - 8
    # the freed places went to the first in line, who had arrived before every newcomer
    promoted = Registration.objects.filter(status=Status.CONFIRMED, person__in=queued)
    assert sorted(r.person_id for r in promoted) == sorted(p.pk for p in queued[:8])
    assert not Registration.objects.filter(status=Status.CONFIRMED, person__in=newcomers).exists()

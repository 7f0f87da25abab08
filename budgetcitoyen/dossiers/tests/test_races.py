"""References have no gaps and no duplicates under concurrent submissions (PostgreSQL)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection

from budgetcitoyen.dossiers import services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    paris,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture(autouse=True)
def widened_race_window(monkeypatch):
    """Sleep between reading the last number and writing the new one: without the lock on
    the edition, the threads would all read the same number and collide or leave gaps."""
    import time

    original = services.submission_problems

    def slow(dossier):
        time.sleep(0.02)
        return original(dossier)

    monkeypatch.setattr(services, "submission_problems", slow)


def test_twenty_simultaneous_submissions_take_twenty_consecutive_references():
    load_reference()
    with time_machine.travel(paris(2025, 2, 10, 14), tick=True):
        edition = EditionFactory(year=2025)
        CategoryFactory(edition=edition, priority=1)
        dossiers = [complete_dossier(attendee(edition)) for _ in range(20)]
        jobs = [
            (lambda d=d: services.dossier_submit(dossier=d, by=d.holder, sworn=True))
            for d in dossiers
        ]
        errors = run_together(jobs, keep_refusals=True)
    assert errors == []
    refs = sorted(Dossier.objects.filter(edition=edition).values_list("reference", flat=True))
    assert refs == [f"BC-2025-{n:04d}" for n in range(1, 21)]


def test_the_same_dossier_submitted_twice_at_once_is_submitted_once():
    load_reference()
    with time_machine.travel(paris(2025, 2, 10, 14), tick=True):
        edition = EditionFactory(year=2025)
        CategoryFactory(edition=edition, priority=1)
        dossier = complete_dossier(attendee(edition))
        errors = run_together(
            [lambda: services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)] * 5,
            keep_refusals=True,
        )
    assert len(errors) == 4 and all(type(e).__name__ == "AlreadyDone" for e in errors)
    assert Dossier.objects.get(pk=dossier.pk).reference == "BC-2025-0001"

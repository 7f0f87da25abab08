"""Publication races on PostgreSQL (row locks; SQLite serialises writers anyway)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection

from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.results import services
from budgetcitoyen.results.models import Award, ResultSnapshot
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.voting import services as voting
from budgetcitoyen.voting.models import Ballot

from .conftest import AFTER_VOTE, cast, identity

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture(autouse=True)
def reference(transactional_db):
    load_reference()


@pytest.fixture
def counted(approval_edition, projects):
    for i in range(4):
        cast(approval_edition, projects, i % 5, person=i)
    return approval_edition


def test_two_staff_publishing_at_once_publish_once(counted):
    staff = make_persona("staff")
    with time_machine.travel(AFTER_VOTE, tick=True):
        snapshots = [services.tally_run(edition=counted, by=staff) for _ in range(4)]
        errors = run_together(
            [(lambda s=s: services.publish(snapshot=s, by=staff)) for s in snapshots],
            keep_refusals=True,
        )
    assert len(errors) == 3 and {type(e).__name__ for e in errors} == {"AlreadyDone"}
    assert ResultSnapshot.objects.filter(published_at__isnull=False).count() == 1
    assert Award.objects.count() == 4
    assert AuditEntry.objects.filter(action="results.published").count() == 1


def test_a_paper_ballot_typed_while_publishing_never_slips_past_the_result(counted, projects):
    """Either the ballot lands first (the count is then stale: publication refused), or the
    publication does (the entry is then refused). Never a published result missing a ballot
    recorded at the same instant."""
    staff, agent = make_persona("staff"), make_persona("agent")
    with time_machine.travel(AFTER_VOTE, tick=True):
        snapshot = services.tally_run(edition=counted, by=staff)
        errors = run_together(
            [
                lambda: services.publish(snapshot=snapshot, by=staff),
                lambda: voting.paper_ballot_enter(
                    edition=counted,
                    by=agent,
                    choices=[projects[0].pk],
                    collection_point="Maison du Département Solidarité de l'Arrageois",
                    collected_on=date(2025, 9, 10),
                    sworn=True,
                    **identity(last_name="Papier"),
                ),
            ],
            keep_refusals=True,
        )
    published = ResultSnapshot.objects.filter(published_at__isnull=False).exists()
    typed = Ballot.objects.filter(channel="paper").exists()
    assert len(errors) == 1
    assert published != typed

"""Races of the labelling on PostgreSQL: a decision against a withdrawal, notices sent twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection

from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.labelling import services
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.cast import make_persona
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


@pytest.fixture
def setting():
    load_reference()
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    staff = make_persona("staff")
    dossiers = []
    with time_machine.travel(paris(2025, 2, 10), tick=False):
        for _ in range(3):
            registration = attendee(edition)
            dossiers.append(
                dossier_services.dossier_submit(
                    dossier=complete_dossier(registration), by=registration.person, sworn=True
                )
            )
    return edition, staff, dossiers


def test_a_decision_and_a_withdrawal_at_once_never_both_happen(setting):
    edition, staff, dossiers = setting
    with time_machine.travel(paris(2025, 7, 10), tick=True):
        for dossier in dossiers:
            run_together(
                [
                    lambda d=dossier: services.decide(
                        dossier=d,
                        by=staff,
                        outcome="labelled",
                        category=edition.categories.get(),
                        labelled_amount=Decimal("5000"),
                        public_title="Titre",
                    ),
                    lambda d=dossier: dossier_services.dossier_withdraw(dossier=d, by=d.holder),
                ]
            )
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        decided = Decision.objects.filter(dossier=dossier).exists()
        assert (dossier.status == "withdrawn") != decided
        assert dossier.status in ("withdrawn", "labelled")


def test_two_notification_runs_at_once_tell_each_holder_once(setting, settings):
    edition, staff, dossiers = setting
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(paris(2025, 7, 10), tick=True):
        for dossier in dossiers:
            services.decide(dossier=dossier, by=staff, outcome="not_labelled", reason="Non")
        mail.outbox.clear()  # the receipts of the submissions
        errors = run_together([lambda: services.notify_holders(edition=edition, by=None)] * 4)
    assert errors == []
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.holder.email for d in dossiers)

"""On PostgreSQL the final-ballot and audit triggers let the erasure through, and only it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from budgetcitoyen.core.audit import erase_labels
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.voting.models import Ballot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers"),
]


def test_an_anonymised_ballot_is_still_final(demo):
    ballot = Ballot.objects.filter(edition=demo).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(last_name="", ip_address=None)
    Ballot.objects.filter(pk=ballot.pk).update(
        last_name="",
        first_name="",
        other_first_names="",
        birth_date=None,
        commune=None,
        postal_code="",
        identity_key="",
        ip_address=None,
        user=None,
        anonymised_at=ballot.cast_at,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(choices_signature="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(age_band="11-17")


def test_the_audit_log_accepts_new_labels_and_nothing_else(demo):
    entry = AuditEntry.objects.first()
    erase_labels(AuditEntry.objects.filter(pk=entry.pk), actor_label="x", object_label="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="other")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

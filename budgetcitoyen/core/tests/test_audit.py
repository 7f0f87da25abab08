"""The audit log is written with its change, rolled back with it, and never rewritten."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from budgetcitoyen.core.audit import changes, log_action
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.editions.services import edition_update
from budgetcitoyen.testing.factories import EditionFactory, paris

pytestmark = pytest.mark.django_db


def test_it_records_actor_action_object_data_and_time(sam):
    edition = EditionFactory(year=2050)
    with transaction.atomic():
        entry = log_action(
            actor=sam, action="test.done", obj=edition, data={"amount": Decimal("1.50")}
        )
    entry.refresh_from_db()
    assert entry.actor == sam
    assert entry.actor_label == sam.email
    assert entry.action == "test.done"
    assert entry.content_type.model == "edition"
    assert entry.object_id == str(edition.pk)
    assert entry.object_label == "Budget citoyen 2050"
    assert entry.data == {"amount": "1.50"}
    assert entry.created_at is not None


def test_it_is_written_in_the_same_transaction_as_the_change(sam):
    edition = EditionFactory(year=2050)
    edition_update(edition=edition, by=sam, title="Changé")
    assert (
        AuditEntry.objects.filter(
            action="editions.edition_updated", object_id=str(edition.pk)
        ).count()
        == 1
    )


def test_it_is_rolled_back_with_its_change(sam):
    edition = EditionFactory(year=2050)
    with pytest.raises(RuntimeError), transaction.atomic():
        edition_update(edition=edition, by=sam, title="Changé")
        raise RuntimeError("la suite de l'opération échoue")
    edition.refresh_from_db()
    assert edition.title == "Budget citoyen 2050"
    assert not AuditEntry.objects.filter(action="editions.edition_updated").exists()


def test_a_refused_change_leaves_no_entry(sam):
    edition = EditionFactory(year=2050)
    with pytest.raises(InvalidInput):
        edition_update(edition=edition, by=sam, vote_end=paris(2050, 8, 1))
    assert not AuditEntry.objects.filter(action="editions.edition_updated").exists()


def test_it_refuses_to_write_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="dans la transaction"):
        log_action(actor=None, action="test.orphan")


def test_the_system_is_the_actor_when_nobody_is_signed_in():
    with transaction.atomic():
        entry = log_action(actor=None, action="test.system")
    assert entry.actor is None
    assert entry.actor_label == "système"


def test_the_model_refuses_updates_and_deletes():
    with transaction.atomic():
        entry = log_action(actor=None, action="test.append_only")
    entry.action = "test.rewritten"
    with pytest.raises(ValueError, match="que des ajouts"):
        entry.save()
    with pytest.raises(ValueError, match="que des ajouts"):
        entry.delete()


def test_the_label_survives_the_deletion_of_the_account(sam):
    with transaction.atomic():
        entry = log_action(actor=sam, action="test.kept")
    email = sam.email
    sam.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == email


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger PostgreSQL")
def test_postgresql_refuses_a_raw_update_or_delete():
    with transaction.atomic():
        entry = log_action(actor=None, action="test.raw")
    with (
        pytest.raises(DatabaseError, match="que des ajouts"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET action = 'falsified' WHERE id = %s", [entry.pk])
    with (
        pytest.raises(DatabaseError, match="que des ajouts"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "test.raw"


def test_changes_lists_only_what_differs():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}

"""The test database's copy (``testing/dbsnapshot.py``) behind the demo fixtures: exact, with the
same ids every run, and leaving the database's own guards on."""

from __future__ import annotations

import pytest
from django.db import connection

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.dbsnapshot import capture, restore
from budgetcitoyen.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def content(snapshot):  # type: ignore[no-untyped-def]
    """Each table's rows in a stable order (a table read back may list its rows in another)."""
    return {
        table: sorted(rows.splitlines() if isinstance(rows, bytes) else map(repr, rows))
        for table, rows in snapshot.rows.items()
    }


def test_restore_gives_back_exactly_what_was_captured():
    before = capture()
    UserFactory(email="passante@exemple.fr")
    assert content(capture()) != content(before)
    restore(before)
    assert not User.objects.filter(email="passante@exemple.fr").exists()
    assert content(capture()) == content(before)


def test_the_demo_copy_holds_the_demo_with_the_same_ids_every_run(demo, demo_built):
    assert demo.year == 2025
    assert Comptoir.objects.order_by("pk").values_list("pk", flat=True)[0] == 1
    assert Comptoir.objects.count() == demo_built.snapshot.count("comptoirs_comptoir") == 9


def test_rows_added_after_a_copy_get_new_ids(demo):
    biggest = User.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert UserFactory(email="nouvelle@exemple.fr").pk > biggest


def test_a_test_may_change_the_demo_and_the_next_one_gets_it_whole(demo):
    Comptoir.objects.filter(edition=demo).update(capacity=1)
    assert set(Comptoir.objects.values_list("capacity", flat=True)) == {1}


def test_the_previous_test_s_change_is_gone(demo):
    assert set(Comptoir.objects.filter(edition=demo).values_list("capacity", flat=True)) == {20}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only")
def test_the_database_guards_are_back_on_after_a_copy(demo):
    """The copy switches the append-only and freeze triggers off for its own write only."""
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
        states = dict(cursor.fetchall())
    assert {"core_auditentry", "dossiers_dossier"} <= set(states)
    assert set(states.values()) == {"O"}  # enabled
    with transaction.atomic():
        log_action(actor=None, action="test.snapshot", obj=demo)
    entry = AuditEntry.objects.latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

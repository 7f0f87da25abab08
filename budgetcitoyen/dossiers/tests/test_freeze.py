"""A submitted dossier is frozen at every layer: services (see test_services), pages, admin, SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from budgetcitoyen.dossiers import services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    paris,
)

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture(autouse=True)
def during_deposit():
    with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
        yield


@pytest.fixture
def submitted():
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    registration = attendee(edition)
    return services.dossier_submit(
        dossier=complete_dossier(registration), by=registration.person, sworn=True
    )


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


class TestPages:
    def test_a_step_posted_to_a_submitted_dossier_changes_nothing(self, client, submitted):
        client.force_login(submitted.holder)
        response = client.post(
            f"/mes-dossiers/{submitted.pk}/presentation/",
            {"title": "Autre titre", "action": "save"},
        )
        assert response.status_code == 409
        submitted.refresh_from_db()
        assert submitted.title == "La recyclerie du Ternois"

    def test_a_step_of_a_submitted_dossier_redirects_to_its_read_only_view(self, client, submitted):
        client.force_login(submitted.holder)
        response = client.get(f"/mes-dossiers/{submitted.pk}/budget/")
        assert response.status_code == 302
        assert response["Location"] == f"/mes-dossiers/{submitted.pk}/"


class TestAdmin:
    def test_the_admin_shows_a_dossier_and_changes_nothing(self, client, submitted):
        staff = make_persona("staff")
        client.force_login(staff)
        url = f"/admin/dossiers/dossier/{submitted.pk}/change/"
        page = client.get(url)
        assert page.status_code == 200
        assert b'name="title"' not in page.content  # read-only: no input
        response = client.post(url, {"title": "Modifié par l'admin"})
        assert response.status_code == 403
        submitted.refresh_from_db()
        assert submitted.title == "La recyclerie du Ternois"
        assert (
            client.post(
                f"/admin/dossiers/dossier/{submitted.pk}/delete/", {"post": "yes"}
            ).status_code
            == 403
        )
        assert Dossier.objects.filter(pk=submitted.pk).exists()


@needs_postgres
class TestDatabase:
    def test_a_raw_update_of_the_content_is_refused(self, submitted):
        with pytest.raises(DatabaseError, match="ne peut plus être modifié"):
            raw("UPDATE dossiers_dossier SET title = %s WHERE id = %s", ["Réécrit", submitted.pk])
        with pytest.raises(DatabaseError):
            raw(
                "UPDATE dossiers_dossier SET snapshot_sha256 = %s WHERE id = %s",
                ["0" * 64, submitted.pk],
            )
        with pytest.raises(DatabaseError):
            raw("UPDATE dossiers_dossier SET amount_requested = 1 WHERE id = %s", [submitted.pk])
        submitted.refresh_from_db()
        assert submitted.title == "La recyclerie du Ternois"

    def test_a_raw_delete_is_refused(self, submitted):
        with pytest.raises(DatabaseError, match="supprimé"):
            raw("DELETE FROM dossiers_dossier WHERE id = %s", [submitted.pk])

    def test_its_parts_are_frozen_too(self, submitted):
        with pytest.raises(DatabaseError):
            raw(
                "UPDATE dossiers_financingline SET amount = 1 WHERE dossier_id = %s", [submitted.pk]
            )
        with pytest.raises(DatabaseError):
            raw("DELETE FROM dossiers_dossiercommune WHERE dossier_id = %s", [submitted.pk])
        with pytest.raises(DatabaseError):
            raw(
                "INSERT INTO dossiers_financingline (dossier_id, position, source, amount, is_secured) "
                "VALUES (%s, 9, 'Ajout', 5, false)",
                [submitted.pk],
            )
        assert submitted.financing_lines.get().amount == Decimal("8000.00")

    def test_its_status_may_still_move_on(self, submitted):
        raw("UPDATE dossiers_dossier SET status = 'withdrawn' WHERE id = %s", [submitted.pk])
        submitted.refresh_from_db()
        assert submitted.status == "withdrawn"

    def test_a_draft_is_free(self, submitted):
        draft = complete_dossier(attendee(submitted.edition))
        raw("UPDATE dossiers_dossier SET title = 'Nouveau' WHERE id = %s", [draft.pk])
        raw("UPDATE dossiers_financingline SET amount = 1 WHERE dossier_id = %s", [draft.pk])
        draft.refresh_from_db()
        assert draft.title == "Nouveau"

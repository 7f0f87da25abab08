"""What each role may do in the Django admin."""

from __future__ import annotations

import pytest
from django.test import Client

from budgetcitoyen.demo.editions import ensure_demo_edition
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.testing.cast import client_for

pytestmark = pytest.mark.django_db

NO_ADMIN = ["resident", "porteur", "organiser", "committee", "agent"]


def test_anonymous_is_sent_to_the_login_page():
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("persona", NO_ADMIN)
def test_roles_without_admin_access_are_refused(persona):
    response = client_for(persona).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("persona", NO_ADMIN)
def test_roles_without_admin_access_cannot_open_an_edition(persona):
    edition = ensure_demo_edition()
    response = client_for(persona).get(f"/admin/editions/edition/{edition.pk}/change/")
    assert response.status_code == 302


class TestStaff:
    def test_it_runs_editions_categories_comptoirs_and_territories(self):
        client = client_for("staff")
        index = client.get("/admin/")
        assert index.status_code == 200
        html = index.content.decode()
        for path in [
            "/admin/editions/edition/",
            "/admin/comptoirs/comptoir/",
            "/admin/territories/commune/",
            "/admin/core/auditentry/",
        ]:
            assert path in html
        assert client.get("/admin/editions/edition/add/").status_code == 200
        edition = ensure_demo_edition()
        assert client.get(f"/admin/editions/edition/{edition.pk}/change/").status_code == 200

    def test_it_reads_but_never_rewrites_the_audit_log(self):
        client = client_for("staff")
        assert client.get("/admin/core/auditentry/").status_code == 200
        from budgetcitoyen.core.models import AuditEntry

        entry = AuditEntry.objects.first()
        assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
        assert client.get("/admin/core/auditentry/add/").status_code == 403

    def test_it_cannot_delete_an_edition_or_add_communes(self):
        client = client_for("staff")
        edition = ensure_demo_edition()
        assert client.get(f"/admin/editions/edition/{edition.pk}/delete/").status_code == 403
        assert client.get("/admin/territories/commune/add/").status_code == 403

    def test_it_cannot_change_accounts_or_roles(self):
        client = client_for("staff")
        assert client.get("/admin/accounts/user/").status_code == 200
        assert client.get("/admin/accounts/user/add/").status_code == 403
        assert client.get("/admin/auth/group/").status_code == 403

    def test_it_moves_a_commune_to_another_territory_through_the_service(self):
        from budgetcitoyen.core.models import AuditEntry
        from budgetcitoyen.territories.models import Territory

        client = client_for("staff")
        arras = Commune.objects.get(insee_code="62041")
        artois = Territory.objects.get(name="Artois")
        response = client.post(
            f"/admin/territories/commune/{arras.pk}/change/",
            {
                "territory": artois.pk,
                "postal_codes-TOTAL_FORMS": "1",
                "postal_codes-INITIAL_FORMS": "1",
                "postal_codes-0-id": arras.postal_codes.get().pk,
                "postal_codes-0-commune": arras.pk,
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        arras.refresh_from_db()
        assert arras.territory == artois
        assert AuditEntry.objects.filter(action="territories.commune_territory_changed").exists()

    def test_edition_form_shows_calendar_errors_in_french(self):
        client = client_for("staff")
        data = edition_form_data(2044, title="Test", vote_end_0="01/08/2044")
        response = client.post("/admin/editions/edition/add/", data)
        assert response.status_code == 200
        assert "La clôture du vote doit suivre son ouverture." in response.content.decode()
        assert 'value="Test"' in response.content.decode()  # what was typed is kept

    def test_creating_an_edition_with_categories_is_audited(self):
        from budgetcitoyen.core.models import AuditEntry
        from budgetcitoyen.editions.models import Edition

        client = client_for("staff")
        data = edition_form_data(
            2045,
            **{
                "categories-TOTAL_FORMS": "1",
                "categories-0-name": "Innovation sociale",
                "categories-0-envelope": "200000",
                "categories-0-max_amount_per_project": "15000",
                "categories-0-priority": "1",
            },
        )
        response = client.post("/admin/editions/edition/add/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        edition = Edition.objects.get(year=2045)
        assert edition.categories.get().name == "Innovation sociale"
        assert AuditEntry.objects.filter(
            action="editions.edition_created", object_id=str(edition.pk)
        ).exists()
        assert AuditEntry.objects.filter(action="editions.category_created").exists()


def edition_form_data(year: int, **overrides: str) -> dict[str, str]:
    """The admin's edition form, filled with the 2025 calendar moved to ``year``."""
    dates = {
        "comptoirs_start": "06/01",
        "comptoirs_end": "13/03",
        "deposit_start": "31/01",
        "deposit_end": "05/03",
        "labelling_start": "01/07",
        "labelling_end": "01/09",
        "vote_start": "01/09",
        "vote_end": "01/10",
        "results_at": "20/11",
    }
    data = {
        "year": str(year),
        "title": f"Budget citoyen {year}",
        "vote_rule": "favourites",
        "vote_min_choices": "3",
        "vote_max_choices": "3",
        "minimum_voter_age": "11",
        "allocation_rule": "envelopes",
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
    }
    for field, day in dates.items():
        data[f"{field}_0"] = f"{day}/{year}"
        data[f"{field}_1"] = "18:00" if field == "results_at" else "00:00"
    data.update(overrides)
    return data


class TestSuperuser:
    def test_it_can_do_everything(self):
        client = client_for("superuser")
        edition = ensure_demo_edition()
        assert client.get("/admin/accounts/user/add/").status_code == 200
        assert client.get("/admin/auth/group/").status_code == 200
        assert client.get(f"/admin/editions/edition/{edition.pk}/delete/").status_code == 200

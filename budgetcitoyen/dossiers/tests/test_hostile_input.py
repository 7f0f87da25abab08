"""Input no field can hold, on the dossier pages: refused with a French message, nothing lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from budgetcitoyen.dossiers import rules, services
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import attendee, complete_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_deposit")]


@pytest.fixture
def draft(registration):
    return services.dossier_start(registration=registration, by=registration.person)


@pytest.fixture
def holder_client(registration):
    client = Client()
    client.force_login(registration.person)
    return client


def test_a_nul_byte_in_a_step_is_refused_on_its_field_and_the_rest_is_kept(holder_client, draft):
    # PostgreSQL cannot store a NUL in text or JSON: the step answered 500 and lost everything.
    response = holder_client.post(
        f"/mes-dossiers/{draft.pk}/porteur/",
        {
            "structure_kind": "collective",
            "structure_name": "Collectif\x00 du Littoral",
            "contact_name": "Inès",
            "contact_email": "pas-un-courriel",
            "action": "save",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "caractère de contrôle" in body
    assert "Collectif du Littoral" in body  # shown back without the invisible character
    draft.refresh_from_db()
    assert draft.contact_name == "Inès" and draft.structure_kind == "collective"
    assert draft.structure_name == ""
    assert "\x00" not in repr(draft.pending_input)
    again = holder_client.get(f"/mes-dossiers/{draft.pk}/porteur/").content.decode()
    assert "pas-un-courriel" in again and "Collectif du Littoral" in again


def test_pending_input_never_keeps_a_control_character(draft):
    services.dossier_save_step(
        dossier=draft,
        by=draft.holder,
        step="porteur",
        values={},
        pending={"structure_name": ["a\x00b\x07c"], "bad\x00key": ["x"]},
    )
    draft.refresh_from_db()
    assert draft.pending_input == {"porteur": {"structure_name": ["abc"], "badkey": ["x"]}}


@pytest.mark.parametrize("count", ["-5", "abc", "99999999999999999999999", "5000"])
def test_a_tampered_line_count_is_refused_and_the_plan_kept(holder_client, draft, count):
    services.dossier_save_step(
        dossier=draft,
        by=draft.holder,
        step="budget",
        values={"financing_lines": [rules.Line("Fonds propres", Decimal("800"), True)]},
    )
    response = holder_client.post(
        f"/mes-dossiers/{draft.pk}/budget/",
        {
            "total_cost": "1 000",
            "amount_requested": "200",
            "lines-TOTAL_FORMS": count,
            "lines-INITIAL_FORMS": "0",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "nombre de lignes" in response.content.decode()
    draft.refresh_from_db()
    assert draft.total_cost == Decimal("1000")  # what parsed is saved
    assert [line.source for line in draft.financing_lines.all()] == ["Fonds propres"]


class TestStaffFilters:
    @pytest.fixture
    def staff(self, edition):
        complete_dossier(attendee(edition), title="Jardin partagé")
        client = Client()
        client.force_login(make_persona("staff"))
        return client

    def test_a_nul_in_the_search_is_a_french_400(self, staff):
        response = staff.get("/gestion/dossiers/?q=a%00b")
        assert response.status_code == 400
        assert "caractère de contrôle" in response.content.decode()

    @pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1e3", "٣"])
    def test_an_impossible_category_is_ignored(self, staff, value):
        response = staff.get(f"/gestion/dossiers/?edition=2025&categorie={value}")
        assert response.status_code == 200
        assert "Jardin partagé" in response.content.decode()


@pytest.mark.parametrize("year", ["²", "٢٠٢٥", "２０２５"])
def test_an_edition_year_in_other_digits_lists_every_edition_instead_of_a_500(year):
    # str.isdigit() accepts these, the year column does not: found by the fuzzing.
    client = Client()
    client.force_login(make_persona("staff"))
    response = client.get("/gestion/dossiers/", {"edition": year})
    assert response.status_code == 200

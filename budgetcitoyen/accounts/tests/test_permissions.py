"""The role predicates every app's permissions build on, for every persona of the cast; the
menu reads them through ``can``."""

from __future__ import annotations

import pytest
from django.test import Client

from budgetcitoyen.accounts import permissions
from budgetcitoyen.testing.cast import PERSONAS, make_persona

pytestmark = pytest.mark.django_db

# persona → (staff, committee, paper agent, organiser, admin, management rights)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False),
    "resident": (False, False, False, False, False, False),
    "porteur": (False, False, False, False, False, False),
    "organiser": (False, False, False, True, False, True),
    "committee": (False, True, False, False, False, True),
    "agent": (False, False, True, False, False, True),
    "staff": (True, True, True, True, True, True),
    "superuser": (True, True, True, True, True, True),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_holds_exactly_its_rights(persona):
    user = make_persona(persona)
    assert (
        permissions.is_staff(user),
        permissions.is_committee_member(user),
        permissions.is_paper_agent(user),
        permissions.is_organiser(user),
        permissions.opens_admin(user),
        permissions.has_management_rights(user),
    ) == EXPECTED[persona]


def test_a_deactivated_staff_account_holds_no_right():
    user = make_persona("staff")
    user.is_active = False
    user.save()
    assert not permissions.is_staff(user)


def test_require_refuses_in_french_with_a_403():
    from budgetcitoyen.core.errors import PermissionRefused

    permissions.require(True, "jamais affiché")
    with pytest.raises(PermissionRefused) as refused:
        permissions.require_staff(make_persona("committee"))
    assert refused.value.status_code == 403
    assert "Mission ESS" in refused.value.message


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("resident", set()),
        ("committee", {"Comité"}),
        ("agent", {"Bulletins papier"}),
        ("organiser", {"Mes comptoirs"}),
        (
            "staff",
            {
                "Dossiers reçus",
                "Comité",
                "Suivi du vote",
                "Bulletins papier",
                "Mes comptoirs",
                "Administration",
            },
        ),
    ],
)
def test_the_menu_shows_the_links_of_the_person_s_rights(persona, links):
    client = Client()
    client.force_login(make_persona(persona))
    html = client.get("/").content.decode()
    every = {
        "Dossiers reçus",
        "Comité",
        "Suivi du vote",
        "Bulletins papier",
        "Mes comptoirs",
        "Administration",
    }
    shown = {link for link in every if f">{link}</a>" in html}
    assert shown == links

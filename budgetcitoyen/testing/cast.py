"""The shared cast of users, one per role, as pytest fixtures (imported by conftest files).

alice is a resident, bob a project holder, olivia an organiser, carl a committee member,
agnes an agent, sam the Mission ESS staff, root the superuser.
"""

from __future__ import annotations

import pytest
from django.test import Client

from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.testing.factories import UserFactory

ROLE_OF_PERSONA = {
    "resident": None,
    "porteur": None,
    "organiser": Role.ORGANISER,
    "committee": Role.COMMITTEE,
    "agent": Role.AGENT,
    "staff": Role.STAFF,
}


def make_persona(persona: str):  # type: ignore[no-untyped-def]
    if persona == "anonymous":
        return None
    if persona == "superuser":
        return UserFactory(email="root@exemple.fr", is_staff=True, is_superuser=True)
    user = UserFactory(email=f"{persona}@exemple.fr")
    role = ROLE_OF_PERSONA[persona]
    if role:
        role_grant(user=user, role=role, by=None)
    return user


PERSONAS = [
    "anonymous",
    "resident",
    "porteur",
    "organiser",
    "committee",
    "agent",
    "staff",
    "superuser",
]


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return make_persona("resident")


@pytest.fixture
def sam(db):  # type: ignore[no-untyped-def]
    return make_persona("staff")


@pytest.fixture
def root(db):  # type: ignore[no-untyped-def]
    return make_persona("superuser")


def client_for(persona: str) -> Client:
    """A test client signed in as a fresh user of that persona (anonymous: signed out)."""
    client = Client()
    user = make_persona(persona)
    if user is not None:
        client.force_login(user)
    return client


FACTORY_PASSWORD = "mot-de-passe-solide"  # UserFactory's


def confirm_password(client: Client, password: str = FACTORY_PASSWORD) -> None:
    """Type the password again on « Confirmer l'accès », as the staff actions that matter ask
    (budgetcitoyen.accounts.reauth): for 15 minutes they go through."""
    response = client.post("/compte/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content[:500]

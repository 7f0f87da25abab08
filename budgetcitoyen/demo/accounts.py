"""The demo accounts: one per role, all with the same published password, addresses verified.
Idempotent: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import Role, role_grant

DEMO_PASSWORD = "demo-budget-citoyen"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str | None
    description: str
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "habitante@demo.budgetcitoyen.fr", "Camille", "Habitante (démo)", None, "habitante, votante"
    ),
    DemoAccount(
        "porteur@demo.budgetcitoyen.fr", "Karim", "Porteur (démo)", None, "porteur de projet"
    ),
    DemoAccount(
        "organisatrice@demo.budgetcitoyen.fr",
        "Sophie",
        "Organisatrice (démo)",
        Role.ORGANISER,
        "organisatrice de comptoir",
    ),
    DemoAccount(
        "comite@demo.budgetcitoyen.fr", "Jean", "Comité (démo)", Role.COMMITTEE, "membre du comité"
    ),
    DemoAccount(
        "agent@demo.budgetcitoyen.fr", "Nadia", "Agent (démo)", Role.AGENT, "agent de saisie"
    ),
    DemoAccount(
        "mission-ess@demo.budgetcitoyen.fr",
        "Léa",
        "Mission ESS (démo)",
        Role.STAFF,
        "équipe Mission ESS",
    ),
    DemoAccount(
        "admin@demo.budgetcitoyen.fr",
        "Alex",
        "Administrateur (démo)",
        None,
        "super-administrateur",
        superuser=True,
    ),
]


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            create = (
                User.objects.create_superuser if account.superuser else User.objects.create_user
            )
            user = create(
                account.email,
                DEMO_PASSWORD,
                first_name=account.first_name,
                last_name=account.last_name,
            )
        # Demo accounts sign in at once: their addresses count as verified.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        if account.role:
            role_grant(user=user, role=account.role, by=None)
    return DEMO_ACCOUNTS

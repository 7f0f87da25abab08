"""The demo accounts: one per role, all with the same published password, addresses verified;
and the residents the demo replays (``demo_person``). Idempotent: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.core import clock
from budgetcitoyen.demo.editions import ANNOUNCED
from budgetcitoyen.demo.replay import Replay

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


@cache
def _password_hash() -> str:
    # Hashed once: the demo creates thousands of accounts with the same password.
    return make_password(DEMO_PASSWORD)


def demo_person(
    email: str, first_name: str = "", last_name: str = "", *, superuser: bool = False
) -> User:
    """A demo account with the published password and a verified address, signed up now (on
    the demo's clock); the existing one if it is already there."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            password=_password_hash(),
            first_name=first_name,
            last_name=last_name,
            date_joined=clock.now(),
            is_staff=superuser,
            is_superuser=superuser,
        )
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@transaction.atomic
def ensure_demo_accounts(replay: Replay) -> list[DemoAccount]:
    with replay.at(ANNOUNCED):
        for account in DEMO_ACCOUNTS:
            user = demo_person(
                account.email,
                account.first_name,
                account.last_name,
                superuser=account.superuser,
            )
            if account.role:
                role_grant(user=user, role=account.role, by=None)
    return DEMO_ACCOUNTS


FIRST_NAMES = [
    "Emma", "Lucas", "Chloé", "Hugo", "Léa", "Nathan", "Manon", "Louis", "Inès", "Théo",
    "Jade", "Gabriel", "Louise", "Arthur", "Alice", "Jules", "Lina", "Raphaël", "Rose", "Adam",
    "Zoé", "Noah", "Anna", "Paul", "Eva", "Tom", "Julia", "Victor", "Clara", "Sacha",
    "Mathilde", "Yanis", "Sarah", "Bastien", "Lucie", "Mehdi", "Pauline", "Antoine",
]  # fmt: skip
LAST_NAMES = [
    "Lefebvre", "Martin", "Dubois", "Leroy", "Moreau", "Petit", "Roux", "Fournier", "Girard",
    "Bonnet", "Dupuis", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lemaire",
    "Caron", "Delattre", "Vasseur", "Carpentier", "Deprez", "Lecomte", "Dufour", "Cousin",
    "Bernard", "Duhamel", "Lemoine", "Hennebelle", "Wattel", "Delannoy", "Lheureux", "Sauvage",
    "Dumont", "Flament", "Boulanger", "Merlin",
]  # fmt: skip


def person_name(number: int) -> tuple[str, str]:
    """A first and last name for the demo's ``number``-th person (distinct for a few hundred)."""
    return (
        FIRST_NAMES[number % len(FIRST_NAMES)],
        LAST_NAMES[(number // len(FIRST_NAMES) + number) % len(LAST_NAMES)],
    )


def demo_resident(number: int) -> User:
    """A resident who takes part in the comptoirs and the deposit (signs up on the clock's date)."""
    first, last = person_name(number)
    return demo_person(f"habitant{number:03d}@demo.budgetcitoyen.fr", first, last)

"""The demo data set: edition 2025 of the Pas-de-Calais (seed calendar), its comptoirs, accounts.

Every function is idempotent: running the demo twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.comptoirs.services import comptoir_create
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.services import category_create, edition_create
from budgetcitoyen.territories.models import Commune

PARIS = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "demo-budget-citoyen"
DEMO_YEAR = 2025


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


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

CATEGORIES = [
    (
        "Innovation sociale",
        "Des réponses nouvelles à des besoins sociaux mal satisfaits, inventées avec les personnes concernées.",
        Decimal("200000"),
        Decimal("15000"),
        1,
    ),
    (
        "Coopération",
        "Des projets qui font travailler ensemble habitants, associations, entreprises et collectivités.",
        Decimal("200000"),
        Decimal("15000"),
        2,
    ),
    (
        "Pratiques de l'ESS",
        "L'amélioration des bonnes pratiques de l'économie sociale et solidaire : gouvernance, "
        "utilité sociale, ancrage local.",
        Decimal("150000"),
        Decimal("10000"),
        3,
    ),
]

# Seed 000: the nine comptoirs of the 2025 edition (host, address, commune INSEE code, start).
COMPTOIRS = [
    (
        "A travers champs",
        "Hameau de Saint-Jean, Saint-Augustin",
        "62691",
        paris(2025, 1, 30, 13, 30),
    ),
    ("L'Étable des possibles", "44 rue Principale, Héricourt", "62433", paris(2025, 2, 3, 13, 30)),
    (
        "La Bulle des champs",
        "Rue de Beaumetz (derrière la mairie), Vélu",
        "62840",
        paris(2025, 2, 5, 9, 30),
    ),
    (
        "Ateliers d'initiatives locales ESS",
        "Salle communale, Noyelles-Godault",
        "62624",
        paris(2025, 2, 25, 9, 30),
    ),
    ("Le Passage à Niveaux", "30 rue Henri-Barbusse, Béthune", "62119", paris(2025, 2, 27, 13, 30)),
    ("Chez ma pool", "29 bis rue de Bouvreuil, Bully-les-Mines", "62186", paris(2025, 3, 5, 9, 30)),
    ("Les Animaliens", "8 rue des Soupirants, Calais", "62193", paris(2025, 3, 6, 9, 30)),
    (
        "Tous Parrains",
        "4 rue du Colonel de l'Espérance, Boulogne-sur-Mer",
        "62160",
        paris(2025, 3, 7, 9, 30),
    ),
    ("Le Germoir", "31 rue Principale, Ambricourt", "62026", paris(2025, 3, 12, 9, 30)),
]
COMPTOIR_HOURS = 3


@transaction.atomic
def ensure_demo_edition() -> Edition:
    edition = Edition.objects.filter(year=DEMO_YEAR).first()
    if edition is None:
        edition = edition_create(
            by=None,
            year=DEMO_YEAR,
            title="Budget citoyen 2025",
            introduction=(
                "Vous avez une idée pour votre quartier, votre village, votre territoire ? "
                "Le Budget citoyen du Pas-de-Calais vous aide à en faire un projet d'économie sociale "
                "et solidaire, et ce sont les habitants qui choisissent les projets financés."
            ),
            is_published=True,
            is_demo=True,
            comptoirs_start=paris(2025, 1, 6),
            comptoirs_end=paris(2025, 3, 13),
            deposit_start=paris(2025, 1, 31),
            deposit_end=paris(2025, 3, 5),
            labelling_start=paris(2025, 7, 1),
            labelling_end=paris(2025, 9, 1),
            vote_start=paris(2025, 9, 1),
            vote_end=paris(2025, 10, 1),
            results_at=paris(2025, 11, 20, 18),
            vote_rule="favourites",
            vote_min_choices=3,
            vote_max_choices=3,
        )
    existing = set(edition.categories.values_list("name", flat=True))
    for name, description, envelope, maximum, priority in CATEGORIES:
        if name not in existing:
            category_create(
                edition=edition,
                by=None,
                name=name,
                description=description,
                envelope=envelope,
                max_amount_per_project=maximum,
                priority=priority,
            )
    return edition


@transaction.atomic
def ensure_demo_comptoirs(edition: Edition) -> list[Comptoir]:
    from datetime import timedelta

    comptoirs = []
    for host, address, insee, starts_at in COMPTOIRS:
        comptoir = Comptoir.objects.filter(
            edition=edition, host_name=host, starts_at=starts_at
        ).first()
        if comptoir is None:
            commune = Commune.objects.select_related("territory").get(insee_code=insee)
            comptoir = comptoir_create(
                edition=edition,
                by=None,
                host_name=host,
                address=address,
                commune=commune,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=COMPTOIR_HOURS),
                capacity=20,
                access_information="Lieu de démonstration : informations d'accès fictives.",
            )
        comptoirs.append(comptoir)
    return comptoirs


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    from allauth.account.models import EmailAddress

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


# The comptoir that the demo fills up, to show a waiting list.
FULL_COMPTOIR_HOST = "Le Passage à Niveaux"
DEMO_IDEAS = [
    (
        "Une recyclerie de quartier",
        "Réparer et revendre à petit prix des objets du quotidien, avec des bénévoles.",
    ),
    (
        "Un jardin partagé nourricier",
        "Cultiver ensemble une friche et partager les récoltes avec l'épicerie solidaire.",
    ),
    (
        "Un café des aidants",
        "Un lieu d'écoute mensuel pour les proches aidants, animé avec une association.",
    ),
    (
        "Une conciergerie rurale",
        "Rendre des services de proximité aux habitants d'un village sans commerce.",
    ),
    (
        "Un atelier vélo solidaire",
        "Apprendre à réparer son vélo et remettre en circulation des vélos abandonnés.",
    ),
]


def _demo_resident(number: int) -> User:
    from allauth.account.models import EmailAddress

    email = f"habitant{number:02d}@demo.budgetcitoyen.fr"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=f"Habitant {number:02d}", last_name="(démo)"
        )
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def ensure_demo_registrations(edition: Edition) -> None:
    """Registrations made through the services as on 20 January 2025; attendance as on each comptoir's day.

    One comptoir is filled up with a waiting list. Attendance is taken where the rules allow
    it: on comptoirs that started before the deposit closed (4 March 2025).
    """
    from datetime import timedelta

    from django.test.utils import override_settings

    from budgetcitoyen.comptoirs.models import Registration
    from budgetcitoyen.comptoirs.services import attendance_mark, registration_create

    if Registration.objects.filter(edition=edition).exists():
        return
    comptoirs = list(edition.comptoirs.select_related("territory").order_by("starts_at"))
    porteur = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    organiser = User.objects.get(email="organisatrice@demo.budgetcitoyen.fr")
    for comptoir in comptoirs:
        comptoir.organisers.add(organiser)

    plan: list[tuple[User, Comptoir]] = [(porteur, comptoirs[0])]
    full = next(c for c in comptoirs if c.host_name == FULL_COMPTOIR_HOST)
    number = 1
    for _seat in range(full.capacity + 3):
        plan.append((_demo_resident(number), full))
        number += 1
    for comptoir in comptoirs:
        if comptoir is full:
            continue
        for _seat in range(2):
            plan.append((_demo_resident(number), comptoir))
            number += 1

    # The demo replays 2025 through the real services on a simulated clock (the demo
    # command only runs with DEBUG on; tests call this directly).
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=paris(2025, 1, 20, 10)):
        for index, (person, comptoir) in enumerate(plan):
            title, summary = DEMO_IDEAS[index % len(DEMO_IDEAS)]
            registration_create(
                comptoir=comptoir,
                person=person,
                idea_title=title,
                idea_summary=summary,
                idea_territory=comptoir.territory,
                structure_kind="none" if index % 2 else "association",
            )
    for comptoir in comptoirs:
        if comptoir.starts_at >= edition.deposit_end:
            continue
        with override_settings(
            DEBUG=True, BUDGETCITOYEN_NOW=comptoir.starts_at + timedelta(hours=1)
        ):
            confirmed = comptoir.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).order_by("ticket")
            for position, registration in enumerate(confirmed):
                attendance_mark(registration=registration, present=position % 5 != 4, by=organiser)


def load_demo() -> Edition:
    edition = ensure_demo_edition()
    ensure_demo_comptoirs(edition)
    ensure_demo_accounts()
    ensure_demo_registrations(edition)
    from budgetcitoyen.dossiers.demo import ensure_demo_dossiers

    ensure_demo_dossiers(edition)
    from budgetcitoyen.labelling.demo import ensure_demo_labelling

    ensure_demo_labelling(edition)
    from budgetcitoyen.voting.demo import ensure_demo_vote

    ensure_demo_vote(edition)
    from budgetcitoyen.results.demo import ensure_demo_results

    ensure_demo_results(edition)
    return edition

"""The demo comptoirs: the nine comptoirs of the 2025 edition (seed 000), registrations with one
comptoir full and its waiting list, attendance taken. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.test.utils import override_settings

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.comptoirs.services import attendance_mark, comptoir_create, registration_create
from budgetcitoyen.demo.accounts import DEMO_PASSWORD
from budgetcitoyen.demo.editions import paris
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.territories.models import Commune

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
def ensure_demo_comptoirs(edition: Edition) -> list[Comptoir]:
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

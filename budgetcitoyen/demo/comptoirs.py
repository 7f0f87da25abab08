"""The demo comptoirs: the nine comptoirs of the 2025 edition (seed 000), residents registering
from the opening of the comptoirs to each one's cut-off, one comptoir full with a waiting list
(and a place freed, given to the first in line), attendance taken on each comptoir's day. All
through the services, each at its date; nothing after the demo's date. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.comptoirs.services import (
    attendance_mark,
    comptoir_create,
    registration_cancel,
    registration_create,
)
from budgetcitoyen.demo.accounts import demo_resident
from budgetcitoyen.demo.editions import ANNOUNCED, paris
from budgetcitoyen.demo.replay import Replay, spread
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
SCHEDULED = ANNOUNCED + timedelta(days=28)  # the Mission ESS publishes the comptoirs

# The comptoir that the demo fills up, to show a waiting list.
FULL_COMPTOIR_HOST = "Le Passage à Niveaux"
WAITLISTED = 3  # left on its waiting list, once a freed place went to the first in line
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
PORTEUR_REGISTERS = paris(2025, 1, 8, 18, 40)


@transaction.atomic
def ensure_demo_comptoirs(edition: Edition, replay: Replay) -> list[Comptoir]:
    if not replay.reached(SCHEDULED):
        return []
    organiser = User.objects.get(email="organisatrice@demo.budgetcitoyen.fr")
    comptoirs = []
    with replay.at(SCHEDULED):
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
                comptoir.organisers.add(organiser)
            comptoirs.append(comptoir)
    return comptoirs


def _plan(edition: Edition, replay: Replay) -> list[tuple[datetime, int, Comptoir]]:
    """Who registers where and when: (moment, resident number, comptoir), in time order."""
    comptoirs = list(edition.comptoirs.select_related("territory").order_by("starts_at"))
    plan: list[tuple[datetime, int, Comptoir]] = []
    number = 1
    for comptoir in comptoirs:
        seats = (
            comptoir.capacity + WAITLISTED + 1
            if comptoir.host_name == FULL_COMPTOIR_HOST
            else replay.size.residents_per_comptoir
        )
        opens = edition.comptoirs_start + timedelta(hours=9)
        closes = comptoir.registration_closes_at - timedelta(hours=2)
        for moment in spread(opens, closes, seats, seed=comptoir.pk):
            plan.append((moment, number, comptoir))
            number += 1
    return sorted(plan, key=lambda item: (item[0], item[1]))


def ensure_demo_registrations(edition: Edition, replay: Replay) -> None:
    """Registrations through the services, each at its date; a cancellation at the full
    comptoir frees a place for the first in line; attendance as on each comptoir's day.

    Attendance is taken where the rules allow it: on comptoirs that started before the
    deposit closed (4 March 2025). The demo resident (habitante@…) registers nowhere: she
    can register herself while the comptoirs are open.
    """
    if Registration.objects.filter(edition=edition).exists():
        return
    comptoirs = list(edition.comptoirs.select_related("territory").order_by("starts_at"))
    if not comptoirs:
        return
    porteur = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    organiser = User.objects.get(email="organisatrice@demo.budgetcitoyen.fr")

    plan = [(PORTEUR_REGISTERS, 0, comptoirs[0]), *_plan(edition, replay)]
    plan.sort(key=lambda item: (item[0], item[1]))
    for index, (moment, number, comptoir) in enumerate(plan):
        if not replay.reached(moment):
            break
        title, summary = DEMO_IDEAS[index % len(DEMO_IDEAS)]
        with replay.at(moment):
            person = porteur if number == 0 else demo_resident(number)
            registration_create(
                comptoir=comptoir,
                person=person,
                idea_title=title,
                idea_summary=summary,
                idea_territory=comptoir.territory,
                structure_kind="none" if index % 2 else "association",
            )

    # Someone at the full comptoir cannot come: the first in line gets the place.
    full = next(c for c in comptoirs if c.host_name == FULL_COMPTOIR_HOST)
    freed = full.registration_closes_at - timedelta(hours=30)
    if replay.reached(freed):
        leaving = (
            full.registrations.filter(status=Registration.Status.CONFIRMED)
            .order_by("ticket")
            .select_related("person")[3]
        )
        with replay.at(freed):
            registration_cancel(registration=leaving, by=leaving.person)

    for comptoir in comptoirs:
        marked = comptoir.starts_at + timedelta(hours=2, minutes=30)
        if comptoir.starts_at >= edition.deposit_end or not replay.reached(marked):
            continue
        with replay.at(marked):
            confirmed = comptoir.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).order_by("ticket")
            for position, registration in enumerate(confirmed):
                # One in five does not come (the demo porteur always does).
                present = position % 5 != 4 or registration.person_id == porteur.pk
                attendance_mark(registration=registration, present=present, by=organiser)

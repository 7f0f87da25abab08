"""Demo vote of the 2025 edition: six more labelled projects (nine on the ballot), about sixty
ballots cast online and on paper between 1 and 14 September, one multiple vote waiting for
staff, one run of ballots from a single address. All through the services, on the 2025
calendar; idempotent. Shown as during the vote with ``scripts/demo --date 2025-09-15``.

The demo resident (habitante@…) has not voted: sign in with her to vote.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.test.utils import override_settings

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.demo.accounts import DEMO_PASSWORD
from budgetcitoyen.demo.dossiers import fill_dossier
from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.dossiers.rules import Line
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling import services as labelling_services
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.voting import services
from budgetcitoyen.voting.models import Ballot

MORE_PROJECTS: list[tuple[str, str, str, int, str, str]] = [
    (
        "Un repair café dans chaque collège",
        "Des ateliers de réparation animés par des bénévoles et des élèves, une fois par mois, dans six collèges du territoire.",
        "Association Répare et partage",
        1,
        "8000",
        "11000",
    ),
    (
        "La ferme pédagogique partagée",
        "Une ferme ouverte aux écoles et aux familles, gérée en coopérative par des habitants et deux maraîchers.",
        "SCIC La Ferme en commun",
        1,
        "15000",
        "32000",
    ),
    (
        "Un tiers-lieu numérique solidaire",
        "Un lieu où l'on apprend à se servir d'un ordinateur, à faire ses démarches en ligne et à réparer son téléphone.",
        "Association Clic solidaire",
        2,
        "12000",
        "20000",
    ),
    (
        "La coopérative des producteurs du marais",
        "Une boutique commune pour vingt producteurs du marais audomarois, avec des prix justes pour tous.",
        "SCIC Saveurs du marais",
        2,
        "14000",
        "40000",
    ),
    (
        "Une auto-école solidaire",
        "Le permis de conduire à prix réduit pour les jeunes et les demandeurs d'emploi, avec un accompagnement vers l'emploi.",
        "Association Permis pour tous",
        3,
        "9000",
        "25000",
    ),
    (
        "Le festival des initiatives de l'ESS",
        "Deux jours pour découvrir les associations, coopératives et entreprises solidaires du département.",
        "Collectif ESS en fête",
        3,
        "6000",
        "18000",
    ),
]

PLACES = [
    "Maison du Département Solidarité de l'Arrageois",
    "Maison du Département Solidarité du Calaisis",
    "Maison du Département Solidarité de l'Artois",
]

VOTER_NAMES = [
    ("Lefebvre", "Emma"), ("Martin", "Lucas"), ("Dubois", "Chloé"), ("Leroy", "Hugo"),
    ("Moreau", "Léa"), ("Petit", "Nathan"), ("Roux", "Manon"), ("Fournier", "Louis"),
    ("Girard", "Inès"), ("Bonnet", "Théo"), ("Dupuis", "Jade"), ("Lambert", "Gabriel"),
    ("Fontaine", "Louise"), ("Rousseau", "Arthur"), ("Vincent", "Alice"), ("Muller", "Jules"),
    ("Lemaire", "Lina"), ("Caron", "Raphaël"), ("Delattre", "Rose"), ("Vasseur", "Adam"),
    ("Carpentier", "Zoé"), ("Deprez", "Noah"), ("Lecomte", "Anna"), ("Dufour", "Paul"),
    ("Cousin", "Eva"), ("Bernard", "Tom"), ("Duhamel", "Julia"), ("Lemoine", "Victor"),
    ("Hennebelle", "Clara"), ("Wattel", "Sacha"),
]  # fmt: skip

COMMUNES = [("62041", "62000"), ("62193", "62100"), ("62498", "62300"), ("62160", "62200"),
            ("62119", "62400"), ("62765", "62500"), ("62427", "62110"), ("62447", "62140")]  # fmt: skip


def _project(entry: tuple[str, str, str, int, str, str]) -> dict[str, Any]:
    title, summary, structure, category, requested, total = entry
    requested_amount, total_cost = Decimal(requested), Decimal(total)
    return {
        "title": title,
        "summary": summary,
        "description": summary
        + " Le projet est porté par des habitants et des structures de l'économie sociale et solidaire du territoire.",
        "objectives": "Créer du lien, rendre un service utile aux habitants, pérenniser l'activité.",
        "social_utility": "Gouvernance ouverte aux bénévoles et aux usagers ; excédents réinvestis.",
        "beneficiaries": "Plusieurs centaines d'habitants du territoire.",
        "partners": "Commune, intercommunalité, associations locales.",
        "structure_kind": "association",
        "structure_name": structure,
        "rna": "W623009876",
        "structure_address": "1 rue de la République, 62000 Arras",
        "total_cost": total_cost,
        "amount_requested": requested_amount,
        "lines": [Line("Autres financeurs", total_cost - requested_amount, True)],
        "category": category,
        "duration_months": 12,
    }


def _more_projects(edition: Edition) -> None:
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    present = list(
        Registration.objects.filter(edition=edition, attendance=Registration.Attendance.PRESENT)
        .exclude(person__email="porteur@demo.budgetcitoyen.fr")
        .select_related("person", "comptoir__commune", "comptoir__territory")
        .order_by("-comptoir__starts_at", "ticket")
    )
    start = edition.deposit_end - timedelta(days=2)
    for index, entry in enumerate(MORE_PROJECTS):
        registration = present[index % len(present)]
        project = _project(entry)
        with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=start + timedelta(hours=3 * index)):
            dossier = dossier_services.dossier_start(
                registration=registration, by=registration.person
            )
            fill_dossier(dossier, project, edition, index)
            dossier = dossier_services.dossier_submit(
                dossier=dossier, by=registration.person, sworn=True
            )
        moment = edition.labelling_start + timedelta(days=20, hours=index)
        with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=moment):
            category = edition.categories.order_by("priority")[project["category"] - 1]
            labelling_services.decide(
                dossier=dossier,
                by=staff,
                outcome="labelled",
                category=category,
                labelled_amount=min(project["amount_requested"], category.max_amount_per_project),
                public_title=dossier.title,
                public_summary=dossier.summary,
                public_description=dossier.description,
            )
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=edition.labelling_end):
        labelling_services.send_due_notifications()


def _voter(number: int) -> User:
    email = f"votant{number:02d}@demo.budgetcitoyen.fr"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _identity(rng: random.Random, number: int) -> dict[str, Any]:
    last, first = VOTER_NAMES[number % len(VOTER_NAMES)]
    insee, postal = COMMUNES[number % len(COMMUNES)]
    return {
        "last_name": last
        if number < len(VOTER_NAMES)
        else f"{last}-{VOTER_NAMES[-1 - number % 7][0]}",
        "first_name": first,
        "other_first_names": "",
        "birth_date": date(1940 + rng.randrange(0, 74), rng.randrange(1, 13), rng.randrange(1, 29)),
        "commune": Commune.objects.get(insee_code=insee),
        "postal_code": postal,
    }


def ensure_demo_vote(edition: Edition) -> None:
    if Ballot.objects.filter(edition=edition).exists():
        return
    if Decision.objects.filter(edition=edition, outcome="labelled").count() < 9:
        _more_projects(edition)
    rng = random.Random(2025)
    projects = list(
        services.published_projects(edition).order_by("pk").values_list("pk", flat=True)
    )
    weights = [rng.randrange(1, 6) for _ in projects]
    agent = User.objects.get(email="agent@demo.budgetcitoyen.fr")
    first_day = edition.vote_start + timedelta(hours=9)

    def choose() -> list[int]:
        picked: list[int] = []
        while len(picked) < 3:
            pk = rng.choices(projects, weights)[0]
            if pk not in picked:
                picked.append(pk)
        return picked

    # 48 online ballots over the first two weeks; four of them from one address in minutes.
    for number in range(48):
        moment = first_day + timedelta(
            hours=6 * number + rng.randrange(0, 5), minutes=rng.randrange(0, 60)
        )
        ip = f"203.0.113.{number % 40 + 10}"
        if 20 <= number < 25:
            moment = first_day + timedelta(days=5, hours=20, minutes=3 * (number - 20))
            ip = "198.51.100.42"
        person = _voter(number + 1)
        with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=moment):
            services.declaration_save(
                edition=edition, user=person, sworn=True, **_identity(rng, number)
            )
            services.ballot_cast(edition=edition, user=person, choices=choose(), ip=ip)
    # 12 paper ballots typed in by the agent.
    for number in range(48, 60):
        moment = first_day + timedelta(days=8 + (number - 48) // 4, hours=2 + number % 4)
        with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=moment):
            services.paper_ballot_enter(
                edition=edition,
                by=agent,
                choices=choose(),
                collection_point=rng.choice(PLACES),
                collected_on=(moment - timedelta(days=1)).date(),
                sworn=True,
                **_identity(rng, number),
            )
    # A multiple vote: voter 3 votes again under another address, spelling her name otherwise.
    twin = _voter(90)
    first = Ballot.objects.filter(edition=edition, user=_voter(3)).get()
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=first_day + timedelta(days=12, hours=4)):
        services.declaration_save(
            edition=edition,
            user=twin,
            sworn=True,
            last_name=first.last_name.upper(),
            first_name=first.first_name.lower(),
            other_first_names="Marie",
            birth_date=first.birth_date,
            commune=first.commune,
            postal_code=first.postal_code,
        )
        services.ballot_cast(edition=edition, user=twin, choices=choose(), ip="192.0.2.77")

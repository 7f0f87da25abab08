"""Demo dossiers: drafts, submitted and withdrawn dossiers of the residents who attended a
comptoir, each started after its holder's comptoir and filed before the deposit closes, through
the services at their dates (idempotent: a second run changes nothing)."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.dossiers import services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.rules import Line
from budgetcitoyen.editions.models import Edition

PROJECTS: list[dict[str, Any]] = [
    {
        "title": "La recyclerie des champs",
        "summary": "Réparer, revaloriser et revendre à petit prix les objets du quotidien, dans une ancienne grange, avec des bénévoles et deux salariés en insertion.",
        "description": "Une recyclerie ouverte trois jours par semaine : collecte des objets dont les habitants n'ont plus l'usage, ateliers de réparation ouverts à tous, boutique solidaire. Le projet s'appuie sur une association déjà active dans le village.",
        "objectives": "Réduire les déchets du territoire, créer deux emplois en insertion, offrir un lieu de rencontre.",
        "social_utility": "Accès à des biens à petit prix pour les ménages modestes ; gouvernance associative ouverte aux bénévoles ; excédents réinvestis dans le projet.",
        "beneficiaries": "Environ 400 habitants par an, dont les usagers de l'épicerie solidaire voisine.",
        "partners": "Communauté de communes (prêt du local), épicerie solidaire, ressourcerie départementale.",
        "structure_kind": "association",
        "structure_name": "Les Ateliers des champs",
        "rna": "W623001234",
        "structure_address": "Hameau de Saint-Jean, 62129 Saint-Augustin",
        "total_cost": Decimal("24000.00"),
        "amount_requested": Decimal("12000.00"),
        "lines": [
            Line("Fonds propres de l'association", Decimal("4000.00"), True),
            Line("Communauté de communes", Decimal("6000.00"), True),
            Line("Mécénat d'une entreprise locale", Decimal("2000.00"), False),
        ],
        "category": 1,
        "duration_months": 18,
    },
    {
        "title": "Un café des aidants itinérant",
        "summary": "Un temps d'écoute et d'échange chaque mois, dans un village différent, pour les proches qui accompagnent une personne âgée ou handicapée.",
        "description": "Une camionnette aménagée s'installe une demi-journée par mois dans chaque commune partenaire. Une psychologue et des bénévoles formés accueillent les aidants ; des professionnels du répit sont invités.",
        "objectives": "Rompre l'isolement des aidants, les informer de leurs droits, prévenir l'épuisement.",
        "social_utility": "Réponse à un besoin peu couvert en zone rurale ; projet co-construit avec des aidants.",
        "beneficiaries": "Une centaine d'aidants familiaux, sur douze communes.",
        "partners": "Centre intercommunal d'action sociale, plateforme de répit, mutuelle partenaire.",
        "structure_kind": "association",
        "structure_name": "Aidants en chemin",
        "rna": "W623004567",
        "structure_address": "2 place de la Mairie, 62470 Héricourt",
        "total_cost": Decimal("15500.00"),
        "amount_requested": Decimal("9500.00"),
        "lines": [Line("Centre intercommunal d'action sociale", Decimal("6000.00"), True)],
        "category": 1,
        "duration_months": 12,
    },
    {
        "title": "Le jardin nourricier de la Bulle",
        "summary": "Transformer une friche communale en jardin partagé dont une partie des récoltes approvisionne l'épicerie solidaire.",
        "description": "Aménagement de parcelles collectives et de bacs accessibles aux personnes à mobilité réduite, récupération d'eau de pluie, ateliers de jardinage avec l'école.",
        "objectives": "Produire des légumes pour l'aide alimentaire, transmettre des savoir-faire, créer du lien entre générations.",
        "social_utility": "Accès à une alimentation de qualité ; gestion collective du jardin par ses membres.",
        "beneficiaries": "Quarante familles jardinières, les bénéficiaires de l'épicerie solidaire, deux classes.",
        "partners": "Commune de Vélu (mise à disposition du terrain), école primaire, épicerie solidaire.",
        "structure_kind": "collective",
        "structure_name": "Collectif du jardin de la Bulle",
        "structure_address": "Rue de Beaumetz, 62124 Vélu",
        "total_cost": Decimal("8600.00"),
        "amount_requested": Decimal("7100.00"),
        "lines": [Line("Apport des habitants (matériaux)", Decimal("1500.00"), True)],
        "category": 2,
        "duration_months": 24,
    },
    {
        "title": "Vélos solidaires du bassin minier",
        "summary": "Un atelier coopératif où l'on apprend à réparer son vélo, et où les vélos abandonnés reprennent la route pour les personnes sans moyen de transport.",
        "description": "Atelier ouvert deux soirs par semaine et le samedi, collecte de vélos auprès des bailleurs sociaux, prêt de vélos remis en état aux demandeurs d'emploi.",
        "objectives": "Faciliter la mobilité vers l'emploi, réduire les déchets, former des bénévoles mécaniciens.",
        "social_utility": "Mobilité des personnes sans véhicule ; coopérative d'intérêt collectif associant usagers, salariés et collectivités.",
        "beneficiaries": "150 personnes accompagnées vers l'emploi par an, 300 adhérents à l'atelier.",
        "partners": "Bailleur social, mission locale, agglomération.",
        "structure_kind": "cooperative",
        "structure_name": "SCIC Roue libre",
        "siret": "73282932000074",
        "structure_address": "Salle communale, 62950 Noyelles-Godault",
        "total_cost": Decimal("31000.00"),
        "amount_requested": Decimal("15000.00"),
        "lines": [
            Line("Agglomération", Decimal("10000.00"), True),
            Line("Recettes de l'atelier", Decimal("6000.00"), False),
        ],
        "category": 2,
        "duration_months": 12,
    },
    {
        "title": "Une conciergerie rurale",
        "summary": "Des services de proximité (dépôt de pain, colis, petites réparations, aide aux démarches en ligne) dans un village sans commerce.",
        "description": "Un local ouvert cinq demi-journées par semaine, tenu par une salariée et des bénévoles, avec une permanence numérique.",
        "objectives": "Maintenir des services dans le village, lutter contre l'isolement des personnes âgées.",
        "social_utility": "Service de proximité à prix coûtant ; gouvernance ouverte aux habitants.",
        "beneficiaries": "Les 600 habitants du village et des hameaux voisins.",
        "partners": "Commune, boulangerie du bourg voisin, France services.",
        "structure_kind": "association",
        "structure_name": "Village à votre service",
        "rna": "W623007890",
        "structure_address": "44 rue Principale, 62470 Héricourt",
        "total_cost": Decimal("12000.00"),
        "amount_requested": Decimal("9000.00"),
        "lines": [Line("Commune", Decimal("3000.00"), True)],
        "category": 3,
        "duration_months": 12,
    },
]


def _photo() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (224, 236, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 220, 600, 360), fill=(11, 85, 99))
    draw.ellipse((420, 40, 560, 180), fill=(240, 190, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("photo-projet.png", buffer.getvalue())


def demo_pdf(text: str) -> bytes:
    """A small, valid one-page PDF (what a scanned statute would be in real life)."""
    content = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def fill_dossier(dossier: Dossier, project: dict[str, Any], edition: Edition, index: int) -> None:
    """Fill the five steps of a draft from a project's description, add a photo and the statutes,
    as its holder would; the demo's dossiers and its vote's extra projects share it."""
    person = dossier.holder
    registration = dossier.registration
    category = edition.categories.order_by("priority")[project["category"] - 1]
    steps: dict[str, dict[str, Any]] = {
        "presentation": {
            "title": project["title"],
            "summary": project["summary"],
            "description": project["description"],
        },
        "projet": {
            "objectives": project["objectives"],
            "social_utility": project["social_utility"],
            "beneficiaries": project["beneficiaries"],
            "territory": registration.comptoir.territory,
            "communes": [registration.comptoir.commune],
            "start_date": (edition.vote_end + timedelta(days=30 * (index + 1))).date(),
            "duration_months": project["duration_months"],
            "partners": project["partners"],
        },
        "porteur": {
            "structure_kind": project["structure_kind"],
            "structure_name": project["structure_name"],
            "siret": project.get("siret", ""),
            "rna": project.get("rna", ""),
            "structure_address": project["structure_address"],
            "contact_name": person.get_full_name(),
            "contact_role": "Bénévole référent",
            "contact_email": person.email,
        },
        "budget": {
            "total_cost": project["total_cost"],
            "amount_requested": project["amount_requested"],
            "financing_lines": project["lines"],
        },
        "categorie": {"wished_category": category},
    }
    for step, values in steps.items():
        services.dossier_save_step(dossier=dossier, by=person, step=step, values=values)
    services.photo_set(dossier=dossier, by=person, upload=_photo())
    services.attachment_add(
        dossier=dossier,
        by=person,
        upload=SimpleUploadedFile(
            "statuts.pdf",
            demo_pdf(f"Statuts - {project['structure_name']}".encode("ascii", "replace").decode()),
        ),
    )


# The vote's other projects: title, summary, structure, category, amount asked, total cost.
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

# For the full-size demo: kinds of project and places, combined into distinct titles.
ACTIVITIES: list[tuple[str, str, int]] = [
    ("Une épicerie solidaire", "Des produits frais à petit prix, tenue par des bénévoles et ses usagers.", 1),
    ("Un atelier couture partagé", "Réparer, retoucher et créer ses vêtements ensemble, machines en libre accès.", 3),
    ("Une navette solidaire", "Des chauffeurs bénévoles pour emmener aux rendez-vous ceux qui n'ont pas de voiture.", 1),
    ("Un jardin d'insertion", "Des maraîchers en parcours d'insertion cultivent des légumes vendus en circuit court.", 2),
    ("Une ludothèque itinérante", "Des jeux prêtés et des après-midi de jeu dans les villages, pour toutes les générations.", 3),
    ("Un habitat partagé pour aînés", "Une maison où des personnes âgées vivent ensemble, accompagnées, près du bourg.", 1),
    ("Une coopérative d'artisans", "Un atelier et une boutique communs pour des artisans qui s'installent.", 2),
    ("Une cuisine centrale solidaire", "Des repas préparés avec les producteurs locaux pour les cantines et l'aide alimentaire.", 2),
    ("Un fablab associatif", "Des machines et des bénévoles pour fabriquer, réparer et apprendre.", 3),
    ("Une recyclerie du bâtiment", "Des matériaux de construction récupérés et revendus à petit prix.", 2),
    ("Un café associatif", "Un lieu de rencontre ouvert à tous, avec des ateliers et une programmation locale.", 1),
    ("Une monnaie locale", "Une monnaie complémentaire acceptée par les commerçants et producteurs du territoire.", 3),
    ("Un chantier d'insertion nature", "Entretenir les chemins et les mares avec des personnes éloignées de l'emploi.", 1),
    ("Une crèche parentale", "Des parents et des professionnels gèrent ensemble l'accueil des tout-petits.", 2),
]  # fmt: skip
PLACES = [
    "du bassin minier",
    "de l'Audomarois",
    "des Sept Vallées",
    "du Calaisis",
    "de l'Artois",
]


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


def demo_projects(count: int) -> list[dict[str, Any]]:
    """The ``count`` projects the demo files: the five written out, the six of the vote, then
    projects made of a kind and a place, with amounts up to their category's maximum."""
    projects = [*PROJECTS, *(_project(entry) for entry in MORE_PROJECTS)]
    rng = random.Random(70)
    index = 0
    while len(projects) < count:
        title, summary, category = ACTIVITIES[index % len(ACTIVITIES)]
        place = PLACES[index // len(ACTIVITIES) % len(PLACES)]
        cap = 15000 if category < 3 else 10000
        requested = rng.randrange(8, cap // 500 + 1) * 500
        total = requested + rng.randrange(2, 30) * 500
        projects.append(
            _project(
                (
                    f"{title} {place}",
                    summary,
                    f"Association {title.split(' ', 1)[1].capitalize()} {place}",
                    category,
                    str(requested),
                    str(total),
                )
            )
        )
        index += 1
    return projects[:count]


WITHDRAWN_INDEX = 4  # "Une conciergerie rurale": its holder withdraws it the next day
WITHDRAWAL = "Le local prévu n'est finalement plus disponible cette année."


def _holders(edition: Edition) -> list[Registration]:
    """The people who may file: present at a comptoir; the demo porteur first."""
    present = list(
        Registration.objects.filter(edition=edition, attendance=Registration.Attendance.PRESENT)
        .select_related("person", "comptoir__commune", "comptoir__territory")
        .order_by("comptoir__starts_at", "ticket")
    )
    porteur = [r for r in present if r.person.email == "porteur@demo.budgetcitoyen.fr"]
    return porteur + [r for r in present if r not in porteur]


def _filing_dates(
    edition: Edition, registration: Registration, rng: random.Random
) -> tuple[datetime, datetime]:
    """When a holder starts the dossier (the days after the comptoir) and files it."""
    start = max(
        edition.deposit_start + timedelta(hours=10),
        registration.comptoir.ends_at + timedelta(hours=rng.randrange(18, 72)),
    )
    last = edition.deposit_end - timedelta(hours=3)
    filed = start + (last - start) * rng.uniform(0.2, 0.95)
    return start.replace(second=0, microsecond=0), filed.replace(second=0, microsecond=0)


def ensure_demo_dossiers(edition: Edition, replay: Replay) -> None:
    """Complete projects filed by residents who attended (one withdrawn), and two drafts: one
    the demo porteur is still preparing (he also files one), one another holder left unfiled.

    Every dossier is written as its holder would, at the holder's dates; those still being
    written at the demo's date are drafts, those not yet started do not exist.
    """
    if Dossier.objects.filter(edition=edition).exists():
        return
    holders = _holders(edition)
    if not holders:
        return
    rng = random.Random(2025)
    count = min(replay.size.dossiers, len(holders))
    events: list[tuple[datetime, int, str]] = []
    for index in range(count):
        start, filed = _filing_dates(edition, holders[index], rng)
        if (
            index == 0
        ):  # the demo porteur takes his time: his dossier is a draft until late February
            filed = edition.deposit_end - timedelta(days=8, hours=4)
        events.append((start, index, "start"))
        events.append((filed, index, "file"))
        if index == WITHDRAWN_INDEX:
            events.append((filed + timedelta(hours=20), index, "withdraw"))
    porteur = holders[0]
    second = porteur.comptoir.ends_at + timedelta(days=26, hours=2)  # his second idea
    events.append((second, -1, "porteur_draft"))
    other = holders[1]
    events.append(
        (max(edition.deposit_start, other.comptoir.ends_at) + timedelta(days=3), -2, "other_draft")
    )
    events.sort(key=lambda event: (event[0], event[1]))

    projects = demo_projects(count)
    started: dict[int, Dossier] = {}
    for moment, index, action in events:
        if not replay.reached(moment):
            break
        with replay.at(moment):
            if action == "start":
                registration = holders[index]
                dossier = services.dossier_start(registration=registration, by=registration.person)
                fill_dossier(dossier, projects[index], edition, index)
                started[index] = dossier
            elif action == "file":
                dossier = started[index]
                started[index] = services.dossier_submit(
                    dossier=dossier, by=dossier.holder, sworn=True
                )
            elif action == "withdraw":
                dossier = started[index]
                services.dossier_withdraw(dossier=dossier, by=dossier.holder, reason=WITHDRAWAL)
            elif action == "porteur_draft":
                draft = services.dossier_start(registration=porteur, by=porteur.person)
                services.dossier_save_step(
                    dossier=draft,
                    by=porteur.person,
                    step="presentation",
                    values={
                        "title": "Une épicerie ambulante",
                        "summary": "Un camion-épicerie pour les hameaux.",
                    },
                )
            else:
                services.dossier_start(registration=other, by=other.person)

"""A small edition with personal and unpublished data around it, for the API's tests.

2025 (envelopes): Innovation sociale 20,000 € (Projet Alpha 12,000 €, Arrageois; Projet Bravo
9,000 €, Artois), Coopération 10,000 € (Projet Charlie 6,000 €, Artois; Projet Delta 5,000 €,
Audomarois). 13 voters: 6 in Arras (Arrageois) choose Alpha + Charlie, 4 in Ames (Artois)
Bravo + Delta, 3 in Saint-Pol-sur-Ternoise (Montreuillois-Ternois) Delta: the last two
territories have fewer than 5 voters, so their cells are masked. Laureates: Alpha, Bravo, Delta.
Around them: a dossier not labelled (with a refused decision and its public title), a draft,
people registered to comptoirs with their ideas, and an unpublished edition 2026 with a
comptoir and a labelled project.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from budgetcitoyen.core import ratelimit
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.results import services
from budgetcitoyen.territories.models import Territory
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    declared_voters_cast,
    labelled_project,
    paris,
)

DURING_VOTE = paris(2025, 9, 15, 12)
AFTER_VOTE = paris(2025, 10, 2, 9)
AFTER_RESULTS = paris(2025, 11, 21, 9)

TITLES = ("Projet Alpha", "Projet Bravo", "Projet Charlie", "Projet Delta")
SECRET_TITLES = (
    "Dossier refusé confidentiel",  # the dossier not labelled
    "Titre public du refus",  # its decision's public title, never published
    "Brouillon jamais déposé",  # the draft
    "Idée de la personne inscrite",  # an idea given at a comptoir
    "Projet inédit 2026",  # labelled, in an unpublished edition
    "Comptoir secret 2026",  # a comptoir of the unpublished edition
)
VOTERS = [
    (6, ("Projet Alpha", "Projet Charlie"), date(2012, 1, 1), "62041"),
    (4, ("Projet Bravo", "Projet Delta"), date(1990, 1, 1), "62028"),
    (3, ("Projet Delta",), date(1950, 1, 1), "62767"),
]


@pytest.fixture(autouse=True)
def generous_rate(settings):  # type: ignore[no-untyped-def]
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        **settings.BUDGETCITOYEN_RATE_LIMITS,
        "api:ip": "100000/60",
    }
    yield
    ratelimit.reset()


def territory(name: str) -> Territory:
    return Territory.objects.get(name=name)


@pytest.fixture
def edition(db):  # type: ignore[no-untyped-def]
    edition = EditionFactory(year=2025, allocation_rule="envelopes")
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1, envelope=Decimal(20000))
    CategoryFactory(edition=edition, name="Coopération", priority=2, envelope=Decimal(10000))
    return edition


@pytest.fixture
def projects(edition):  # type: ignore[no-untyped-def]
    first, second = edition.categories.order_by("priority")
    comptoir = ComptoirFactory(edition=edition)
    spec = [
        (first, 12000, "Arrageois"),
        (first, 9000, "Artois"),
        (second, 6000, "Artois"),
        (second, 5000, "Audomarois"),
    ]
    made = {
        title: labelled_project(
            edition,
            category=category,
            amount=Decimal(amount),
            title=title,
            territory=territory(place),
            comptoir=comptoir,
        )
        for title, (category, amount, place) in zip(TITLES, spec, strict=True)
    }
    refused = complete_dossier(
        attendee(edition, comptoir=comptoir, idea_title=SECRET_TITLES[3]), title=SECRET_TITLES[0]
    )
    Dossier.objects.filter(pk=refused.pk).update(
        status=Dossier.Status.NOT_LABELLED,
        submitted_at=edition.deposit_end - timedelta(days=1),
        number=99,
        reference="BC-2025-0099",
        snapshot="{}",
        snapshot_sha256="0" * 64,
    )
    Decision.objects.create(
        dossier=refused,
        edition=edition,
        outcome="not_labelled",
        public_title=SECRET_TITLES[1],
        reason="Le projet ne relève pas de l'ESS.",
        decided_at=edition.labelling_end - timedelta(days=1),
    )
    complete_dossier(attendee(edition, comptoir=comptoir), title=SECRET_TITLES[2])
    hidden = EditionFactory(year=2026, is_published=False)
    CategoryFactory(edition=hidden, priority=1)
    labelled_project(
        hidden,
        title=SECRET_TITLES[4],
        comptoir=ComptoirFactory(edition=hidden, host_name=SECRET_TITLES[5]),
    )
    return made


@pytest.fixture
def ballots(edition, projects):  # type: ignore[no-untyped-def]
    declared_voters_cast(edition, VOTERS, projects, DURING_VOTE)


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return make_persona("staff")


@pytest.fixture
def published(ballots, staff, edition):  # type: ignore[no-untyped-def]
    with time_machine.travel(AFTER_VOTE, tick=False):
        snapshot = services.tally_run(edition=edition, by=staff)
    with time_machine.travel(AFTER_RESULTS, tick=False):
        return services.publish(snapshot=snapshot, by=staff)

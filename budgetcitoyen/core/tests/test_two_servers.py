"""Two app servers behind one database and one Redis: the races still hold across them.

Each request is sent over HTTP to one of two gunicorn instances (``testing/servers.py``), half
to each, all at the same instant: what a load balancer in front of N stateless app servers
does. The locks and constraints that make the in-process race tests pass live in PostgreSQL,
so they must hold here too; sessions and rate limits live in the database and in Redis, so a
person signed in on one server is signed in on the other, and a limit counts on both.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django.db import connection
from django.utils import timezone

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import registration_create
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.territories.models import Commune, Territory
from budgetcitoyen.territories.services import REFERENCE_CSV, load_reference
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    idea,
    labelled_project,
    verified_person,
)
from budgetcitoyen.testing.servers import AppServer, at_once, browser_like, two_servers
from budgetcitoyen.voting import services as voting
from budgetcitoyen.voting.models import Ballot, IdentityReview

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]
__all__ = ["two_servers"]  # the fixture, imported for this module
DAY = timedelta(days=1)
# The two communes these tests name (Arras, Saint-Pol-sur-Ternoise): a transactional test
# starts from an empty database, and loading all 887 communes each time would take longer
# than the test itself.
COMMUNES = ("62041,", "62767,")


@pytest.fixture(scope="module")
def communes_file(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    lines = REFERENCE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("communes") / "communes.csv"
    path.write_text(
        "".join([lines[0], *(line for line in lines if line.startswith(COMMUNES))]),
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def communes(communes_file):  # type: ignore[no-untyped-def]
    load_reference(path=communes_file)


def edition_in(phase: str):  # type: ignore[no-untyped-def]
    """An edition whose calendar puts the real now (the servers' clock) in ``phase``."""
    now = timezone.now()
    if phase == "deposit":  # comptoirs and deposit both open
        offsets = (-10, 10, -5, 5, 20, 30, 30, 60, 70)
    else:  # the vote
        offsets = (-120, -100, -110, -90, -80, -10, -5, 20, 30)
    fields = (
        "comptoirs_start",
        "comptoirs_end",
        "deposit_start",
        "deposit_end",
        "labelling_start",
        "labelling_end",
        "vote_start",
        "vote_end",
        "results_at",
    )
    edition = EditionFactory(
        year=now.year, **{f: now + days * DAY for f, days in zip(fields, offsets, strict=True)}
    )
    CategoryFactory(edition=edition, priority=1, envelope=Decimal("50000"))
    return edition


def spread(servers: list[AppServer], count: int) -> list[str]:
    """Which server each of ``count`` requests goes to: one after the other, as round robin."""
    return [servers[i % len(servers)].url for i in range(count)]


def test_the_last_places_of_a_comptoir_are_never_overbooked(two_servers):
    edition = edition_in("deposit")
    comptoir = ComptoirFactory(edition=edition, capacity=12, starts_at=timezone.now() + 3 * DAY)
    for _ in range(10):
        registration_create(comptoir=comptoir, person=verified_person(), **idea())
    people = [verified_person() for _ in range(16)]
    form = {
        **idea(),
        "idea_territory": Territory.objects.get(name="Arrageois").pk,
        "accessibility_needs": "",
    }
    sessions = [browser_like(person) for person in people]
    calls = [
        (
            lambda http=http, url=url: http.post(
                f"{url}/comptoirs/{comptoir.pk}/inscription/", form, allow_redirects=False
            )
        )
        for http, url in zip(sessions, spread(two_servers, len(people)), strict=True)
    ]
    responses = at_once(calls)
    assert [r.status_code for r in responses] == [302] * 16, responses[0].text[:500]
    registrations = Registration.objects.filter(comptoir=comptoir)
    assert registrations.filter(status=Registration.Status.CONFIRMED).count() == 12
    assert registrations.filter(status=Registration.Status.WAITLISTED).count() == 14
    assert sorted(registrations.values_list("ticket", flat=True)) == list(range(1, 27))


def test_dossiers_submitted_at_once_take_distinct_consecutive_references(two_servers):
    edition = edition_in("deposit")
    dossiers = [complete_dossier(attendee(edition)) for _ in range(12)]
    sessions = [browser_like(d.holder) for d in dossiers]
    calls = [
        (
            lambda http=http, url=url, d=d: http.post(
                f"{url}/mes-dossiers/{d.pk}/recapitulatif/", {"sworn": "on"}, allow_redirects=False
            )
        )
        for d, http, url in zip(dossiers, sessions, spread(two_servers, 12), strict=True)
    ]
    responses = at_once(calls)
    assert [r.status_code for r in responses] == [302] * 12, responses[0].text[:500]
    references = sorted(Dossier.objects.filter(edition=edition).values_list("reference", flat=True))
    assert references == [f"BC-{edition.year}-{n:04d}" for n in range(1, 13)]


@pytest.fixture
def vote():  # type: ignore[no-untyped-def]
    edition = edition_in("vote")
    comptoir = ComptoirFactory(edition=edition)
    projects = [labelled_project(edition, comptoir=comptoir) for _ in range(3)]
    return edition, [p.pk for p in projects]


def declared(edition, email: str, **overrides):  # type: ignore[no-untyped-def]
    person = verified_person(email=email)
    identity = {
        "last_name": "Dupont",
        "first_name": "Camille",
        "other_first_names": "",
        "birth_date": date(1990, 7, 14),
        "commune": Commune.objects.get(insee_code="62041"),
        "postal_code": "62000",
        **overrides,
    }
    voting.declaration_save(edition=edition, user=person, sworn=True, **identity)
    return person


def cast_on(url: str, http: requests.Session, choices: list[int]) -> requests.Response:
    return http.post(
        f"{url}/voter/bulletin/confirmer/", {"projets": choices}, allow_redirects=False
    )


def test_one_voter_casting_on_both_servers_at_once_gets_one_ballot(two_servers, vote):
    edition, choices = vote
    person = declared(edition, "votante@exemple.fr")
    http = browser_like(person)
    responses = at_once([lambda url=s.url: cast_on(url, http, choices) for s in two_servers])
    # One answers with the receipt and its code, the other refuses and shows the receipt
    # without the code.
    assert sorted(r.status_code for r in responses) == [200, 409]
    accepted = next(r for r in responses if r.status_code == 200)
    refused = next(r for r in responses if r.status_code == 409)
    assert 'id="code-recu"' in accepted.text and 'id="code-recu"' not in refused.text
    assert "Vous avez déjà voté à cette édition" in refused.text
    assert Ballot.objects.filter(user=person).count() == 1
    assert Ballot.objects.get().choices.count() == 3


def test_one_identity_from_two_accounts_on_two_servers_goes_under_review(two_servers, vote):
    edition, choices = vote
    people = [declared(edition, f"double{i}@exemple.fr") for i in range(2)]
    sessions = [browser_like(p) for p in people]
    responses = at_once(
        [
            (lambda url=s.url, http=http: cast_on(url, http, choices))
            for s, http in zip(two_servers, sessions, strict=True)
        ]
    )
    assert [r.status_code for r in responses] == [200, 200]  # each answered with its receipt
    assert set(Ballot.objects.values_list("status", flat=True)) == {"under_review"}
    assert IdentityReview.objects.get().ballots.count() == 2


def test_signed_in_on_one_server_is_signed_in_on_the_other(two_servers):
    first, second = two_servers
    person = verified_person(email="habitante@exemple.fr")
    http = browser_like()
    signed_in = http.post(
        f"{first.url}/compte/login/",
        {"login": person.email, "password": "mot-de-passe-solide"},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    page = http.get(f"{second.url}/compte/profil/", allow_redirects=False)
    assert page.status_code == 200
    assert person.email in page.text
    assert http.post(f"{second.url}/compte/logout/", allow_redirects=False).status_code == 302
    assert http.get(f"{first.url}/compte/profil/", allow_redirects=False).status_code == 302


def test_a_rate_limit_counts_the_attempts_made_on_both_servers(two_servers, vote):
    # Three codes per address per 15 minutes (settings.BUDGETCITOYEN_RATE_LIMITS).
    urls = spread(two_servers, 4)
    statuses = [
        browser_like()
        .post(f"{url}/voter/connexion/", {"email": "presse@exemple.fr"}, allow_redirects=False)
        .status_code
        for url in urls
    ]
    assert statuses == [302, 302, 302, 429]

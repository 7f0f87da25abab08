"""What a ballot costs: the kept ballot (``voting.catalogue``), its invalidation, the queries
of each step pinned, and the receipt shown in the confirmation's own answer.

No timing here (the figures are in bench/bench_vote_http.py); only what does not depend on
the machine: the number of queries, which must not grow with the number of projects.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.testing.factories import labelled_project
from budgetcitoyen.voting import catalogue
from budgetcitoyen.voting.models import Ballot

pytestmark = pytest.mark.django_db


def _more_projects(edition, count):  # type: ignore[no-untyped-def]
    category = edition.categories.order_by("priority").first()
    for n in range(count):
        labelled_project(edition, category=category, amount=Decimal("1000"), title=f"Extra {n}")


def _steps(client, chosen):  # type: ignore[no-untyped-def]
    """Queries of: ballot page, summary, cast (which answers with the receipt)."""
    counts = []
    for method, url, data in (
        ("get", "/voter/bulletin/", None),
        ("post", "/voter/bulletin/", {"projets": chosen}),
        ("post", "/voter/bulletin/confirmer/", {"projets": chosen}),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), (url, response.status_code)
        counts.append(len(queries))
    return counts


def test_a_ballot_costs_the_same_queries_with_5_or_45_projects(
    client, edition, projects, declared, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType

    from budgetcitoyen.testing.factories import verified_person
    from budgetcitoyen.voting import services

    from .conftest import identity

    ContentType.objects.get_for_model(Ballot)  # cached by Django once per process
    client.force_login(declared)
    chosen = [str(p.pk) for p in projects[:3]]
    with django_capture_on_commit_callbacks(execute=True):
        few = _steps(client, chosen)
    _more_projects(edition, 40)
    edition.refresh_from_db()
    other = verified_person(email="autre@exemple.fr")
    services.declaration_save(
        edition=edition, user=other, sworn=True, **identity(last_name="Durand")
    )
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        many = _steps(client, chosen)
    # The first ballot loaded the projects; the version moved, so the second one loads them
    # again: equal counts show that loading is one query whatever their number.
    assert many == few
    # Pinned: ballot page, summary, cast (the rate limits in one statement; it answers with
    # the receipt, so no fourth request). A change
    # here is a change in the cost of every ballot: look at bench/bench_vote_http.py.
    # PostgreSQL takes one more at the cast: the advisory lock on the identity key. The cast
    # counts the receipt email's queued copy (core.mail.send_after_commit); deleting it once
    # sent, after the commit, is one more statement, run outside these counts. The ballot page
    # reads the current edition (two queries); the next pages find it kept (editions.current).
    # The cast checks its line id is free in the edition (one indexed look-up, see
    # voting.ballotlines on collisions).
    assert few == [7, 4, 16 if connection.vendor == "postgresql" else 15]


def test_the_ballot_is_loaded_once_per_process_while_nothing_changes(
    client, edition, projects, declared
):
    client.force_login(declared)
    client.get("/voter/bulletin/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/voter/bulletin/")
    assert not [q for q in queries.captured_queries if "labelling_decision" in q["sql"]]


@pytest.mark.parametrize("change", ["decision", "category", "territory"])
def test_a_change_shows_on_the_next_ballot_page(client, edition, projects, declared, change):
    client.force_login(declared)
    assert "Recyclerie" in client.get("/voter/bulletin/").content.decode()
    if change == "decision":
        decision = Decision.objects.get(pk=projects[0].pk)
        decision.public_title = "Ressourcerie du quartier"
        decision.save()
        expected = "Ressourcerie du quartier"
    elif change == "category":
        category = Category.objects.get(edition=edition, priority=1)
        category.name = "Économie circulaire"
        category.save()
        expected = "Économie circulaire"
    else:
        territory = projects[0].dossier.territory
        territory.name = "Côte d'Opale (nouveau nom)"
        territory.save()
        expected = "Côte d&#x27;Opale (nouveau nom)"
    assert expected in client.get("/voter/bulletin/").content.decode()


def test_another_process_sees_the_raised_version(edition, projects):
    """What a process keeps is keyed by the version it reads with the edition: a change made
    elsewhere (raising the version in the database) is seen on the next read."""
    edition.refresh_from_db()
    kept = catalogue.ballot_of(edition)
    assert catalogue.ballot_of(Edition.objects.get(pk=edition.pk)) is kept
    Decision.objects.filter(pk=projects[0].pk).update(public_title="Changé ailleurs")
    Edition.objects.filter(pk=edition.pk).update(catalogue_version=edition.catalogue_version + 1)
    fresh = catalogue.ballot_of(Edition.objects.get(pk=edition.pk))
    assert fresh is not kept
    assert fresh.by_pk[projects[0].pk].public_title == "Changé ailleurs"


def test_the_list_drawn_once_is_drawn_again_for_each_language(client, edition, projects, declared):
    client.force_login(declared)
    french = client.get("/voter/bulletin/").content.decode()
    assert french.count('name="projets"') == 5 and "Lire la présentation" in french
    assert client.get("/voter/bulletin/").content.decode().count('name="projets"') == 5
    english = client.get("/voter/bulletin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Read the summary" in english and "Lire la présentation" not in english


def test_the_receipt_code_is_shown_once_in_the_confirmation_s_answer(
    client, edition, projects, declared
):
    client.force_login(declared)
    chosen = [str(p.pk) for p in projects[:3]]
    response = client.post("/voter/bulletin/confirmer/", {"projets": chosen})
    # The receipt itself, without a redirect: one request fewer per ballot, and the code never
    # leaves the answer (no cookie, no session, not kept by the browser's cache).
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert 'id="code-recu"' in page
    assert Ballot.objects.get(user=declared).receipt_hash not in page
    assert not [name for name in response.cookies if name not in ("csrftoken", "sessionid")]
    # Opened again, the receipt page says the code was emailed.
    assert 'id="code-recu"' not in client.get("/voter/recu/").content.decode()


def test_the_confirmation_sent_again_shows_the_receipt_and_records_nothing(
    client, edition, projects, declared
):
    client.force_login(declared)
    chosen = [str(p.pk) for p in projects[:3]]
    client.post("/voter/bulletin/confirmer/", {"projets": chosen})
    again = client.post("/voter/bulletin/confirmer/", {"projets": chosen[:1]})
    assert again.status_code == 409  # refused, and the receipt shown again without its code
    page = again.content.decode()
    assert 'id="code-recu"' not in page and "Vous avez déjà voté" in page
    assert "Merci, votre vote est enregistré" in page
    ballot = Ballot.objects.get(user=declared)
    assert sorted(str(pk) for pk in ballot.choices.values_list("project_id", flat=True)) == sorted(
        chosen
    )

"""The public pages served from the page cache (``core.pagecache``): never a stale page after a
change, no session and no cookie for anonymous readers, constant query counts, 304."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.core import pagecache
from budgetcitoyen.editions import services as edition_services
from budgetcitoyen.results import services
from budgetcitoyen.results.tests.conftest import AFTER_VOTE
from budgetcitoyen.testing.factories import labelled_project, paris
from budgetcitoyen.voting.tests.conftest import DURING_VOTE

PUBLIC = ["/", "/projets/", "/resultats/", "/resultats/2025/"]


def get(client: Client, url: str, **headers: str):  # type: ignore[no-untyped-def]
    """The response and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
    return response, len(context.captured_queries)


def body(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def pages(projects) -> list[str]:  # type: ignore[no-untyped-def]
    return [*PUBLIC, f"/projets/{projects[0].pk}/"]


@pytest.fixture
def during_vote():
    with time_machine.travel(DURING_VOTE, tick=False):
        yield


def test_a_second_reading_is_served_without_a_query(edition, projects, during_vote):
    reader = Client()
    for url in pages(projects):
        first, rendering = get(reader, url)
        assert first.status_code == 200 and rendering > 0, url
        again, queries = get(reader, url)
        assert queries == 0, url  # the version lives in the memory cache of the tests
        assert body(again) == body(first), url
        assert again["ETag"] and again["Last-Modified"], url
        assert again["Cache-Control"] == "no-cache", url
        assert "Cookie" in again["Vary"], url


def test_anonymous_readers_get_no_session_and_no_cookie_but_their_order(
    edition, projects, during_vote
):
    for url in pages(projects):
        for _ in range(2):
            response = Client().get(url)
            assert set(response.cookies) <= ({"catalogue_seed"} if url == "/projets/" else set())
            assert "csrfmiddlewaretoken" not in body(response), url
    assert Session.objects.count() == 0


def test_a_matching_etag_gets_a_304_and_each_visitor_has_their_own(edition, projects, during_vote):
    reader = Client()
    for url in pages(projects):
        etag = reader.get(url)["ETag"]
        response, queries = get(reader, url, if_none_match=etag)
        assert response.status_code == 304 and response.content == b"", url
        assert queries == 0, url
        since = reader.get(url)["Last-Modified"]
        assert reader.get(url, headers={"if-modified-since": since}).status_code == 304
    # The catalogue in random order is each visitor's: another visitor's ETag is not theirs.
    mine = reader.get("/projets/")["ETag"]
    assert Client().get("/projets/", headers={"if-none-match": mine}).status_code == 200


def test_each_visitor_keeps_their_own_order_from_one_rendering(edition, projects, during_vote):
    Client().get("/projets/")
    firsts = set()
    for _ in range(30):
        visitor = Client()
        response, queries = get(visitor, "/projets/")
        assert queries == 0
        order = [p.pk for p in projects if f'id="projet-{p.pk}"' in body(response)]
        assert len(order) == len(projects)
        firsts.add(min(projects, key=lambda p: body(response).index(f'id="projet-{p.pk}"')).pk)
        assert visitor.get("/projets/").content == response.content  # stable for them
    assert len(firsts) >= 3


def test_the_query_string_and_the_language_are_part_of_the_page(edition, projects, during_vote):
    reader = Client()
    by_title = body(reader.get("/projets/?ordre=titre"))
    titles = sorted(p.public_title for p in projects)
    assert by_title.index(titles[0]) < by_title.index(titles[-1])
    assert "1 projet" in body(reader.get("/projets/?q=recyclerie"))
    assert f"{len(projects)} projets" in body(reader.get("/projets/"))
    assert '<html lang="fr">' in body(reader.get("/"))
    assert '<html lang="en">' in body(reader.get("/", headers={"accept-language": "en"}))
    english = Client()
    english.cookies["django_language"] = "en"
    assert '<html lang="en">' in body(english.get("/projets/?ordre=titre"))
    assert '<html lang="fr">' in body(Client().get("/projets/?ordre=titre"))


def test_signed_in_readers_never_share_the_anonymous_page(edition, projects, staff, during_vote):
    anonymous = body(Client().get("/"))
    assert "Se déconnecter" not in anonymous
    signed_in = Client()
    signed_in.force_login(staff)
    mine, queries = get(signed_in, "/")
    assert "Se déconnecter" in body(mine) and queries > 0
    assert "Se déconnecter" not in body(Client().get("/"))


def test_the_clock_crossing_an_edition_s_date_renders_the_pages_again(edition, projects):
    reader = Client()
    opening = edition.vote_start
    with time_machine.travel(opening - timedelta(minutes=1), tick=False):
        before = body(reader.get("/projets/"))
        assert "seront publiés ici" in before
        assert reader.get(f"/projets/{projects[0].pk}/").status_code == 404
        home = body(reader.get("/"))
    with time_machine.travel(opening, tick=False):
        assert projects[0].public_title in body(reader.get("/projets/"))
        assert reader.get(f"/projets/{projects[0].pk}/").status_code == 200
        assert body(reader.get("/")) != home
    with time_machine.travel(edition.vote_end, tick=False):
        assert "Vote ouvert" not in body(reader.get("/projets/"))


def test_a_new_day_renders_the_pages_again(edition, projects):
    reader = Client()
    with time_machine.travel(paris(2025, 9, 15, 23, 59), tick=False):
        reader.get("/")
        assert get(reader, "/")[1] == 0
    with time_machine.travel(paris(2025, 9, 16, 0, 0), tick=False):
        assert get(reader, "/")[1] > 0


def test_editing_the_edition_shows_at_once(
    edition, projects, staff, during_vote, django_capture_on_commit_callbacks
):
    reader = Client()
    assert "mardi 30 septembre 2025" in body(reader.get("/projets/"))
    with django_capture_on_commit_callbacks(execute=True):
        edition_services.edition_update(edition=edition, by=staff, vote_end=paris(2025, 10, 5))
    assert "samedi 4 octobre 2025" in body(reader.get("/projets/"))
    with django_capture_on_commit_callbacks(execute=True):
        edition_services.category_update(
            category=edition.categories.get(priority=1), by=staff, name="Solidarités"
        )
    assert "Solidarités" in body(reader.get("/"))
    assert "Solidarités" in body(reader.get("/projets/"))


def test_publishing_the_result_shows_it_at_once(
    approval_edition, projects, ballots, staff, django_capture_on_commit_callbacks
):
    reader = Client()
    with time_machine.travel(AFTER_VOTE, tick=False):
        assert "Financé" not in body(reader.get("/projets/"))
        not_yet = body(reader.get("/resultats/2025/"))
        snapshot = services.tally_run(edition=approval_edition, by=staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(snapshot=snapshot, by=staff)
        assert "Financé" in body(reader.get("/projets/"))
        assert body(reader.get("/resultats/2025/")) != not_yet
        assert snapshot.ballots_sha256 in body(reader.get("/resultats/"))


def test_a_lost_version_renders_the_pages_again(edition, projects, during_vote):
    from django.core.cache import cache

    reader = Client()
    reader.get("/")
    cache.delete(pagecache.VERSION_KEY)  # evicted, or the cache cleared
    assert get(reader, "/")[1] > 0


def test_query_counts_do_not_grow_with_the_projects(edition, projects, staff):
    first = edition.categories.order_by("priority").first()

    def counts() -> dict[str, tuple[int, int]]:
        found = {}
        reader = Client()
        for url in ["/", "/projets/", f"/projets/{projects[0].pk}/", "/resultats/2025/"]:
            pagecache.clear()
            rendered = get(reader, url)
            kept = get(reader, url)
            assert rendered[0].status_code == kept[0].status_code == 200, url
            found[url] = (rendered[1], kept[1])
        return found

    def publish() -> None:
        with time_machine.travel(AFTER_VOTE, tick=False):
            snapshot = services.tally_run(edition=edition, by=staff)
        type(snapshot).objects.filter(edition=edition).update(published_at=None)
        type(snapshot).objects.filter(pk=snapshot.pk).update(published_at=AFTER_VOTE)

    for _ in range(10 - len(projects)):
        labelled_project(edition, category=first, amount=Decimal(1000))
    publish()
    with time_machine.travel(DURING_VOTE, tick=False):
        few = counts()
    for index in range(190):
        labelled_project(edition, category=first, amount=Decimal(1000 + index))
    publish()
    with time_machine.travel(DURING_VOTE, tick=False):
        assert counts() == few
    assert all(kept == 0 for _, kept in few.values())

"""/api/v1/laureats: the laureates' public follow-up as JSON (the world of ``test_public``):
the same rows and filters as /laureats/, public fields only, and a new ETag after a change."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.followup.tests.test_public import MARKERS, NOW, build_world, milestone

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _after_results():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return build_world()


def get(query: str = "") -> dict:  # type: ignore[type-arg]
    response = Client().get(f"/api/v1/laureats{query}")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_it_lists_the_laureates_with_their_progress(world):
    data = get()
    assert data["count"] == 5
    assert [item["title"] for item in data["items"]] == [
        "Café",
        "Recyclerie",
        "Atelier",
        "Jardin",
        "Ferme",
    ]
    recyclerie = data["items"][1]
    assert recyclerie == {
        "id": world["recyclerie"].decision.pk,
        "edition": 2025,
        "title": "Recyclerie",
        "category": "Innovation sociale",
        "territory": "Arrageois",
        "granted": "8000.00",
        "paid": "6600.00",
        "status": "en-cours",
        "status_label": "En cours",
        "progress": 50,
        "abandon_reason": None,
        "last_news_at": "2026-02-01T12:00:00+01:00",
        "url": f"/projets/{world['recyclerie'].decision.pk}/",
    }
    atelier = data["items"][2]
    assert (atelier["status"], atelier["abandon_reason"], atelier["paid"]) == (
        "abandonne",
        "Local perdu",
        "0.00",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?edition=2024", ["Ferme"]),
        ("?territory=artois", ["Jardin"]),
        ("?status=realise", ["Jardin"]),
        (
            "?status=inconnu&territory=nulle-part",
            ["Café", "Recyclerie", "Atelier", "Jardin", "Ferme"],
        ),
        ("?limit=2&offset=1", ["Recyclerie", "Atelier"]),
    ],
)
def test_its_filters(world, query, expected):
    assert [item["title"] for item in get(query)["items"]] == expected


def test_the_category_filter(world):
    found = get(f"?category={world['cooperation'].pk}")
    assert [item["title"] for item in found["items"]] == ["Atelier", "Jardin"]


@pytest.mark.parametrize(
    "query", ["?edition=abc", "?category=-1", "?limit=0", "?status=" + "x" * 30]
)
def test_bad_parameters_are_a_french_400(world, query):
    response = Client().get(f"/api/v1/laureats{query}")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_nothing_private(world):
    body = Client().get("/api/v1/laureats?limit=200").content.decode()
    for marker in MARKERS.values():
        assert marker not in body


def test_a_change_gives_a_new_etag(world, django_capture_on_commit_callbacks):
    client = Client()
    tag = client.get("/api/v1/laureats")["ETag"]
    assert client.get("/api/v1/laureats", HTTP_IF_NONE_MATCH=tag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        milestone(world["cafe"], "started", date(2026, 11, 1), 15)
    assert client.get("/api/v1/laureats", HTTP_IF_NONE_MATCH=tag).status_code == 200

"""Content, pagination, filters and errors of each endpoint."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.api.tests.conftest import AFTER_RESULTS, DURING_VOTE, TITLES
from budgetcitoyen.territories.models import Commune

pytestmark = [pytest.mark.django_db]
BASE = "/api/v1"


def get(path: str):  # type: ignore[no-untyped-def]
    return Client().get(BASE + path)


def test_the_editions_list_only_published_editions(projects):
    with time_machine.travel(DURING_VOTE, tick=False):
        response = get("/editions")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["count"] == 1
    assert [e["year"] for e in data["items"]] == [2025]
    assert data["items"][0]["phase"] == "vote"
    assert data["items"][0]["results_published"] is False


def test_an_edition_gives_its_calendar_categories_and_rules(projects):
    with time_machine.travel(DURING_VOTE, tick=False):
        data = get("/editions/2025").json()
    assert [step["step"] for step in data["calendar"]] == [
        "comptoirs",
        "deposit",
        "labelling",
        "vote",
        "results",
    ]
    vote = data["calendar"][3]
    assert vote["start"] == "2025-09-01T00:00:00+02:00"
    assert vote["end"] == "2025-10-01T00:00:00+02:00"
    assert data["calendar"][4]["end"] is None
    assert [(c["name"], c["envelope"], c["priority"]) for c in data["categories"]] == [
        ("Innovation sociale", "20000.00", 1),
        ("Coopération", "10000.00", 2),
    ]
    assert data["total_envelope"] == "30000.00"
    assert data["vote_rule"]["code"] == "favourites"
    assert data["vote_rule"]["max_choices"] == 3
    assert data["allocation_rule"]["code"] == "envelopes"
    assert data["allocation_rule"]["description"]
    assert "results" not in data["links"]


def test_an_unpublished_or_unknown_edition_is_a_french_404(projects):
    for path in ("/editions/2026", "/editions/1999", "/editions/2026/results"):
        response = get(path)
        assert response.status_code == 404, path
        assert "édition publiée" in response.json()["detail"]


def test_a_parameter_that_is_not_valid_is_a_french_400(projects):
    for path in (
        "/editions/abc",
        "/communes?limit=0",
        "/communes?limit=201",
        "/projects?edition=x",
    ):
        response = get(path)
        assert response.status_code == 400, path
        assert response.json()["detail"].startswith("Paramètre invalide")


def test_an_unknown_address_is_a_french_json_404(db):
    response = get("/nulle-part")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "Aucune ressource" in response.json()["detail"]


def test_the_index_lists_the_endpoints(db):
    data = Client().get("/api/v1/").json()
    assert data["endpoints"]["projects"] == "/api/v1/projects"
    assert data["documentation"] == "/api/v1/docs"


def test_territories_and_communes_with_population(db):
    territories = get("/territories").json()
    assert territories["count"] == 8
    arrageois = next(t for t in territories["items"] if t["slug"] == "arrageois")
    assert arrageois["population"] > 0 and arrageois["commune_count"] > 0
    communes = get("/communes?territory=arrageois&limit=5").json()
    assert communes["count"] == arrageois["commune_count"]
    assert len(communes["items"]) == 5
    arras = get("/communes?limit=200").json()
    assert arras["count"] == Commune.objects.count()


def test_communes_are_paginated_with_links(db):
    first = get("/communes?limit=10").json()
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/communes?limit=10&offset=10"
    second = Client().get(first["next"]).json()
    assert second["offset"] == 10
    assert second["previous"] == "http://testserver/api/v1/communes?limit=10&offset=0"
    assert {c["insee_code"] for c in first["items"]}.isdisjoint(
        {c["insee_code"] for c in second["items"]}
    )
    total = first["count"]
    last = get(f"/communes?limit=10&offset={total - 3}").json()
    assert len(last["items"]) == 3 and last["next"] is None


def test_comptoirs_give_public_fields_only(projects):
    data = get("/comptoirs?edition=2025").json()
    assert data["count"] == 1
    comptoir = data["items"][0]
    assert set(comptoir) == {
        "id",
        "edition",
        "host_name",
        "address",
        "commune",
        "territory",
        "access_information",
        "starts_at",
        "ends_at",
        "capacity",
        "registration_closes_at",
        "is_cancelled",
        "cancellation_reason",
        "url",
    }
    # The unpublished edition's comptoir is not there, with or without a filter.
    assert get("/comptoirs").json()["count"] == 1
    assert get("/comptoirs?edition=2026").json()["count"] == 0
    assert get("/comptoirs?territory=calaisis").json()["count"] == 0


def test_projects_are_public_from_the_opening_of_the_vote(projects):
    with time_machine.travel(DURING_VOTE.replace(day=1), tick=False):
        opened = get("/projects").json()
    with time_machine.travel(DURING_VOTE.replace(month=8), tick=False):
        before = get("/projects").json()
    assert before["count"] == 0
    assert sorted(p["title"] for p in opened["items"]) == list(TITLES)
    assert all(p["result"] is None for p in opened["items"])


def test_projects_filters(published, projects, edition):
    second = edition.categories.get(priority=2)
    with time_machine.travel(AFTER_RESULTS, tick=False):
        by_category = get(f"/projects?category={second.pk}").json()
        by_territory = get("/projects?territory=artois").json()
        funded = get("/projects?edition=2025&funded=true").json()
        not_funded = get("/projects?funded=false").json()
        other = get("/projects?edition=2024").json()
    assert sorted(p["title"] for p in by_category["items"]) == ["Projet Charlie", "Projet Delta"]
    assert sorted(p["title"] for p in by_territory["items"]) == ["Projet Bravo", "Projet Charlie"]
    assert [p["title"] for p in funded["items"]] == ["Projet Delta", "Projet Alpha", "Projet Bravo"]
    assert [p["title"] for p in not_funded["items"]] == ["Projet Charlie"]
    assert other["count"] == 0


def test_after_the_results_projects_carry_their_votes(published, projects):
    with time_machine.travel(AFTER_RESULTS, tick=False):
        items = get("/projects").json()["items"]
        detail = get(f"/projects/{projects['Projet Delta'].pk}").json()
    votes = {p["title"]: (p["result"]["votes"], p["result"]["funded"]) for p in items}
    assert votes == {
        "Projet Alpha": (6, True),
        "Projet Bravo": (4, True),
        "Projet Charlie": (6, False),
        "Projet Delta": (7, True),
    }
    assert detail["description"] == "Description de Projet Delta."
    assert detail["communes"] == [{"insee_code": "62767", "name": "Saint-Pol-sur-Ternoise"}]
    assert detail["result"]["votes"] == 7


def test_a_project_not_public_is_a_404(projects):
    with time_machine.travel(DURING_VOTE.replace(month=8), tick=False):
        response = get(f"/projects/{projects['Projet Alpha'].pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Aucun projet publié sous ce numéro."


def test_results_with_their_structured_trace(published, projects):
    with time_machine.travel(AFTER_VOTE_BEFORE_RESULTS, tick=False):
        assert get("/editions/2025/results").status_code == 404
    with time_machine.travel(AFTER_RESULTS, tick=False):
        data = get("/editions/2025/results").json()
    assert data["rule"] == "envelopes"
    assert len(data["ballots_sha256"]) == 64
    innovation, _cooperation = data["groups"]
    assert innovation["name"] == "Innovation sociale" and innovation["envelope"] == "20000.00"
    assert [(p["name"], p["votes"], p["funded"]) for p in innovation["projects"]] == [
        ("Projet Alpha", 6, True),
        ("Projet Bravo", 4, True),
    ]
    assert data["moves"] == [
        {"source": "Coopération", "target": "Innovation sociale", "amount": "1000.00"}
    ]
    bravo = next(e for e in data["trace"] if e["project_name"] == "Projet Bravo")
    assert bravo["code"] == "funded_from_leftovers"
    assert bravo["params"]["category"] == "Innovation sociale"
    assert "reliquat" in bravo["text"]
    assert data["downloads"]["pb"] == "/resultats/2025/bulletins.pb"


AFTER_VOTE_BEFORE_RESULTS = DURING_VOTE.replace(month=10, day=15)


def test_statistics_are_a_404_before_the_results(ballots):
    with time_machine.travel(AFTER_VOTE_BEFORE_RESULTS, tick=False):
        response = get("/editions/2025/statistics")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Les statistiques de l'édition 2025 seront publiées avec ses résultats."
    )


def test_statistics_mask_a_territory_of_fewer_than_five_voters(published):
    with time_machine.travel(AFTER_RESULTS, tick=False):
        data = get("/editions/2025/statistics").json()
    territories = {row["territory"]: row for row in data["data"]["vote"]["territories"]}
    assert territories["Arrageois"]["voters"] == 6
    assert territories["Artois"]["voters"] is None
    assert territories["Montreuillois-Ternois"]["voters"] is None
    figure = next(
        f for f in data["figures"] if any(c["key"] == "per_thousand" for c in f["columns"])
    )
    rows = {row["territory"]: row for row in figure["rows"]}
    assert rows["Montreuillois-Ternois"]["voters"] is None
    assert rows["Arrageois"]["voters"] == 6
    assert figure["csv"].startswith("/statistiques/2025/")

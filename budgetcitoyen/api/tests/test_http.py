"""What every answer of the API shares: conditional requests, CORS, HEAD, methods, the rate
limit, no cookie or session, and a valid OpenAPI document with bilingual descriptions."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client
from openapi_spec_validator import validate

from budgetcitoyen.api.tests.conftest import DURING_VOTE
from budgetcitoyen.editions import services as edition_services

pytestmark = [pytest.mark.django_db]
URL = "/api/v1/editions/2025"


def test_an_answer_carries_an_etag_and_a_matching_request_gets_a_304(projects):
    client = Client()
    with time_machine.travel(DURING_VOTE, tick=False):
        first = client.get(URL)
        again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
        since = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-cache"
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert since.status_code == 304


def test_a_change_through_the_services_changes_the_etag(
    projects, edition, staff, django_capture_on_commit_callbacks
):
    client = Client()
    with time_machine.travel(DURING_VOTE, tick=False):
        first = client.get(URL)
        with django_capture_on_commit_callbacks(execute=True):
            edition_services.edition_update(
                edition=edition, by=staff, title="Budget citoyen renouvelé"
            )
        after = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert after.json()["title"] == "Budget citoyen renouvelé"


def test_the_clock_crossing_an_edition_date_changes_the_etag(projects):
    client = Client()
    with time_machine.travel(DURING_VOTE.replace(month=8), tick=False):
        before = client.get("/api/v1/projects")
    with time_machine.travel(DURING_VOTE, tick=False):
        after = client.get("/api/v1/projects", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 4


def test_cors_is_open_for_reads_only(projects):
    client = Client()
    response = client.get(URL, HTTP_ORIGIN="https://exemple.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        URL, HTTP_ORIGIN="https://exemple.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "ETag" in preflight["Access-Control-Expose-Headers"]
    for method in ("post", "put", "patch", "delete"):
        refused = getattr(client, method)(URL)
        assert refused.status_code == 405, method
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert "lecture seule" in refused.json()["detail"]


def test_head_answers_the_headers_without_the_body(projects):
    client = Client()
    get = client.get(URL)
    head = client.head(URL)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert int(head["Content-Length"]) == len(get.content)


def test_no_cookie_is_set_and_no_session_is_read(projects):
    client = Client()
    for path in (URL, "/api/v1/projects", "/api/v1/openapi.json", "/api/v1/nulle-part"):
        response = client.get(path)
        assert not response.cookies, path
        # SessionMiddleware adds "Vary: Cookie" when anything read the session.
        assert "Cookie" not in response.get("Vary", ""), path
    # The two HTML pages are in the site's layout (its header reads a signed-in reader's
    # session, as every page does) but set no cookie either.
    for path in ("/api/", "/api/v1/docs"):
        assert not client.get(path).cookies, path


def test_past_the_rate_a_french_429_with_retry_after(settings, projects):
    settings.BUDGETCITOYEN_RATE_LIMITS = {**settings.BUDGETCITOYEN_RATE_LIMITS, "api:ip": "3/60"}
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [client.get(URL).status_code for _ in range(4)]
    refused = client.get(URL)
    other = Client(REMOTE_ADDR="198.51.100.8").get(URL)
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"].startswith("Trop de requêtes depuis votre adresse.")
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert other.status_code == 200


def test_errors_are_french_whatever_the_reader_s_language(db):
    response = Client().get("/api/v1/editions/1999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Aucune édition publiée pour l'année 1999."


def test_a_control_character_in_the_query_is_a_french_json_400(db):
    for query in ("?edition=%00", "?territory=a%0Ab"):
        response = Client().get(f"/api/v1/projects{query}")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert "caractère de contrôle invisible" in response.json()["detail"]
    page = Client().get("/projets/?q=%00")  # the site's pages keep their HTML page
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_the_openapi_document_validates_and_describes_every_field_in_two_languages(db):
    response = Client().get("/api/v1/openapi.json")
    document = json.loads(response.content)
    validate(document)
    assert document["info"]["license"]["name"] == "Licence Ouverte 2.0"
    missing = []
    for name, schema in document["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description") or not prop.get("x-description-en"):
                missing.append(f"{name}.{field}")
    for path, methods in document["paths"].items():
        for operation in methods.values():
            assert operation.get("summary"), path
            for parameter in operation.get("parameters", []):
                if not parameter.get("description") or not parameter.get("x-description-en"):
                    missing.append(f"{path} {parameter['name']}")
    assert missing == []


def test_the_docs_page_lists_every_endpoint_offline_and_in_french(db):
    from budgetcitoyen.testing.a11y import assert_accessible

    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    document = Client().get("/api/v1/openapi.json").json()
    for path in document["paths"]:
        assert path in html
    assert "<script" not in html.replace('<script src="/static/', "")  # no inline script
    assert "cdn" not in html.lower()
    assert_accessible(html)


def test_the_presentation_page(db):
    from budgetcitoyen.testing.a11y import assert_accessible

    response = Client().get("/api/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Licence Ouverte 2.0" in html
    assert "curl http://testserver/api/v1/editions" in html
    assert "Retry-After" in html
    assert_accessible(html)

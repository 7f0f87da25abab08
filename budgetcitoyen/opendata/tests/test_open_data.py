"""The open-data page, its catalogue and its files: nothing before publication, every file
described column by column, the catalogue harvestable, nothing personal, caching headers."""

# ruff: noqa: F811  (the fixtures imported from the results' tests are used by name)
from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.columns import Column
from budgetcitoyen.opendata import columns, selectors
from budgetcitoyen.results import downloads
from budgetcitoyen.results.tests.test_public import (  # noqa: F401  (fixtures)
    AFTER_VOTE,
    DURING_VOTE,
    VOTER_NAMES,
    ballots,
    edition,
    projects,
    published,
    snapshot,
    staff,
)
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.factories import paris

pytestmark = [pytest.mark.django_db]

PAGE = "/donnees-ouvertes/"
CATALOGUE = "/donnees-ouvertes/catalogue.json"
REFERENCE = {
    "/donnees-ouvertes/projets.csv": columns.PROJECT_COLUMNS,
    "/donnees-ouvertes/comptoirs.csv": columns.COMPTOIR_COLUMNS,
    "/donnees-ouvertes/communes.csv": columns.COMMUNE_COLUMNS,
}
BEFORE_VOTE = paris(2025, 8, 1, 9)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response)), delimiter=";"))


def names(described: Any) -> list[str]:
    return [column.name for column in described]


def catalogue() -> dict[str, Any]:
    response = Client().get(CATALOGUE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(body(response))


def distributions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for dataset in data["dcat:dataset"] for d in dataset["dcat:distribution"]]


def personal_texts(edition) -> list[str]:  # type: ignore[no-untyped-def]
    """Emails and names of every person the fixtures made: voters, holders, organisers, staff."""
    from budgetcitoyen.accounts.models import User

    found = [*VOTER_NAMES]
    for user in User.objects.all():
        found += [user.email, *(n for n in (user.first_name, user.last_name) if len(n) > 2)]
    return found


# --- Before publication ---------------------------------------------------------------------


def test_before_any_result_the_page_lists_only_the_reference_files(snapshot):
    with time_machine.travel(AFTER_VOTE, tick=False):
        response = Client().get(PAGE)
        data = catalogue()
    assert response.status_code == 200
    text = body(response)
    assert "Aucun résultat n'est encore publié" in text
    assert snapshot.ballots_sha256 not in text and "/resultats/2025/" not in text
    assert [d["@id"].rsplit("#", 1)[1] for d in data["dcat:dataset"]] == ["reference"]
    assert snapshot.ballots_sha256 not in json.dumps(data)
    assert_accessible(response.content)


def test_a_result_is_listed_only_from_its_publication_time(published):
    with time_machine.travel(paris(2025, 10, 2, 8), tick=False):
        assert "/resultats/2025/" not in body(Client().get(PAGE))
        assert len(catalogue()["dcat:dataset"]) == 1
    assert "/resultats/2025/bulletins.pb" in body(Client().get(PAGE))
    assert len(catalogue()["dcat:dataset"]) == 2


def test_projects_are_in_the_file_from_the_vote_on_with_no_outcome_before_results(projects):
    with time_machine.travel(BEFORE_VOTE, tick=False):
        assert csv_rows(Client().get("/donnees-ouvertes/projets.csv"))[1:] == []
    with time_machine.travel(DURING_VOTE, tick=False):
        rows = csv_rows(Client().get("/donnees-ouvertes/projets.csv"))[1:]
    assert len(rows) == len(projects)
    funded = names(columns.PROJECT_COLUMNS).index("financé")
    assert {row[funded] for row in rows} == {""}
    assert {row[2] for row in rows} == {p.public_title for p in projects.values()}


# --- After publication ----------------------------------------------------------------------


def test_the_page_lists_every_file_with_its_columns(published):
    response = Client().get(PAGE)
    assert response.status_code == 200
    assert_accessible(response.content)
    soup = BeautifulSoup(response.content, "html.parser")
    main = soup.find("main")
    text = main.get_text(" ")
    assert "Licence Ouverte 2.0" in text
    assert main.find("a", href=columns.LICENCE_URL) is not None
    assert settings.BUDGETCITOYEN_ORGANISATION in text
    assert published.ballots_sha256 in text
    files = [f for d in selectors.all_datasets() for f in d.files]
    assert any(f.url.startswith("/statistiques/2025/") for f in files)
    for item in files:
        article = main.find(id=f"fichier-{item.key}").find_parent("article")
        assert article.find("a", href=item.url) is not None, item.url
        described = [th.get_text(strip=True) for th in article.select("tbody th[scope=row]")]
        assert described == names(item.columns), item.key
        for table in article.find_all("table"):
            assert table.find("caption") is not None


def test_every_listed_file_downloads_and_its_columns_are_its_header(published):
    client = Client()
    files = [f for d in selectors.all_datasets() for f in d.files]
    assert len(files) > 6
    for item in files:
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        if item.format == "CSV":
            assert csv_rows(response)[0] == names(item.columns), item.url
        elif item.format == "JSON":
            check_keys(json.loads(body(response)).keys(), item.columns)
        else:
            sections = pb_headers(body(response))
            check_keys(sections["PROJECTS"], list(downloads.PB_PROJECTS_COLUMNS))
            check_keys(sections["VOTES"], list(downloads.PB_VOTES_COLUMNS))
        if item.size is not None:
            assert len(response.content) == item.size, item.url


def check_keys(found: Any, described: list[Column]) -> None:
    found = list(found)
    required = [c.name for c in described if not c.optional]
    assert set(required) <= set(found), set(required) - set(found)
    assert set(found) <= set(names(described)), set(found) - set(names(described))


def pb_headers(text: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    return {
        title: lines[i + 1].split(";")
        for i, title in enumerate(lines)
        if title in ("PROJECTS", "VOTES")
    }


def test_the_results_csv_header_is_its_described_columns():
    assert names(downloads.CSV_COLUMNS) == downloads.CSV_HEADER


def test_the_sha256_is_that_of_the_ballots_file(published):
    content = Client().get("/resultats/2025/bulletins.pb").content
    digest = hashlib.sha256(content).hexdigest()
    assert digest == published.ballots_sha256
    (pb,) = [d for d in distributions(catalogue()) if d["dct:format"] == "PB"]
    assert pb["spdx:checksum"]["spdx:checksumValue"]["@value"] == digest
    assert pb["spdx:checksum"]["spdx:algorithm"] == {"@id": "spdx:checksumAlgorithm_sha256"}
    assert pb["dcat:byteSize"]["@value"] == str(len(content))


# --- The catalogue --------------------------------------------------------------------------

NAMESPACES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def walk_keys(node: Any):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            if key != "@context":
                yield from walk_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_keys(value)


def test_the_catalogue_is_json_ld_with_the_dcat_keys(published):
    data = catalogue()
    context = data["@context"]
    for prefix, iri in NAMESPACES.items():
        assert context[prefix] == iri
    # Every term is a JSON-LD keyword or a compact IRI of a declared prefix, so it expands.
    for key, value in walk_keys(data):
        assert key.startswith("@") or key.split(":", 1)[0] in context, key
        if key == "@type" and isinstance(value, str):
            assert value.split(":", 1)[0] in context, value
    assert data["@type"] == "dcat:Catalog"
    assert data["dct:license"] == {
        "@id": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    }
    assert data["dct:publisher"]["foaf:name"] == settings.BUDGETCITOYEN_ORGANISATION
    datasets = data["dcat:dataset"]
    assert [d["@id"].rsplit("#", 1)[1] for d in datasets] == ["edition-2025", "reference"]
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        for key in ("dct:title", "dct:description", "dct:identifier", "dct:publisher"):
            assert dataset[key], key
        assert dataset["dct:license"]["@id"] == columns.LICENCE_URL
        assert dataset["dct:modified"]["@type"] == "xsd:dateTime"
    edition_set = datasets[0]
    assert edition_set["dct:issued"]["@value"] == "2025-10-02T09:00:00+02:00"
    assert edition_set["dct:temporal"]["dcat:startDate"]["@value"].startswith("2025-09-01")
    for item in distributions(data):
        assert item["@type"] == "dcat:Distribution"
        url = item["dcat:downloadURL"]["@id"]
        assert url.startswith(settings.SITE_URL + "/"), url
        assert item["dct:format"] in ("CSV", "JSON", "PB")
        assert item["dcat:mediaType"] in ("text/csv", "application/json", "text/plain")
        assert item["dct:license"] == {"@id": columns.LICENCE_URL}
        assert item["dct:title"]
        path = url.removeprefix(settings.SITE_URL)
        assert Client().get(path).status_code == 200, path


# --- Nothing personal -----------------------------------------------------------------------


def test_no_file_page_or_catalogue_holds_personal_data(published):
    client = Client()
    files = [f for d in selectors.all_datasets() for f in d.files]
    texts = {url: body(client.get(url)) for url in [PAGE, CATALOGUE, *(f.url for f in files)]}
    forbidden = personal_texts(published.edition)
    assert any("@" in word for word in forbidden)
    for url, text in texts.items():
        for word in forbidden:
            assert word not in text, (url, word)
        assert "203.0.113.77" not in text, url


def test_the_comptoirs_file_has_no_registration(published, projects):
    from budgetcitoyen.comptoirs.models import Comptoir

    rows = csv_rows(Client().get("/donnees-ouvertes/comptoirs.csv"))
    assert rows[0] == names(columns.COMPTOIR_COLUMNS)
    assert [int(r[1]) for r in rows[1:]] == list(Comptoir.objects.values_list("pk", flat=True))


def test_the_communes_file_holds_the_reference_data(db):
    from budgetcitoyen.territories.models import Commune

    rows = csv_rows(Client().get("/donnees-ouvertes/communes.csv"))
    assert rows[0] == names(columns.COMMUNE_COLUMNS)
    assert len(rows) - 1 == Commune.objects.count()
    arras = next(r for r in rows if r[1] == "62041")
    assert arras[2] == "Arras"
    assert int(arras[3]) == Commune.objects.get(insee_code="62041").population


def test_formulas_are_neutralised_in_the_reference_files(published, projects):
    decision = projects["a1"]
    decision.public_summary = '=HYPERLINK("http://exemple.invalid")'
    decision.save(update_fields=["public_summary"])
    rows = csv_rows(Client().get("/donnees-ouvertes/projets.csv"))
    assert '\'=HYPERLINK("http://exemple.invalid")' in [r[3] for r in rows]


# --- Caching --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, CATALOGUE, *REFERENCE])
def test_caching_headers_and_not_modified(published, url):
    client = Client()
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_a_reference_file_changes_its_etag_when_its_content_changes(
    published, projects, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client = Client()
    url = "/donnees-ouvertes/projets.csv"
    first = client.get(url)
    decision = projects["a1"]
    decision.public_title = "Recyclerie du centre"
    # As every write of the services and the admin does: the public data changed.
    with django_capture_on_commit_callbacks(execute=True):
        decision.save(update_fields=["public_title"])
        pagecache.invalidate()
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Recyclerie du centre" in body(second)
    assert second["Content-Disposition"] == 'attachment; filename="budget-citoyen-projets.csv"'

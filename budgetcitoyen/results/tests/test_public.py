"""The public results pages and downloads: nothing before publication, everything after,
nothing personal ever; the same page for everyone; the recount instructions really recount."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shlex
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.results import page, presentation, services
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.tests.factories import published_snapshot
from budgetcitoyen.tally import cli
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import PERSONAS, make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    labelled_project,
    paris,
    verified_person,
)
from budgetcitoyen.voting import services as voting

pytestmark = [pytest.mark.django_db]

DURING_VOTE = paris(2025, 9, 15, 12)
AFTER_VOTE = paris(2025, 10, 2, 9)
URL = "/resultats/2025/"
DOWNLOADS = ["/resultats/2025/resultats.csv", "/resultats/2025/resultats.json"]
BALLOTS = "/resultats/2025/bulletins.pb"

# Who voted for what (project keys below): scores a1 6, a3 5, a2 4, b1 3, b2 2, c1 1, b3 1, c2 0.
VOTES = [
    ("a1", "a3", "a2"),
    ("a1", "a3", "a2"),
    ("a1", "a3", "a2"),
    ("a1", "a3", "a2"),
    ("a1", "a3", "b1"),
    ("a1", "b1", "b2"),
    ("b1", "b2", "c1"),
    ("b3",),
]
VOTER_NAMES = [f"Électeur{i}" for i in range(len(VOTES))]


def text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def edition(db):
    """2025, approval ballots (up to 3 projects), three envelopes by priority."""
    edition = EditionFactory(
        year=2025, vote_rule="approval", vote_min_choices=None, vote_max_choices=3
    )
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1, envelope=Decimal(30000))
    CategoryFactory(edition=edition, name="Coopération", priority=2, envelope=Decimal(20000))
    CategoryFactory(edition=edition, name="Pratiques de l'ESS", priority=3, envelope=Decimal(10000))
    return edition


@pytest.fixture
def projects(edition):
    first, second, third = edition.categories.order_by("priority")
    comptoir = ComptoirFactory(edition=edition)
    spec = {
        "a1": (first, 12000, "Recyclerie"),
        "a2": (first, 14000, "Épicerie solidaire"),
        "a3": (first, 15000, "Jardin partagé"),
        "b1": (second, 9000, "Tiers-lieu"),
        "b2": (second, 5000, "Café associatif"),
        "b3": (second, 7000, "Garage solidaire"),
        "c1": (third, 4000, "Monnaie locale"),
        "c2": (third, 3000, "Atelier vélo"),
    }
    return {
        key: labelled_project(
            edition, category=category, amount=Decimal(amount), title=title, comptoir=comptoir
        )
        for key, (category, amount, title) in spec.items()
    }


@pytest.fixture
def ballots(edition, projects):
    arras = Commune.objects.get(insee_code="62041")
    with time_machine.travel(DURING_VOTE, tick=False):
        for number, (choices, name) in enumerate(zip(VOTES, VOTER_NAMES, strict=True)):
            voter = verified_person(email=f"votant{number}@exemple.fr")
            voting.declaration_save(
                edition=edition,
                user=voter,
                sworn=True,
                last_name=name,
                first_name="Dominique",
                other_first_names="",
                birth_date=date(1950 + number, 3, 7),
                commune=arras,
                postal_code="62000",
            )
            voting.ballot_cast(
                edition=edition,
                user=voter,
                choices=[projects[key].pk for key in choices],
                ip="203.0.113.77",
            )


@pytest.fixture
def staff(db):
    return make_persona("staff")


@pytest.fixture
def snapshot(edition, ballots, staff):
    """A count, not published."""
    with time_machine.travel(AFTER_VOTE, tick=False):
        return services.tally_run(edition=edition, by=staff)


@pytest.fixture
def published(snapshot, staff):
    with time_machine.travel(AFTER_VOTE, tick=False):
        return services.publish(snapshot=snapshot, by=staff)


def main_of(response) -> str:
    return str(BeautifulSoup(response.content.decode(), "html.parser").find("main"))


# --- Before publication ------------------------------------------------------------------------


def test_before_any_result_the_index_says_when_they_come(edition, projects):
    with time_machine.travel(DURING_VOTE, tick=False):
        response = Client().get("/resultats/")
    assert response.status_code == 200
    body = text(response)
    assert "pas encore publiés" in body
    assert "jeudi 20 novembre 2025, 18 h" in body
    assert "Voter" in body
    assert_accessible(response.content)


def test_an_unpublished_count_never_shows_and_downloads_are_404(snapshot, projects):
    with time_machine.travel(AFTER_VOTE, tick=False):
        for url in ("/resultats/", URL):
            response = Client().get(url)
            assert response.status_code == 200
            body = text(response)
            assert "pas encore publiés" in body
            assert "Aperçu" not in body and snapshot.ballots_sha256 not in body
            assert not re.search(r"\d voix", body) and "Financé" not in body
            assert not any(p.public_title in body for p in projects.values())
            assert_accessible(response.content)
        for url in [*DOWNLOADS, BALLOTS]:
            assert Client().get(url).status_code == 404, url


def test_past_the_results_date_an_unpublished_result_is_said_to_be_on_its_way(snapshot):
    with time_machine.travel(paris(2025, 11, 21, 9), tick=False):
        body = text(Client().get(URL))
    assert "étaient attendus le jeudi 20 novembre 2025, 18 h" in body


def test_a_result_is_public_only_from_its_publication_time(published):
    with time_machine.travel(paris(2025, 10, 2, 8), tick=False):
        assert "pas encore publiés" in text(Client().get(URL))
        assert Client().get(BALLOTS).status_code == 404
    assert "Résultats publiés le" in text(Client().get(URL))


def test_unknown_or_unpublished_editions_are_404(edition, published):
    assert Client().get("/resultats/2019/").status_code == 404
    hidden = EditionFactory(year=2026, is_published=False)
    published_snapshot(hidden)
    assert Client().get("/resultats/2026/").status_code == 404
    assert Client().get("/resultats/2026/resultats.csv").status_code == 404
    # The latest public result is still 2025's, not the hidden edition's.
    assert "Budget citoyen 2025" in text(Client().get("/resultats/"))


def test_no_current_edition_at_all(db):
    response = Client().get("/resultats/")
    assert response.status_code == 200
    assert "Aucun résultat n'est disponible" in text(response)
    assert_accessible(response.content)


# --- The published page --------------------------------------------------------------------------


def test_the_page_shows_every_project_by_category(published, projects):
    response = Client().get(URL)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    # Categories in the envelopes' priority order, after the key figures and the rule.
    assert headings.index("Innovation sociale") < headings.index("Coopération")
    assert headings.index("Coopération") < headings.index("Pratiques de l'ESS")
    tables = soup.find_all("table")
    assert len(tables) == 3
    rows = {}
    for table in tables:
        assert table.find("caption") is not None
        assert all(th.get("scope") for th in table.find_all("th"))
        for tr in table.find("tbody").find_all("tr"):
            cells = [
                c.get_text(" ", strip=True).replace("\u202f", " ").replace("\xa0", " ")
                for c in tr.find_all(["td", "th"])
            ]
            rows[cells[1]] = cells
            link = tr.find("a")
            assert link is not None and link["href"].startswith("/projets/")
    assert rows["Recyclerie"] == ["1", "Recyclerie", "Arrageois", "6", "12 000 €", "Financé"]
    assert rows["Jardin partagé"][:1] + rows["Jardin partagé"][3:] == [
        "2",
        "5",
        "15 000 €",
        "Financé",
    ]
    assert rows["Épicerie solidaire"][0] == "3" and rows["Épicerie solidaire"][-1] == "Financé"
    assert rows["Garage solidaire"][0] == "3" and rows["Garage solidaire"][-1] == "Non financé"
    assert rows["Atelier vélo"][3:] == ["0", "3 000 €", "Non financé"]
    assert len(rows) == len(projects)
    assert f'href="/projets/{projects["a1"].pk}/"' in response.content.decode()


def test_key_figures_rule_and_moves(published):
    soup = BeautifulSoup(Client().get(URL).content.decode(), "html.parser")
    body = " ".join(soup.get_text(" ").replace("\u202f", " ").replace("\xa0", " ").split())
    figures = [
        " ".join(li.get_text(" ", strip=True).split()) for li in soup.select(".key-figures li")
    ]
    assert figures == [
        "6 projets financés sur 8 soumis au vote",
        "59 000 € attribués, sur un budget de 60 000 €",
        "1 000 € non attribués",
        "8 bulletins valides comptés",
    ]
    assert "Résultats publiés le jeudi 2 octobre 2025, 9 h" in body
    assert "ce qui reste des enveloppes est ensuite mis en commun" in body
    assert (
        "Des reliquats ont financé des projets d'autres catégories, 11 000 € en tout : "
        "l'enveloppe Coopération a apporté 6 000 € à la catégorie Innovation sociale ; "
        "l'enveloppe Pratiques de l'ESS a apporté 5 000 € à la catégorie Innovation sociale."
    ) in body
    assert "Dont 11 000 € venus des reliquats d'autres catégories." in body


def test_the_trace_tells_each_project_in_french(published, projects):
    soup = BeautifulSoup(Client().get(URL).content.decode(), "html.parser")
    section = soup.find("h2", string="Comment chaque projet a été retenu ou non").parent
    items = [
        li.get_text(" ", strip=True).replace("\u202f", " ").replace("\xa0", " ")
        for li in section.find_all("li")
    ]
    assert len(items) == len(projects)
    assert items[0].startswith("Recyclerie (Innovation sociale) — financé")
    assert (
        "6 voix : financé sur l'enveloppe Innovation sociale (12 000 €), reste 18 000 €" in items[0]
    )
    assert any("Épicerie solidaire" in i and "financé par le reliquat" in i for i in items)
    assert any("Atelier vélo" in i and "Aucune voix : non financé" in i for i in items)
    assert any(
        "Garage solidaire (Coopération) — non financé" in i and "ne tenait ni dans" in i
        for i in items
    )


def test_charts_hold_the_same_data_as_their_tables(published, projects):
    soup = BeautifulSoup(Client().get(URL).content.decode(), "html.parser")
    charts = soup.find_all("svg")
    assert len(charts) == 3
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    for chart in charts:
        assert chart["role"] == "img"
        assert chart["aria-labelledby"] in ids and chart["aria-describedby"] in ids
        table = soup.find(id=chart["aria-details"])
        assert table is not None and table.name == "table"
        values = [int(r["data-value"]) for r in chart.find_all("rect", class_="bar")]
        votes = [int(tr.find_all("td")[-3].get_text()) for tr in table.find("tbody").find_all("tr")]
        assert values == votes


def test_the_page_is_accessible_and_the_same_for_everyone(published):
    reference = None
    for persona in PERSONAS:
        client = Client()
        # The staff member who ran and published the count sees what everyone sees.
        user = published.run_by if persona == "staff" else make_persona(persona)
        if user is not None:
            client.force_login(user)
        for url in ("/resultats/", URL):
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert_accessible(response.content)
            assert "Aperçu" not in text(response)
        main = main_of(client.get(URL))
        reference = reference or main
        assert main == reference, persona


def test_the_index_shows_the_latest_published_edition_and_lists_the_others(published):
    older = EditionFactory(year=2024)
    published_snapshot(older)
    body = text(Client().get("/resultats/"))
    assert "Résultats — Budget citoyen 2025" in body
    assert 'href="/resultats/2024/"' in body and "Les éditions précédentes" in body
    body = text(Client().get("/resultats/2024/"))
    assert 'href="/resultats/2025/"' in body


def test_while_a_new_edition_runs_the_index_shows_the_last_results_and_when_the_next_come(
    published,
):
    EditionFactory(year=2026)
    with time_machine.travel(paris(2026, 9, 15, 12), tick=False):
        response = Client().get("/resultats/")
    body = text(response)
    assert "Résultats — Budget citoyen 2025" in body
    assert "Les résultats de Budget citoyen 2026 ne sont pas encore publiés" in body
    assert "vendredi 20 novembre 2026, 18 h" in body
    assert_accessible(response.content)


def test_the_staff_preview_include_says_it_is_not_published(snapshot):
    html = render_to_string(
        "results/_result.html", {**page.result_context(snapshot), "preview": True}
    )
    assert "Aperçu — non publié" in html
    assert (
        "/resultats/2025/resultats.csv" not in html and "/resultats/2025/bulletins.pb" not in html
    )
    assert f"/gestion/resultats/{snapshot.pk}/bulletins.pb" in html
    assert "téléchargeable à la publication" in html
    public = render_to_string(
        "results/_result.html", {**page.result_context(snapshot), "preview": False}
    )
    assert "Aperçu" not in public


def test_an_empty_published_result_still_renders(db):
    edition = EditionFactory(year=2024)
    published_snapshot(edition)
    response = Client().get("/resultats/2024/")
    assert response.status_code == 200
    assert_accessible(response.content)


def test_the_nav_links_to_the_results(db):
    body = text(Client().get("/"))
    assert 'href="/resultats/"' in body


# --- Downloads ---------------------------------------------------------------------------------------


def test_csv_download(published, projects):
    response = Client().get("/resultats/2025/resultats.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "budget-citoyen-2025-resultats.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "édition", "catégorie", "rang", "projet id", "titre", "territoire", "voix", "montant", "financé"
    ]  # fmt: skip
    assert len(rows) == 1 + len(projects)
    assert rows[1] == [
        "2025", "Innovation sociale", "1", str(projects["a1"].pk), "Recyclerie", "Arrageois",
        "6", "12000", "oui",
    ]  # fmt: skip
    by_title = {row[4]: row for row in rows[1:]}
    assert by_title["Garage solidaire"][-1] == "non"
    assert by_title["Atelier vélo"][6] == "0"


def test_csv_download_bytes(published, projects):
    # The size and content of this file are published: a title needing no neutralising keeps
    # every byte it always had.
    content = Client().get("/resultats/2025/resultats.csv").content
    assert content.startswith(
        "\ufeffédition;catégorie;rang;projet id;titre;territoire;voix;montant;financé\r\n"
        f"2025;Innovation sociale;1;{projects['a1'].pk};Recyclerie;Arrageois;6;12000;oui\r\n".encode()
    )


@pytest.fixture
def formula_title(projects):
    projects["a1"].public_title = '=HYPERLINK("http://evil.example/","Voir")'
    projects["a1"].save()


def test_csv_download_writes_a_formula_title_as_text(formula_title, published, projects):
    rows = list(
        csv.reader(
            io.StringIO(Client().get("/resultats/2025/resultats.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example/","Voir")'


def test_json_download(published, projects):
    response = Client().get("/resultats/2025/resultats.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Épicerie" in response.content.decode()  # not \u00c9
    data = json.loads(response.content)
    assert "fingerprint" not in data
    assert data["edition"] == 2025
    assert data["published_at"].startswith("2025-10-02T09:00:00")
    assert data["ballots_sha256"] == published.ballots_sha256
    assert data["rule_version"] == published.rule_version
    assert data["rule"] == "envelopes"
    assert len(data["projects"]) == len(projects)
    funded = {str(projects[k].pk) for k in ("a1", "a2", "a3", "b1", "b2", "c1")}
    assert set(data["selected"]) == funded
    assert data["moves"] and data["trace"]


def test_the_ballots_file_and_its_sha256(published):
    response = Client().get(BALLOTS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="budget-citoyen-2025.pb"'
    digest = hashlib.sha256(response.content).hexdigest()
    page = text(Client().get(URL))
    assert digest in page
    assert "sha256sum budget-citoyen-2025.pb" in page
    # The download sizes are given.
    assert "Ko" in page or "octets" in page


# --- Recount instructions --------------------------------------------------------------------------


def _downloaded_pb(tmp_path, monkeypatch):
    content = Client().get(BALLOTS).content
    (tmp_path / "budget-citoyen-2025.pb").write_bytes(content)
    monkeypatch.chdir(tmp_path)


def _shown(response, heading_start: str) -> str:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    heading = next(h for h in soup.find_all("h3") if h.get_text().strip().startswith(heading_start))
    block = heading.find_next("pre")
    assert block is not None
    return block.get_text()


def test_the_command_shown_recounts_the_same_result(published, tmp_path, monkeypatch):
    _downloaded_pb(tmp_path, monkeypatch)
    command = _shown(Client().get(URL), "2. Recompter")
    assert command == (
        "budgetcitoyen pb tally budget-citoyen-2025.pb --rule envelopes "
        '--envelope "Innovation sociale=30000" --envelope "Coopération=20000" '
        '--envelope "Pratiques de l\'ESS=10000"'
    )
    words = shlex.split(command)
    assert words[:3] == ["budgetcitoyen", "pb", "tally"]
    _text, outcome, _election = cli.run(words[3:])
    assert outcome.selected == published.outcome["selected"]


def _switch_rule(edition, rule, staff, threshold=None):
    edition.allocation_rule = rule
    edition.allocation_threshold = threshold
    edition.save()
    ResultSnapshot.objects.filter(edition=edition).update(published_at=None)
    with time_machine.travel(AFTER_VOTE, tick=False):
        snapshot = services.tally_run(edition=edition, by=staff)
    ResultSnapshot.objects.filter(pk=snapshot.pk).update(published_at=AFTER_VOTE)
    return ResultSnapshot.objects.get(pk=snapshot.pk)


@pytest.mark.parametrize(
    ("rule", "threshold"),
    [
        ("envelopes", None),
        ("envelopes", 2),
        ("greedy", None),
        ("greedy", 3),
        ("greedy-no-skip", None),
        ("mes", None),
        ("mes-add1", None),
    ],
)
def test_the_pabutools_program_shown_finds_the_same_projects(
    edition, ballots, staff, rule, threshold, tmp_path, monkeypatch, capsys
):
    pytest.importorskip("pabutools")
    snapshot = _switch_rule(edition, rule, staff, threshold)
    _downloaded_pb(tmp_path, monkeypatch)
    page = Client().get(URL)
    program = _shown(page, "3. Recompter avec pabutools")
    exec(compile(program, "verification.py", "exec"), {})
    printed = capsys.readouterr().out.strip()
    assert printed == str(sorted(int(i) for i in snapshot.outcome["selected"]))
    # And the command line agrees.
    words = shlex.split(_shown(page, "2. Recompter"))
    _text, outcome, _election = cli.run(words[3:])
    assert sorted(outcome.selected) == sorted(snapshot.outcome["selected"])


@pytest.mark.parametrize("rule", ["envelopes", "greedy", "greedy-no-skip"])
def test_with_points_ballots_the_programs_shown_count_points(
    request, edition, staff, rule, tmp_path, monkeypatch, capsys
):
    pytest.importorskip("pabutools")
    edition.vote_rule = "points"
    edition.save()
    request.getfixturevalue("ballots")
    snapshot = _switch_rule(edition, rule, staff, threshold=3)
    _downloaded_pb(tmp_path, monkeypatch)
    page = Client().get(URL)
    assert "Points" in text(page) and "au moins 3 points" in text(page)
    program = _shown(page, "3. Recompter avec pabutools")
    assert "ballot[project]" in program
    exec(compile(program, "verification.py", "exec"), {})
    assert capsys.readouterr().out.strip() == str(
        sorted(int(i) for i in snapshot.outcome["selected"])
    )
    words = shlex.split(_shown(page, "2. Recompter"))
    _text, outcome, _election = cli.run(words[3:])
    assert sorted(outcome.selected) == sorted(snapshot.outcome["selected"])


def test_without_categories_the_page_has_one_group_ranked_overall(edition, ballots, staff):
    _switch_rule(edition, "greedy", staff)
    response = Client().get(URL)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert len(soup.find_all("table")) == 1 and len(soup.find_all("svg")) == 1
    ranks = [tr.find("td").get_text() for tr in soup.find("tbody").find_all("tr")]
    assert ranks == [str(n) for n in range(1, 9)]
    body = text(response)
    assert "Tous les projets" in body and "Aucun reliquat" not in body
    assert "un projet trop cher pour ce qui reste est passé" in body
    assert_accessible(response.content)


# --- Sentences ----------------------------------------------------------------------------------------


def test_moves_sentence_for_none_one_and_several():
    assert presentation.moves_sentence([], ["A", "B"]) == (
        "Aucun reliquat n'est passé d'une catégorie à une autre."
    )
    one = presentation.moves_sentence(
        [{"from": "Pratiques de l'ESS", "to": "Innovation sociale", "amount": "3200"}], []
    )
    assert one == (
        "Le reliquat de l'enveloppe Pratiques de l'ESS a apporté 3\u202f200\u00a0€ à la "
        "catégorie Innovation sociale pour financer ses projets."
    )
    several = (
        presentation.moves_sentence(
            [
                {"from": "C", "to": "A", "amount": "100"},
                {"from": "B", "to": "A", "amount": "50.5"},
                {"from": "C", "to": "B", "amount": "10"},
            ],
            ["A", "B", "C"],
        )
        .replace("\u202f", " ")
        .replace("\u00a0", " ")
    )
    assert several == (
        "Des reliquats ont financé des projets d'autres catégories, 160,50 € en tout : "
        "l'enveloppe B a apporté 50,50 € à la catégorie A ; "
        "l'enveloppe C a apporté 100 € à la catégorie A et 10 € à la catégorie B."
    )


@pytest.mark.parametrize(
    "rule", ["envelopes", "pas-de-calais", "greedy", "greedy-no-skip", "mes", "mes-add1"]
)
def test_each_rule_has_its_sentence(rule):
    sentence = presentation.rule_sentence(rule, 12)
    assert sentence.endswith(".") and "%(" not in sentence
    assert ("au moins 12 voix" in sentence) == (rule not in ("mes", "mes-add1"))


# --- Personal data and queries ------------------------------------------------------------------------


def test_nothing_personal_in_any_page_or_download(published, projects, staff):
    holders = [p.dossier for p in projects.values()]
    secrets = {
        "votant0@exemple.fr",
        "Électeur",
        "Dominique",
        "1950",
        "07/03",
        "203.0.113.77",
        "62000",
        staff.email,
        *{d.holder.email for d in holders},
        *{d.contact_name for d in holders},
        *{d.contact_email for d in holders},
        *{d.structure_name for d in holders},
        *{d.rna for d in holders},
    }
    urls = ["/resultats/", URL, *DOWNLOADS, BALLOTS]
    for url in urls:
        body = Client().get(url).content.decode("utf-8-sig")
        for secret in secrets:
            assert secret not in body, (url, secret)


def count_queries(client, url):
    """The queries of rendering the page (not of serving it from the page cache)."""
    from budgetcitoyen.core import pagecache

    pagecache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_page_makes_as_many_queries_for_many_projects_as_for_few(edition, staff):
    def publish_with(count: int) -> None:
        from budgetcitoyen.core import pagecache

        pagecache.clear()  # the data changes here without the services
        ResultSnapshot.objects.filter(edition=edition).update(published_at=None)
        first = edition.categories.order_by("priority").first()
        for index in range(count):
            labelled_project(edition, category=first, amount=Decimal(1000 + index))
        with time_machine.travel(AFTER_VOTE, tick=False):
            snapshot = services.tally_run(edition=edition, by=staff)
        ResultSnapshot.objects.filter(pk=snapshot.pk).update(published_at=AFTER_VOTE)

    client = Client()
    publish_with(3)
    client.get(URL)  # the ballots file's size is read once, then kept
    few = {url: count_queries(client, url) for url in ("/resultats/", URL)}
    publish_with(20)
    client.get(URL)
    assert {url: count_queries(client, url) for url in ("/resultats/", URL)} == few


# --- The catalogue of projects once the result is out ------------------------------------------


def _catalogue_cards(response):  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    cards = []
    for card in soup.select("li.project-card"):
        title = card.find("h2").get_text(strip=True)
        result = card.find("dt", string="Résultat")
        outcome = result.find_next("dd").get_text(" ", strip=True) if result else ""
        cards.append((title, outcome.replace("\u202f", " ").replace("\xa0", " ")))
    return cards


def test_the_catalogue_during_the_vote_has_no_outcome_and_its_own_order(snapshot, projects):
    with time_machine.travel(DURING_VOTE, tick=False):
        response = Client().get("/projets/")
    html = text(response)
    assert "Les projets soumis au vote" in html and "ordre aléatoire" in html
    assert all(outcome == "" for _title, outcome in _catalogue_cards(response))
    assert "Financé" not in html and " voix" not in html


def test_after_the_results_the_catalogue_shows_each_outcome_funded_first(published, projects):
    response = Client().get("/projets/")
    html = text(response)
    assert "Les projets soumis au vote" not in html
    assert "Les projets et leurs résultats" in html
    assert "ordre aléatoire" not in html
    cards = _catalogue_cards(response)
    assert len(cards) == len(projects)
    assert cards[0] == ("Recyclerie", "Financé 6 voix")
    outcomes = [outcome for _title, outcome in cards]
    funded = [o for o in outcomes if o.startswith("Financé")]
    # Funded first, then the others, each group by votes (most first).
    assert outcomes[: len(funded)] == funded
    assert all(o.startswith("Non financé") for o in outcomes[len(funded) :])
    assert ("Atelier vélo", "Non financé 0 voix") in cards

    def votes(o: str) -> int:
        return int(o.split()[-2])

    assert [votes(o) for o in funded] == sorted((votes(o) for o in funded), reverse=True)
    others = outcomes[len(funded) :]
    assert [votes(o) for o in others] == sorted((votes(o) for o in others), reverse=True)
    assert 'href="/resultats/2025/"' in response.content.decode()
    assert_accessible(response.content)

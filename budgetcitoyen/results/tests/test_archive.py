"""The archive (/editions/): every edition with its key figures, masked as the statistics are;
a past edition keeps its pages when a newer one exists; an imported edition's pages say so and
show only what was imported."""

# ruff: noqa: F811  (the fixtures imported from the public pages' tests are used by name)
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.results import services
from budgetcitoyen.results.tests.test_import import ENVELOPES, LINES, results_csv
from budgetcitoyen.results.tests.test_public import (  # noqa: F401  (fixtures)
    AFTER_VOTE,
    DURING_VOTE,
    ballots,
    edition,
    main_of,
    projects,
    published,
    snapshot,
    staff,
    text,
)
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.factories import EditionFactory, paris, verified_person
from budgetcitoyen.voting import services as voting

pytestmark = [pytest.mark.django_db]

LATER = paris(2026, 1, 20, 10)  # the 2026 edition's comptoirs are open


def import_2021(by=None):  # type: ignore[no-untyped-def]
    with time_machine.travel(AFTER_VOTE, tick=False):
        return services.results_import(
            year=2021,
            title="Budget citoyen 2021",
            results_file=results_csv(*LINES),
            envelopes_file=ENVELOPES.encode(),
            source_name="resultats-2021.csv",
            by=by,
        )


def get(url: str, at=LATER):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        return Client().get(url)


def test_the_archive_lists_every_edition_latest_first_with_its_figures(published):
    import_2021()
    EditionFactory(year=2026)
    response = get("/editions/")
    assert response.status_code == 200
    main = text(response)
    assert main.index("Budget citoyen 2026") < main.index("Budget citoyen 2025")
    assert main.index("Budget citoyen 2025") < main.index("Budget citoyen 2021")
    assert "Édition en cours — étape : Comptoirs" in main
    # 2025: 8 dossiers filed, 8 projects, 8 valid ballots (from the statistics).
    section = main[main.index("Budget citoyen 2025") : main.index("Budget citoyen 2021")]
    assert "Dossiers déposés</dt><dd>8<" in section
    assert "Votants (bulletins valides)</dt><dd>8<" in section
    assert 'href="/resultats/2025/"' in section and 'href="/statistiques/2025/"' in section
    assert 'href="/projets/?edition=2025"' in section
    # 2021, imported: what the file held, and it says so.
    imported = main[main.index("Budget citoyen 2021") :]
    assert "Résultats importés le" in imported
    assert "Projets lauréats</dt><dd>2<" in imported and "20 000 €" in imported
    assert "Votants" not in imported.split("</dl>")[0]
    assert_accessible(response.content)


def test_fewer_than_five_voters_read_masked(edition, projects, staff):
    arras = Commune.objects.get(insee_code="62041")
    with time_machine.travel(DURING_VOTE, tick=False):
        for number in range(3):
            voter = verified_person(email=f"peu{number}@exemple.fr")
            voting.declaration_save(
                edition=edition,
                user=voter,
                sworn=True,
                last_name=f"Peu{'x' * number}",
                first_name="Dominique",
                other_first_names="",
                birth_date=date(1960 + number, 3, 7),
                commune=arras,
                postal_code="62000",
            )
            voting.ballot_cast(edition=edition, user=voter, choices=[projects["a1"].pk])
    with time_machine.travel(AFTER_VOTE, tick=False):
        services.publish(snapshot=services.tally_run(edition=edition, by=staff), by=staff)
    main = text(get("/editions/"))
    assert "Votants (bulletins valides)</dt><dd>masqué<" in main


def test_the_edition_in_progress_shows_its_phase_and_no_figures(edition):
    main = text(get("/editions/", at=DURING_VOTE))
    assert "Édition en cours — étape : Vote" in main
    assert "Montant accordé" not in main


def test_a_past_edition_keeps_its_pages_when_a_newer_one_exists(published):
    EditionFactory(year=2026)
    projects_page = get("/projets/?edition=2025")
    assert projects_page.status_code == 200 and "Recyclerie" in text(projects_page)
    results_page = get("/resultats/2025/")
    assert results_page.status_code == 200 and "Recyclerie" in text(results_page)
    stats_page = get("/statistiques/2025/")
    assert stats_page.status_code == 200 and "Le vote" in text(stats_page)
    assert get("/statistiques/2025/votants-ages.csv").status_code == 200
    # The current edition's catalogue, by default, is the new one's (not public yet).
    assert "Recyclerie" not in text(get("/projets/"))


def test_an_imported_edition_s_results_page_says_so_and_lists_its_projects():
    import_2021()
    response = get("/resultats/2021/")
    main = main_of(response).replace("\u202f", " ").replace("\u00a0", " ")
    assert (
        "Résultats importés le jeudi 2 octobre 2025 : les bulletins, les dossiers et le détail "
        "du dépouillement de cette édition ne sont pas disponibles sur la plateforme" in main
    )
    for title in ("Épicerie solidaire", "Repair café", "Atelier vélo"):
        assert title in main
    assert '>2</span> <span class="figure-label">projets financés sur 3 soumis au vote' in main
    assert "bulletins.pb" not in main and "SHA-256" not in main
    assert get("/resultats/2021/resultats.csv").status_code == 404
    assert_accessible(response.content)


def test_an_imported_edition_s_catalogue_points_to_its_results():
    import_2021()
    main = text(get("/projets/?edition=2021"))
    assert "Les résultats de cette édition ont été importés" in main
    assert 'href="/resultats/2021/"' in main


def test_an_imported_edition_s_statistics_show_only_what_was_imported():
    import_2021()
    response = get("/statistiques/2021/")
    assert response.status_code == 200
    main = main_of(response)
    assert "Résultats importés le" in main
    assert "Les projets soumis au vote et les lauréats" in main and "L'argent" in main
    for absent in ("Le vote", "Hors radar", "Idées exprimées", "Reliquat cédé"):
        assert absent not in main
    csv_file = get("/statistiques/2021/projets.csv").content.decode()
    assert "Projets lauréats;2" in csv_file
    assert get("/statistiques/2021/votants-ages.csv").status_code == 404
    assert_accessible(response.content)

"""The import of a past edition's published results: success, every error named by line and
column, all or nothing, hostile files, re-import, permission, audit, the command."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from budgetcitoyen.core.errors import PermissionRefused
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import current_edition
from budgetcitoyen.results import imports, services
from budgetcitoyen.results.models import ImportedProject, ImportedResult
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import EditionFactory, paris

pytestmark = [pytest.mark.django_db]

NOW = paris(2026, 1, 10, 10)
HEADER = (
    "reference;titre;categorie;territoire;commune;votes;montant_demande;montant_accorde;finance"
)
LINES = [
    "BC21-01;Épicerie solidaire;Innovation sociale;Arrageois;Arras;310;12 000,00;12 000,00;oui",
    "BC21-02;Repair café;Coopération;Calaisis;;150;8000;;oui",
    "BC21-03;Atelier vélo;Pratiques de l'ESS;Lens-Liévin;62498;40;5000,50;;non",
]
ENVELOPES = (
    "categorie;enveloppe\nInnovation sociale;15000\nCoopération;10000\nPratiques de l'ESS;5000\n"
)


def results_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture(autouse=True)
def _after_2021():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(db):
    return make_persona("staff")


def run(results: bytes | None = None, envelopes: bytes | None = None, **kwargs):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "year": 2021,
        "title": "Budget citoyen 2021",
        "source_name": "r.csv",
        "by": None,
    }
    values.update(kwargs)
    return services.results_import(
        results_file=results if results is not None else results_csv(*LINES),
        envelopes_file=envelopes if envelopes is not None else ENVELOPES.encode(),
        **values,
    )


def problems_of(
    results: bytes | None = None, envelopes: bytes | None = None, **kwargs
) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(services.ImportRefused) as refused:
        run(results, envelopes, **kwargs)
    return refused.value.problems


def test_it_imports_an_edition_its_envelopes_and_projects(staff):
    result = run(by=staff)
    edition = result.edition
    assert edition.is_imported and edition.is_published and edition.year == 2021
    categories = list(edition.categories.order_by("priority"))
    assert [(c.name, c.envelope, c.priority) for c in categories] == [
        ("Innovation sociale", Decimal("15000.00"), 1),
        ("Coopération", Decimal("10000.00"), 2),
        ("Pratiques de l'ESS", Decimal("5000.00"), 3),
    ]
    rows = {p.reference: p for p in result.projects.select_related("commune", "territory")}
    assert rows["BC21-01"].commune.name == "Arras" and rows["BC21-01"].votes == 310
    # A funded project without an amount granted received what it asked for.
    assert rows["BC21-02"].amount_granted == Decimal("8000") and rows["BC21-02"].commune is None
    assert rows["BC21-03"].commune.name == "Lens"  # by its INSEE code
    assert not rows["BC21-03"].funded and rows["BC21-03"].amount_granted == 0
    entry = AuditEntry.objects.get(action="results.imported")
    assert entry.actor == staff
    assert entry.data["projects"] == 3 and entry.data["funded"] == 2
    assert entry.data["granted"] == "20000.00" and len(entry.data["sha256"]) == 64


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "X;Titre;Innovation sociale;Arrageois;;douze;100;;non",
            "ligne 5, colonne « votes » : nombre entier attendu",
        ),
        (
            "X;Titre;Innovation sociale;Arrageois;;-3;100;;non",
            "ligne 5, colonne « votes » : nombre entier attendu",
        ),
        (
            "X;Titre;Culture;Arrageois;;3;100;;non",
            "ligne 5, colonne « categorie » : catégorie « Culture » absente du fichier des enveloppes",
        ),
        (
            "X;Titre;Innovation sociale;Flandre;;3;100;;non",
            "ligne 5, colonne « territoire » : territoire « Flandre » inconnu",
        ),
        (
            "X;Titre;Innovation sociale;Arrageois;Lille;3;100;;non",
            "ligne 5, colonne « commune » : commune « Lille » inconnue dans le département",
        ),
        (
            "X;Titre;Innovation sociale;Calaisis;Arras;3;100;;non",
            "ligne 5, colonne « commune » : la commune « Arras » n'est pas dans le territoire Calaisis",
        ),
        (
            "X;Titre;Innovation sociale;Arrageois;;3;cent euros;;non",
            "ligne 5, colonne « montant_demande » : montant attendu",
        ),
        (
            "X;Titre;Innovation sociale;Arrageois;;3;100;;peut-être",
            "ligne 5, colonne « finance » : « oui » ou « non » attendu",
        ),
        (
            "X;Titre;Innovation sociale;Arrageois;;3;100;50;non",
            "ligne 5, colonne « montant_accorde » : un projet non financé ne reçoit aucun montant",
        ),
        (
            "BC21-01;Titre;Innovation sociale;Arrageois;;3;100;;non",
            "ligne 5, colonne « reference » : référence déjà utilisée ligne 2",
        ),
        (
            ";Titre;Innovation sociale;Arrageois;;3;100;;non",
            "ligne 5, colonne « reference » : référence attendue",
        ),
        ("X;Titre;Innovation sociale;Arrageois;3;100;;non", "ligne 5 : 8 cellules au lieu de 9"),
        (
            "X;Tit\x07re;Innovation sociale;Arrageois;;3;100;;non",
            "ligne 5, colonne « titre » : caractère de contrôle interdit",
        ),
    ],
)
def test_each_error_is_named_by_its_line_and_column(line, expected):
    problems = problems_of(results_csv(*LINES, line))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_error_of_the_file_is_listed_at_once():
    problems = problems_of(
        results_csv(
            "A;T;Innovation sociale;Arrageois;;x;100;;non",
            "B;T;Innovation sociale;Nulle part;;3;100;;non",
            "C;T;Innovation sociale;Arrageois;;3;100;;bof",
        )
    )
    assert [p.split(" :")[0] for p in problems] == [
        "ligne 2, colonne « votes »",
        "ligne 3, colonne « territoire »",
        "ligne 4, colonne « finance »",
    ]


def test_a_missing_column_is_named_on_the_header_line():
    header = HEADER.replace(";votes", "")
    problems = problems_of(results_csv(header=header))
    assert problems == ["ligne 1, colonne « votes » : colonne manquante dans l'en-tête"]


def test_the_commune_column_is_optional():
    header = HEADER.replace(";commune", "")
    line = "A;Titre;Innovation sociale;Arrageois;10;100;;oui"
    result = run(results_csv(line, header=header))
    assert result.projects.get().commune is None


def test_envelope_errors_are_named_too():
    problems = problems_of(
        envelopes=b"categorie;enveloppe\nInnovation sociale;beaucoup\nInnovation sociale;3\n"
    )
    assert problems == [
        "ligne 2, colonne « enveloppe » : montant attendu (par exemple 12 500,50)",
        "ligne 3, colonne « categorie » : catégorie déjà donnée ligne 2",
    ]


def test_the_grants_must_fit_in_the_envelopes():
    problems = problems_of(
        envelopes="categorie;enveloppe\nInnovation sociale;100\nCoopération;100\nPratiques de l'ESS;100\n".encode()
    )
    assert problems[0].replace("\u202f", " ").startswith("Le total accordé (20 000")


def test_one_bad_line_saves_nothing():
    before = Edition.objects.count(), AuditEntry.objects.count()
    problems_of(results_csv(*LINES, "Z;T;Innovation sociale;Arrageois;;1;100;;talvez"))
    assert (Edition.objects.count(), AuditEntry.objects.count()) == before
    assert not ImportedProject.objects.exists() and not ImportedResult.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Le fichier des résultats est vide."),
        (b"  \n\n", "Le fichier des résultats est vide."),
        (b"a" * (imports.MAX_BYTES + 1), "Le fichier des résultats dépasse 2 Mo."),
        (
            results_csv(*LINES)[:-20] + b"\x00" + b"\n",
            "Le fichier des résultats contient un octet nul (ligne 4)",
        ),
        (HEADER.encode() + b'\n"X;unclosed\n', "Le fichier des résultats est mal formé"),
        (b"\x81\x8d\x8f\x90", "Le fichier des résultats n'est ni en UTF-8 ni en Windows-1252"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(data, expected):
    problems = problems_of(data)
    assert problems[0].startswith(expected), problems


def test_too_many_lines_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    four = results_csv(*LINES, "Z;T;Coopération;Calaisis;;1;100;;non")
    assert problems_of(four)[0] == "Le fichier des résultats a plus de 3 lignes."


def test_it_reads_utf8_with_bom_cp1252_and_commas():
    text = results_csv(*LINES).decode()
    assert run(b"\xef\xbb\xbf" + text.encode()).projects.count() == 3
    comma = (
        text.replace(";", ",").replace("12 000,00", '"12 000,00"').replace("5000,50", '"5000,50"')
    )
    assert run(comma.encode("cp1252"), year=2020, title="Budget citoyen 2020").projects.count() == 3
    assert ImportedProject.objects.filter(title="Épicerie solidaire").count() == 2


def test_formulas_and_html_are_kept_as_text_and_escaped_on_the_page():
    line = "F1;\"=cmd|' /C calc'!A0 <script>alert(1)</script>\";Coopération;Calaisis;;12;100;;oui"
    run(results_csv(*LINES, line))
    project = ImportedProject.objects.get(reference="F1")
    assert project.title == "=cmd|' /C calc'!A0 <script>alert(1)</script>"
    page = Client().get("/resultats/2021/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "=cmd|&#x27; /C calc&#x27;!A0 &lt;script&gt;" in page


def test_a_second_import_of_a_year_is_refused_unless_it_replaces(staff):
    run()
    assert problems_of()[0].startswith("Les résultats de 2021 sont déjà importés.")
    replaced = run(
        results_csv(LINES[0]), title="Budget citoyen 2021 (corrigé)", replace=True, by=staff
    )
    assert replaced.projects.count() == 1 and ImportedProject.objects.count() == 1
    edition = Edition.objects.get(year=2021)
    assert edition.title == "Budget citoyen 2021 (corrigé)" and edition.categories.count() == 3
    assert (
        AuditEntry.objects.filter(action="results.imported")
        .order_by("pk")
        .last()
        .data["replaced"]["projects"]
        == 3
    )


def test_an_edition_held_on_the_platform_is_never_replaced():
    EditionFactory(year=2021)
    assert problems_of(replace=True)[0].startswith("L'édition 2021 s'est tenue sur la plateforme")


def test_only_past_editions_are_imported():
    assert problems_of(year=2026)[0].startswith("Seuls les résultats d'une édition passée")


def test_the_current_edition_is_never_an_imported_one():
    live = EditionFactory(year=2024)
    run(year=2025, title="Budget citoyen 2025")  # its results date is the latest
    assert current_edition().pk == live.pk


def test_only_staff_import(staff):
    resident = make_persona("resident")
    with pytest.raises(PermissionRefused):
        run(by=resident)
    for person, status in ((None, 404), (resident, 404), (staff, 200)):
        client = Client()
        if person is not None:
            client.force_login(person)
        assert client.get("/gestion/resultats/importer/").status_code == status


def _upload(client: Client, results: bytes, **data):  # type: ignore[no-untyped-def]
    return client.post(
        "/gestion/resultats/importer/",
        {
            "year": "2021",
            "title": "Budget citoyen 2021",
            "results": SimpleUploadedFile("resultats.csv", results, "text/csv"),
            "envelopes": SimpleUploadedFile("enveloppes.csv", ENVELOPES.encode(), "text/csv"),
            **data,
        },
    )


def test_the_page_imports_and_lists_the_errors_keeping_what_was_typed(staff):
    client = Client()
    client.force_login(staff)
    refused = _upload(
        client, results_csv(*LINES, "Z;T;Innovation sociale;Arrageois;;1;100;;talvez")
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "ligne 5, colonne « finance » : « oui » ou « non » attendu" in page
    assert 'value="Budget citoyen 2021"' in page and 'value="2021"' in page
    assert_accessible(refused.content)
    assert not Edition.objects.filter(year=2021).exists()
    done = _upload(client, results_csv(*LINES))
    assert done.status_code == 302 and done["Location"] == "/resultats/2021/"
    assert ImportedResult.objects.get().imported_by == staff


def test_the_command_imports_through_the_same_service(tmp_path):
    results, envelopes = tmp_path / "r.csv", tmp_path / "e.csv"
    results.write_bytes(results_csv(*LINES))
    envelopes.write_text(ENVELOPES)
    call_command("import_results", results, envelopes, year=2021, title="Budget citoyen 2021")
    assert ImportedProject.objects.count() == 3
    with pytest.raises(CommandError, match="déjà importés"):
        call_command("import_results", results, envelopes, year=2021, title="Budget citoyen 2021")
    call_command("import_results", results, envelopes, year=2021, title="B 2021", replace=True)
    assert Edition.objects.get(year=2021).title == "B 2021"

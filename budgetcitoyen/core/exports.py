"""The one writer of every CSV and Excel download of the platform.

French conventions (semicolons, decimal commas, local times) in CSV, real numbers and dates in
XLSX (openpyxl). Every cell, headers included, goes through one conversion, so that no download
can carry a formula, whoever typed its text:

- a number (``int``, ``Decimal``, ``float``) stays a number: unquoted in CSV, a numeric cell in
  XLSX, so a negative amount is ``-12,50`` and sums as one. Callers pass amounts as numbers;
  the same figure passed as text is text, and neutralised like any text.
- a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  ``'``, as OWASP recommends against spreadsheet formula injection (CSV injection); in XLSX
  every text is written as a string cell (``data_type = "s"``), never as a formula.
- characters no XML file can hold (the control characters but tab and line breaks, lone
  surrogates, U+FFFE and U+FFFF) are dropped, in CSV too, so the two files say the same
  (openpyxl would refuse them: an error, not a file); openpyxl cuts a text longer than an
  Excel cell (32,767 characters).
- the file name goes through ``core.http.content_disposition``.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from budgetcitoyen.core.http import content_disposition

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 refuses (openpyxl raises IllegalCharacterError on the control characters).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """A text safe in any spreadsheet: storable characters only, never read as a formula."""
    text = UNSTORABLE.sub("", text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return neutralise(str(value))


def csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response.write("\ufeff")  # so that spreadsheet software reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return response


def xlsx_response(
    filename: str, header: list[str], rows: list[list[Any]], *, title: str
) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row_number, row in enumerate([header, *rows], start=1):
        for column_number, raw in enumerate(row, start=1):
            value = _xlsx_value(raw)
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a string, even if it looked like a formula
            elif row_number > 1 and isinstance(value, Decimal | float):
                cell.number_format = "#,##0.00"
            elif row_number > 1 and isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response

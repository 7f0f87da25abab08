"""The description of a published file's columns: name, type, meaning, unit.

A file published as open data is described column by column on the open-data page and in
its documentation. The module that writes a file declares its columns once with
:class:`Column`; its writer takes the header from the same list (``header(columns)``), so the
page never describes a column the file does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# The types a column may have, in the reader's language.
INTEGER = _("entier")
DECIMAL = _("nombre décimal (virgule)")
DECIMAL_POINT = _("nombre décimal (point)")
DECIMAL_TEXT = _("nombre décimal écrit en texte (point)")
TEXT = _("texte")
BOOLEAN = _("booléen (oui / non)")
DATE = _("date (AAAA-MM-JJ)")
DATETIME = _("date et heure (JJ/MM/AAAA HH:MM, heure de Paris)")
LIST = _("liste")
OBJECT = _("objet")


@dataclass(frozen=True)
class Column:
    name: str  # as the file's header writes it
    type: Any  # one of the types above (a lazy translation)
    meaning: Any  # a lazy translation
    unit: Any = ""
    optional: bool = False  # present only in some files (a rule with points, say)


def header(columns: list[Column] | tuple[Column, ...]) -> list[str]:
    return [column.name for column in columns]

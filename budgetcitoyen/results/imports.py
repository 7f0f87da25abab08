"""Reading the files of a past edition's published results (no database write here).

Two CSV files (format and example: docs/IMPORT.md):

- the **results**, one project a line: ``reference``, ``titre``, ``categorie``, ``territoire``,
  ``commune`` (optional column), ``votes``, ``montant_demande``, ``montant_accorde``,
  ``finance`` (``oui``/``non``);
- the **envelopes**, one category a line: ``categorie``, ``enveloppe``; the order of the lines
  is the categories' priority for leftovers (the first receives first).

A file is read whole before anything is judged, and every problem is named by its line and
column, in French. Bytes: UTF-8 with or without BOM, else Windows-1252; ``;`` or ``,``
between cells (whichever the header line uses); no NUL byte, no control character; at most
``MAX_BYTES`` and ``MAX_ROWS``. Cells are text and stay text: a title starting with ``=`` is
kept as typed (the exports put a ``'`` before it, the pages escape it), never evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from budgetcitoyen.core.formatting import money, parse_amount
from budgetcitoyen.core.inputs import MAX_INTEGER, has_controls
from budgetcitoyen.territories.normalize import fold_letters

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Beyond these, the list of problems stops: the first ones are enough to correct the file.
MAX_PROBLEMS = 50

RESULT_COLUMNS = (
    "reference",
    "titre",
    "categorie",
    "territoire",
    "commune",
    "votes",
    "montant_demande",
    "montant_accorde",
    "finance",
)
OPTIONAL_COLUMNS = {"commune"}
ENVELOPE_COLUMNS = ("categorie", "enveloppe")
# What people write in a header for each column (folded: no accent, case or spacing).
ALIASES = {"voix": "votes", "financement": "finance", "projet": "titre", "ref": "reference"}
MAX_LENGTHS = {"reference": 40, "titre": 200, "categorie": 100, "territoire": 100, "commune": 100}
YES = {"oui", "o", "yes"}
NO = {"non", "n", "no"}


class FileRefused(ValueError):
    """The file cannot be read at all, or holds problems: ``problems`` names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class EnvelopeRow:
    line: int
    category: str
    envelope: Decimal


@dataclass(frozen=True)
class ProjectRow:
    line: int
    reference: str
    title: str
    category: str  # as in the envelopes file
    territory: Any  # a Territory
    commune: Any  # a Commune or None
    votes: int
    amount_requested: Decimal
    amount_granted: Decimal
    funded: bool


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)
    dropped: int = 0

    def add(self, line: int, column: str | None, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        if column is None:
            self.items.append(
                _("ligne %(line)d : %(message)s") % {"line": line, "message": message}
            )
        else:
            self.items.append(
                _("ligne %(line)d, colonne « %(column)s » : %(message)s")
                % {"line": line, "column": column, "message": message}
            )

    def general(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self) -> None:
        if self.dropped:
            self.items.append(
                _("… et %(count)d autres erreurs, non listées.") % {"count": self.dropped}
            )
        if self.items:
            raise FileRefused(self.items)


def decode(data: bytes, *, label: str) -> str:
    """The text of an uploaded file: UTF-8 (a BOM dropped), else Windows-1252."""
    if not data.strip():
        raise FileRefused([_("Le fichier %(label)s est vide.") % {"label": label}])
    if len(data) > MAX_BYTES:
        raise FileRefused(
            [
                _("Le fichier %(label)s dépasse %(size)d Mo.")
                % {"label": label, "size": MAX_BYTES // (1024 * 1024)}
            ]
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FileRefused(
            [
                _(
                    "Le fichier %(label)s contient un octet nul (ligne %(line)d) : ce n'est pas "
                    "un fichier CSV texte."
                )
                % {"label": label, "line": line}
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            [
                _(
                    "Le fichier %(label)s n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le "
                    "en « CSV UTF-8 »."
                )
                % {"label": label}
            ]
        ) from None


def _column_key(header: str) -> str:
    key = fold_letters(header.strip()).replace("-", " ").replace("_", " ")
    key = "_".join(key.split())
    return ALIASES.get(key, key)


def _rows(text: str, columns: tuple[str, ...], *, label: str) -> list[tuple[int, dict[str, str]]]:
    """The non-blank lines of ``text`` after its header, as (line number, cells by column)."""
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise FileRefused([_("Le fichier %(label)s est vide.") % {"label": label}])
    first = lines[header_line]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FileRefused(
            [
                _("Le fichier %(label)s est mal formé à la ligne %(line)d (guillemet non fermé ?).")
                % {"label": label, "line": reader.line_num}
            ]
        ) from error
    records = [(n, row) for n, row in records if any(cell.strip() for cell in row)]
    (header_number, header), body = records[0], records[1:]
    keys = [_column_key(cell) for cell in header]
    problems = _Problems()
    missing = [c for c in columns if c not in keys and c not in OPTIONAL_COLUMNS]
    for column in missing:
        problems.add(header_number, column, _("colonne manquante dans l'en-tête"))
    doubled = sorted({k for k in keys if keys.count(k) > 1 and k in columns})
    for column in doubled:
        problems.add(header_number, column, _("colonne présente deux fois"))
    problems.raise_if_any()
    if len(body) > MAX_ROWS:
        raise FileRefused(
            [
                _("Le fichier %(label)s a plus de %(count)d lignes.")
                % {"label": label, "count": MAX_ROWS}
            ]
        )
    found = []
    for number, row in body:
        if len(row) != len(keys):
            problems.add(
                number,
                None,
                _("%(found)d cellules au lieu de %(expected)d (séparateur « %(sep)s »)")
                % {"found": len(row), "expected": len(keys), "sep": delimiter},
            )
            continue
        cells = {k: v.strip() for k, v in zip(keys, row, strict=True) if k in columns}
        found.append((number, cells))
    problems.raise_if_any()
    return found


def _text(problems: _Problems, line: int, cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if has_controls(value, multiline=False):
        problems.add(line, column, _("caractère de contrôle interdit"))
        return ""
    if len(value) > MAX_LENGTHS.get(column, 200):
        problems.add(
            line,
            column,
            _("%(max)d caractères au plus") % {"max": MAX_LENGTHS.get(column, 200)},
        )
        return ""
    return value


def _amount(problems: _Problems, line: int, value: str, column: str) -> Decimal | None:
    try:
        amount = parse_amount(value)
    except ValueError:
        problems.add(line, column, _("montant attendu (par exemple 12 500,50)"))
        return None
    if amount >= Decimal("1e10"):
        problems.add(line, column, _("montant trop grand"))
        return None
    return amount


def read_envelopes(data: bytes) -> list[EnvelopeRow]:
    """The categories and envelopes, in priority order; raises ``FileRefused``."""
    label = _("des enveloppes")
    rows = _rows(decode(data, label=label), ENVELOPE_COLUMNS, label=label)
    problems = _Problems()
    found: list[EnvelopeRow] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        name = _text(problems, line, cells, "categorie")
        if not name:
            if cells.get("categorie", "") == "":
                problems.add(line, "categorie", _("nom de catégorie attendu"))
            continue
        if fold_letters(name) in seen:
            problems.add(
                line,
                "categorie",
                _("catégorie déjà donnée ligne %(line)d") % {"line": seen[fold_letters(name)]},
            )
            continue
        seen[fold_letters(name)] = line
        envelope = _amount(problems, line, cells.get("enveloppe", ""), "enveloppe")
        if envelope is not None:
            found.append(EnvelopeRow(line, name, envelope))
    if not rows:
        problems.general(_("Le fichier des enveloppes ne donne aucune catégorie."))
    problems.raise_if_any()
    return found


def read_results(
    data: bytes,
    *,
    categories: list[str],
    territory_named: Callable[[str], Any],
    commune_named: Callable[[str, Any], tuple[Any, str | None]],
) -> list[ProjectRow]:
    """The projects of the results file; raises ``FileRefused`` naming every problem.

    ``territory_named(text)`` returns the territory or None; ``commune_named(text,
    territory)`` returns (commune, None) or (None, the problem in French).
    """
    label = _("des résultats")
    rows = _rows(decode(data, label=label), RESULT_COLUMNS, label=label)
    problems = _Problems()
    by_folded = {fold_letters(name): name for name in categories}
    references: dict[str, int] = {}
    found: list[ProjectRow] = []
    for line, cells in rows:
        before = len(problems.items) + problems.dropped
        reference = _text(problems, line, cells, "reference")
        if not reference and not cells.get("reference"):
            problems.add(line, "reference", _("référence attendue"))
        elif reference in references:
            problems.add(
                line,
                "reference",
                _("référence déjà utilisée ligne %(line)d") % {"line": references[reference]},
            )
        elif reference:
            references[reference] = line
        title = _text(problems, line, cells, "titre")
        if not title and not cells.get("titre"):
            problems.add(line, "titre", _("titre attendu"))
        category_text = _text(problems, line, cells, "categorie")
        category = by_folded.get(fold_letters(category_text))
        if category is None:
            problems.add(
                line,
                "categorie",
                _("catégorie « %(name)s » absente du fichier des enveloppes (%(known)s)")
                % {"name": category_text, "known": ", ".join(categories)},
            )
        territory_text = _text(problems, line, cells, "territoire")
        territory = territory_named(territory_text) if territory_text else None
        if territory is None:
            problems.add(
                line,
                "territoire",
                _("territoire « %(name)s » inconnu") % {"name": territory_text}
                if territory_text
                else _("territoire attendu"),
            )
        commune_text = _text(problems, line, cells, "commune")
        commune = None
        if commune_text:
            commune, problem = commune_named(commune_text, territory)
            if problem:
                problems.add(line, "commune", problem)
        votes_text = cells.get("votes", "").replace(" ", "").replace("\u00a0", "")
        votes = int(votes_text) if votes_text.isascii() and votes_text.isdigit() else None
        if votes is None or votes > MAX_INTEGER:
            problems.add(line, "votes", _("nombre entier attendu"))
        requested = _amount(problems, line, cells.get("montant_demande", ""), "montant_demande")
        funded_text = fold_letters(cells.get("finance", ""))
        funded = True if funded_text in YES else False if funded_text in NO else None
        if funded is None:
            problems.add(line, "finance", _("« oui » ou « non » attendu"))
        granted_text = cells.get("montant_accorde", "")
        granted: Decimal | None
        if granted_text:
            granted = _amount(problems, line, granted_text, "montant_accorde")
        else:  # not given: a funded project received what it asked for
            granted = requested if funded else Decimal(0)
        if funded is False and granted:
            problems.add(
                line, "montant_accorde", _("un projet non financé ne reçoit aucun montant")
            )
        if funded and granted is not None and granted <= 0:
            problems.add(line, "montant_accorde", _("un projet financé reçoit un montant"))
        if len(problems.items) + problems.dropped == before:
            assert votes is not None and requested is not None and granted is not None
            assert category is not None and funded is not None
            found.append(
                ProjectRow(
                    line,
                    reference,
                    title,
                    category,
                    territory,
                    commune,
                    votes,
                    requested,
                    granted,
                    funded,
                )
            )
    if not rows:
        problems.general(_("Le fichier des résultats ne donne aucun projet."))
    problems.raise_if_any()
    return found


def check_totals(projects: list[ProjectRow], envelopes: list[EnvelopeRow]) -> None:
    """The amounts granted fit in the envelopes together (leftovers move between categories,
    so only the total is bounded)."""
    granted = sum((p.amount_granted for p in projects), Decimal(0))
    total = sum((e.envelope for e in envelopes), Decimal(0))
    if granted > total:
        raise FileRefused(
            [
                _("Le total accordé (%(granted)s) dépasse la somme des enveloppes (%(total)s).")
                % {"granted": money(granted), "total": money(total)}
            ]
        )

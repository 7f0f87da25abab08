"""Read and write elections in the pabulib ``.pb`` format (pabulib.org/format).

A ``.pb`` file is UTF-8 text in three sections, in this order, each a title line (``META``,
``PROJECTS``, ``VOTES``), a header line naming the columns, then ``;``-separated rows (CSV
quoting: a value holding ``;``, ``"`` or a line break is put between double quotes).

Reading is strict: anything that would make a count doubtful stops it with a
:class:`PabulibError` naming the file, the physical line (1-based) and the problem, in French.
Cells are stripped of surrounding spaces; amounts (``budget``, ``cost``) are exact decimals with
a point (``1250.50``), read into ``Fraction``; a decimal comma is refused rather than guessed.
Checked: sections and their headers, the number of fields of each row, unique project and voter
ids, costs and budget, ballots naming known projects at most once, points (one integer per
project, not negative but for ``scoring``), ``max_length``, one project at most for
``choose-1``, and ``num_projects`` / ``num_votes`` when given. Not checked, as no count depends
on them: ``min_length`` (a short or empty ballot still counts as a voter), point and cost limits
per ballot (``max_points``, ``max_sum_points``, ``max_sum_cost``).

How ballots become a :class:`~budgetcitoyen.tally.model.Profile` (:meth:`Election.profile`):

- ``approval`` and ``choose-1``: each ballot approves the projects it lists;
- ``cumulative`` and ``scoring``: each ballot gives its ``points`` to the projects it lists,
  and a project's score is the sum of its points;
- ``ordinal``: when the file has a ``points`` column, the points it gives each rank are used
  like cumulative points (this is how cities publish ranked ballots, e.g. 3, 2, 1 for the first
  three choices in Kraków, and it is what their official count used); without a ``points``
  column, each ranked project counts as approved, whatever its rank.

Projects: ``Project.category`` is the ``category`` cell as written (pabulib allows several
categories separated by commas: ``"culture,sport"`` is then one category for the envelopes of
the envelopes rule); ``Project.territory`` is the ``territory`` cell, else the ``district``
cell; both are ``None`` for an empty cell or ``None``. ``Project.name`` is the ``name`` cell.
Every cell, these and the others (``target``, ``votes``, ``selected``…), stays in
:attr:`Election.project_rows` as read.

Writing (:func:`write`) puts META keys, PROJECTS columns and VOTES columns in pabulib's
canonical order (unknown ones after, in their order), recomputes ``num_projects`` and
``num_votes``, quotes only the values that need it and ends lines with ``\\n``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat
from pathlib import Path
from typing import IO

from budgetcitoyen.tally.model import Profile, Project, TallyError

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
SECTIONS = ("META", "PROJECTS", "VOTES")

# pabulib's canonical order (the one its checker expects); unknown keys come after.
META_ORDER = (
    "description",
    "country",
    "unit",
    "district",
    "subunit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "default_score",
    "min_project_cost",
    "max_project_cost",
    "min_project_score_threshold",
    "neighborhoods",
    "subdistricts",
    "categories",
    "edition",
    "language",
    "currency",
    "fully_funded",
    "experimental",
    "comment",
    "acknowledgments",
    "leftover_budget",
    "budget_per_category",
    "budget_per_neighborhood",
    "min_length_per_category",
    "max_length_per_category",
    "min_sum_cost_per_category",
    "max_sum_cost_per_category",
)
PROJECT_ORDER = (
    "project_id",
    "cost",
    "votes",
    "score",
    "name",
    "category",
    "beneficiaries",
    "selected",
    "neighborhood",
    "subunit",
    "district",
    "description",
    "proposer",
    "public_id",
    "latitude",
    "longitude",
)
VOTE_ORDER = (
    "voter_id",
    "vote",
    "points",
    "age",
    "sex",
    "voting_method",
    "district",
    "neighborhood",
    "education",
)

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_POINTS = re.compile(r"([+-]?\d+)(?:\.0*)?")  # 3, or 3.0 as some tools write it
_SPACE = re.compile(r"[^\S\n]")  # what a cell's strip() would remove, but line ends


class PabulibError(TallyError):
    """A malformed ``.pb`` file, or a request it cannot serve, with the line concerned.

    ``line`` is the 1-based physical line of the file, or ``None`` when no line is to blame.
    """

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


@dataclass
class Vote:
    """One ballot: the projects in file order, their points if the file gives points, and the
    other columns (``age``, ``sex``, ``voting_method``…) as read."""

    voter_id: str
    choices: list[str]
    points: list[int] | None = None
    fields: dict[str, str] = field(default_factory=dict)
    line: int | None = field(default=None, compare=False)


@dataclass
class Election:
    """A whole ``.pb`` file: META in file order, the projects, every PROJECTS cell as read
    (``project_rows``, by project id), the ballots and the vote type.

    ``path``, ``meta_lines`` and ``project_lines`` (1-based lines of each META key and project)
    let errors about a request name the line to look at; they play no part in equality."""

    meta: dict[str, str]
    projects: list[Project]
    project_rows: dict[str, dict[str, str]]
    votes: list[Vote]
    vote_type: str
    path: str = field(default="", compare=False)
    meta_lines: dict[str, int] = field(default_factory=dict, compare=False)
    project_lines: dict[str, int] = field(default_factory=dict, compare=False)
    # Read with ``votes=False``: the ballots only counted (``votes`` stays empty).
    counted: Profile | None = field(default=None, compare=False, repr=False)
    counted_with_points: bool = field(default=False, compare=False, repr=False)

    @property
    def budget(self) -> Fraction:
        text = self.meta.get("budget")
        if text is None:
            raise self.error("budget", "clé « budget » absente de META")
        amount = parse_amount(text)
        if amount is None:
            raise self.error("budget", f"budget invalide « {text} »")
        return amount

    def uses_points(self) -> bool:
        """Whether :meth:`profile` counts points (else approvals)."""
        return self.vote_type in ("cumulative", "scoring") or (
            self.vote_type == "ordinal" and self.has_points()
        )

    def profile(self) -> Profile:
        """The ballots for the counting engine (see the module docstring for each vote type)."""
        if self.counted is not None:
            return self.counted
        if self.uses_points():
            return Profile.from_points(
                dict(zip(v.choices, v.points or [], strict=True)) for v in self.votes
            )
        return Profile.from_approvals(v.choices for v in self.votes)

    def has_points(self) -> bool:
        if self.counted is not None:
            return self.counted_with_points
        return any(v.points is not None for v in self.votes)

    def official_selected(self) -> list[str] | None:
        """Projects whose ``selected`` cell is 1, in the order of the PROJECTS section; ``None``
        when the file has no ``selected`` column."""
        if not any("selected" in row for row in self.project_rows.values()):
            return None
        return [
            p.id for p in self.projects if self.project_rows.get(p.id, {}).get("selected") == "1"
        ]

    def error(
        self, meta_key: str | None, problem: str, *, project: str | None = None
    ) -> PabulibError:
        """A :class:`PabulibError` pointing at a META key's line, or at a project's line."""
        line = self.project_lines.get(project) if project is not None else None
        if line is None and meta_key is not None:
            line = self.meta_lines.get(meta_key)
        return PabulibError(self.path, line, problem)


# --- Amounts -----------------------------------------------------------------------------------


def parse_amount(text: str) -> Fraction | None:
    """An exact non-negative decimal (``1250``, ``1250.5``), or ``None`` if the text is not one."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text) or text.startswith("-"):
        return None
    return Fraction(text.lstrip("+"))


def _amount_problem(label: str, text: str) -> str:
    text = text.strip()
    if text.startswith("-") and _DECIMAL.fullmatch(text):
        return f"{label} négatif « {text} »"
    if re.fullmatch(r"\d+,\d+", text):
        return f"{label} invalide « {text} » : le séparateur décimal est le point ({text.replace(',', '.')})"
    if not text:
        return f"{label} manquant"
    return f"{label} invalide « {text} » : un nombre est attendu"


def decimal_text(amount: Fraction) -> str:
    """The exact decimal writing of an amount: ``6112868``, ``12.5``, ``-0.25``.

    Raises ``ValueError`` for a fraction with no finite decimal writing (such as 1/3): amounts
    all come from decimal inputs, so it cannot happen to a budget, a cost or their sums."""
    amount = Fraction(amount)
    denominator = amount.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{amount} n'a pas d'écriture décimale finie")
    places = max(twos, fives)
    sign = "-" if amount < 0 else ""
    scaled = abs(amount.numerator) * 10**places // amount.denominator
    if places == 0:
        return f"{sign}{scaled}"
    units, rest = divmod(scaled, 10**places)
    return f"{sign}{units}.{rest:0{places}d}".rstrip("0")


# --- Reading -----------------------------------------------------------------------------------


def read(path: str | os.PathLike[str], *, votes: bool = True) -> Election:
    """Read a ``.pb`` file; :class:`PabulibError` (with the line) if it cannot be used.

    ``votes=False`` when only the count matters (``pb tally``): the ballots are checked as
    strictly, but counted rather than kept, so ``Election.votes`` stays empty and
    ``Election.profile()`` gives them grouped."""
    name = os.fspath(path)
    try:
        raw = Path(name).read_bytes()
    except FileNotFoundError:
        raise PabulibError(name, None, "fichier introuvable") from None
    except IsADirectoryError:
        raise PabulibError(name, None, "c'est un dossier, pas un fichier .pb") from None
    except PermissionError:
        raise PabulibError(name, None, "lecture du fichier refusée (droits)") from None
    except OSError as error:
        raise PabulibError(name, None, f"fichier illisible ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = raw[: error.start + bom].count(b"\n") + 1
        raise PabulibError(name, line, "le fichier n'est pas en UTF-8") from None
    return parse(text, name, votes=votes)


class _Rows:
    """Non-blank CSV records with the physical line where each begins, cells stripped;
    ``end`` is the last physical line read so far."""

    def __init__(self, text: str) -> None:
        self.reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=";", skipinitialspace=True, strict=True
        )
        self.end = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        while True:
            try:
                row = next(self.reader)
            except csv.Error as error:
                raise _CsvProblem(self.end + 1, str(error)) from None
            start = self.end + 1
            self.end = self.reader.line_num
            cells = [cell.strip() for cell in row]
            if any(cells):
                return start, cells


def _has_space(text: str) -> bool:
    """Whether ``text`` holds what a cell's ``strip()`` removes, line ends apart (the ASCII
    ones looked for directly: a regular expression over megabytes is slower)."""
    if text.isascii():
        return any(c in text for c in " \t\x0b\x0c\r\x1c\x1d\x1e\x1f")
    return _SPACE.search(text) is not None


class _SlowPath(Exception):
    """A VOTES line the fast reading leaves to the strict one (which says what is wrong)."""


class _CsvProblem(Exception):
    def __init__(self, line: int, detail: str) -> None:
        self.line = line
        self.detail = detail


def _fit(cells: list[str], width: int) -> list[str] | None:
    """The cells of a row of ``width`` columns (extra empty cells at the end are tolerated)."""
    if len(cells) > width and not any(cells[width:]):
        cells = cells[:width]
    return cells if len(cells) == width else None


def _section_name(cells: list[str]) -> str | None:
    if len(cells) >= 1 and not any(cells[1:]) and cells[0].upper() in SECTIONS:
        return cells[0].upper()
    return None


def parse(text: str, path: str = "<texte>", *, votes: bool = True) -> Election:
    """Parse the text of a ``.pb`` file; ``path`` names it in errors (``votes``: see
    :func:`read`).

    The VOTES section, nearly all of a file, is first read line by line without the CSV
    reader when nothing in it needs quoting; at the first line that is anything but a plain
    valid ballot, the whole file is read again the strict way, which names the problem."""
    try:
        try:
            return _Parser(path, fast=True, keep=votes).parse(text)
        except _SlowPath:
            return _Parser(path, fast=False, keep=votes).parse(text)
    except _CsvProblem as problem:
        if "end of data" in problem.detail:
            text = "guillemet ouvert ici et jamais fermé"
        elif "expected after" in problem.detail:
            text = "après un guillemet fermant, un « ; » ou la fin de ligne est attendu"
        else:
            text = "guillemets mal placés"
        raise PabulibError(path, problem.line, f"ligne mal formée : {text}") from None


class _Parser:
    def __init__(self, path: str, *, fast: bool = False, keep: bool = True) -> None:
        self.path = path
        self.fast = fast
        self.keep = keep  # keep each Vote, or only count the ballots
        self.counted: Profile | None = None
        self.counted_with_points = False
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.projects: list[Project] = []
        self.project_rows: dict[str, dict[str, str]] = {}
        self.project_lines: dict[str, int] = {}
        self.votes: list[Vote] = []
        self.section_lines: dict[str, int] = {}
        self.vote_type = ""
        self.last_line = 0
        self.max_length: int | None = None
        self.voter_lines: dict[str, int] = {}

    def fail(self, line: int | None, problem: str) -> PabulibError:
        return PabulibError(self.path, line, problem)

    def parse(self, text: str) -> Election:
        rows = _Rows(text)
        section: str | None = None
        header: list[str] = []
        header_line = 0
        for line, cells in rows:
            self.last_line = line
            name = _section_name(cells)
            if name is not None:
                expected = (
                    SECTIONS[len(self.section_lines)] if len(self.section_lines) < 3 else None
                )
                if name in self.section_lines:
                    raise self.fail(
                        line,
                        f"section {name} en double (déjà ouverte ligne {self.section_lines[name]})",
                    )
                if name != expected:
                    raise self.fail(
                        line, f"section {name} inattendue : la section {expected} doit venir avant"
                    )
                self.section_lines[name] = line
                section = name
                header_line, header = self.header(rows, name, line)
                if name == "VOTES":
                    self.start_votes(header, header_line)
                    if self.fast and not self.keep and self.count_votes(text, rows.end, header):
                        break
                    if self.fast and self.plain_votes(text, rows.end, header):
                        break
                continue
            if section is None:
                raise self.fail(line, "le fichier doit commencer par la ligne META")
            if section == "META":
                self.meta_row(line, cells)
            elif section == "PROJECTS":
                self.project_row(line, cells, header, header_line)
            else:
                self.vote_row(line, cells, header, header_line)
        for name in SECTIONS:
            if name not in self.section_lines:
                raise self.fail(
                    self.last_line or 1, f"section {name} manquante (le fichier s'arrête là)"
                )
        self.check_counts()
        election = Election(
            meta=self.meta,
            projects=self.projects,
            project_rows=self.project_rows,
            votes=self.votes,
            vote_type=self.vote_type,
            path=self.path,
            meta_lines=self.meta_lines,
            project_lines=self.project_lines,
            counted=self.counted,
            counted_with_points=self.counted_with_points,
        )
        if not self.keep and election.counted is None:  # read a row at a time after all
            election.counted, election.counted_with_points = (
                election.profile(),
                election.has_points(),
            )
            election.votes = []
        return election

    def header(
        self, rows: Iterator[tuple[int, list[str]]], name: str, marker_line: int
    ) -> tuple[int, list[str]]:
        try:
            line, cells = next(rows)
        except StopIteration:
            raise self.fail(marker_line, f"la ligne d'en-tête manque après {name}") from None
        self.last_line = line
        while cells and not cells[-1]:
            cells = cells[:-1]
        if name == "META":
            if [c.lower() for c in cells] != ["key", "value"]:
                raise self.fail(
                    line, f"en-tête de META attendu « key;value », trouvé « {';'.join(cells)} »"
                )
            return line, cells
        if _section_name(cells) is not None:
            raise self.fail(line, f"la ligne d'en-tête manque après {name}")
        if "" in cells:
            raise self.fail(line, f"en-tête de {name} : une colonne sans nom")
        seen: set[str] = set()
        for cell in cells:
            if cell in seen:
                raise self.fail(line, f"en-tête de {name} : colonne « {cell} » en double")
            seen.add(cell)
        required = ("project_id", "cost") if name == "PROJECTS" else ("voter_id", "vote")
        for column in required:
            if column not in cells:
                raise self.fail(line, f"en-tête de {name} : colonne « {column} » manquante")
        return line, cells

    # META ---------------------------------------------------------------------------------

    def meta_row(self, line: int, cells: list[str]) -> None:
        fitted = _fit(cells, 2)
        if fitted is None:
            if len(cells) < 2:
                raise self.fail(
                    line, f"META : valeur manquante pour « {cells[0]} » (attendu clé;valeur)"
                )
            raise self.fail(
                line,
                f"META : {len(cells)} champs au lieu de 2 (une valeur contenant « ; » "
                "doit être entre guillemets)",
            )
        key, value = fitted
        if not key:
            raise self.fail(line, "META : clé vide")
        if key in self.meta:
            raise self.fail(
                line, f"META : clé « {key} » en double (déjà ligne {self.meta_lines[key]})"
            )
        self.meta[key] = value
        self.meta_lines[key] = line

    def meta_int(self, key: str) -> int | None:
        if key not in self.meta:
            return None
        text = self.meta[key]
        if not _INTEGER.fullmatch(text) or int(text) < 0:
            raise self.fail(
                self.meta_lines[key],
                f"META : « {key} » doit être un entier positif, trouvé « {text} »",
            )
        return int(text)

    # PROJECTS -----------------------------------------------------------------------------

    def project_row(self, line: int, cells: list[str], header: list[str], header_line: int) -> None:
        fitted = _fit(cells, len(header))
        if fitted is None:
            raise self.fail(
                line,
                f"PROJECTS : {len(cells)} champs au lieu de {len(header)} "
                f"(en-tête ligne {header_line})",
            )
        row = dict(zip(header, fitted, strict=True))
        project_id = row["project_id"]
        if not project_id:
            raise self.fail(line, "PROJECTS : identifiant de projet vide")
        if project_id in self.project_rows:
            raise self.fail(
                line,
                f"PROJECTS : projet « {project_id} » en double (déjà ligne {self.project_lines[project_id]})",
            )
        cost = parse_amount(row["cost"])
        if cost is None:
            raise self.fail(
                line, "PROJECTS : " + _amount_problem(f"coût du projet {project_id}", row["cost"])
            )
        territory = _optional(row.get("territory")) or _optional(row.get("district"))
        self.projects.append(
            Project(
                id=project_id,
                cost=cost,
                category=_optional(row.get("category")),
                territory=territory,
                name=row.get("name", ""),
            )
        )
        self.project_rows[project_id] = row
        self.project_lines[project_id] = line

    # VOTES --------------------------------------------------------------------------------

    def start_votes(self, header: list[str], header_line: int) -> None:
        if "vote_type" not in self.meta:
            raise self.fail(self.section_lines["META"], "META : clé « vote_type » manquante")
        vote_type = self.meta["vote_type"]
        if vote_type not in VOTE_TYPES:
            raise self.fail(
                self.meta_lines["vote_type"],
                f"META : vote_type inconnu « {vote_type} » (types : {', '.join(VOTE_TYPES)})",
            )
        self.vote_type = vote_type
        if "budget" not in self.meta:
            raise self.fail(self.section_lines["META"], "META : clé « budget » manquante")
        if parse_amount(self.meta["budget"]) is None:
            raise self.fail(
                self.meta_lines["budget"],
                "META : " + _amount_problem("budget", self.meta["budget"]),
            )
        if vote_type in ("cumulative", "scoring") and "points" not in header:
            raise self.fail(
                header_line,
                f"en-tête de VOTES : colonne « points » manquante pour un vote {vote_type}",
            )
        self.max_length = self.meta_int("max_length")

    def vote_row(self, line: int, cells: list[str], header: list[str], header_line: int) -> None:
        fitted = _fit(cells, len(header))
        if fitted is None:
            raise self.fail(
                line,
                f"VOTES : {len(cells)} champs au lieu de {len(header)} (en-tête ligne {header_line})",
            )
        row = dict(zip(header, fitted, strict=True))
        voter_id = row.pop("voter_id")
        if not voter_id:
            raise self.fail(line, "VOTES : identifiant de votant vide")
        if voter_id in self.voter_lines:
            raise self.fail(
                line,
                f"VOTES : votant « {voter_id} » en double (déjà ligne {self.voter_lines[voter_id]})",
            )
        self.voter_lines[voter_id] = line
        vote_text = row.pop("vote")
        choices = [c.strip() for c in vote_text.split(",")] if vote_text else []
        seen: set[str] = set()
        for choice in choices:
            if not choice:
                raise self.fail(
                    line, f"VOTES : votant {voter_id} : projet vide dans « {vote_text} »"
                )
            if choice not in self.project_rows:
                raise self.fail(line, f"VOTES : votant {voter_id} : projet inconnu « {choice} »")
            if choice in seen:
                raise self.fail(
                    line, f"VOTES : votant {voter_id} : projet « {choice} » choisi deux fois"
                )
            seen.add(choice)
        if self.max_length is not None and len(choices) > self.max_length:
            raise self.fail(
                line,
                f"VOTES : votant {voter_id} : {len(choices)} projets choisis, plus que max_length "
                f"= {self.max_length} (ligne {self.meta_lines['max_length']})",
            )
        if self.vote_type == "choose-1" and len(choices) > 1:
            raise self.fail(
                line,
                f"VOTES : votant {voter_id} : {len(choices)} projets choisis pour un vote choose-1",
            )
        points: list[int] | None = None
        points_text = row.pop("points", None)
        if self.vote_type in ("cumulative", "scoring", "ordinal") and points_text is not None:
            points = self.points(line, voter_id, choices, points_text)
        elif points_text:
            raise self.fail(
                line,
                f"VOTES : votant {voter_id} : des points pour un vote {self.vote_type}, qui n'en a pas",
            )
        elif points_text is not None:
            row["points"] = points_text  # an empty points column of an approval file: kept as is
        self.votes.append(Vote(voter_id, choices, points, row, line))

    def count_votes(self, text: str, end: int, header: list[str]) -> bool:
        """Count the VOTES rows after physical line ``end`` a column at a time, when every row
        is plain: no quote, no space to strip, no blank line, as many cells on every line.
        Each distinct ballot is checked once, as ``vote_row`` checks it. False (nothing read)
        when the rows are not all plain; ``_SlowPath`` at anything ``vote_row`` refuses."""
        if text.count("\r") != text.count("\r\n"):
            return False
        parts = text.split("\n", end)
        rest = parts[end].replace("\r\n", "\n") if len(parts) > end else ""
        if rest.endswith("\n"):
            rest = rest[:-1]
        if not rest or '"' in rest or "\x00" in rest or _has_space(rest):
            return False
        lines = rest.split("\n")
        width = len(header)
        if set(map(str.count, lines, repeat(";", len(lines)))) != {width - 1}:
            return False  # a blank line, a section title, a row of another width
        cells = rest.replace("\n", ";").split(";")
        n = len(lines)
        voter_ids = cells[header.index("voter_id") :: width]
        if "" in voter_ids or len(set(voter_ids)) != n:
            return False
        with_points = self.vote_type in ("cumulative", "scoring", "ordinal")
        votes = cells[header.index("vote") :: width]
        points_given = with_points and "points" in header
        if (
            "points" in header
            and not points_given
            and set(cells[header.index("points") :: width]) != {""}
        ):
            return False  # points in an approval file: vote_row says so
        if self.vote_type in ("cumulative", "scoring") and not points_given:
            return False  # start_votes requires their points column: cannot happen
        # Each distinct ballot once: its vote cell (with its points cell), and how many cast it.
        ballots: Counter[str] | Counter[tuple[str, str]] = (
            Counter(zip(votes, cells[header.index("points") :: width], strict=True))
            if points_given
            else Counter(votes)
        )
        if "" in votes and any(  # empty ballots: is one of them a section title?
            voter_ids[i].upper() in SECTIONS for i, v in enumerate(votes) if not v
        ):
            return False
        known = self.project_rows.keys()
        most = self.max_length if self.max_length is not None else len(known)
        if self.vote_type == "choose-1":
            most = min(most, 1)
        approvals: Counter[frozenset[str]] = Counter()
        totals: Counter[str] = Counter()
        for ballot, count in ballots.items():
            if isinstance(ballot, tuple):
                vote_text, points_text = ballot
            else:
                vote_text, points_text = ballot, ""
            choices = vote_text.split(",") if vote_text else []
            chosen = frozenset(choices)
            # vote_row's checks: no empty choice, known projects, each once, not too many.
            if len(chosen) != len(choices) or len(choices) > most or not known >= chosen:
                raise _SlowPath
            if "" in chosen:
                raise _SlowPath
            if points_given:
                values = points_text.split(",") if points_text else []
                if len(values) != len(choices) or not all(v.isdecimal() for v in values):
                    raise _SlowPath
                for choice, value in zip(choices, values, strict=True):
                    totals[choice] += int(value) * count
            else:
                approvals[chosen] = approvals.get(chosen, 0) + count
        if points_given:
            self.counted = Profile(points=totals, voters=n)
        else:
            self.counted = Profile(approvals=approvals, voters=n)
        self.counted_with_points = points_given
        self.last_line = end + n
        return True

    def plain_votes(self, text: str, end: int, header: list[str]) -> bool:
        """Read the VOTES rows after physical line ``end`` without the CSV reader, as
        ``vote_row`` would. False (nothing read) when a cell may be quoted or a line end is a
        lone CR; ``_SlowPath`` at the first row that is not a plain valid ballot."""
        if text.count("\r") != text.count("\r\n"):
            return False  # a lone CR ends a line for the CSV reader, not for split
        parts = text.split("\n", end)
        rest = parts[end] if len(parts) > end else ""
        if '"' in rest or "\x00" in rest:
            return False
        with_points = self.vote_type in ("cumulative", "scoring", "ordinal")
        if "points" in header and not with_points:
            return False  # an approval file's points column: vote_row says what it holds
        width = len(header)
        known = self.project_rows.keys()
        max_length = self.max_length
        one = self.vote_type == "choose-1"
        checked: dict[str, list[str]] = {}  # vote cell -> its choices, once found valid
        voter_lines = self.voter_lines
        votes = self.votes
        line = end
        for raw in rest.split("\n"):
            line += 1
            if not raw.replace(";", "").strip():
                continue  # a blank line
            cells = list(map(str.strip, raw.split(";")))
            if len(cells) != width:
                raise _SlowPath
            row = dict(zip(header, cells, strict=True))
            voter_id = row.pop("voter_id")
            vote_text = row.pop("vote")
            if not voter_id or voter_id in voter_lines:
                raise _SlowPath
            if not vote_text and voter_id.upper() in SECTIONS:
                raise _SlowPath  # perhaps a section title
            voter_lines[voter_id] = line
            choices = checked.get(vote_text)
            if choices is None:
                choices = [c.strip() for c in vote_text.split(",")] if vote_text else []
                if (
                    "" in choices
                    or not known >= set(choices)
                    or len(set(choices)) != len(choices)
                    or (max_length is not None and len(choices) > max_length)
                    or (one and len(choices) > 1)
                ):
                    raise _SlowPath
                checked[vote_text] = choices
            points: list[int] | None = None
            points_text = row.pop("points", None)
            if points_text is not None:
                values = points_text.split(",") if points_text else []
                if len(values) != len(choices) or not all(v.isdecimal() for v in values):
                    raise _SlowPath  # signs, "3.0", spaces, a count that does not match
                points = [int(v) for v in values]
            votes.append(Vote(voter_id, list(choices), points, row, line))
        self.last_line = line
        return True

    def points(self, line: int, voter_id: str, choices: list[str], text: str) -> list[int]:
        if not text:
            if choices:
                raise self.fail(line, f"VOTES : votant {voter_id} : points manquants")
            return []
        values = [v.strip() for v in text.split(",")]
        if len(values) != len(choices):
            raise self.fail(
                line,
                f"VOTES : votant {voter_id} : {len(values)} points pour {len(choices)} projets",
            )
        points = []
        for value in values:
            match = _POINTS.fullmatch(value)
            if match is None:
                raise self.fail(
                    line,
                    f"VOTES : votant {voter_id} : points invalides « {value} » (entier attendu)",
                )
            point = int(match.group(1))
            if point < 0 and self.vote_type != "scoring":
                raise self.fail(line, f"VOTES : votant {voter_id} : points négatifs « {value} »")
            points.append(point)
        return points

    def check_counts(self) -> None:
        for key, actual, what in (
            ("num_projects", len(self.projects), "projets"),
            (
                "num_votes",
                len(self.votes) if self.counted is None else self.counted.voters,
                "votes",
            ),
        ):
            declared = self.meta_int(key)
            if declared is not None and declared != actual:
                raise self.fail(
                    self.meta_lines[key],
                    f"META : {key} annonce {declared} {what}, le fichier en contient {actual}",
                )


def _optional(text: str | None) -> str | None:
    if text is None or not text or text.lower() == "none":
        return None
    return text


# --- Writing -----------------------------------------------------------------------------------


def _cell(value: str) -> str:
    value = value.strip()
    if ";" in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _line(cells: list[str]) -> str:
    return ";".join(_cell(c) for c in cells) + "\n"


def _ordered(keys: list[str], canonical: tuple[str, ...]) -> list[str]:
    known = [k for k in canonical if k in keys]
    return known + [k for k in keys if k not in canonical]


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def dumps(election: Election) -> str:
    """The text of the ``.pb`` file for an election."""
    return "".join(
        _chunks(
            election,
            [(v.choices, v.points, v.fields, 1) for v in election.votes],
            (v.voter_id for v in election.votes),
        )
    )


def dumps_grouped(
    election: Election,
    groups: Sequence[tuple[Sequence[str], Sequence[int] | None, Mapping[str, str], int]],
    voter_ids: Iterable[object],
) -> str:
    """The ``.pb`` text for identical ballots given once with their count (``election.votes``
    is ignored): ``groups`` holds (choices, points or None, other columns, count), and
    ``voter_ids`` gives one id per ballot, in order (a ``range`` is never made a list)."""
    return "".join(_chunks(election, groups, voter_ids))


def dumps_lines(
    election: Election,
    groups: Sequence[tuple[Sequence[str], Sequence[int] | None, Mapping[str, str], int]],
    lines: Sequence[tuple[str, int]],
) -> str:
    """The ``.pb`` text listing ballots one per line in the order of ``lines``: (voter id, index
    of its ballot in ``groups``), where ``groups`` holds each distinct ballot once (choices,
    points or None, other columns, its number of lines). Everything after the voter id is
    written once per distinct ballot, then each line is its id and that text."""
    head = _chunks(election, groups, (), votes=False)
    columns = _vote_columns(groups)
    rests = [";" + _line(_vote_cells(columns, group)) for group in groups]
    body = "".join([_cell(voter_id) + rests[index] for voter_id, index in lines])
    return "".join(head) + body


def _vote_columns(
    groups: Sequence[tuple[Sequence[str], Sequence[int] | None, Mapping[str, str], int]],
) -> list[str]:
    extra = _unique([k for _c, _p, fields, _n in groups for k in fields])
    with_points = any(points is not None for _c, points, _f, _n in groups)
    head = ["voter_id", "vote"] + (["points"] if with_points else [])
    return _ordered(_unique(head + extra), VOTE_ORDER)


def _vote_cells(
    columns: list[str],
    group: tuple[Sequence[str], Sequence[int] | None, Mapping[str, str], int],
) -> list[str]:
    choices, points, fields, _count = group
    if points is not None and len(points) != len(choices):
        raise ValueError("autant de points que de projets attendus")
    values = dict(fields)
    values["vote"] = ",".join(choices)
    if points is not None:
        values["points"] = ",".join(str(p) for p in points)
    return [values.get(c, "") for c in columns[1:]]


def _chunks(
    election: Election,
    groups: Sequence[tuple[Sequence[str], Sequence[int] | None, Mapping[str, str], int]],
    voter_ids: Iterable[object],
    *,
    votes: bool = True,
) -> Iterator[str]:
    """The file's sections; ``votes=False`` stops after the VOTES header (``dumps_lines``
    writes the lines)."""
    if election.vote_type not in VOTE_TYPES:
        raise ValueError(f"vote_type inconnu « {election.vote_type} »")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(sum(count for *_rest, count in groups))
    meta["vote_type"] = election.vote_type
    yield "META\n"
    yield _line(["key", "value"])
    for key in _ordered(list(meta), META_ORDER):
        yield _line([key, meta[key]])

    rows = []
    for project in election.projects:
        row = dict(election.project_rows.get(project.id, {}))
        row["project_id"] = project.id
        if parse_amount(row.get("cost", "")) != project.cost:
            row["cost"] = decimal_text(project.cost)
        if project.name or "name" in row:
            row["name"] = project.name
        if (project.category is not None or "category" in row) and _optional(
            row.get("category")
        ) != project.category:
            row["category"] = project.category or ""
        if project.territory is not None:
            column = "territory" if "territory" in row else "district"
            if _optional(row.get(column)) != project.territory:
                row[column] = project.territory
        rows.append(row)
    columns = _ordered(
        _unique([k for row in rows for k in row] or ["project_id", "cost"]), PROJECT_ORDER
    )
    yield "PROJECTS\n"
    yield _line(columns)
    for row in rows:
        yield _line([row.get(c, "") for c in columns])

    with_points = [points is not None for _c, points, _f, _n in groups]
    if election.vote_type in ("cumulative", "scoring") and not all(with_points):
        raise ValueError(f"un vote {election.vote_type} sans points")
    if election.vote_type == "ordinal" and any(with_points) and not all(with_points):
        raise ValueError("des votes ordinal avec points, d'autres sans")
    if election.vote_type in ("approval", "choose-1") and any(with_points):
        raise ValueError(f"des points dans un vote {election.vote_type}")
    extra = _unique([k for _c, _p, fields, _n in groups for k in fields])
    head = ["voter_id", "vote"] + (["points"] if any(with_points) else [])
    columns = _ordered(_unique(head + extra), VOTE_ORDER)
    yield "VOTES\n"
    yield _line(columns)
    if not votes:
        return
    ids = voter_ids if isinstance(voter_ids, range) else list(voter_ids)
    plain = isinstance(ids, range) or all(type(i) is int for i in ids)
    text = str if plain else (lambda i: _cell(str(i)))
    position = 0
    only_vote = columns == ["voter_id", "vote"]
    for choices, points, fields, count in groups:
        if only_vote:  # approval ballots and nothing else: most files, one cell per group
            rest = f";{_cell(','.join(choices))}\n"
            if count:
                yield rest.join(map(text, ids[position : position + count])) + rest
            position += count
            continue
        # Everything after the voter id is the same for the whole group: the lines are the ids
        # joined by it.
        rest = ";" + _line(_vote_cells(columns, (choices, points, fields, count)))
        if count:
            yield rest.join(map(text, ids[position : position + count])) + rest
        position += count


def write(election: Election, target: str | os.PathLike[str] | IO[str]) -> None:
    """Write an election as a ``.pb`` file (UTF-8) to a path or an open text file."""
    text = dumps(election)
    if isinstance(target, str | os.PathLike):
        Path(target).write_text(text, encoding="utf-8", newline="")
    else:
        target.write(text)

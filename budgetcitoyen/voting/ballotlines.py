"""Each ballot's line in the published file, found again from its receipt code alone.

At cast, a ballot's public line id is a keyed hash of its receipt code:

    edition key = HMAC-SHA256(SECRET_KEY, "ballot-lines:<year>")           (hex, 64 characters)
    line id     = HMAC-SHA256(edition key as bytes, normalised receipt code), first 16 hex

The line id is stored on the ballot; the receipt code never is (only its SHA-256, to look it
up). The anonymised ballots file (``.pb``) lists one line per ballot with its line id as
``voter_id``, ordered by that id, and the edition key is published with the results (the
file's META ``ballot_key``, the results page and its JSON). Whoever holds a receipt then
finds its line, offline, with standard tools:

    printf %s 'RECEIPTCODE16CHR' | openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY
    grep '^ID;' budget-citoyen-YEAR.pb          (ID: the first 16 characters of the digest)

or with ``budgetcitoyen pb find-ballot FILE.pb --receipt CODE``. Without the receipt the key
links no line to anyone: the code is 80 random bits, drawn at cast and shown to the voter only.

Pure Python, no Django: ``budgetcitoyen pb find-ballot`` runs it without settings or database.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from budgetcitoyen.core.inputs import ascii_digit
from budgetcitoyen.voting.identity import latin_look_alike

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
RECEIPT_LENGTH = 16  # 80 random bits
LINE_ID_LENGTH = 16  # 64 bits: see ``line_id`` on collisions
META_KEY = "ballot_key"  # the edition key's name in the .pb file's META section


def normalise_receipt(code: str) -> str:
    """What a person typed back into the 16 characters: case, spaces, dashes, O/0, I/L/1, and
    what a phone's keyboard or a copy may give instead of the plain characters: full-width
    forms, other scripts' digits (``٣``), letters of another script that imitate a Latin one
    (Cyrillic ``А``, ``В``, ``Е``…)."""
    folded = ""
    for ch in unicodedata.normalize("NFKC", code):
        ch = ascii_digit(ch)
        folded += ch if ch.isascii() else latin_look_alike(ch)
    cleaned = folded.upper().translate(str.maketrans("OIL", "011"))
    return "".join(ch for ch in cleaned if ch in RECEIPT_ALPHABET)


def edition_key(secret: str, year: int) -> str:
    """The key of an edition's line ids, in hex: derived from the site's secret, so it needs
    no storage, and different each year, so a receipt's lines of two editions do not match."""
    return hmac.new(secret.encode(), f"ballot-lines:{year}".encode(), hashlib.sha256).hexdigest()


def line_id(key: str, code: str) -> str:
    """A receipt's line id under an edition key (hex). 64 bits: among a million ballots the
    chance that two share an id is about 3 in 100 million; the casting service still checks
    (a unique constraint per edition) and draws another receipt code if it happens."""
    digest = hmac.new(bytes.fromhex(key), normalise_receipt(code).encode(), hashlib.sha256)
    return digest.hexdigest()[:LINE_ID_LENGTH]


def openssl_command(key: str, code: str = "VOTRECODEDERECU0") -> str:
    """The offline check, as the verify page and the documentation print it."""
    return f"printf %s '{code}' | openssl dgst -sha256 -mac HMAC -macopt hexkey:{key}"


@dataclass(frozen=True)
class FoundLine:
    """A ballot's line in a .pb file: its number in the file (from 1), its id, its cells."""

    number: int
    voter_id: str
    vote: list[str]
    points: list[str] | None


_ID = re.compile(r"[0-9a-f]{16}")


def find_line(text: str, voter_id: str) -> FoundLine | None:
    """The line of ``voter_id`` in the VOTES section of a .pb file's text, or None."""
    if not _ID.fullmatch(voter_id):
        return None
    votes_at = text.find("\nVOTES\n")
    if votes_at < 0:
        return None
    header_end = text.find("\n", votes_at + 7)
    columns = text[votes_at + 7 : header_end].split(";")
    start = text.find(f"\n{voter_id};", header_end)
    if start < 0:
        return None
    end = text.find("\n", start + 1)
    cells = _cells(text[start + 1 : end if end >= 0 else len(text)])
    row = dict(zip(columns, cells, strict=False))
    number = text.count("\n", 0, start + 1) + 1
    vote = row.get("vote", "")
    points = row.get("points")
    return FoundLine(
        number=number,
        voter_id=voter_id,
        vote=vote.split(",") if vote else [],
        points=(points.split(",") if points else []) if points is not None else None,
    )


def _cells(line: str) -> list[str]:
    """One line's cells (the writer quotes a cell holding ``;`` or ``"``)."""
    return next(csv.reader([line], delimiter=";"))


def meta_key(text: str) -> str | None:
    """The edition key a .pb file's META section publishes, if any."""
    match = re.search(rf"^{META_KEY};([0-9a-f]{{64}})\s*$", text, flags=re.MULTILINE)
    return match.group(1) if match else None


# --- budgetcitoyen pb find-ballot -----------------------------------------------------------------

PROG = "budgetcitoyen pb find-ballot"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Retrouve dans le fichier des bulletins publié (.pb) la ligne du bulletin "
        "d'un code de reçu.",
        add_help=False,
    )
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    parser.add_argument("file", metavar="FICHIER.pb", help="le fichier des bulletins publié")
    parser.add_argument(
        "--receipt", required=True, metavar="CODE", help="votre code de reçu (tirets facultatifs)"
    )
    parser.add_argument(
        "--key",
        metavar="CLÉ",
        help=f"la clé publiée avec les résultats (par défaut : la ligne {META_KEY} du fichier)",
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    return parser


def main(argv: list[str]) -> int:
    """Print the receipt's line id, its line number and its cells; 0 found, 1 not found, 2
    for a usage error or an unreadable file."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        with open(args.file, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        print(f"{PROG} : {args.file} : illisible ({error.__class__.__name__})", file=sys.stderr)
        return 2
    key = (args.key or meta_key(text) or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        print(
            f"{PROG} : clé absente ou invalide (64 caractères hexadécimaux attendus)",
            file=sys.stderr,
        )
        return 2
    code = normalise_receipt(args.receipt)
    if len(code) != RECEIPT_LENGTH:
        print(f"{PROG} : un code de reçu a {RECEIPT_LENGTH} caractères", file=sys.stderr)
        return 2
    wanted = line_id(key, code)
    found = find_line(text, wanted)
    if found is None:
        print(f"identifiant {wanted} : aucune ligne de ce fichier ne porte cet identifiant")
        return 1
    print(f"identifiant {found.voter_id} : ligne {found.number} du fichier")
    print(f"projets : {','.join(found.vote)}")
    if found.points is not None:
        print(f"points : {','.join(found.points)}")
    return 0

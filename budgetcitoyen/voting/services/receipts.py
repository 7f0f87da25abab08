"""Receipt codes: drawn, normalised, hashed (only the hash is kept) and looked up."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from budgetcitoyen.core.inputs import ascii_digit
from budgetcitoyen.core.ratelimit import consume
from budgetcitoyen.voting.identity import latin_look_alike
from budgetcitoyen.voting.models import (
    Ballot,
)

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
RECEIPT_LENGTH = 16  # 80 random bits


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))


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


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


# --- Receipts ----------------------------------------------------------------------------------------


def receipt_lookup(*, code: str, ip: str | None) -> Ballot | None:
    """The ballot a receipt code designates, or None. Rate-limited per IP address."""
    consume("vote_receipt", ip=ip)
    if len(normalise_receipt(code)) != RECEIPT_LENGTH:
        return None
    return (
        Ballot.objects.select_related("edition")
        .prefetch_related("choices__project__category")
        .filter(receipt_hash=receipt_hash(code))
        .first()
    )

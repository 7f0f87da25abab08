"""Receipt codes: drawn, normalised, hashed (only the hash is kept) and looked up; the public
line id each gives its ballot in the published file (``voting.ballotlines``)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings

from budgetcitoyen.core.ratelimit import consume
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.voting import ballotlines
from budgetcitoyen.voting.ballotlines import RECEIPT_ALPHABET, RECEIPT_LENGTH, normalise_receipt
from budgetcitoyen.voting.models import (
    Ballot,
)

__all__ = [
    "RECEIPT_ALPHABET",
    "RECEIPT_LENGTH",
    "ballot_key",
    "format_receipt",
    "line_id_of",
    "new_receipt_code",
    "normalise_receipt",
    "receipt_hash",
    "receipt_lookup",
]


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))


def ballot_key(edition: Edition) -> str:
    """The edition's key of ballot line ids (``voting.ballotlines``), published with its
    results and never before (the results keep it in their outcome)."""
    return ballotlines.edition_key(settings.SECRET_KEY, edition.year)


def line_id_of(edition: Edition, code: str) -> str:
    """The public line id of the ballot a receipt code belongs to."""
    return ballotlines.line_id(ballot_key(edition), code)


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

"""French amounts for the trace: ``3 200 €``, ``1 234,50 €`` (exact, from a Fraction)."""

from __future__ import annotations

from fractions import Fraction

NARROW = "\u202f"


def euros(amount: Fraction) -> str:
    cents = round(amount * 100)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", NARROW)
    text = grouped if rest == 0 else f"{grouped},{rest:02d}"
    return f"{sign}{text}\u00a0€"

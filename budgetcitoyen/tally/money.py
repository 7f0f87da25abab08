"""French amounts for the trace: ``3 200 €``, ``1 234,50 €`` (exact, from a Fraction).

The unit is the euro unless a count runs ``in_currency("PLN")`` (pabulib files of other
countries): the trace then reads ``1 603 000 PLN``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction

NARROW = "\u202f"
SIGNS = {"EUR": "€"}
_unit: ContextVar[str] = ContextVar("unit", default="€")


@contextmanager
def in_currency(code: str | None) -> Iterator[None]:
    token = _unit.set(SIGNS.get(code or "EUR", code or "€"))
    try:
        yield
    finally:
        _unit.reset(token)


def euros(amount: Fraction) -> str:
    cents = round(amount * 100)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", NARROW)
    text = grouped if rest == 0 else f"{grouped},{rest:02d}"
    return f"{sign}{text}\u00a0{_unit.get()}"

"""French amounts for the trace: ``3 200 €``, ``1 234,50 €`` (exact, from a Fraction).

The unit is the euro unless a count runs ``in_currency("PLN")`` (pabulib files of other
countries): the trace then reads ``1 603 000 PLN``. The writing itself is the platform's
(``core.formatting.money``, Babel, no Django), in French whatever the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction

from budgetcitoyen.core.formatting import money

NARROW = "\u202f"
_currency: ContextVar[str] = ContextVar("currency", default="EUR")


@contextmanager
def in_currency(code: str | None) -> Iterator[None]:
    token = _currency.set(code or "EUR")
    try:
        yield
    finally:
        _currency.reset(token)


def euros(amount: Fraction) -> str:
    return money(amount, currency=_currency.get(), locale="fr_FR")

"""What the ballot rules' tests share: five projects in two categories, and a refusal's text."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest
from django.http import QueryDict

from budgetcitoyen.ballots.rules import BallotRule, Option
from budgetcitoyen.core.errors import InvalidInput

OPTIONS = {
    1: Option(1, "Recyclerie", 10, "Innovation sociale", Decimal("12000")),
    2: Option(2, "Épicerie", 10, "Innovation sociale", Decimal("8000")),
    3: Option(3, "Jardin", 10, "Innovation sociale", Decimal("15000")),
    4: Option(4, "Tiers-lieu", 20, "Coopération", Decimal("9000")),
    5: Option(5, "Café", 20, "Coopération", Decimal("5000")),
}


def plain(text: str) -> str:
    """Amounts use narrow no-break spaces; compare with ordinary spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def refused(rule: BallotRule, choices: Sequence[int]) -> str:
    """The French message of a refused ballot (always on the ``choices`` field)."""
    with pytest.raises(InvalidInput) as caught:
        rule.validate(OPTIONS, choices)
    assert "choices" in caught.value.errors
    return plain(caught.value.errors["choices"])


def form(pairs: Sequence[tuple[str, str]]) -> QueryDict:
    """A POST body as the browser sends it (several values per name allowed)."""
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    return data

"""Template filters for French dates, times and amounts ("jeudi 30 janvier 2025, 13 h 30").

The writing lives in ``budgetcitoyen.core.formatting``, shared with services and emails; the
filters only expose it to templates.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from budgetcitoyen.core import formatting
from budgetcitoyen.core.phones import display_phone

register = template.Library()

register.filter("fr_date", formatting.fr_date)
register.filter("fr_time", formatting.fr_time)
register.filter("fr_datetime", formatting.fr_datetime)
register.filter("window_end", formatting.window_end)
register.filter("until", formatting.until)
register.filter("iso", formatting.iso)
register.filter("phone", display_phone)


@register.filter
def euros(value: Decimal | int | None) -> str:
    """``572 151 €`` (cents shown only when there are some)."""
    return "" if value is None else formatting.money(value)

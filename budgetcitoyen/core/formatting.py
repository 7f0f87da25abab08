"""Amounts and dates the way a reader expects them: ``572 151 €``, ``jeudi 30 janvier 2025``.

One home for the formatting that templates, services, emails, the counting engine and the
command line share. Amounts go through Babel (the Unicode CLDR rules of each language), so
French reads ``12 500,50 €`` with a narrow no-break space between thousands and English reads
``€12,500.50``. Reading an amount typed the French way is here too (``parse_amount``).

Importing this module imports no Django: the counting engine (``budgetcitoyen.tally``),
which runs without Django, formats its amounts here with an explicit locale. The functions
that need Django (the active language, the local time zone) import it when called.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from babel import Locale
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

Amount = Decimal | Fraction | int

# How amounts are typed in French: digits, at most one comma or one point for the decimals.
_SPACES_AND_UNIT = re.compile(r"[\s\u00a0\u202f€]")
_TYPED_AMOUNT = re.compile(r"[0-9]+([.,][0-9]+)?")


def _locale(locale: str | None) -> str:
    if locale is not None:
        return locale
    from django.utils.translation import get_language

    return (get_language() or "fr").replace("-", "_")


def _exact(amount: Amount) -> Decimal:
    """An amount to the cent, exactly (a Fraction is rounded half to even, as ``round`` does)."""
    if isinstance(amount, Fraction):
        return Decimal(round(amount * 100)) / 100
    return Decimal(amount).quantize(Decimal("0.01"))


def money(amount: Amount, *, currency: str = "EUR", locale: str | None = None) -> str:
    """``572 151 €``, ``1 234,50 €``: cents only when there are some.

    ``locale`` defaults to the active language; ``currency`` is an ISO 4217 code (pabulib files
    of other countries count in ``PLN``…). Babel writes the unit and the separators.
    """
    value = _exact(amount)
    loc = _locale(locale)
    pattern = Locale.parse(loc).currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(value, currency, format=pattern, locale=loc, currency_digits=False)


def number(amount: Amount, *, exact: bool = False, locale: str | None = None) -> str:
    """An amount without its unit: ``12 500``, ``12 500,50``.

    By default to the cent, cents only when there are some; ``exact`` keeps every decimal of
    an exact amount (``12,125``) for the counting engine's tables.
    """
    loc = _locale(locale)
    if exact:
        if isinstance(amount, Fraction):
            raise TypeError("an exact amount is a Decimal: write the Fraction out first")
        return format_decimal(
            Decimal(amount), format="#,##0.###", locale=loc, decimal_quantization=False
        )
    value = _exact(amount)
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return format_decimal(value, format=pattern, locale=loc)


def parse_amount(text: str, *, places: int = 2) -> Decimal:
    """An amount typed the French way, exactly: ``12 500,50 €``, ``12500.5``, ``12 500``.

    Spaces of any kind and the euro sign are ignored; the decimals follow a comma (or a
    point), at most ``places`` of them; no sign, no exponent, no thousands separator other
    than spaces. Babel reads the number with the French rules. Raises ``ValueError``.
    """
    cleaned = _SPACES_AND_UNIT.sub("", str(text))
    if not _TYPED_AMOUNT.fullmatch(cleaned):
        raise ValueError(cleaned)
    try:
        value = parse_decimal(cleaned.replace(".", ","), locale="fr_FR", strict=True)
    except (NumberFormatError, InvalidOperation) as exc:  # pragma: no cover - pattern above
        raise ValueError(cleaned) from exc
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -places:
        raise ValueError(cleaned)
    return value


# --- Dates --------------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    from django.utils import timezone

    return timezone.localtime(value) if timezone.is_aware(value) else value


def fr_date(value: date | datetime | None, with_weekday: bool = True) -> str:
    """``jeudi 30 janvier 2025``; the first of the month reads ``1er``."""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import get_language

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    # French writes the first of the month "1er"; other languages keep the digit.
    day = "1er" if value.day == 1 and get_language().startswith("fr") else str(value.day)
    weekday = date_format(value, "l") + " " if with_weekday else ""
    return f"{weekday}{day} {date_format(value, 'F Y')}"


def fr_time(value: datetime | None) -> str:
    """``13 h 30``, ``9 h 30``, ``14 h``."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def fr_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{fr_date(value)}, {fr_time(value)}"


def window_end(value: datetime | None) -> str:
    """The last day of a window whose end is exclusive: an end at midnight means the day before."""
    if value is None:
        return ""
    local = _local(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return fr_date(local - timedelta(days=1), with_weekday=False)
    return f"{fr_date(local, with_weekday=False)}, {fr_time(local)}"


def until(value: datetime | None) -> str:
    """The end of a window, written one way on every page and in every email: ``jusqu'au
    mardi 30 septembre 2025 inclus`` (an end at midnight is the day before, included), else
    ``jusqu'au mardi 30 septembre 2025, 18 h``. English: ``until Tuesday 30 September 2025
    inclusive``."""
    from django.utils.translation import gettext

    if value is None:
        return ""
    local = _local(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return gettext("jusqu'au %(day)s inclus") % {"day": fr_date(local - timedelta(days=1))}
    return gettext("jusqu'au %(day)s, %(time)s") % {"day": fr_date(local), "time": fr_time(local)}


def iso(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat()
    return value.isoformat()

"""Template filters for French dates, times and amounts ("jeudi 30 janvier 2025, 13 h 30")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def fr_date(value: date | datetime | None, with_weekday: bool = True) -> str:
    """``jeudi 30 janvier 2025``; the first of the month reads ``1er``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    # French writes the first of the month "1er"; other languages keep the digit.
    day = "1er" if value.day == 1 and get_language().startswith("fr") else str(value.day)
    weekday = date_format(value, "l") + " " if with_weekday else ""
    return f"{weekday}{day} {date_format(value, 'F Y')}"


@register.filter
def fr_time(value: datetime | None) -> str:
    """``13 h 30``, ``9 h 30``, ``14 h``."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


@register.filter
def fr_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{fr_date(value)}, {fr_time(value)}"


@register.filter
def window_end(value: datetime | None) -> str:
    """The last day of a window whose end is exclusive: an end at midnight means the day before."""
    if value is None:
        return ""
    local = _local(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return fr_date(local - timedelta(days=1), with_weekday=False)
    return f"{fr_date(local, with_weekday=False)}, {fr_time(local)}"


@register.filter
def euros(value: Decimal | int | None) -> str:
    """``572 151 €`` (cents shown only when there are some)."""
    if value is None:
        return ""
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    text = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0€"


@register.filter
def iso(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat()
    return value.isoformat()

"""Typed readers for environment variables, so settings.py stays declarative.

Each helper raises ``ImproperlyConfigured`` with a message naming the variable, so
a mistyped deployment fails at start-up instead of behaving oddly later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on", "oui"}
FALSE_WORDS = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1/true ou 0/false, pas {source[name]!r}.")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {raw!r}.") from exc


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    source = os.environ if environ is None else environ
    raw = source.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_frozen_now(raw: str, tz: ZoneInfo) -> datetime:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` as a local time in ``tz``.

    A date alone means midday, so a demo "as on 1 September" is inside any window
    that spans that whole day.
    """
    raw = raw.strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            parsed = parsed.replace(hour=12)
        return parsed.replace(tzinfo=tz)
    raise ImproperlyConfigured(
        f"BUDGETCITOYEN_TODAY doit être de la forme AAAA-MM-JJ ou AAAA-MM-JJTHH:MM, pas {raw!r}."
    )

"""Typed readers for environment variables, so settings.py stays declarative.

Each helper raises ``ImproperlyConfigured`` with a message naming the variable, so
a mistyped deployment fails at start-up instead of behaving oddly later.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping, Sequence
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


def _workers_option(args: Sequence[str]) -> int | None:
    """The value of gunicorn's ``-w N`` / ``--workers N`` / ``--workers=N`` in ``args``."""
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and arg[2:].isascii() and arg[2:].isdigit():
            value = arg[2:]
        if value is not None and value.strip().isascii() and value.strip().isdigit():
            return int(value)
    return None


def declared_workers(
    environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None
) -> int:
    """How many worker processes the serving command declares, 1 when it says nothing.

    Read where gunicorn reads it: ``--workers`` on its command line (this process's arguments
    when gunicorn started it), then ``GUNICORN_CMD_ARGS``, then ``WEB_CONCURRENCY`` (the
    default of gunicorn and of most hosting platforms).
    """
    source = os.environ if environ is None else environ
    args = list(sys.argv if argv is None else argv)
    if args and os.path.basename(args[0]).startswith("gunicorn"):
        found = _workers_option(args[1:])
        if found is not None:
            return found
    try:
        from_env = _workers_option(shlex.split(source.get("GUNICORN_CMD_ARGS", "")))
    except ValueError:
        from_env = None
    if from_env is not None:
        return from_env
    return env_int("WEB_CONCURRENCY", 1, source)

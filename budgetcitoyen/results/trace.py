"""A count's trace in the reader's language.

The engine stores events (``tally.trace``: a code and its parameters); this module renders them
with Django's gettext, so the English site reads an English trace. A snapshot counted before
events existed stored French sentences: they show as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext

from budgetcitoyen.core import formatting
from budgetcitoyen.tally import money
from budgetcitoyen.tally import trace as events


def _money(amount: Fraction) -> str:
    """In French the engine's own writing (as the trace always read), else the site's."""
    if (translation.get_language() or "fr").startswith("fr"):
        return money.euros(amount)
    return formatting.money(Decimal(round(amount * 100)) / 100)


def reader_language() -> events.Language:
    return events.Language(gettext=gettext, ngettext=ngettext, money=_money)


def line_text(line: Mapping[str, Any]) -> str:
    """One stored trace line (an event, or an older French sentence) in the reader's language."""
    return events.render(events.from_data(line), reader_language())


def trace_lines(
    outcome: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The trace of a stored outcome as the page lists it, with each project's name and link
    (``by_id``: the page's project rows)."""
    language = reader_language()
    lines = []
    for line in outcome.get("trace", []):
        project_id = str(line["project_id"])
        row = by_id.get(project_id)
        lines.append(
            {
                "project_id": project_id,
                "name": row["name"] if row else project_id,
                "url": row["url"] if row else None,
                "category": row["category"] if row else None,
                "funded": bool(line.get("selected")),
                "text": events.render(events.from_data(line), language),
            }
        )
    return lines


def deciding_lines(outcome: Mapping[str, Any]) -> dict[str, str]:
    """Each project's deciding line of a stored trace (its last event: the one that funded it
    or left it out), by project id, in the reader's language and in the very words the
    results page lists."""
    language = reader_language()
    last: dict[str, Mapping[str, Any]] = {}
    for line in outcome.get("trace", []):
        last[str(line["project_id"])] = line
    return {pid: events.render(events.from_data(line), language) for pid, line in last.items()}

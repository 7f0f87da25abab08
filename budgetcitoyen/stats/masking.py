"""The one rule that hides what could identify a person, applied before anything is shown.

A count of people (voters, holders, people at a comptoir) from 1 to ``THRESHOLD - 1`` is
masked: ``None`` in the data every chart, table, CSV file and API answer is drawn from, so
none of them can show it. Zero is shown (it points to nobody). What derives from a masked
count is masked with it (a rate per 1,000 inhabitants, a share). Where a row of counts sums to
a total that is shown, one masked cell could be recovered by subtraction: the smallest other
cell is then masked too ("secondary masking"). A share is masked when either side of it (those
who are, those who are not) is a small count.

Counts of public projects (labelled, funded) and amounts are never masked: the projects, their
amounts and their votes are published one by one with the results.
"""

from __future__ import annotations

import copy
from typing import Any

from budgetcitoyen.stats.indicators import PEOPLE_STAGES

THRESHOLD = 5


def is_small(value: int | None) -> bool:
    return value is not None and 0 < value < THRESHOLD


def _cell(value: int | None) -> int | None:
    return None if is_small(value) else value


def mask_row(values: list[int | None], *, total_shown: bool = True) -> list[int | None]:
    """``values`` (counts of people summing to a total) with the small ones masked, and, when
    the total is shown and a single cell would be masked, the smallest other positive cell too."""
    masked = [_cell(v) for v in values]
    hidden = [
        i
        for i, (before, after) in enumerate(zip(values, masked, strict=True))
        if before is not None and after is None
    ]
    if total_shown and len(hidden) == 1:
        others = [(v, i) for i, v in enumerate(masked) if v is not None and v > 0]
        if others:
            masked[min(others)[1]] = None
    return masked


def _mask_column(rows: list[dict[str, Any]], key: str, derived: tuple[str, ...] = ()) -> None:
    values = mask_row([row[key] for row in rows])
    for row, value in zip(rows, values, strict=True):
        if value is None and row[key] is not None:
            row[key] = None
            for name in derived:
                row[name] = None


def _mask_share(share: dict[str, Any]) -> None:
    count, of = share["count"], share["of"]
    if is_small(count) or is_small(of - count):
        share["count"] = None


def mask(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``indicators.compute``'s figures with every small count of people masked."""
    data = copy.deepcopy(raw)
    if data.get("imported"):  # projects and amounts only: public, nothing to mask
        return data
    funnel = data["funnel"]
    for stage in PEOPLE_STAGES:
        funnel["overall"][stage] = _cell(funnel["overall"][stage])
        _mask_column(funnel["territories"], stage)

    vote = data["vote"]
    # The ballots set aside (under review, annulled) are few by nature; the voters counted are
    # published with the result. The total received is never shown beside them when it would
    # give away a small number set aside (received − counted).
    set_aside = vote["ballots"] - vote["valid"]
    vote["valid"] = vote["voters"] = _cell(vote["valid"])
    vote["under_review"] = _cell(vote["under_review"])
    vote["annulled"] = _cell(vote["annulled"])
    if is_small(set_aside) or is_small(vote["ballots"]):
        vote["ballots"] = None
    if vote["voters"] is None:
        vote["per_thousand"] = None
    vote["online"], vote["paper"] = mask_row([vote["online"], vote["paper"]])
    for day in vote["per_day"]:
        day["online"], day["paper"] = mask_row([day["online"], day["paper"]])
    _mask_column(vote["per_day"], "ballots", derived=("online", "paper"))
    _mask_column(vote["territories"], "voters", derived=("per_thousand",))
    _mask_column(vote["age_bands"], "voters")

    hors_radar = data["hors_radar"]
    _mask_share(hors_radar["first_time"])
    _mask_share(hors_radar["collectives"])
    for key in ("first_time", "collectives"):
        if is_small(hors_radar[key]["of"]):
            hors_radar[key]["of"] = None
            hors_radar[key]["count"] = None
    return data

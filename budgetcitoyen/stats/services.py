"""Writes of the statistics: they are computed and kept once, when the results are published."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.stats import indicators
from budgetcitoyen.stats.models import EditionStatistics


def statistics_freeze(*, snapshot: ResultSnapshot, by: Any | None = None) -> EditionStatistics:
    """Compute the edition's figures from the published ``snapshot`` and keep them. Called in
    the publication's own transaction (the ``results_published`` signal), so the results are
    never published without their statistics."""
    edition = snapshot.edition
    figures = indicators.compute(edition, snapshot)
    kept, _created = EditionStatistics.objects.update_or_create(
        edition=edition, defaults={"figures": figures, "computed_at": clock.now()}
    )
    log_action(
        actor=by,
        action="stats.frozen",
        obj=kept,
        data={"edition": edition.year, "voters": figures["vote"]["voters"]},
    )
    return kept


def on_results_published(
    sender: Any, snapshot: ResultSnapshot, by: Any | None, **kwargs: Any
) -> None:
    statistics_freeze(snapshot=snapshot, by=by)

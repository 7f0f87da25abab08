"""Reads of the statistics: who sees which figures, and when.

Once an edition's results are published, everybody sees its figures as kept at publication
(``EditionStatistics``). Before that, staff see them computed live, marked as provisional;
nobody else sees any. Every reading is masked (``stats.masking``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from budgetcitoyen.accounts.permissions import is_staff
from budgetcitoyen.core import clock
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.selectors.public import followup_figures
from budgetcitoyen.results.selectors import edition_snapshots, published_result, published_results
from budgetcitoyen.stats import indicators
from budgetcitoyen.stats.masking import mask
from budgetcitoyen.stats.models import EditionStatistics


@dataclass(frozen=True)
class Statistics:
    edition: Edition
    data: dict[str, Any]  # masked
    provisional: bool
    computed_at: datetime
    # What became of the laureates, counted at this reading (never kept): ``with_followup``.
    followup: dict[str, Any] | None = None


def _published(edition: Edition) -> Statistics | None:
    if edition.is_imported:  # only what was imported: projects, laureates, amounts
        from budgetcitoyen.results.models import ImportedResult

        imported = ImportedResult.objects.filter(edition=edition).first()
        if imported is None:
            return None
        return Statistics(
            edition, mask(indicators.compute_imported(edition)), False, imported.imported_at
        )
    if published_result(edition) is None:
        return None
    kept = EditionStatistics.objects.filter(edition=edition).first()
    if kept is None:  # published before the statistics were kept: counted from what remains
        return Statistics(edition, mask(indicators.compute(edition)), False, clock.now())
    return Statistics(edition, mask(kept.figures), False, kept.computed_at)


def with_followup(stats: Statistics) -> Statistics:
    """``stats`` with what became of the edition's laureates, counted now: unlike the rest,
    these figures change after the publication (milestones, payments), so they are never
    kept in ``EditionStatistics``. Projects and amounts only: nothing to mask."""
    followup = followup_figures(stats.edition)
    if followup is None:
        return stats
    return replace(stats, followup=followup)


def statistics_for(edition: Edition, user: Any = None) -> Statistics | None:
    """The figures ``user`` may read for ``edition``, or None; with the follow-up of its
    laureates once they are public (``with_followup``)."""
    published = _published(edition)
    if published is not None:
        return with_followup(published)
    if not is_staff(user):
        return None
    latest = edition_snapshots(edition).first()
    return Statistics(edition, mask(indicators.compute(edition, latest)), True, clock.now())


def public_statistics(edition: Edition) -> dict[str, Any] | None:
    """The published figures of ``edition`` (masked), None before its results: for the API."""
    published = _published(edition)
    return published.data if published is not None else None


def latest_published_edition() -> Edition | None:
    snapshot = published_results().select_related("edition").first()
    return snapshot.edition if snapshot is not None else None


def open_data_files(edition: Edition) -> list[dict[str, Any]]:
    """The published figures of ``edition`` as open-data files: one CSV per figure.

    Each item: ``key`` (the figure's key, the file's name without ``.csv``), ``title``,
    ``description`` (the sentence saying what it shows), ``url`` (the CSV's path on this site)
    ``columns`` (``(key, label)`` pairs, in the CSV's order) and ``kinds`` (each column's kind:
    count, amount, rate, percent, text, day). Empty before the results.
    """
    from django.urls import reverse

    from budgetcitoyen.stats.figures import figures

    data = public_statistics(edition)
    if data is None:
        return []
    return [
        {
            "key": built.key,
            "title": str(built.title),
            "description": str(built.sentence),
            "url": reverse("stats:csv", args=[edition.year, built.key]),
            "columns": [(column.key, str(column.label)) for column in built.columns],
            "kinds": [column.kind for column in built.columns],
        }
        for built in figures(data)
    ]

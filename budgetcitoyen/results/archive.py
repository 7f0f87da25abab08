"""Reads of the archive (``/editions/``): every published edition with its key figures.

Counts of people (dossiers filed, voters) come from the statistics, masked there
(``stats.selectors.public_statistics``: fewer than 5 people read "masqué"); ``stats`` is a
higher layer, so it registers its reader here when it starts (``stats/apps.py``). A figure an
edition does not have (an imported edition's voters) is absent, never zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from budgetcitoyen.core import clock
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step
from budgetcitoyen.editions.selectors import published_editions
from budgetcitoyen.results.models import ImportedProject, ImportedResult
from budgetcitoyen.results.selectors import published_result

StatisticsReader = Callable[[Edition], dict[str, Any] | None]
_statistics_reader: StatisticsReader | None = None

MISSING = object()  # a figure the edition does not have


def register_statistics_reader(reader: StatisticsReader) -> None:
    global _statistics_reader
    _statistics_reader = reader


@dataclass
class ArchiveRow:
    edition: Edition
    imported: bool
    published: bool  # results public (published or imported): the figures are shown
    phase_label: str = ""  # the edition in progress: where it stands
    imported_at: datetime | None = None
    # None: masked; absent from the dict: not known for this edition.
    figures: dict[str, Any] = field(default_factory=dict)
    has_projects: bool = False
    has_statistics: bool = False


def _imported_figures(edition: Edition) -> dict[str, Any]:
    found = ImportedProject.objects.filter(result__edition=edition).aggregate(
        labelled=Count("pk"),
        laureates=Count("pk", filter=Q(funded=True)),
        granted=Sum("amount_granted"),
    )
    return {
        "labelled": found["labelled"],
        "laureates": found["laureates"],
        "granted": found["granted"] or Decimal(0),
    }


def _published_figures(edition: Edition) -> dict[str, Any]:
    data = _statistics_reader(edition) if _statistics_reader is not None else None
    if data is None:
        return {}
    overall = data["funnel"]["overall"]
    return {
        "filed": overall["filed"],
        "labelled": overall["labelled"],
        "laureates": overall["laureates"],
        "granted": Decimal(data["money"]["granted"]),
        "voters": data["vote"]["voters"],
    }


def archive_rows(at: datetime | None = None) -> list[ArchiveRow]:
    """Every published edition, the latest first, with what the archive shows of it."""
    at = at or clock.now()
    imported = {r.edition_id: r for r in ImportedResult.objects.filter(edition__is_published=True)}
    rows = []
    for edition in published_editions():
        if edition.is_imported:
            result = imported.get(edition.pk)
            rows.append(
                ArchiveRow(
                    edition,
                    imported=True,
                    published=result is not None,
                    imported_at=result.imported_at if result else None,
                    figures=_imported_figures(edition) if result else {},
                    has_projects=result is not None,
                    has_statistics=result is not None,
                )
            )
            continue
        published = published_result(edition) is not None
        rows.append(
            ArchiveRow(
                edition,
                imported=False,
                published=published,
                phase_label="" if published else phases.current_phase(edition, at).label,
                figures=_published_figures(edition) if published else {},
                has_projects=phases.has_started(edition, Step.VOTE, at),
                has_statistics=published,
            )
        )
    return rows


def imported_projects(edition: Edition) -> list[ImportedProject]:
    """An imported edition's projects by category (priority), funded first, most votes first."""
    return list(
        ImportedProject.objects.filter(result__edition=edition)
        .select_related("category", "territory", "commune")
        .order_by("category__priority", "-funded", "-votes", "line")
    )


def imported_page(edition: Edition) -> dict[str, Any] | None:
    """What an imported edition's results page shows, or None if nothing was imported."""
    result = ImportedResult.objects.filter(edition=edition).first()
    if result is None:
        return None
    projects = imported_projects(edition)
    groups = []
    for category in edition.categories.order_by("priority"):
        rows = [p for p in projects if p.category_id == category.pk]
        groups.append(
            {
                "category": category,
                "projects": rows,
                "granted": sum((p.amount_granted for p in rows if p.funded), Decimal(0)),
                "funded": sum(1 for p in rows if p.funded),
            }
        )
    return {
        "imported": result,
        "groups": groups,
        "totals": {
            "projects": len(projects),
            "funded": sum(1 for p in projects if p.funded),
            "granted": sum((p.amount_granted for p in projects if p.funded), Decimal(0)),
            "envelope": edition.total_envelope,
        },
    }

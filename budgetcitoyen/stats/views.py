"""The statistics pages: the latest edition's, each edition's, and each figure as CSV."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.core import clock, exports, pagecache
from budgetcitoyen.editions import selectors as editions
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_started
from budgetcitoyen.results.selectors import other_editions
from budgetcitoyen.stats import charts, figures
from budgetcitoyen.stats.selectors import Statistics, latest_published_edition, statistics_for


def _render(
    request: HttpRequest, edition: Edition | None, stats: Statistics | None
) -> HttpResponse:
    others = [
        {"year": row["edition__year"], "title": row["edition__title"]}
        for row in other_editions(exclude_edition=edition)
    ]
    context: dict[str, Any] = {"edition": edition, "stats": stats, "other_editions": others}
    if stats is None:
        context["results_due"] = edition is not None and not has_started(
            edition, Step.RESULTS, clock.now()
        )
        return render(request, "stats/not_published.html", context)
    sections = []
    for key, heading, built in figures.sections(stats.data, stats.followup):
        sections.append(
            {
                "key": key,
                "heading": heading,
                "figures": [
                    {
                        "figure": figure,
                        "chart": charts.chart(figure),
                        "rows": [
                            [
                                {
                                    "text": figures.cell_text(row.get(c.key), c.kind),
                                    "numeric": c.kind not in ("text", "day"),
                                }
                                for c in figure.columns
                            ]
                            for row in figure.rows
                        ],
                    }
                    for figure in built
                ],
            }
        )
    context.update(sections=sections, data=stats.data, followup=stats.followup)
    return render(request, "stats/edition.html", context)


@pagecache.public_page()
def latest(request: HttpRequest) -> HttpResponse:
    """The figures of the latest edition whose results are published."""
    edition = latest_published_edition()
    if edition is None:
        current = editions.current_edition_for(request)
        return _render(request, current, statistics_for(current, request.user) if current else None)
    return _render(request, edition, statistics_for(edition, request.user))


def _edition(request: HttpRequest, year: int) -> Edition:
    edition = editions.edition_for(request.user, year)
    if edition is None:
        raise Http404
    return edition


@pagecache.public_page()
def edition_statistics(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(request, year)
    return _render(request, edition, statistics_for(edition, request.user))


def figure_csv(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """One figure as a CSV file (``;``, UTF-8): a masked cell is empty."""
    edition = _edition(request, year)
    stats = statistics_for(edition, request.user)
    if stats is None:
        raise Http404
    figure = figures.figure(stats.data, key, stats.followup)
    if figure is None:
        raise Http404
    header = [c.label for c in figure.columns]
    rows = [
        [figures.csv_cell(row.get(c.key), c.kind) for c in figure.columns] for row in figure.rows
    ]
    suffix = "-provisoire" if stats.provisional else ""
    response = exports.csv_response(f"statistiques-{edition.year}-{key}{suffix}.csv", header, rows)
    if stats.provisional:
        response["Cache-Control"] = "private, no-store"
    return response

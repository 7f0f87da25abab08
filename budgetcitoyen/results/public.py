"""The public results pages and their downloads.

Only a published snapshot of a published edition is ever shown here: before publication the
pages say when the results will come, and every download is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.core import clock, pagecache
from budgetcitoyen.editions import selectors
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_started, phase_open
from budgetcitoyen.results import archive, downloads
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.page import result_context
from budgetcitoyen.results.selectors import other_editions as _other_editions
from budgetcitoyen.results.selectors import published_results


def _results_page(
    request: HttpRequest, snapshot: ResultSnapshot, template: str, **extra: Any
) -> HttpResponse:
    context = {
        **result_context(snapshot),
        "preview": False,
        "other_editions": _other_editions(snapshot),
        **extra,
    }
    return render(request, template, context)


def _not_published(request: HttpRequest, edition: Edition | None) -> HttpResponse:
    now = clock.now()
    return render(
        request,
        "results/not_published.html",
        {
            "edition": edition,
            "results_due": edition is not None and not has_started(edition, Step.RESULTS, now),
            "vote_open": edition is not None and phase_open(edition, Step.VOTE, now),
            "other_editions": _other_editions(),
        },
    )


@pagecache.public_page()
def editions(request: HttpRequest) -> HttpResponse:
    """The archive: every edition, the latest first, with its key figures and its pages."""
    return render(request, "results/archive.html", {"rows": archive.archive_rows()})


@pagecache.public_page()
def index(request: HttpRequest) -> HttpResponse:
    """The latest published results; if there are none yet, when the current edition's come."""
    snapshot = published_results().first()
    current = selectors.current_edition_for(request)
    if snapshot is None:
        return _not_published(request, current)
    # A newer edition on its way: say when its results come, above the latest ones.
    coming = current if current is not None and current.year > snapshot.edition.year else None
    return _results_page(request, snapshot, "results/index.html", coming=coming)


def _published_edition(year: int) -> Edition:
    # The public pages are the same for everybody, staff included: published editions only.
    edition = selectors.edition_for(None, year)
    if edition is None:
        raise Http404
    return edition


@pagecache.public_page()
def edition_results(request: HttpRequest, year: int) -> HttpResponse:
    edition = _published_edition(year)
    if edition.is_imported:
        page = archive.imported_page(edition)
        if page is None:
            raise Http404
        return render(
            request,
            "results/imported.html",
            {
                **page,
                "edition": edition,
                "other_editions": _other_editions(exclude_edition=edition),
            },
        )
    snapshot = published_results().filter(edition=edition).first()
    if snapshot is None:
        return _not_published(request, edition)
    return _results_page(request, snapshot, "results/edition.html")


def _published_or_404(year: int, *, with_ballots: bool = False) -> ResultSnapshot:
    rows = published_results().filter(edition__year=year)
    if with_ballots:
        rows = rows.defer(None)
    snapshot = rows.first()
    if snapshot is None:
        raise Http404
    return snapshot


def results_csv(request: HttpRequest, year: int) -> HttpResponse:
    return downloads.csv_download(_published_or_404(year))


def results_json(request: HttpRequest, year: int) -> HttpResponse:
    return downloads.json_download(_published_or_404(year))


def ballots_pb(request: HttpRequest, year: int) -> HttpResponse:
    return downloads.ballots_download(_published_or_404(year, with_ballots=True))

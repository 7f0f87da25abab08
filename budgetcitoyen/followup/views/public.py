"""The public pages of the laureates: /laureats/ with its filters, and the Atom feed of their
published news (``followup.feeds``). Both are page-cached; ``followup.signals`` renders them
again when a milestone, a payment, an agreement or a news item changes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.followup.selectors import public as selectors
from budgetcitoyen.territories.selectors import territory_list

PER_PAGE = 24


def _query(request: HttpRequest, **changes: str) -> str:
    """The page's query string with ``changes`` (empty values dropped): the pagination's links."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    for key in [k for k, v in query.items() if not v]:
        del query[key]
    return query.urlencode()


@pagecache.public_page()
def laureates(request: HttpRequest) -> HttpResponse:
    """Every edition's laureates with their progress, filtered by edition, territory, category
    and status. A value that matches nothing is ignored (never an error)."""
    filters = selectors.LaureateFilters(
        edition=request.GET.get("edition", "")[:10],
        territory=request.GET.get("territoire", "")[:80],
        category=request.GET.get("categorie", "")[:20],
        status=request.GET.get("statut", "")[:20],
    )
    editions = selectors.editions_with_laureates()
    edition = next((e for e in editions if e.year == filters.year), None)
    if edition is None:
        filters.edition = ""
    categories = selectors.filter_categories(edition.year if edition else None)
    if filters.category_id not in {c.pk for c in categories}:
        filters.category = ""
    territories = list(territory_list())
    if filters.territory not in {t.slug for t in territories}:
        filters.territory = ""
    if filters.status not in selectors.STATUSES:
        filters.status = ""
    found = selectors.laureates(filters)
    paginator = Paginator(found, PER_PAGE)
    page = paginator.get_page(parse_id(request.GET.get("page", "")) or 1)
    return render(
        request,
        "followup/public/laureates.html",
        {
            "filters": filters,
            "edition": edition,
            "editions": editions,
            "categories": categories,
            "territories": territories,
            "statuses": list(selectors.STATUSES.items()),
            "page": page,
            "count": paginator.count,
            "previous_query": _query(request, page=str(page.previous_page_number()))
            if page.has_previous()
            else "",
            "next_query": _query(request, page=str(page.next_page_number()))
            if page.has_next()
            else "",
            "feed_query": f"edition={edition.year}" if edition else "",
        },
    )

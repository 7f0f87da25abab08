"""Public pages built from the current edition: home and "Comment ça marche"."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.editions import selectors
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.permissions import can_see_edition


def edition_or_404(request: HttpRequest) -> Edition:
    """The edition a page is about: ``?edition=YEAR``, else the current one; 404 if none.

    An unpublished edition is refused (404) to anyone but staff, here for every page; what
    the visitor may do in it at this date is each page's own rule (``editions.phases``).
    """
    year = request.GET.get("edition", "")
    asked = selectors.edition_of_year(year) if year else None
    if asked is not None and not can_see_edition(request.user, asked):
        raise Http404
    edition = asked or selectors.current_edition_for(request)
    if edition is None:
        raise Http404
    return edition


def home(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for(request)
    context: dict[str, object] = {"edition": edition}
    if edition is not None:
        context.update(selectors.edition_overview(edition))
    return render(request, "editions/home.html", context)


def how_it_works(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for(request)
    context: dict[str, object] = {"edition": edition}
    if edition is not None:
        context.update(selectors.edition_overview(edition))
    return render(request, "editions/how_it_works.html", context)

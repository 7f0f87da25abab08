"""Public pages built from the current edition: home and "Comment ça marche"."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.editions import selectors
from budgetcitoyen.editions.models import Edition


def edition_or_404(request: HttpRequest) -> Edition:
    """The edition a page is about: ``?edition=YEAR``, else the current one; 404 if none.

    Whether the visitor may see it (published? which phase?) is each page's own rule.
    """
    year = request.GET.get("edition", "")
    edition = Edition.objects.filter(year=int(year)).first() if year.isdigit() else None
    edition = edition or selectors.current_edition_for(request)
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

"""Public pages built from the current edition: home and "Comment ça marche"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from budgetcitoyen.core import pagecache
from budgetcitoyen.editions import selectors


@pagecache.public_page()
def home(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for(request)
    context: dict[str, object] = {"edition": edition}
    if edition is not None:
        context.update(selectors.edition_overview(edition))
        context["hero"] = selectors.hero(edition)
    return render(request, "editions/home.html", context)


@pagecache.public_page()
def how_it_works(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for(request)
    context: dict[str, object] = {"edition": edition}
    if edition is not None:
        context.update(selectors.edition_overview(edition))
    return render(request, "editions/how_it_works.html", context)

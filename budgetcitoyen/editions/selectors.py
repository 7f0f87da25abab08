"""Reads on editions: which edition is current, what its pages show.

Where an edition stands in its calendar is ``editions.phases``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from budgetcitoyen.core import clock
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.editions.permissions import can_see_edition
from budgetcitoyen.editions.phases import Step


def edition_of_year(year: object) -> Edition | None:
    """The edition of ``year``, which comes from a URL or a query string: anything but a
    plausible year is None (never an error)."""
    text = str(year)
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        return None
    return Edition.objects.filter(year=int(text)).first()


def edition_for(user: Any, year: object) -> Edition | None:
    """The edition of ``year`` if ``user`` may see it (published, or staff), else None."""
    edition = edition_of_year(year)
    if edition is None or not can_see_edition(user, edition):
        return None
    return edition


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(is_published=True).order_by("-year")


def edition_with_categories(qs: QuerySet[Edition]) -> QuerySet[Edition]:
    return qs.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("priority"))
    )


def current_edition(at: datetime | None = None) -> Edition | None:
    """The published edition a visitor should see now.

    The first one whose results are still to come (the one running, or the next one
    announced); once every edition's results are out, the latest edition.
    """
    at = at or clock.now()
    editions = edition_with_categories(published_editions())
    upcoming = (
        editions.filter(phases.q_not_started(Step.RESULTS, at))
        .order_by(phases.start_field(Step.RESULTS))
        .first()
    )
    return upcoming or editions.first()


def vote_rule_text(edition: Edition) -> str:
    """The edition's vote rule in plain French, as a voter reads it."""
    from budgetcitoyen.ballots import rules

    # The sentence needs the edition's numbers, not its budget (which would read its categories).
    rule = rules.rule_class(edition.vote_rule)
    return rule(edition.vote_min_choices, edition.vote_max_choices).voter_text()


def edition_overview(edition: Edition, at: datetime | None = None) -> dict[str, object]:
    """What the home and "Comment ça marche" pages show of an edition, in one place."""
    from budgetcitoyen.territories.models import Territory

    at = at or clock.now()
    categories = list(edition.categories.all())
    return {
        "phase": phases.current_phase(edition, at),
        "steps": phases.timeline(edition, at),
        "categories": categories,
        "categories_by_priority": sorted(categories, key=lambda c: c.priority),
        "total_envelope": edition.total_envelope,
        "territory_count": Territory.objects.count(),
        "comptoir_count": edition.comptoirs.filter(is_cancelled=False).count(),
        "vote_rule_text": vote_rule_text(edition),
    }


def current_edition_for(request: object) -> Edition | None:
    """``current_edition()`` computed once per request (the view and the layout both need it)."""
    if not hasattr(request, "_budgetcitoyen_edition"):
        request._budgetcitoyen_edition = current_edition()  # type: ignore[attr-defined]
    return request._budgetcitoyen_edition  # type: ignore[attr-defined]


def edition_or_404(request: HttpRequest) -> Edition:
    """The edition a page is about: ``?edition=YEAR``, else the current one; 404 if none.

    An unpublished edition is refused (404) to anyone but staff, here for every page; what
    the visitor may do in it at this date is each page's own rule (``editions.phases``).
    """
    year = request.GET.get("edition", "")
    asked = edition_of_year(year) if year else None
    if asked is not None and not can_see_edition(request.user, asked):
        raise Http404
    edition = asked or current_edition_for(request)
    if edition is None:
        raise Http404
    return edition

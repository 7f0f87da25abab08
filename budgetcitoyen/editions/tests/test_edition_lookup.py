"""One edition look-up for every page: an unpublished edition is refused to all but staff."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from budgetcitoyen.editions.selectors import edition_for, edition_of_year, edition_or_404
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    return EditionFactory(year=2025, is_published=True), EditionFactory(
        year=2026, is_published=False
    )


def _request(query: str, user):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", {"edition": query} if query else {})
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize("persona", ["anonymous", "resident", "committee", "agent", "organiser"])
def test_an_unpublished_edition_is_a_404_to_anyone_but_staff(editions, persona):
    from django.http import Http404

    user = make_persona(persona)
    assert edition_for(user, 2026) is None
    with pytest.raises(Http404):
        edition_or_404(_request("2026", user))
    assert edition_or_404(_request("2025", user)).year == 2025


@pytest.mark.parametrize("persona", ["staff", "superuser"])
def test_staff_see_an_unpublished_edition(editions, persona):
    user = make_persona(persona)
    assert edition_for(user, "2026").year == 2026
    assert edition_or_404(_request("2026", user)).year == 2026


@pytest.mark.parametrize("year", ["", 'x"y', "2025\r\n", "1" * 30, "٢٠٢٥", "-1", "1999"])
def test_a_year_that_is_not_one_falls_back_to_the_current_edition(editions, year):
    assert edition_of_year(year) is None or year == "1999"
    assert edition_or_404(_request(year, None)).year == 2025


def test_no_edition_at_all_is_a_404(db):
    from django.http import Http404

    with pytest.raises(Http404):
        edition_or_404(_request("", None))

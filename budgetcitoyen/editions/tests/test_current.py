"""The current edition kept per process: read again after every change and at results dates."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.editions import current
from budgetcitoyen.editions.models import Category
from budgetcitoyen.editions.selectors import current_edition
from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, paris

pytestmark = pytest.mark.django_db
DURING = paris(2025, 9, 15, 12)


def queries(function):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        value = function()
    return value, len(context.captured_queries)


@pytest.fixture
def edition():
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, name="Coopération", priority=1)
    return edition


def test_read_once_then_kept_without_a_query(edition):
    with time_machine.travel(DURING, tick=False):
        first, cold = queries(current_edition)
        second, warm = queries(current_edition)
    assert first == second == edition and (cold, warm) == (2, 0)
    # Each caller gets its own copy, with the categories.
    assert first is not second
    assert [c.name for c in second.categories.all()] == ["Coopération"]
    second.title = "changé par une vue"
    with time_machine.travel(DURING, tick=False):
        assert current_edition().title == edition.title


def test_a_saved_edition_or_category_is_read_again(edition):
    with time_machine.travel(DURING, tick=False):
        current_edition()
        edition.title = "Nouveau titre"
        edition.save()
        assert current_edition().title == "Nouveau titre"
        Category.objects.filter(edition=edition).get().delete()
        assert list(current_edition().categories.all()) == []
        CategoryFactory(edition=edition, name="Innovation", priority=1)
        assert [c.name for c in current_edition().categories.all()] == ["Innovation"]


def test_another_process_sees_the_change_through_the_shared_version(edition):
    """A change made by another process reaches this one through the shared token."""
    with time_machine.travel(DURING, tick=False):
        current_edition()
        # Another process saves the edition: the row changes and the token is replaced,
        # nothing of this process's memory is touched.
        type(edition).objects.filter(pk=edition.pk).update(title="Vu d'ailleurs")
        assert current_edition().title == edition.title  # still kept: nothing said so
        current._new_version()
        assert current_edition().title == "Vu d'ailleurs"


def test_crossing_a_results_date_changes_the_current_edition(edition):
    following = EditionFactory(year=2026)
    with time_machine.travel(edition.results_at - timedelta(minutes=1), tick=False):
        assert current_edition() == edition
    with time_machine.travel(edition.results_at, tick=False):
        assert current_edition() == following
    # And back, for a clock shown as on an earlier day.
    with time_machine.travel(edition.results_at - timedelta(days=1), tick=False):
        assert current_edition() == edition


def test_nothing_computed_inside_an_uncommitted_transaction_is_kept(edition):
    with time_machine.travel(DURING, tick=False):
        with transaction.atomic():
            type(edition).objects.filter(pk=edition.pk).update(title="Annulé")
            assert current_edition().title == "Annulé"
            transaction.set_rollback(True)
        assert current_edition().title == edition.title


def test_a_lost_token_reads_again(edition, settings):
    from django.core.cache import cache

    with time_machine.travel(DURING, tick=False):
        current_edition()
        type(edition).objects.filter(pk=edition.pk).update(title="Après éviction")
        cache.delete(current.VERSION_KEY)
        assert current_edition().title == "Après éviction"


def test_a_decision_raising_the_catalogue_version_reaches_the_kept_edition(edition):
    from budgetcitoyen.voting import catalogue

    with time_machine.travel(DURING, tick=False):
        before = current_edition().catalogue_version
        catalogue._raise_version(edition.pk)
        assert current_edition().catalogue_version == before + 1

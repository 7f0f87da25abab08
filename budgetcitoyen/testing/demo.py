"""The demo data set as test fixtures: built once per test process, copied into each test.

``budgetcitoyen demo`` replays a whole edition through the services, which takes seconds. The
session fixture ``demo_built`` runs the real command once per process (once per xdist worker),
at its small size (``--size small``: every kind of case, fewer people), up to now,
keeps a copy of the database it produced and of what it printed, then puts the database back
as it was. ``demo`` writes that copy into a test's own transaction, rolled back afterwards, so a
test may change the demo freely. Browser tests need the data committed, for a live server:
``demo_server`` commits a copy before each (transactional) test, whose flush removes it
afterwards; ``shared_demo_server`` commits one copy for a whole test module whose tests only
read (signing in is the one write they may make) and serves it from its own live server, so
they pay neither a copy nor a flush each.

Ids are the same in every run: the build restarts the sequences of the tables it fills.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from budgetcitoyen.testing.dbsnapshot import (
    Snapshot,
    capture,
    restart_empty_sequences,
    restore,
)


@dataclass(frozen=True)
class BuiltDemo:
    snapshot: Snapshot
    output: str  # what `budgetcitoyen demo --no-serve` printed


@pytest.fixture(scope="session")
def demo_built(django_db_setup, django_db_blocker) -> Iterator[BuiltDemo]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        before = capture()
        restart_empty_sequences()
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("demo", "--no-serve", "--size", "small", stdout=out)
        built = BuiltDemo(snapshot=capture(), output=out.getvalue())
        restore(before)
    yield built


@pytest.fixture
def demo(db, demo_built):  # type: ignore[no-untyped-def]
    """The demo edition (2025), in this test's transaction: changes are rolled back."""
    from budgetcitoyen.demo.editions import DEMO_YEAR
    from budgetcitoyen.editions.models import Edition

    restore(demo_built.snapshot)
    return Edition.objects.get(year=DEMO_YEAR)


@pytest.fixture(scope="module")
def shared_demo_server(demo_built, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """One live server over one committed copy of the demo, for a module of read-only tests.

    The tests using it request no database (pytest-django would flush it after each); the
    server's own requests reach it through this fixture's unblocking. The database is put
    back as it was at the end of the module.
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        before = capture()
        restore(demo_built.snapshot)
        server = LiveServer("localhost")  # an allowed host in every test run (environment.py)
        try:
            yield str(server.url)
        finally:
            server.stop()
            restore(before)


@pytest.fixture
def demo_server(transactional_db, live_server, demo_built) -> str:  # type: ignore[no-untyped-def]
    """A live server over the demo data, committed; the URL to reach it."""
    restore(demo_built.snapshot)
    return str(live_server.url)

"""Shared test set-up: which tests run, the environment, reference data loaded once, the demo
built once, and a cast of users per role.

- The fast suite (``./scripts/test``) leaves out the tests marked ``slow`` and gives each
  Hypothesis test a few fixed examples; ``--slow`` adds the slow tests (run first, so that the
  longest do not finish alone) and gives Hypothesis many more examples.
- ``--database-tests-only`` leaves out the tests that touch no database (engine, pabulib files,
  identity and ballot rules), and those whose outcome does not depend on the database engine
  (marked ``any_database``, and every ``browser`` test: pages read in Chromium, the read-only
  access matrix): one run on SQLite is enough for them, so CI does not repeat them on
  PostgreSQL. What differs between the engines (constraints, triggers, NUL, locks, races) is
  written by services and forms, and those tests run on both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from budgetcitoyen.testing.browser import browser, page  # noqa: F401
from budgetcitoyen.testing.cast import alice, root, sam  # noqa: F401
from budgetcitoyen.testing.demo import demo, demo_built, demo_server, shared_demo_server  # noqa: F401

# Fixed examples (derandomised: the same ones every run), few in the fast suite, many with --slow.
hypothesis_settings.register_profile(
    "fast", max_examples=25, derandomize=True, deadline=None, database=None
)
hypothesis_settings.register_profile(
    "slow",
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("budgetcitoyen")
    group.addoption(
        "--slow",
        action="store_true",
        help="ajoute les vérifications lentes (pabutools sur les fichiers réels) et donne "
        "beaucoup plus d'exemples aux tests Hypothesis",
    )
    group.addoption(
        "--database-tests-only",
        action="store_true",
        help="laisse de côté les tests qui ne touchent aucune base de données",
    )


def pytest_configure(config: pytest.Config) -> None:
    hypothesis_settings.load_profile("slow" if config.getoption("slow") else "fast")


def touches_database(item: pytest.Item) -> bool:
    """The same test as pytest-django's own ordering: a db marker or a db fixture."""
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or any(
        f in fixtures for f in ("db", "transactional_db", "live_server")
    )


@pytest.hookimpl(trylast=True)  # after pytest-django has put the database tests in order
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = config.getoption("slow")
    database_only = config.getoption("database_tests_only")

    def wanted(item: pytest.Item) -> bool:
        if database_only and (
            not touches_database(item)
            or item.get_closest_marker("any_database") is not None
            or item.get_closest_marker("browser") is not None
        ):
            return False
        return slow or item.get_closest_marker("slow") is None

    kept = [item for item in items if wanted(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not wanted(item)])
    # The slow tests touch no database, so they may run first; pytest-django's order of the
    # database tests (rolled back, then transactional, which empty the database) is kept.
    kept.sort(key=lambda item: item.get_closest_marker("slow") is None)
    # The browser tests (the whole-edition journey takes more than a minute) start the
    # transactional block, so that the other workers finish the rest meanwhile instead of
    # waiting for the longest test, started last.
    transactional = [i for i, item in enumerate(kept) if _transactional(item)]
    if transactional:
        block = kept[transactional[0] :]
        block.sort(key=lambda item: item.get_closest_marker("browser") is None)
        kept[transactional[0] :] = block
    items[:] = kept


def _transactional(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return any(f in fixtures for f in ("transactional_db", "live_server")) or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the communes once per test database: every test may rely on them."""
    from budgetcitoyen.territories.services import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def _no_kept_ballot() -> Iterator[None]:
    """Each test starts with no ballot kept in memory (``voting.catalogue``): a rolled-back
    test may leave one under an edition id the next test reuses."""
    from budgetcitoyen.editions import current
    from budgetcitoyen.voting import catalogue

    catalogue.forget()
    current.forget()  # nor a current edition (``editions.current``)
    yield


@pytest.fixture(autouse=True)
def _french(settings):  # type: ignore[no-untyped-def]
    """Each test starts in French: a request in English must not leak into the next test."""
    from django.utils import translation

    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _no_page_kept() -> Iterator[None]:
    """Each test starts with no public page kept in this process's page cache: a page
    rendered by another test's data must not be served to this one."""
    from budgetcitoyen.core import pagecache

    pagecache.clear()
    yield
    pagecache.clear()


@pytest.fixture(autouse=True, scope="session")
def _fast_and_quiet() -> Iterator[None]:
    """For the whole run (module and session fixtures too): a fast hasher, mail kept in
    memory, static files without the manifest that ``collectstatic`` would write."""
    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield

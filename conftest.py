"""Shared test set-up: the environment, reference data loaded once, and a cast of users per role."""

from __future__ import annotations

import pytest

from budgetcitoyen.testing.cast import alice, root, sam  # noqa: F401


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the communes once per test database: every test may rely on them."""
    from budgetcitoyen.territories.services import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def _french(settings):  # type: ignore[no-untyped-def]
    """Each test starts in French: a request in English must not leak into the next test."""
    from django.utils import translation

    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

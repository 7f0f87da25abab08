"""A database that cannot be reached gives a French 503 with Retry-After, never a 500.

The outage is simulated the way PostgreSQL shows it to Django: every query raises
``OperationalError`` (connection refused, server closed the connection) or ``InterfaceError``
(connection already closed). ``bench/crash_restart.py`` does it for real, under load.
"""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from budgetcitoyen.core.views import DATABASE_RETRY_AFTER, unavailable
from budgetcitoyen.testing.a11y import assert_accessible

pytestmark = pytest.mark.django_db


def database_down(error: Exception):  # type: ignore[no-untyped-def]
    return mock.patch.object(CursorWrapper, "execute", side_effect=error)


def assert_french_503(response: HttpResponse) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Service momentanément indisponible" in html
    assert "ne peut pas joindre sa base de données" in html
    assert "n'est pas perdu" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert_accessible(html)
    return html


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection failed: Connection refused"),
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/voter/", "/projets/"])
def test_a_page_asked_while_the_database_is_down_is_a_french_503(error, path):
    client = Client(raise_request_exception=False)
    with database_down(error):
        response = client.get(path)
    assert_french_503(response)


def test_a_signed_in_voter_confirming_while_the_database_is_down_is_told_what_to_do(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with database_down(OperationalError("the database system is shutting down")):
        assert_french_503(client.get("/voter/bulletin/"))
        response = client.post("/voter/bulletin/confirmer/", {"projets": ["1"]})
    html = assert_french_503(response)
    assert 'href="/voter/"' in html
    assert "indique si votre bulletin est enregistré" in html
    assert "vous pouvez voter à nouveau" in html


class FailingOnTheWayOut:
    """A middleware whose database write fails after the view answered (a session saved)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.get_response(request)
        raise OperationalError("terminating connection due to administrator command")


@override_settings(
    MIDDLEWARE=[
        "budgetcitoyen.core.tests.test_unavailable.FailingOnTheWayOut",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
    ]
)
def test_the_error_raised_by_a_middleware_is_a_503_too():
    assert_french_503(Client(raise_request_exception=False).get("/mentions-legales/"))


def test_the_page_reads_nothing_from_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = unavailable(rf.get("/voter/bulletin/"))
    assert_french_503(response)


def test_any_other_database_error_stays_a_500_to_be_corrected():
    client = Client(raise_request_exception=False)
    with database_down(IntegrityError("duplicate key value violates unique constraint")):
        response = client.get("/voter/")
    assert response.status_code == 500
    assert "Erreur technique" in response.content.decode()
    assert not response.has_header("Retry-After")

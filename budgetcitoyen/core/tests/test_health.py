"""``/sante/``: the health check the load balancer and the monitoring ask."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from budgetcitoyen.comptoirs.tasks import send_comptoir_reminders

pytestmark = pytest.mark.django_db


def ask(client: Client | None = None):  # type: ignore[no-untyped-def]
    response = (client or Client()).get("/sante/")
    return response, json.loads(response.content)


def test_it_answers_200_when_everything_answers():
    response, body = ask()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert body["message"] == "Tout fonctionne."
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "queue": True,
    }
    assert body["checks"]["queue"]["ready"] == 0
    assert body["checks"]["queue"]["lag_seconds"] is None


def test_it_is_never_cached_and_opens_no_session(alice):
    client = Client()
    response, _body = ask(client)
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert Session.objects.count() == 0
    # A signed-in visitor's session is neither read nor extended.
    client.force_login(alice)
    response, _body = ask(client)
    assert not response.cookies


def test_its_queries_are_few_and_constant(django_assert_num_queries):
    # The trivial query (inside a savepoint with its timeout on PostgreSQL), then one
    # aggregate over the queue; the cache of the tests is in memory.
    database = 4 if connection.vendor == "postgresql" else 1
    send_comptoir_reminders.enqueue()
    with django_assert_num_queries(database + 1):
        ask()


def test_a_database_that_does_not_answer_gives_503_in_french():
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response, body = ask()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert "La base de données ne répond pas." in body["message"]
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["queue"]["ok"] is False
    assert "La file des tâches de fond ne peut pas être lue." in body["message"]
    assert "retard" not in body["message"]  # not read, so not said to be late
    assert "connection refused" not in response.content.decode()


def test_a_cache_that_does_not_answer_gives_503():
    with mock.patch("budgetcitoyen.core.health.cache.set", side_effect=ConnectionError):
        response, body = ask()
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "cache partagé" in body["message"]


def test_a_cache_that_forgets_what_it_stored_gives_503():
    with mock.patch("budgetcitoyen.core.health.cache.get", return_value=None):
        response, body = ask()
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False


def test_a_queue_falling_behind_gives_503(settings):
    settings.BUDGETCITOYEN_HEALTH_MAX_QUEUE_LAG = 300
    result = send_comptoir_reminders.enqueue()
    response, body = ask()
    assert response.status_code == 200
    assert body["checks"]["queue"]["ready"] == 1
    assert 0 <= body["checks"]["queue"]["lag_seconds"] < 300
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    response, body = ask()
    assert response.status_code == 503
    assert body["checks"]["queue"]["ok"] is False
    assert body["checks"]["queue"]["lag_seconds"] >= 600
    assert "db_worker" in body["message"]


def test_tasks_started_or_not_yet_due_are_no_lag():
    long_ago = timezone.now() - timedelta(hours=2)
    running = send_comptoir_reminders.enqueue()
    DBTaskResult.objects.filter(pk=running.id).update(
        status="RUNNING", enqueued_at=long_ago, started_at=long_ago
    )
    later = send_comptoir_reminders.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=long_ago)
    response, body = ask()
    assert response.status_code == 200
    assert body["checks"]["queue"]["ready"] == 0
    # Due since ten minutes (its run_after passed), it counts from run_after, not enqueued_at.
    DBTaskResult.objects.filter(pk=later.id).update(
        run_after=timezone.now() - timedelta(minutes=10)
    )
    _response, body = ask()
    assert 600 <= body["checks"]["queue"]["lag_seconds"] < 3600


def test_it_takes_no_post():
    assert Client().post("/sante/").status_code == 405


def test_a_load_balancer_asking_over_plain_http_is_not_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/sante/").status_code == 200
    assert Client().get("/").status_code == 301

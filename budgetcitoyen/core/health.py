"""The health check a load balancer or a monitoring probe asks (``/sante/``).

Three checks, each cheap and bounded: the database answers a trivial query (with a statement
timeout on PostgreSQL), the cache stores and reads back a value (Redis or the database table:
the rate limits count there), and the background queue is not falling behind (the age of the
oldest task that is due and not started, django-tasks' database backend). The outcome is
structure (codes and numbers); the view turns it into JSON and a status. Nothing personal is
read or returned, and no session is touched.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, F, Min, When
from django.utils import timezone

# PostgreSQL gives up on the health query after this long: a probe must answer quickly.
STATEMENT_TIMEOUT_MS = 2000


@dataclass
class Check:
    name: str
    ok: bool
    milliseconds: float
    details: dict[str, int | float | None] = field(default_factory=dict)
    # False when the dependency raised instead of answering (down, unreachable, timed out).
    answered: bool = True


Details = dict[str, int | float | None]


def _timed(name: str, probe: Callable[[], Details]) -> Check:
    started = time.perf_counter()
    try:
        details = probe()
    except Exception:  # any failure of the dependency is the answer, never a 500
        ok, details, answered = False, {}, False
    else:
        ok, answered = details.pop("ok", 1) == 1, True
    return Check(name, ok, round((time.perf_counter() - started) * 1000, 1), details, answered)


def _database() -> Details:
    if connection.vendor == "postgresql":
        # SET LOCAL: the timeout ends with this transaction, a persistent connection keeps its
        # own settings afterwards.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    return {"ok": 1 if row == (1,) else 0}


def _cache() -> Details:
    key = f"bc:health:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    stored = cache.get(key)
    cache.delete(key)
    return {"ok": 1 if stored == 1 else 0}


def queue_lag(at: datetime | None = None) -> tuple[int, float | None]:
    """How many tasks are due and not started, and the age in seconds of the oldest one."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    at = at or timezone.now()
    due = (
        DBTaskResult.objects.ready()
        .annotate(
            due_at=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
            )
        )
        .aggregate(oldest=Min("due_at"), count=Count("pk"))
    )
    count: int = due["count"]
    oldest: datetime | None = due["oldest"]
    if oldest is None:
        return count, None
    return count, max(0.0, round((at - oldest).total_seconds(), 1))


def _queue() -> Details:
    count, lag = queue_lag()
    limit = settings.BUDGETCITOYEN_HEALTH_MAX_QUEUE_LAG
    return {"ok": 1 if lag is None or lag <= limit else 0, "ready": count, "lag_seconds": lag}


def run_checks() -> list[Check]:
    """The database first: when it is down, the queue check fails with it."""
    return [_timed("database", _database), _timed("cache", _cache), _timed("queue", _queue)]

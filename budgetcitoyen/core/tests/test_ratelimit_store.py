"""Where the rate limits count: one statement per attempt in the database, one round trip in
Redis, the same answers either way (the refusals themselves: accounts and voting tests)."""

from __future__ import annotations

import secrets
import socket

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.core import ratelimit
from budgetcitoyen.core.errors import RateLimited
from budgetcitoyen.core.models import RateCounter

RATES = {"vote_cast:user": "3/600", "vote_cast:ip": "5/600"}


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _redis_cache(prefix: str) -> dict[str, dict[str, str]]:
    # A prefix of its own per test: test processes running at once share this Redis.
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": prefix,
        }
    }


@pytest.fixture(params=["database", "redis"])
def store(request, settings, db):  # type: ignore[no-untyped-def]
    settings.BUDGETCITOYEN_RATE_LIMITS = RATES
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("Redis ne répond pas sur 127.0.0.1:6379")
        settings.CACHES = _redis_cache(f"bc-test-{secrets.token_hex(6)}")
    ratelimit.reset()
    yield request.param
    ratelimit.reset()


def test_an_attempt_with_two_keys_is_one_statement_in_the_database(store):
    if store != "database":
        pytest.skip("compte des requêtes SQL : base de données seulement")
    with CaptureQueriesContext(connection) as queries:
        ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
    assert len(queries) == 1
    assert RateCounter.objects.count() == 2
    assert "203.0.113.9" not in str(list(RateCounter.objects.values_list("name", flat=True)))


def test_the_fourth_attempt_is_refused_then_the_next_window_starts_from_zero(store):
    with time_machine.travel(1_800_000_000, tick=False):
        for _ in range(3):
            ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
        with pytest.raises(RateLimited) as refused:
            ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
        assert 0 < refused.value.retry_after <= 600
    with time_machine.travel(1_800_000_000 + 600, tick=False):
        ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")


def test_a_refusal_for_one_key_does_not_use_up_the_next_ones(store):
    with time_machine.travel(1_800_000_000, tick=False):
        for _ in range(3):
            ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
        for _ in range(4):
            with pytest.raises(RateLimited):
                ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
        # The IP has used 3 of its 5: two other accounts may still cast from it.
        ratelimit.consume("vote_cast", user="8", ip="203.0.113.9")
        ratelimit.consume("vote_cast", user="9", ip="203.0.113.9")
        with pytest.raises(RateLimited):
            ratelimit.consume("vote_cast", user="10", ip="203.0.113.9")


def test_counters_past_their_window_are_purged(store, settings):
    if store != "database":
        pytest.skip("compteurs en base seulement")
    from datetime import UTC, datetime

    from budgetcitoyen.privacy.services import purge_personal_data

    with time_machine.travel(1_800_000_000, tick=False):
        ratelimit.consume("vote_cast", user="7", ip="203.0.113.9")
    later = datetime.fromtimestamp(1_800_000_000 + 601, tz=UTC)
    report = purge_personal_data(at=later, apply=True)
    assert any("compteurs de tentatives" in line for line in report.lines)
    assert not RateCounter.objects.exists()


def test_in_redis_two_sites_with_their_own_prefix_count_apart(settings, db):
    if not _redis_up():
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379")
    settings.BUDGETCITOYEN_RATE_LIMITS = RATES
    first, second = (f"bc-test-{secrets.token_hex(6)}" for _ in range(2))
    try:
        with time_machine.travel(1_800_000_000, tick=False):
            settings.CACHES = _redis_cache(first)
            for _ in range(3):
                ratelimit.consume("vote_cast", user="7")
            with pytest.raises(RateLimited):
                ratelimit.consume("vote_cast", user="7")
            settings.CACHES = _redis_cache(second)
            ratelimit.consume("vote_cast", user="7")  # the other site's count starts at 1
            ratelimit.reset()  # the second site's counters only
            settings.CACHES = _redis_cache(first)
            with pytest.raises(RateLimited):
                ratelimit.consume("vote_cast", user="7")
    finally:
        for prefix in (first, second):
            settings.CACHES = _redis_cache(prefix)
            ratelimit.reset()

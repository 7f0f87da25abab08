"""Rate limits on the actions people could abuse (code requests, casts, receipt look-ups).

Fixed windows, counted where every process sees the same count, in one round trip per
attempt whatever the number of keys:
- with Redis (``REDIS_URL``): a pipeline of ``SET key 0 EX period NX`` and ``INCR key`` per key,
  under the cache's ``KEY_PREFIX`` like every other entry (two sites sharing one Redis, or two
  test runs, never count each other's attempts);
- otherwise in the database (``core.RateCounter``): one ``INSERT … ON CONFLICT DO UPDATE …
  RETURNING`` for all the keys, on SQLite and PostgreSQL alike (the database cache would take
  five statements per key).
The rates live in ``settings.BUDGETCITOYEN_RATE_LIMITS`` as ``"count/seconds"``; an action may
be limited by several keys at once (the email address and the IP address), each counted
separately. Keys are stored hashed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.core.errors import RateLimited


def _rate(action: str, scope: str) -> tuple[int, int]:
    spec = settings.BUDGETCITOYEN_RATE_LIMITS[f"{action}:{scope}"]
    count, _slash, seconds = spec.partition("/")
    return int(count), int(seconds)


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Réessayez dans %(count)d minute.", "Réessayez dans %(count)d minutes.", minutes
    ) % {"count": minutes}


def consume(action: str, **keys: str | None) -> None:
    """Count one attempt of ``action`` for each key (``email=…``, ``ip=…``); refuse past the rate.

    Raises ``RateLimited`` (HTTP 429) with a French message saying how long to wait. A key
    given as None or "" is not counted (an address unknown to the request, say).
    """
    now = int(time.time())
    wanted: list[tuple[str, int, int]] = []  # (name, limit, end of its window)
    for scope, value in keys.items():
        if not value:
            continue
        limit, period = _rate(action, scope)
        digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
        wanted.append((f"bc:rl:{action}:{scope}:{digest}", limit, (now // period + 1) * period))
    if not wanted:
        return
    redis = _uses_redis()
    counts = _count_in_redis(wanted, now) if redis else _count_in_database(wanted)
    for position, (name, limit, ends) in enumerate(wanted):
        if counts[name] > limit:
            # As if the keys were counted one after the other, stopping at the first refusal:
            # an attempt refused for its address does not use up its IP address's allowance.
            later = [(other, other_ends) for other, _limit, other_ends in wanted[position + 1 :]]
            if later:
                _uncount_in_redis(later) if redis else _uncount_in_database(later)
            wait = max(1, ends - now)
            raise RateLimited(
                _("Trop de tentatives en peu de temps.") + " " + _wait_text(wait),
                retry_after=wait,
            )


def _uses_redis() -> bool:
    return str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")


def _redis_key(name: str, ends: int) -> str:
    return cache.make_key(f"{name}:{ends}")


def _count_in_redis(wanted: list[tuple[str, int, int]], now: int) -> dict[str, int]:
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    for name, _limit, ends in wanted:
        key = _redis_key(name, ends)
        pipe.set(key, 0, ex=ends - now + 1, nx=True)
        pipe.incr(key)
    replies = pipe.execute()
    return {name: int(replies[2 * i + 1]) for i, (name, _limit, _ends) in enumerate(wanted)}


def _count_in_database(wanted: list[tuple[str, int, int]]) -> dict[str, int]:
    from budgetcitoyen.core.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    rows = ", ".join(["(%s, %s, 1)"] * len(wanted))
    sql = (
        f"INSERT INTO {table} (name, expires_at, count) VALUES {rows} "
        "ON CONFLICT (name) DO UPDATE SET "
        f"count = CASE WHEN {table}.expires_at = excluded.expires_at "
        f"THEN {table}.count + 1 ELSE 1 END, "
        "expires_at = excluded.expires_at RETURNING name, count"
    )
    params = [value for name, _limit, ends in wanted for value in (name, ends)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {name: int(count) for name, count in cursor.fetchall()}


def _uncount_in_redis(names: list[tuple[str, int]]) -> None:
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    for name, ends in names:
        pipe.decr(_redis_key(name, ends))
    pipe.execute()


def _uncount_in_database(names: list[tuple[str, int]]) -> None:
    from budgetcitoyen.core.models import RateCounter

    RateCounter.objects.filter(name__in=[name for name, _ends in names], count__gt=0).update(
        count=F("count") - 1
    )


def reset() -> None:
    """Every count back to zero (tests, and staff lifting a block by hand); the rest of the
    cache (pages, sessions' helpers) is left as it is."""
    from budgetcitoyen.core.models import RateCounter

    if _uses_redis():
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(cache.make_key("bc:rl:*")))
        if keys:
            client.delete(*keys)
    RateCounter.objects.all().delete()


def client_ip(request: object) -> str | None:
    """The client's address, as the proxies we trust saw it.

    With ``settings.TRUSTED_PROXY_COUNT`` = N > 0, each of our N proxies appended the address
    it received from to X-Forwarded-For, so the client's is the Nth from the right: entries
    further left were written by the client and prove nothing. With 0, REMOTE_ADDR. A header
    shorter than N (a proxy that did not append) gives its leftmost entry; an entry that is not
    an IP address gives REMOTE_ADDR.
    """
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-count] if len(hops) >= count else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

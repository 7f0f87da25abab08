"""Rate limits on the actions people could abuse (code requests, casts, receipt look-ups).

Fixed windows counted in the cache (Redis when ``REDIS_URL`` is set, so every process
shares the counts; the per-process memory cache otherwise). The rates live in
``settings.BUDGETCITOYEN_RATE_LIMITS`` as ``"count/seconds"``; an action may be limited by
several keys at once (the email address and the IP address), each counted separately.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
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
    for scope, value in keys.items():
        if not value:
            continue
        limit, period = _rate(action, scope)
        window = now // period
        digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
        key = f"bc:rl:{action}:{scope}:{digest}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            used = 1
        if used > limit:
            wait = period - now % period
            raise RateLimited(
                _("Trop de tentatives en peu de temps.") + " " + _wait_text(wait),
                retry_after=wait,
            )


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

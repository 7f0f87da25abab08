"""What every response of the public API does, whatever the endpoint: one wrapper around each view.

- **Read-only.** GET and HEAD are answered (HEAD as GET, without the body), OPTIONS is a CORS
  preflight (204), any other method a 405 in French JSON.
- **Open to every origin** (``Access-Control-Allow-Origin: *``) for GET, HEAD and OPTIONS:
  the data is public and no cookie is read, so no credential can travel with it.
- **Rate limited per client address** with the platform's limiter (``core.ratelimit``, action
  ``api``, rate ``settings.BUDGETCITOYEN_RATE_LIMITS["api:ip"]``): a 429 in French JSON with
  ``Retry-After``.
- **Conditional requests.** The ``ETag`` is derived from the public pages' version token
  (``core.pagecache``), which every service changing public data replaces, from the next moment
  the clock changes what is public (an edition's next date, or midnight), from the frozen clock
  if any, and from the path and query string. It is known before the view runs, so a matching
  ``If-None-Match`` (or an ``If-Modified-Since`` not older than the first time this tag was
  served, kept in the shared cache) gets a 304 without a query. ``Cache-Control: no-cache``:
  clients keep the answer and ask again each time.
- **No session, no cookie.** Nothing here reads ``request.session`` or ``request.user``; a
  response never sets a cookie (tested).
- **French.** Answers are built with French active whatever the visitor's language, so that
  the data and the errors read the same for every client and one tag serves them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from budgetcitoyen.core import clock, pagecache, ratelimit
from budgetcitoyen.core.errors import RateLimited

SAFE_METHODS = ("GET", "HEAD")
ALLOWED = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOWED,
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
    "Access-Control-Max-Age": "86400",
}
JSON = "application/json; charset=utf-8"
# How long the first moment a tag was served is remembered (its Last-Modified): a day, the
# longest a tag can live (it changes at the latest at midnight).
SEEN_TIMEOUT = 86400 + 3600


def json_error(status: int, detail: str, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"detail": detail}, ensure_ascii=False), status=status, content_type=JSON
    )
    for name, value in headers.items():
        response[name] = value
    return response


def _tag(request: HttpRequest, now: datetime) -> str:
    frozen = now.isoformat() if clock.is_frozen() else ""
    raw = "\n".join(
        [
            pagecache.current_version(),
            pagecache.next_change(now).isoformat(),
            frozen,
            request.path,
            request.META.get("QUERY_STRING", ""),
        ]
    )
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:24] + '"'


def _first_served(tag: str, now: datetime) -> int:
    """The first moment (a timestamp) this tag was served, by any process."""
    key = "bc:api:seen:" + hashlib.sha256(tag.encode()).hexdigest()[:24]
    seen = cache.get_or_set(key, int(now.timestamp()), SEEN_TIMEOUT)
    return int(seen) if seen is not None else int(now.timestamp())


def _finish(response: HttpResponseBase, *, head: bool) -> HttpResponseBase:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    response["X-Content-Type-Options"] = "nosniff"
    response.setdefault("Content-Language", "fr")
    if head and isinstance(response, HttpResponse):
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


def public_endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap one view of the API (see the module docstring)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override("fr"):
            return _answer(view, request, *args, **kwargs)

    # Nothing the API answers needs a CSRF token: it takes no write.
    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def _answer(
    view: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    method = request.method or "GET"
    if method == "OPTIONS":
        return _finish(HttpResponse(status=204), head=False)
    if method not in SAFE_METHODS:
        refused = json_error(
            405,
            _("Cette API est en lecture seule : seules les méthodes GET et HEAD sont acceptées."),
            Allow=ALLOWED,
        )
        return _finish(refused, head=False)
    head = method == "HEAD"
    try:
        ratelimit.consume("api", ip=ratelimit.client_ip(request))
    except RateLimited as refusal:
        detail = _("Trop de requêtes depuis votre adresse.") + " " + refusal.message
        limited = json_error(429, detail, **{"Retry-After": str(refusal.retry_after)})
        return _finish(limited, head=head)
    now = clock.now()
    tag = _tag(request, now)
    served = _first_served(tag, now)
    conditional = get_conditional_response(request, etag=tag, last_modified=served)
    if conditional is not None:
        conditional["ETag"] = tag
        conditional["Last-Modified"] = http_date(served)
        conditional["Cache-Control"] = "no-cache"
        return _finish(conditional, head=False)
    if head:
        request.method = "GET"  # the views answer GET; the body is dropped below
    response = view(request, *args, **kwargs)
    if response.status_code == 200:
        response["ETag"] = tag
        response["Last-Modified"] = http_date(served)
        response["Cache-Control"] = "no-cache"
    else:
        response["Cache-Control"] = "no-store"
    return _finish(response, head=head)


def isoformat(moment: datetime | None) -> str | None:
    """A moment in Europe/Paris, as ISO 8601 with its offset."""
    return timezone.localtime(moment).isoformat() if moment is not None else None

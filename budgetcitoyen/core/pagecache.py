"""Public pages served from a cache that the services invalidate.

The catalogue, a project's page, the home page and the results pages are the same for every
anonymous reader in one language at one moment, and they change only when staff change
something (a decision, a result published, an edition's dates or texts, a comptoir) or when
the clock crosses one of an edition's dates (the phase is computed, never stored). So:

- A page is rendered once per **version** and kept in the memory of the process that
  rendered it (a bounded LRU of rendered bytes). The version is one short token in the
  project's shared cache (Redis, or the database table), read once per request: every
  process sees a change at its next request. ``invalidate()`` (called by the services, after
  the commit) replaces the token. A token lost from the shared cache (evicted, cache cleared)
  is replaced by a new one: the pages are rendered again, never served stale.
- The key holds the path and the raw query string (filters, search, order), the active
  language, the frozen clock when the site is shown as on another day, and the version.
- Each entry expires on its own at the next date any edition's calendar holds (providers
  registered by the apps that know them: ``register_expiry``) and at the next midnight in
  Europe/Paris (pages print the day's phase and dates).
- It is on when the cache is shared (``settings.PAGE_CACHE``: not with the memory cache of
  development, which another process could not invalidate).
- Only anonymous readers are served from it: a request carrying a session cookie or a
  pending message is rendered as usual. A response that set a cookie, printed a CSRF token
  or the CSP nonce, or is not a 200 is never kept.
- Every response served this way carries an ``ETag`` and ``Last-Modified`` (the moment of
  rendering) and answers ``304 Not Modified`` to a matching conditional request.

A page may be kept in parts (``LIST_MARK`` before each item of a list and after the last, the
items' ids in ``response.list_keys``): when the view marks it ``list_per_reader``, ``arrange``
orders the items for each reader without rendering again, which is how the catalogue keeps
one random order per visitor while being rendered once.

Bodies are per process on purpose: a page is a few hundred kilobytes, cheaper to render once
per process and version than to fetch from the database cache on every request, and a
database cache holding them would cull the rate-limit counters it also holds.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from budgetcitoyen.core import clock

VERSION_KEY = "budgetcitoyen:pages:version"
# Between list items in a page kept in parts: an HTML comment no escaped text can contain.
LIST_MARK = "<!--bc:item-->"
_MARK = LIST_MARK.encode()
MAX_ENTRIES = 256
MAX_QUERY_STRING = 512

T = TypeVar("T")

# The next moment an app's data changes a page by itself (an edition's next date), or None.
Expiry = Callable[[datetime], "datetime | None"]
_expiries: list[Expiry] = []


def register_expiry(provider: Expiry) -> None:
    if provider not in _expiries:
        _expiries.append(provider)


@dataclass(frozen=True)
class Entry:
    """A rendered page: its parts (one, or the head, each list item and the tail)."""

    parts: tuple[bytes, ...]
    keys: tuple[int, ...]  # the id of each list item, in the parts' order
    per_reader: bool  # the items are ordered for each reader (``arrange``)
    content_type: str
    rendered_at: datetime
    expires: datetime
    tag: str  # unique to this rendering


@dataclass(frozen=True)
class Arranged:
    """A reader's arrangement of a page kept in parts: the order of the items (indexes into
    ``Entry.keys``), a tag that makes the ETag theirs, and what to add to the response."""

    order: Sequence[int] | None = None
    tag: str = ""
    finish: Callable[[HttpResponse], None] | None = None


Arrange = Callable[[HttpRequest, Sequence[int]], Arranged]


@dataclass(frozen=True)
class Kept:
    """A value computed from public data (``kept``), kept under the same rules as a page."""

    value: Any
    expires: datetime


_lock = threading.Lock()
_entries: OrderedDict[str, Entry] = OrderedDict()
_values: OrderedDict[str, Kept] = OrderedDict()


def invalidate() -> None:
    """Every public page may have changed: the next request renders it again, in every
    process. Inside a transaction, once it commits (a rolled-back change changes nothing)."""
    transaction.on_commit(_new_version)


def replace_token(key: str) -> None:
    """A new shared version under ``key``: every process sees it at its next read."""
    cache.set(key, secrets.token_hex(8), None)


def shared_token(key: str) -> str:
    """The shared version under ``key``, made if it is missing (evicted, cleared, never set):
    whatever was kept under the lost one is read again, never served stale."""
    version = cache.get(key)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(key, version, None):
            version = cache.get(key) or version
    return str(version)


def _new_version() -> None:
    replace_token(VERSION_KEY)


def current_version() -> str:
    return shared_token(VERSION_KEY)


def clear() -> None:
    """Forget this process's pages (tests; a process starting has none)."""
    with _lock:
        _entries.clear()
        _values.clear()


def is_cacheable(request: HttpRequest) -> bool:
    """An anonymous reader's GET: no session (so no account, no message kept there), no
    message in a cookie, a query string of reasonable length."""
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
    )


def _key(request: HttpRequest) -> str:
    return _versioned(request.path, request.META.get("QUERY_STRING", ""))


def _versioned(*names: str) -> str:
    frozen = clock.now().isoformat() if clock.is_frozen() else ""
    raw = "\n".join([current_version(), get_language() or "", frozen, *names])
    return hashlib.sha256(raw.encode()).hexdigest()


def kept(name: str, compute: Callable[[], T]) -> T:
    """A value computed from what the public pages show (a downloadable file's size), kept as
    a public page is: in this process, until the next change (``invalidate``), the next date
    of an edition's calendar or midnight, per language and frozen clock. For pages that are
    not kept whole (a signed-in reader's), so that they need not compute it each time."""
    if not settings.PAGE_CACHE:
        return compute()
    now = clock.now()
    key = _versioned("value", name)
    found = _get(key, now, _values)
    if found is None:
        found = Kept(compute(), _expires(now))
        _put(key, found, _values)
    return cast(T, found.value)


def _expires(now: datetime) -> datetime:
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [midnight]
    for provider in _expiries:
        moment = provider(now)
        if moment is not None:
            moments.append(moment)
    return min(moments)


def next_change(now: datetime) -> datetime:
    """The next moment the clock alone changes what a public page or the API shows: the next
    date of any edition's calendar, or the next midnight in Europe/Paris."""
    return _expires(now)


def _get(key: str, now: datetime, store: OrderedDict[str, Any] = _entries) -> Any:
    """What ``store`` keeps under ``key`` (a page, or a ``Kept`` value), unless expired."""
    with _lock:
        entry = store.get(key)
        if entry is None:
            return None
        if now >= entry.expires:
            del store[key]
            return None
        store.move_to_end(key)
        return entry


def _put(key: str, entry: Any, store: OrderedDict[str, Any] = _entries) -> None:
    with _lock:
        store[key] = entry
        store.move_to_end(key)
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)


def _keepable(request: HttpRequest, response: HttpResponseBase, allowed: set[str]) -> bool:
    return (
        isinstance(response, HttpResponse)
        and not response.streaming
        and response.status_code == 200
        and set(response.cookies) <= allowed
        # The page printed a CSRF token or the response's CSP nonce: it is this response's only.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
    )


def _entry(response: HttpResponse, now: datetime) -> Entry:
    parts = tuple(response.content.split(_MARK))
    keys = tuple(getattr(response, "list_keys", ()))
    per_reader = bool(getattr(response, "list_per_reader", False))
    if len(parts) != len(keys) + 2:  # not a page in parts after all: keep it whole
        parts, keys, per_reader = (response.content.replace(_MARK, b""),), (), False
    return Entry(
        parts=parts,
        keys=keys,
        per_reader=per_reader,
        content_type=response["Content-Type"],
        rendered_at=now,
        expires=_expires(now),
        tag=secrets.token_hex(8),
    )


def _body(entry: Entry, order: Sequence[int] | None) -> bytes:
    if not entry.keys:
        return b"".join(entry.parts)
    items = entry.parts[1:-1]
    chosen = items if order is None else [items[i] for i in order]
    return b"".join([entry.parts[0], *chosen, entry.parts[-1]])


def _respond(request: HttpRequest, entry: Entry, arrange: Arrange | None) -> HttpResponseBase:
    arranged = arrange(request, entry.keys) if arrange and entry.per_reader else Arranged()
    tag = hashlib.sha256(f"{entry.tag}:{arranged.tag}".encode()).hexdigest()[:20]
    etag = f'"{tag}"'
    response = HttpResponse(_body(entry, arranged.order), content_type=entry.content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry.rendered_at.timestamp())
    # Kept by the browser, but asked again each time (a 304 when nothing changed).
    response["Cache-Control"] = "no-cache"
    # Signed-in readers and each visitor's order see other pages at the same address.
    patch_vary_headers(response, ("Cookie",))
    if arranged.finish is not None:
        arranged.finish(response)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(entry.rendered_at.timestamp()), response=response
    )
    return conditional or response


def _strip_marks(response: HttpResponseBase) -> HttpResponseBase:
    if isinstance(response, HttpResponse) and not response.streaming and _MARK in response.content:
        response.content = response.content.replace(_MARK, b"")
    return response


def public_page(
    arrange: Arrange | None = None, *, cookies: Sequence[str] = ()
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve the view's page to anonymous readers from the cache (see the module docstring).

    ``arrange`` orders a page kept in parts for each reader; ``cookies`` are those it sets
    itself (the view may set them too when it renders: they are not kept with the page).
    """
    allowed = set(cookies)

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not is_cacheable(request):
                return _strip_marks(view(request, *args, **kwargs))
            now = clock.now()
            key = _key(request)
            entry = _get(key, now)
            if entry is None:
                response = view(request, *args, **kwargs)
                if not _keepable(request, response, allowed):
                    return _strip_marks(response)
                assert isinstance(response, HttpResponse)
                entry = _entry(response, now)
                _put(key, entry)
            return _respond(request, entry, arrange)

        return wrapped

    return decorator

"""The current edition, kept in each process between changes (read on every request).

Every page needs ``current_edition()`` (the header, the menu, most views): the edition and its
categories, two queries per request. It changes only when an edition or a category is saved or
deleted, or when the clock crosses an edition's results date (which decides which edition is
current). So each process keeps the answer under a **version**, one short token in the shared
cache (Redis, or the database table, as the page cache's), with the span of time over which the
answer holds (from the last results date at or before the moment asked to the next one after):

- every save or deletion of an edition or a category (services, the admin, the demo alike: the
  receivers below) replaces the token, at once and again once the transaction commits, so
  every process reads the database again at its next request;
- ``catalogue._raise_version`` (a queryset ``update``, which sends no signal) calls ``changed``;
- an answer computed inside a transaction that has not committed is never kept (it could be
  rolled back), except inside a test's own transaction;
- each request gets its own copy (unpickled), so a view that changes the edition it was given
  changes nothing for the next one.

A token lost from the shared cache (evicted, cleared) is replaced by a new one: the edition is
read again, never served stale.
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from budgetcitoyen.core import pagecache

VERSION_KEY = "budgetcitoyen:editions:version"


@dataclass(frozen=True)
class Kept:
    version: str
    valid_from: datetime | None  # the answer holds from this moment (None: since always)
    valid_until: datetime | None  # up to this one, excluded (None: for ever)
    data: bytes  # the pickled edition, or b"" for none


_lock = threading.Lock()
_kept: Kept | None = None


def forget() -> None:
    """This process reads the current edition again at its next request."""
    global _kept
    with _lock:
        _kept = None


def _new_version() -> None:
    pagecache.replace_token(VERSION_KEY)


def changed(**kwargs: Any) -> None:
    """An edition or a category changed: every process reads the current edition again."""
    forget()
    _new_version()
    transaction.on_commit(_new_version)


def _version() -> str:
    return pagecache.shared_token(VERSION_KEY)


def _uncommitted() -> bool:
    """Inside a transaction of the site's own (not a test's), which may still roll back."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def kept_or_compute(at: datetime, compute: Any) -> Any:
    """The current edition at ``at``: the kept one if it still holds, else ``compute(at)``,
    which returns it with the span over which it holds."""
    global _kept
    version = _version()
    kept = _kept
    if (
        kept is not None
        and kept.version == version
        and (kept.valid_from is None or kept.valid_from <= at)
        and (kept.valid_until is None or at < kept.valid_until)
    ):
        return pickle.loads(kept.data) if kept.data else None
    edition, valid_from, valid_until = compute(at)
    if _uncommitted():
        return edition
    data = pickle.dumps(edition) if edition is not None else b""
    with _lock:
        _kept = Kept(version, valid_from, valid_until, data)
    return pickle.loads(data) if data else None


def connect() -> None:
    from budgetcitoyen.editions.models import Category, Edition

    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        for model in (Edition, Category):
            signal.connect(
                changed, sender=model, dispatch_uid=f"editions.current:{model.__name__}:{name}"
            )

"""Run jobs at the same instant on real threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from budgetcitoyen.core.errors import DomainError


def run_together(
    jobs: list[Callable[[], Any]], *, keep_refusals: bool = False
) -> list[BaseException]:
    """Start every job behind one barrier; return what they raised.

    A ``DomainError`` (a rule refusing, which is an expected outcome of a race) is returned
    only with ``keep_refusals``; anything else is always returned, so tests can assert on it.
    """
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
        except DomainError as exc:
            if keep_refusals:
                errors.append(exc)
        except BaseException as exc:  # reported by the caller's assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors

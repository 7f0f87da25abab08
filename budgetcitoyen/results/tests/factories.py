"""Result snapshots for tests of other apps."""

from __future__ import annotations

from budgetcitoyen.core import clock
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results.models import ResultSnapshot


def published_snapshot(edition: Edition) -> ResultSnapshot:
    """A published (empty) result, stored directly: for tests of what publication closes."""
    return ResultSnapshot.objects.create(
        edition=edition,
        rule=edition.allocation_rule,
        rule_version="1",
        budget=edition.total_envelope,
        voters=0,
        ballots_sha256="0" * 64,
        ballots_file=b"",
        outcome={"selected": [], "projects": [], "trace": []},
        published_at=clock.now(),
    )

"""Reads of the results: published results, an edition's counts, what blocks publication."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from budgetcitoyen.core import clock
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling.selectors import ProjectResult
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.voting.models import IdentityReview


def published_results() -> QuerySet[ResultSnapshot]:
    """Published results of published editions, the latest edition first (without the ballots
    file, which only its download reads). A result is public from its publication time on (a
    site shown as on an earlier day does not show it)."""
    return (
        ResultSnapshot.objects.filter(
            published_at__isnull=False, published_at__lte=clock.now(), edition__is_published=True
        )
        .select_related("edition")
        .defer("ballots_file")
        .order_by("-edition__year")
    )


def other_editions(
    exclude: ResultSnapshot | None = None, *, exclude_edition: Edition | None = None
) -> list[dict[str, Any]]:
    """Year and title of the editions with published or imported results (but ``exclude``'s
    and ``exclude_edition``'s), the latest first."""
    from budgetcitoyen.results.models import ImportedResult

    rows = published_results()
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    imported = ImportedResult.objects.filter(edition__is_published=True)
    if exclude_edition is not None:
        rows = rows.exclude(edition=exclude_edition)
        imported = imported.exclude(edition=exclude_edition)
    found = [dict(row) for row in rows.values("edition__year", "edition__title")]
    found += [dict(row) for row in imported.values("edition__year", "edition__title")]
    return sorted(found, key=lambda row: -row["edition__year"])


def published_result(edition: Edition) -> ResultSnapshot | None:
    """The edition's published result. (Its publication time is never in the future, except
    on a site shown as on an earlier day: the result is then not out yet.)"""
    return ResultSnapshot.objects.filter(
        edition=edition, published_at__isnull=False, published_at__lte=clock.now()
    ).first()


def open_reviews(edition: Edition) -> int:
    """Multiple-vote reviews still to decide: publication waits for them."""
    return IdentityReview.objects.filter(edition=edition, status=IdentityReview.Status.OPEN).count()


def edition_snapshots(edition: Edition) -> QuerySet[ResultSnapshot]:
    """Every count of the edition, the latest first."""
    return ResultSnapshot.objects.filter(edition=edition).select_related("run_by", "published_by")


def project_outcomes(edition: Edition) -> dict[int, ProjectResult] | None:
    """Each project's outcome in the edition's published result (by decision id), for the
    catalogue and the project pages: funded or not, votes, rank in its category, amount
    granted and the trace's deciding line; None before publication. Registered with
    ``labelling.selectors`` at start."""
    from budgetcitoyen.results.presentation import project_groups, project_rows
    from budgetcitoyen.results.trace import deciding_lines

    snapshot = published_result(edition)
    if snapshot is None:
        return None
    reasons = deciding_lines(snapshot.outcome)
    ranked = {
        row["id"]: (row["rank"], group["name"])
        for group in project_groups(snapshot)
        for row in group["projects"]
    }
    found: dict[int, ProjectResult] = {}
    for position, row in enumerate(project_rows(snapshot)):
        if row["id"].isascii() and row["id"].isdigit():
            rank, category = ranked.get(row["id"], (0, None))
            found[int(row["id"])] = ProjectResult(
                funded=row["funded"],
                votes=row["votes"],
                votes_text=row["votes_text"],
                position=position,
                rank=rank,
                category=category,
                amount=row["amount"] if row["funded"] else Decimal(0),
                reason=reasons.get(row["id"], ""),
            )
    return found

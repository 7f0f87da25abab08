"""Reads of the follow-up: a laureate's progress (milestones, news, final report).

A project's status is its latest milestone (by date, then by entry): none yet is "pas encore
démarré"; ``done`` is "réalisé" (the statistics' "projets réalisés"), ``abandoned``
"abandonné", any other "en cours" at its progress.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.db.models import QuerySet

from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.models import FinalReport, Milestone, NewsItem
from budgetcitoyen.results.models import Award

__all__ = [
    "ProjectStatus",
    "award_of_dossier",
    "milestones_of",
    "moderation_queue",
    "news_of",
    "project_status",
    "report_of",
    "statuses",
]


class ProjectStatus(NamedTuple):
    """``(kind, progress, reached_on)``: the latest milestone's kind (None: not started yet),
    the progress in percent and the date it was reached."""

    kind: str | None
    progress: int
    reached_on: date | None


NO_MILESTONE = ProjectStatus(None, 0, None)


def _status(milestone: Milestone | None) -> ProjectStatus:
    if milestone is None:
        return NO_MILESTONE
    return ProjectStatus(milestone.kind, milestone.progress, milestone.reached_on)


def project_status(award: Award) -> ProjectStatus:
    return _status(award.milestones.order_by("-reached_on", "-pk").first())


def statuses(edition: Edition) -> dict[int, ProjectStatus]:
    """The status of every laureate of ``edition``'s published result, by award id (one query
    for the milestones)."""
    awards = Award.objects.filter(
        snapshot__edition=edition, snapshot__published_at__isnull=False
    ).values_list("pk", flat=True)
    found: dict[int, ProjectStatus] = dict.fromkeys(awards, NO_MILESTONE)
    milestones = Milestone.objects.filter(award_id__in=list(found)).order_by(
        "award_id", "reached_on", "pk"
    )
    for milestone in milestones.only("award_id", "kind", "progress", "reached_on"):
        found[milestone.award_id] = _status(milestone)  # the last one of each award stays
    return found


def award_of_dossier(dossier: Dossier) -> Award | None:
    """The laureate of a published result that ``dossier`` became, if it did."""
    return (
        Award.objects.select_related("snapshot__edition", "decision__dossier__holder")
        .filter(decision__dossier=dossier, snapshot__published_at__isnull=False)
        .first()
    )


def milestones_of(award: Award) -> QuerySet[Milestone]:
    return award.milestones.select_related("set_by").order_by("reached_on", "pk")


def news_of(award: Award) -> QuerySet[NewsItem]:
    """Every news item of the project, whatever its state (for its holder and staff)."""
    return award.news.order_by("-happened_on", "-pk")


def moderation_queue() -> QuerySet[NewsItem]:
    """The items waiting for moderation, the oldest submitted first."""
    return (
        NewsItem.objects.filter(status=NewsItem.Status.SUBMITTED)
        .select_related("award__decision__dossier__holder", "award__snapshot__edition")
        .order_by("submitted_at", "pk")
    )


def report_of(award: Award) -> FinalReport | None:
    return FinalReport.objects.filter(award=award).prefetch_related("attachments").first()

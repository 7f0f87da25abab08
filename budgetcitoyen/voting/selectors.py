"""Reads on the vote: staff dashboard, review queue, clusters by IP address.

Nothing here returns a person's choices: the dashboard counts ballots, the review queue
shows declared identities and how each ballot arrived, never what it chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from budgetcitoyen.core import clock
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.voting import ballotlines
from budgetcitoyen.voting.identity import AGE_BAND_LABELS
from budgetcitoyen.voting.models import Ballot, IdentityReview

Status = Ballot.Status
Channel = Ballot.Channel


def dashboard(edition: Edition) -> dict[str, Any]:
    """Counts of the edition's ballots: totals, by status, channel, day, territory, age band."""
    ballots = Ballot.objects.filter(edition=edition)
    totals = ballots.aggregate(
        total=Count("pk"),
        valid=Count("pk", filter=Q(status=Status.VALID)),
        under_review=Count("pk", filter=Q(status=Status.UNDER_REVIEW)),
        annulled=Count("pk", filter=Q(status=Status.ANNULLED)),
        online=Count("pk", filter=Q(channel=Channel.ONLINE)),
        paper=Count("pk", filter=Q(channel=Channel.PAPER)),
    )
    by_day = list(
        ballots.annotate(day=TruncDate("cast_at"))
        .values("day")
        .annotate(
            total=Count("pk"),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            paper=Count("pk", filter=Q(channel=Channel.PAPER)),
        )
        .order_by("day")
    )
    by_territory = list(
        ballots.values("territory__name")
        .annotate(
            total=Count("pk"),
            valid=Count("pk", filter=Q(status=Status.VALID)),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            paper=Count("pk", filter=Q(channel=Channel.PAPER)),
        )
        .order_by("territory__name")
    )
    by_age = [
        {
            "band": row["age_band"],
            "label": AGE_BAND_LABELS.get(row["age_band"], row["age_band"]),
            "total": row["total"],
        }
        for row in ballots.values("age_band").annotate(total=Count("pk")).order_by("age_band")
    ]
    open_reviews = IdentityReview.objects.filter(
        edition=edition, status=IdentityReview.Status.OPEN
    ).count()
    return {
        **totals,
        "by_day": by_day,
        "by_territory": by_territory,
        "by_age": by_age,
        "open_reviews": open_reviews,
    }


def reviews(edition: Edition) -> QuerySet[IdentityReview]:
    """The edition's reviews, each with the identity as its first ballot declared it (the
    identity key itself is never shown: it is a folded form for matching, not a name)."""
    first = Ballot.objects.filter(
        edition=OuterRef("edition"), identity_key=OuterRef("identity_key")
    ).order_by("cast_at", "pk")
    return (
        IdentityReview.objects.filter(edition=edition)
        .annotate(
            ballot_count=Count("ballots"),
            declared_first_name=Subquery(first.values("first_name")[:1]),
            declared_last_name=Subquery(first.values("last_name")[:1]),
            declared_birth_date=Subquery(first.values("birth_date")[:1]),
        )
        .select_related("decided_by")
        .order_by("-status", "created_at")
    )


def review_ballots(review: IdentityReview) -> QuerySet[Ballot]:
    """Every ballot of the identity in the edition: this review's, and earlier ones (evidence)."""
    return (
        Ballot.objects.filter(edition=review.edition_id, identity_key=review.identity_key)
        .select_related("user", "commune", "territory", "entered_by")
        .order_by("cast_at")
    )


@dataclass
class IpCluster:
    ip_address: str
    ballots: list[Ballot]

    @property
    def first(self) -> datetime:
        return self.ballots[0].cast_at

    @property
    def last(self) -> datetime:
        return self.ballots[-1].cast_at


def ip_clusters(edition: Edition) -> list[IpCluster]:
    """Runs of at least COUNT online ballots from one IP address, each cast within SECONDS of
    the one before.

    For review only: a family, a library or a Maison du Département share an address, so
    nothing is ever annulled for this.
    """
    count, seconds = settings.BUDGETCITOYEN_IP_CLUSTER
    window = timedelta(seconds=seconds)
    busy = (
        Ballot.objects.filter(edition=edition, ip_address__isnull=False)
        .values("ip_address")
        .annotate(n=Count("pk"))
        .filter(n__gte=count)
        .values_list("ip_address", flat=True)
    )
    rows = (
        Ballot.objects.filter(edition=edition, ip_address__in=list(busy))
        .select_related("territory", "commune")
        .order_by("ip_address", "cast_at")
    )
    by_ip: dict[str, list[Ballot]] = {}
    for ballot in rows:
        by_ip.setdefault(str(ballot.ip_address), []).append(ballot)
    clusters: list[IpCluster] = []
    for ip, ballots in by_ip.items():
        run: list[Ballot] = []
        for ballot in ballots:
            if run and ballot.cast_at - run[-1].cast_at > window:
                if len(run) >= count:
                    clusters.append(IpCluster(ip, run))
                run = []
            run.append(ballot)
        if len(run) >= count:
            clusters.append(IpCluster(ip, run))
    clusters.sort(key=lambda c: (-len(c.ballots), c.first))
    return clusters


def paper_entries(edition: Edition, agent: Any) -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(edition=edition, channel=Channel.PAPER, entered_by=agent)
        .select_related("commune")
        .order_by("-cast_at")
    )


def collection_points(edition: Edition) -> list[str]:
    """Places already typed for this edition, offered as suggestions to agents."""
    return list(
        Ballot.objects.filter(edition=edition, channel=Channel.PAPER)
        .exclude(collection_point="")
        .values_list("collection_point", flat=True)
        .distinct()
        .order_by("collection_point")[:50]
    )


# --- A voter's line in the published file --------------------------------------------------------


@dataclass(frozen=True)
class PublishedLine:
    """Where the published ballots file lists a ballot (``verify``'s "line N of the file").

    ``published``: whether the edition's result is out; ``number``: the ballot's line in the
    file (None if the file does not list it: a ballot under review or annulled was not
    counted); ``choices``: the project names the line holds, with their points; ``key``: the
    edition key published with the results; ``derived``: whether the line id comes from this
    receipt code (a ballot recorded before line ids existed has a random one, which the offline
    check cannot find)."""

    published: bool
    year: int
    line_id: str
    key: str = ""
    number: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    derived: bool = True


def published_line(ballot: Ballot, code: str) -> PublishedLine:
    """The line of ``ballot`` (found by its receipt ``code``) in the published file, read from
    the file itself: what it shows is what everybody downloads."""
    edition = ballot.edition
    year = edition.year
    snapshot = (
        edition.results.filter(  # type: ignore[attr-defined]
            published_at__isnull=False, published_at__lte=clock.now()
        )
        .order_by("-published_at")
        .first()
    )
    if snapshot is None:
        return PublishedLine(published=False, year=year, line_id=ballot.line_id)
    key = str(snapshot.outcome.get("ballot_key", ""))
    derived = bool(key) and ballotlines.line_id(key, code) == ballot.line_id
    found = ballotlines.find_line(snapshot.ballots_pb().decode(), ballot.line_id)
    if found is None:
        return PublishedLine(
            published=True, year=year, line_id=ballot.line_id, key=key, derived=derived
        )
    names = {str(row["id"]): str(row.get("name") or row["id"]) for row in snapshot.projects}
    points = found.points or []
    choices = tuple(
        (names.get(project, project), points[i] if i < len(points) else "")
        for i, project in enumerate(found.vote)
    )
    return PublishedLine(
        published=True,
        year=year,
        line_id=ballot.line_id,
        key=key,
        number=found.number,
        choices=choices,
        derived=derived,
    )

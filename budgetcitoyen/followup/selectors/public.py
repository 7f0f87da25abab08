"""Reads of the follow-up for the public: the laureates and their progress, a laureate's
timeline, the published news, and the follow-up's figures for the statistics.

What the public reads of a laureate (``followup.permissions``): its award (amount, votes),
its milestones (kind, date, progress, public note, the reason of an abandon), its published
news, the date its agreement was signed and the amounts paid under a signed agreement. Never
an agreement's terms or beneficiary, a payment's reference, a draft, submitted or refused news
item, nor anything of an unsigned agreement. A laureate is public once its edition's result
is published (``published_at`` reached, edition published), as on the results pages.

Every list is read in a fixed number of queries: what is computed per laureate (its latest
milestone, the amount paid, its last news) comes as subqueries of one query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from budgetcitoyen.core import clock
from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.followup.models import FundingAgreement, Milestone, NewsItem, Payment
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.results.models import Award
from budgetcitoyen.territories.models import Territory

__all__ = [
    "STATUSES",
    "LaureateFilters",
    "ProjectStatus",
    "Timeline",
    "TimelineEvent",
    "editions_with_laureates",
    "filter_categories",
    "followup_figures",
    "laureates",
    "public_award",
    "published_news",
    "status_of",
    "timeline",
]

Kind = Milestone.Kind

# The public statuses of a laureate, read from its latest milestone (the filter's values).
NOT_STARTED, IN_PROGRESS, DONE, ABANDONED = "a-venir", "en-cours", "realise", "abandonne"
STATUSES: dict[str, Any] = {
    NOT_STARTED: gettext_lazy("Pas encore démarré"),
    IN_PROGRESS: gettext_lazy("En cours"),
    DONE: gettext_lazy("Réalisé"),
    ABANDONED: gettext_lazy("Abandonné"),
}
STATUS_OF_KIND = {
    Kind.STARTED: IN_PROGRESS,
    Kind.HALFWAY: IN_PROGRESS,
    Kind.DONE: DONE,
    Kind.ABANDONED: ABANDONED,
}

MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class ProjectStatus:
    code: str  # one of STATUSES
    progress: int  # percentage, 0 before any milestone
    reason: str = ""  # why it was abandoned
    note: str = ""  # the latest milestone's public note

    @property
    def label(self) -> str:
        return str(STATUSES[self.code])


def status_of(
    kind: str | None, progress: int | None, reason: str = "", note: str = ""
) -> ProjectStatus:
    """The public status of a laureate whose latest milestone is ``kind`` (None: none yet).
    A project done is at 100 %; an abandoned one keeps the progress it had reached."""
    if kind is None:
        return ProjectStatus(NOT_STARTED, 0)
    code = STATUS_OF_KIND.get(Kind(kind), IN_PROGRESS)
    shown = 100 if code == DONE else int(progress or 0)
    return ProjectStatus(code, shown, reason if code == ABANDONED else "", note)


def public_awards() -> QuerySet[Award]:
    """The laureates of every published result, as public as the results themselves."""
    return Award.objects.filter(
        snapshot__published_at__isnull=False,
        snapshot__published_at__lte=clock.now(),
        snapshot__edition__is_published=True,
    )


def signed_payments() -> QuerySet[Payment]:
    """The payments the public may add up: those of signed agreements only."""
    return Payment.objects.filter(instalment__agreement__status=FundingAgreement.Status.SIGNED)


def published_news_items() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(
        status=NewsItem.Status.PUBLISHED,
        published_at__isnull=False,
        published_at__lte=clock.now(),
    )


def _latest_milestone() -> QuerySet[Milestone]:
    return Milestone.objects.filter(award=OuterRef("pk")).order_by("-reached_on", "-pk")


def with_progress(awards: QuerySet[Award]) -> QuerySet[Any]:
    """``awards`` with their latest milestone, the amount paid and their last news, each one
    subquery (the same number of queries for any number of laureates)."""
    latest = _latest_milestone()
    paid = (
        signed_payments()
        .filter(instalment__agreement__award=OuterRef("pk"))
        .order_by()
        .values("instalment__agreement__award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    last_news = (
        published_news_items()
        .filter(award=OuterRef("pk"))
        .order_by()
        .values("award")
        .annotate(last=Max("published_at"))
        .values("last")
    )
    return awards.annotate(
        milestone_kind=Subquery(latest.values("kind")[:1]),
        milestone_progress=Subquery(latest.values("progress")[:1], output_field=IntegerField()),
        milestone_reason=Subquery(latest.values("reason")[:1]),
        milestone_note=Subquery(latest.values("note")[:1]),
        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal(0)), output_field=MONEY),
        last_news_at=Subquery(last_news),
    )


@dataclass
class LaureateFilters:
    """The filters of /laureats/ as typed; ``clean`` keeps only values that exist."""

    edition: str = ""  # a year
    territory: str = ""  # a territory's slug
    category: str = ""  # a category's id
    status: str = ""  # one of STATUSES
    page: str = ""

    @property
    def year(self) -> int | None:
        return parse_id(self.edition)

    @property
    def category_id(self) -> int | None:
        return parse_id(self.category)

    @property
    def any(self) -> bool:
        return bool(self.edition or self.territory or self.category or self.status)


def _status_filter(awards: QuerySet[Any], status: str) -> QuerySet[Any]:
    """``awards`` (``with_progress``) whose latest milestone gives ``status``."""
    if status == NOT_STARTED:
        return awards.filter(milestone_kind__isnull=True)
    kinds = [kind for kind, code in STATUS_OF_KIND.items() if code == status]
    return awards.filter(milestone_kind__in=kinds) if kinds else awards


@dataclass(frozen=True)
class Laureate:
    """One row of /laureats/: only public fields."""

    award_id: int
    decision_id: int
    title: str
    edition_year: int
    edition_title: str
    category: str
    territory: str
    granted: Decimal
    paid: Decimal
    status: ProjectStatus
    last_news_at: datetime | None

    @property
    def paid_percent(self) -> int:
        if not self.granted:
            return 0
        return min(100, int(self.paid * 100 / self.granted))


def laureates(filters: LaureateFilters) -> list[Laureate]:
    """The public laureates matching ``filters`` (values that match nothing are ignored), the
    newest edition first, then by category (its priority) and title."""
    awards = with_progress(public_awards())
    if filters.year is not None:
        awards = awards.filter(snapshot__edition__year=filters.year)
    if filters.territory and Territory.objects.filter(slug=filters.territory).exists():
        awards = awards.filter(decision__dossier__territory__slug=filters.territory)
    if filters.category_id is not None:
        awards = awards.filter(decision__category_id=filters.category_id)
    if filters.status in STATUSES:
        awards = _status_filter(awards, filters.status)
    rows = (
        awards.select_related(
            "snapshot__edition", "decision__category", "decision__dossier__territory"
        )
        .only(
            "pk",
            "amount",
            "decision__id",
            "decision__public_title",
            "decision__category__name",
            "decision__dossier__territory__name",
            "snapshot__edition__year",
            "snapshot__edition__title",
        )
        .order_by(
            "-snapshot__edition__year",
            "decision__category__priority",
            "decision__public_title",
            "pk",
        )
    )
    return [
        Laureate(
            award_id=award.pk,
            decision_id=award.decision.pk,
            title=award.decision.public_title,
            edition_year=award.snapshot.edition.year,
            edition_title=award.snapshot.edition.title,
            category=award.decision.category.name if award.decision.category else "",
            territory=(
                award.decision.dossier.territory.name if award.decision.dossier.territory else ""
            ),
            granted=award.amount,
            paid=award.paid,  # type: ignore[attr-defined]
            status=status_of(
                award.milestone_kind,  # type: ignore[attr-defined]
                award.milestone_progress,  # type: ignore[attr-defined]
                award.milestone_reason or "",  # type: ignore[attr-defined]
                award.milestone_note or "",  # type: ignore[attr-defined]
            ),
            last_news_at=award.last_news_at,  # type: ignore[attr-defined]
        )
        for award in rows
    ]


def editions_with_laureates() -> list[Edition]:
    """The editions /laureats/ may be filtered on, the newest first: those with a published
    result, and the imported ones (which have no laureate on the platform: the page says so)."""
    years = set(public_awards().values_list("snapshot__edition__year", flat=True))
    return list(
        Edition.objects.filter(is_published=True)
        .filter(Q(year__in=years) | Q(is_imported=True))
        .order_by("-year")
    )


def filter_categories(year: int | None) -> list[Category]:
    """The categories of the laureates (of edition ``year``, or of every edition)."""
    awards = public_awards()
    if year is not None:
        awards = awards.filter(snapshot__edition__year=year)
    ids = set(awards.values_list("decision__category_id", flat=True))
    return list(
        Category.objects.filter(pk__in=ids)
        .select_related("edition")
        .order_by("-edition__year", "priority", "name")
    )


# --- A laureate's timeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a laureate's public timeline. ``kind``: result, agreement, payment, news,
    milestone. ``on`` is its date; the other fields are those of its kind."""

    kind: str
    on: date
    order: int  # among events of one day: result, agreement, milestones, payments, news
    pk: int = 0
    amount: Decimal | None = None
    votes: int | None = None
    title: str = ""
    text: str = ""
    photo: bool = False
    photo_alt: str = ""
    photo_width: int | None = None
    photo_height: int | None = None
    photo_url: str = ""  # set by the page when the photo view exists
    milestone: str = ""  # the milestone's kind
    label: str = ""  # the milestone's kind in words
    progress: int | None = None
    reason: str = ""


def public_award(decision: Decision) -> Award | None:
    """The decision's award, if it is a public laureate."""
    return public_awards().filter(decision=decision).select_related("snapshot", "agreement").first()


def _local_date(moment: datetime) -> date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


@dataclass(frozen=True)
class Timeline:
    """A laureate's public follow-up: its status now, the amounts, and its events."""

    status: ProjectStatus
    granted: Decimal
    paid: Decimal
    events: list[TimelineEvent]


def timeline(decision: Decision) -> Timeline | None:
    """The public follow-up of a laureate, its events in order of date (the oldest first), or
    None when the decision is no public laureate: the vote's result, the agreement's signature
    (its date only), each payment (date and amount), each milestone and each published news
    item. Four queries, whatever their number."""
    award = public_award(decision)
    if award is None:
        return None
    published_at = award.snapshot.published_at
    assert published_at is not None  # public_awards()
    events = [
        TimelineEvent(
            "result", _local_date(published_at), 0, amount=award.amount, votes=award.votes
        )
    ]
    paid = Decimal(0)
    agreement = getattr(award, "agreement", None)
    if (
        agreement is not None
        and agreement.status == FundingAgreement.Status.SIGNED
        and agreement.signed_on is not None
    ):
        events.append(TimelineEvent("agreement", agreement.signed_on, 1))
        for pk, paid_on, amount in (
            signed_payments()
            .filter(instalment__agreement=agreement)
            .order_by("paid_on", "pk")
            .values_list("pk", "paid_on", "amount")
        ):
            paid += amount
            events.append(TimelineEvent("payment", paid_on, 3, pk=pk, amount=amount))
    status = status_of(None, None)
    for milestone in Milestone.objects.filter(award=award).order_by("reached_on", "pk"):
        status = status_of(milestone.kind, milestone.progress, milestone.reason, milestone.note)
        events.append(
            TimelineEvent(
                "milestone",
                milestone.reached_on,
                2,
                pk=milestone.pk,
                milestone=milestone.kind,
                label=str(milestone.get_kind_display()),
                progress=status.progress,
                reason=status.reason,
                text=milestone.note,
            )
        )
    for news in published_news_items().filter(award=award).order_by("happened_on", "pk"):
        events.append(
            TimelineEvent(
                "news",
                news.happened_on,
                4,
                pk=news.pk,
                title=news.title,
                text=news.body,
                photo=bool(news.photo),
                photo_alt=news.photo_alt,
                photo_width=news.photo_width,
                photo_height=news.photo_height,
            )
        )
    return Timeline(
        status=status,
        granted=award.amount,
        paid=paid,
        events=sorted(events, key=lambda e: (e.on, e.order, e.pk)),
    )


# --- The feed ----------------------------------------------------------------------------------


def published_news(year: int | None = None, limit: int = 50) -> list[NewsItem]:
    """The latest published news of public laureates (of edition ``year``, or of every
    edition), the newest first."""
    news = published_news_items().filter(award__in=public_awards())
    if year is not None:
        news = news.filter(award__snapshot__edition__year=year)
    return list(
        news.select_related("award__decision", "award__snapshot__edition").order_by(
            "-published_at", "-pk"
        )[:limit]
    )


# --- Figures for the statistics ----------------------------------------------------------------


def _amount(value: Decimal | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def followup_figures(edition: Edition) -> dict[str, Any] | None:
    """What became of ``edition``'s laureates, counted now (it changes after the results):
    how many are done, in progress, not started or abandoned, and the amounts granted and paid
    (signed agreements' payments), overall, per category and per territory. JSON-ready
    (amounts as decimal strings). None when the edition has no public laureate (before its
    results, or imported). Counts of projects, not of people: nothing to mask."""
    awards = list(
        with_progress(public_awards().filter(snapshot__edition=edition)).values(
            "amount",
            "paid",
            "milestone_kind",
            category_name=F("decision__category__name"),
            territory_name=F("decision__dossier__territory__name"),
        )
    )
    if not awards:
        return None
    statuses: Counter[str] = Counter(status_of(row["milestone_kind"], 0).code for row in awards)
    granted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    paid: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    count: Counter[tuple[str, str]] = Counter()
    done: Counter[tuple[str, str]] = Counter()
    for row in awards:
        for key in (
            ("category", row["category_name"] or ""),
            ("territory", row["territory_name"] or ""),
        ):
            granted[key] += row["amount"]
            paid[key] += row["paid"]
            count[key] += 1
            done[key] += status_of(row["milestone_kind"], 0).code == DONE
    categories = [
        c.name
        for c in edition.categories.order_by("priority", "name")
        if ("category", c.name) in count
    ]
    territories = [t.name for t in Territory.objects.order_by("name")]

    def rows(kind: str, names: list[str]) -> list[dict[str, Any]]:
        label = "category" if kind == "category" else "territory"
        return [
            {
                label: name,
                "laureates": count[(kind, name)],
                "done": done[(kind, name)],
                "granted": _amount(granted[(kind, name)]),
                "paid": _amount(paid[(kind, name)]),
            }
            for name in names
        ]

    return {
        "computed_at": clock.now().isoformat(),
        "laureates": len(awards),
        "statuses": {code: statuses[code] for code in STATUSES},
        "granted": _amount(sum((row["amount"] for row in awards), Decimal(0))),
        "paid": _amount(sum((row["paid"] for row in awards), Decimal(0))),
        "categories": rows("category", categories),
        "territories": rows("territory", territories),
    }

"""Reads of the follow-up: agreements, payments, and the money paid per laureate.

``amounts_paid`` and ``paid_by_award`` are read by the public pages and the statistics;
the staff list, its totals and the finance service's exports read the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgetcitoyen.core import clock
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.models import FundingAgreement, Instalment, Payment
from budgetcitoyen.results.models import Award

__all__ = [
    "LaureateRow",
    "ScheduleLine",
    "Totals",
    "agreement_of",
    "agreements_of_edition",
    "amounts_paid",
    "edition_awards",
    "laureate_rows",
    "paid_by_award",
    "paid_for_award",
    "payments_of_edition",
    "schedule_of",
    "schedule_paid",
    "totals",
]

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _payments_of(edition: Edition) -> QuerySet[Payment]:
    return Payment.objects.filter(instalment__agreement__award__snapshot__edition=edition)


def amounts_paid(edition: Edition) -> Decimal:
    """What the edition's laureates were paid, in all."""
    total = _payments_of(edition).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


def paid_by_award(edition: Edition) -> dict[int, Decimal]:
    """What each laureate of the edition was paid, by award id (those paid nothing are left out)."""
    rows = (
        _payments_of(edition)
        .values("instalment__agreement__award_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["instalment__agreement__award_id"]: row["total"] for row in rows}


def paid_for_award(award: Award) -> Decimal:
    total = Payment.objects.filter(instalment__agreement__award=award).aggregate(
        total=Sum("amount")
    )["total"]
    return total if total is not None else ZERO


def edition_awards(edition: Edition) -> QuerySet[Award]:
    """The laureates of the edition's published result."""
    return (
        Award.objects.filter(snapshot__edition=edition, snapshot__published_at__lte=clock.now())
        .select_related(
            "snapshot__edition",
            "decision__category",
            "decision__dossier__territory",
            "decision__dossier__holder",
        )
        .order_by("decision__category__priority", "decision__dossier__number")
    )


@dataclass(frozen=True)
class LaureateRow:
    award: Award
    agreement: FundingAgreement | None
    paid: Decimal

    @property
    def granted(self) -> Decimal:
        return self.agreement.amount if self.agreement else ZERO

    @property
    def left(self) -> Decimal:
        return self.granted - self.paid


def laureate_rows(edition: Edition) -> list[LaureateRow]:
    """Each laureate with its agreement and what was paid, in three queries."""
    awards = list(edition_awards(edition))
    agreements = {
        a.award_id: a for a in FundingAgreement.objects.filter(award__in=[a.pk for a in awards])
    }
    paid = paid_by_award(edition)
    return [
        LaureateRow(award=a, agreement=agreements.get(a.pk), paid=paid.get(a.pk, ZERO))
        for a in awards
    ]


@dataclass
class Line:
    label: str
    laureates: int = 0
    awarded: Decimal = ZERO
    granted: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def left(self) -> Decimal:
        return self.granted - self.paid

    def add(self, row: LaureateRow) -> None:
        self.laureates += 1
        self.awarded += row.award.amount
        self.granted += row.granted
        self.paid += row.paid


@dataclass
class Totals:
    edition: Line
    by_category: list[Line] = field(default_factory=list)
    by_territory: list[Line] = field(default_factory=list)


def totals(rows: Iterable[LaureateRow], *, edition_label: str, none_label: str) -> Totals:
    """The sums over the edition, per category and per territory of the dossiers."""
    overall = Line(edition_label)
    categories: dict[Any, Line] = {}
    territories: dict[Any, Line] = {}
    for row in rows:
        overall.add(row)
        category = row.award.decision.category
        territory = row.award.decision.dossier.territory
        categories.setdefault(
            category.pk if category else None, Line(category.name if category else none_label)
        ).add(row)
        territories.setdefault(
            territory.pk if territory else None,
            Line(territory.name if territory else none_label),
        ).add(row)
    return Totals(
        edition=overall,
        by_category=list(categories.values()),
        by_territory=sorted(territories.values(), key=lambda line: line.label),
    )


def agreement_of(award: Award) -> FundingAgreement | None:
    return (
        FundingAgreement.objects.filter(award=award)
        .select_related("award__snapshot__edition", "award__decision__dossier")
        .first()
    )


@dataclass(frozen=True)
class ScheduleLine:
    """One instalment, what was paid on it, and (on staff's page) why it cannot be paid yet."""

    instalment: Instalment
    paid: Decimal
    payments: list[Payment]
    refusal: str | None = None


def schedule_of(agreement: FundingAgreement) -> list[ScheduleLine]:
    """The instalments in order, each with its payments, in two queries."""
    instalments = list(agreement.instalments.order_by("position"))
    payments: dict[int, list[Payment]] = {}
    for payment in Payment.objects.filter(instalment__agreement=agreement).order_by(
        "paid_on", "pk"
    ):
        payments.setdefault(payment.instalment_id, []).append(payment)
    return [
        ScheduleLine(
            instalment=i,
            paid=sum((p.amount for p in payments.get(i.pk, [])), ZERO),
            payments=payments.get(i.pk, []),
        )
        for i in instalments
    ]


def schedule_paid(schedule: Iterable[ScheduleLine]) -> Decimal:
    return sum((line.paid for line in schedule), ZERO)


def payments_of_edition(edition: Edition) -> QuerySet[Payment]:
    return (
        _payments_of(edition)
        .select_related("instalment__agreement")
        .order_by("instalment__agreement__reference", "paid_on", "pk")
    )


def agreements_of_edition(edition: Edition) -> QuerySet[FundingAgreement]:
    paid = (
        Payment.objects.filter(instalment__agreement=OuterRef("pk"))
        .values("instalment__agreement")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        FundingAgreement.objects.filter(award__snapshot__edition=edition)
        .select_related("award__decision")
        .annotate(paid_total=Coalesce(Subquery(paid), Value(ZERO), output_field=MONEY))
        .order_by("reference")
    )

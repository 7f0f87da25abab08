"""Reads of the follow-up: supporting documents on request, and what is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import clock
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.models import (
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    RequestedDocument,
    SupportingDocument,
)

__all__ = [
    "OUTSTANDING",
    "STATUS_FILTERS",
    "OutstandingFilters",
    "annotate",
    "outstanding",
    "overdue_reports",
    "request_of_dossier",
    "requests_of",
]

Status = DocumentRequest.Status

# The outstanding page's default: what still waits for someone (the holder or staff).
OUTSTANDING = "outstanding"
STATUS_FILTERS = [(OUTSTANDING, _("à traiter")), *Status.choices, ("all", _("toutes"))]


def _with_items() -> Prefetch[Any]:
    return Prefetch(
        "items",
        queryset=RequestedDocument.objects.order_by("position").prefetch_related(
            Prefetch("files", queryset=SupportingDocument.objects.order_by("uploaded_at", "pk"))
        ),
    )


def annotate(request: DocumentRequest, today: date | None = None) -> DocumentRequest:
    """Give a request (its items prefetched) what pages print: the items still without a
    file (``missing``) and whether it is late (open past its due date)."""
    today = today or clock.today()
    items = list(request.items.all())
    request.item_list = items  # type: ignore[attr-defined]
    request.missing = [item for item in items if not item.files.all()]  # type: ignore[attr-defined]
    request.is_late = request.status == Status.OPEN and request.due_on < today  # type: ignore[attr-defined]
    request.is_answerable = request.status in (Status.OPEN, Status.ANSWERED)  # type: ignore[attr-defined]
    return request


def requests_of(dossier: Dossier, *, answerable_only: bool = False) -> list[DocumentRequest]:
    """A dossier's requests, newest first, with their items and files."""
    queryset = DocumentRequest.objects.filter(dossier=dossier)
    if answerable_only:
        queryset = queryset.filter(status__in=(Status.OPEN, Status.ANSWERED))
    today = clock.today()
    return [
        annotate(r, today)
        for r in queryset.select_related("requested_by", "on_behalf_of")
        .prefetch_related(_with_items())
        .order_by("-requested_at", "-pk")
    ]


def request_of_dossier(dossier: Dossier, pk: int) -> DocumentRequest | None:
    found = (
        DocumentRequest.objects.filter(dossier=dossier, pk=pk)
        .select_related("dossier__edition", "dossier__holder", "requested_by", "on_behalf_of")
        .prefetch_related(_with_items())
        .first()
    )
    return annotate(found) if found is not None else None


@dataclass(frozen=True)
class OutstandingFilters:
    edition: Edition | None = None
    status: str = OUTSTANDING


def outstanding(filters: OutstandingFilters) -> list[DocumentRequest]:
    """Requests for staff's follow-up page: late ones first (the longest overdue first), then
    by due date. By default the requests still waiting (open or answered, not closed)."""
    queryset: QuerySet[DocumentRequest] = DocumentRequest.objects.all()
    if filters.edition is not None:
        queryset = queryset.filter(dossier__edition=filters.edition)
    if filters.status == OUTSTANDING:
        queryset = queryset.filter(status__in=(Status.OPEN, Status.ANSWERED))
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    today = clock.today()
    rows = [
        annotate(r, today)
        for r in queryset.select_related(
            "dossier__edition", "dossier__holder", "requested_by", "on_behalf_of"
        ).prefetch_related(_with_items())
    ]
    rows.sort(key=lambda r: (not r.is_late, r.due_on, r.pk))  # type: ignore[attr-defined]
    return rows


def overdue_reports(edition: Edition | None = None) -> list[FundingAgreement]:
    """Laureates whose final report is overdue: its due date is past and it is not accepted
    (never written, a draft, submitted and waiting for staff, or returned)."""
    today = clock.today()
    accepted = FinalReport.objects.filter(status=FinalReport.Status.ACCEPTED).values("award_id")
    queryset = (
        FundingAgreement.objects.filter(report_due_on__lt=today)
        .exclude(award_id__in=accepted)
        .select_related(
            "award__decision__dossier__holder",
            "award__decision__dossier__edition",
            "award__final_report",
        )
        .order_by("report_due_on", "pk")
    )
    if edition is not None:
        queryset = queryset.filter(award__decision__dossier__edition=edition)
    agreements = list(queryset)
    for agreement in agreements:
        report = getattr(agreement.award, "final_report", None)
        agreement.report_status = report.get_status_display() if report else None  # type: ignore[attr-defined]
    return agreements

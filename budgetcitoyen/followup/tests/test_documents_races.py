"""Races of the supporting documents, with real threads on PostgreSQL (SQLite has no row
locks): the request's row lock decides "answered" once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection

from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.followup.models import DocumentKind, DocumentRequest, SupportingDocument
from budgetcitoyen.followup.services import documents as services
from budgetcitoyen.territories.services import load_reference
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    EditionFactory,
    UserFactory,
    laureate,
    paris,
    upload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def request_():
    load_reference()
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    dossier = laureate(edition).decision.dossier
    staff = UserFactory()
    role_grant(user=staff, role=Role.STAFF, by=None)
    with time_machine.travel(paris(2025, 11, 25, 10), tick=False):
        return services.document_request_create(
            dossier=dossier,
            by=staff,
            items=[(DocumentKind(kind), "") for kind in ("rib", "quote", "statutes", "insee")],
            due_on=date(2025, 12, 10),
        )


def test_the_last_items_sent_at_once_answer_the_request_once(request_):
    holder = request_.dossier.holder
    items = list(request_.items.order_by("position"))
    jobs = [
        (
            lambda item=item: services.supporting_document_add(
                request=request_, item=item, by=holder, upload=upload(f"{item.kind}.pdf")
            )
        )
        for item in items
    ]
    with time_machine.travel(paris(2025, 11, 26, 10), tick=True):
        assert run_together(jobs) == []
    assert SupportingDocument.objects.count() == len(items)
    request_.refresh_from_db()
    assert request_.status == DocumentRequest.Status.ANSWERED
    assert AuditEntry.objects.filter(action="followup.documents_answered").count() == 1


def test_a_close_and_an_upload_at_once_never_leave_a_file_in_a_closed_request(request_):
    holder = request_.dossier.holder
    staff = request_.requested_by
    item = request_.items.order_by("position").first()
    with time_machine.travel(paris(2025, 11, 26, 10), tick=True):
        errors = run_together(
            [
                lambda: services.supporting_document_add(
                    request=request_, item=item, by=holder, upload=upload()
                ),
                lambda: services.document_request_close(request=request_, by=staff),
            ],
            keep_refusals=True,
        )
    request_.refresh_from_db()
    assert request_.status == DocumentRequest.Status.CLOSED
    uploaded = SupportingDocument.objects.filter(item=item).first()
    # Either the file came first (and the close after it), or the upload was refused.
    if uploaded is None:
        assert len(errors) == 1 and "close" in str(errors[0])
    else:
        assert errors == [] and uploaded.uploaded_at <= request_.closed_at

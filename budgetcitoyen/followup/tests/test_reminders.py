"""The follow-up's reminders: an open request for documents N days before its due date, a
final report soon due; each sent once, however often the job runs."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.followup.models import (
    DocumentKind,
    DocumentRequest,
    FinalReport,
    FundingAgreement,
)
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

Status = DocumentRequest.Status


@pytest.fixture
def reference(transactional_db):
    """The communes again: an earlier transactional test emptied the tables."""
    load_reference()


@pytest.fixture
def staff(db):
    user = UserFactory()
    role_grant(user=user, role=Role.STAFF, by=None)
    return user


@pytest.fixture
def award(db):
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    return laureate(edition)


@pytest.fixture
def dossier(award):
    return award.decision.dossier


ASKED_AT = paris(2025, 11, 25, 10)


def ask(dossier, staff, due_on=date(2025, 12, 10), at=ASKED_AT):
    with time_machine.travel(at, tick=False):
        return services.document_request_create(
            dossier=dossier,
            by=staff,
            items=[(DocumentKind.RIB, ""), (DocumentKind.QUOTE, "")],
            due_on=due_on,
        )


def run(at):
    with time_machine.travel(at, tick=False):
        return services.send_due_followup_reminders()


@pytest.mark.django_db
class TestDocumentReminders:
    def test_sent_once_three_days_before_the_due_date(
        self, dossier, staff, django_capture_on_commit_callbacks
    ):
        request = ask(dossier, staff)
        statutes = request.items.order_by("position").first()
        with time_machine.travel(paris(2025, 11, 26, 10), tick=False):
            services.supporting_document_add(
                request=request, item=statutes, by=dossier.holder, upload=upload()
            )
        assert run(paris(2025, 12, 6, 23, 59)) == 0  # not before the window
        with django_capture_on_commit_callbacks(execute=True):
            assert run(paris(2025, 12, 7, 8)) == 1
        (message,) = mail.outbox
        assert message.to == [dossier.holder.email]
        assert message.subject.startswith("[Budget citoyen] Rappel : pièces à fournir")
        assert "mercredi 10 décembre 2025" in message.body
        # Only what is still missing is listed.
        assert "Devis" in message.body and "Relevé d'identité bancaire" not in message.body
        assert f"/mes-dossiers/{dossier.pk}/justificatifs/{request.pk}/" in message.body
        request.refresh_from_db()
        assert request.reminded_at == paris(2025, 12, 7, 8)
        entry = AuditEntry.objects.get(action="followup.documents_reminded")
        assert entry.actor is None and entry.data["request"] == request.pk
        assert run(paris(2025, 12, 8, 8)) == 0  # never twice
        assert run(paris(2025, 12, 7, 8)) == 0

    def test_a_plain_double_call_sends_one(self, dossier, staff):
        ask(dossier, staff)
        assert run(paris(2025, 12, 8, 8)) == 1
        assert run(paris(2025, 12, 8, 8)) == 0
        assert AuditEntry.objects.filter(action="followup.documents_reminded").count() == 1

    def test_not_after_the_due_date(self, dossier, staff):
        ask(dossier, staff)
        assert run(paris(2025, 12, 11, 8)) == 0

    def test_not_for_an_answered_closed_or_cancelled_request(self, dossier, staff):
        answered, closed, cancelled = (ask(dossier, staff) for _ in range(3))
        for item in answered.items.all():
            with time_machine.travel(paris(2025, 11, 26, 10), tick=False):
                services.supporting_document_add(
                    request=answered, item=item, by=dossier.holder, upload=upload()
                )
        answered.refresh_from_db()
        assert answered.status == Status.ANSWERED
        with time_machine.travel(paris(2025, 11, 26, 10), tick=False):
            services.document_request_close(request=closed, by=staff)
            services.document_request_cancel(request=cancelled, by=staff)
        assert run(paris(2025, 12, 8, 8)) == 0

    def test_not_for_a_request_made_within_the_window(self, dossier, staff):
        ask(dossier, staff, due_on=date(2025, 12, 10), at=paris(2025, 12, 8, 9))
        assert run(paris(2025, 12, 9, 8)) == 0

    def test_the_delay_is_a_setting(self, dossier, staff, settings):
        settings.FOLLOWUP_DOCUMENT_REMINDER_DAYS = 10
        ask(dossier, staff, due_on=date(2025, 12, 20))
        assert run(paris(2025, 12, 9, 8)) == 0
        assert run(paris(2025, 12, 10, 8)) == 1


def agreement_for(award, *, status=FundingAgreement.Status.SIGNED, due=date(2026, 6, 30)):
    return FundingAgreement.objects.create(
        award=award,
        reference=f"CONV-{award.pk}",
        status=status,
        amount=award.amount,
        beneficiary_name="Les Ateliers du Ternois",
        report_due_on=due,
    )


@pytest.mark.django_db
class TestReportReminders:
    def test_sent_once_thirty_days_before_the_report_is_due(
        self, award, django_capture_on_commit_callbacks
    ):
        agreement = agreement_for(award)
        assert run(paris(2026, 5, 30, 8)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert run(paris(2026, 5, 31, 8)) == 1
        (message,) = mail.outbox
        holder = award.decision.dossier.holder
        assert message.to == [holder.email]
        assert "rapport final" in message.subject and "mardi 30 juin 2026" in message.body
        assert f"/mes-dossiers/{award.decision.dossier_id}/" in message.body
        agreement.refresh_from_db()
        assert agreement.report_reminded_at == paris(2026, 5, 31, 8)
        assert AuditEntry.objects.filter(action="followup.report_reminded").count() == 1
        assert run(paris(2026, 6, 1, 8)) == 0

    def test_an_overdue_report_never_reminded_is_reminded_as_late(
        self, award, django_capture_on_commit_callbacks
    ):
        agreement_for(award)
        with django_capture_on_commit_callbacks(execute=True):
            assert run(paris(2026, 7, 5, 8)) == 1
        assert "en retard" in mail.outbox[0].subject

    @pytest.mark.parametrize("status", ["draft", "sent"])
    def test_not_for_an_agreement_not_signed(self, award, status):
        agreement_for(award, status=status)
        assert run(paris(2026, 6, 10, 8)) == 0

    @pytest.mark.parametrize(
        "report,reminded",
        [("draft", 1), ("returned", 1), ("submitted", 0), ("accepted", 0)],
    )
    def test_not_once_the_report_is_submitted_or_accepted(self, award, report, reminded):
        agreement_for(award)
        FinalReport.objects.create(award=award, status=report)
        assert run(paris(2026, 6, 10, 8)) == reminded

    def test_not_without_a_due_date(self, award):
        agreement_for(award, due=None)
        assert run(paris(2026, 6, 10, 8)) == 0

    def test_the_delay_is_a_setting(self, award, settings):
        settings.FOLLOWUP_REPORT_REMINDER_DAYS = 5
        agreement_for(award)
        assert run(paris(2026, 6, 24, 8)) == 0
        assert run(paris(2026, 6, 25, 8)) == 1


@pytest.mark.django_db
class TestCommandAndTask:
    def test_the_command_sends_now_and_is_idempotent(self, dossier, staff, award):
        ask(dossier, staff)
        agreement_for(award, due=date(2025, 12, 20))
        with time_machine.travel(paris(2025, 12, 8, 8), tick=False):
            out = StringIO()
            call_command("send_followup_reminders", "--now", stdout=out)
            assert out.getvalue().strip() == "Rappels envoyés : 2"
            out = StringIO()
            call_command("send_followup_reminders", "--now", stdout=out)
            assert out.getvalue().strip() == "Rappels envoyés : 0"

    def test_the_command_queues_the_task(self, db):
        from django_tasks_db.models import DBTaskResult

        out = StringIO()
        call_command("send_followup_reminders", stdout=out)
        assert "mis en file" in out.getvalue()
        assert DBTaskResult.objects.filter(
            task_path="budgetcitoyen.followup.tasks.send_followup_reminders"
        ).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions")
def test_two_runs_at_once_send_each_reminder_once(reference, staff, dossier, award):
    ask(dossier, staff)
    agreement_for(award, due=date(2025, 12, 20))
    mail.outbox.clear()  # the request's own email, sent at its commit
    sent: list[int] = []
    with time_machine.travel(paris(2025, 12, 8, 8), tick=False):
        errors = run_together([lambda: sent.append(services.send_due_followup_reminders())] * 4)
    assert errors == []
    assert sum(sent) == 2
    assert AuditEntry.objects.filter(action="followup.documents_reminded").count() == 1
    assert AuditEntry.objects.filter(action="followup.report_reminded").count() == 1
    assert len(mail.outbox) == 2

"""Background jobs of the follow-up, run by the django-tasks database worker (`budgetcitoyen db_worker`)."""

from __future__ import annotations

from django_tasks import task

from budgetcitoyen.followup.services.documents import send_due_followup_reminders


@task()
def send_followup_reminders() -> int:
    """Remind holders of the documents and final reports soon due (idempotent: each reminder
    is claimed once)."""
    return send_due_followup_reminders()

"""Background jobs of the comptoirs, run by the django-tasks database worker (`budgetcitoyen db_worker`)."""

from __future__ import annotations

from django_tasks import task

from budgetcitoyen.comptoirs.services import send_due_reminders


@task()
def send_comptoir_reminders() -> int:
    """Remind confirmed people two days before their comptoir (idempotent)."""
    return send_due_reminders()

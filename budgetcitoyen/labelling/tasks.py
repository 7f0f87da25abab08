"""Background jobs of the labelling, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task

from budgetcitoyen.labelling.services import send_due_notifications


@task()
def send_labelling_notifications() -> int:
    """Tell holders the committee's decision once the labelling period is over (idempotent)."""
    return send_due_notifications()

"""Background jobs of the core: an email that could not be sent at once, tried again later."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("budgetcitoyen.mail")


def retry_moment(attempt: int) -> datetime.datetime:
    """When try number ``attempt`` (1 = the first retry) is due, in real time (not the demo's clock)."""
    delays = settings.EMAIL_RETRY_DELAYS
    return timezone.now() + datetime.timedelta(seconds=delays[min(attempt, len(delays)) - 1])


def queue_delivery(data: dict[str, Any], attempt: int) -> str:
    """Queue try number ``attempt`` of the email ``data`` (``mail.message_to_data``), due after
    its delay; the id of the task's row."""
    return deliver_email.using(run_after=retry_moment(attempt)).enqueue(data, attempt).id


@task(takes_context=True)
def deliver_email(context: TaskContext, data: dict[str, Any], attempt: int) -> bool:
    """Send a deferred email with the delivery backend; queue the next try if it fails again.

    After ``len(EMAIL_RETRY_DELAYS)`` tries (about a day by default) the email is given up
    and logged as an error, with its recipients, for the staff to act on. Either way the text
    is then wiped from this task's row (a receipt email holds the code that shows a ballot's
    choices, a sign-in email its code, in the subject too): only the recipients stay, until the
    purge deletes the row.
    """
    from budgetcitoyen.core.mail import message_from_data

    message = message_from_data(data)
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.send_messages([message])
    except Exception as error:
        if attempt >= len(settings.EMAIL_RETRY_DELAYS):
            logger.error(
                "E-mail abandonné après %d essais (%s) : %s",
                attempt + 1,
                ", ".join(data["to"]),
                error,
            )
        else:
            queue_delivery(data, attempt + 1)
            logger.warning("E-mail toujours pas envoyé (essai %d) : %s", attempt + 1, error)
        return _wiped(context, data, attempt, sent=False)
    return _wiped(context, data, attempt, sent=True)


def _wiped(context: TaskContext, data: dict[str, Any], attempt: int, *, sent: bool) -> bool:
    kept = {"to": data["to"], "wiped": True}
    DBTaskResult.objects.filter(pk=context.task_result.id).update(
        args_kwargs={"args": [kept, attempt], "kwargs": {}}
    )
    return sent

"""Emails in French, plain text and HTML, sent only once the transaction commits.

An email follows an action that is already committed (a ballot, a registration, a dossier): a
mail server that is down or slow must not turn that success into an error page, nor lose the
email. ``SMTPBackend`` (the production backend) therefore sends each message on its own and, when
one fails, hands it to the background worker (``core.tasks.deliver_email``), which tries again
later with growing delays (``EMAIL_RETRY_DELAYS``) and logs an error when it gives up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import unescape
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from budgetcitoyen.core import organisation

logger = logging.getLogger("budgetcitoyen.mail")


def render_templated(
    *, to: list[str], template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html`` into one message."""
    with translation.override("fr"):
        full = {
            "site_url": settings.SITE_URL,
            **organisation.template_context(),
            **context,
        }
        # Templates autoescape for HTML; the subject and the plain-text part are not HTML,
        # so what was escaped ("l&#x27;idée") is turned back into what the person typed.
        subject = " ".join(
            unescape(render_to_string(f"emails/{template}_subject.txt", full)).split()
        )
        text = unescape(render_to_string(f"emails/{template}.txt", full))
        html = render_to_string(f"emails/{template}.html", full)
    message = EmailMultiAlternatives(
        subject=f"[Budget citoyen] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Render and send now."""
    render_templated(to=to, template=template, context=context).send()


def send_after_commit(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Send once the surrounding transaction commits: never for a change that rolled back, and
    never lost for a change that committed.

    Inside a transaction the message is rendered at once and a copy is queued for the worker
    in the same transaction, due a minute later (``EMAIL_RETRY_DELAYS[0]``): it commits with
    the ballot, the registration or the dossier. Right after the commit the message is sent
    and the copy deleted; if the process dies in between (a crash, a deployment's kill), the
    worker sends the copy. The price is two statements per email; the risk, an email sent
    twice if the process dies between sending and deleting.
    """
    from budgetcitoyen.core.tasks import deliver_email, queue_delivery

    if not transaction.get_connection().in_atomic_block:
        send_templated(to=to, template=template, context=context)
        return
    if not deliver_email.get_backend().supports_defer:  # a queue that runs tasks at once
        transaction.on_commit(lambda: send_templated(to=to, template=template, context=context))
        return

    message = render_templated(to=to, template=template, context=context)
    copy = queue_delivery(message_to_data(message), 1)

    def send() -> None:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        try:
            message.send()
        except Exception:  # the copy stays queued: the worker sends it
            logger.exception(
                "E-mail non envoyé après l'enregistrement ; le travailleur s'en charge"
            )
            return
        DBTaskResult.objects.filter(pk=copy, status=TaskResultStatus.READY).delete()

    transaction.on_commit(send)


def message_to_data(message: EmailMessage) -> dict[str, Any]:
    """The parts of a message the worker needs to build it again (JSON: a task argument)."""
    alternatives = [
        [str(content), str(mimetype)]
        for content, mimetype in getattr(message, "alternatives", [])
        if isinstance(content, str)
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": alternatives,
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or None,
        bcc=data.get("bcc") or None,
        reply_to=data.get("reply_to") or None,
        headers=data.get("headers") or None,
    )
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


def defer(message: EmailMessage, *, attempt: int, error: BaseException) -> bool:
    """Queue ``message`` for the worker's next try; False when even the queue is unreachable."""
    from budgetcitoyen.core.tasks import queue_delivery

    try:
        queue_delivery(message_to_data(message), attempt)
    except Exception:  # the database is down as well: nothing more can be done here
        logger.exception("E-mail perdu : ni envoyé ni mis en file (%s)", ", ".join(message.to))
        return False
    logger.warning(
        "E-mail non envoyé (%s : %s), nouvel essai n° %d par le travailleur",
        type(error).__name__,
        error,
        attempt,
    )
    return True


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend, except that a message it cannot send is queued, not raised.

    Each message is sent on its own, so one refused address or a connection lost half-way
    defers only the messages not sent. Attachments are not carried over to the queue: the
    platform's emails have none (a calendar file is a link).
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        sent = 0
        for message in email_messages:
            try:
                sent += super().send_messages([message])
            except Exception as error:
                self.close()
                defer(message, attempt=1, error=error)
        return sent

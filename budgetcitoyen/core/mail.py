"""Emails in French, plain text and HTML, sent only once the transaction commits."""

from __future__ import annotations

from html import unescape
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from budgetcitoyen.core import organisation


def send_templated(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html`` and send them."""
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
    message.send()


def send_after_commit(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Send once the surrounding transaction commits: never for a change that rolled back."""
    transaction.on_commit(lambda: send_templated(to=to, template=template, context=context))

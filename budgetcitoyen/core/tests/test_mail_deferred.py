"""A mail server that is down: the action succeeds, the email waits in the worker's queue."""

from __future__ import annotations

import logging
import socket
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from budgetcitoyen.core.mail import SMTPBackend, message_from_data, send_templated
from budgetcitoyen.core.tasks import deliver_email

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "budgetcitoyen.core.mail.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="budgetcitoyen.core.tasks.deliver_email"))


def context(result_id: str = "") -> SimpleNamespace:
    """What the worker hands a task that takes its context: its own result row."""
    return SimpleNamespace(task_result=SimpleNamespace(id=result_id))


def run(result: DBTaskResult) -> bool:
    args = result.args_kwargs["args"]
    return bool(deliver_email.call(context(str(result.pk)), *args))  # type: ignore[arg-type]  # the context comes first at run time


def test_an_email_the_server_refuses_is_queued_then_delivered(smtp_down, caplog):
    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="budgetcitoyen.mail"):
        send_templated(
            to=["camille@exemple.fr"],
            template="vote_code",
            context={"code": "123456", "minutes": 15},
        )
    assert mail.outbox == []
    (result,) = queued()
    # Tried again a minute later (EMAIL_RETRY_DELAYS[0]), not at once.
    assert (result.run_after - before).total_seconds() >= 59
    assert "nouvel essai" in caplog.text
    data = result.args_kwargs["args"][0]
    assert data["to"] == ["camille@exemple.fr"] and data["subject"].startswith("[Budget citoyen]")

    assert run(result) is True
    (sent,) = mail.outbox
    assert sent.to == ["camille@exemple.fr"] and sent.subject == data["subject"]
    assert "123456" in sent.body
    assert sent.alternatives and sent.alternatives[0][1] == "text/html"
    # Once sent, the text (here the code) leaves the queue's row; the recipients stay.
    result.refresh_from_db()
    assert "123456" not in str(result.args_kwargs)
    assert result.args_kwargs["args"][0]["to"] == ["camille@exemple.fr"]


def test_a_failed_retry_is_queued_again_and_given_up_after_the_last_delay(settings, caplog):
    settings.EMAIL_DELIVERY_BACKEND = "budgetcitoyen.core.tests.test_mail_deferred.Refusing"
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    data = {"subject": "S", "body": "B", "from_email": "a@exemple.fr", "to": ["b@exemple.fr"]}
    first = deliver_email.enqueue(data, 1)
    assert deliver_email.call(context(first.id), data, 1) is False
    assert DBTaskResult.objects.get(pk=first.id).args_kwargs["args"][0]["wiped"] is True
    (again,) = [r for r in queued() if str(r.pk) != first.id]
    assert again.args_kwargs["args"] == [data, 2]
    with caplog.at_level(logging.ERROR, logger="budgetcitoyen.mail"):
        assert deliver_email.call(context(str(again.pk)), data, 2) is False
    assert len(queued()) == 2  # no third try
    assert all(r.args_kwargs["args"][0].get("body") != "B" for r in queued())
    assert "abandonné" in caplog.text and "b@exemple.fr" in caplog.text


class Refusing:
    """A delivery backend whose server is always down."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        pass

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("refused")


def test_only_the_messages_not_sent_are_queued(smtp_down, monkeypatch):
    sent: list[str] = []

    def flaky(self, messages):  # type: ignore[no-untyped-def]
        (message,) = messages
        if message.to == ["deux@exemple.fr"]:
            raise OSError("connexion perdue")
        sent.append(message.to[0])
        return 1

    monkeypatch.setattr("django.core.mail.backends.smtp.EmailBackend.send_messages", flaky)
    messages = [
        mail.EmailMessage("S", "B", "a@exemple.fr", [to])
        for to in ("un@exemple.fr", "deux@exemple.fr", "trois@exemple.fr")
    ]
    assert SMTPBackend().send_messages(messages) == 2
    assert sent == ["un@exemple.fr", "trois@exemple.fr"]
    (result,) = queued()
    assert message_from_data(result.args_kwargs["args"][0]).to == ["deux@exemple.fr"]


def test_an_email_committed_with_its_action_survives_a_crash_before_it_is_sent(
    django_capture_on_commit_callbacks,
):
    """The copy commits with the action; sent at once, it is deleted; a process killed between
    the commit and the sending leaves it to the worker, due a minute later."""
    from django.db import transaction

    from budgetcitoyen.core.mail import send_after_commit

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        send_after_commit(
            to=["camille@exemple.fr"],
            template="vote_code",
            context={"code": "654321", "minutes": 15},
        )
    (copy,) = queued()
    assert copy.run_after > timezone.now() and mail.outbox == [] and len(callbacks) == 1
    # The process died here: no callback ran. The worker sends the copy when it is due.
    assert run(copy) is True
    assert "654321" in mail.outbox[0].body

    mail.outbox.clear()
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(
            to=["camille@exemple.fr"],
            template="vote_code",
            context={"code": "111111", "minutes": 15},
        )
    assert len(mail.outbox) == 1 and queued() == []  # sent at once, the copy deleted

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(
            to=["camille@exemple.fr"],
            template="vote_code",
            context={"code": "222222", "minutes": 15},
        )
        transaction.set_rollback(True)
    assert len(mail.outbox) == 1 and queued() == []  # rolled back: neither sent nor queued

"""The privacy page prints the delays the purge applies: both read ``core.retention``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from budgetcitoyen.core import retention
from budgetcitoyen.privacy.services import purge_personal_data

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _page_retention() -> dict[str, str]:
    soup = BeautifulSoup(Client().get("/donnees-personnelles/").content, "html.parser")
    shown = {}
    for row in soup.select("#traitements tbody tr"):
        cell = row.select_one(".retention")
        assert cell is not None
        shown[str(row["id"]).removeprefix("traitement-")] = " ".join(cell.text.split())
    return shown


def test_the_page_states_every_processing_of_the_table():
    shown = _page_retention()
    assert shown == {p.code: p.retention for p in retention.processings()}
    assert "6 mois" in shown["voters"] and "3 ans" in shown["accounts"]


def test_a_changed_delay_changes_the_page_and_the_purge_alike():
    results = datetime(2025, 11, 20, 18, tzinfo=PARIS)
    delays = {**retention.settings.BUDGETCITOYEN_RETENTION, "voter_identity_months": 9}
    with override_settings(BUDGETCITOYEN_RETENTION=delays):
        assert "9 mois" in _page_retention()["voters"]
        assert retention.voter_identity_purge_at(results) == datetime(2026, 8, 20, 18, tzinfo=PARIS)
    assert retention.voter_identity_purge_at(results) == datetime(2026, 5, 20, 18, tzinfo=PARIS)


def test_inactive_accounts_are_warned_then_erased(django_capture_on_commit_callbacks):
    now = datetime(2030, 6, 1, 3, tzinfo=PARIS)
    users = get_user_model().objects
    old = users.create_user("ancien@exemple.fr", last_login=now - timedelta(days=3 * 365 + 20))
    recent = users.create_user("recent@exemple.fr", last_login=now - timedelta(days=30))
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        purge_personal_data(apply=True)
    assert [m.to for m in mail.outbox] == [["ancien@exemple.fr"]]
    assert users.filter(pk=old.pk).exists()
    later = now + timedelta(days=retention.delay("inactive_account_warning_days") + 1)
    with time_machine.travel(later, tick=False):
        report = purge_personal_data(apply=True)
    assert not users.filter(pk=old.pk).exists(), report.lines
    assert users.filter(pk=recent.pk).exists()
    assert len(mail.outbox) == 1


def test_signing_in_after_the_warning_keeps_the_account():
    now = datetime(2030, 6, 1, 3, tzinfo=PARIS)
    users = get_user_model().objects
    old = users.create_user("ancien@exemple.fr", last_login=now - timedelta(days=3 * 365 + 20))
    with time_machine.travel(now, tick=False):
        purge_personal_data(apply=True)
    users.filter(pk=old.pk).update(last_login=now + timedelta(days=1))
    with time_machine.travel(now + timedelta(days=60), tick=False):
        purge_personal_data(apply=True)
    assert users.filter(pk=old.pk).exists()


def test_queued_emails_go_a_week_after_they_are_sent_or_given_up():
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from budgetcitoyen.core.tasks import deliver_email

    data = {"subject": "S", "body": "B", "from_email": "a@exemple.fr", "to": ["b@exemple.fr"]}
    old, recent, waiting = (deliver_email.enqueue(data, 1) for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="FAILED", finished_at=now - timedelta(days=6)
    )
    report = purge_personal_data(apply=True)
    assert "Suppression de 1 courriel envoyé de la file d'attente." in report.lines
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {str(pk) for pk in left} == {recent.id, waiting.id}
    assert "7 jours" in _page_retention()["emails"]

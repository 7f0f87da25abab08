"""The staff actions that matter need a password typed in the last 15 minutes."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from budgetcitoyen.accounts.models import User
from budgetcitoyen.core.audit import AuditEntry
from budgetcitoyen.testing.cast import confirm_password, make_persona

pytestmark = pytest.mark.django_db

REAUTH = "/compte/reauthenticate/"


def _actions() -> dict[str, tuple[str, dict[str, str]]]:
    """Each guarded action of the demo: its URL and a POST it accepts."""
    from budgetcitoyen.results.models import ResultSnapshot

    snapshot = ResultSnapshot.objects.order_by("pk").first()
    assert snapshot is not None
    member = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    group = Group.objects.order_by("pk").first()
    assert group is not None
    return {
        "labelling decision": (
            "/comite/dossiers/1/decision/",
            {"outcome": "not_labelled", "reason": "Hors du champ de l'ESS."},
        ),
        "annulling votes": ("/gestion/vote/verifications/1/", {"outcome": "annul", "reason": "x"}),
        "publishing results": (f"/gestion/resultats/{snapshot.pk}/publier/", {"confirm": "1"}),
        "roles of an account": (
            f"/admin/accounts/user/{member.pk}/change/",
            {"email": member.email, "is_active": "on", "groups": str(group.pk)},
        ),
        "permissions of a role": (
            f"/admin/auth/group/{group.pk}/change/",
            {"name": group.name},
        ),
    }


ACTIONS = [
    "labelling decision",
    "annulling votes",
    "publishing results",
    "roles of an account",
    "permissions of a role",
]


@pytest.fixture
def root_client(demo) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_persona("superuser"))
    return client


def _detoured(response, url: str) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"] == f"{REAUTH}?" + urlencode(
        {"next": url}
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_without_a_recent_password_the_action_is_held_and_nothing_changes(root_client, action):
    url, data = _actions()[action]
    assert root_client.get(url).status_code in (200, 405)  # the page is shown (publish: POST only)
    audited = AuditEntry.objects.count()
    response = root_client.post(url, data)
    assert _detoured(response, url)
    assert AuditEntry.objects.count() == audited
    page = root_client.get(response["Location"])
    assert "Confirmer l'accès" in page.content.decode()


@pytest.mark.parametrize("action", ACTIONS)
def test_with_a_recent_password_the_action_reaches_its_view(root_client, action):
    url, data = _actions()[action]
    confirm_password(root_client)
    response = root_client.post(url, data)
    assert not _detoured(response, url)
    assert response.status_code < 500


def test_the_post_held_for_the_password_is_carried_out_after_it(root_client):
    member = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    group = Group.objects.exclude(user=member).order_by("pk").first()
    assert group is not None
    url = f"/admin/accounts/user/{member.pk}/change/"
    groups = [str(pk) for pk in member.groups.values_list("pk", flat=True)] + [str(group.pk)]
    held = root_client.post(url, {"email": member.email, "is_active": "on", "groups": groups})
    assert _detoured(held, url)
    assert not member.groups.filter(pk=group.pk).exists()
    done = root_client.post(held["Location"], {"password": "mot-de-passe-solide"})
    assert done.status_code == 302 and done["Location"] == "/admin/accounts/user/"
    assert member.groups.filter(pk=group.pk).exists()


def test_a_wrong_password_confirms_nothing(root_client):
    url, data = _actions()["publishing results"]
    held = root_client.post(url, data)
    refused = root_client.post(held["Location"], {"password": "pas-le-bon"})
    assert refused.status_code == 200
    assert _detoured(root_client.post(url, data), url)


@pytest.mark.parametrize(("minutes", "held"), [(14.9, False), (15.1, True)])
def test_a_confirmation_lasts_fifteen_minutes(root_client, minutes, held):
    url, data = _actions()["annulling votes"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirm_password(root_client)
    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        assert _detoured(root_client.post(url, data), url) is held


def test_people_who_may_not_act_get_the_refusal_they_always_got(demo):
    client = Client()
    client.force_login(make_persona("resident"))
    for url, data in _actions().values():
        response = client.post(url, data)
        assert not _detoured(response, url), url

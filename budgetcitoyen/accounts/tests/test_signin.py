from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.accounts import signin
from budgetcitoyen.accounts.models import SignInCode, User
from budgetcitoyen.core.errors import InvalidInput, PermissionRefused, RateLimited
from budgetcitoyen.testing.factories import paris

NOW = paris(2025, 9, 15, 12)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = pytest.mark.django_db


def sent_code() -> str:
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert match
    return match.group(1)


def request_code(email="nouveau@exemple.fr", ip="203.0.113.1", *, captured):
    with captured(execute=True):
        signin.code_request(email=email, ip=ip)
    return sent_code()


def test_a_code_signs_a_new_voter_in_and_creates_the_account(
    django_capture_on_commit_callbacks, frozen_clock
):
    code = request_code(captured=django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["nouveau@exemple.fr"]
    assert "Votre code pour voter" in mail.outbox[-1].subject
    user = signin.code_verify(email="Nouveau@Exemple.fr", code=code, ip=None)
    assert user.email == "nouveau@exemple.fr"
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    # Used once: the same code no longer works.
    with pytest.raises(InvalidInput, match="plus valable"):
        signin.code_verify(email="nouveau@exemple.fr", code=code, ip=None)
    # Only a hash is stored.
    assert code not in SignInCode.objects.get().code_hash


def test_an_existing_account_signs_in_with_a_code(
    alice, django_capture_on_commit_callbacks, frozen_clock
):
    code = request_code(alice.email, captured=django_capture_on_commit_callbacks)
    assert signin.code_verify(email=alice.email, code=code, ip=None) == alice
    assert User.objects.filter(email=alice.email).count() == 1


def test_accounts_with_management_rights_must_use_their_password(
    sam, django_capture_on_commit_callbacks, frozen_clock
):
    code = request_code(sam.email, captured=django_capture_on_commit_callbacks)
    with pytest.raises(PermissionRefused, match="mot de passe"):
        signin.code_verify(email=sam.email, code=code, ip=None)


def test_a_wrong_code_counts_and_five_wrong_codes_kill_it(
    django_capture_on_commit_callbacks, frozen_clock
):
    code = request_code(captured=django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput, match=f"encore {left} essai"):
            signin.code_verify(email="nouveau@exemple.fr", code=wrong, ip=None)
    with pytest.raises(InvalidInput, match="plus valable"):
        signin.code_verify(email="nouveau@exemple.fr", code=wrong, ip=None)
    with pytest.raises(InvalidInput, match="Trop d'essais"):
        signin.code_verify(email="nouveau@exemple.fr", code=code, ip=None)
    assert SignInCode.objects.get().attempts == 5


def test_a_code_expires_after_15_minutes(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        code = request_code(captured=django_capture_on_commit_callbacks)
    with (
        time_machine.travel(NOW + timedelta(minutes=15), tick=False),
        pytest.raises(InvalidInput, match="plus valable"),
    ):
        signin.code_verify(email="nouveau@exemple.fr", code=code, ip=None)


def test_a_new_code_replaces_the_previous_one(django_capture_on_commit_callbacks, frozen_clock):
    first = request_code(captured=django_capture_on_commit_callbacks)
    second = request_code(captured=django_capture_on_commit_callbacks)
    if first != second:
        with pytest.raises(InvalidInput):
            signin.code_verify(email="nouveau@exemple.fr", code=first, ip=None)
    assert signin.code_verify(email="nouveau@exemple.fr", code=second, ip=None)


def test_code_requests_are_limited_per_address_and_per_ip(
    django_capture_on_commit_callbacks, frozen_clock, settings
):
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        **settings.BUDGETCITOYEN_RATE_LIMITS,
        "vote_code:email": "3/900",
        "vote_code:ip": "5/900",
    }
    for _ in range(3):
        request_code("a@exemple.fr", captured=django_capture_on_commit_callbacks)
    with pytest.raises(RateLimited, match="Réessayez dans") as caught:
        signin.code_request(email="a@exemple.fr", ip="203.0.113.1")
    assert caught.value.status_code == 429
    # Other addresses from the same IP: the IP has 3 counted, two more, then it is stopped.
    signin.code_request(email="b@exemple.fr", ip="203.0.113.1")
    signin.code_request(email="c@exemple.fr", ip="203.0.113.1")
    with pytest.raises(RateLimited):
        signin.code_request(email="e@exemple.fr", ip="203.0.113.1")
    # Another IP and address are untouched.
    signin.code_request(email="d@exemple.fr", ip="198.51.100.7")


def test_franceconnect_is_switched_on_by_configuration_alone():
    """With a client id, allauth's OpenID Connect provider is installed and routed (the
    FranceConnect exchange itself is not exercised here)."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from django.conf import settings; from django.urls import reverse;"
        "print(settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]['provider_id']);"
        "print(reverse('openid_connect_login', kwargs={'provider_id': 'franceconnect'}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budgetcitoyen.settings",
        "DEBUG": "1",
        "FRANCECONNECT_CLIENT_ID": "client-de-test",
    }
    env.pop("BUDGETCITOYEN_TODAY", None)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["franceconnect", "/compte/oidc/franceconnect/login/"]


@pytest.mark.parametrize("script", ["fullwidth", "arabic-indic", "spaced"])
def test_a_code_typed_in_another_script_s_digits_is_the_same_code(
    script, django_capture_on_commit_callbacks, frozen_clock
):
    """A phone's keyboard may type full-width or Arabic-Indic digits: they are the digits."""
    code = request_code(captured=django_capture_on_commit_callbacks)
    typed = {
        "fullwidth": "".join(chr(0xFF10 + int(d)) for d in code),
        "arabic-indic": "".join(chr(0x0660 + int(d)) for d in code),
        "spaced": f"{code[:3]} {code[3:]}",
    }[script]
    assert signin.code_verify(email="nouveau@exemple.fr", code=typed, ip=None).email

"""Staff actions that matter ask for the password again when it was last confirmed more than
``settings.ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds ago (15 minutes).

django-allauth's re-authentication does the work: a POST to a guarded view without a recent
confirmation is kept in the session, the person is sent to « Confirmer l'accès »
(``/compte/reauthenticate/``), and once the password is typed the kept POST is carried out as
sent, so nothing filled in is lost. Pages are still shown (GET) without it. Only a password
confirms (``ACCOUNT_REAUTHENTICATION_METHODS``): an account with no password (signed in by an
emailed code) is refused these actions with a 403 until it sets one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest

View = TypeVar("View", bound=Callable[..., Any])


def password_confirmed(view: View) -> View:
    """Guard ``view``'s writes (every method but GET) behind a recent password confirmation;
    for views whose own permission check runs first (the admin's)."""
    guarded: View = reauthentication_required(view, allow_get=True)
    return guarded


@password_confirmed
def _confirmed(request: HttpRequest) -> None:
    return None


def require_password_confirmed(request: HttpRequest) -> None:
    """Inside a view, once it knows the person may act: a write without a recent confirmation
    raises allauth's ``ReauthenticationRequired``, which its middleware turns into the detour
    through « Confirmer l'accès ». People who may not act still get the view's own refusal."""
    _confirmed(request)

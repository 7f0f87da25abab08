"""Signing in with a one-time code sent by email: the account is created on first use.

A voter types their address once, whether or not they have an account. Only an HMAC of the
code is stored; a code lives 15 minutes and allows 5 tries. Accounts with a role or admin
access must use their password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.accounts import permissions
from budgetcitoyen.accounts.models import SignInCode
from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import InvalidInput, PermissionRefused
from budgetcitoyen.core.inputs import ascii_digit
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.core.ratelimit import consume

CODE_LIFETIME = timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5


def _code_hash(email: str, code: str) -> str:
    message = f"{email.lower()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_request(*, email: str, ip: str | None) -> None:
    """Email a 6-digit code valid 15 minutes; any earlier unused code of the address dies."""
    email = email.strip().lower()
    consume("vote_code", email=email, ip=ip)
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    with transaction.atomic():
        SignInCode.objects.filter(email=email, used_at__isnull=True).update(expires_at=now)
        SignInCode.objects.create(
            email=email,
            code_hash=_code_hash(email, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        send_after_commit(
            to=[email],
            template="vote_code",
            context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
        )


def code_verify(*, email: str, code: str, ip: str | None) -> Any:
    """The account of ``email`` once its code is right (created on first sign-in).

    Refusals: no valid code (expired, used, never asked), a wrong code (5 tries per code),
    an account closed or an account of the team (they sign in with their password).
    """
    email = email.strip().lower()
    code = "".join(ascii_digit(ch) for ch in code if ch.isdigit())
    consume("vote_code_check", email=email, ip=ip)
    now = clock.now()
    refusal: InvalidInput | None = None
    with transaction.atomic():
        pending = (
            SignInCode.objects.select_for_update()
            .filter(email=email, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise InvalidInput(
                errors={"code": _("Ce code n'est plus valable : demandez-en un nouveau.")}
            )
        if pending.attempts >= CODE_MAX_ATTEMPTS:
            raise InvalidInput(
                errors={"code": _("Trop d'essais avec ce code : demandez-en un nouveau.")}
            )
        if hmac.compare_digest(pending.code_hash, _code_hash(email, code)):
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            user = _account_for(email)
        else:
            # Counted in this transaction, which commits: the refusal is raised after it.
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - pending.attempts
            message = (
                ngettext(
                    "Code incorrect. Vérifiez le dernier message reçu (encore %(left)d essai).",
                    "Code incorrect. Vérifiez le dernier message reçu (encore %(left)d essais).",
                    left,
                )
                % {"left": left}
                if left
                else _("Code incorrect. Ce code n'est plus valable : demandez-en un nouveau.")
            )
            refusal = InvalidInput(errors={"code": message})
    if refusal is not None:
        raise refusal
    return user


def _account_for(email: str) -> Any:
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
        log_action(actor=user, action="account.created_by_code", obj=user, data={})
    elif not user.is_active:
        raise PermissionRefused(_("Ce compte est désactivé. Contactez l'équipe du Budget citoyen."))
    elif not permissions.can_sign_in_by_code(user):
        raise PermissionRefused(
            _(
                "Ce compte a des droits de gestion : connectez-vous avec son mot de passe "
                "(page « Se connecter »)."
            )
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user

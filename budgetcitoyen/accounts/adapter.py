"""django-allauth's adapter: its emails speak as the site does, with the site's address, and
the page a person was going to survives the confirmation of their email.

- Every allauth email gets the context of the site's own emails (``site_url``, the
  organisation's names, ``person``: how to greet the addressee), and every link it holds points
  to ``settings.SITE_URL``, never to the host the request happened to use (allauth builds its
  links from the request, or from ``django.contrib.sites``, which the platform does not use).
- The confirmation link carries the destination (``?next=/comptoirs/3/inscription/``) the
  sign-up or the sign-in was asked with, so that confirming in another browser, with no session,
  still leads there (``views.ConfirmEmailView`` asks to sign in first). Only a local path is
  kept (``url_has_allowed_host_and_scheme`` with no allowed host), when the link is made and
  again when it is followed (allauth's ``is_safe_url``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from budgetcitoyen.core import organisation

NEXT = "next"


def on_site(url: str) -> str:
    """``url`` (absolute or a path) on the site's public address ``settings.SITE_URL``."""
    parts = urlsplit(url)
    path = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return f"{settings.SITE_URL}{path}"


def local_destination(url: Any) -> str | None:
    """``url`` when it is a path of this site (no scheme, no host), else ``None``."""
    if not isinstance(url, str) or not url.startswith("/") or len(url) > 2000:
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False):
        return None
    return url


def requested_destination(request: HttpRequest | None) -> str | None:
    """The destination the current sign-up or sign-in was asked with (its ``next`` field), or
    the one of the sign-in allauth keeps in the session while the email is unconfirmed."""
    if request is None:
        return None
    for source in (request.POST, request.GET):
        found = local_destination(source.get(NEXT))
        if found:
            return found
    from allauth.account.internal.stagekit import unstash_login

    try:
        pending = unstash_login(request, peek=True)
    except Exception:  # a session that cannot be read is no destination
        return None
    return local_destination(getattr(pending, "redirect_url", None))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        full = {
            "site_url": settings.SITE_URL,
            **organisation.template_context(),
            "person": user.first_name.strip() if user is not None and user.pk else "",
            **context,
        }
        for key, value in list(full.items()):
            if key.endswith("_url") and key != "site_url" and isinstance(value, str) and value:
                full[key] = on_site(value)
        super().send_mail(template_prefix, email, full)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        url = f"{settings.SITE_URL}{reverse('account_confirm_email', args=[emailconfirmation.key])}"
        destination = requested_destination(request)
        if destination:
            url = f"{url}?{urlencode({NEXT: destination})}"
        return url

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        if not getattr(user, "has_name", True):
            # An account older than the name at sign-up, or opened by a voting code.
            messages.info(
                request,
                _(
                    "Indiquez votre prénom et votre nom dans « Mon profil » : ils figurent sur "
                    "la feuille d'émargement des comptoirs et sur vos dossiers."
                ),
            )
        return response

"""The follow-up's documents block on the holder's and staff's dossier pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.selectors.documents import requests_of

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def holder_documents(context: Any, dossier: Any) -> SafeString | str:
    """The block on the holder's page of their submitted dossier ("Mes dossiers"): each
    request, what is still to send, a link to its page. Nothing when none was made."""
    user = _user(context)
    if dossier.is_draft or not permissions.is_dossier_holder(user, dossier):
        return ""
    requests = requests_of(dossier)
    if not requests:
        return ""
    html = render_to_string(
        "followup/holder/_documents.html",
        {"dossier": dossier, "requests": requests},
        request=context.get("request"),
    )
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def staff_documents(context: Any, dossier: Any) -> SafeString | str:
    """The block on staff's page of a dossier: its requests and their files, and, for staff,
    the link to ask for more. Committee members who may read the dossier see it read-only."""
    user = _user(context)
    if dossier.is_draft or not permissions.can_see_supporting_documents(user, dossier):
        return ""
    can_request = permissions.can_request_documents(user, dossier)
    requests = requests_of(dossier)
    if not requests and not can_request:
        return ""
    html = render_to_string(
        "followup/staff/_documents.html",
        {
            "dossier": dossier,
            "requests": requests,
            "can_request": can_request,
            "can_manage": permissions.can_manage_followup(user),
        },
        request=context.get("request"),
    )
    return mark_safe(html)

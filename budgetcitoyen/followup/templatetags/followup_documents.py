"""The follow-up's documents block on the holder's and staff's dossier pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def holder_documents(context: Any, dossier: Any) -> str:
    """The block on the holder's page of their submitted dossier ("Mes dossiers")."""
    return ""


@register.simple_tag(takes_context=True)
def staff_documents(context: Any, dossier: Any) -> str:
    """The block on staff's page of a dossier."""
    return ""

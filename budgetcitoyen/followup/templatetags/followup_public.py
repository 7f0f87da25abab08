"""The follow-up's public block: a laureate's timeline on its project page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def project_timeline(context: Any, decision: Any) -> str:
    """The timeline of a laureate on its public project page (nothing for other projects)."""
    return ""

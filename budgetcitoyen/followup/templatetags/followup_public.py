"""The follow-up's public block: a laureate's timeline on its project page."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from budgetcitoyen.followup.selectors import public as selectors

register = template.Library()


def _photo_url(pk: int) -> str:
    """The news photo's public view (the progress part's), or "" while it does not exist."""
    try:
        return reverse("followup:news_photo", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def project_timeline(context: Any, decision: Any) -> SafeString | str:
    """The timeline of a laureate on its public project page (nothing for other projects)."""
    found = selectors.timeline(decision)
    if found is None:
        return ""
    events = [
        dataclasses.replace(event, photo_url=_photo_url(event.pk))
        if event.kind == "news" and event.photo
        else event
        for event in found.events
    ]
    html = render_to_string(
        "followup/public/_timeline.html",
        {"events": events, "status": found.status, "paid": found.paid, "granted": found.granted},
        request=context.get("request"),
    )
    return mark_safe(html)  # rendered by the template engine, escaped there

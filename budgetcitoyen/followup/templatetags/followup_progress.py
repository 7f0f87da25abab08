"""The follow-up's progress block on the holder's and staff's dossier pages, and the progress
part of staff's laureate page (``followup/staff/_progress.html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgetcitoyen.followup.forms_progress import MilestoneForm, ReasonForm
from budgetcitoyen.followup.models import Milestone, NewsItem
from budgetcitoyen.followup.selectors import progress as selectors
from budgetcitoyen.followup.views.progress import laureate_url

register = template.Library()


def _render(context: Any, name: str, values: dict[str, Any]) -> SafeString:
    # The partial's own context; the request for its forms' CSRF token and the site's variables.
    html = render_to_string(name, values, request=context.get("request"))
    return mark_safe(html)  # a template rendered with autoescape


def status_label(status: selectors.ProjectStatus) -> str:
    """The project's status in words, as the public list says it."""
    if status.kind is None:
        return _("Pas encore démarré")
    if status.kind == Milestone.Kind.DONE:
        return _("Réalisé")
    if status.kind == Milestone.Kind.ABANDONED:
        return _("Abandonné")
    return _("En cours, %(progress)d %%") % {"progress": status.progress}


def _summary(award: Any) -> dict[str, Any]:
    news = list(selectors.news_of(award).only("status"))
    status = selectors.project_status(award)
    return {
        "award": award,
        "status": status,
        "status_label": status_label(status),
        "report": selectors.report_of(award),
        "news_published": sum(1 for n in news if n.status == NewsItem.Status.PUBLISHED),
        "news_submitted": sum(1 for n in news if n.status == NewsItem.Status.SUBMITTED),
        "news_to_rework": sum(
            1 for n in news if n.status in (NewsItem.Status.DRAFT, NewsItem.Status.REFUSED)
        ),
    }


@register.simple_tag(takes_context=True)
def holder_progress(context: Any, dossier: Any) -> str:
    """The block on the holder's page of their submitted dossier ("Mes dossiers")."""
    award = selectors.award_of_dossier(dossier)
    if award is None:
        return ""
    return _render(
        context, "followup/holder/_progress.html", {"dossier": dossier, **_summary(award)}
    )


@register.simple_tag(takes_context=True)
def staff_progress(context: Any, dossier: Any) -> str:
    """The block on staff's page of a dossier."""
    award = selectors.award_of_dossier(dossier)
    if award is None:
        return ""
    return _render(
        context,
        "followup/staff/_progress_dossier.html",
        {"dossier": dossier, "laureate_url": laureate_url(award), **_summary(award)},
    )


@register.simple_tag(takes_context=True)
def staff_award_progress(context: Any, award: Any) -> str:
    """Staff's view of a laureate's progress: milestones and their form, news, the report. A
    page showing a refused form passes it as ``milestone_form`` / ``remove_form``."""
    milestones = list(selectors.milestones_of(award))
    return _render(
        context,
        "followup/staff/_progress_body.html",
        {
            **_summary(award),
            "milestones": milestones,
            "latest": milestones[-1] if milestones else None,
            "news_items": selectors.news_of(award),
            "milestone_form": context.get("milestone_form") or MilestoneForm(),
            "remove_form": context.get("remove_form") or ReasonForm(prefix="remove"),
        },
    )

"""The follow-up's agreements block on the holder's and staff's dossier pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from budgetcitoyen.core import clock
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.models import FundingAgreement
from budgetcitoyen.followup.selectors import agreements as selectors
from budgetcitoyen.results.models import Award

register = template.Library()


def _award_of(dossier: Any) -> Award | None:
    return (
        Award.objects.filter(decision__dossier=dossier, snapshot__published_at__lte=clock.now())
        .select_related("decision__dossier")
        .first()
    )


@register.simple_tag(takes_context=True)
def holder_agreements(context: Any, dossier: Any) -> SafeString | str:
    """The block on the holder's page of their submitted dossier ("Mes dossiers"): their
    agreement once sent, its schedule and the payments made."""
    award = _award_of(dossier)
    if award is None or not permissions.can_see_agreement(context.get("user"), award):
        return ""
    agreement = selectors.agreement_of(award)
    if agreement is None or agreement.status == FundingAgreement.Status.DRAFT:
        return ""
    schedule = selectors.schedule_of(agreement)
    paid = selectors.schedule_paid(schedule)
    return render_to_string(
        "followup/holder/agreement_block.html",
        {
            "agreement": agreement,
            "schedule": schedule,
            "paid": paid,
            "left": agreement.amount - paid,
        },
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def staff_agreements(context: Any, dossier: Any) -> SafeString | str:
    """The block on staff's page of a dossier: the laureate's agreement, with a link to its page."""
    if not permissions.can_manage_followup(context.get("user")):
        return ""
    award = _award_of(dossier)
    if award is None:
        return ""
    agreement = selectors.agreement_of(award)
    paid = selectors.paid_for_award(award)
    return render_to_string(
        "followup/staff/agreement_dossier_block.html",
        {"award": award, "agreement": agreement, "paid": paid},
        request=context.get("request"),
    )

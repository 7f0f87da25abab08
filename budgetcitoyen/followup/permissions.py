"""Who sees and changes what in the follow-up of dossiers and laureates.

- Staff (the Mission ESS) manage everything: document requests, agreements, payments,
  milestones, moderation of news, the final report's review.
- A holder sees their own dossier's document requests and answers them; sees their own
  agreement (it is addressed to them) and their own project's payments; writes only their own
  project's news and final report.
- The public sees, once a project is a laureate of a published result, its milestones, its
  progress, its published news and the amounts paid, never an agreement's or a payment's
  details (references, beneficiary's bank data, conditions).

Anyone refused an object that is not theirs gets a 404 (its existence never leaks), as for
dossiers.
"""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_signed_in, is_staff
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.permissions import can_view_dossier
from budgetcitoyen.results.models import Award


def can_manage_followup(user: Any) -> bool:
    """Document requests, agreements, payments, milestones, moderation: staff only."""
    return is_staff(user)


def is_dossier_holder(user: Any, dossier: Dossier) -> bool:
    return is_signed_in(user) and dossier.holder_id == user.pk


def is_award_holder(user: Any, award: Award) -> bool:
    return is_signed_in(user) and award.decision.dossier.holder_id == user.pk


def can_answer_document_request(user: Any, dossier: Dossier) -> bool:
    """Only the holder uploads supporting documents into their dossier's area."""
    return is_dossier_holder(user, dossier)


def can_see_supporting_documents(user: Any, dossier: Dossier) -> bool:
    """The requests and the files sent: staff, the holder, and the committee members who may
    read the dossier (assigned, no conflict), as for the dossier's own attachments."""
    return can_view_dossier(user, dossier)


def can_request_documents(user: Any, dossier: Dossier) -> bool:
    """Staff ask; a committee member asks through staff (``DocumentRequest.on_behalf_of``)."""
    return is_staff(user)


def can_see_agreement(user: Any, award: Award) -> bool:
    """The agreement in detail: staff, and the holder it is addressed to."""
    return is_staff(user) or is_award_holder(user, award)


def can_write_news(user: Any, award: Award) -> bool:
    """A holder writes the news of their own project only."""
    return is_award_holder(user, award)


def can_write_report(user: Any, award: Award) -> bool:
    return is_award_holder(user, award)


def can_see_news(user: Any, news: Any) -> bool:
    """A published news item is public; any other state only its holder and staff see."""
    if news.status == news.Status.PUBLISHED:
        return True
    return is_staff(user) or is_award_holder(user, news.award)


def can_see_report(user: Any, award: Award) -> bool:
    """The final report and its files: staff, and the holder who writes it."""
    return is_staff(user) or is_award_holder(user, award)

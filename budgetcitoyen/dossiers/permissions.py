"""Who may see and change a dossier. A dossier is confidential until labelled: anyone these
rules refuse gets a 404, so its existence never leaks."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_committee_member, is_signed_in, is_staff
from budgetcitoyen.dossiers.models import Dossier


def is_holder(user: Any, dossier: Dossier) -> bool:
    return is_signed_in(user) and dossier.holder_id == user.pk


def can_view_dossier(user: Any, dossier: Dossier) -> bool:
    """The holder, staff, and the committee members a submitted dossier is assigned to (unless
    they declared a conflict of interest). Nobody else, not even to know it exists."""
    if not is_signed_in(user):
        return False
    if is_holder(user, dossier) or is_staff(user):
        return True
    return (
        not dossier.is_draft
        and is_committee_member(user)
        and dossier.assignments.filter(member=user).exists()  # type: ignore[attr-defined]
        and not dossier.conflicts.filter(member=user).exists()  # type: ignore[attr-defined]
    )


def can_change_dossier(user: Any, dossier: Dossier) -> bool:
    """Only the holder works on their dossier (whether it may still change is a phase rule)."""
    return is_holder(user, dossier)


def can_list_dossiers(user: Any) -> bool:
    """The staff list of every dossier received, its exports and the audit history."""
    return is_staff(user)

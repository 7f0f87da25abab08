"""Who may do what in the labelling, and when a labelled project becomes public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from budgetcitoyen.accounts.permissions import is_committee_member, is_signed_in, is_staff
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.permissions import can_view_dossier, is_holder
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_started
from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest, Decision

is_member = is_committee_member


def is_assigned(user: Any, dossier: Dossier) -> bool:
    return Assignment.objects.filter(dossier=dossier, member=user).exists()


def has_conflict(user: Any, dossier: Dossier) -> bool:
    return ConflictOfInterest.objects.filter(dossier=dossier, member=user).exists()


def can_use_workspace(user: Any) -> bool:
    """The committee's workspace ``/comite/``: its members and staff."""
    return is_member(user) or is_staff(user)


def can_manage_labelling(user: Any) -> bool:
    """Assignments, decisions, notices, the review grid and the figures: staff only."""
    return is_staff(user)


def can_see_in_workspace(user: Any, dossier: Dossier) -> bool:
    """Staff see every submitted dossier; a member only those assigned to them (no conflict),
    as ``can_view_dossier`` says; a holder reads their own dossier elsewhere, not here."""
    if dossier.is_draft:
        return False
    return is_staff(user) or (not is_holder(user, dossier) and can_view_dossier(user, dossier))


def can_review(user: Any, dossier: Dossier) -> bool:
    """A member gives an opinion on a dossier assigned to them, unless they declared a conflict."""
    return is_member(user) and is_assigned(user, dossier) and not has_conflict(user, dossier)


def projects_are_public(edition: Edition, at: datetime | None = None) -> bool:
    """An edition's labelled projects are public from the opening minute of its vote."""
    return edition.is_published and has_started(edition, Step.VOTE, at)


def is_public(decision: Decision, at: datetime | None = None) -> bool:
    """A labelled project is public from the opening minute of the vote, never before."""
    return decision.is_labelled and projects_are_public(decision.edition, at)


def can_preview(user: Any, decision: Decision) -> bool:
    """Before it is public, a project's page is shown to staff and its holder only."""
    return is_signed_in(user) and (is_staff(user) or decision.dossier.holder_id == user.pk)


def can_see_project(user: Any, decision: Decision, at: datetime | None = None) -> bool:
    return is_public(decision, at) or can_preview(user, decision)

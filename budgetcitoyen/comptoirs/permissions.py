"""Who may do what with comptoirs and registrations."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_organiser, is_signed_in, is_staff
from budgetcitoyen.comptoirs.models import Comptoir, Registration


def can_manage_comptoir(user: Any, comptoir: Comptoir) -> bool:
    """Staff manage every comptoir; an organiser only the comptoirs they host."""
    if is_staff(user):
        return True
    return is_organiser(user) and comptoir.organisers.filter(pk=user.pk).exists()


def can_use_organiser_space(user: Any) -> bool:
    """ "Mes comptoirs": organisers and staff."""
    return is_organiser(user)


def can_manage_every_comptoir(user: Any) -> bool:
    """Staff: every comptoir, the edition's figures, cancelling a comptoir."""
    return is_staff(user)


def can_cancel_registration(user: Any, registration: Registration) -> bool:
    """The registered person, or staff on their behalf."""
    return is_signed_in(user) and (user.pk == registration.person_id or is_staff(user))

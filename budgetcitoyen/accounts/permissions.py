"""Who holds which right: the predicates every app's ``permissions.py`` builds on.

Roles are data (``accounts.roles``: each role a group with Django permissions); these
predicates read them. Each app has its own ``permissions.py`` for the rules about its
objects (who sees a dossier, who manages a comptoir…); services and views ask those, and
templates read them through the ``can`` context variable (``accounts.context_processors``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.errors import PermissionRefused


def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _has(user: Any, permission: str) -> bool:
    return is_signed_in(user) and bool(user.is_superuser or user.has_perm(permission))


def is_staff(user: Any) -> bool:
    """The team that runs the edition (the staff role, or a superuser)."""
    return _has(user, "editions.manage_edition")


def is_committee_member(user: Any) -> bool:
    """A member of the labelling committee (staff hold this right too)."""
    return _has(user, "editions.review_dossiers")


def is_paper_agent(user: Any) -> bool:
    """Someone who types in paper ballots."""
    return _has(user, "editions.enter_paper_ballots")


def is_organiser(user: Any) -> bool:
    """Someone who takes attendance at comptoirs (organisers and staff)."""
    return _has(user, "comptoirs.take_attendance")


def opens_admin(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_staff)


def has_management_rights(user: Any) -> bool:
    """Any role, admin access or superuser: such accounts must sign in with their password."""
    return is_signed_in(user) and bool(user.is_staff or user.is_superuser or user.groups.exists())


def can_sign_in_by_code(user: Any) -> bool:
    """A one-time code opens only accounts with no right: the others use their password."""
    return not has_management_rights(user)


def require(allowed: bool, message: Any = None) -> None:
    """Raise ``PermissionRefused`` (403, with its French message) unless ``allowed``."""
    if not allowed:
        raise PermissionRefused(message)


def require_staff(user: Any, message: Any = None) -> None:
    require(is_staff(user), message or _("Seule l'équipe de la Mission ESS peut faire cela."))

"""The one family of errors that services raise when a rule of the process refuses.

Each error carries a French message that a person can act on. Views turn it into a
message and a 4xx response (``status_code``), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the process refused the operation."""

    status_code = 400
    default_message = _("Cette opération n'est pas possible.")

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.code = code or type(self).__name__
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def refusal(check: Callable[..., object], *args: Any) -> str | None:
    """What a ``check_*`` rule would say to refuse the operation now, or None if it lets it through.

    Pages use it to show or hide an action, and to explain why it is closed.
    """
    try:
        check(*args)
    except DomainError as error:
        return error.message
    return None


def passes(check: Callable[..., object], *args: Any) -> bool:
    return refusal(check, *args) is None


class InvalidInput(DomainError):
    """Bad input; ``errors`` maps a field name to its French message, for forms."""

    default_message = _("Les informations saisies ne sont pas valides.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        self.errors = errors or {}
        if message is None and self.errors:
            message = " ".join(self.errors.values())
        super().__init__(message, code=code)


class PermissionRefused(DomainError):
    status_code = 403
    default_message = _("Vous n'avez pas les droits nécessaires pour cette opération.")


class NotFound(DomainError):
    status_code = 404
    default_message = _("Élément introuvable.")


class PhaseClosed(DomainError):
    status_code = 409
    default_message = _("Cette étape n'est pas ouverte à cette date.")


class NotEligible(DomainError):
    status_code = 403
    default_message = _("Vous ne remplissez pas les conditions pour participer.")


class Full(DomainError):
    status_code = 409
    default_message = _("Il n'y a plus de place disponible.")


class AlreadyDone(DomainError):
    status_code = 409
    default_message = _("Cette opération a déjà été effectuée.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("Cette opération entre en conflit avec l'état actuel des données.")


class Frozen(DomainError):
    status_code = 409
    default_message = _("Cet élément est définitif et ne peut plus être modifié.")


class RateLimited(DomainError):
    """Too many attempts in a short time; ``retry_after`` is in seconds."""

    status_code = 429
    default_message = _("Trop de tentatives en peu de temps. Merci de patienter un peu.")

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        self.retry_after = retry_after
        super().__init__(message)

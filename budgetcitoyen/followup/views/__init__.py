"""The follow-up's views, one module per concern."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from budgetcitoyen.followup import permissions


def require_followup_staff(request: HttpRequest) -> None:
    """Staff's follow-up pages: anyone else gets a 404, as for a dossier not theirs."""
    if not permissions.can_manage_followup(request.user):
        raise Http404

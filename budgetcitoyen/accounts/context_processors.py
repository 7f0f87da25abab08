"""``can``: what the signed-in person may do, for the templates (menus, buttons)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, cached_property

from budgetcitoyen.accounts import permissions


class Rights:
    """The role predicates of ``accounts.permissions`` as attributes, computed when first
    read, once per request (the menu, drawn twice, reads each several times)."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def manage_edition(self) -> bool:
        return permissions.is_staff(self.user)

    @cached_property
    def review_dossiers(self) -> bool:
        return permissions.is_committee_member(self.user)

    @cached_property
    def enter_paper_ballots(self) -> bool:
        return permissions.is_paper_agent(self.user)

    @cached_property
    def take_attendance(self) -> bool:
        return permissions.is_organiser(self.user)

    @cached_property
    def open_admin(self) -> bool:
        return permissions.opens_admin(self.user)


def rights(request: HttpRequest) -> dict[str, Any]:
    return {"can": SimpleLazyObject(lambda: Rights(getattr(request, "user", None)))}

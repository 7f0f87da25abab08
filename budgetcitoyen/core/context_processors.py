"""Values every page needs: the site's name, the organisation's names and addresses, the edition
shown, demo notice."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from budgetcitoyen.core import clock, organisation


def site(request: HttpRequest) -> dict[str, Any]:
    from budgetcitoyen.editions.selectors import current_edition_for

    edition = SimpleLazyObject(lambda: current_edition_for(request))
    return {
        "site_name": "Budget citoyen",
        **organisation.template_context(),
        "current_edition": edition,
        "clock_frozen_at": clock.now() if clock.is_frozen() else None,
    }

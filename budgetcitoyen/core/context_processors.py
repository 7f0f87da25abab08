"""Values every page needs: the site's name, the organisation's names and addresses, the
simulated date. (The edition shown comes from ``editions.context_processors``.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from budgetcitoyen.core import clock, organisation


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": "Budget citoyen",
        **organisation.template_context(),
        "clock_frozen_at": clock.now() if clock.is_frozen() else None,
    }

"""Values every page needs: the site's name, the organisation and its contact, the simulated date."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from budgetcitoyen.core import clock


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": "Budget citoyen",
        "organisation": settings.BUDGETCITOYEN_ORGANISATION,
        "contact_email": settings.BUDGETCITOYEN_CONTACT_EMAIL,
        "clock_frozen_at": clock.now() if clock.is_frozen() else None,
    }

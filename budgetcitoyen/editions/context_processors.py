"""The edition every page shows (header, footer, demo notice), computed once per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from budgetcitoyen.editions.selectors import current_edition_for


def current_edition(request: HttpRequest) -> dict[str, Any]:
    return {"current_edition": SimpleLazyObject(lambda: current_edition_for(request))}

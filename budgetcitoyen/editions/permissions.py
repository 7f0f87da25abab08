"""Who may see an edition: everyone once it is published, only staff before."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_staff
from budgetcitoyen.editions.models import Edition


def can_see_edition(user: Any, edition: Edition) -> bool:
    return edition.is_published or is_staff(user)

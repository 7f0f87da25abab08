"""Who may count and publish (the public pages are open to all once a result is published)."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_staff


def can_count(user: Any) -> bool:
    """Running a count, reading its snapshots and publishing one: staff."""
    return is_staff(user)

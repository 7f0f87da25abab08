"""Writes on accounts: the person's profile."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from budgetcitoyen.core.audit import log_action


@transaction.atomic
def profile_update(
    *, user: Any, first_name: str, last_name: str, phone: str, commune: Any | None
) -> Any:
    fields = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": phone,
        "commune": commune,
    }
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(
        update_fields=[*fields, "updated_at"] if hasattr(user, "updated_at") else list(fields)
    )
    log_action(actor=user, action="accounts.profile_updated", obj=user, data={"fields": changed})
    return user

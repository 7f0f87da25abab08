"""Writes on comptoirs (workshops)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.editions.models import Edition

COMPTOIR_FIELDS = [
    "territory",
    "host_name",
    "address",
    "commune",
    "access_information",
    "starts_at",
    "ends_at",
    "capacity",
]


@transaction.atomic
def comptoir_create(*, edition: Edition, by: Any | None, **values: Any) -> Comptoir:
    """Schedule a comptoir; its territory defaults to its commune's."""
    values.setdefault("territory", values["commune"].territory if values.get("commune") else None)
    comptoir = Comptoir(edition=edition, **values)
    errors: dict[str, str] = {}
    try:
        comptoir.full_clean(exclude=["edition"], validate_constraints=False)
    except ValidationError as exc:
        errors = {f: " ".join(str(m) for m in msgs) for f, msgs in exc.message_dict.items()}
    if comptoir.starts_at and comptoir.ends_at and comptoir.ends_at <= comptoir.starts_at:
        errors["ends_at"] = _("La fin du comptoir doit suivre son début.")
    if errors:
        raise InvalidInput(errors=errors)
    comptoir.save()
    log_action(
        actor=by,
        action="comptoirs.comptoir_created",
        obj=comptoir,
        data={"edition": edition.year, **{f: getattr(comptoir, f) for f in COMPTOIR_FIELDS}},
    )
    return comptoir

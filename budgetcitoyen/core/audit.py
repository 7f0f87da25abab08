"""``log_action``: the one way to record a state change in the audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from budgetcitoyen.core.models import AuditEntry


class AuditEncoder(DjangoJSONEncoder):
    """JSON for audit data: exact decimals as strings, dates as ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, models.Model):
            return {"model": o._meta.label, "pk": o.pk, "label": str(o)}
        return super().default(o)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data, cls=AuditEncoder))


def log_action(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry. Must be called inside the transaction of the change.

    Called outside one, the entry could survive a change that failed (or the reverse),
    so it refuses: the audit log only ever describes what really happened.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action doit être appelé dans la transaction de la modification.")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "email", "") or str(actor)) if is_user else "système",
        action=action,
        data=_jsonable(data or {}),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_label = str(obj)[:255]
    entry.save(force_insert=True)
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as ``{field: [old, new]}``, for audit data."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def erase_labels(
    entries: models.QuerySet[AuditEntry],
    *,
    actor_label: str | None = None,
    object_label: str | None = None,
) -> int:
    """Replace the labels of ``entries`` that named a person whose data is erased.

    The only change the append-only log accepts (its PostgreSQL trigger included): what
    happened, when and to which object id stays; who it was stops being readable.
    """
    values: dict[str, Any] = {}
    if actor_label is not None:
        values["actor_label"] = actor_label
    if object_label is not None:
        values["object_label"] = object_label
    return entries.update(**values) if values else 0

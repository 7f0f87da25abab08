"""``User.has_roles`` kept true to the account's groups and permissions of its own.

Every change of either relation, from either side (``user.groups.add``, ``group.user_set.remove``,
``clear``, the admin), goes through ``m2m_changed``; the flag is recomputed from the tables.
When in doubt it is true, which only means the permission checks query as Django does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import m2m_changed

from budgetcitoyen.accounts.models import User


def recompute(user_ids: set[int]) -> None:
    if not user_ids:
        return
    groups = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    own = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"))
    users = User.objects.filter(pk__in=user_ids)
    users.filter(Q(Exists(groups)) | Q(Exists(own))).update(has_roles=True)
    users.exclude(Q(Exists(groups)) | Q(Exists(own))).update(has_roles=False)


def _changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kw: Any
) -> None:
    if action == "pre_clear" and reverse:
        # group.user_set.clear(): note who was in it before the rows go.
        instance._budgetcitoyen_cleared = set(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        recompute({instance.pk})
        instance.has_roles = (
            User.objects.filter(pk=instance.pk).values_list("has_roles", flat=True).first() or False
        )
        return
    if action == "post_clear":
        recompute(getattr(instance, "_budgetcitoyen_cleared", set()))
    else:
        recompute(set(pk_set or ()))


def connect() -> None:
    for through, name in ((User.groups.through, "groups"), (User.user_permissions.through, "own")):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"accounts.has_roles:{name}")

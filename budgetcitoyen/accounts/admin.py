"""Accounts and roles in the admin: sign-in by email; role changes are audited and, like every
change to an account or a group, need a password confirmed in the last 15 minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.reauth import password_confirmed
from budgetcitoyen.accounts.roles import user_roles
from budgetcitoyen.core.audit import log_action


# Creating, changing (roles are groups), deleting an account and setting its password.
@method_decorator(password_confirmed, name="user_change_password")
@method_decorator(password_confirmed, name="changeform_view")
@method_decorator(password_confirmed, name="delete_view")
@method_decorator(password_confirmed, name="changelist_view")  # bulk actions (delete)
@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Rôles et droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rôles"))
    def roles(self, obj: User) -> str:
        return ", ".join(str(spec.label) for spec in user_roles(obj)) or "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
            super().save_related(request, form, formsets, change)
            after = set(form.instance.groups.values_list("name", flat=True))
            data = {"added": sorted(after - before), "removed": sorted(before - after)}
            fields = [
                f
                for f in form.changed_data
                if f not in ("groups", "password", "password1", "password2")
            ]
            if data["added"] or data["removed"] or fields or not change:
                log_action(
                    actor=request.user,
                    action="accounts.user_updated" if change else "accounts.user_created",
                    obj=form.instance,
                    data={"groups": data, "fields": fields},
                )


# A group is a role: its permissions decide what its members may do.
admin.site.unregister(Group)


@method_decorator(password_confirmed, name="changeform_view")
@method_decorator(password_confirmed, name="delete_view")
@method_decorator(password_confirmed, name="changelist_view")
@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    pass

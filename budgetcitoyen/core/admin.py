"""Admin of the audit log (read-only) and the audited base admin for simple models."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.models import AuditEntry

admin.site.site_header = "Budget citoyen — administration"
admin.site.site_title = "Budget citoyen"
admin.site.index_title = "Administration de la plateforme"

_django_app_index = admin.site.app_index


def _app_index(
    request: HttpRequest, app_label: str, extra_context: dict[str, Any] | None = None
) -> Any:
    """An app's admin page. Django titles it "Administration de %(app)s", which reads
    "Administration de Éditions" in French (no elision): the name comes first instead."""
    from django.apps import apps
    from django.utils.translation import gettext

    try:
        name = apps.get_app_config(app_label).verbose_name
    except LookupError:
        return _django_app_index(request, app_label, extra_context)
    title = gettext("%(app)s — administration") % {"app": name}
    return _django_app_index(request, app_label, {"title": title, **(extra_context or {})})


admin.site.app_index = _app_index  # type: ignore[method-assign]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (or shipped data): the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "object_label"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "action", "object_label", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


class AuditedModelAdmin(admin.ModelAdmin):
    """For models without rules of their own: every save and delete from the admin is audited."""

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}_{verb}"

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            data = {field: form.cleaned_data.get(field) for field in form.changed_data}
            pagecache.invalidate()
            log_action(
                actor=request.user,
                action=self._action("updated" if change else "created"),
                obj=obj,
                data={"fields": data},
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            pagecache.invalidate()
            log_action(actor=request.user, action=self._action("deleted"), obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                pagecache.invalidate()
                log_action(actor=request.user, action=self._action("deleted"), obj=obj)
            super().delete_queryset(request, queryset)

"""Dossiers in the admin: read-only, always. Holders write them through the dossiers pages;
once submitted nobody may change them, and staff act through the committee's tools."""

from __future__ import annotations

from django.contrib import admin

from budgetcitoyen.core.admin import ReadOnlyAdmin
from budgetcitoyen.dossiers.models import Attachment, Dossier, FinancingLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class FinancingLineInline(ReadOnlyInline):
    model = FinancingLine
    fields = ("position", "source", "amount", "is_secured")
    readonly_fields = ("position", "source", "amount", "is_secured")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = ("original_name", "content_type", "size", "sha256", "uploaded_at")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "edition", "status", "holder", "submitted_at"]
    list_filter = ["edition", "status", "structure_kind", "territory"]
    search_fields = ["reference", "title", "structure_name", "holder__email"]
    readonly_fields = [f.name for f in Dossier._meta.fields if f.name not in ("photo",)] + [
        "communes"
    ]
    exclude = ["photo"]
    inlines = [FinancingLineInline, AttachmentInline]

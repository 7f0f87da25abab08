"""Staff manage comptoirs here; every save goes through the comptoirs services (rules + audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.comptoirs import services
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.core.admin import ReadOnlyAdmin
from budgetcitoyen.core.forms import ModelForm

EDITABLE_FIELDS = [
    "edition",
    "host_name",
    "address",
    "commune",
    "territory",
    "access_information",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_cutoff_hours",
    "organisers",
]


class ComptoirAdminForm(ModelForm):
    class Meta:
        model = Comptoir
        fields = EDITABLE_FIELDS

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            confirmed = self.instance.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count()
            if capacity < confirmed:
                raise forms.ValidationError(
                    _(
                        "%(confirmed)d personnes ont déjà une place confirmée : la capacité ne peut descendre en dessous."
                    )
                    % {"confirmed": confirmed}
                )
        return capacity


@admin.register(Comptoir)
class ComptoirAdmin(admin.ModelAdmin):
    form = ComptoirAdminForm
    list_display = [
        "host_name",
        "commune",
        "territory",
        "starts_at",
        "capacity",
        "is_cancelled",
        "sheet_link",
    ]
    list_filter = ["edition", "territory", "is_cancelled"]
    list_select_related = ["commune", "territory"]
    search_fields = ["host_name", "address", "commune__name"]
    autocomplete_fields = ["commune", "organisers"]
    date_hierarchy = "starts_at"
    fields = [*EDITABLE_FIELDS, "is_cancelled", "cancellation_reason"]
    readonly_fields = ["is_cancelled", "cancellation_reason"]

    @admin.display(description=_("émargement"))
    def sheet_link(self, obj: Comptoir) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("comptoirs:sheet", args=[obj.pk]), _("ouvrir")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "edition"] if obj else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Comptoir, form: Any, change: bool) -> None:
        values = {
            f: form.cleaned_data[f] for f in services.COMPTOIR_FIELDS if f in form.cleaned_data
        }
        if change:
            services.comptoir_update(comptoir=obj, by=request.user, **values)
        else:
            saved = services.comptoir_create(
                edition=form.cleaned_data["edition"], by=request.user, **values
            )
            obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        comptoir = Comptoir.objects.get(pk=form.instance.pk)
        services.comptoir_update(
            comptoir=comptoir, by=request.user, organisers=list(form.cleaned_data["organisers"])
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a comptoir is cancelled (people are told), never deleted


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = [
        "person",
        "comptoir",
        "status",
        "ticket",
        "idea_title",
        "attendance",
        "is_walk_in",
        "created_at",
    ]
    list_filter = ["edition", "status", "attendance", "comptoir__territory", "is_walk_in"]
    list_select_related = ["person", "comptoir__commune"]
    search_fields = ["person__email", "person__last_name", "idea_title", "comptoir__host_name"]

"""Administration of territories: staff choose which territory each EPCI and commune belongs to."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from budgetcitoyen.territories import services
from budgetcitoyen.territories.models import Commune, CommuneAlias, Epci, PostalCode, Territory


class ReferenceDataAdmin(admin.ModelAdmin):
    """Reference rows come from the shipped file: nobody adds or deletes them by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Territory)
class TerritoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "commune_count"]
    fields = ["name", "slug"]
    readonly_fields = ["slug"]
    search_fields = ["name"]

    @admin.display(description="communes")
    def commune_count(self, obj: Territory) -> int:
        return obj.communes.count()

    def save_model(self, request: HttpRequest, obj: Territory, form: Any, change: bool) -> None:
        services.territory_rename(territory=obj, name=form.cleaned_data["name"], by=request.user)


@admin.register(Epci)
class EpciAdmin(ReferenceDataAdmin):
    list_display = ["name", "siren", "territory"]
    list_filter = ["territory"]
    search_fields = ["name", "siren"]
    fields = ["name", "siren", "territory"]
    readonly_fields = ["name", "siren"]

    def save_model(self, request: HttpRequest, obj: Epci, form: Any, change: bool) -> None:
        services.epci_set_territory(
            epci=obj, territory=form.cleaned_data["territory"], by=request.user
        )


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0
    can_delete = False
    readonly_fields = ["code"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommuneAliasInline(admin.TabularInline):
    model = CommuneAlias
    extra = 0
    can_delete = False
    readonly_fields = ["name", "insee_code", "kind"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commune)
class CommuneAdmin(ReferenceDataAdmin):
    list_display = ["name", "insee_code", "population", "epci", "territory"]
    list_filter = ["territory"]
    list_select_related = ["epci", "territory"]
    search_fields = ["name", "search_name", "insee_code", "postal_codes__code"]
    fields = ["name", "insee_code", "population", "epci", "territory"]
    readonly_fields = ["name", "insee_code", "population", "epci"]
    inlines = [PostalCodeInline, CommuneAliasInline]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Commune, form: Any, change: bool) -> None:
        services.commune_set_territory(
            commune=obj, territory=form.cleaned_data["territory"], by=request.user
        )


@admin.register(CommuneAlias)
class CommuneAliasAdmin(ReferenceDataAdmin):
    list_display = ["name", "insee_code", "kind", "commune"]
    list_select_related = ["commune"]
    search_fields = ["name", "commune__name"]
    readonly_fields = ["name", "insee_code", "kind", "commune"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

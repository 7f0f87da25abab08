from django.contrib import admin

from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core.admin import AuditedModelAdmin


@admin.register(Comptoir)
class ComptoirAdmin(AuditedModelAdmin):
    list_display = ["host_name", "commune", "territory", "starts_at", "capacity", "is_cancelled"]
    list_filter = ["edition", "territory", "is_cancelled"]
    list_select_related = ["commune", "territory"]
    search_fields = ["host_name", "address", "commune__name"]
    autocomplete_fields = ["commune"]
    date_hierarchy = "starts_at"

"""Administration of editions: every save goes through the editions services (rules + audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Field
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.editions import services
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.editions.phases import current_phase
from budgetcitoyen.tally import registry


def vote_rule_help() -> str:
    """Every ballot rule of the registry with its description, under the rule field."""
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}</strong> : {}</li>",
            ((rule.label, rule.description) for rule in ballot_rules.RULES.values()),
        ),
    )


def allocation_rule_help() -> str:
    """Every counting rule of the engine's registry with its description, under the rule field."""
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}</strong> : {}</li>",
            (
                (
                    gettext(rule.label),
                    gettext(rule.description) % {"most": gettext("les plus votés")},
                )
                for rule in registry.RULES.values()
            ),
        ),
    )


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ["name", "description", "envelope", "max_amount_per_project", "priority"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "is_published", "is_demo", "phase"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    inlines = [CategoryInline]
    fieldsets = [
        (None, {"fields": ["year", "title", "introduction", "is_published", "is_demo"]}),
        (
            _("Calendrier"),
            {
                "fields": [
                    ("comptoirs_start", "comptoirs_end"),
                    ("deposit_start", "deposit_end"),
                    ("labelling_start", "labelling_end"),
                    ("vote_start", "vote_end"),
                    "results_at",
                ],
                "description": _(
                    "Chaque étape est ouverte de son début (inclus) à sa fin (exclue) : une fin à minuit "
                    "se lit « jusqu'à la veille incluse ». Heure de Paris."
                ),
            },
        ),
        (
            _("Vote"),
            {
                "fields": [
                    "vote_rule",
                    ("vote_min_choices", "vote_max_choices"),
                    "minimum_voter_age",
                    "age_reference_date",
                ]
            },
        ),
        (_("Répartition"), {"fields": ["allocation_rule", "allocation_threshold"]}),
    ]

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "vote_rule" and formfield is not None:
            formfield.help_text = vote_rule_help()
        if db_field.name == "allocation_rule" and formfield is not None:
            formfield.help_text = allocation_rule_help()
        return formfield

    @admin.display(description=_("étape en cours"))
    def phase(self, obj: Edition) -> str:
        return current_phase(obj).label

    def save_model(self, request: HttpRequest, obj: Edition, form: Any, change: bool) -> None:
        values = {
            field: form.cleaned_data[field]
            for field in services.EDITION_FIELDS
            if field in form.cleaned_data
        }
        if change:
            saved = services.edition_update(edition=obj, by=request.user, **values)
        else:
            saved = services.edition_create(by=request.user, **values)
        obj.pk = saved.pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.save(commit=False)  # computes new, changed and deleted objects without saving

        def values(category: Category) -> dict[str, Any]:
            return {field: getattr(category, field) for field in services.CATEGORY_FIELDS}

        for category in formset.deleted_objects:
            services.category_delete(category=category, by=request.user)
        for category, _changed in formset.changed_objects:
            services.category_update(category=category, by=request.user, **values(category))
        for category in formset.new_objects:
            services.category_create(edition=form.instance, by=request.user, **values(category))

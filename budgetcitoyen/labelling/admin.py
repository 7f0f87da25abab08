"""The review grid is edited here (audited); assignments, reviews and decisions are read-only:
they are made in the committee workspace, through the services."""

from __future__ import annotations

from django.contrib import admin

from budgetcitoyen.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from budgetcitoyen.labelling.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    Decision,
    Review,
)


@admin.register(Criterion)
class CriterionAdmin(AuditedModelAdmin):
    list_display = ["name", "edition", "max_score", "position"]
    list_filter = ["edition"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "member", "created_at"]
    list_filter = ["dossier__edition"]


@admin.register(ConflictOfInterest)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "member", "reason", "created_at"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "member", "opinion", "hidden_for_conflict", "updated_at"]
    list_filter = ["opinion", "dossier__edition"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "dossier",
        "outcome",
        "category",
        "labelled_amount",
        "decided_at",
        "notified_at",
    ]
    list_filter = ["edition", "outcome", "category"]

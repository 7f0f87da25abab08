"""Ballots are read-only in the admin: they change only through the services (reviews)."""

from django.contrib import admin

from budgetcitoyen.voting.models import Ballot, IdentityReview


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["pk", "edition", "channel", "status", "cast_at", "territory", "age_band"]
    list_filter = ["edition", "channel", "status", "territory"]
    exclude = ["receipt_hash", "choices_signature"]


@admin.register(IdentityReview)
class IdentityReviewAdmin(ReadOnlyAdmin):
    list_display = ["pk", "edition", "identity_key", "status", "decided_at"]
    list_filter = ["edition", "status"]

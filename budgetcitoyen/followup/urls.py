"""The follow-up's pages: each part has its own URL module, included here."""

from __future__ import annotations

from django.urls import include, path

app_name = "followup"

urlpatterns = [
    path("", include("budgetcitoyen.followup.urls_documents")),
    path("", include("budgetcitoyen.followup.urls_agreements")),
    path("", include("budgetcitoyen.followup.urls_progress")),
    path("", include("budgetcitoyen.followup.urls_public")),
]

"""URLs of the follow-up: funding agreements and payments (staff), the agreement's documents
(staff and the holder), the finance service's exports. ``<pk>`` is the laureate's ``Award``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from budgetcitoyen.followup.views import agreements as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("gestion/suivi/", views.staff_laureates, name="staff_laureates"),
    path("gestion/suivi/versements.csv", views.export_payments_csv, name="export_payments_csv"),
    path("gestion/suivi/versements.xlsx", views.export_payments_xlsx, name="export_payments_xlsx"),
    path(
        "gestion/suivi/conventions.csv", views.export_agreements_csv, name="export_agreements_csv"
    ),
    path(
        "gestion/suivi/conventions.xlsx",
        views.export_agreements_xlsx,
        name="export_agreements_xlsx",
    ),
    path("gestion/suivi/laureats/<int:pk>/", views.staff_laureate, name="staff_laureate"),
    path(
        "gestion/suivi/laureats/<int:pk>/convention/",
        views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/convention/envoyer/",
        views.agreement_send,
        name="agreement_send",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/convention/corriger/",
        views.agreement_return_to_draft,
        name="agreement_return_to_draft",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/convention/signer/",
        views.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/versements/",
        views.payment_add,
        name="payment_add",
    ),
    path("suivi/<int:pk>/convention/", views.holder_agreement, name="holder_agreement"),
    path("suivi/<int:pk>/convention.pdf", views.agreement_pdf, name="agreement_pdf"),
    path(
        "suivi/<int:pk>/convention/scan/<int:scan_pk>/",
        views.agreement_scan,
        name="agreement_scan",
    ),
]

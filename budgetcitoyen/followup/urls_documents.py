"""URLs of the follow-up: supporting documents on request (in the ``followup`` namespace).

The holder's pages sit under ``mes-dossiers/<pk>/justificatifs/<request_pk>/`` (two segments
after the dossier: ``mes-dossiers/<pk>/<step>/`` belongs to the dossier's steps, ``pieces``
among them); the files under ``dossiers/<pk>/justificatifs/``, beside the dossier's
attachments; staff's under ``gestion/``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from budgetcitoyen.followup.views import documents as views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "gestion/dossiers/<int:pk>/pieces/demander/",
        views.request_create,
        name="document_request_create",
    ),
    path("gestion/suivi/pieces/", views.outstanding, name="documents_outstanding"),
    path(
        "gestion/suivi/pieces/<int:request_pk>/", views.staff_request, name="staff_document_request"
    ),
    path(
        "gestion/suivi/pieces/<int:request_pk>/clore/",
        views.request_close,
        name="document_request_close",
    ),
    path(
        "gestion/suivi/pieces/<int:request_pk>/annuler/",
        views.request_cancel,
        name="document_request_cancel",
    ),
    path(
        "mes-dossiers/<int:pk>/justificatifs/<int:request_pk>/",
        views.holder_request,
        name="holder_document_request",
    ),
    path(
        "mes-dossiers/<int:pk>/justificatifs/<int:request_pk>/fichiers/<int:file_pk>/retirer/",
        views.file_remove,
        name="supporting_document_remove",
    ),
    path("dossiers/<int:pk>/justificatifs/<int:file_pk>/", views.file, name="supporting_document"),
]

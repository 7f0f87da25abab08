from django.urls import path, re_path

from budgetcitoyen.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("mes-dossiers/", views.my_dossiers, name="mine"),
    path("mes-dossiers/nouveau/", views.start, name="start"),
    path("mes-dossiers/<int:pk>/", views.overview, name="overview"),
    path("mes-dossiers/<int:pk>/recapitulatif/", views.summary, name="summary"),
    path("mes-dossiers/<int:pk>/recepisse/", views.receipt, name="receipt"),
    path("mes-dossiers/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("mes-dossiers/<int:pk>/supprimer/", views.delete_draft, name="delete"),
    path("mes-dossiers/<int:pk>/photo/retirer/", views.photo_remove, name="photo_remove"),
    path(
        "mes-dossiers/<int:pk>/pieces/<int:attachment_pk>/retirer/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("mes-dossiers/<int:pk>/<slug:step>/", views.step, name="step"),
    path("dossiers/<int:pk>/photo/", views.photo, name="photo"),
    path("dossiers/<int:pk>/pieces/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("dossiers/<int:pk>/imprimer/", views.printable, name="printable"),
    path("dossiers/<int:pk>/dossier.pdf", views.pdf, name="pdf"),
    re_path(r"^dossiers/(?P<reference>BC-\d{4}-\d{4,})/$", views.by_reference, name="by_reference"),
    path("gestion/dossiers/", views.staff_list, name="staff_list"),
    path("gestion/dossiers/export.csv", views.export_csv, name="export_csv"),
    path("gestion/dossiers/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("gestion/dossiers/<int:pk>/", views.staff_detail, name="staff_detail"),
]

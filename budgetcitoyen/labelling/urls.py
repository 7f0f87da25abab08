from django.urls import path

from budgetcitoyen.labelling import views

app_name = "labelling"

urlpatterns = [
    path("comite/", views.workspace, name="workspace"),
    path("comite/dossiers/<int:pk>/", views.dossier_view, name="dossier"),
    path("comite/dossiers/<int:pk>/conflit/", views.declare_conflict, name="conflict"),
    path("comite/dossiers/<int:pk>/decision/", views.decision_view, name="decision"),
    path("comite/affectations/", views.assignments, name="assignments"),
    path("comite/chiffres/", views.figures, name="figures"),
    path("comite/informer-les-porteurs/", views.notify, name="notify"),
    path("comite/decisions.csv", views.export_csv, name="export_csv"),
    path("comite/decisions.xlsx", views.export_xlsx, name="export_xlsx"),
    path("projets/", views.projects, name="projects"),
    path("projets/<int:pk>/", views.project, name="project"),
    path("projets/<int:pk>/photo/", views.project_photo, name="project_photo"),
]

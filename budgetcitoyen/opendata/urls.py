from django.urls import path

from budgetcitoyen.opendata import views

app_name = "opendata"

urlpatterns = [
    path("donnees-ouvertes/", views.index, name="index"),
    path("donnees-ouvertes/catalogue.json", views.catalogue, name="catalogue"),
    path("donnees-ouvertes/projets.csv", views.projects_csv, name="projets"),
    path("donnees-ouvertes/comptoirs.csv", views.comptoirs_csv, name="comptoirs"),
    path("donnees-ouvertes/communes.csv", views.communes_csv, name="communes"),
]

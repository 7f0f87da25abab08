from django.urls import path

from budgetcitoyen.stats import views

app_name = "stats"

urlpatterns = [
    path("statistiques/", views.latest, name="latest"),
    path("statistiques/<int:year>/", views.edition_statistics, name="edition"),
    path("statistiques/<int:year>/<slug:key>.csv", views.figure_csv, name="csv"),
]

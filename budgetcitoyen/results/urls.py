from django.urls import path

from budgetcitoyen.results import public, views

app_name = "results"

urlpatterns = [
    path("resultats/", public.index, name="index"),
    # The archive and the import of past editions' results.
    path("editions/", public.editions, name="archive"),
    path("gestion/resultats/importer/", views.import_view, name="import"),
    path("resultats/<int:year>/", public.edition_results, name="edition"),
    path("resultats/<int:year>/resultats.csv", public.results_csv, name="csv"),
    path("resultats/<int:year>/resultats.json", public.results_json, name="json"),
    path("resultats/<int:year>/bulletins.pb", public.ballots_pb, name="ballots"),
    path("gestion/resultats/", views.staff_results, name="staff"),
    path("gestion/resultats/<int:pk>/", views.snapshot_view, name="snapshot"),
    path("gestion/resultats/<int:pk>/publier/", views.publish_view, name="publish"),
    path(
        "gestion/resultats/<int:pk>/bulletins.pb", views.snapshot_ballots, name="snapshot_ballots"
    ),
]

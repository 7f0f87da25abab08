from django.urls import path

from budgetcitoyen.comptoirs import views

app_name = "comptoirs"

urlpatterns = [
    path("comptoirs/", views.agenda, name="agenda"),
    path("comptoirs/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("comptoirs/<int:pk>/", views.detail, name="detail"),
    path("comptoirs/<int:pk>/comptoir.ics", views.comptoir_ics, name="ics"),
    path("comptoirs/<int:pk>/inscription/", views.register, name="register"),
    path("mes-inscriptions/", views.my_registrations, name="my_registrations"),
    path("mes-inscriptions/<int:pk>/annuler/", views.cancel_registration, name="cancel"),
    path("organisation/comptoirs/", views.organiser_home, name="organiser_home"),
    path("organisation/comptoirs/<int:pk>/", views.sheet, name="sheet"),
    path(
        "organisation/comptoirs/<int:pk>/presence/<int:registration_pk>/",
        views.mark_attendance,
        name="attendance",
    ),
    path("organisation/comptoirs/<int:pk>/sur-place/", views.walk_in, name="walk_in"),
    path("organisation/comptoirs/<int:pk>/inscrits.csv", views.registrants_csv, name="csv"),
    path("organisation/comptoirs/<int:pk>/annuler/", views.cancel_comptoir, name="cancel_comptoir"),
]

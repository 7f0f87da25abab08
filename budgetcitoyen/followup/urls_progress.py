"""URLs of the follow-up: a laureate's progress (milestones, news, final report).

The holder's pages sit under their dossier, two segments deep: ``mes-dossiers/<pk>/<slug>/``
is the dossier's steps (``dossiers:step``, included first).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from budgetcitoyen.followup.views import progress as views

urlpatterns: list[URLPattern | URLResolver] = [
    # The holder's.
    path("mes-dossiers/<int:pk>/suivi/actualites/", views.holder_news, name="holder_news"),
    path(
        "mes-dossiers/<int:pk>/suivi/actualites/<int:news_pk>/",
        views.holder_news_edit,
        name="holder_news_edit",
    ),
    path(
        "mes-dossiers/<int:pk>/suivi/actualites/<int:news_pk>/envoyer/",
        views.holder_news_submit,
        name="holder_news_submit",
    ),
    path(
        "mes-dossiers/<int:pk>/suivi/actualites/<int:news_pk>/supprimer/",
        views.holder_news_delete,
        name="holder_news_delete",
    ),
    path("mes-dossiers/<int:pk>/suivi/rapport/", views.holder_report, name="holder_report"),
    path(
        "mes-dossiers/<int:pk>/suivi/rapport/pieces/<int:attachment_pk>/retirer/",
        views.holder_report_attachment_remove,
        name="holder_report_attachment_remove",
    ),
    # Files, each for whoever may see it.
    path("laureats/actualites/<int:pk>/photo/", views.news_photo, name="news_photo"),
    path(
        "suivi/laureats/<int:pk>/rapport/pieces/<int:attachment_pk>/",
        views.report_attachment,
        name="report_attachment",
    ),
    # Staff's.
    path("gestion/suivi/actualites/", views.staff_news_queue, name="staff_news_queue"),
    path("gestion/suivi/actualites/<int:pk>/", views.staff_news, name="staff_news"),
    path(
        "gestion/suivi/actualites/<int:pk>/publier/",
        views.staff_news_publish,
        name="staff_news_publish",
    ),
    path(
        "gestion/suivi/actualites/<int:pk>/refuser/",
        views.staff_news_refuse,
        name="staff_news_refuse",
    ),
    path(
        "gestion/suivi/actualites/<int:pk>/retirer/",
        views.staff_news_unpublish,
        name="staff_news_unpublish",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/etapes/", views.staff_milestones, name="staff_milestones"
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/etapes/<int:milestone_pk>/retirer/",
        views.staff_milestone_remove,
        name="staff_milestone_remove",
    ),
    path("gestion/suivi/laureats/<int:pk>/rapport/", views.staff_report, name="staff_report"),
    path(
        "gestion/suivi/laureats/<int:pk>/rapport/accepter/",
        views.staff_report_accept,
        name="staff_report_accept",
    ),
    path(
        "gestion/suivi/laureats/<int:pk>/rapport/renvoyer/",
        views.staff_report_return,
        name="staff_report_return",
    ),
]

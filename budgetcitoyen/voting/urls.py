from django.urls import path

from budgetcitoyen.voting import views

app_name = "voting"

urlpatterns = [
    path("voter/", views.home, name="home"),
    path("voter/connexion/", views.sign_in, name="sign_in"),
    path("voter/connexion/code/", views.sign_in_code, name="sign_in_code"),
    path("voter/identite/", views.identity, name="identity"),
    path("voter/bulletin/", views.ballot, name="ballot"),
    path("voter/bulletin/confirmer/", views.cast, name="cast"),
    path("voter/recu/", views.receipt, name="receipt"),
    path("verifier-mon-vote/", views.verify, name="verify"),
    path("gestion/vote/", views.dashboard, name="dashboard"),
    path("gestion/vote/verifications/", views.reviews, name="reviews"),
    path("gestion/vote/verifications/<int:pk>/", views.review_detail, name="review"),
    path("gestion/vote/adresses-ip/", views.ip_clusters, name="ip_clusters"),
    path("saisie/bulletins/", views.paper_list, name="paper_list"),
    path("saisie/bulletins/nouveau/", views.paper_enter, name="paper_enter"),
]

"""Public URLs are French and stable: they are printed on flyers and shared for years."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from budgetcitoyen.accounts import views as account_views
from budgetcitoyen.core import views as core_views
from budgetcitoyen.editions import views as edition_views
from budgetcitoyen.privacy import views as privacy_views

urlpatterns = [
    path("", edition_views.home, name="home"),
    path("comment-ca-marche/", edition_views.how_it_works, name="how_it_works"),
    path("accessibilite/", core_views.accessibility, name="accessibility"),
    path("mentions-legales/", core_views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", core_views.privacy, name="privacy"),
    path("sante/", core_views.health, name="health"),
    path("", include("budgetcitoyen.comptoirs.urls")),
    path("", include("budgetcitoyen.dossiers.urls")),
    path("", include("budgetcitoyen.labelling.urls")),
    path("", include("budgetcitoyen.voting.urls")),
    path("", include("budgetcitoyen.results.urls")),
    path("", include("budgetcitoyen.followup.urls")),
    path("", include("budgetcitoyen.stats.urls")),
    path("", include("budgetcitoyen.opendata.urls")),
    path("api/", include("budgetcitoyen.api.urls")),
    path("compte/profil/", account_views.profile, name="profile"),
    path("compte/donnees/", privacy_views.my_data, name="my_data"),
    path("compte/donnees/telecharger/", privacy_views.my_data_download, name="my_data_download"),
    path("compte/donnees/supprimer/", privacy_views.my_account_erase, name="my_account_erase"),
    # allauth's confirmation page, keeping the destination across browsers (before its URLs).
    path(
        "compte/confirm-email/<str:key>/",
        account_views.confirm_email,
        name="account_confirm_email",
    ),
    path("compte/", include("allauth.urls")),
    # The language switcher is in every page's header. With a CSRF token in it, every page
    # would set a CSRF cookie and differ per reader, and none could be served from the page
    # cache; all a forged request can do here is choose a reader's language (a cookie).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "budgetcitoyen.core.views.bad_request"
handler403 = "budgetcitoyen.core.views.permission_denied"
handler404 = "budgetcitoyen.core.views.page_not_found"
handler500 = "budgetcitoyen.core.views.server_error"

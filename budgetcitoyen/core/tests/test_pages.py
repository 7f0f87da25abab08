"""Every public page: served to each role, in French, accessible, with custom error pages."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from budgetcitoyen.demo.editions import ensure_demo_edition
from budgetcitoyen.testing.a11y import accessibility_problems, assert_accessible
from budgetcitoyen.testing.cast import PERSONAS, client_for
from budgetcitoyen.testing.factories import ComptoirFactory, EditionFactory, paris

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    ("home", "/"),
    ("how_it_works", "/comment-ca-marche/"),
    ("accessibility", "/accessibilite/"),
    ("legal_notice", "/mentions-legales/"),
    ("privacy", "/donnees-personnelles/"),
]


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_public_urls_are_french_and_stable(name, path):
    assert reverse(name) == path


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_every_role_sees_every_public_page(persona, name, path):
    ensure_demo_edition()
    response = client_for(persona).get(path)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert_accessible(response.content)


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_pages_are_accessible_without_an_edition(name, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert_accessible(response.content)


def test_the_admin_link_shows_for_staff_only():
    ensure_demo_edition()
    assert "/admin/" not in client_for("resident").get("/").content.decode()
    assert "/admin/" in client_for("staff").get("/").content.decode()


class TestHome:
    def test_it_shows_the_calendar_with_todays_step(self, settings):
        ensure_demo_edition()
        settings.DEBUG = True
        settings.BUDGETCITOYEN_NOW = paris(2025, 9, 10, 12)
        html = Client().get("/").content.decode()
        assert "Calendrier 2025" in html
        assert "Du 1er septembre 2025 au 30 septembre 2025" in html
        assert "Du 31 janvier 2025 au 4 mars 2025" in html
        assert 'class="timeline-step timeline-current" aria-current="step"' in html
        current = html.split('aria-current="step"')[1]
        assert "Vote des habitants" in current.split("</li>")[0]
        assert "Étape en cours : Vote des habitants" in html
        assert 'href="/voter/"' in html.split("</section>")[0]  # the hero's call to action
        assert "le site est affiché comme au 10 septembre 2025" in html.lower()

    def test_it_shows_key_figures(self):
        edition = ensure_demo_edition()
        ComptoirFactory(edition=edition)
        ComptoirFactory(edition=edition, is_cancelled=True)
        html = Client().get("/").content.decode()
        assert "300\u202f000\u00a0€" in html
        assert '1</span> <span class="figure-label">comptoir à initiatives citoyennes' in html
        assert "8</span>" in html
        assert "11 ans" in html

    def test_demo_content_is_marked(self):
        ensure_demo_edition()
        assert "Site de démonstration" in Client().get("/").content.decode()

    def test_a_real_edition_is_not_marked_as_demo(self):
        EditionFactory(year=2030)
        with override_settings(BUDGETCITOYEN_NOW=None):
            html = Client().get("/").content.decode()
        assert "Site de démonstration" not in html

    def test_unpublished_editions_stay_hidden(self):
        EditionFactory(year=2031, is_published=False, title="Édition secrète")
        html = Client().get("/").content.decode()
        assert "Édition secrète" not in html
        assert "Aucune édition n'est encore annoncée" in html

    def test_home_query_count_is_bounded(self, django_assert_max_num_queries):
        edition = ensure_demo_edition()
        for _ in range(5):
            ComptoirFactory(edition=edition)
        # Rendered (not yet kept in the page cache): 6, and the next calendar date (its expiry).
        with django_assert_max_num_queries(7):
            Client().get("/")


class TestHowItWorks:
    def test_it_is_built_from_the_editions_phases_and_rules(self):
        ensure_demo_edition()
        html = Client().get("/comment-ca-marche/").content.decode()
        for label in [
            "Comptoirs à initiatives citoyennes",
            "Dépôt des dossiers",
            "Labellisation",
            "Vote des habitants",
            "Résultats",
        ]:
            assert label in html
        assert "Vous choisissez entre 1 et 3 coups de cœur" in html
        assert "âgée d'au moins 11 ans" in html
        order = [
            html.index(name)
            for name in ["Innovation sociale (", "Coopération (", "Pratiques de l&#x27;ESS ("]
        ]
        assert order == sorted(order)


class TestErrorPages:
    def test_404_is_french_and_accessible(self):
        response = Client().get("/cette-page-n-existe-pas/")
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()
        assert_accessible(response.content)

    def test_403_is_french(self, rf):
        from budgetcitoyen.core.views import permission_denied

        request = rf.get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        response = permission_denied(request)
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()

    def test_a_failed_csrf_check_is_said_in_french_with_what_to_do(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/verifier-mon-vote/", {"code": "VA85-DNJC-4X57-Q133"})
        assert response.status_code == 403
        page = response.content.decode()
        assert '<html lang="fr"' in page and "Formulaire expiré" in page
        assert "rechargez-la" in page
        assert_accessible(response.content)

    def test_500_renders_without_touching_the_database(self, rf, django_assert_num_queries):
        from budgetcitoyen.core.views import server_error

        with django_assert_num_queries(0):
            response = server_error(rf.get("/"))
        assert response.status_code == 500
        html = response.content.decode()
        assert "Erreur technique" in html
        assert not accessibility_problems(html)


def test_english_is_available():
    ensure_demo_edition()
    response = Client(headers={"accept-language": "en"}).get("/comment-ca-marche/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "How it works" in response.content.decode()


class TestAccessibilityChecker:
    """The checker itself must catch what it claims to."""

    def test_it_catches_each_problem(self):
        bad = """<html><head><title></title></head><body>
        <h1>Un</h1><h1>Deux</h1><h4>Saut</h4><a href="/x"></a><a href="#absent">ancre</a>
        <input name="nom"><button></button><img src="a.png"><p id="d"></p><p id="d"></p>
        <table><tr><td>1</td></tr></table></body></html>"""
        problems = "\n".join(accessibility_problems(bad))
        for expected in [
            "langue",
            "pas de titre",
            "2 titres h1",
            "zone principale",
            "saut de niveau",
            "lien vide",
            "cible absente",
            "champ sans étiquette",
            "bouton sans intitulé",
            "image sans alternative",
            "identifiants en double",
            "sans en-têtes",
        ]:
            assert expected in problems


def test_the_stylesheet_and_icon_are_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("budgetcitoyen/site.css")
    assert finders.find("budgetcitoyen/favicon.svg")

"""In a real browser: axe-core finds no violation on the public pages; keyboard use works."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from budgetcitoyen.testing.browser import browser, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/comment-ca-marche/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/page-inexistante/",
    "/comptoirs/",
    "/comptoirs/?tri=date",
    "/comptoirs/1/",
    "/compte/login/",
    "/compte/signup/",
    "/compte/password/reset/",
    "/projets/1/",
    "/projets/",
    "/projets/?ordre=titre&q=solidaire",
    "/voter/",
    "/voter/connexion/",
    "/verifier-mon-vote/",
    "/resultats/",
    "/resultats/2025/",
]


@pytest.fixture
def demo_site(demo_server):  # type: ignore[no-untyped-def]
    """The demo, built once per test process and copied in before each test."""
    return demo_server


SIGNED_IN_PAGES = [
    "/mes-inscriptions/",
    "/compte/profil/",
    "/organisation/comptoirs/",
    "/organisation/comptoirs/1/",
    "/gestion/dossiers/",
    "/gestion/dossiers/1/",
    "/dossiers/1/imprimer/",
    "/comite/",
    "/comite/dossiers/1/",
    "/comite/dossiers/1/decision/",
    "/comite/affectations/",
    "/comite/chiffres/",
    "/gestion/vote/",
    "/gestion/vote/verifications/",
    "/gestion/vote/verifications/1/",
    "/gestion/vote/adresses-ip/",
    "/saisie/bulletins/",
    "/saisie/bulletins/nouveau/",
]

# The demo porteur's pages, as during the 2025 deposit: dossier 1 is submitted, 6 a draft.
PORTEUR_PAGES = [
    "/mes-dossiers/",
    "/mes-dossiers/nouveau/",
    "/mes-dossiers/1/",
    "/mes-dossiers/1/recepisse/",
    "/mes-dossiers/1/retirer/",
    "/mes-dossiers/6/",
    "/mes-dossiers/6/presentation/",
    "/mes-dossiers/6/projet/",
    "/mes-dossiers/6/porteur/",
    "/mes-dossiers/6/budget/",
    "/mes-dossiers/6/categorie/",
    "/mes-dossiers/6/pieces/",
    "/mes-dossiers/6/recapitulatif/",
]


@pytest.mark.parametrize("path", PORTEUR_PAGES)
def test_axe_finds_no_violation_on_the_porteur_s_dossier_pages(demo_site, page, path, settings):  # noqa: F811
    from budgetcitoyen.core.demo import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 3, 3, 12)
    page.goto(demo_site + "/compte/login/")
    page.fill("#id_login", "porteur@demo.budgetcitoyen.fr")
    page.fill("#id_password", "demo-budget-citoyen")
    page.click("main button[type=submit]")
    page.goto(demo_site + path)
    assert page.url == demo_site + path
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_axe_finds_no_violation_on_signed_in_pages(demo_site, page, path):  # noqa: F811
    page.goto(demo_site + "/compte/login/")
    page.fill("#id_login", "mission-ess@demo.budgetcitoyen.fr")
    page.fill("#id_password", "demo-budget-citoyen")
    page.click("main button[type=submit]")
    page.goto(demo_site + path)
    assert page.url == demo_site + path  # signed in, not sent back to the login page
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violation(demo_site, page, path, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(demo_site + path)
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()


def test_the_skip_link_is_first_and_moves_focus_to_the_content(demo_site, page):  # noqa: F811
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-160px"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"


def test_the_home_page_renders_the_calendar(demo_site, page):  # noqa: F811
    response = page.goto(demo_site + "/")
    assert response is not None and response.status == 200
    # The stylesheet is served by the application itself: the navigation bar is coloured.
    nav_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.main-nav')).backgroundColor"
    )
    assert nav_colour == "rgb(11, 85, 99)"
    assert page.locator("h1").inner_text() == "Budget citoyen 2025"
    assert page.locator(".timeline-step").count() == 5


def axe_clean(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()


def test_voting_with_the_keyboard_and_the_live_counter(demo_site, page, settings):  # noqa: F811
    """The demo resident votes during the 2025 vote: every step passes axe, the counter follows."""
    from budgetcitoyen.core.demo import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 9, 15, 12)
    page.goto(demo_site + "/compte/login/")
    page.fill("#id_login", "habitante@demo.budgetcitoyen.fr")
    page.fill("#id_password", "demo-budget-citoyen")
    page.click("main button[type=submit]")
    page.goto(demo_site + "/voter/identite/")
    axe_clean(page)
    page.fill("#id_last_name", "Habitante")
    page.fill("#id_first_name", "Camille")
    page.fill("#id_birth_date", "02/03/1985")
    page.fill("#id_commune", "Arras")
    page.fill("#id_postal_code", "62000")
    page.check("#id_sworn")
    page.click("main button[type=submit]")
    assert page.url == demo_site + "/voter/bulletin/"
    axe_clean(page)
    counter = page.locator("#compteur")
    assert counter.inner_text() == "0 choix sur 3"
    boxes = page.locator("input[name=projets]")
    for index in range(3):
        boxes.nth(index).focus()
        page.keyboard.press("Space")
    assert counter.inner_text() == "3 choix sur 3"
    page.click("main button[type=submit]")
    assert "Je confirme mon vote" in page.content()
    axe_clean(page)
    page.click("text=Je confirme mon vote")
    assert page.url == demo_site + "/voter/recu/"
    axe_clean(page)
    assert len(page.locator("#code-recu").inner_text()) == 19

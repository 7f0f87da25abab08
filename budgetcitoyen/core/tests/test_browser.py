"""In a real browser: axe-core finds no violation on the public pages; keyboard use works.

These checks only read: they share one live server over one copy of the demo per module
(``shared_demo_server``), and each persona has one tab for the module, signed in once. The
vote, which writes, is in ``test_browser_vote.py`` with a copy of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from budgetcitoyen.demo.accounts import DEMO_PASSWORD
from budgetcitoyen.testing.browser import assert_axe_clean, new_context, record_csp_violations

# Not transactional: the copy is committed once for the module (pytest-django would flush the
# database after each transactional test).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

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
    "/resultats/2024/",
    "/editions/",
    "/laureats/",
    "/statistiques/2025/",
    "/statistiques/2024/",
    "/donnees-ouvertes/",
    "/api/",
    "/api/v1/docs",
]


DEFAULT_VIEWPORT = {"width": 1280, "height": 720}


def tab(browser, site: str, email: str | None = None) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """One browser tab for the module, signed in as ``email`` (or anonymous): a new tab costs
    more than the page check itself. Each test navigates, so no page carries over."""
    context = new_context(browser)
    page = context.new_page()
    violations = record_csp_violations(page)
    if email:
        page.goto(site + "/compte/login/")
        page.fill("#id_login", email)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/compte/login/" not in page.url, "la connexion de démonstration a échoué"
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture(scope="module")
def visitor_tab(browser, shared_demo_server):  # type: ignore[no-untyped-def]
    yield from tab(browser, shared_demo_server)


@pytest.fixture(scope="module")
def staff_tab(browser, shared_demo_server):  # type: ignore[no-untyped-def]
    yield from tab(browser, shared_demo_server, "mission-ess@demo.budgetcitoyen.fr")


@pytest.fixture(scope="module")
def porteur_tab(browser, shared_demo_server):  # type: ignore[no-untyped-def]
    yield from tab(browser, shared_demo_server, "porteur@demo.budgetcitoyen.fr")


@pytest.fixture
def visitor(visitor_tab):  # type: ignore[no-untyped-def]
    visitor_tab.set_viewport_size(DEFAULT_VIEWPORT)
    return visitor_tab


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
    "/gestion/resultats/",
    "/gestion/resultats/importer/",
    "/gestion/suivi/",
    "/gestion/suivi/pieces/",
    "/gestion/suivi/actualites/",
]

# The demo porteur's pages, as during the 2025 deposit: dossier 3 is submitted, 12 a draft
# (test_the_porteur_s_dossiers_are_those_the_pages_name checks it against the demo).
SUBMITTED, DRAFT = 3, 12
PORTEUR_PAGES = [
    "/mes-dossiers/",
    "/mes-dossiers/nouveau/",
    f"/mes-dossiers/{SUBMITTED}/",
    f"/mes-dossiers/{SUBMITTED}/recepisse/",
    f"/mes-dossiers/{SUBMITTED}/retirer/",
    f"/mes-dossiers/{DRAFT}/",
    f"/mes-dossiers/{DRAFT}/presentation/",
    f"/mes-dossiers/{DRAFT}/projet/",
    f"/mes-dossiers/{DRAFT}/porteur/",
    f"/mes-dossiers/{DRAFT}/budget/",
    f"/mes-dossiers/{DRAFT}/categorie/",
    f"/mes-dossiers/{DRAFT}/pieces/",
    f"/mes-dossiers/{DRAFT}/recapitulatif/",
]


@pytest.mark.django_db
def test_the_porteur_s_dossiers_are_those_the_pages_name(demo):
    from budgetcitoyen.dossiers.models import Dossier

    mine = Dossier.objects.filter(holder__email="porteur@demo.budgetcitoyen.fr")
    assert mine.get(pk=SUBMITTED).submitted_at is not None
    assert mine.get(pk=DRAFT).is_draft


@pytest.mark.parametrize("path", PORTEUR_PAGES)
def test_axe_finds_no_violation_on_the_porteur_s_dossier_pages(
    shared_demo_server, porteur_tab, path, settings
):
    from budgetcitoyen.demo.editions import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 3, 3, 12)
    page = porteur_tab
    response = page.goto(shared_demo_server + path)
    assert response is not None and response.status == 200, path
    assert page.url == shared_demo_server + path
    assert_axe_clean(page)


def test_the_category_cap_is_warned_while_choosing(shared_demo_server, porteur_tab, settings):
    """The category step warns as a category is chosen, before anything is saved (dossier.js,
    which also warns on the budget step as the amount is typed). The saved amount is set on the
    way to the browser to 99 999 €, over every cap, since the demo's draft fits them all."""
    import json
    import re

    from budgetcitoyen.demo.editions import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 3, 3, 12)
    page = porteur_tab
    warning = page.locator("#alerte-plafond .message-warning")

    def over_every_cap(route):  # type: ignore[no-untyped-def]
        response = route.fetch()
        body = re.sub(
            r'(<script id="plafonds-categories" type="application/json">)(.*?)(</script>)',
            lambda m: m[1] + json.dumps({**json.loads(m[2]), "amount": "99999.00"}) + m[3],
            response.text(),
        )
        route.fulfill(response=response, body=body)

    url = f"{shared_demo_server}/mes-dossiers/{DRAFT}/categorie/"
    page.route(url, over_every_cap)
    try:
        page.goto(url)
        assert warning.count() == 0
        page.locator('input[name="wished_category"]').first.check()
        text = warning.inner_text().replace("\u202f", " ").replace("\xa0", " ")
        assert "Le montant demandé (99 999,00 €) dépasse le plafond de la catégorie « " in text
        assert (
            page.locator('input[name="wished_category"]')
            .first.get_attribute("aria-describedby")
            .split()[-1]
            == "alerte-plafond"
        )
    finally:
        page.unroute(url)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_axe_finds_no_violation_on_signed_in_pages(shared_demo_server, staff_tab, path):
    page = staff_tab
    response = page.goto(shared_demo_server + path)
    assert response is not None and response.status == 200, path
    assert page.url == shared_demo_server + path  # signed in, not sent back to the login page
    assert_axe_clean(page)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violation(shared_demo_server, visitor, path, width):
    page = visitor
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(shared_demo_server + path)
    expected = 404 if path == "/page-inexistante/" else 200  # the error page is checked too
    assert response is not None and response.status == expected, path
    assert_axe_clean(page)


def test_the_skip_link_is_first_and_moves_focus_to_the_content(shared_demo_server, visitor):
    page = visitor
    page.goto(shared_demo_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-160px"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"


def test_the_home_page_renders_the_calendar(shared_demo_server, visitor):
    page = visitor
    response = page.goto(shared_demo_server + "/")
    assert response is not None and response.status == 200
    # The stylesheet is served by the application itself: the navigation bar is coloured.
    nav_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.main-nav')).backgroundColor"
    )
    assert nav_colour == "rgb(11, 85, 99)"
    # After the 2025 results, the home page shows the next edition the demo announced.
    from budgetcitoyen.core import clock
    from budgetcitoyen.demo.editions import next_year

    assert page.locator("h1").inner_text() == f"Budget citoyen {next_year(clock.now())}"
    assert page.locator(".timeline-step").count() == 5


# The admin's own pages under the site's policy: its scripts are files, its styles too.
ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/1/change/",
    "/admin/editions/edition/",
    "/admin/editions/edition/1/change/",
]


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/resultats/2025/", "/dossiers/1/imprimer/"])
def test_no_page_breaks_the_content_security_policy(shared_demo_server, staff_tab, path):
    page = staff_tab
    violations = record_csp_violations(page)
    response = page.goto(shared_demo_server + path)
    assert response is not None and response.status == 200
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    page.wait_for_load_state("load")
    assert not violations, violations

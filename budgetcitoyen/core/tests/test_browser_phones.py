"""Phones first, in a real browser: no page is wider than a 320 or 375 px screen, and the
menu opens on a phone with JavaScript turned off.

Read-only, like ``test_browser.py``: one live server over one copy of the demo for the
module, one tab per persona, each page measured at both widths in the same tab.
"""

from __future__ import annotations

import pytest

from budgetcitoyen.core.tests.test_browser import PAGES, PORTEUR_PAGES, SIGNED_IN_PAGES, tab
from budgetcitoyen.demo.accounts import DEMO_PASSWORD
from budgetcitoyen.testing.browser import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE_WIDTHS = (320, 375)
RESIDENT_PAGES = [
    "/mes-inscriptions/",
    "/mes-dossiers/",
    "/compte/profil/",
    "/compte/donnees/",
    "/voter/identite/",
    "/verifier-mon-vote/",
]


def too_wide(page, site: str, paths: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Each page of ``paths`` wider than the screen, at each phone width."""
    wide = []
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(site + path)
            expected = 404 if path == "/page-inexistante/" else 200
            if response is None or response.status != expected:  # a missing page proves nothing
                wide.append(f"{path} : réponse {response.status if response else None}")
                continue
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                wide.append(f"{path} : {scroll} px pour un écran de {inner} px")
    return wide


@pytest.fixture(scope="module")
def staff_phone(browser, shared_demo_server):  # type: ignore[no-untyped-def]
    yield from tab(browser, shared_demo_server, "mission-ess@demo.budgetcitoyen.fr")


@pytest.fixture(scope="module")
def visitor_phone(browser, shared_demo_server):  # type: ignore[no-untyped-def]
    yield from tab(browser, shared_demo_server)


def test_no_public_page_is_wider_than_a_phone(shared_demo_server, visitor_phone):
    assert too_wide(visitor_phone, shared_demo_server, PAGES) == []


def test_no_staff_page_is_wider_than_a_phone(shared_demo_server, staff_phone):
    assert too_wide(staff_phone, shared_demo_server, [*SIGNED_IN_PAGES, "/admin/"]) == []


def test_no_page_of_a_resident_or_a_holder_is_wider_than_a_phone(
    browser, shared_demo_server, settings
):  # type: ignore[no-untyped-def]
    from budgetcitoyen.demo.editions import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 3, 3, 12)  # the deposit: drafts can be edited
    wide = []
    for email, paths in (
        ("porteur@demo.budgetcitoyen.fr", PORTEUR_PAGES),
        ("habitante@demo.budgetcitoyen.fr", RESIDENT_PAGES),
    ):
        for page in tab(browser, shared_demo_server, email):
            wide += too_wide(page, shared_demo_server, paths)
    assert wide == []


def _signed_in_without_javascript(browser, site: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/compte/login/")
    page.fill("#id_login", "admin@demo.budgetcitoyen.fr")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/compte/login/" not in page.url
    return context, page


def test_the_menu_button_opens_the_menu_without_javascript(browser, shared_demo_server):
    context, page = _signed_in_without_javascript(browser, shared_demo_server)
    try:
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(shared_demo_server + "/")
        button = page.locator(".menu-phone > summary")
        results = page.locator(".menu-phone a", has_text="Résultats")
        assert button.is_visible() and button.inner_text().strip() == "Menu"
        assert not page.locator(".menu-wide").is_visible()
        assert not results.is_visible()
        assert button.get_attribute("aria-expanded") is None  # the browser's own <details>
        button.click()
        assert results.is_visible()
        assert page.locator(".menu-phone a", has_text="Suivi du vote").is_visible()
        # Keyboard too: the button is focusable and closes the menu with Enter.
        button.focus()
        page.keyboard.press("Enter")
        assert not results.is_visible()
    finally:
        context.close()


def test_the_staff_menu_is_one_row_at_1280_px_with_its_links_grouped(browser, shared_demo_server):
    context, page = _signed_in_without_javascript(browser, shared_demo_server)
    try:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(shared_demo_server + "/")
        assert not page.locator(".menu-button").is_visible()
        bar = page.locator(".menu-wide > .nav-list")
        first = page.locator(".menu-wide > .nav-list > li").first
        assert bar.bounding_box()["height"] <= first.bounding_box()["height"] + 1
        staff_link = page.locator(".menu-wide a", has_text="Suivi du vote")
        assert not staff_link.is_visible()
        page.locator(".menu-wide summary", has_text="Gestion").click()
        assert staff_link.is_visible()
    finally:
        context.close()


def test_the_error_summary_links_to_its_field_sized_for_touch(browser, shared_demo_server):
    context = new_context(browser)
    page = context.new_page()
    try:
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(shared_demo_server + "/verifier-mon-vote/")
        page.click("main button[type=submit]")
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        # forms.js moved the focus to it, so that it is read and seen first.
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        summary.locator("a").first.click()
        assert page.evaluate("document.activeElement.id") == "id_code"
        height = page.locator("#id_code").bounding_box()["height"]
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('#id_code')).fontSize)"
        )
        assert height >= 44 and size >= 16
    finally:
        context.close()

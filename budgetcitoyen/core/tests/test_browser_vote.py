"""In a real browser, the demo resident votes with the keyboard; every step passes axe-core.

Casting a ballot writes: the test gets its own committed copy of the demo (``demo_server``).
"""

from __future__ import annotations

import pytest

from budgetcitoyen.demo.accounts import DEMO_PASSWORD
from budgetcitoyen.testing.browser import assert_axe_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_voting_with_the_keyboard_and_the_live_counter(demo_server, page, settings):
    """The demo resident votes during the 2025 vote: every step passes axe, the counter follows."""
    from budgetcitoyen.demo.editions import paris

    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 9, 15, 12)
    demo_site = demo_server
    page.goto(demo_site + "/compte/login/")
    page.fill("#id_login", "habitante@demo.budgetcitoyen.fr")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(demo_site + "/voter/identite/")
    assert_axe_clean(page)
    page.fill("#id_last_name", "Habitante")
    page.fill("#id_first_name", "Camille")
    page.fill("#id_birth_date", "02/03/1985")
    page.fill("#id_commune", "Arras")
    page.fill("#id_postal_code", "62000")
    page.check("#id_sworn")
    page.click("main button[type=submit]")
    assert page.url == demo_site + "/voter/bulletin/"
    assert_axe_clean(page)
    counter = page.locator("#compteur")
    assert counter.inner_text() == "0 choix sur 3"
    boxes = page.locator("input[name=projets]")
    for index in range(3):
        boxes.nth(index).focus()
        page.keyboard.press("Space")
    assert counter.inner_text() == "3 choix sur 3"
    # A fourth choice is flagged at once, in words and colour, and said assertively.
    boxes.nth(3).focus()
    page.keyboard.press("Space")
    assert counter.inner_text() == "4 choix sur 3 : 1 de trop, retirez-en un."
    assert "ballot-counter-over" in (counter.get_attribute("class") or "")
    assert counter.get_attribute("aria-live") == "assertive"
    assert_axe_clean(page)
    page.keyboard.press("Space")
    assert counter.inner_text() == "3 choix sur 3"
    assert "ballot-counter-over" not in (counter.get_attribute("class") or "")
    documents: list[str] = []
    page.on(
        "request",
        lambda request: (
            documents.append(f"{request.method} {request.url}")
            if request.resource_type == "document"
            else None
        ),
    )
    page.click("text=Vérifier mes choix")
    # The summary shows on the ballot page itself, no request sent; the choices are inert and
    # the steps say "Confirmation".
    summary = page.locator("#recapitulatif")
    assert summary.is_visible() and page.url == demo_site + "/voter/bulletin/"
    assert documents == []
    assert summary.locator("tbody tr").count() == 3
    assert page.evaluate("document.activeElement.id") == "recapitulatif"
    assert page.locator("#choix-bulletin").get_attribute("inert") is not None
    assert not page.locator("#verifier-bulletin").is_visible()
    assert page.locator('.progress [aria-current="step"]').inner_text() == "4. Confirmation"
    assert_axe_clean(page)
    # "Modifier mes choix" gives the choices back as they were.
    page.click("text=Modifier mes choix")
    assert not summary.is_visible() and page.locator("input[name=projets]:checked").count() == 3
    assert page.locator("#choix-bulletin").get_attribute("inert") is None
    page.click("text=Vérifier mes choix")
    page.click("text=Je confirme mon vote")
    # With the script, a ballot is two requests: the ballot page and the confirmation.
    assert documents == [f"POST {demo_site}/voter/bulletin/confirmer/"]
    # The confirmation answers with the receipt itself (no redirect: one request less).
    assert page.url == demo_site + "/voter/bulletin/confirmer/"
    assert "Merci, votre vote est enregistré" in page.content()
    assert_axe_clean(page)
    assert len(page.locator("#code-recu").inner_text()) == 19
    # A reload sends the confirmation again: the receipt, without its code, nothing recorded.
    page.reload()
    assert "Vous avez déjà voté" in page.content() and page.locator("#code-recu").count() == 0

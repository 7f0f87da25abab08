"""Playwright driving Debian's Chromium (/usr/bin/chromium), never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("BUDGETCITOYEN_CHROMIUM", "/usr/bin/chromium"))
# Flags that keep Chromium from reaching for the network at start-up (closed network here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    # Playwright's sync API runs an event loop in this thread; Django's ORM (live_server
    # fixtures, factories) would otherwise refuse to run "from an async context".
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def new_context(browser):  # type: ignore[no-untyped-def]
    """A fresh browser profile as a visitor in France would have it."""
    return browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")


def record_csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every Content-Security-Policy violation the page reports from now on (Chromium writes
    each one to the console as an error naming the policy)."""
    violations: list[str] = []

    def seen(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    return violations


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh tab; the test fails if any page it opened broke the Content-Security-Policy."""
    context = new_context(browser)
    page = context.new_page()
    violations = record_csp_violations(page)
    yield page
    context.close()
    assert not violations, violations


AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def assert_axe_clean(page) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds no violation of WCAG 2.1 A/AA or its best practices on the page."""
    from axe_playwright_python.sync_playwright import Axe

    # Details of violations only: the passes' details cost about half of each run.
    results = Axe().run(page, options={"runOnly": AXE_RULES, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()

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


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    yield page
    context.close()

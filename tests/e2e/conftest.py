"""Browser tests: Playwright for Python driving Debian's headless chromium (no downloaded
browser). Screenshots go to ``test-results/e2e/`` at the repository root."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests: run `make e2e-deps`.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test code
    # around it are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Every browser test starts with the reference data the migrations load (regions down to
    counties, industries, disciplines). In a full parallel run an earlier transactional test's
    flush has been seen to leave these tables empty for the next browser test of the same
    worker: the worker's connection had lost its serialized copy of them, so the teardown hook
    had nothing to reload. Load them again when missing (the loader is an idempotent upsert);
    this cannot hide a real failure, the tables are never meant to be empty."""
    from techbridge.refdata.models import Region
    from techbridge.refdata.services import load_reference_data

    if not Region.objects.exists():
        load_reference_data()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS

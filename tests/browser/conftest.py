"""Real servers and a real browser (Debian's Chromium driven by Playwright)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.integration.servers import ROOT, Servers

SHOTS = Path(__file__).parent / "screenshots"
DOCS = ROOT / "docs"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium not found: run scripts/setup_browser.sh (make browser does) or set CHROMIUM")
    return path


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not (ROOT / "widget" / "dist" / "b12-widget.js").is_file():
        pytest.fail("widget/dist/b12-widget.js is missing: run make setup (needs npm)")
    s = Servers(tmp_path_factory.mktemp("browser-servers"))
    s.start_actions()
    s.start_rasa()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 860})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page, name: str, docs: bool = False, locator=None) -> None:
    """Save a screenshot for the test run; with docs=True also refresh docs/ (README) when UPDATE_SCREENSHOTS=1."""
    SHOTS.mkdir(exist_ok=True)
    target = locator or page
    target.screenshot(path=str(SHOTS / f"{name}.png"))
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        target.screenshot(path=str(DOCS / f"{name}.png"))

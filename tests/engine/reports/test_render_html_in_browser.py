"""The HTML report opened in a real browser (Debian's chromium, driven by Playwright) asks for nothing."""

import shutil
from pathlib import Path

import pytest

from careboard.engine.reports import render_html
from careboard.engine.reports.monthly import assemble

from .conftest import INDICATORS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# axe-core as installed for the web app's browser tests (npm ci in tests/web/browser)
AXE = Path(__file__).parents[2] / "web" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def test_the_html_report_makes_no_request_when_opened(browser, figures, request_for, tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(render_html.render(assemble(INDICATORS, figures, request_for("public"))))
    context = browser.new_context()
    requested = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("networkidle")
    assert requested == [path.as_uri()]
    # and it shows what it should: the charts drawn, the key, the withheld figure
    assert page.locator("svg").count() == len(INDICATORS)
    assert page.get_by_text("[c] = withheld").is_visible()
    context.close()


def test_the_html_report_has_no_serious_accessibility_failure(browser, figures, request_for, tmp_path):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci in tests/web/browser)")
    path = tmp_path / "report.html"
    path.write_bytes(render_html.render(assemble(INDICATORS, figures, request_for("board"))))
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri())
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    context.close()
    serious = [(v["id"], v["help"]) for v in found if v.get("impact") in ("serious", "critical")]
    assert serious == []

"""The HTML report opened in a real browser (Debian's chromium, driven by Playwright) asks for nothing."""

from careboard.engine.reports import render_html
from careboard.engine.reports.monthly import assemble
from tests.conftest import axe_violations

from .conftest import INDICATORS

# ``browser``: the session's one chromium, from tests/conftest.py (shared with the web's tests).


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
    path = tmp_path / "report.html"
    path.write_bytes(render_html.render(assemble(INDICATORS, figures, request_for("board"))))
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri())
    serious = [(v["id"], v["help"]) for v in axe_violations(page)]
    context.close()
    assert serious == []

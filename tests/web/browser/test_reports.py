"""The report downloaded from the Reports page, then opened in the browser, asks for nothing."""

from __future__ import annotations

import pytest

from careboard.web.audit.models import AuditEvent
from tests.web.browser.conftest import load_council, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(transactional_db):
    load_council()


def test_the_downloaded_html_report_makes_no_request_when_opened(
    browser, page, live_server, council, tmp_path
):
    sign_in(page, live_server.url, "elected_member")
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Web page (.html)").check()
    page.get_by_label("The public: small numbers withheld").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename.endswith("-public.html")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert AuditEvent.objects.filter(action="download_report", username="elected_member").count() == 1

    context = browser.new_context()  # a fresh one: no live server, no session
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()))
    opened = context.new_page()
    opened.goto(path.as_uri())
    opened.wait_for_load_state("networkidle")
    assert requested == [path.as_uri()]
    assert "Children visited in the last 30 days" in opened.content()
    context.close()

"""An administrator creates a user in the browser, signs out, and the new user signs in with the
password shown once; the users pages pass an axe-core scan."""

from __future__ import annotations

import pytest

from careboard.web.accounts.models import User
from careboard.web.audit.models import AuditEvent
from tests.conftest import axe_violations
from tests.web.browser.conftest import load_council, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(transactional_db):
    load_council()


def test_an_administrator_creates_a_team_manager_who_then_signs_in(page, live_server, council):
    sign_in(page, live_server.url, "administrator")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Create a user").click()
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Role").select_option("team_manager")
    page.get_by_role("button", name="Create user").click()
    # no team given: refused with an error summary linking to the field
    summary = page.get_by_role("alert")
    assert "Enter the team id(s) a team manager works in" in summary.inner_text()
    page.get_by_label("Team ids, comma separated").fill("T1")
    page.get_by_role("button", name="Create user").click()
    assert page.get_by_role("heading", level=1).inner_text() == "kim created"
    assert axe_violations(page) == []
    password = page.locator("#initial-password").inner_text()
    page.get_by_role("link", name="Back to users").click()
    assert password not in page.content()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="kim", exact=True))
    assert "Team manager" in row.inner_text() and "T1" in row.inner_text() and "Active" in row.inner_text()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Scorecard")
    assert page.get_by_role("link", name="Users").count() == 0
    assert AuditEvent.objects.filter(action="create_user", subject="user:kim").count() == 1


@pytest.mark.parametrize("path", ["/users/", "/users/new/", "USER"])
def test_the_users_pages_have_no_serious_accessibility_violations(page, live_server, council, path):
    if path == "USER":
        path = f"/users/{User.objects.get(username='iro').pk}/"
    sign_in(page, live_server.url, "administrator")
    page.goto(f"{live_server.url}{path}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]

"""The main journeys in a real browser, and an axe-core scan of each main page."""

from __future__ import annotations

import polars as pl
import pytest

from tests.conftest import axe_violations
from tests.web import factories
from tests.web.browser.conftest import load_council, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(transactional_db):
    tables = factories.tables()
    # W1's child C1 was last visited on 20 January: overdue by 15 March
    tables["ssd_cin_visits"] = tables["ssd_cin_visits"].filter(pl.col("cinv_cin_visit_id") == "V1")
    load_council(tables)


def test_a_board_member_reads_the_scorecard(page, live_server, council):
    sign_in(page, live_server.url, "board_member")
    page.get_by_role("link", name="Scorecard").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Scorecard")
    row = page.get_by_role("row").filter(has_text="Children visited in the last 30 days")
    assert "Red" in row.inner_text()
    page.get_by_label("Month", exact=True).select_option("2026-02-28")
    page.get_by_role("button", name="Show").click()
    assert "February 2026" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Children behind this number").count() == 0


def test_a_team_manager_follows_a_red_indicator_to_their_teams_children(page, live_server, council):
    sign_in(page, live_server.url, "team_manager")
    page.goto(f"{live_server.url}/scorecard/?team=T1")
    page.get_by_role("link", name="Children visited in the last 30 days").click()
    page.get_by_role("link", name="Children behind this number").click()
    table = page.get_by_role("table")
    assert "Alex One" in table.inner_text()
    assert "Blake Two" not in table.inner_text()
    page.get_by_role("link", name="Alex One").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alex One"


def test_a_social_worker_works_through_an_overdue_item(page, live_server, council):
    sign_in(page, live_server.url, "social_worker")
    assert page.get_by_role("heading", level=1).inner_text() == "My worklist"
    item = page.get_by_role("row").filter(has_text="Alex One")
    assert "days overdue" in item.inner_text()
    page.get_by_label("Sort by", exact=True).select_option("due")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Alex One").click()
    assert "Child in need visit" in page.locator(".app-chronology").inner_text()
    assert "Children visited in the last 30 days" in page.get_by_role("table").first.inner_text()


MAIN_PAGES = [
    ("performance_lead", "/scorecard/"),
    ("performance_lead", "/indicators/TV01/"),
    ("performance_lead", "/indicators/TV01/children/"),
    ("team_manager", "/worklists/team/T1/"),
    ("social_worker", "/worklists/mine/"),
    ("social_worker", "/children/C1/"),
    ("social_worker", "/children/?q=Alex"),
    ("performance_lead", "/data/"),
    ("performance_lead", "/data/upload/"),
    ("performance_lead", "/targets/"),
    ("performance_lead", "/targets/TV01/"),
    ("administrator", "/audit/"),
    ("board_member", "/reports/"),
    (None, "/login/"),
]


@pytest.mark.parametrize(("role", "path"), MAIN_PAGES)
def test_main_pages_have_no_serious_accessibility_violations(page, live_server, council, role, path):
    if role:
        sign_in(page, live_server.url, role)
    page.goto(f"{live_server.url}{path}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]

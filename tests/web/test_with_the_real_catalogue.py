"""Every page, for the roles that may open it, on a small generated council with the real catalogue.

The other web tests use a two-indicator catalogue so their figures can be worked out by hand;
this one checks that the pages work with every indicator the engine defines, on realistic data.
"""

from __future__ import annotations

from datetime import date

import pytest

from careboard.engine.generate.council import generate_council
from careboard.engine.indicators.catalogue import catalogue
from careboard.web.data import closing, loads, values
from careboard.web.worklists.items import items_for
from tests.web.conftest import client_for

pytestmark = pytest.mark.slow


@pytest.fixture
def council(db, monkeypatch):
    monkeypatch.setattr(values, "indicators", catalogue)
    tables = generate_council(
        seed=7, population=2000, start=date(2025, 4, 1), end=date(2026, 3, 31), journey="improving"
    )
    load = loads.store_load(tables, [], files=["generated"], by_name="test")
    closing.close_month(date(2026, 2, 28), "test")
    return load


def test_every_page_renders_with_every_indicator(users, council):
    lead = client_for(users["performance_lead"])
    assert lead.get("/scorecard/").status_code == 200
    assert lead.get(f"/scorecard/?month={council.as_at}").status_code == 200
    for ind in catalogue().values():
        assert lead.get(f"/indicators/{ind.id}/").status_code == 200, ind.id
        if ind.child_level:
            assert lead.get(f"/indicators/{ind.id}/children/").status_code == 200, ind.id
    assert client_for(users["elected_member"]).get("/scorecard/").status_code == 200
    data = loads.dataset_for(council)
    team = data["ssd_department"]["dept_team_id"][0]
    assert lead.get(f"/worklists/team/{team}/").status_code == 200
    items = items_for(council, data)
    assert items.height > 0
    child = items.sort("days_overdue", descending=True, nulls_last=True)["person_id"][0]
    html = lead.get(f"/children/{child}/").content.decode()
    assert "Chronology" in html
    assert lead.get("/data/months/2026-02-28/").status_code == 200

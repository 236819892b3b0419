"""Warming a server process before it takes requests, so no reader waits for the first page.

Reads the current load into memory, computes the worklist items, renders the scorecard of the
month a reader sees first for the whole council and for each team, and reads each indicator's
stored trend and team breakdown for that month. Everything is cached in this process only; without
it the first readers after a start queue behind a few slow first pages in every process.
"""

from __future__ import annotations

from django.test import RequestFactory

from careboard.engine.calendar import month_ends
from careboard.web.data import values as stored
from careboard.web.data.loads import NoData, current_dataset
from careboard.web.pages import chosen_month, month_choices, team_names
from careboard.web.scorecard.build import tables_html
from careboard.web.scorecard.views import TREND_MONTHS
from careboard.web.worklists.items import items_for


def warm() -> list[str]:
    """Warm this process; returns what was done, for the command to print."""
    try:
        load, data = current_dataset()
    except NoData:
        return ["no data loaded yet"]
    done = [f"load {load.pk} read"]
    items = items_for(load, data)
    done.append(f"{items.height:,} worklist items")
    month = chosen_month(RequestFactory().get("/"), month_choices(load))
    if month is not None:
        for suppress in (False, True):
            tables_html(load, data, month, None, suppress)
        teams = sorted(team_names(data))
        for team in teams:
            tables_html(load, data, month, team, False)
        done.append(f"scorecard for {month:%B %Y} (council and {len(teams)} teams)")
        trend = month_ends(month, TREND_MONTHS)
        for ind_id in stored.indicators():
            stored.values_over(load, data, trend, "council", only=ind_id)
            stored.values_over(load, data, [month], "team", only=ind_id)
        done.append("indicator trends and team breakdowns")
    return done

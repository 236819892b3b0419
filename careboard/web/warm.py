"""Warming a server process before it takes requests, so no reader waits for the first page.

Reads the current load into memory, computes the worklist items and renders the whole-council
scorecard of the month a reader sees first. Everything is cached in this process only.
"""

from __future__ import annotations

from django.test import RequestFactory

from careboard.web.data.loads import NoData, current_dataset
from careboard.web.pages import chosen_month, month_choices
from careboard.web.scorecard.build import tables_html
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
        done.append(f"scorecard for {month:%B %Y}")
    return done

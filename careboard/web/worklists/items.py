"""Worklist items: every open item (due, not done) behind the child-level indicators.

A worklist is the children behind the numbers, so it is built from the same indicator rows: each
row that counts in an indicator's denominator, has a due date, is not yet done and is not met, is
an item on the allocated worker's and team's list. Computed once per load (as at the data's date)
and kept in memory; each page then filters it to a team or a caseload.
"""

from __future__ import annotations

import threading
from datetime import date

import polars as pl

from careboard.engine.indicators.core import Period, children
from careboard.engine.store import Dataset
from careboard.web.data import values as stored
from careboard.web.data.models import DataLoad

ITEM_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "kind": pl.String,
        "person_id": pl.String,
        "item_id": pl.String,
        "team_id": pl.String,
        "worker_id": pl.String,
        "due_date": pl.Date,
        "days_overdue": pl.Int64,
    }
)

_cache: dict[str, pl.DataFrame] = {}
_lock = threading.Lock()


def open_items(data: Dataset, as_at: date) -> pl.DataFrame:
    frames = []
    for ind in stored.indicators().values():
        if not ind.child_level:
            continue
        rows = children(ind, data, Period.ending(ind.period_kind, as_at), stored.settings())
        open_rows = rows.filter(
            pl.col("in_denominator")
            & ~pl.col("in_numerator")
            & pl.col("due_date").is_not_null()
            & pl.col("done_date").is_null()
        )
        if open_rows.is_empty():
            continue
        frames.append(
            open_rows.select(
                indicator_id=pl.lit(ind.id),
                kind=pl.lit(ind.title),
                person_id="person_id",
                item_id="item_id",
                team_id="team_id",
                worker_id="worker_id",
                due_date="due_date",
                days_overdue="days_overdue",
            )
        )
    if not frames:
        return pl.DataFrame(schema=ITEM_SCHEMA)
    return (
        pl.concat(frames, how="vertical").cast(ITEM_SCHEMA).unique(["indicator_id", "item_id"], keep="first")
    )


def items_for(load: DataLoad, data: Dataset) -> pl.DataFrame:
    key = f"{load.pk}-{load.token}"
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    if load.as_at is None:
        return pl.DataFrame(schema=ITEM_SCHEMA)
    items = open_items(data, load.as_at)
    with _lock:
        _cache.clear()
        _cache[key] = items
    return items


def forget() -> None:
    with _lock:
        _cache.clear()

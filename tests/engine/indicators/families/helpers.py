"""Small builders for hand-made canonical tables in indicator tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl

from careboard.engine.indicators.core import Period, Settings
from careboard.engine.schema import table
from careboard.engine.store import Dataset


def frame(name: str, rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Rows of table ``name`` given as dicts of some of its fields; the rest null."""
    rows = list(rows)
    schema = table(name).schema
    columns = {c: [r.get(c) for r in rows] for c in schema if any(c in r for r in rows)}
    return table(name).conform(pl.DataFrame(columns, schema={c: schema[c] for c in columns}))


def dataset(**tables: Iterable[dict[str, Any]]) -> Dataset:
    return Dataset({name: frame(name, rows) for name, rows in tables.items()})


def run(fn, data: Dataset, kind: str, end: date, settings: Settings | None = None) -> pl.DataFrame:
    return fn(data, Period.ending(kind, end), settings or Settings())  # type: ignore[arg-type]


def by_item(rows: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["item_id"]: r for r in rows.iter_rows(named=True)}

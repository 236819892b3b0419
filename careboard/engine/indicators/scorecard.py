"""The scorecard: every indicator's latest value with targets, RAG, trend and England comparator."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import polars as pl

from careboard.engine.calendar import month_ends
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.comparators import comparator_values, load_comparators
from careboard.engine.indicators.core import By, Indicator, Settings, series
from careboard.engine.indicators.targets import Target, direction, rag, targets_in_force
from careboard.engine.store import Dataset

SERIES_POINTS = 12

SCORECARD_SCHEMA = pl.Schema(
    {
        "id": pl.String(),
        "title": pl.String(),
        "area": pl.String(),
        "unit": pl.String(),
        "polarity": pl.String(),
        "group": pl.String(),
        "period_end": pl.Date(),
        "value": pl.Float64(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
        "lower": pl.Float64(),
        "upper": pl.Float64(),
        "rag": pl.String(),
        "previous_value": pl.Float64(),
        "direction": pl.String(),
        "england": pl.Float64(),
        "series": pl.List(pl.Float64()),
    }
)


def scorecard(
    data: Dataset,
    as_at: date,
    settings: Settings | None = None,
    targets: Iterable[Target] = (),
    by: By | None = None,
    months: int = 13,
    indicators: Mapping[str, Indicator] | None = None,
    comparators: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per indicator (and team or worker with ``by``) at ``as_at``.

    ``value`` is the latest month's, ``previous_value`` the month before's, ``series`` the last 12
    monthly values (oldest first, fewer when ``months`` < 12); targets are those in force on
    ``as_at``; ``england`` the England comparator where one exists.
    """
    settings = settings or Settings()
    indicators = indicators if indicators is not None else catalogue()
    england = comparator_values(comparators if comparators is not None else load_comparators())
    target_list = list(targets)
    ends = month_ends(as_at, max(months, 2))
    rows: list[dict[str, Any]] = []
    for ind in indicators.values():
        values = series(ind, data, as_at, len(ends), settings, by)
        lower, upper = targets_in_force(target_list, ind, as_at)
        for group, points in _by_group(values, ends).items():
            rows.append(_card_row(ind, group, points, ends, lower, upper, england.get(ind.id)))
    return pl.DataFrame(rows, schema=SCORECARD_SCHEMA)


def _by_group(values: pl.DataFrame, ends: list[date]) -> dict[str | None, dict[date, dict[str, Any]]]:
    """group -> period_end -> the computed row; a group absent in a month has no entry for it."""
    out: dict[str | None, dict[date, dict[str, Any]]] = {}
    for row in values.iter_rows(named=True):
        out.setdefault(row["group"], {})[row["period_end"]] = row
    if not out:
        out[None] = {}
    return out


def _card_row(
    ind: Indicator,
    group: str | None,
    points: dict[date, dict[str, Any]],
    ends: list[date],
    lower: float | None,
    upper: float | None,
    england: float | None,
) -> dict[str, Any]:
    latest = points.get(ends[-1], {})
    previous = points.get(ends[-2], {})
    value, prev = latest.get("value"), previous.get("value")
    return {
        "id": ind.id,
        "title": ind.title,
        "area": ind.area,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "group": group,
        "period_end": ends[-1],
        "value": value,
        "numerator": latest.get("numerator"),
        "denominator": latest.get("denominator"),
        "lower": lower,
        "upper": upper,
        "rag": rag(value, lower, upper, ind.polarity),
        "previous_value": prev,
        "direction": direction(prev, value, ind.polarity, lower, upper),
        "england": england,
        "series": [points.get(end, {}).get("value") for end in ends[-SERIES_POINTS:]],
    }

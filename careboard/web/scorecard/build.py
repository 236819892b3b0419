"""The scorecard as a page shows it: one line per indicator, grouped by area."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from careboard.engine.calendar import month_ends
from careboard.engine.indicators.core import AREAS, Indicator
from careboard.engine.indicators.targets import direction
from careboard.engine.reports.suppression import primary
from careboard.engine.store import Dataset
from careboard.web.charts import sparkline
from careboard.web.data import values as stored
from careboard.web.data.models import DataLoad, MonthClose
from careboard.web.data.values import GroupKind, Value, comparators, targets_version, values_over
from careboard.web.pages import direction_text, fmt_value, rag_tag, shown

SERIES_MONTHS = 12

# Rendered scorecard tables, shared by every user who sees the same thing (same load, month, team,
# suppression, closed months and targets): a board meeting's worth of readers costs one render.
_rendered: dict[tuple[object, ...], SafeString] = {}
_rendered_lock = threading.Lock()


@dataclass
class Line:
    ind: Indicator
    current: Value | None
    previous: Value | None
    direction: str | None
    series: list[Value | None]
    england: float | None
    text: dict[str, Any] = field(default_factory=dict)
    url: str = ""


def _by_indicator(values: list[Value]) -> dict[str, Value]:
    return {v.indicator_id: v for v in values}


def build(
    load: DataLoad, data: Dataset, month: date, team_id: str | None, suppress: bool
) -> dict[str, list[Line]]:
    kind: GroupKind = "team" if team_id else "council"
    groups = [team_id] if team_id else None
    ends = month_ends(month, SERIES_MONTHS + 1)  # oldest first; the last is ``month``
    over = values_over(load, data, ends, kind, groups)
    per_month = {d: _by_indicator(vs) for d, vs in over.items()}
    england = comparators()
    areas: dict[str, list[Line]] = {a: [] for a in AREAS}
    for ind in stored.indicators().values():
        current = per_month[ends[-1]].get(ind.id)
        previous = per_month[ends[-2]].get(ind.id) if len(ends) > 1 else None
        series = [per_month[d].get(ind.id) for d in ends[-SERIES_MONTHS:]]
        line = Line(
            ind=ind,
            current=current,
            previous=previous,
            direction=direction(
                previous.value if previous else None,
                current.value if current else None,
                ind.polarity,
                current.lower if current else None,
                current.upper if current else None,
            ),
            series=series,
            england=england.get(ind.national_ref or "", england.get(ind.id)),
        )
        line.text = _texts(line, suppress)
        line.url = f"/indicators/{ind.id}/?month={month.isoformat()}" + (
            f"&team={team_id}" if team_id else ""
        )
        areas[ind.area].append(line)
    return {a: lines for a, lines in areas.items() if lines}


def _texts(line: Line, suppress: bool) -> dict[str, Any]:
    unit = line.ind.unit
    cur, prev = line.current, line.previous
    now = shown(
        unit,
        cur.numerator if cur else None,
        cur.denominator if cur else None,
        cur.value if cur else None,
        suppress,
    )
    before = shown(
        unit,
        prev.numerator if prev else None,
        prev.denominator if prev else None,
        prev.value if prev else None,
        suppress,
    )
    points = [
        None if v is None or (suppress and primary(unit, v.numerator, v.denominator)) else v.value
        for v in line.series
    ]
    rag = (cur.rag if cur else "") if not now["suppressed"] else ""
    with_den = unit in ("percent", "days", "per_fte", "score")
    return {
        **now,
        "count": f"{now['numerator']} of {now['denominator']}" if with_den else now["numerator"],
        "rag_html": rag_tag(rag),
        "direction": direction_text(line.direction),
        "previous": before["value"],
        "lower": fmt_value(cur.lower if cur else line.ind.lower, unit),
        "upper": fmt_value(cur.upper if cur else line.ind.upper, unit),
        "rag": rag,
        "england": fmt_value(line.england, unit),
        "sparkline": sparkline(points, _trend_label(line.ind, points)),
    }


def _trend_label(ind: Indicator, points: list[float | None]) -> str:
    known = [p for p in points if p is not None]
    if len(known) < 2:
        return f"{ind.title}: not enough months for a trend"
    return (
        f"{ind.title}, last {len(points)} months: from {fmt_value(known[0], ind.unit)} "
        f"to {fmt_value(known[-1], ind.unit)}"
    )


def tables_html(
    load: DataLoad, data: Dataset, month: date, team_id: str | None, suppress: bool
) -> SafeString:
    """The scorecard's tables as HTML, rendered once per distinct content and kept in memory."""
    ends = month_ends(month, SERIES_MONTHS + 1)
    closes = tuple(
        MonthClose.objects.filter(superseded=False, period_end__in=ends)
        .order_by("id")
        .values_list("id", flat=True)
    )
    key = (f"{load.pk}-{load.token}", month, team_id, suppress, closes, targets_version())
    with _rendered_lock:
        hit = _rendered.get(key)
    if hit is not None:
        return hit
    areas = build(load, data, month, team_id, suppress)
    html = mark_safe(
        render_to_string("scorecard/_tables.html", {"areas": areas, "month": month, "team": team_id})
    )
    with _rendered_lock:
        if len(_rendered) > 512:
            _rendered.clear()
        _rendered[key] = html
    return html


def forget_rendered() -> None:
    with _rendered_lock:
        _rendered.clear()

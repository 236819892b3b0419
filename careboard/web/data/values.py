"""Indicator values for a month: stored when the month is closed, computed live when it is open.

Computing goes through the engine (``compute`` on each indicator's rows, computed once and
aggregated for the council, each team and each worker) and adds the targets in force and the RAG.
Live values are kept in process memory keyed by the load, the month and the targets' version, so
a page is computed once per load and month, not per request.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import polars as pl
from django.db.models import Count, Max

from careboard.engine.indicators.catalogue import catalogue as engine_catalogue
from careboard.engine.indicators.core import By, Indicator, Period, Settings, compute
from careboard.engine.indicators.targets import Target as EngineTarget
from careboard.engine.indicators.targets import rag, targets_in_force
from careboard.engine.store import Dataset
from careboard.web.data.models import DataLoad, MonthClose, MonthlyValue, Target

GroupKind = Literal["council", "team", "worker"]
ALL_KINDS: tuple[GroupKind, ...] = ("council", "team", "worker")
_BY: dict[GroupKind, By | None] = {"council": None, "team": "team", "worker": "worker"}


@dataclass(frozen=True)
class Value:
    indicator_id: str
    period_start: date
    period_end: date
    group_kind: GroupKind
    group_id: str  # "" for the council
    numerator: float | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    rag: str  # "red", "amber", "green" or "" when there is nothing to judge


def indicators() -> dict[str, Indicator]:
    """The catalogue the web app shows (one place, so tests can give it a small catalogue)."""
    return engine_catalogue()


def settings() -> Settings:
    return Settings()


def engine_targets() -> list[EngineTarget]:
    return [
        EngineTarget(t.indicator_id, t.from_date, t.lower, t.upper)
        for t in Target.objects.all().only("indicator_id", "from_date", "lower", "upper")
    ]


def _values_of(
    ind: Indicator,
    rows: pl.DataFrame,
    period: Period,
    kind: GroupKind,
    data: Dataset,
    lo_up: tuple[float | None, float | None],
) -> list[Value]:
    frozen = dataclasses.replace(ind, rows=lambda _d, _p, _s: rows)
    frame = compute(frozen, data, period, settings(), _BY[kind])
    lower, upper = lo_up
    out = []
    for rec in frame.iter_rows(named=True):
        if kind != "council" and rec["group"] is None:
            continue  # rows with no team/worker count for the council only
        out.append(
            Value(
                indicator_id=ind.id,
                period_start=rec["period_start"],
                period_end=rec["period_end"],
                group_kind=kind,
                group_id=rec["group"] or "",
                numerator=rec["numerator"],
                denominator=rec["denominator"],
                value=rec["value"],
                lower=lower,
                upper=upper,
                rag=rag(rec["value"], lower, upper, ind.polarity) or "",
            )
        )
    return out


def compute_values(
    data: Dataset,
    period_end: date,
    targets: Sequence[EngineTarget],
    kinds: Iterable[GroupKind] = ALL_KINDS,
    only: Iterable[str] | None = None,
) -> list[Value]:
    """Every indicator's value at ``period_end`` for each group kind in ``kinds``."""
    catalogue = indicators()
    wanted = list(only) if only is not None else list(catalogue)
    out: list[Value] = []
    for ind_id in wanted:
        ind = catalogue[ind_id]
        period = Period.ending(ind.period_kind, period_end)
        rows = ind.rows(data, period, settings())
        lo_up = targets_in_force(targets, ind, period_end)
        for kind in kinds:
            out.extend(_values_of(ind, rows, period, kind, data, lo_up))
    return out


# --- reading values for a page ---------------------------------------------------------------------


def live_close(period_end: date) -> MonthClose | None:
    return MonthClose.objects.filter(period_end=period_end, superseded=False).first()


def closed_months() -> list[date]:
    return list(
        MonthClose.objects.filter(superseded=False)
        .order_by("period_end")
        .values_list("period_end", flat=True)
    )


def _stored(close: MonthClose, kind: GroupKind, group_ids: Sequence[str] | None) -> list[Value]:
    qs = MonthlyValue.objects.filter(close=close, superseded=False, group_kind=kind)
    if group_ids is not None:
        qs = qs.filter(group_id__in=list(group_ids))
    return [
        Value(
            indicator_id=v.indicator_id,
            period_start=v.period_start,
            period_end=v.period_end,
            group_kind=kind,
            group_id=v.group_id,
            numerator=v.numerator,
            denominator=v.denominator,
            value=v.value,
            lower=v.lower,
            upper=v.upper,
            rag=v.rag,
        )
        for v in qs
    ]


_live: dict[tuple[str, date, GroupKind, tuple[int, int], str | None], list[Value]] = {}
_live_lock = threading.Lock()


def targets_version() -> tuple[int, int]:
    agg = Target.objects.aggregate(n=Count("id"), last=Max("id"))
    return int(agg["n"] or 0), int(agg["last"] or 0)


def _live_values(
    load: DataLoad,
    data: Dataset,
    period_end: date,
    kind: GroupKind,
    only: str | None = None,
    version: tuple[int, int] | None = None,
) -> list[Value]:
    """Live values of every indicator (or ``only`` one, as an indicator page needs), cached."""
    base = (f"{load.pk}-{load.token}", period_end, kind, version or targets_version())
    with _live_lock:
        hit = _live.get((*base, only))
        whole = _live.get((*base, None)) if only is not None else None
    if hit is not None:
        return hit
    if whole is not None:
        return [v for v in whole if v.indicator_id == only]
    wanted = [only] if only is not None else None
    values = compute_values(data, period_end, engine_targets(), kinds=(kind,), only=wanted)
    key = (*base, only)
    with _live_lock:
        if len(_live) > 256:  # a long-running process keeps only recent months
            _live.clear()
        _live[key] = values
    return values


def forget_live() -> None:
    with _live_lock:
        _live.clear()
    with _closed_lock:
        _closed.clear()


def month_values(
    load: DataLoad,
    data: Dataset,
    period_end: date,
    kind: GroupKind,
    group_ids: Sequence[str] | None = None,
    only: str | None = None,
) -> tuple[list[Value], bool]:
    """Values for the month ending ``period_end``: (values, closed?). Stored if closed, else live."""
    close = live_close(period_end)
    if close is not None:
        stored = _stored(close, kind, group_ids)
        return ([v for v in stored if v.indicator_id == only] if only else stored), True
    values = _live_values(load, data, period_end, kind, only)
    if group_ids is not None:
        wanted = set(group_ids)
        values = [v for v in values if v.group_id in wanted]
    return values, False


def values_over(
    load: DataLoad,
    data: Dataset,
    period_ends: Sequence[date],
    kind: GroupKind,
    group_ids: Sequence[str] | None = None,
    only: str | None = None,
) -> dict[date, list[Value]]:
    """Values for several months at once: the closed ones in one query, the open ones live.

    ``only``: one indicator's values (an indicator page), computed alone when a month is open.
    """
    closes = {
        c.period_end: c for c in MonthClose.objects.filter(superseded=False, period_end__in=list(period_ends))
    }
    out: dict[date, list[Value]] = {d: [] for d in period_ends}
    if closes:
        for close_end, stored_values in _closed_values(closes, kind, group_ids, only).items():
            out[close_end] = list(stored_values)
    open_months = [d for d in period_ends if d not in closes]
    version = targets_version() if open_months else (0, 0)
    wanted = set(group_ids) if group_ids is not None else None
    for period_end in open_months:
        live = _live_values(load, data, period_end, kind, only, version)
        out[period_end] = live if wanted is None else [v for v in live if v.group_id in wanted]
    return out


# Stored values of closed months, by the closes they belong to. A close's values never change (a
# recompute makes a new close and marks the old one superseded, so the key changes), so pages
# need not read them again. ``closed_at`` is in the key so that a recreated database whose ids
# start again cannot be served another database's values.
_closed: dict[tuple[object, ...], dict[date, list[Value]]] = {}
_closed_lock = threading.Lock()
_CLOSED_KEPT = 512


def _closed_values(
    closes: dict[date, MonthClose],
    kind: GroupKind,
    group_ids: Sequence[str] | None,
    only: str | None,
) -> dict[date, list[Value]]:
    key = (
        tuple(sorted((d, c.pk, c.closed_at) for d, c in closes.items())),
        kind,
        None if group_ids is None else tuple(group_ids),
        only,
    )
    with _closed_lock:
        hit = _closed.get(key)
    if hit is not None:
        return hit
    found: dict[date, list[Value]] = {d: [] for d in closes}
    qs = MonthlyValue.objects.filter(
        close__in=list(closes.values()), superseded=False, group_kind=kind
    ).values_list(
        "indicator_id",
        "period_start",
        "period_end",
        "group_id",
        "numerator",
        "denominator",
        "value",
        "lower",
        "upper",
        "rag",
        "close__period_end",
    )
    if group_ids is not None:
        qs = qs.filter(group_id__in=list(group_ids))
    if only is not None:
        qs = qs.filter(indicator_id=only)
    for ind_id, start, end, gid, num, den, val, lo, up, rg, close_end in qs:
        found[close_end].append(Value(ind_id, start, end, kind, gid, num, den, val, lo, up, rg))
    with _closed_lock:
        if len(_closed) >= _CLOSED_KEPT:
            _closed.clear()
        _closed[key] = found
    return found


@functools.lru_cache(maxsize=1)
def comparators() -> dict[str, float]:
    """England's latest figure per indicator, from the engine's comparator file (read once)."""
    import importlib

    module = importlib.import_module("careboard.engine.indicators.targets")
    loader = getattr(module, "load_comparators", None)
    if loader is None:
        comp_module = _optional_module("careboard.engine.indicators.comparators")
        loader = getattr(comp_module, "load_comparators", None) if comp_module else None
    if loader is None:
        return {}
    frame = loader()
    if not isinstance(frame, pl.DataFrame) or frame.is_empty():
        return {}
    england = frame.filter(pl.col("comparator") == "England").sort("year")
    return {
        str(r["indicator_id"]): float(r["value"])
        for r in england.iter_rows(named=True)
        if r["value"] is not None
    }


def _optional_module(name: str) -> object | None:
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None

"""Recurring events (visits, reviews, health checks, oversight...) for many intervals at once.

Every interval (a plan, a period of care, a worker's spell) gets a chain of events: the next one
falls due a set time after the last one actually happened, and happens on time with the quality
of the month it falls due. The loop runs over the position in the chain, never over intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from careboard.engine.generate.context import Ctx
from careboard.engine.generate.days import IntArray, add_months
from careboard.engine.generate.frames import NA

Step = tuple[str, int]  # ("wd", 10) working days, ("d", 42) days, ("m", 6) months


def _advance(ctx: Ctx, day: IntArray, step: Step) -> IntArray:
    unit, amount = step
    if unit == "wd":
        return ctx.wd.add(day, amount)
    if unit == "m":
        return add_months(day, amount)
    return day + amount


def chain(
    ctx: Ctx,
    start: IntArray,
    end: IntArray,
    steps: Sequence[Step],
    quality: str,
    early: int,
    late: int,
    overdue_rows: bool = False,
) -> tuple[IntArray, IntArray, IntArray]:
    """Events for each interval [start, end): returns (interval index, due day, actual day).

    On time, an event happens up to ``early`` days before it is due; otherwise 1..``late`` days
    after. Events stop when the interval ends or the run does. With ``overdue_rows``, an event
    due by the end of the run but not yet held on an interval still open is returned with actual
    day ``NA`` (the worklist's overdue item).
    """
    rng = ctx.rng
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    last = start.copy()
    active = np.flatnonzero(end > start)
    owners: list[IntArray] = []
    dues: list[IntArray] = []
    actuals: list[IntArray] = []
    k = 0
    while active.size:
        step = steps[min(k, len(steps) - 1)]
        due = _advance(ctx, last[active], step)
        n = len(active)
        on = ctx.chance(quality, due)
        actual = np.where(on, due - rng.integers(0, early + 1, n), due + rng.integers(1, late + 1, n))
        actual = np.maximum(actual, last[active] + 1)
        held = (actual < end[active]) & (actual <= ctx.end)
        owners.append(active[held])
        dues.append(due[held])
        actuals.append(actual[held])
        if overdue_rows:
            open_due = ~held & (due <= ctx.end) & (end[active] > ctx.end)
            owners.append(active[open_due])
            dues.append(due[open_due])
            actuals.append(np.full(int(open_due.sum()), NA))
        last[active[held]] = actual[held]
        active = active[held]
        k += 1
    if not owners:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e
    return np.concatenate(owners), np.concatenate(dues), np.concatenate(actuals)

"""Working days for England and calendar-month arithmetic, for single dates and whole tables.

A working day is Monday to Friday and not an England and Wales bank holiday (the ``holidays``
package, subdivision "ENG", which includes one-off holidays such as the 2022 state funeral).

The DfE convention counts working days *after* the start up to and including the end, so an event
on the same day as its trigger took 0 working days. Every working day in the supported range gets
an ordinal (its position in a sorted array of working days); the number of working days between
two dates is then a subtraction of two ordinals, which vectorises to a sorted search over a whole
column. "Within 6 months" rules use calendar months, clamped to the end of a short month
(31 January + 1 month = 28 or 29 February), as the statutory guidance reads.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import numpy as np
import polars as pl

# Dates outside this range raise: case records before 1990 or after 2060 are data errors here.
FIRST_YEAR = 1990
LAST_YEAR = 2060
_EPOCH = date(1970, 1, 1)


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays from FIRST_YEAR to LAST_YEAR."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return frozenset(found.keys())


@lru_cache(maxsize=1)
def _working_day_numbers() -> np.ndarray:
    """Sorted working days as days since 1970-01-01 (the physical form of a polars Date)."""
    days = np.arange(
        (date(FIRST_YEAR, 1, 1) - _EPOCH).days, (date(LAST_YEAR, 12, 31) - _EPOCH).days + 1, dtype=np.int32
    )
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3, Monday = 0)
    holiday_numbers = np.array(sorted((d - _EPOCH).days for d in bank_holidays()), dtype=np.int32)
    keep = (weekday < 5) & ~np.isin(days, holiday_numbers)
    return days[keep]


@lru_cache(maxsize=1)
def working_days_series() -> pl.Series:
    """Every working day in the supported range, ascending, as a polars Date series."""
    return pl.Series("working_day", _working_day_numbers(), dtype=pl.Int32).cast(pl.Date)


def _check(d: date) -> None:
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        raise ValueError(f"{d} is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR})")


def _ordinal(d: date, side: str = "right") -> int:
    """Working days on or before ``d`` (side right) or strictly before ``d`` (side left)."""
    _check(d)
    return int(np.searchsorted(_working_day_numbers(), (d - _EPOCH).days, side=side))  # type: ignore[call-overload]


def is_working_day(d: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    _check(d)
    return d.weekday() < 5 and d not in bank_holidays()


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when end is before start."""
    return _ordinal(end) - _ordinal(start)


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself not counted); before ``d`` when n < 0."""
    if n == 0:
        return d
    numbers = _working_day_numbers()
    position = _ordinal(d, "right") + n - 1 if n > 0 else _ordinal(d, "left") + n
    if not 0 <= position < len(numbers):
        raise ValueError(f"{d} + {n} working days is outside the working-day calendar")
    return _EPOCH + timedelta(days=int(numbers[position]))


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, clamped to the end of a shorter month."""
    month_index = d.year * 12 + d.month - 1 + n
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(d.day, _days_in_month(year, month + 1)))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def month_end(d: date) -> date:
    return date(d.year, d.month, _days_in_month(d.year, d.month))


def month_ends(as_at: date, months: int) -> list[date]:
    """The last ``months`` month ends up to ``as_at``, oldest first.

    The last is ``as_at`` itself: a scorecard run part-way through a month reports that month to
    date, never a future month end.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    ends = [month_end(add_months(as_at, -k)) for k in range(months - 1, 0, -1)]
    return [*ends, as_at]


# --- expressions for whole tables ---------------------------------------------------------------


def _ordinal_expr(d: pl.Expr, side: str = "right") -> pl.Expr:
    return pl.lit(working_days_series()).search_sorted(d.cast(pl.Date), side=side).cast(pl.Int64)  # type: ignore[arg-type]


def working_days_between_expr(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Vectorised :func:`working_days_between`; null when either date is null."""
    value = _ordinal_expr(end) - _ordinal_expr(start)
    return pl.when(start.is_not_null() & end.is_not_null()).then(value).otherwise(None)


def add_working_days_expr(start: pl.Expr, n: int) -> pl.Expr:
    """Vectorised :func:`add_working_days` with a fixed ``n``; null when ``start`` is null."""
    if n == 0:
        return start.cast(pl.Date)
    last = len(_working_day_numbers()) - 1
    position = _ordinal_expr(start, "right") + (n - 1) if n > 0 else _ordinal_expr(start, "left") + n
    value = pl.lit(working_days_series()).gather(position.clip(0, last))
    return pl.when(start.is_not_null()).then(value).otherwise(None)


def add_months_expr(start: pl.Expr, n: int) -> pl.Expr:
    """Vectorised :func:`add_months` (polars clamps to the month end the same way)."""
    return start.cast(pl.Date).dt.offset_by(f"{n}mo")

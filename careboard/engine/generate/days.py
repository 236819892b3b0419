"""Day arithmetic on numpy arrays of day numbers (days since 1970-01-01).

The generator works on integer day numbers so whole cohorts move through time in one numpy call;
working days follow the England and Wales bank holidays, as ``careboard.engine.calendar`` does.
"""

from __future__ import annotations

from datetime import date

import holidays
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    """The day number of ``d``."""
    return (d - _EPOCH).days


def to_date(n: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(n))


class WorkingDays:
    """Working days (Mon-Fri, not an English bank holiday) between two years, vectorised."""

    def __init__(self, first_year: int, last_year: int) -> None:
        hols = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
        self.holidays = np.array(sorted(hols.keys()), dtype="datetime64[D]")
        self.calendar = np.busdaycalendar(holidays=self.holidays)

    def add(self, days: IntArray, n: IntArray | int) -> IntArray:
        """``n`` working days after each day (the day itself not counted)."""
        d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
        out = np.busday_offset(d, n, roll="backward", busdaycal=self.calendar)
        return out.astype(np.int64)

    def between(self, start: IntArray, end: IntArray) -> IntArray:
        """Working days after ``start`` up to and including ``end`` (same day = 0)."""
        s = (np.asarray(start, dtype=np.int64) + 1).astype("datetime64[D]")
        e = (np.asarray(end, dtype=np.int64) + 1).astype("datetime64[D]")
        return np.busday_count(s, e, busdaycal=self.calendar).astype(np.int64)


def add_months(days: IntArray, n: IntArray | int) -> IntArray:
    """Calendar months after each day, clamped to the month end (31 Jan + 1 = 28/29 Feb)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(n, dtype=np.int64)
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    out: IntArray = target.astype("datetime64[D]").astype(np.int64) + np.minimum(dom, last)
    return out


def add_years(days: IntArray, n: IntArray | int) -> IntArray:
    return add_months(days, np.asarray(n, dtype=np.int64) * 12)


def month_index(days: IntArray, first_day: int) -> IntArray:
    """Months since the month of ``first_day`` (0 for that month)."""
    m0 = np.datetime64(to_date(first_day), "M").astype(np.int64)
    m = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (m - m0).astype(np.int64)


def age_years(dob: IntArray, on: IntArray) -> IntArray:
    """Completed years of age on a day."""
    b = np.asarray(dob, dtype=np.int64).astype("datetime64[D]")
    o = np.asarray(on, dtype=np.int64).astype("datetime64[D]")
    by = b.astype("datetime64[Y]").astype(np.int64)
    oy = o.astype("datetime64[Y]").astype(np.int64)
    years = oy - by
    had_birthday = add_years(np.asarray(dob, dtype=np.int64), years) <= np.asarray(on, dtype=np.int64)
    return (years - (~had_birthday).astype(np.int64)).astype(np.int64)

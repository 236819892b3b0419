from datetime import date

import polars as pl
import pytest

from careboard.engine.calendar import (
    add_months,
    add_months_expr,
    add_working_days,
    add_working_days_expr,
    is_working_day,
    month_end,
    month_ends,
    working_days_between,
    working_days_between_expr,
)


def test_weekends_are_not_working_days():
    assert is_working_day(date(2025, 3, 7))  # Friday
    assert not is_working_day(date(2025, 3, 8))
    assert not is_working_day(date(2025, 3, 9))


@pytest.mark.parametrize(
    "holiday",
    [
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2024, 5, 6),  # early May
        date(2024, 8, 26),  # summer (England, not Scotland)
        date(2022, 9, 19),  # state funeral, one-off
        date(2022, 1, 3),  # substitute for New Year's Day on a Saturday
        date(2020, 5, 8),  # VE day moved early May
    ],
)
def test_england_bank_holidays_are_not_working_days(holiday):
    assert not is_working_day(holiday)


def test_scottish_only_holiday_is_a_working_day_in_england():
    assert is_working_day(date(2024, 1, 2))  # 2 January: Scotland only


def test_same_day_is_zero_working_days():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0


def test_working_days_between_counts_after_start_up_to_and_including_end():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 7)) == 4  # Mon -> Fri
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1  # Fri -> Mon
    assert working_days_between(date(2025, 3, 8), date(2025, 3, 9)) == 0  # Sat -> Sun


def test_working_days_between_skips_easter():
    # Thu 28 Mar 2024 -> Tue 2 Apr 2024: Good Friday and Easter Monday do not count
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1


def test_working_days_between_is_negative_backwards():
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 3)) == -4


def test_add_working_days_skips_weekend_and_bank_holiday():
    assert add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # from a Saturday


def test_add_working_days_zero_and_negative():
    assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 8)
    assert add_working_days(date(2025, 3, 10), -1) == date(2025, 3, 7)
    assert add_working_days(date(2024, 4, 2), -1) == date(2024, 3, 28)


def test_add_working_days_round_trips_with_between():
    start = date(2023, 12, 20)
    end = add_working_days(start, 45)
    assert working_days_between(start, end) == 45
    assert is_working_day(end)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 1) == date(2024, 3, 29)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)


def test_month_end_and_month_ends():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert month_ends(date(2025, 3, 31), 3) == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_month_ends_ends_at_a_mid_month_as_at():
    assert month_ends(date(2025, 3, 14), 2) == [date(2025, 2, 28), date(2025, 3, 14)]


def test_dates_outside_the_calendar_raise():
    with pytest.raises(ValueError):
        is_working_day(date(1900, 1, 1))


def _frame():
    return pl.DataFrame(
        {
            "start": [date(2024, 3, 28), date(2025, 3, 3), None, date(2024, 1, 31), date(2025, 3, 8)],
            "end": [date(2024, 4, 2), date(2025, 3, 3), date(2025, 1, 1), date(2024, 2, 29), None],
        }
    )


def test_working_days_between_expr_matches_scalar_and_keeps_nulls():
    got = _frame().select(n=working_days_between_expr(pl.col("start"), pl.col("end")))["n"].to_list()
    assert got == [1, 0, None, 21, None]
    assert working_days_between(date(2024, 1, 31), date(2024, 2, 29)) == 21


def test_add_working_days_expr_matches_scalar():
    frame = _frame().drop_nulls("start")
    for n in (1, 5, 15, 45, -3):
        got = frame.select(d=add_working_days_expr(pl.col("start"), n))["d"].to_list()
        assert got == [add_working_days(s, n) for s in frame["start"]]


def test_add_months_expr_matches_scalar():
    frame = _frame().drop_nulls("start")
    for n in (1, 3, 6, -1, 12):
        got = frame.select(d=add_months_expr(pl.col("start"), n))["d"].to_list()
        assert got == [add_months(s, n) for s in frame["start"]]


# --- properties over many dates -------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DATES = st.dates(min_value=date(1995, 1, 1), max_value=date(2055, 12, 31))


@given(DATES, st.integers(min_value=-300, max_value=300))
def test_add_then_count_working_days_round_trips(d, n):
    later = add_working_days(d, n)
    if n != 0:
        assert is_working_day(later)
        assert working_days_between(d, later) == n or (n < 0 and not is_working_day(d))


@given(DATES, DATES)
def test_working_days_between_is_antisymmetric_and_bounded(a, b):
    n = working_days_between(a, b)
    assert working_days_between(b, a) == -n
    assert abs(n) <= abs((b - a).days)


@settings(max_examples=25)
@given(st.lists(st.tuples(DATES, DATES), min_size=1, max_size=40), st.integers(min_value=-30, max_value=60))
def test_expressions_match_the_scalar_functions(pairs, n):
    frame = pl.DataFrame({"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]})
    got = frame.select(
        between=working_days_between_expr(pl.col("a"), pl.col("b")),
        added=add_working_days_expr(pl.col("a"), n),
        months=add_months_expr(pl.col("a"), n),
    )
    assert got["between"].to_list() == [working_days_between(a, b) for a, b in pairs]
    assert got["added"].to_list() == [add_working_days(a, n) for a, _ in pairs]
    assert got["months"].to_list() == [add_months(a, n) for a, _ in pairs]

from datetime import date

import polars as pl
import pytest

from careboard.engine.indicators.core import (
    INDICATORS,
    ROW_SCHEMA,
    Indicator,
    Period,
    Settings,
    allocation_at,
    cached,
    children,
    compute,
    days_overdue_expr,
    empty_rows,
    finish_rows,
    indicator,
    population_at,
    series,
    with_allocation,
)
from careboard.engine.store import Dataset

META = dict(
    title="Test measure",
    area="Front door",
    definition="d",
    numerator="n",
    denominator="d",
    polarity="higher_is_better",
    period_kind="month",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=50.0,
    upper=80.0,
)


def _rows(data, period, settings):
    return finish_rows(
        pl.DataFrame(
            {
                "person_id": ["a", "b", "c", "d"],
                "team_id": ["T1", "T1", "T2", None],
                "in_denominator": [True, True, True, False],
                "in_numerator": [True, False, True, False],
            }
        )
    )


def _ind(unit="percent", rows=_rows, **extra):
    return Indicator(id="TEST", unit=unit, rows=rows, **{**META, **extra})


@pytest.mark.parametrize(
    ("kind", "end", "start"),
    [
        ("snapshot", date(2025, 3, 31), date(2025, 3, 31)),
        ("rolling12", date(2025, 3, 31), date(2024, 4, 1)),
        ("rolling12", date(2024, 2, 29), date(2023, 3, 1)),  # leap day end
        ("rolling12", date(2025, 2, 28), date(2024, 2, 29)),  # clamps, then the day after
        ("ytd", date(2025, 3, 31), date(2024, 4, 1)),
        ("ytd", date(2025, 4, 1), date(2025, 4, 1)),
        ("ytd", date(2024, 12, 31), date(2024, 4, 1)),
        ("month", date(2024, 2, 29), date(2024, 2, 1)),
    ],
)
def test_period_ending(kind, end, start):
    p = Period.ending(kind, end)
    assert (p.kind, p.start, p.end) == (kind, start, end)


def test_period_rejects_bad_kind_and_reversed_dates():
    with pytest.raises(ValueError):
        Period.ending("weekly", date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Period("month", date(2025, 2, 1), date(2025, 1, 1))


def test_period_contains_includes_both_ends_and_not_nulls():
    p = Period.ending("month", date(2025, 1, 31))
    df = pl.DataFrame({"d": [date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 1), None]})
    assert df.select(p.contains(pl.col("d")))["d"].to_list() == [True, True, False, False]


def test_indicator_rejects_unknown_area_unit_and_bad_range():
    with pytest.raises(ValueError, match="area"):
        _ind(area="Elsewhere")
    with pytest.raises(ValueError, match="unit"):
        _ind(unit="furlongs")
    with pytest.raises(ValueError, match="target_range"):
        _ind(polarity="target_range", lower=16.0, upper=12.0)


def test_registry_refuses_a_duplicate_id():
    meta = {**META, "unit": "percent"}
    try:
        indicator(id="TEST_DUP", **meta)(_rows)
        with pytest.raises(ValueError, match="duplicate"):
            indicator(id="TEST_DUP", **meta)(_rows)
    finally:
        INDICATORS.pop("TEST_DUP", None)


def test_finish_rows_fills_defaults_and_schema():
    rows = finish_rows(pl.DataFrame({"person_id": ["a"], "x_note": ["kept"]}))
    assert rows.schema == pl.Schema({**ROW_SCHEMA, "x_note": pl.String()})
    assert rows.row(0, named=True) | {} == {
        "person_id": "a",
        "item_id": "a",
        "team_id": None,
        "worker_id": None,
        "in_denominator": True,
        "in_numerator": False,
        "num_weight": 1.0,
        "den_weight": 1.0,
        "due_date": None,
        "done_date": None,
        "days_overdue": None,
        "x_note": "kept",
    }


def test_finish_rows_reads_null_flags_as_false():
    rows = finish_rows(pl.DataFrame({"person_id": ["a"], "in_numerator": [None], "in_denominator": [None]}))
    assert rows["in_numerator"].to_list() == [False]
    assert rows["in_denominator"].to_list() == [False]


def test_finish_rows_refuses_unknown_columns():
    with pytest.raises(ValueError, match="extra"):
        finish_rows(pl.DataFrame({"person_id": ["a"], "extra": [1]}))
    with pytest.raises(ValueError, match="person_id"):
        finish_rows(pl.DataFrame({"item_id": ["a"]}))


def test_empty_rows_has_the_schema():
    assert empty_rows().schema == ROW_SCHEMA
    assert empty_rows().height == 0


def test_days_overdue_open_late_done_and_on_time():
    df = pl.DataFrame(
        {
            "due": [date(2025, 1, 10), date(2025, 1, 10), date(2025, 1, 10), date(2025, 2, 10), None],
            "done": [None, date(2025, 1, 15), date(2025, 1, 9), None, None],
        }
    )
    got = df.select(o=days_overdue_expr(pl.col("due"), pl.col("done"), date(2025, 1, 31)))["o"]
    assert got.to_list() == [21, 5, None, None, None]


def test_compute_percent_uses_rows_in_both():
    period = Period.ending("month", date(2025, 1, 31))
    out = compute(_ind(), Dataset(), period, Settings())
    row = out.row(0, named=True)
    assert (row["numerator"], row["denominator"]) == (2.0, 3.0)
    assert row["value"] == pytest.approx(200 / 3)
    assert row["group"] is None
    assert (row["period_start"], row["period_end"]) == (date(2025, 1, 1), date(2025, 1, 31))


def test_compute_by_team_keeps_unallocated_as_null_group():
    out = compute(_ind(), Dataset(), Period.ending("month", date(2025, 1, 31)), by="team")
    assert out.select("group", "numerator", "denominator", "value").rows() == [
        ("T1", 1.0, 2.0, 50.0),
        ("T2", 1.0, 1.0, 100.0),
        (None, 0.0, 0.0, None),
    ]


def test_compute_by_rejects_unknown_grouping():
    with pytest.raises(ValueError):
        compute(_ind(), Dataset(), Period.ending("month", date(2025, 1, 31)), by="area")  # type: ignore[arg-type]


def test_compute_count_counts_numerator_rows_without_denominator():
    out = compute(
        _ind(unit="count", polarity="context"), Dataset(), Period.ending("snapshot", date(2025, 1, 31))
    )
    assert out.select("numerator", "denominator", "value").row(0) == (2.0, None, 2.0)


def _population(rows):
    return Dataset(
        {
            "cb_population": pl.DataFrame(
                {
                    "popu_row_id": [str(y) for y, _ in rows],
                    "popu_year": [y for y, _ in rows],
                    "popu_count": [c for _, c in rows],
                }
            )
        }
    )


def test_compute_rate_per_10k_uses_population_for_the_year_and_is_null_by_team():
    data = _population([(2024, 40000), (2025, 50000)])
    ind = _ind(unit="rate_per_10k", polarity="context")
    out = compute(ind, data, Period.ending("rolling12", date(2025, 3, 31)))
    assert out["value"].to_list() == [pytest.approx(10000 * 2 / 50000)]
    by_team = compute(ind, data, Period.ending("rolling12", date(2025, 3, 31)), by="team")
    assert by_team["value"].to_list() == [None, None, None]
    assert by_team["numerator"].to_list() == [1.0, 1.0, 0.0]


def test_rate_without_population_is_null():
    out = compute(
        _ind(unit="rate_per_10k", polarity="context"), Dataset(), Period.ending("month", date(2025, 1, 31))
    )
    assert out["value"].to_list() == [None]


def test_population_at_prefers_year_then_earlier_then_later():
    data = _population([(2022, 100), (2024, 300)])
    assert population_at(data, date(2024, 6, 1)) == 300
    assert population_at(data, date(2023, 6, 1)) == 100
    assert population_at(data, date(2020, 6, 1)) == 100
    assert population_at(Dataset(), date(2020, 6, 1)) is None


def test_compute_days_unit_averages_weights():
    def rows(data, period, settings):
        return finish_rows(pl.DataFrame({"person_id": ["a", "b"], "num_weight": [10.0, 30.0]}))

    out = compute(
        _ind(unit="days", rows=rows, polarity="lower_is_better", lower=30.0, upper=20.0),
        Dataset(),
        Period.ending("month", date(2025, 1, 31)),
    )
    assert out.select("numerator", "denominator", "value").row(0) == (40.0, 2.0, 20.0)


def test_value_is_null_when_denominator_is_zero():
    out = compute(
        _ind(rows=lambda d, p, s: empty_rows()), Dataset(), Period.ending("month", date(2025, 1, 31))
    )
    assert out.select("numerator", "denominator", "value").row(0) == (0.0, 0.0, None)


def test_series_passes_each_month_end_oldest_first():
    seen = []

    def rows(data, period, settings):
        seen.append(period)
        return empty_rows()

    out = series(_ind(rows=rows, period_kind="rolling12"), Dataset(), date(2025, 3, 31), 3)
    assert out["period_end"].to_list() == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    assert seen[0] == Period("rolling12", date(2024, 2, 1), date(2025, 1, 31))


def test_children_lists_most_overdue_first():
    def rows(data, period, settings):
        return finish_rows(pl.DataFrame({"person_id": ["a", "b", "c"], "days_overdue": [None, 3, 10]}))

    got = children(_ind(rows=rows), Dataset(), Period.ending("month", date(2025, 1, 31)))
    assert got["person_id"].to_list() == ["c", "b", "a"]


def _involvements():
    return Dataset(
        {
            "ssd_involvements": pl.DataFrame(
                {
                    "invo_involvements_id": ["1", "2", "3", "4"],
                    "invo_person_id": ["a", "a", "a", "b"],
                    "invo_professional_id": ["W1", "W2", "IRO9", "W3"],
                    "invo_professional_role_id": ["SW", "SW", "IRO", "SW"],
                    "invo_professional_team": ["T1", "T2", "TIRO", "T1"],
                    "invo_involvement_start_date": [
                        date(2024, 1, 1),
                        date(2024, 6, 1),
                        date(2024, 7, 1),
                        date(2024, 2, 1),
                    ],
                    "invo_involvement_end_date": [date(2024, 6, 1), None, None, date(2024, 3, 1)],
                }
            )
        }
    )


def test_allocation_at_latest_started_wins_and_ignores_iro():
    data = _involvements()
    got = allocation_at(data, date(2024, 6, 1))
    assert got.rows() == [("a", "T2", "W2")]
    assert allocation_at(data, date(2024, 2, 15)).rows() == [("a", "T1", "W1"), ("b", "T1", "W3")]
    assert allocation_at(data, date(2023, 1, 1)).height == 0


def test_with_allocation_uses_each_rows_date():
    data = _involvements()
    df = pl.DataFrame(
        {
            "person_id": ["a", "a", "b", "b", "c"],
            "on": [date(2024, 3, 1), date(2024, 8, 1), date(2024, 2, 10), date(2024, 4, 1), date(2024, 4, 1)],
        }
    )
    got = with_allocation(data, df, "on")
    assert got.columns == ["person_id", "on", "team_id", "worker_id"]
    assert got.select("team_id", "worker_id").rows() == [
        ("T1", "W1"),
        ("T2", "W2"),
        ("T1", "W3"),
        (None, None),
        (None, None),
    ]


def test_cached_builds_once_per_dataset():
    data = Dataset()
    calls = []
    assert cached(data, "k", lambda: calls.append(1) or 5) == 5
    assert cached(data, "k", lambda: calls.append(1) or 6) == 5
    assert calls == [1]
    assert cached(Dataset(), "k", lambda: 7) == 7


def test_in_periods_repeats_an_event_for_each_period_containing_it():
    from careboard.engine.indicators.core import in_periods, periods

    chosen = periods("rolling12", date(2025, 3, 31), 2)  # Mar 2024-Feb 2025 and Apr 2024-Mar 2025
    df = pl.DataFrame({"d": [date(2024, 3, 15), date(2024, 6, 1), date(2025, 3, 1), None]})
    got = in_periods(df, "d", chosen).sort("d", "period_end")
    assert got.select("d", "period_end").rows() == [
        (date(2024, 3, 15), date(2025, 2, 28)),
        (date(2024, 6, 1), date(2025, 2, 28)),
        (date(2024, 6, 1), date(2025, 3, 31)),
        (date(2025, 3, 1), date(2025, 3, 31)),
    ]


def test_open_in_periods_closes_an_episode_on_its_end_day():
    from careboard.engine.indicators.core import open_in_periods, periods

    chosen = periods("snapshot", date(2025, 3, 31), 2)
    df = pl.DataFrame(
        {
            "id": ["ends on Feb end", "open", "starts in March"],
            "s": [date(2025, 1, 1), date(2025, 1, 1), date(2025, 3, 31)],
            "e": [date(2025, 2, 28), None, None],
        }
    )
    got = open_in_periods(df, "s", "e", chosen).sort("period_end", "id")
    assert got.select("id", "period_end").rows() == [
        ("open", date(2025, 2, 28)),
        ("open", date(2025, 3, 31)),
        ("starts in March", date(2025, 3, 31)),
    ]


def test_indicator_periods_registers_both_forms_and_series_calls_it_once():
    from careboard.engine.indicators.core import in_periods, indicator_periods

    calls = []

    def many(data, chosen, settings):
        calls.append(len(chosen))
        df = pl.DataFrame({"person_id": ["a", "b"], "d": [date(2025, 1, 10), date(2025, 2, 10)]})
        return finish_rows(
            in_periods(df, "d", chosen).select("person_id", "period_end", in_numerator=pl.lit(True))
        )

    meta = {**META, "id": "TEST_MANY", "unit": "count", "polarity": "context", "lower": None, "upper": None}
    try:
        one = indicator_periods(**meta)(many)
        ind = INDICATORS["TEST_MANY"]
        assert ind.rows is one and ind.rows_for_periods is many
        assert one(Dataset(), Period.ending("month", date(2025, 2, 28)), Settings())[
            "person_id"
        ].to_list() == ["b"]
        calls.clear()
        out = series(ind, Dataset(), date(2025, 3, 31), 3)
        assert calls == [3]
        assert out["value"].to_list() == [1.0, 1.0, 0.0]
        with pytest.raises(ValueError, match="duplicate"):
            indicator_periods(**meta)(many)
    finally:
        INDICATORS.pop("TEST_MANY", None)


def test_finish_rows_keeps_period_end_and_drops_period_start():
    rows = finish_rows(
        pl.DataFrame(
            {"person_id": ["a"], "period_start": [date(2025, 1, 1)], "period_end": [date(2025, 1, 31)]}
        )
    )
    assert rows.columns == [*ROW_SCHEMA, "period_end"]


def test_with_allocation_by_row_matches_the_per_date_path(monkeypatch):
    import careboard.engine.indicators.core as core

    data = _involvements()
    df = pl.DataFrame(
        {
            "person_id": ["a", "a", "b", "b", "c"],
            "on": [date(2024, 3, 1), date(2024, 8, 1), date(2024, 2, 10), date(2024, 4, 1), date(2024, 4, 1)],
        }
    )
    per_date = with_allocation(data, df, "on")
    monkeypatch.setattr(core, "_FEW_DATES", 0)
    by_row = with_allocation(data, df, "on")
    assert by_row.equals(per_date)
    assert by_row.select("team_id").to_series().to_list() == ["T1", "T2", "T1", None, None]


def test_latest_on_or_before_takes_the_last_dated_row_per_key_and_keeps_order():
    from careboard.engine.indicators.core import latest_on_or_before

    left = pl.DataFrame(
        {
            "p": ["a", "b", "a", "c"],
            "period_end": [date(2025, 2, 28), date(2025, 1, 31), date(2025, 1, 31), date(2025, 1, 31)],
        }
    )
    right = pl.DataFrame(
        {
            "p": ["a", "a", "a", "b", "b"],
            "d": [date(2025, 1, 10), date(2025, 1, 10), date(2025, 2, 28), date(2025, 2, 1), None],
            "id": ["x", "y", "z", "late", "undated"],
        }
    ).sort("d", "id")
    got = latest_on_or_before(left, right, by="p", on="period_end", right_on="d")
    assert got.select("p", "id").rows() == [("a", "z"), ("b", None), ("a", "y"), ("c", None)]

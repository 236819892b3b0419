"""Every indicator on a generated council: computes for 24 month ends, by team, and lands in range."""

from datetime import date

import polars as pl
import pytest

from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import ROW_SCHEMA, Period, Settings, compute, series
from careboard.engine.store import Dataset

generate = pytest.importorskip("careboard.engine.generate")

AS_AT = date(2025, 3, 31)
CATALOGUE = catalogue()


@pytest.fixture(scope="module")
def council() -> Dataset:
    tables = generate.generate_council(
        seed=7, population=4000, start=date(2022, 4, 1), end=date(2025, 3, 31), journey="steady"
    )
    return Dataset(tables)


@pytest.mark.parametrize("ind", CATALOGUE.values(), ids=list(CATALOGUE))
def test_indicator_computes_for_24_month_ends_by_team(council, ind):
    values = series(ind, council, AS_AT, 24, Settings(), by="team")
    assert values["period_end"].unique().len() <= 24
    council_values = series(ind, council, AS_AT, 24, Settings())
    assert council_values.height == 24
    # a percentage is a percentage; counts are never negative
    assert council_values.filter(
        (pl.col("value") < 0) | ((pl.col("value") > 100) & (ind.unit == "percent"))
    ).is_empty()
    rows = ind.rows(council, Period.ending(ind.period_kind, AS_AT), Settings())
    assert {k: v for k, v in rows.schema.items() if not k.startswith("x_")} == dict(ROW_SCHEMA)
    # the council's number is the sum of the teams' numbers (the unallocated are a null group)
    latest = values.filter(pl.col("period_end") == AS_AT)
    total = council_values.filter(pl.col("period_end") == AS_AT)
    assert latest["numerator"].sum() == pytest.approx(total["numerator"][0])
    workers = compute(ind, council, Period.ending(ind.period_kind, AS_AT), Settings(), by="worker")
    assert workers["numerator"].sum() == pytest.approx(total["numerator"][0])


@pytest.mark.parametrize("ind", CATALOGUE.values(), ids=list(CATALOGUE))
def test_series_in_one_pass_equals_month_by_month(council, ind):
    from careboard.engine.indicators.core import compute, periods

    one_pass = series(ind, council, AS_AT, 6, Settings(), by="team")
    by_month = pl.concat(
        [compute(ind, council, p, Settings(), by="team") for p in periods(ind.period_kind, AS_AT, 6)]
    )
    assert one_pass.equals(by_month)


def test_generated_values_are_near_england(council):
    """The generator is calibrated to England: the national measures should land in a broad band."""
    from careboard.engine.indicators.comparators import comparator_values, load_comparators

    england = comparator_values(load_comparators())
    # Bands wide enough for a council of 4,000 children; ICPC timeliness is left out: about two
    # conferences a month are too few to land near any figure.
    checked = {
        "assessments_45wd": 12.0,
        "rereferrals_12m": 10.0,
        "referrals_nfa": 4.0,
        "cp_rate": 25.0,
        "cin_rate": 120.0,
        "s47_rate": 80.0,
        "referral_rate": 150.0,
    }
    for indicator_id, tolerance in checked.items():
        ind = CATALOGUE[indicator_id]
        values = series(ind, council, AS_AT, 12, Settings())["value"].drop_nulls()
        assert values.len() > 0
        assert abs(values.mean() - england[indicator_id]) < tolerance, (indicator_id, values.mean())

from datetime import date

import polars as pl
import pytest

from careboard.engine.indicators.core import Indicator, Settings, finish_rows
from careboard.engine.indicators.scorecard import SCORECARD_SCHEMA, scorecard
from careboard.engine.indicators.targets import Target
from careboard.engine.store import Dataset

# A child is "done" when their number is at most the month: January 1 of 4, February 2 of 4 ...
PEOPLE = pl.DataFrame(
    {"person_id": ["a", "b", "c", "d"], "team_id": ["T1", "T1", "T2", "T2"], "n": [1, 2, 3, 4]}
)


def _rows(data, period, settings):
    return finish_rows(PEOPLE.select("person_id", "team_id", in_numerator=pl.col("n") <= period.end.month))


def _ind(**extra):
    meta = dict(
        id="TEST_CARD",
        title="Test",
        area="Front door",
        definition="d",
        numerator="n",
        denominator="d",
        unit="percent",
        polarity="higher_is_better",
        period_kind="snapshot",
        timescale="",
        timescale_ref=None,
        national_ref=None,
        lower=50.0,
        upper=90.0,
        rows=_rows,
    )
    return Indicator(**{**meta, **extra})


COMPARATORS = pl.DataFrame(
    {
        "indicator_id": ["TEST_CARD"],
        "comparator": ["England"],
        "value": [60.0],
        "year": ["2025"],
        "source": ["s"],
    }
)


def test_scorecard_row_for_the_council():
    card = scorecard(
        Dataset(), date(2025, 3, 31), Settings(), indicators={"TEST_CARD": _ind()}, comparators=COMPARATORS
    )
    assert card.schema == SCORECARD_SCHEMA
    row = card.row(0, named=True)
    assert (row["value"], row["previous_value"], row["numerator"], row["denominator"]) == (
        75.0,
        50.0,
        3.0,
        4.0,
    )
    assert (row["rag"], row["direction"], row["england"], row["group"]) == ("amber", "improving", 60.0, None)
    assert row["period_end"] == date(2025, 3, 31)
    # 12 points from April 2024: months 4..12 are all done, then January to March
    assert row["series"] == [100.0] * 9 + [25.0, 50.0, 75.0]


def test_scorecard_uses_targets_in_force_and_polarity():
    targets = [Target("TEST_CARD", date(2025, 1, 1), 80.0, 95.0)]
    card = scorecard(
        Dataset(),
        date(2025, 3, 31),
        targets=targets,
        indicators={"TEST_CARD": _ind()},
        comparators=COMPARATORS,
    )
    assert card.select("lower", "upper", "rag").row(0) == (80.0, 95.0, "red")
    lower_better = scorecard(
        Dataset(),
        date(2025, 3, 31),
        indicators={"TEST_CARD": _ind(polarity="lower_is_better", lower=80.0, upper=60.0)},
        comparators=COMPARATORS,
    )
    assert lower_better.select("rag", "direction").row(0) == ("amber", "worsening")


def test_scorecard_by_team_has_a_row_per_team():
    card = scorecard(
        Dataset(),
        date(2025, 2, 28),
        by="team",
        months=2,
        indicators={"TEST_CARD": _ind()},
        comparators=COMPARATORS,
    )
    assert card.select("group", "value", "previous_value", "series").rows() == [
        ("T1", 100.0, 50.0, [50.0, 100.0]),
        ("T2", 0.0, 0.0, [0.0, 0.0]),
    ]
    assert card["direction"].to_list() == ["improving", "same"]


def test_scorecard_of_the_catalogue_has_every_indicator():
    from careboard.engine.indicators.catalogue import catalogue

    card = scorecard(Dataset(), date(2025, 3, 31), months=2)
    assert card["id"].to_list() == list(catalogue())
    assert card.filter(pl.col("id") == "cp_rate")["england"].to_list() == [pytest.approx(40.6)]

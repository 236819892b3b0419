from datetime import date

import pytest

from careboard.engine.indicators.core import Indicator, empty_rows
from careboard.engine.indicators.targets import Target, direction, load_targets, rag, targets_in_force


@pytest.mark.parametrize(
    ("value", "expected"),
    [(96.0, "green"), (95.0, "green"), (80.0, "amber"), (60.0, "amber"), (59.9, "red")],
)
def test_rag_higher_is_better(value, expected):
    assert rag(value, 60.0, 95.0, "higher_is_better") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(15.0, "green"), (17.0, "green"), (20.0, "amber"), (23.0, "amber"), (23.1, "red")],
)
def test_rag_lower_is_better_reads_lower_as_the_minimum_standard(value, expected):
    assert rag(value, 23.0, 17.0, "lower_is_better") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.0, "green"),
        (16.0, "green"),
        (14.0, "green"),
        (16.4, "amber"),
        (11.6, "amber"),
        (16.5, "red"),
        (10.0, "red"),
    ],
)
def test_rag_target_range_has_a_ten_percent_amber_margin(value, expected):
    assert rag(value, 12.0, 16.0, "target_range") == expected


def test_rag_none_for_context_missing_value_or_no_targets():
    assert rag(50.0, 10.0, 90.0, "context") is None
    assert rag(None, 10.0, 90.0, "higher_is_better") is None
    assert rag(50.0, None, None, "higher_is_better") is None


def test_rag_with_only_one_target():
    assert rag(70.0, 60.0, None, "higher_is_better") == "green"
    assert rag(50.0, 60.0, None, "higher_is_better") == "red"
    assert rag(90.0, None, 95.0, "higher_is_better") == "red"


def test_direction_knows_which_way_is_good():
    assert direction(50.0, 60.0, "higher_is_better") == "improving"
    assert direction(50.0, 60.0, "lower_is_better") == "worsening"
    assert direction(60.0, 60.0, "lower_is_better") == "same"
    assert direction(None, 60.0, "higher_is_better") is None
    assert direction(50.0, 60.0, "context") is None


def test_direction_for_a_range_is_distance_to_the_band():
    assert direction(20.0, 17.0, "target_range", 12.0, 16.0) == "improving"
    assert direction(13.0, 15.0, "target_range", 12.0, 16.0) == "same"
    assert direction(15.0, 9.0, "target_range", 12.0, 16.0) == "worsening"
    assert direction(15.0, 9.0, "target_range") is None


def _indicator():
    return Indicator(
        id="OVERSIGHT",
        title="t",
        area="Management oversight",
        definition="d",
        numerator="n",
        denominator="d",
        unit="percent",
        polarity="higher_is_better",
        period_kind="snapshot",
        timescale="",
        timescale_ref=None,
        national_ref=None,
        lower=60.0,
        upper=95.0,
        rows=lambda d, p, s: empty_rows(),
    )


def test_targets_in_force_takes_the_latest_from_date_on_or_before():
    targets = [
        Target("OVERSIGHT", date(2025, 1, 1), 70.0, 95.0),
        Target("OVERSIGHT", date(2025, 7, 1), 80.0, 95.0),
        Target("OTHER", date(2024, 1, 1), 1.0, 2.0),
    ]
    ind = _indicator()
    assert targets_in_force(targets, ind, date(2024, 12, 31)) == (60.0, 95.0)
    assert targets_in_force(targets, ind, date(2025, 1, 1)) == (70.0, 95.0)
    assert targets_in_force(targets, ind, date(2026, 1, 1)) == (80.0, 95.0)


def test_load_targets_reads_csv_and_blank_as_none(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("indicator_id,from_date,lower,upper\nOVERSIGHT,2025-04-01,70,\n")
    assert load_targets(path) == [Target("OVERSIGHT", date(2025, 4, 1), 70.0, None)]


def test_load_targets_names_the_bad_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("indicator_id,from_date,lower,upper\nOVERSIGHT,2025-04-01,70,95\nX,01/04/2025,1,2\n")
    with pytest.raises(ValueError, match="line 3"):
        load_targets(path)

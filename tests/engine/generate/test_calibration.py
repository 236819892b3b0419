from datetime import date

import polars as pl
import pytest

from careboard.engine.generate import generate_council
from careboard.engine.generate.calibration import (
    MEASURES,
    _tolerance,
    calibrate,
    england,
)
from careboard.engine.store import Dataset


def test_every_measure_has_an_england_value():
    values = england()
    assert {m.id for m in MEASURES} <= set(values)
    assert values["referral_rate"] == 519.4


def test_small_counts_widen_the_tolerance_to_three_standard_errors():
    wide, rule = _tolerance("percent", 10.0, 50, None)
    assert rule == "3 SE"
    assert wide == pytest.approx(3 * 100 * (0.1 * 0.9 / 50) ** 0.5)
    narrow, rule = _tolerance("percent", 10.0, 100_000, None)
    assert (narrow, rule) == (1.5, "15%")


def test_two_year_stability_is_the_catalogues_count_of_children_in_care_2_years_with_3_placements():
    episodes = pl.DataFrame(
        {
            "clae_person_id": ["A", "B", "C"],
            "clae_cla_id": ["E1", "E2", "E3"],
            "clae_cla_episode_start_date": [date(2020, 1, 1), date(2021, 1, 1), date(2025, 1, 1)],
            "clae_cla_episode_ceased_date": [None, None, None],
            "clae_entered_care_date": [date(2020, 1, 1), date(2021, 1, 1), date(2025, 1, 1)],
        }
    )
    starts = [date(2020, 1, 1), date(2024, 6, 1), date(2025, 6, 1), date(2021, 1, 1), date(2025, 1, 1)]
    placements = pl.DataFrame(
        {
            "clap_person_id": ["A", "A", "A", "B", "C"],
            "clap_cla_placement_id": ["p1", "p2", "p3", "p4", "p5"],
            "clap_cla_placement_start_date": starts,
            "clap_cla_placement_end_date": [date(2024, 6, 1), date(2025, 6, 1), None, None, None],
            "clap_cla_placement_type": ["U6"] * 5,
        }
    )
    data = Dataset({"ssd_cla_episodes": episodes, "ssd_cla_placement": placements})
    results = calibrate(data, date(2026, 3, 31))
    result = next(r for r in results if r.measure.id == "cla_placement_stability_2y")
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50.0)


@pytest.mark.slow
def test_a_steady_council_of_65000_matches_england():
    end = date(2026, 3, 31)
    data = Dataset(
        generate_council(seed=1, population=65_000, start=date(2024, 3, 1), end=end, journey="steady")
    )
    failed = [(r.measure.id, r.value, r.england) for r in calibrate(data, end) if not r.passed]
    assert failed == []

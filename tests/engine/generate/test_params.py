import numpy as np
import pytest

from careboard.engine.generate.params import QUALITY, quality_curve


def test_steady_quality_is_englands_throughout():
    q = quality_curve("steady", 24, 60)
    for name, (england, _poor, _good) in QUALITY.items():
        assert np.all(q.values[name] == england), name


def test_improving_starts_poor_and_ends_good_month_by_month():
    q = quality_curve("improving", 24, 60)
    for name, (_england, poor, good) in QUALITY.items():
        series = q.values[name]
        assert series[0] == poor and series[24] == poor and series[-1] == pytest.approx(good), name
        steps = np.diff(series[24:])
        assert np.all(steps >= 0) if good > poor else np.all(steps <= 0), name


def test_declining_is_the_reverse():
    q = quality_curve("declining", 12, 36)
    for name, (_england, poor, good) in QUALITY.items():
        assert q.values[name][0] == good and q.values[name][-1] == pytest.approx(poor), name


def test_quality_at_clamps_months_outside_the_run():
    q = quality_curve("improving", 0, 12)
    values = q.at("iha_20wd", np.array([-5, 0, 11, 40]))
    assert values[0] == values[1] == QUALITY["iha_20wd"][1]
    assert values[2] == values[3] == pytest.approx(QUALITY["iha_20wd"][2])

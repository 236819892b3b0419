"""The journeys tell their story in the indicators the boards read."""

from datetime import date

import pytest

from careboard.engine.generate import generate_council
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import Period, compute
from careboard.engine.store import Dataset

FIRST, LAST = date(2022, 3, 31), date(2026, 3, 31)


def _value(data: Dataset, indicator: str, kind: str, on: date) -> float:
    value = compute(catalogue()[indicator], data, Period.ending(kind, on))["value"][0]
    assert value is not None
    return float(value)


@pytest.fixture(scope="module")
def improving() -> Dataset:
    return Dataset(
        generate_council(seed=5, population=12_000, start=date(2021, 4, 1), end=LAST, journey="improving")
    )


@pytest.fixture(scope="module")
def declining() -> Dataset:
    return Dataset(
        generate_council(seed=5, population=12_000, start=date(2021, 4, 1), end=LAST, journey="declining")
    )


@pytest.mark.parametrize(
    ("indicator", "kind", "rises"),
    [
        ("cla_iha_in_time", "rolling12", True),
        ("assessments_45wd", "rolling12", True),
        ("oversight_8_weeks", "snapshot", True),
        ("contacts_decided_24h", "rolling12", True),
        ("workforce_turnover", "rolling12", False),
    ],
)
def test_an_improving_council_gets_better_year_on_year(improving, indicator, kind, rises):
    first, last = _value(improving, indicator, kind, FIRST), _value(improving, indicator, kind, LAST)
    assert (last > first) if rises else (last < first), (first, last)


def test_an_improving_council_starts_in_poor_shape(improving):
    # about 20% at 65,000 children; a 12,000-child council has few children to count
    assert _value(improving, "cla_iha_in_time", "rolling12", FIRST) < 45
    assert _value(improving, "oversight_8_weeks", "snapshot", FIRST) < 75


def test_a_declining_council_gets_worse(declining):
    assert _value(declining, "assessments_45wd", "rolling12", LAST) < _value(
        declining, "assessments_45wd", "rolling12", FIRST
    )
    assert _value(declining, "cla_iha_in_time", "rolling12", LAST) < _value(
        declining, "cla_iha_in_time", "rolling12", FIRST
    )

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from careboard.engine.indicators.catalogue import catalogue, get
from careboard.engine.indicators.core import AREAS, ROW_SCHEMA, Period, Settings
from careboard.engine.store import Dataset

REFERENCE = Path(__file__).parents[3] / "careboard" / "engine" / "indicators" / "reference"
TESTS = Path(__file__).parent


def reference_ids(name, full=False):
    with (REFERENCE / name).open(newline="", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    return rows if full else set(rows)


CATALOGUE = catalogue()


def test_catalogue_has_the_core_families():
    areas = {ind.area for ind in CATALOGUE.values()}
    assert {"Front door", "Assessment", "Children in need", "Child protection", "Demand"} <= areas


@pytest.mark.parametrize("ind", CATALOGUE.values(), ids=list(CATALOGUE))
def test_metadata_is_complete(ind):
    for name in ("id", "title", "definition", "numerator", "denominator"):
        assert getattr(ind, name).strip(), name
    assert ind.area in AREAS
    if ind.timescale_ref is not None:
        assert ind.timescale_ref in reference_ids("timescales.csv")
    if ind.national_ref is not None:
        assert ind.national_ref in reference_ids("national_indicators.csv")
    if ind.polarity != "context":
        assert ind.lower is not None and ind.upper is not None, "a judged indicator needs default targets"
        if ind.polarity == "higher_is_better":
            assert ind.lower <= ind.upper
        elif ind.polarity == "lower_is_better":
            assert ind.lower >= ind.upper


def _test_text():
    return "\n".join(p.read_text() for p in TESTS.rglob("test_*.py") if p.name != "test_catalogue.py")


@pytest.mark.parametrize("indicator_id", list(CATALOGUE))
def test_every_indicator_is_named_in_a_test(indicator_id):
    assert indicator_id in _test_text(), f"no test under {TESTS} names {indicator_id}"


@pytest.mark.parametrize("ind", CATALOGUE.values(), ids=list(CATALOGUE))
def test_rows_follow_the_schema_on_empty_data(ind):
    rows = ind.rows(Dataset(), Period.ending(ind.period_kind, date(2025, 3, 31)), Settings())
    assert {k: v for k, v in rows.schema.items() if not k.startswith("x_")} == dict(ROW_SCHEMA)
    assert rows.height == 0


def test_get_refuses_an_unknown_id():
    assert get("cp_rate").id == "cp_rate"
    with pytest.raises(KeyError, match="no_such"):
        get("no_such")


def test_ids_are_unique_snake_case():
    for indicator_id in CATALOGUE:
        assert indicator_id == indicator_id.lower() and " " not in indicator_id
    assert len(set(CATALOGUE)) == len(CATALOGUE)


def test_catalogue_is_ordered_by_area():
    order = [AREAS.index(ind.area) for ind in CATALOGUE.values()]
    assert order == sorted(order)
    assert isinstance(pl.DataFrame(), pl.DataFrame)

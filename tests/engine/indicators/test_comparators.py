import csv

import pytest

from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.comparators import COMPARATORS_CSV, comparator_values, load_comparators
from tests.engine.indicators.test_catalogue import reference_ids


def test_bundled_comparators_load_and_have_no_neighbour_rows():
    frame = load_comparators()
    assert frame.height > 0
    assert set(frame["comparator"]) == {"England"}
    assert comparator_values(frame)["assessments_45wd"] == pytest.approx(85.7)


def test_bundled_england_rows_match_the_national_reference():
    national = reference_ids("national_indicators.csv", full=True)
    known = catalogue()
    for row in load_comparators().iter_rows(named=True):
        ind = known.get(row["indicator_id"])
        if ind is None:  # a family not yet in the catalogue
            continue
        assert ind.national_ref is not None, row["indicator_id"]
        assert national[ind.national_ref]["national_value"].replace(",", "").startswith(f"{row['value']:g}")


def test_council_file_adds_statistical_neighbours(tmp_path):
    path = tmp_path / "c.csv"
    with COMPARATORS_CSV.open() as src:
        text = src.read()
    path.write_text(text + "cp_rate,Statistical neighbours,52.5,2025,council's own figures\n")
    frame = load_comparators(path)
    assert comparator_values(frame, "Statistical neighbours") == {"cp_rate": 52.5}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("cp_rate,Neighbours,1,2025,x", "comparator"),
        ("cp_rate,England,n/a,2025,x", "not a number"),
        ("cp_rate,England,1,2025,x\ncp_rate,England,2,2025,y", "more than one"),
    ],
)
def test_bad_comparator_files_are_refused(tmp_path, row, message):
    path = tmp_path / "c.csv"
    path.write_text("indicator_id,comparator,value,year,source\n" + row + "\n")
    with pytest.raises(ValueError, match=message):
        load_comparators(path)


def test_missing_columns_are_refused(tmp_path):
    path = tmp_path / "c.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([["indicator_id", "value"], ["cp_rate", "1"]])
    with pytest.raises(ValueError, match="missing columns"):
        load_comparators(path)

import datetime as dt

import polars as pl
import pytest

from careboard.engine.schema import table
from careboard.engine.store import Dataset, read_dataset, write_dataset


def person_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"pers_person_id": ["A1", "A2"], "pers_dob": [dt.date(2016, 2, 29), dt.date(2010, 1, 1)]}
    )


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_it_round_trips_a_folder(tmp_path, fmt):
    write_dataset({"ssd_person": person_frame()}, tmp_path / "data", fmt=fmt)
    data = read_dataset(tmp_path / "data")
    assert data["ssd_person"].equals(table("ssd_person").conform(person_frame()))
    assert (tmp_path / "data" / f"ssd_person.{fmt}").exists()


def test_absent_tables_read_empty_with_schema(tmp_path):
    write_dataset({"ssd_person": person_frame()}, tmp_path / "data")
    data = read_dataset(tmp_path / "data")
    assert data["ssd_cp_plans"].height == 0
    assert data["ssd_cp_plans"].schema == table("ssd_cp_plans").schema
    assert data.row_counts() == {"ssd_person": 2}


def test_a_failed_write_leaves_the_previous_folder(tmp_path):
    write_dataset({"ssd_person": person_frame()}, tmp_path / "data")
    with pytest.raises(ValueError, match="unknown columns"):
        write_dataset(
            {"ssd_person": person_frame(), "ssd_cp_plans": pl.DataFrame({"bad": [1]})}, tmp_path / "data"
        )
    assert read_dataset(tmp_path / "data")["ssd_person"].height == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no canonical data folder"):
        read_dataset(tmp_path / "nope")


def test_dataset_refuses_unknown_tables():
    with pytest.raises(KeyError, match="no canonical table"):
        Dataset({"ssd_shoes": pl.DataFrame()})

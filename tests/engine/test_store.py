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


def test_csv_columns_are_read_by_heading_not_position(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_dob,pers_person_id\n2016-02-29,A1\n", encoding="utf-8")
    person = read_dataset(folder)["ssd_person"]
    assert person["pers_person_id"].to_list() == ["A1"]
    assert person["pers_dob"].to_list() == [dt.date(2016, 2, 29)]


def test_csv_with_an_unknown_column_names_table_and_column(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id,shoe_size\nA1,4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ssd_person: unknown columns \['shoe_size'\]"):
        read_dataset(folder)

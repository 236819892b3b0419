import csv

import polars as pl
import pytest

from careboard.engine.schema import TABLES, table
from tests.conftest import SHARED, require_shared

SSD_FIELDS = SHARED / "reference" / "ssd" / "ssd_fields.csv"


def test_table_names_are_ssd_or_marked_extensions():
    for t in TABLES.values():
        assert t.name.startswith("ssd_") != t.extension, t.name
        if t.extension:
            assert t.name.startswith("cb_")
            assert all(f.extension for f in t.fields)


def test_keys_are_fields_and_field_names_unique():
    for t in TABLES.values():
        assert t.key is None or t.key in t.by_name, t.name
        assert len(t.columns) == len(set(t.columns)), t.name


def test_ssd_fields_match_the_specification():
    require_shared("reference", "ssd", "ssd_fields.csv")
    spec = {(r["table"], r["field"]) for r in csv.DictReader(SSD_FIELDS.open(encoding="utf-8"))}
    for t in TABLES.values():
        for f in t.fields:
            assert ((t.name, f.name) in spec) != f.extension, f"{t.name}.{f.name}"


def test_conform_adds_missing_columns_and_casts():
    t = table("ssd_person")
    df = t.conform(
        pl.DataFrame({"pers_person_id": ["1"], "pers_dob": ["2020-02-29"]}).with_columns(
            pl.col("pers_dob").str.to_date()
        )
    )
    assert df.columns == t.columns
    assert df.schema["pers_dob"] == pl.Date
    assert df["pers_sex"].to_list() == [None]


def test_conform_refuses_unknown_columns():
    with pytest.raises(ValueError, match="ssd_person: unknown columns \\['shoe_size'\\]"):
        table("ssd_person").conform(pl.DataFrame({"shoe_size": [4]}))


def test_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="known tables: ssd_person"):
        table("ssd_shoes")


def test_person_field_is_found():
    assert table("ssd_cp_plans").person_field == "cppl_person_id"
    assert table("ssd_department").person_field is None

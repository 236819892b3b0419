"""The SSDA903 format end to end: write a year's return from generated data, read it back."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from careboard.engine.formats import ssda903
from careboard.engine.generate import generate_council
from careboard.engine.store import Dataset
from tests.engine.formats.roundtrip import differences

YEARS = (2025, 2026)  # 2024/25 (sex as M/F from this year) and 2025/26


@pytest.fixture(scope="module")
def council() -> Dataset:
    return Dataset(
        generate_council(
            seed=11, population=6000, start=date(2022, 4, 1), end=date(2026, 3, 31), journey="steady"
        )
    )


@pytest.mark.parametrize("year", YEARS)
def test_csv_round_trip_keeps_every_field_the_return_carries(council, tmp_path, year):
    before = ssda903.tables_for_year(council, year)
    assert before["episodes"].height > 0 and before["header"].height > 0
    back = ssda903.read(ssda903.write(council, tmp_path, year=year))
    assert back.errors == []
    assert differences(before, ssda903.tables_for_year(back.dataset(), year)) == []


def test_xml_round_trip_keeps_every_field_the_return_carries(council, tmp_path):
    before = ssda903.tables_for_year(council, 2025)
    back = ssda903.read(ssda903.write(council, tmp_path / "return.xml", year=2025))
    assert back.errors == []
    assert differences(before, ssda903.tables_for_year(back.dataset(), 2025)) == []


def test_rewriting_what_was_read_gives_the_same_files(council, tmp_path):
    first = ssda903.write(council, tmp_path / "a", year=2025)
    second = ssda903.write(ssda903.read(first).dataset(), tmp_path / "b", year=2025)
    for a, b in zip(first, second, strict=True):
        assert a.read_text() == b.read_text(), a.name


def test_episodes_read_back_match_the_original_episodes_of_the_year(council, tmp_path):
    start, end = ssda903.year_bounds(2025)
    back = ssda903.read(ssda903.write(council, tmp_path, year=2025)).dataset()
    cols = ["clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_start_reason"]
    original = council["ssd_cla_episodes"].filter(
        (pl.col("clae_cla_episode_start_date") <= end)
        & (
            pl.col("clae_cla_episode_ceased_date").is_null()
            | (pl.col("clae_cla_episode_ceased_date") >= start)
        )
    )
    assert back["ssd_cla_episodes"].select(cols).sort(cols).equals(original.select(cols).sort(cols))


def test_the_year_holds_only_what_was_known_by_31_march(council):
    start, end = ssda903.year_bounds(2025)
    tables = ssda903.tables_for_year(council, 2025)
    for name, df in tables.items():
        for col, dtype in df.schema.items():
            if dtype == pl.Date and col not in ("DOB", "DUC"):  # DUC: the 18th birthday, known ahead
                assert df.filter(pl.col(col) > end).height == 0, (name, col)
    episodes = tables["episodes"]
    assert episodes.filter(pl.col("DEC") < start).height == 0
    assert episodes.filter(pl.col("DEC").is_null() & pl.col("REC").is_not_null()).height == 0


def test_sex_is_written_1_2_before_2024_25_and_m_f_from_then(council):
    assert set(ssda903.tables_for_year(council, 2024)["header"]["SEX"].unique()) <= {"1", "2", "U"}
    assert set(ssda903.tables_for_year(council, 2025)["header"]["SEX"].unique()) <= {"M", "F", "U"}


def test_files_are_the_ten_tables_with_the_dfe_columns(council, tmp_path):
    paths = ssda903.write(council, tmp_path, year=2025)
    assert [p.name for p in paths] == [
        "header.csv",
        "episodes.csv",
        "reviews.csv",
        "uasc.csv",
        "oc2.csv",
        "oc3.csv",
        "ad1.csv",
        "placed_for_adoption.csv",
        "previous_permanence.csv",
        "missing.csv",
    ]
    for path in paths:
        header = path.read_text().splitlines()[0].split(",")
        assert ssda903.identify(header) == path.stem


def test_text_a_spreadsheet_would_run_is_neutralised(tmp_path):
    person = pl.DataFrame(
        {"pers_person_id": ["=HYPERLINK(1)"], "pers_sex": ["F"], "pers_dob": [date(2010, 1, 1)]}
    )
    episodes = pl.DataFrame(
        {
            "clae_cla_episode_id": ["e"],
            "clae_person_id": ["=HYPERLINK(1)"],
            "clae_cla_episode_start_date": [date(2024, 5, 1)],
            "clae_cla_episode_start_reason": ["S"],
        }
    )
    paths = ssda903.write(Dataset({"ssd_person": person, "ssd_cla_episodes": episodes}), tmp_path, year=2025)
    text = (tmp_path / "header.csv").read_text()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text and not text.splitlines()[1].startswith("=")
    assert len(paths) == 10


def test_as_at_picks_the_latest_collection_year_ended(council, tmp_path):
    by_date = ssda903.write(council, tmp_path / "a", as_at=date(2025, 6, 30))
    by_year = ssda903.write(council, tmp_path / "b", year=2025)
    assert [p.read_text() for p in by_date] == [p.read_text() for p in by_year]


def test_ruleset_names_the_collection_year():
    assert ssda903.ruleset(2025) == "lac2024_25"
    assert ssda903.year_bounds(2025) == (date(2024, 4, 1), date(2025, 3, 31))


def test_writing_needs_a_year_or_a_date(council, tmp_path):
    with pytest.raises(ValueError, match="collection year"):
        ssda903.write(council, Path(tmp_path))

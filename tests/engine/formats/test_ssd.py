import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from careboard.engine.formats import ssd
from careboard.engine.schema import table
from careboard.engine.store import Dataset

PEOPLE = (
    "pers_person_id,pers_dob,pers_sex,pers_send_flag,pers_forename\n"
    "1,01/02/2015,M,1,Zoë\n"
    "2,2016-05-04,F,N,Ann\n"
    "3,45000,F,true,Bo\n"
)


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_folder_of_messy_csvs_reads_into_canonical_types(tmp_path: Path):
    _write(tmp_path, "ssd_person.csv", PEOPLE)
    _write(
        tmp_path, "ssd_cin_episodes.csv", "cine_referral_id,cine_person_id,cine_referral_date\n10,1,5/6/24\n"
    )
    result = ssd.read([tmp_path])
    assert result.issues == []
    people = result.tables["ssd_person"]
    assert people["pers_dob"].to_list() == [date(2015, 2, 1), date(2016, 5, 4), date(2023, 3, 15)]
    assert people["pers_send_flag"].to_list() == ["Y", "N", "Y"]
    assert people["pers_forename"].to_list() == ["Zoë", "Ann", "Bo"]
    assert result.tables["ssd_cin_episodes"]["cine_referral_date"].to_list() == [date(2024, 6, 5)]
    assert result.rows_read == {"ssd_cin_episodes.csv": 1, "ssd_person.csv": 3}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_1252_files_read_the_same(tmp_path: Path, encoding: str):
    _write(tmp_path, "ssd_person.csv", PEOPLE, encoding)
    result = ssd.read([tmp_path / "ssd_person.csv"])
    assert result.issues == []
    assert result.tables["ssd_person"]["pers_forename"].to_list() == ["Zoë", "Ann", "Bo"]


def test_bad_values_are_located_and_the_other_rows_kept(tmp_path: Path):
    _write(
        tmp_path,
        "ssd_person.csv",
        "pers_person_id,pers_dob\n1,2015-01-01\n2,31/02/2024\n3,\n1,2015-01-02\n",
    )
    result = ssd.read([tmp_path])
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "3"]
    located = [(i.code, i.file, i.table, i.row, i.column, i.value) for i in result.issues]
    assert ("DATE_IMPOSSIBLE", "ssd_person.csv", "ssd_person", 3, "pers_dob", "31/02/2024") in located
    assert ("DUPLICATE_ID", "ssd_person.csv", "ssd_person", 5, "pers_person_id", "1") in located


def test_rows_naming_children_who_do_not_exist_are_errors(tmp_path: Path):
    _write(tmp_path, "ssd_person.csv", PEOPLE)
    _write(tmp_path, "ssd_cin_episodes.csv", "cine_referral_id,cine_person_id\n10,1\n11,42\n")
    result = ssd.read([tmp_path])
    assert [(i.code, i.row, i.value) for i in result.issues] == [("UNKNOWN_CHILD", 3, "42")]
    assert result.tables["ssd_cin_episodes"]["cine_referral_id"].to_list() == ["10"]


def test_unknown_tables_and_columns_are_reported_not_dropped_silently(tmp_path: Path):
    _write(tmp_path, "ssd_person.csv", "pers_person_id,shoe_size\n1,4\n")
    _write(tmp_path, "ssd_family.csv", "fami_table_id\n1\n2\n")
    _write(tmp_path, "people.csv", "x\n1\n")
    codes = {(i.code, i.file) for i in ssd.read([tmp_path]).issues}
    assert codes == {
        ("COLUMN_UNKNOWN", "ssd_person.csv"),
        ("TABLE_NOT_USED", "ssd_family.csv"),
        ("TABLE_UNKNOWN", "people.csv"),
    }


def test_a_table_without_its_identifier_column_is_not_read(tmp_path: Path):
    _write(tmp_path, "ssd_person.csv", "pers_sex\nM\n")
    result = ssd.read([tmp_path])
    assert {i.code for i in result.errors} == {"COLUMN_MISSING", "ROWS_NOT_READ"}
    assert "ssd_person" not in result.tables


def test_empty_ragged_and_binary_files_are_issues_not_crashes(tmp_path: Path):
    _write(tmp_path, "ssd_person.csv", "")
    _write(tmp_path, "ssd_contacts.csv", 'cont_contact_id,cont_person_id\n1,2,3,4\n"unclosed\n')
    (tmp_path / "ssd_address.parquet").write_bytes(b"PAR1 truncated")
    result = ssd.read([tmp_path])
    assert {(i.file, i.code) for i in result.issues} >= {
        ("ssd_person.csv", "FILE_EMPTY"),
        ("ssd_address.parquet", "FILE_UNREADABLE"),
    }
    assert all(i.level == "error" for i in result.issues if i.file != "ssd_contacts.csv")


def test_parquet_tables_read_with_their_types(tmp_path: Path):
    pl.DataFrame(
        {"pers_person_id": [1, 2], "pers_dob": [date(2015, 1, 1), None], "pers_sex": ["M", "F"]}
    ).write_parquet(tmp_path / "ssd_person.parquet")
    result = ssd.read([tmp_path])
    assert result.issues == []
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "2"]


def _dataset() -> Dataset:
    return Dataset(
        {
            "ssd_person": pl.DataFrame(
                {
                    "pers_person_id": ["1", "2"],
                    "pers_dob": [date(2015, 1, 1), date(2016, 2, 29)],
                    "pers_sex": ["M", "F"],
                    "pers_forename": ["=cmd|' /C calc'!A0", 'Zoë, "Jo"'],
                    "pers_send_flag": ["Y", None],
                }
            ),
            "ssd_contacts": pl.DataFrame(
                {
                    "cont_contact_id": ["c1"],
                    "cont_person_id": ["1"],
                    "cont_contact_date": [datetime(2024, 1, 5, 10, 22, 33, 123000)],
                    "cont_contact_outcome_json": ['{"outcome": "NFA"}'],
                }
            ),
            "cb_staff": pl.DataFrame({"staf_record_id": ["s1"], "staf_fte": [0.6], "staf_agency": ["N"]}),
            "ssd_cla_placement": pl.DataFrame(
                {
                    "clap_cla_placement_id": ["p1"],
                    "clap_cla_placement_distance": [12.5],
                    "clap_person_id": ["2"],
                }
            ),
        }
    )


def test_writing_then_reading_a_folder_gives_back_every_field(tmp_path: Path):
    data = _dataset()
    written = ssd.write(data, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(f"{n}.csv" for n in data)
    back = ssd.read([tmp_path / "out"])
    assert back.issues == []
    for name in data:
        assert back.tables[name].equals(table(name).conform(data[name])), name


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    path = tmp_path / "ssd.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table ssd_person (pers_person_id integer, pers_dob text, pers_send_flag text)")
        conn.executemany(
            "insert into ssd_person values (?, ?, ?)",
            [(1, "2015-01-01", "1"), (2, "31/02/2024", "0"), (3, "03/04/2016", None)],
        )
        conn.execute("create table ssd_cin_episodes (cine_referral_id text, cine_person_id text)")
        conn.executemany("insert into ssd_cin_episodes values (?, ?)", [("r1", "1"), ("r2", "9")])
        conn.execute("create table ssd_version_log (v text)")
        conn.execute("create table unrelated (a text)")
    return f"sqlite:///{path}"


def test_an_sqlite_ssd_database_reads_like_a_folder(sqlite_url: str):
    result = ssd.read_database(sqlite_url)
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "3"]
    assert result.tables["ssd_person"]["pers_send_flag"].to_list() == ["Y", None]
    assert sorted((i.code, i.table, i.row or 0) for i in result.issues) == [
        ("DATE_IMPOSSIBLE", "ssd_person", 2),
        ("TABLE_NOT_USED", "ssd_version_log", 0),
        ("UNKNOWN_CHILD", "ssd_cin_episodes", 2),
    ]


def test_reading_an_sqlite_database_changes_nothing(sqlite_url: str):
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    before = path.read_bytes()
    ssd.read([sqlite_url])
    assert path.read_bytes() == before


def test_a_missing_or_broken_database_is_an_issue(tmp_path: Path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    for url in (f"sqlite:///{tmp_path / 'none.db'}", f"sqlite:///{bad}", "postgresql://nobody@127.0.0.1:1/x"):
        result = ssd.read_database(url)
        assert [i.code for i in result.issues] == ["DATABASE_UNREADABLE"], url


def test_passwords_are_not_shown_in_messages():
    assert ssd.redact("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


PG = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with conn:
        conn.execute(f"create schema {name}")
        try:
            yield name
        finally:
            conn.execute(f"drop schema {name} cascade")


def test_a_postgresql_ssd_database_reads_with_its_types(pg_schema: str):
    import psycopg

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"set search_path = {pg_schema}")
        conn.execute(
            "create table ssd_person"
            " (pers_person_id bigint, pers_dob date, pers_send_flag boolean, pers_sex text)"
        )
        conn.execute("insert into ssd_person values (1, '2015-01-02', true, 'M'), (2, null, false, 'F')")
        conn.execute(
            "create table ssd_contacts"
            " (cont_contact_id text, cont_person_id text, cont_contact_date timestamp)"
        )
        conn.execute(
            "insert into ssd_contacts values ('c1', '1', '2024-01-02 10:00'), ('c2', '7', '2024-01-03 11:00')"
        )
    result = ssd.read([f"{PG}?options=-csearch_path%3D{pg_schema}"])
    people = result.tables["ssd_person"]
    assert people["pers_person_id"].to_list() == ["1", "2"]
    assert people["pers_dob"].to_list() == [date(2015, 1, 2), None]
    assert people["pers_send_flag"].to_list() == ["Y", "N"]
    assert result.tables["ssd_contacts"]["cont_contact_date"].to_list() == [datetime(2024, 1, 2, 10)]
    assert [(i.code, i.table, i.row, i.value) for i in result.issues] == [
        ("UNKNOWN_CHILD", "ssd_contacts", 2, "7")
    ]


def test_a_generated_council_survives_the_round_trip(tmp_path: Path):
    from careboard.engine.generate import generate_council

    data = Dataset(
        generate_council(
            seed=11, population=1500, start=date(2024, 4, 1), end=date(2025, 3, 31), journey="steady"
        )
    )
    ssd.write(data, tmp_path / "ssd")
    back = ssd.read([tmp_path / "ssd"])
    assert back.errors == []
    for name in data:
        if data[name].height:
            assert back.tables[name].equals(data[name]), name

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from careboard.cli import main
from careboard.engine.store import Dataset, read_dataset, write_dataset

PEOPLE = "pers_person_id,pers_dob,pers_sex\n1,01/02/2015,M\n2,2016-05-04,F\n"
BAD_PEOPLE = "pers_person_id,pers_dob,pers_sex\n1,01/02/2015,M\n2,31/02/2016,F\n"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _folder(tmp_path: Path, name: str, people: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "ssd_person.csv").write_text(people)
    (folder / "ssd_cin_episodes.csv").write_text("cine_referral_id,cine_person_id\nr1,1\nr2,2\n")
    return folder


def test_validate_reports_no_problems_and_exits_zero(tmp_path: Path):
    result = _run("validate", str(_folder(tmp_path, "in", PEOPLE)))
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output
    assert "ssd_person" in result.output


def test_validate_names_file_row_and_column_and_exits_one(tmp_path: Path):
    out = tmp_path / "issues.csv"
    result = _run("validate", str(_folder(tmp_path, "in", BAD_PEOPLE)), "--issues-out", str(out))
    assert result.exit_code == 1
    assert "DATE_IMPOSSIBLE" in result.output
    assert "ssd_person.csv, ssd_person, row 3, column 'pers_dob'" in result.output
    assert "31/02/2016" in result.output
    saved = pl.read_csv(out)
    assert saved.select("code", "file", "row", "column").rows() == [
        ("DATE_IMPOSSIBLE", "ssd_person.csv", 3, "pers_dob")
    ]


def test_validate_writes_issues_as_json(tmp_path: Path):
    out = tmp_path / "issues.json"
    _run("validate", str(_folder(tmp_path, "in", BAD_PEOPLE)), "--issues-out", str(out))
    assert [i["code"] for i in json.loads(out.read_text())] == ["DATE_IMPOSSIBLE"]


def test_issues_out_must_be_csv_or_json(tmp_path: Path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--issues-out", "x.txt"])
    assert result.exit_code == 2
    assert ".csv or .json" in result.output


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.xlsx", b"PK\x03\x04broken"), ("b.xml", b"<Message><Head"), ("c.csv", b""), ("d.pdf", b"%PDF-1.4")],
)
def test_broken_files_give_a_clear_message_not_a_traceback(tmp_path: Path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert name in result.output


def _existing(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    write_dataset({"ssd_person": pl.DataFrame({"pers_person_id": ["old"]})}, store)
    return store


def test_import_refuses_on_errors_and_changes_nothing(tmp_path: Path):
    store = _existing(tmp_path)
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    result = _run("import", str(_folder(tmp_path, "in", BAD_PEOPLE)), "--out", str(store))
    assert result.exit_code == 1
    assert "Import refused" in result.output
    assert {p.name: p.read_bytes() for p in store.iterdir()} == before


def test_import_with_allow_errors_keeps_the_good_rows(tmp_path: Path):
    store = _existing(tmp_path)
    result = _run("import", str(_folder(tmp_path, "in", BAD_PEOPLE)), "--out", str(store), "--allow-errors")
    assert result.exit_code == 0, result.output
    assert "left out" in result.output
    data = read_dataset(store)
    assert data["ssd_person"]["pers_person_id"].to_list() == ["1"]
    assert sorted(data["ssd_cin_episodes"]["cine_referral_id"].to_list()) == ["r1", "r2"]


def test_import_writes_the_canonical_folder(tmp_path: Path):
    store = tmp_path / "store"
    result = _run("import", str(_folder(tmp_path, "in", PEOPLE)), "--out", str(store))
    assert result.exit_code == 0, result.output
    people = read_dataset(store)["ssd_person"]
    assert people["pers_dob"].to_list() == [date(2015, 2, 1), date(2016, 5, 4)]


def test_import_of_nothing_readable_writes_nothing(tmp_path: Path):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello")
    result = CliRunner().invoke(main, ["import", str(junk), "--out", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert not (tmp_path / "store").exists()


def _canonical(tmp_path: Path) -> Path:
    data = Dataset(
        {
            "ssd_person": pl.DataFrame(
                {"pers_person_id": ["1"], "pers_sex": ["F"], "pers_dob": [date(2015, 1, 1)]}
            ),
            "ssd_contacts": pl.DataFrame(
                {"cont_contact_id": ["c1"], "cont_person_id": ["1"], "cont_contact_date": [date(2025, 1, 2)]}
            ),
            "cb_staff": pl.DataFrame(
                {
                    "staf_record_id": ["r1"],
                    "staf_staff_id": ["s1"],
                    "staf_swe_registration": ["SW123456"],
                    "staf_agency": ["N"],
                    "staf_fte": [1.0],
                    "staf_start_date": [date(2020, 1, 1)],
                }
            ),
        }
    )
    return write_dataset(dict(data), tmp_path / "canonical")


def test_export_writes_annex_a_and_the_workforce_census(tmp_path: Path):
    data = _canonical(tmp_path)
    out = tmp_path / "aa.xlsx"
    result = _run("export", "annex-a", "--data", str(data), "--as-at", "2025-03-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    result = _run("export", "workforce", "--data", str(data), "--year", "2025", "--out", str(tmp_path / "w"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "csww_2025.xml").exists()
    # This small canonical folder has no cb_population, so no LA number: said, not hidden.
    assert "Warning: Workforce census: cb_population holds no three-digit LA number" in result.output


def test_export_needs_exactly_one_of_as_at_and_year(tmp_path: Path):
    data = _canonical(tmp_path)
    for extra in ([], ["--as-at", "2025-03-31", "--year", "2025"]):
        result = CliRunner().invoke(main, ["export", "annex-a", "--data", str(data), "--out", "x", *extra])
        assert result.exit_code == 2
        assert "exactly one" in result.output


def test_an_xml_bomb_is_refused_quickly_with_a_clear_message(tmp_path: Path):
    from tests.engine.formats.test_common import BILLION_LAUGHS

    bomb = tmp_path / "census.xml"
    bomb.write_text(
        BILLION_LAUGHS.replace("<Message><Header>", "<Message><Header><Collection>CSWW</Collection>")
    )
    result = CliRunner().invoke(main, ["validate", str(bomb)])
    assert result.exit_code == 1
    assert "census.xml" in result.output
    assert "lollol" not in result.output


def test_validate_and_import_take_the_903_collection_year(tmp_path: Path):
    from tests.engine.formats.test_ssda903_read_year import _return

    folder = _return(tmp_path / "r")[0].parent
    found = _run("validate", str(folder))
    assert found.exit_code == 0, found.output
    assert (
        "SSDA903 return read as 2024/25 (from the dates in the return: 2 of 3 fall in it, e.g. 30/01/2025"
        in found.output
    )
    given = _run("validate", str(folder), "--year", "2024")
    assert given.exit_code == 0, given.output
    assert "SSDA903 return read as 2023/24 (the year given)" in given.output
    assert "RETURN_YEAR_DIFFERS" in given.output
    store = tmp_path / "store"
    imported = _run("import", str(folder), "--out", str(store), "--year", "2024")
    assert imported.exit_code == 0, imported.output
    sdq = read_dataset(store)["ssd_sdq_scores"]
    assert sdq["csdq_sdq_completed_date"].to_list() == [date(2024, 3, 31)]
    for command in ("validate", "import"):
        assert "--year" in _run(command, "--help").output

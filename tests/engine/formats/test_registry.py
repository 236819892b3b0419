from pathlib import Path

from careboard.engine.formats.registry import FORMATS, detect, group, read_any
from tests.conftest import SHARED, require_shared

SAMPLES = SHARED / "samples"


def test_every_format_has_a_module_name():
    assert set(FORMATS) == {"ssd", "annex-a", "ssda903", "cin-census", "workforce"}


def test_xml_is_told_apart_by_root_and_collection(tmp_path: Path):
    cin, csww, e903, other = (tmp_path / n for n in ("a.xml", "b.xml", "c.xml", "d.xml"))
    cin.write_text(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails>"
        "</Header></Message>"
    )
    csww.write_text(
        "<Message><Header><CollectionDetails><Collection>CSWW</Collection>"
        "</CollectionDetails></Header></Message>"
    )
    e903.write_text("<EXPSSDA903><CHILD/></EXPSSDA903>")
    other.write_text("<html><body/></html>")
    assert [detect(p) for p in (cin, csww, e903, other)] == ["cin-census", "workforce", "ssda903", "unknown"]


def test_csv_is_told_apart_by_name_and_columns(tmp_path: Path):
    ssd, episodes, unknown = tmp_path / "ssd_person.csv", tmp_path / "eps.csv", tmp_path / "x.csv"
    ssd.write_text("pers_person_id\n1\n")
    episodes.write_text("CHILD,DECOM,RNE,LS\n1,01/01/2020,S,C2\n")
    unknown.write_text("a,b\n1,2\n")
    renamed = tmp_path / "people.csv"
    renamed.write_text("pers_person_id,pers_sex\n1,M\n")
    assert [detect(p) for p in (ssd, episodes, unknown, renamed)] == ["ssd", "ssda903", "unknown", "ssd"]


def test_a_folder_of_ssd_tables_and_a_database_url_are_ssd(tmp_path: Path):
    (tmp_path / "ssd_person.parquet").write_bytes(b"")
    assert detect(tmp_path) == "ssd"
    assert detect("sqlite:///x.db") == "ssd"
    assert detect("postgresql://localhost/test") == "ssd"


def test_broken_and_missing_files_are_unknown(tmp_path: Path):
    bad_xlsx = tmp_path / "a.xlsx"
    bad_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    bad_xml = tmp_path / "b.xml"
    bad_xml.write_text("<Message><Hea")
    assert detect(bad_xlsx) == "unknown"
    assert detect(bad_xml) == "unknown"
    assert detect(tmp_path / "nothing.csv") == "unknown"


def test_read_any_reports_files_it_cannot_place(tmp_path: Path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = read_any([text, empty, tmp_path / "gone.xml"])
    assert [(i.file, i.code) for i in result.issues] == [
        ("notes.txt", "FORMAT_UNKNOWN"),
        ("empty.csv", "FILE_EMPTY"),
        ("gone.xml", "FILE_NOT_FOUND"),
    ]
    assert result.tables == {}


def test_grouping_keeps_database_urls_as_text(tmp_path: Path):
    grouped = group(["sqlite:///a.db"])
    assert grouped.databases == ["sqlite:///a.db"]


def test_public_samples_are_detected():
    require_shared("samples")
    assert detect(SAMPLES / "annex_a" / "Annex_A_2024_Jan.xlsx") == "annex-a"
    assert detect(SAMPLES / "csww" / "social_work_workforce_2022.xml") == "workforce"
    assert detect(SAMPLES / "cin_census" / "fake_CIN_data.xml") == "cin-census"
    assert detect(SAMPLES / "ssda903" / "fake_903.xml") == "ssda903"
    assert detect(SAMPLES / "ssda903" / "validator_fake" / "episodes.csv") == "ssda903"


def test_other_files_in_an_ssd_folder_are_not_skipped(tmp_path: Path):
    (tmp_path / "ssd_person.csv").write_text("pers_person_id\n1\n")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "csww.xml").write_text(
        "<Message><Header><CollectionDetails><Collection>CSWW</Collection></CollectionDetails></Header>"
        "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000123456</SWENo></CSWWWorker></Message>"
    )
    result = read_any([tmp_path])
    assert result.tables["ssd_person"].height == 1
    assert result.tables["cb_staff"].height == 1
    assert ("notes.docx", "FORMAT_UNKNOWN") in [(i.file, i.code) for i in result.issues]

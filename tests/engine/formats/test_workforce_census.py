from datetime import date
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from careboard.engine.formats import workforce_census as csww
from careboard.engine.formats.identifiers import LaNumberUnknown
from careboard.engine.generate import generate_council
from careboard.engine.store import Dataset
from tests.conftest import SHARED, require_shared

XSD = SHARED / "reference" / "workforce" / "CSWW_schema_2022_liiatools.xsd"
REF = date(2025, 9, 30)


@pytest.fixture(scope="module")
def council() -> Dataset:
    return Dataset(
        generate_council(seed=5, population=3000, start=date(2024, 10, 1), end=REF, journey="steady")
    )


def _message(workers: str, collection: str = "CSWW") -> str:
    return (
        f"<Message><Header><CollectionDetails><Collection>{collection}</Collection><Year>2025</Year>"
        "</CollectionDetails></Header><LALevelVacancies><NumberOfVacancies>1.00</NumberOfVacancies>"
        "<NoAgencyFTE>0.00</NoAgencyFTE><NoAgencyHeadcount>0</NoAgencyHeadcount></LALevelVacancies>"
        f"{workers}</Message>"
    )


WORKER = (
    "<CSWWWorker><AgencyWorker>{agency}</AgencyWorker><SWENo>{swe}</SWENo><FTE>{fte}</FTE>"
    "<PersonBirthDate>{dob}</PersonBirthDate><GenderCurrent>2</GenderCurrent><Ethnicity>WBRI</Ethnicity>"
    "<QualInst>Uni</QualInst><OrgRole>5</OrgRole><RoleStartDate>2020-01-06</RoleStartDate>"
    "<ReasonLeave>1</ReasonLeave><Cases30>14</Cases30></CSWWWorker>"
)


def _worker(**kw: str) -> str:
    values = {"agency": "0", "swe": "SW0000123456", "fte": "1.000000", "dob": "1990-05-01", **kw}
    return WORKER.format(**values)


def test_workers_are_read_into_staff_records(tmp_path: Path):
    path = tmp_path / "csww.xml"
    path.write_text(_message(_worker() + _worker(agency="1", swe="SW0000654321", fte="0.5")))
    result = csww.read([path])
    staff = result.tables["cb_staff"]
    assert staff.select(
        "staf_swe_registration", "staf_agency", "staf_fte", "staf_role", "staf_leaving_reason"
    ).rows() == [
        ("SW123456", "N", 1.0, "5", "RES1"),
        ("SW654321", "Y", 0.5, "5", "RES1"),
    ]
    assert staff["staf_dob"].to_list() == [date(1990, 5, 1)] * 2
    assert result.tables["ssd_professionals"]["prof_professional_caseload"].to_list() == [14, 14]
    assert [i.code for i in result.issues] == ["ELEMENT_NOT_HELD"]


def test_bad_values_are_located_by_line_and_element(tmp_path: Path):
    path = tmp_path / "csww.xml"
    body = "\n".join(
        [_worker(), _worker(swe="SW0000000002", dob="1990-02-31"), _worker(swe="SW0000123456", fte="3")]
    )
    path.write_text(_message("\n" + body))
    result = csww.read([path])
    located = {(i.code, i.row, i.column) for i in result.errors}
    assert located == {
        ("DATE_IMPOSSIBLE", 3, "PersonBirthDate"),
        ("NUMBER_OUT_OF_RANGE", 4, "FTE"),
        ("DUPLICATE_ID", 4, "SWENo"),
    }
    assert result.tables["cb_staff"]["staf_swe_registration"].to_list() == ["SW123456"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "FILE_EMPTY"),
        ("<Message><Header>", "XML_MALFORMED"),
        (_message("", collection="CIN"), "FORMAT_WRONG"),
        ("not xml at all", "XML_MALFORMED"),
        (
            '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message>&x;</Message>',
            "XML_DTD_FORBIDDEN",
        ),
    ],
)
def test_broken_files_are_issues_not_crashes(tmp_path: Path, text: str, code: str):
    path = tmp_path / "csww.xml"
    path.write_text(text)
    result = csww.read([path])
    assert [i.code for i in result.issues] == [code]
    assert result.tables == {}


def test_the_written_census_is_valid_against_the_xsd(tmp_path: Path, council: Dataset):
    require_shared("reference", "workforce", "CSWW_schema_2022_liiatools.xsd")
    (path,) = csww.write(council, tmp_path, year=2025)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    assert len(doc.findall("CSWWWorker")) > 50


def test_writing_then_reading_gives_back_every_field_the_census_carries(tmp_path: Path, council: Dataset):
    (path,) = csww.write(council, tmp_path / "csww.xml", as_at=REF)
    back = csww.read([path])
    assert back.errors == []
    fields = [
        "staf_swe_registration",
        "staf_agency",
        "staf_fte",
        "staf_dob",
        "staf_sex",
        "staf_ethnicity",
        "staf_role",
        "staf_start_date",
        "staf_leaving_date",
    ]
    original = csww.census_workers(council, REF)
    expected = original.with_columns(
        pl.when(pl.col("staf_leaving_reason").str.starts_with("RES")).then(pl.col("staf_leaving_reason"))
    )
    got = back.tables["cb_staff"]
    assert got.height == original.height
    key = "staf_swe_registration"
    assert (
        got.select(*fields, "staf_leaving_reason")
        .sort(key)
        .equals(expected.select(*fields, "staf_leaving_reason").sort(key))
    )
    cases = back.tables["ssd_professionals"].select(
        "prof_social_worker_registration_no", "prof_professional_caseload"
    )
    want = original.filter(pl.col("cases30").is_not_null()).select(key, pl.col("cases30").cast(pl.Int64))
    assert sorted(cases.rows()) == sorted(want.rows())


def test_swe_numbers_are_padded_for_the_census():
    assert csww.swe_for_census("SW592529") == "SW0000592529"
    assert csww.swe_for_census("SW0000592529") == "SW0000592529"


def test_the_public_sample_reads():
    require_shared("samples", "csww")
    result = csww.read([SHARED / "samples" / "csww" / "social_work_workforce_2022.xml"])
    assert result.tables["cb_staff"].height == 30


def test_a_census_too_old_is_flagged(tmp_path: Path):
    path = tmp_path / "csww.xml"
    path.write_text(_message(_worker()).replace("<Year>2025</Year>", "<Year>2012</Year>"))
    assert [i.code for i in csww.read([path]).issues] == ["YEAR_UNSUPPORTED", "ELEMENT_NOT_HELD"]


def test_the_header_names_the_council_by_its_la_number(tmp_path: Path, council: Dataset):
    (path,) = csww.write(council, tmp_path, year=2025)
    number = council["cb_population"]["popu_la_number"].drop_nulls()[0]
    assert etree.parse(str(path)).findtext("Header/Source/LEA") == number != "000"


def test_without_an_la_number_the_header_says_000_and_warns(tmp_path: Path, council: Dataset):
    data = Dataset(
        {**{name: council[name] for name in council}, "cb_population": council["cb_population"].clear()}
    )
    with pytest.warns(LaNumberUnknown, match="Workforce census"):
        (path,) = csww.write(data, tmp_path, year=2025)
    assert etree.parse(str(path)).findtext("Header/Source/LEA") == "000"

import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from careboard.engine.formats import annex_a
from careboard.engine.formats.annex_a import LISTS
from careboard.engine.generate import generate_council
from careboard.engine.store import Dataset

AS_AT = date(2025, 3, 31)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (date, datetime)):
                    sheet.write_datetime(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


CONTACT_HEAD = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age",
    "Date of Contact",
    "Contact Source",
]


def test_a_messy_contacts_list_reads_into_canonical_codes(tmp_path: Path):
    path = _workbook(
        tmp_path / "aa.xlsx",
        {
            "List 1": [
                ["Annex A - Sometown council - January"],
                [],
                [
                    "CHILD UNIQUE ID ",
                    "gender",
                    "Ethnicity",
                    "Date of birth",
                    "Age",
                    "Date of contact",
                    "Contact source",
                ],
                [
                    612306,
                    "Female",
                    "a) WBRI",
                    datetime(2015, 1, 25),
                    6,
                    datetime(2024, 9, 16),
                    "q) 6: Police",
                ],
                ["A12", "1 - Male", "k) APKN", "25/01/2015", None, "16-Sep-2024", "Health visitor"],
                ["A13", "M", "WBRI - White British", 42000, None, "2024-09-17", "j) Anonymous"],
            ]
        },
    )
    result = annex_a.read([path])
    assert result.issues == []
    people = result.tables["ssd_person"].sort("pers_person_id")
    assert people["pers_person_id"].to_list() == ["612306", "A12", "A13"]
    assert people["pers_sex"].to_list() == ["F", "M", "M"]
    assert people["pers_ethnicity"].to_list() == ["WBRI", "APKN", "WBRI"]
    assert people["pers_dob"].to_list() == [date(2015, 1, 25), date(2015, 1, 25), date(2014, 12, 27)]
    contacts = result.tables["ssd_contacts"]
    assert contacts["cont_contact_source_code"].to_list() == ["6", "3A", "9"]
    assert contacts["cont_contact_date"].to_list()[:2] == [datetime(2024, 9, 16), datetime(2024, 9, 16)]
    assert contacts["cont_contact_id"].to_list() == ["A1-4", "A1-5", "A1-6"]
    assert result.rows_read == {"aa.xlsx:List 1": 3}


def test_bad_values_are_located_by_sheet_row_and_heading(tmp_path: Path):
    path = _workbook(
        tmp_path / "aa.xlsx",
        {
            "List 1": [
                CONTACT_HEAD,
                ["1", "F", "a) WBRI", "31/02/2015", None, "2024-09-16", "g) Police"],
                [None, "F", "a) WBRI", "01/02/2015", None, "2024-09-16", "g) Police"],
                ["3", "F", "a) WBRI", "01/02/2015", None, "2024-09-16", "by carrier pigeon"],
                ["4", "F", "a) WBRI", "01/02/2015", None, "2024-09-16", "g) Police"],
            ]
        },
    )
    result = annex_a.read([path])
    located = {(i.level, i.code, i.table, i.row, i.column, i.value) for i in result.issues}
    assert located == {
        ("error", "DATE_IMPOSSIBLE", "List 1", 2, "Date of Birth", "31/02/2015"),
        ("error", "VALUE_MISSING", "List 1", 3, "Child Unique ID", None),
        ("warning", "VALUE_UNKNOWN", "List 1", 4, "Contact Source", "by carrier pigeon"),
    }
    # the rows with errors are kept out of every table; the warning row is kept with a blank
    assert result.tables["ssd_contacts"]["cont_person_id"].to_list() == ["3", "4"]
    assert sorted(result.tables["ssd_person"]["pers_person_id"].to_list()) == ["3", "4"]


def test_unknown_sheets_columns_and_a_missing_id_column_are_reported(tmp_path: Path):
    path = _workbook(
        tmp_path / "aa.xlsx",
        {
            "Notes": [["read me"]],
            "List 2": [["Gender", "Assessment start date", "Shoe size"], ["F", "2024-01-01", "4"]],
        },
    )
    codes = {(i.code, i.table) for i in annex_a.read([path]).issues}
    assert codes == {("SHEET_UNKNOWN", "Notes"), ("COLUMN_UNKNOWN", "List 2"), ("COLUMN_MISSING", "List 2")}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "FILE_EMPTY"),
        (b"Child Unique ID,Gender\n1,M\n", "FILE_UNREADABLE"),
        (b"PK\x03\x04" + b"\x00" * 200, "FILE_UNREADABLE"),
    ],
)
def test_broken_workbooks_are_issues_not_crashes(tmp_path: Path, content: bytes, code: str):
    path = tmp_path / "aa.xlsx"
    path.write_bytes(content)
    result = annex_a.read([path])
    assert [(i.code, i.file) for i in result.issues] == [(code, "aa.xlsx")]
    assert result.tables == {}


def test_a_truncated_workbook_is_an_issue(tmp_path: Path):
    good = _workbook(
        tmp_path / "good.xlsx", {"List 1": [CONTACT_HEAD, ["1", "F", "a) WBRI", None, None, None, None]]}
    )
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert [i.code for i in annex_a.read([cut]).issues] == ["FILE_UNREADABLE"]


def test_a_workbook_without_lists_is_an_error(tmp_path: Path):
    path = _workbook(tmp_path / "aa.xlsx", {"Sheet1": [["a"]]})
    assert {i.code for i in annex_a.read([path]).errors} == {"NO_LISTS"}


def test_adopters_are_counted_and_reported_not_dropped_silently(tmp_path: Path):
    path = _workbook(
        tmp_path / "aa.xlsx", {"List 11": [["Individual adopter identifier", "Gender"], ["7", "M"]]}
    )
    result = annex_a.read([path])
    assert [(i.code, i.level) for i in result.issues] == [("LIST_NOT_USED", "warning")]
    assert result.rows_read == {"aa.xlsx:List 11": 1}


def test_a_referral_and_its_cin_episode_become_one_episode(tmp_path: Path):
    child = ["7", "M", "a) WBRI", "2015-01-01", None]
    path = _workbook(
        tmp_path / "aa.xlsx",
        {
            "List 3": [
                [*CONTACT_HEAD[:5], "Date of Referral", "Referral Source", "Referral NFA?"],
                [*child, "2024-06-01", "b) Schools", "No"],
            ],
            "List 6": [
                [
                    *CONTACT_HEAD[:5],
                    "CIN Start Date",
                    "Primary Need Code",
                    "CIN Closure Date",
                    "Reason for Closure",
                ],
                [*child, "2024-06-01", "N1 - Abuse or neglect", "2024-12-01", "RC7"],
            ],
        },
    )
    cin = annex_a.read([path]).tables["ssd_cin_episodes"]
    assert cin.select(
        "cine_referral_id", "cine_referral_source_code", "cine_cin_primary_need_code", "cine_close_reason"
    ).rows() == [("A3-2", "2A", "N1", "RC7")]


@pytest.fixture(scope="module")
def council() -> Dataset:
    tables = generate_council(seed=3, population=2000, start=date(2024, 4, 1), end=AS_AT, journey="steady")
    return Dataset(tables)


def _carried(frames: dict[int, pl.DataFrame]) -> dict[int, pl.DataFrame]:
    """Each list without the columns Annex A derives (ages, counts), sorted for comparison."""
    out = {}
    for number, frame in frames.items():
        derived = {
            c.heading for c in LISTS[number].columns if c.kind == "derived" or c.heading.startswith("Age")
        }
        kept = frame.select([c for c in frame.columns if c not in derived])
        out[number] = kept.sort(kept.columns, nulls_last=True)
    return out


def test_writing_then_reading_gives_back_every_field_annex_a_carries(tmp_path: Path, council: Dataset):
    start = date(2024, 4, 1)
    (path,) = annex_a.write(council, tmp_path / "annex_a.xlsx", as_at=AS_AT)
    back = annex_a.read([path])
    assert back.errors == []
    original = _carried(annex_a.lists(council, as_at=AS_AT, start=start))
    again = _carried(annex_a.lists(back.dataset(), as_at=AS_AT, start=start))
    assert sum(f.height for f in original.values()) > 500
    for number in original:
        assert again[number].equals(original[number]), f"List {number}"


def test_the_workbook_has_ofsteds_lists_and_headings(tmp_path: Path, council: Dataset):
    import fastexcel

    (path,) = annex_a.write(council, tmp_path / "out", as_at=AS_AT)
    book = fastexcel.read_excel(str(path))
    assert book.sheet_names == [f"List {n}" for n in range(1, 12)]
    for n, spec in LISTS.items():
        sheet = book.load_sheet(f"List {n}", header_row=None, n_rows=1).to_polars()
        assert list(sheet.row(0)) == [c.heading for c in spec.columns]


def test_text_a_spreadsheet_would_run_is_neutralised(tmp_path: Path):
    data = Dataset(
        {
            "ssd_person": pl.DataFrame({"pers_person_id": ["1"], "pers_sex": ["F"]}),
            "ssd_early_help_episodes": pl.DataFrame(
                {
                    "earl_episode_id": ["e1"],
                    "earl_person_id": ["1"],
                    "earl_episode_start_date": [date(2025, 1, 2)],
                    "earl_episode_organisation": ['=HYPERLINK("http://x")'],
                }
            ),
        }
    )
    (path,) = annex_a.write(data, tmp_path / "aa.xlsx", as_at=AS_AT)
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))
    assert b"<f>" not in xml
    back = annex_a.read([path])
    assert back.tables["ssd_early_help_episodes"]["earl_episode_organisation"].to_list() == [
        '\'=HYPERLINK("http://x")'
    ]


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("a) WBRI", "WBRI"),
        ("WBRI - White British", "WBRI"),
        ("White British", "WBRI"),
        ("White - Irish", "WIRI"),
        ("White Irish Traveller", "WIRT"),
        ("Mixed - White and Black Caribbean", "MWBC"),
        ("Any other Mixed background", "MOTH"),
        ("Asian or Asian British - Pakistani", "APKN"),
        ("Black or Black British - African", "BAFR"),
        ("Information not yet obtained", "NOBT"),
        ("Refused", "REFU"),
        ("White", None),
    ],
)
def test_ethnicity_is_read_from_codes_and_descriptions(spelling: str, code: str | None):
    from careboard.engine.formats.annex_a_codes import code_for

    assert code_for("ethnicity", "Ethnicity", spelling) == code

"""Hypothesis fuzzing of the readers: whatever the bytes or text, a ReadResult comes back."""

import tempfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careboard.engine.formats import annex_a, ssd, workforce_census
from careboard.engine.formats.common import ReadResult
from careboard.engine.schema import table

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["", "Y", "N", "1", "0", "31/02/2024", "45000", "2024-13-01", "=1+1", "\ufeff", "NaN", "1e309"]
    ),
)


def _read(reader, name: str, data: bytes) -> ReadResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return reader.read([path])


def _check(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    for name, df in result.tables.items():
        assert df.columns == table(name).columns


@FUZZ
@given(st.binary(max_size=2000))
def test_ssd_reader_survives_any_bytes(data: bytes):
    _check(_read(ssd, "ssd_person.csv", data))


@FUZZ
@given(
    st.lists(st.sampled_from([*table("ssd_person").columns, "junk"]), min_size=1, max_size=6, unique=True),
    st.lists(st.lists(cell_text, min_size=0, max_size=7), max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_ssd_reader_survives_any_csv_text(header: list[str], rows: list[list[str]], encoding: str):
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    text = ",".join(header) + "\n" + "\n".join(",".join(cell(v) for v in row) for row in rows)
    _check(_read(ssd, "ssd_person.csv", text.encode(encoding, errors="replace")))


@FUZZ
@given(st.binary(max_size=2000))
def test_annex_a_reader_survives_any_bytes(data: bytes):
    _check(_read(annex_a, "annex.xlsx", b"PK\x03\x04" + data))


excel_cell = st.one_of(
    cell_text,
    st.integers(min_value=-(10**6), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.none(),
)


@FUZZ
@given(
    st.integers(min_value=1, max_value=12),
    st.lists(st.lists(excel_cell, max_size=10), max_size=8),
)
def test_annex_a_reader_survives_any_workbook_cells(number: int, rows: list[list[object]]):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "annex.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        sheet = book.add_worksheet(f"List {number}")
        headings = [c.heading for c in annex_a.LISTS.get(number, annex_a.LISTS[1]).columns]
        sheet.write_row(0, 0, headings)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day))
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
        book.close()
        _check(annex_a.read([path]))


@FUZZ
@given(st.binary(max_size=2000))
def test_workforce_reader_survives_any_bytes(data: bytes):
    _check(_read(workforce_census, "csww.xml", data))


ELEMENTS = [
    "AgencyWorker",
    "SWENo",
    "FTE",
    "PersonBirthDate",
    "GenderCurrent",
    "OrgRole",
    "ReasonLeave",
    "Cases30",
]


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(ELEMENTS), cell_text, max_size=8), max_size=6))
def test_workforce_reader_survives_any_worker_values(workers: list[dict[str, str]]):
    from xml.sax.saxutils import escape

    def clean(v: str) -> str:
        return escape("".join(ch for ch in v if ch.isprintable()))

    body = "".join(
        "<CSWWWorker>" + "".join(f"<{k}>{clean(v)}</{k}>" for k, v in w.items()) + "</CSWWWorker>"
        for w in workers
    )
    header = "<Header><CollectionDetails><Collection>CSWW</Collection></CollectionDetails></Header>"
    text = f"<Message>{header}{body}</Message>"
    _check(_read(workforce_census, "csww.xml", text.encode()))

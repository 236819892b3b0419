from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from careboard.engine.formats.common import (
    ROW,
    ReadResult,
    Where,
    convert_frame,
    finish_table,
    neutralise,
    neutralise_formulas,
    orphan_issues,
    parse_xml,
    sniff_encoding,
)

WHERE = Where("people.csv", "ssd_person")


def _person_frame(**cols: list[object]) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    return pl.DataFrame({ROW: list(range(2, 2 + n)), **cols}, strict=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),
        ("01/02/2024", date(2024, 2, 1)),
        ("1/2/2024", date(2024, 2, 1)),
        ("5/6/24", date(2024, 6, 5)),
        ("05-06-2024", date(2024, 6, 5)),
        ("05.06.2024", date(2024, 6, 5)),
        ("15 Jan 2024", date(2024, 1, 15)),
        ("15-Jan-24", date(2024, 1, 15)),
        ("15 Sept 2023", date(2023, 9, 15)),
        ("15 September 2023", date(2023, 9, 15)),
        ("2024-01-05 10:22:00", date(2024, 1, 5)),
        ("2024-01-05T10:22:00", date(2024, 1, 5)),
        ("20240131", date(2024, 1, 31)),
        ("45000", date(2023, 3, 15)),
        ("45000.75", date(2023, 3, 15)),
        (" 3/4/2024 ", date(2024, 4, 3)),
    ],
)
def test_dates_are_read_in_the_spellings_councils_use(text, expected):
    df, issues = convert_frame(_person_frame(pers_dob=[text]), "ssd_person", where=WHERE)
    assert issues == []
    assert df["pers_dob"].to_list() == [expected]


def test_an_impossible_date_is_an_error_naming_row_column_and_value():
    df, issues = convert_frame(
        _person_frame(pers_dob=["01/01/2020", "31/02/2024"]),
        "ssd_person",
        where=WHERE,
        headings={"pers_dob": "Date of Birth"},
    )
    assert [(i.level, i.code, i.row, i.column, i.value) for i in issues] == [
        ("error", "DATE_IMPOSSIBLE", 3, "Date of Birth", "31/02/2024")
    ]
    assert issues[0].file == "people.csv"
    assert df["pers_dob"].to_list() == [date(2020, 1, 1), None]


def test_text_that_is_not_a_date_is_unrecognised():
    _, issues = convert_frame(_person_frame(pers_dob=["soon"]), "ssd_person", where=WHERE)
    assert [i.code for i in issues] == ["DATE_UNRECOGNISED"]


def test_blank_dates_are_not_issues():
    df, issues = convert_frame(_person_frame(pers_dob=["", None, "  "]), "ssd_person", where=WHERE)
    assert issues == []
    assert df["pers_dob"].null_count() == 3


def test_excel_serials_and_datetime_cells_become_dates():
    raw = pl.DataFrame(
        {ROW: [2, 3], "pers_dob": [45000.0, 45001.5], "pers_death_date": [datetime(2024, 1, 2, 9), None]}
    )
    df, issues = convert_frame(raw, "ssd_person", where=WHERE)
    assert issues == []
    assert df["pers_dob"].to_list() == [date(2023, 3, 15), date(2023, 3, 16)]
    assert df["pers_death_date"].to_list() == [date(2024, 1, 2), None]


def test_datetimes_keep_the_time_of_day():
    raw = pl.DataFrame(
        {
            ROW: [2, 3, 4, 5],
            "cont_contact_date": ["2024-01-05 10:22:00", "03/04/2024 09:15", "45000.5", "2024-01-05"],
        }
    )
    df, issues = convert_frame(raw, "ssd_contacts", where=Where("c.csv", "ssd_contacts"))
    assert issues == []
    assert df["cont_contact_date"].to_list() == [
        datetime(2024, 1, 5, 10, 22),
        datetime(2024, 4, 3, 9, 15),
        datetime(2023, 3, 15, 12),
        datetime(2024, 1, 5),
    ]


def test_flags_are_read_from_their_many_spellings():
    values = ["Y", "1", "true", "Yes", "N", "0", "FALSE", "no", "maybe", None]
    df, issues = convert_frame(_person_frame(pers_send_flag=values), "ssd_person", where=WHERE)
    assert df["pers_send_flag"].to_list() == ["Y", "Y", "Y", "Y", "N", "N", "N", "N", None, None]
    assert [(i.code, i.level, i.value) for i in issues] == [("FLAG_INVALID", "warning", "maybe")]


def test_ids_typed_as_numbers_lose_the_spreadsheet_decimal():
    raw = pl.DataFrame({ROW: [2, 3], "pers_person_id": [1234.0, 55.5]})
    df, _ = convert_frame(raw, "ssd_person", where=WHERE)
    assert df["pers_person_id"].to_list() == ["1234", "55.5"]


def test_numbers_that_are_not_numbers_are_errors():
    raw = pl.DataFrame({ROW: [2, 3, 4], "clap_cla_placement_distance": ["1,200.5", "far", ""]})
    df, issues = convert_frame(raw, "ssd_cla_placement", where=Where("p.csv", "ssd_cla_placement"))
    assert df["clap_cla_placement_distance"].to_list() == [1200.5, None, None]
    assert [(i.code, i.row) for i in issues] == [("NUMBER_INVALID", 3)]


def test_duplicate_ids_keep_the_first_row_and_report_the_rest():
    raw = _person_frame(pers_person_id=["1", "1", "2", "2"], pers_sex=["M", "M", "F", "M"])
    result = ReadResult()
    finish_table(result, "ssd_person", raw, where=WHERE, issues=[])
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "2"]
    assert [(i.code, i.level, i.row) for i in result.issues] == [
        ("DUPLICATE_ROW", "warning", 3),
        ("DUPLICATE_ID", "error", 5),
    ]


def test_rows_with_errors_are_not_placed_but_the_others_are():
    raw = _person_frame(pers_person_id=["1", "2", "3"], pers_dob=["2020-01-01", "31/02/2024", ""])
    df, issues = convert_frame(raw, "ssd_person", where=WHERE)
    result = ReadResult()
    finish_table(result, "ssd_person", df, where=WHERE, issues=issues)
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "3"]
    assert len(result.errors) == 1


def test_rows_naming_unknown_children_are_reported():
    rows = pl.DataFrame({ROW: [2, 3], "cine_person_id": ["1", "99"]})
    issues = orphan_issues(rows, "cine_person_id", pl.Series(["1", "2"]), where=Where("cin.csv", "x"))
    assert [(i.code, i.row, i.value) for i in issues] == [("UNKNOWN_CHILD", 3, "99")]


def test_merging_results_appends_rows_and_adds_counts():
    a, b = ReadResult(), ReadResult()
    a.add_table("ssd_person", pl.DataFrame({"pers_person_id": ["1"]}))
    b.add_table("ssd_person", pl.DataFrame({"pers_person_id": ["2"]}))
    a.rows_read["a.csv"], b.rows_read["a.csv"] = 1, 2
    merged = a.merge(b)
    assert merged.tables["ssd_person"]["pers_person_id"].to_list() == ["1", "2"]
    assert merged.rows_read == {"a.csv": 3}


def test_encodings_are_sniffed(tmp_path: Path):
    plain, bom, windows = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    plain.write_bytes("name\nZoë\n".encode())
    bom.write_bytes(b"\xef\xbb\xbf" + "name\nZoë\n".encode())
    windows.write_bytes("name\nZoë – Brontë\n".encode("cp1252"))
    assert sniff_encoding(plain) == "utf-8"
    assert sniff_encoding(bom) == "utf-8-sig"
    assert sniff_encoding(windows) == "cp1252"


@pytest.mark.parametrize("text", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_text_is_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise_formulas(pl.DataFrame({"a": [text]}))["a"].to_list() == ["'" + text]


def test_ordinary_text_is_left_alone():
    df = pl.DataFrame({"a": ["Smith", None], "n": [1, 2]})
    assert neutralise_formulas(df).equals(df)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header>&lol9;</Header></Message>
"""


def test_an_xml_bomb_is_refused_without_expanding_it(tmp_path: Path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BILLION_LAUGHS)
    root, issues = parse_xml(bomb)
    assert root is None
    assert [i.code for i in issues] == ["XML_DTD_FORBIDDEN"]
    assert issues[0].file == "bomb.xml"


def test_an_external_entity_is_not_fetched(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file://{secret}">]><Message>&x;</Message>'
    )
    root, issues = parse_xml(xxe)
    assert root is None
    assert [i.code for i in issues] == ["XML_DTD_FORBIDDEN"]
    assert "TOP SECRET" not in str(issues)


def test_truncated_xml_names_the_line(tmp_path: Path):
    broken = tmp_path / "cut.xml"
    broken.write_text("<Message>\n<Header>\n<Collection>CIN</Coll")
    root, issues = parse_xml(broken)
    assert root is None
    assert issues[0].code == "XML_MALFORMED"
    assert issues[0].row == 3


def test_empty_and_too_deep_xml_are_refused(tmp_path: Path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    deep = tmp_path / "deep.xml"
    deep.write_text("<a>" * 100 + "</a>" * 100)
    assert parse_xml(empty)[1][0].code == "FILE_EMPTY"
    assert parse_xml(deep)[1][0].code == "XML_TOO_DEEP"


def test_nesting_is_refused_just_past_the_limit_and_past_libxml2s_own(tmp_path: Path):
    at_limit = tmp_path / "at.xml"
    at_limit.write_text("<a>" * 64 + "</a>" * 64)
    past = tmp_path / "past.xml"
    past.write_text("<Message>" + "<a>" * 64 + "</a>" * 64 + "</Message>")
    # libxml2 stops at 256 levels while parsing; that is reported as too deep, not as malformed
    bomb = tmp_path / "bomb.xml"
    bomb.write_text("<a>" * 5000 + "</a>" * 5000)
    root, issues = parse_xml(at_limit)
    assert root is not None and issues == []
    assert [i.code for i in parse_xml(past)[1]] == ["XML_TOO_DEEP"]
    assert [i.code for i in parse_xml(bomb)[1]] == ["XML_TOO_DEEP"]
    assert parse_xml(past, max_depth=65)[1] == []


def test_depth_is_counted_in_every_branch_and_namespace(tmp_path: Path):
    # a wide file whose one deep branch is its last, inside a namespace and beside comments
    ns = "http://www.example.org/ns"
    branch = "<b><!-- note -->" * 64 + "</b>" * 64  # 65 deep with the root
    wide = tmp_path / "wide.xml"
    rows = "<m:c><m:d>x</m:d></m:c>" * 1000
    wide.write_text(f'<m:Message xmlns:m="{ns}">{rows}{branch}</m:Message>')
    assert [i.code for i in parse_xml(wide)[1]] == ["XML_TOO_DEEP"]
    assert parse_xml(wide, max_depth=65)[1] == []


def test_good_xml_parses(tmp_path: Path):
    good = tmp_path / "ok.xml"
    good.write_text("<Message><Header/></Message>")
    root, issues = parse_xml(good)
    assert issues == []
    assert root is not None and root.tag == "Message"

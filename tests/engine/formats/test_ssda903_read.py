"""Reading SSDA903 files as councils send them: messy, old, broken or hostile."""

import resource
import subprocess
import sys
import tempfile
import textwrap
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careboard.engine.formats import ssda903
from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.ssda903_read import birthday_in_year
from careboard.engine.formats.ssda903_spec import COLUMNS
from careboard.engine.schema import table

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _codes(result: ReadResult) -> set[str]:
    return {i.code for i in result.issues}


def test_tables_are_known_by_their_columns_not_their_names(tmp_path):
    a = _write(tmp_path, "x.csv", HEADER + "1,M,01/02/2010,WBRI,UN1,,\n")
    b = _write(tmp_path, "y.csv", EPISODES + "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n")
    result = ssda903.read([a, b])
    assert result.issues == []
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1"]
    assert result.tables["ssd_cla_episodes"]["clae_cla_episode_start_date"].to_list() == [date(2024, 5, 1)]
    assert result.rows_read == {"x.csv": 1, "y.csv": 1}


def test_identify_takes_extra_columns_but_not_missing_ones():
    assert ssda903.identify([*COLUMNS["header"], "LA", "YEAR"]) == "header"
    assert ssda903.identify(["\ufeffchild ", *COLUMNS["uasc"][1:]]) == "uasc"
    assert ssda903.identify(["CHILD", "DOB"]) is None


def test_sex_spelt_1_2_before_2024_25_reads_as_m_f(tmp_path):
    path = _write(tmp_path, "h.csv", HEADER + "1,1,01/02/2010,WBRI,,,\n2,2,01/02/2010,WBRI,,,\n")
    assert ssda903.read([path]).tables["ssd_person"]["pers_sex"].to_list() == ["M", "F"]


def test_byte_order_mark_and_windows_1252_are_read(tmp_path):
    bom = _write(tmp_path, "a.csv", "\ufeff" + HEADER + "1,F,01/02/2010,WBRI,,,\n")
    cp = _write(tmp_path, "b.csv", HEADER + "Zoë,F,01/02/2010,WBRI,,,\n", encoding="cp1252")
    result = ssda903.read([bom, cp])
    assert sorted(result.tables["ssd_person"]["pers_person_id"].to_list()) == ["1", "Zoë"]
    assert {(i.file, i.code) for i in result.issues} == {("b.csv", "ENCODING_CP1252")}


def test_excel_serial_and_iso_dates_are_read(tmp_path):
    path = _write(tmp_path, "h.csv", HEADER + "1,F,40179,WBRI,,,\n2,F,2010-01-01,WBRI,,,\n")
    assert ssda903.read([path]).tables["ssd_person"]["pers_dob"].to_list() == [date(2010, 1, 1)] * 2


def test_an_impossible_date_names_file_row_column_and_value(tmp_path):
    path = _write(tmp_path, "h.csv", HEADER + "1,F,01/02/2010,WBRI,,,\n2,F,31/02/2024,WBRI,,,\n")
    result = ssda903.read([path])
    (issue,) = result.errors
    assert (issue.code, issue.file, issue.table, issue.row, issue.column, issue.value) == (
        "DATE_IMPOSSIBLE",
        "h.csv",
        "header",
        3,
        "DOB",
        "31/02/2024",
    )
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1"]


def test_a_duplicate_child_with_different_values_is_refused_and_a_copy_kept_once(tmp_path):
    text = (
        HEADER
        + "1,F,01/02/2010,WBRI,,,\n1,F,01/02/2010,WBRI,,,\n2,M,01/02/2011,WBRI,,,\n2,F,01/02/2011,WBRI,,,\n"
    )
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    assert {(i.code, i.row) for i in result.issues} == {("DUPLICATE_ROW", 3), ("DUPLICATE_ID", 5)}
    assert result.tables["ssd_person"].height == 2


def test_rows_for_children_not_in_the_header_are_refused(tmp_path):
    h = _write(tmp_path, "h.csv", HEADER + "1,F,01/02/2010,WBRI,,,\n")
    e = _write(
        tmp_path, "e.csv", EPISODES + "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n9,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n"
    )
    result = ssda903.read([h, e])
    (issue,) = result.errors
    assert (issue.code, issue.file, issue.row, issue.value) == ("UNKNOWN_CHILD", "e.csv", 3, "9")
    assert result.tables["ssd_cla_episodes"]["clae_person_id"].to_list() == ["1"]


def test_a_child_written_with_spaces_is_the_header_child_and_a_blank_one_is_missing(tmp_path):
    h = _write(tmp_path, "h.csv", HEADER + " 1 ,F,01/02/2010,WBRI,,,\n")
    e = _write(
        tmp_path,
        "e.csv",
        EPISODES + "1 ,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n  ,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n",
    )
    result = ssda903.read([h, e])
    assert {(i.code, i.row) for i in result.issues} == {("VALUE_MISSING", 3)}
    assert result.tables["ssd_cla_episodes"]["clae_person_id"].to_list() == ["1"]
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1"]


def test_text_and_codes_are_trimmed_and_blanks_read_as_missing(tmp_path):
    rows = '1,01/05/2024, s ,c2,N1,U1,PR1,,,," TW1 1AA ",TW2 2BB, \n'
    result = ssda903.read([_write(tmp_path, "e.csv", EPISODES + rows)])
    assert [i.code for i in result.issues] == ["HEADER_MISSING"]
    t = result.tables
    assert t["ssd_cla_episodes"]["clae_cla_episode_start_reason"].to_list() == ["S"]
    assert t["ssd_address"]["addr_address_postcode"].to_list() == ["TW1 1AA"]
    assert t["ssd_cla_placement"].select("clap_cla_placement_postcode", "clap_cla_placement_urn").rows() == [
        ("TW2 2BB", None)
    ]
    assert t["ssd_legal_status"]["lega_legal_status"].to_list() == ["C2"]


def test_children_are_matched_whatever_the_order_of_the_header(tmp_path):
    h = _write(tmp_path, "h.csv", HEADER + "b,F,01/02/2010,WBRI,,,\na,M,01/02/2011,WBRI,,,\n")
    rows = "".join(f"{c},01/05/2024,S,C2,N1,U1,PR1,,,,,,\n" for c in ("a", "z", "b"))
    result = ssda903.read([h, _write(tmp_path, "e.csv", EPISODES + rows)])
    assert {(i.code, i.row, i.value) for i in result.issues} == {("UNKNOWN_CHILD", 3, "z")}
    assert sorted(result.tables["ssd_cla_episodes"]["clae_person_id"]) == ["a", "b"]


def test_broken_episode_chains_are_repaired_and_reported(tmp_path):
    rows = (
        "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n"  # open, but a later episode starts: ended then (X1)
        "1,01/06/2024,P,C2,N1,U4,PR1,15/07/2024,X1,,,,\n"  # ends after the next starts
        "1,01/07/2024,P,C2,N1,U5,PR1,,,,,,\n"
    )
    result = ssda903.read([_write(tmp_path, "e.csv", EPISODES + rows)])
    assert {(i.code, i.row) for i in result.issues} >= {
        ("EPISODE_OPEN_BEFORE_NEXT", 2),
        ("EPISODE_OVERLAP", 3),
    }
    eps = result.tables["ssd_cla_episodes"].sort("clae_cla_episode_start_date")
    assert eps["clae_cla_episode_ceased_date"].to_list() == [date(2024, 6, 1), date(2024, 7, 1), None]
    assert eps["clae_cla_id"].n_unique() == 1
    assert result.tables["ssd_cla_placement"].height == 3


def test_a_later_return_replaces_the_episodes_of_an_earlier_one(tmp_path):
    last = _write(tmp_path, "last.csv", EPISODES + "1,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n")
    this = _write(tmp_path, "this.csv", EPISODES + "1,01/05/2023,S,C2,N1,U1,PR1,01/02/2025,E13,,,,\n")
    result = ssda903.read([this, last])
    eps = result.tables["ssd_cla_episodes"]
    assert eps["clae_cla_episode_ceased_date"].to_list() == [date(2025, 2, 1)]
    assert result.errors == []


def test_a_legal_status_change_keeps_the_placement(tmp_path):
    rows = "1,01/05/2024,S,V2,N1,U1,PR1,01/06/2024,X1,,,,\n1,01/06/2024,L,C2,N1,U1,PR1,,,,,,\n"
    result = ssda903.read([_write(tmp_path, "e.csv", EPISODES + rows)])
    assert result.tables["ssd_cla_placement"].height == 1
    assert result.tables["ssd_legal_status"]["lega_legal_status"].to_list() == ["V2", "C2"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("e.csv", b"", "FILE_EMPTY"),
        ("e.csv", b"a,b,c\n1,2,3\n", "FILE_UNRECOGNISED"),
        ("e.csv", EPISODES.encode() + b"1,01/05/2024,S,C2,N1,U1,PR1,,,,,,,,,,\n", "ROW_TOO_LONG"),
        ("e.xml", b"<EXPSSDA903><CHILD><HEADER>", "XML_MALFORMED"),
        (
            "e.xml",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><EXPSSDA903>&b;</EXPSSDA903>',
            "XML_DTD_FORBIDDEN",
        ),
        (
            "e.xml",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "http://example.invalid/x">]><EXPSSDA903>&e;</EXPSSDA903>',
            "XML_DTD_FORBIDDEN",
        ),
    ],
    ids=["empty", "not-903", "ragged-row", "truncated-xml", "entity-bomb", "external-entity"],
)
def test_bad_files_come_back_as_clear_errors(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    result = ssda903.read([path])
    assert code in {i.code for i in result.errors}
    assert all(i.file == name for i in result.errors)


def test_rows_after_a_row_too_long_keep_their_line_numbers(tmp_path):
    text = HEADER + "1,F,01/02/2010,WBRI,,,,,\n2,F,31/02/2010,WBRI,,,\n"
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    assert {(i.code, i.row) for i in result.errors} == {("ROW_TOO_LONG", 2), ("DATE_IMPOSSIBLE", 3)}


def test_a_truncated_csv_reads_its_whole_rows_and_warns(tmp_path):
    path = _write(tmp_path, "h.csv", HEADER + "1,F,01/02/2010,WBRI,,,\n2,F,01/0")
    result = ssda903.read([path])
    assert "FILE_TRUNCATED" in _codes(result)
    assert result.tables["ssd_person"]["pers_person_id"].to_list() == ["1"]
    assert {(i.code, i.row) for i in result.errors} == {("DATE_UNRECOGNISED", 3)}


OC2 = ",".join(COLUMNS["oc2"]) + "\n"


def test_upns_mothers_postcodes_and_oc2_outcomes_are_read_into_their_tables(tmp_path):
    h = _write(
        tmp_path,
        "h.csv",
        # A 2023/24 return (its episodes start in 2023/24): sex spelt 2 (F) and 1 (M).
        HEADER + "1,2,01/02/2008,WBRI,A123456789012,1,01/01/2024\n2,1,01/02/2012,WBRI,UN2,0,\n",
    )
    e = _write(
        tmp_path,
        "e.csv",
        EPISODES
        + "1,01/05/2023,S,C2,N1,U1,PR1,,,,TW1 1AA,TW2 2BB,\n"
        + "2,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n",
    )
    o = _write(tmp_path, "o.csv", OC2 + "1,01/02/2008,12,,1,,1,1,1,1,0,1\n2,01/02/2012,,SDQ1,0,,1,1,1,0,,\n")
    result = ssda903.read([h, e, o])
    assert result.issues == []
    t = result.tables
    assert t["ssd_linked_identifiers"].select(
        "link_person_id", "link_identifier_type", "link_identifier_value", "link_valid_from_date"
    ).rows() == [("1", "Unique Pupil Number", "A123456789012", None)]
    assert t["ssd_person"].select("pers_person_id", "pers_upn_unknown", "pers_is_mother").rows() == [
        ("1", None, "Y"),
        ("2", "UN2", "N"),
    ]
    assert t["ssd_mother"].select("moth_person_id", "moth_childs_person_id", "moth_childs_dob").rows() == [
        ("1", None, date(2024, 1, 1))
    ]
    end = date(2024, 3, 31)  # the return's year is 2023/24: OC2 items are dated at its end
    assert t["ssd_sdq_scores"].select(
        "csdq_person_id", "csdq_sdq_completed_date", "csdq_sdq_score", "csdq_sdq_reason"
    ).sort("csdq_person_id").rows() == [("1", end, 12, None), ("2", end, None, "SDQ1")]
    assert t["ssd_cla_convictions"].select("clac_person_id", "clac_cla_conviction_date").rows() == [
        ("1", end)
    ]
    assert t["ssd_cla_substance_misuse"].select(
        "clas_person_id",
        "clas_substance_misuse_date",
        "clas_intervention_received",
        "clas_intervention_offered",
    ).rows() == [("1", end, "N", "Y")]
    assert t["ssd_address"].select("addr_person_id", "addr_address_type", "addr_address_postcode").rows() == [
        ("1", "HOME", "TW1 1AA")
    ]
    assert t["ssd_cla_placement"].sort("clap_person_id")["clap_cla_placement_postcode"].to_list() == [
        "TW2 2BB",
        None,
    ]


def test_a_upn_with_a_wrong_check_letter_or_shape_is_reported_on_its_row_and_kept(tmp_path):
    text = HEADER + "1,F,01/02/2008,WBRI,B123456789012,,\n2,F,01/02/2008,WBRI,12345,,\n"
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    assert {(i.code, i.row, i.column, i.value) for i in result.issues} == {
        ("UPN_CHECK_LETTER", 2, "UPN", "B123456789012"),
        ("UPN_INVALID", 3, "UPN", "12345"),
    }
    assert result.errors == []
    assert sorted(result.tables["ssd_linked_identifiers"]["link_identifier_value"]) == [
        "12345",
        "B123456789012",
    ]


def test_a_temporary_upn_ending_in_a_letter_has_its_check_letter_checked(tmp_path):
    # Characters 2-12 weighted 2-12 sum to 368 - 2*13 = 342; with a final A (0): 342 % 23 = 20 -> X.
    text = HEADER + "1,F,01/02/2008,WBRI,X12345678901A,,\n2,F,01/02/2008,WBRI,A12345678901A,,\n"
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    assert {(i.code, i.row) for i in result.issues} == {("UPN_CHECK_LETTER", 3)}


def test_bad_oc2_outcome_values_and_a_stray_mothers_child_are_reported(tmp_path):
    h = _write(
        tmp_path,
        "h.csv",
        HEADER
        + "".join(f"{i},F,01/02/2008,WBRI,,{'0,01/01/2024' if i == 1 else ','}\n" for i in range(1, 6)),
    )
    rows = [
        "1,01/02/2008,x,,0,,1,1,1,0,,",  # score not a number
        "2,01/02/2008,45,,0,,1,1,1,0,,",  # score out of range: kept
        "3,01/02/2008,,sdq9,2,,1,1,1,0,,",  # unknown reason (kept), conviction neither 0 nor 1
        "4,01/02/2008,,,0,,1,1,1,0,1,",  # intervention without substance misuse
        "5,01/02/2008,,,0,,1,1,1,1,3,",  # intervention neither 0 nor 1
    ]
    result = ssda903.read([h, _write(tmp_path, "o.csv", OC2 + "\n".join(rows) + "\n")])
    assert {(i.file, i.code, i.row, i.column, i.value) for i in result.issues} == {
        ("h.csv", "MC_DOB_WITHOUT_MOTHER", 2, "MC_DOB", "2024-01-01"),
        ("o.csv", "SDQ_SCORE_INVALID", 2, "SDQ_SCORE", "x"),
        ("o.csv", "SDQ_SCORE_OUT_OF_RANGE", 3, "SDQ_SCORE", "45"),
        ("o.csv", "CODE_UNKNOWN", 4, "SDQ_REASON", "SDQ9"),
        ("o.csv", "CODE_UNKNOWN", 4, "CONVICTED", "2"),
        ("o.csv", "INTERVENTION_WITHOUT_MISUSE", 5, "INTERVENTION_RECEIVED", "1"),
        ("o.csv", "CODE_UNKNOWN", 6, "INTERVENTION_RECEIVED", "3"),
        ("o.csv", "RETURN_YEAR_UNKNOWN", None, None, None),  # no episode or other dated item
    }
    t = result.tables
    assert t["ssd_sdq_scores"].select("csdq_person_id", "csdq_sdq_score", "csdq_sdq_reason").sort(
        "csdq_person_id"
    ).rows() == [("2", 45, None), ("3", None, "SDQ9")]
    assert t["ssd_cla_convictions"].height == 0
    assert t["ssd_cla_substance_misuse"].select("clas_person_id", "clas_intervention_received").rows() == [
        ("5", None)
    ]
    assert t["ssd_mother"]["moth_person_id"].to_list() == ["1"]
    assert t["ssd_person"].height == 5 and t["ssd_cla_health"].height == 10


def test_the_xml_return_reads_like_the_csv_files(tmp_path):
    xml = (
        "<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><UPN>UN1</UPN><SEX>F</SEX><DOB>01/02/2010</DOB>"
        "<ETHNIC>WBRI</ETHNIC><UASC /><AREVIEW><REVIEW>01/07/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE>"
        "</AREVIEW><MOTHER /><MC_DOB /></HEADER><EPISODE><DECOM>01/05/2024</DECOM><RNE>S</RNE><LS>C2</LS>"
        "<CIN>N1</CIN><PL>U1</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC /></EPISODE></CHILD>"
        "</EXPSSDA903>"
    )
    result = ssda903.read([_write(tmp_path, "r.xml", xml)])
    assert result.issues == []
    assert result.tables["ssd_person"]["pers_upn_unknown"].to_list() == ["UN1"]
    assert result.tables["ssd_cla_placement"]["clap_cla_placement_type"].to_list() == ["U1"]
    assert result.tables["ssd_cla_reviews"]["clar_cla_review_participation"].to_list() == ["PN1"]
    assert result.rows_read["r.xml:episodes"] == 1


def test_the_birthday_in_the_collection_year_is_between_april_and_march():
    dob = pl.Series(
        "d", [date(2007, 2, 10), date(2007, 6, 10), date(2008, 2, 29), date(2007, 3, 31), date(2007, 4, 1)]
    )
    got = dob.to_frame().select(birthday_in_year(pl.col("d"), 2025)).to_series().to_list()
    assert got == [
        date(2025, 2, 10),
        date(2024, 6, 10),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2024, 4, 1),
    ]


def test_a_file_of_an_old_year_is_read_with_a_warning(tmp_path):
    path = _write(tmp_path, "e.csv", EPISODES + "1,01/05/2019,S,C2,N1,U1,PR1,01/06/2019,E13,,,,\n")
    result = ssda903.read([path])
    assert "FORMAT_YEAR_OLD" in _codes(result)
    assert result.tables["ssd_cla_episodes"].height == 1


def test_every_row_seen_is_placed_or_named_in_an_issue(tmp_path):
    text = HEADER + "".join(
        f"{i},F,{'31/02/2010' if i % 3 == 0 else '01/02/2010'},WBRI,,,\n" for i in range(30)
    )
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    named = {i.row for i in result.errors}
    assert result.tables["ssd_person"].height + len(named) == result.rows_read["h.csv"] == 30


def test_a_problem_on_many_rows_is_listed_then_counted(tmp_path):
    text = HEADER + "".join(f"{i},F,31/02/2010,WBRI,,,\n" for i in range(1200))
    result = ssda903.read([_write(tmp_path, "h.csv", text)])
    assert len(result.errors) == 1001
    assert "200 more rows" in result.errors[-1].message
    assert result.tables["ssd_person"].height == 0


MILLION = """
import resource, sys
from pathlib import Path
from careboard.engine.formats import ssda903
result = ssda903.read([Path(sys.argv[1])])
assert result.tables["ssd_cla_episodes"].height > 900_000
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.slow
def test_a_million_episode_rows_read_in_bounded_memory(tmp_path):
    n = 1_000_000
    path = tmp_path / "episodes.csv"
    pl.DataFrame({"i": pl.int_range(n, eager=True)}).select(
        (pl.col("i") % 150_000).cast(pl.String).alias("CHILD"),
        (pl.lit(date(2016, 1, 1)) + pl.duration(days=pl.col("i") // 150_000 * 40))
        .dt.strftime("%d/%m/%Y")
        .alias("DECOM"),
        *[pl.lit(v).alias(c) for c, v in zip(COLUMNS["episodes"][2:6], ["P", "C2", "N1", "U1"], strict=True)],
        *[pl.lit(None, pl.String).alias(c) for c in COLUMNS["episodes"][6:]],
    ).write_csv(path)
    size_mb = path.stat().st_size / 2**20
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(MILLION), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = int(out.stdout.strip().splitlines()[-1])
    # Bounded: a small multiple of the file, not of the rows times the issues.
    assert peak_mb < 30 * size_mb + 600, (peak_mb, size_mb)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "31/02/2024", "01/05/2024", "45000", "=1+1", "X1", "S", "P", "C2", "\ufeff", "1", "2"]
    ),
)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["e.csv", "e.xml"]))
def test_reader_survives_any_bytes(data: bytes, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        assert isinstance(ssda903.read([path]), ReadResult)


@FUZZ
@given(
    st.sampled_from(sorted(COLUMNS)),
    st.lists(st.lists(cell, min_size=0, max_size=14), max_size=10),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_reader_survives_any_903_shaped_csv(name: str, rows: list[list[str]], encoding: str):
    def quoted(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    text = ",".join(COLUMNS[name]) + "\n" + "\n".join(",".join(quoted(v) for v in row) for row in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        result = ssda903.read([path])
    for tname, df in result.tables.items():
        assert df.columns == table(tname).columns

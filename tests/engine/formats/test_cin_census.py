"""The CIN census: write a year's XML from generated data, read it back; bad files; fuzzing."""

import tempfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from careboard.engine.formats import cin_census
from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.identifiers import LaNumberUnknown
from careboard.engine.generate import generate_council
from careboard.engine.schema import table
from careboard.engine.store import Dataset
from tests.conftest import SHARED, require_shared
from tests.engine.formats.roundtrip import differences

XSD = SHARED / "reference" / "cin_census" / "CIN_schema_2026.xsd"
SAMPLES = SHARED / "samples" / "cin_census"


@pytest.fixture(scope="module")
def council() -> Dataset:
    return Dataset(
        generate_council(
            seed=12, population=6000, start=date(2022, 4, 1), end=date(2026, 3, 31), journey="steady"
        )
    )


def _without_history(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    # NumberOfPreviousCPP is counted from every earlier plan held, which one year's file cannot
    # carry; the reader warns (HISTORY_MISSING) instead. Everything else must come back.
    return {**tables, "cpp": tables["cpp"].drop("NumberOfPreviousCPP")}


@pytest.mark.parametrize("year", [2025, 2026])
def test_round_trip_keeps_every_field_the_census_carries(council, tmp_path, year):
    before = cin_census.tables_for_year(council, year)
    assert before["cin"].height > 0 and before["assessment"].height > 0
    back = cin_census.read(cin_census.write(council, tmp_path, year=year))
    assert back.errors == []
    after = cin_census.tables_for_year(back.dataset(), year)
    assert differences(_without_history(before), _without_history(after)) == []


def test_a_previous_plan_count_the_files_cannot_back_is_reported(council, tmp_path):
    back = cin_census.read(cin_census.write(council, tmp_path, year=2025))
    before = cin_census.tables_for_year(council, 2025)["cpp"]
    assert before.filter(pl.col("NumberOfPreviousCPP") != "0").height > 0
    assert "HISTORY_MISSING" in {i.code for i in back.issues}


def test_pre_proceedings_are_written_from_2026_27_and_read_back(council, tmp_path):
    plo = pl.DataFrame(
        {
            "prep_table_id": ["pp1"],
            "prep_person_id": [council["ssd_cin_episodes"]["cine_person_id"][0]],
            "prep_pre_pro_decision_date": [date(2026, 5, 1)],
            "prep_pre_pro_meetings_num": [2],
            "prep_pre_pro_outcome": ["A"],
            "prep_agree_stepdown_issue_date": [date(2026, 9, 1)],
        }
    )
    episodes = (
        council["ssd_cin_episodes"]
        .head(1)
        .with_columns(
            pl.lit(date(2026, 4, 20)).alias("cine_referral_date"),
            pl.lit(None, pl.Date).alias("cine_close_date"),
        )
    )
    data = Dataset(
        {
            "ssd_person": council["ssd_person"],
            "ssd_cin_episodes": episodes,
            "ssd_pre_proceedings": plo,
            "cb_population": council["cb_population"],
        }
    )
    assert "PreProceedingsandFGDM" not in cin_census.write(data, tmp_path / "a.xml", year=2026)[0].read_text()
    path = cin_census.write(data, tmp_path / "b.xml", year=2027)[0]
    assert "<PPStartDate>2026-05-01</PPStartDate>" in path.read_text()
    back = cin_census.read([path]).dataset()["ssd_pre_proceedings"]
    assert back.select("prep_pre_pro_decision_date", "prep_pre_pro_meetings_num", "prep_pre_pro_outcome").row(
        0
    ) == (
        date(2026, 5, 1),
        2,
        "A",
    )


@pytest.mark.parametrize("year", [2025, 2026])
def test_written_census_validates_against_the_dfe_schema(council, tmp_path, year):
    require_shared("reference", "cin_census", "CIN_schema_2026.xsd")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(cin_census.write(council, tmp_path, year=year)[0]))
    assert schema.validate(doc), list(schema.error_log)[:5]


def test_nothing_after_31_march_is_written(council):
    _, end = cin_census.ssda903_spec.year_bounds(2025)
    for name, df in cin_census.tables_for_year(council, 2025).items():
        for col, dtype in df.schema.items():
            if dtype == pl.Date and col != "InitialCPCtarget":  # a target is known before it falls
                assert df.filter(pl.col(col) > end).height == 0, (name, col)


def test_an_icpc_is_recorded_once_under_its_section_47(council):
    tables = cin_census.tables_for_year(council, 2025)
    s47_icpc = (
        tables["s47"]
        .filter(pl.col("DateOfInitialCPC").is_not_null())
        .select("LAchildID", "CINreferralDate", "DateOfInitialCPC")
    )
    both = tables["cin"].join(s47_icpc, on=["LAchildID", "CINreferralDate", "DateOfInitialCPC"])
    assert both.height == 0


def test_header_names_the_year_and_its_reference_date(council, tmp_path):
    root = etree.parse(str(cin_census.write(council, tmp_path, year=2025)[0])).getroot()
    assert root.findtext("Header/CollectionDetails/Year") == "2025"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"


def test_years_before_2024_25_are_not_written(council, tmp_path):
    with pytest.raises(ValueError, match="2024/25"):
        cin_census.write(council, tmp_path, year=2024)


# --------------------------------------------------------------------------------------------
# Reading what councils send

CHILD = """<Child><ChildIdentifiers><LAchildID>{id}</LAchildID><PersonBirthDate>{dob}</PersonBirthDate>
<Sex>{sex}</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>{ref}</CINreferralDate><ReferralSource>1A</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA></CINdetails></Child>"""


def _file(tmp_path: Path, children: str, year: str = "2025", name: str = "cin.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        f"<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>"
        f"<ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails></Header>"
        f"<Children>{children}</Children></Message>"
    )
    return path


def _codes(result: ReadResult) -> set[str]:
    return {i.code for i in result.issues}


def test_a_child_is_read_with_its_episode(tmp_path):
    result = cin_census.read(
        [_file(tmp_path, CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2024-06-01"))]
    )
    assert result.issues == []
    person = result.tables["ssd_person"].row(0, named=True)
    assert (person["pers_person_id"], person["pers_sex"], person["pers_dob"]) == ("A1", "F", date(2015, 1, 2))
    assert result.tables["ssd_cin_episodes"]["cine_referral_nfa"].to_list() == ["N"]


def test_an_impossible_date_is_an_error_naming_the_line_and_element(tmp_path):
    result = cin_census.read(
        [_file(tmp_path, CHILD.format(id="A1", dob="2015-02-31", sex="F", ref="2024-06-01"))]
    )
    (issue,) = [i for i in result.issues if i.code == "DATE_IMPOSSIBLE"]
    assert (issue.file, issue.column, issue.value, issue.row) == (
        "cin.xml",
        "PersonBirthDate",
        "2015-02-31",
        1,
    )
    assert result.tables["ssd_person"].height == 0
    assert result.tables["ssd_cin_episodes"].height == 1


def test_gender_current_of_older_years_becomes_sex(tmp_path):
    old = CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2022-06-01").replace(
        "<Sex>F</Sex>", "<GenderCurrent>1</GenderCurrent>"
    )
    result = cin_census.read([_file(tmp_path, old, year="2023")])
    assert result.tables["ssd_person"]["pers_sex"].to_list() == ["M"]
    assert "FORMAT_YEAR_OLD" in _codes(result)


def test_the_same_episode_twice_in_a_file_is_an_error(tmp_path):
    one = CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2024-06-01")
    twice = one.replace("</Child>", "") + one[one.index("<CINdetails>") : one.index("</Child>")] + "</Child>"
    result = cin_census.read([_file(tmp_path, twice)])
    assert "DUPLICATE_ID" in _codes(result)
    assert result.tables["ssd_cin_episodes"].height == 1


def test_a_later_return_replaces_an_earlier_one(tmp_path):
    a = _file(tmp_path, CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2024-06-01"), name="a.xml")
    b_text = CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2024-06-01").replace("N1", "N2")
    b = _file(tmp_path, b_text, year="2026", name="b.xml")
    result = cin_census.read([a, b])
    assert result.errors == []
    assert result.tables["ssd_cin_episodes"]["cine_cin_primary_need_code"].to_list() == ["N2"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "FILE_EMPTY"),
        (b"<Message><Header>", "XML_MALFORMED"),
        (b"<?xml version='1.0'?><Other/>", "FILE_UNRECOGNISED"),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b"<Message><Children>&b;</Children></Message>",
            "XML_DTD_FORBIDDEN",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Message><Children>&x;</Children></Message>",
            "XML_DTD_FORBIDDEN",
        ),
        (b"<Message>" + b"<a>" * 200 + b"</a>" * 200 + b"</Message>", "XML_TOO_DEEP"),
    ],
    ids=["empty", "truncated", "wrong-type", "entity-bomb", "external-entity", "too-deep"],
)
def test_bad_files_are_one_clear_error_and_no_rows(tmp_path, content, code):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    result = cin_census.read([path])
    assert code in {i.code for i in result.errors}
    assert all(df.height == 0 for df in result.tables.values())
    assert "root:" not in str(result.issues)


def test_public_samples_read_without_errors_that_lose_children():
    require_shared("samples", "cin_census")
    for path in sorted(SAMPLES.glob("*.xml")):
        result = cin_census.read([path])
        assert result.tables["ssd_person"].height > 0, path.name


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
leaf = st.sampled_from(
    [
        "LAchildID",
        "PersonBirthDate",
        "Sex",
        "CINreferralDate",
        "CINclosureDate",
        "ReferralNFA",
        "Disability",
        "AssessmentActualStartDate",
        "CPPstartDate",
        "PPStartDate",
        "ReviewMeetingsCount",
    ]
)
value = st.one_of(
    st.text(max_size=12), st.sampled_from(["2024-02-31", "2024-06-01", "1", "", "&amp;", "45000"])
)


@FUZZ
@given(st.binary(max_size=3000))
def test_reader_survives_any_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cin.xml"
        path.write_bytes(data)
        result = cin_census.read([path])
    assert isinstance(result, ReadResult)


@FUZZ
@given(st.lists(st.lists(st.tuples(leaf, value), max_size=8), max_size=5))
def test_reader_survives_any_census_shaped_document(children):
    def el(name: str, text: str) -> str:
        safe = text.replace("&", "&amp;").replace("<", "&lt;")
        return f"<{name}>{safe}</{name}>"

    body = "".join(
        "<Child><ChildIdentifiers>"
        + "".join(el(n, v) for n, v in leaves)
        + "</ChildIdentifiers><CINdetails>"
        + "".join(el(n, v) for n, v in leaves)
        + "<Assessments>"
        + "".join(el(n, v) for n, v in leaves)
        + "</Assessments></CINdetails></Child>"
        for leaves in children
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = _file(Path(tmp), body)
        result = cin_census.read([path])
    for name, df in result.tables.items():
        assert df.columns == table(name).columns


def test_header_names_the_council_by_its_la_number(council, tmp_path):
    root = etree.parse(str(cin_census.write(council, tmp_path, year=2025)[0])).getroot()
    assert root.findtext("Header/Source/LEA") == council["cb_population"]["popu_la_number"].drop_nulls()[0]
    assert root.findtext("Header/Source/LEA") != "000"


def test_without_an_la_number_the_header_says_000_and_warns(council, tmp_path):
    without = Dataset({k: v for k, v in council.items() if k != "cb_population"})
    with pytest.warns(LaNumberUnknown, match="CIN census"):
        path = cin_census.write(without, tmp_path, year=2025)[0]
    assert etree.parse(str(path)).getroot().findtext("Header/Source/LEA") == "000"


def test_a_child_with_a_upn_has_no_unknown_upn_reason():
    data = Dataset(
        {
            "ssd_person": pl.DataFrame(
                {
                    "pers_person_id": ["A", "B"],
                    "pers_sex": ["F", "M"],
                    "pers_dob": [date(2012, 1, 1)] * 2,
                    "pers_upn_unknown": ["UN5", "UN2"],
                }
            ),
            "ssd_cin_episodes": pl.DataFrame(
                {
                    "cine_referral_id": ["r1", "r2"],
                    "cine_person_id": ["A", "B"],
                    "cine_referral_date": [date(2024, 6, 1)] * 2,
                }
            ),
            "ssd_linked_identifiers": pl.DataFrame(
                {
                    "link_table_id": ["1", "2"],
                    "link_person_id": ["A", "A"],
                    "link_identifier_type": ["Unique Pupil Number"] * 2,
                    "link_identifier_value": ["A318000000001", "B318000000002"],
                    "link_valid_from_date": [date(2016, 9, 1), date(2024, 9, 1)],
                    "link_valid_to_date": [date(2024, 8, 31), None],
                }
            ),
        }
    )
    child = cin_census.tables_for_year(data, 2025)["child"]
    got = {r["LAchildID"]: (r["UPN"], r["FormerUPN"], r["UPNunknown"]) for r in child.to_dicts()}
    assert got == {"A": ("B318000000002", "A318000000001", None), "B": (None, None, "UN2")}


NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="http://www.example.org/cin">
  <Header><CollectionDetails><Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID> B2 </LAchildID>
        <UPN>A123456789012</UPN>
        <FormerUPN>B123456789012</FormerUPN>
        <PersonBirthDate>2014-05-06</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>MOB</Disability><!-- a note --><Disability>HEAR</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-06-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2024-06-02</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>2A</AssessmentFactors>
            <AssessmentFactors> </AssessmentFactors>
            <AssessmentFactors>3B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47><S47ActualStartDate>2024-06-03</S47ActualStartDate></Section47>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-07-01</CPPstartDate>
          <Reviews>
            <CPPreviewDate>2024-09-01</CPPreviewDate>
            <CPPreviewDate>2024-09-31</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_a_namespaced_indented_census_reads_every_record_and_names_each_line(tmp_path):
    path = tmp_path / "nested.xml"
    path.write_text(NESTED)
    result = cin_census.read([path])
    t = result.tables
    assert t["ssd_person"]["pers_person_id"].to_list() == ["B2"]
    assert sorted(t["ssd_disability"]["disa_disability_code"].to_list()) == ["HEAR", "MOB"]
    # ReferralNFA comes after the section 47 but belongs to the episode
    assert t["ssd_cin_episodes"]["cine_referral_nfa"].to_list() == ["N"]
    assert t["ssd_cin_assessments"]["cina_assessment_outcome_json"].to_list() == ['{"factors": ["2A", "3B"]}']
    assert t["ssd_s47_enquiry"]["s47e_referral_id"].to_list() == ["B2/2024-06-01"]
    assert t["ssd_cp_reviews"]["cppr_cp_review_date"].to_list() == [date(2024, 9, 1)]
    (bad,) = [i for i in result.issues if i.code == "DATE_IMPOSSIBLE"]
    assert (bad.table, bad.column, bad.value, bad.row) == ("review", "CPPreviewDate", "2024-09-31", 35)


def test_upns_are_read_as_linked_identifiers_the_writer_takes_back(tmp_path):
    path = tmp_path / "nested.xml"
    path.write_text(NESTED)
    result = cin_census.read([path])
    links = result.tables["ssd_linked_identifiers"].sort("link_table_id")
    assert links.select("link_person_id", "link_identifier_type", "link_identifier_value").rows() == [
        ("B2", "Unique Pupil Number", "B123456789012"),
        ("B2", "Unique Pupil Number", "A123456789012"),
    ]
    child = cin_census.tables_for_year(result.dataset(), 2025)["child"]
    assert child.select("UPN", "FormerUPN").row(0) == ("A123456789012", "B123456789012")
    assert "VALUE_NOT_KEPT" not in _codes(result)


def test_the_2026_27_pre_proceedings_block_is_checked_by_the_reader(tmp_path):
    # No published XSD has PreProceedingsandFGDM and the DfE validator's reader drops it, so
    # careboard's reader is what checks it.
    block = (
        "<PreProceedingsandFGDM><PPStartDate>{start}</PPStartDate><FGDMMeetingOffer>1</FGDMMeetingOffer>"
        "<ReviewMeetingsCount>{count}</ReviewMeetingsCount><PPOutcome>A</PPOutcome></PreProceedingsandFGDM>"
    )
    child = CHILD.format(id="A1", dob="2015-01-02", sex="F", ref="2026-04-20")
    blocks = block.format(start="2026-05-01", count="two") + block.format(start="2026-06-31", count="1")
    result = cin_census.read(
        [_file(tmp_path, child.replace("</CINdetails>", blocks + "</CINdetails>"), "2027")]
    )
    pp = result.tables["ssd_pre_proceedings"]
    assert pp.select("prep_pre_pro_decision_date", "prep_pre_pro_meetings_num").rows() == [
        (date(2026, 5, 1), None)
    ]
    located = {(i.code, i.table, i.column, i.value) for i in result.issues}
    assert ("DATE_IMPOSSIBLE", "pre_proceedings", "PPStartDate", "2026-06-31") in located
    assert ("NUMBER_INVALID", "pre_proceedings", "ReviewMeetingsCount", "two") in located
    assert ("VALUE_NOT_KEPT", "pre_proceedings", "FGDMMeetingOffer", None) in located

"""The collection year an SSDA903 return is read as: found from its dates, or given by the caller."""

from datetime import date
from pathlib import Path

from careboard.engine.formats import ssda903
from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.registry import read_any
from careboard.engine.formats.ssda903_spec import COLUMNS

HEADER = ",".join(COLUMNS["header"]) + "\n" + "1,F,01/02/2010,WBRI,UN1,,\n"
# One episode, open since 2022/23: no episode starts or ends in 2024/25.
EPISODES = ",".join(COLUMNS["episodes"]) + "\n" + "1,01/05/2022,S,C2,N1,U1,PR1,,,,,,\n"
REVIEWS = ",".join(COLUMNS["reviews"]) + "\n" + "1,01/02/2010,10/06/2024,PN1\n1,01/02/2010,30/01/2025,PN1\n"
# SDQ score 12, convicted, substance misuse with no intervention received but one offered.
OC2 = ",".join(COLUMNS["oc2"]) + "\n" + "1,01/02/2010,12,,1,,1,1,1,1,0,1\n"


def _return(folder: Path, *, reviews: bool = True, episodes: bool = True) -> list[Path]:
    folder.mkdir(exist_ok=True)
    files = {"header.csv": HEADER, "oc2.csv": OC2}
    if episodes:
        files["episodes.csv"] = EPISODES
    if reviews:
        files["reviews.csv"] = REVIEWS
    for name, text in files.items():
        (folder / name).write_text(text)
    return [folder / name for name in files]


def _oc2_dates(result: ReadResult) -> set[date | None]:
    t = result.tables
    return {
        *t["ssd_sdq_scores"]["csdq_sdq_completed_date"],
        *t["ssd_cla_convictions"]["clac_cla_conviction_date"],
        *t["ssd_cla_substance_misuse"]["clas_substance_misuse_date"],
    }


def test_a_return_with_reviews_in_the_year_is_read_as_that_year(tmp_path):
    result = ssda903.read(_return(tmp_path / "r"))
    assert result.issues == []
    assert _oc2_dates(result) == {date(2025, 3, 31)}
    assert result.notes == [
        "SSDA903 return read as 2024/25 (from the dates in the return: 2 of 3 fall in it, "
        "e.g. 30/01/2025: REVIEW, reviews.csv, row 3)"
    ]


def test_the_year_given_is_used_and_a_disagreement_is_a_located_warning(tmp_path):
    result = ssda903.read(_return(tmp_path / "r"), year=2024)
    assert _oc2_dates(result) == {date(2024, 3, 31)}
    assert result.notes == ["SSDA903 return read as 2023/24 (the year given)"]
    issue, sex = result.issues
    # The header's sex F is 2024/25's spelling: a warning too, as the year given decides.
    assert (sex.code, sex.file, sex.row, sex.value) == ("SEX_CODE_FOR_YEAR", "header.csv", 2, "F")
    assert (issue.level, issue.code, issue.file, issue.table, issue.row, issue.column, issue.value) == (
        "warning",
        "RETURN_YEAR_DIFFERS",
        "reviews.csv",
        "reviews",
        3,
        "REVIEW",
        "30/01/2025",
    )
    assert "2023/24" in issue.message and "2024/25" in issue.message


def test_a_year_given_that_the_dates_agree_with_is_not_a_warning(tmp_path):
    result = ssda903.read(_return(tmp_path / "r"), year=2025)
    assert result.issues == []
    assert _oc2_dates(result) == {date(2025, 3, 31)}


def test_reviews_outside_care_do_not_move_the_year(tmp_path):
    paths = _return(tmp_path / "r")
    (tmp_path / "r" / "reviews.csv").write_text(REVIEWS + "1,01/02/2010,01/01/2021,PN1\n")
    (tmp_path / "r" / "header.csv").write_text(HEADER.replace(",F,", ",2,"))  # 2022/23's spelling
    (tmp_path / "r" / "episodes.csv").write_text(
        ",".join(COLUMNS["episodes"]) + "\n" + "1,01/05/2022,S,C2,N1,U1,PR1,01/06/2022,E11,,,,\n"
    )
    result = ssda903.read(paths)
    # Every review is outside the one period of care (which ended in 2022/23): refused.
    assert {i.code for i in result.issues} == {"REVIEW_OUTSIDE_CARE"}
    assert _oc2_dates(result) == {date(2023, 3, 31)}


def test_without_any_dated_item_the_year_is_unknown_unless_given(tmp_path):
    paths = _return(tmp_path / "r", reviews=False, episodes=False)
    result = ssda903.read(paths)
    assert [(i.level, i.code, i.file) for i in result.issues] == [
        ("warning", "RETURN_YEAR_UNKNOWN", "oc2.csv")
    ]
    assert result.notes == []
    assert _oc2_dates(result) == {None}
    given = ssda903.read(paths, year=2025)
    assert given.issues == []
    assert _oc2_dates(given) == {date(2025, 3, 31)}


def test_read_any_passes_the_year_to_the_903_reader_and_keeps_the_notes(tmp_path):
    result = read_any(_return(tmp_path / "r"), year=2024)
    assert [i.code for i in result.issues] == ["RETURN_YEAR_DIFFERS", "SEX_CODE_FOR_YEAR"]
    assert result.notes == ["SSDA903 return read as 2023/24 (the year given)"]
    assert _oc2_dates(result) == {date(2024, 3, 31)}


def test_oc2_items_survive_write_read_write_when_no_episode_dates_fall_in_the_year(tmp_path):
    first = ssda903.write(ssda903.read(_return(tmp_path / "r")).dataset(), tmp_path / "a", year=2025)
    oc2 = next(p for p in first if p.name == "oc2.csv").read_text().splitlines()
    assert oc2[1].split(",")[2:5] == ["12", "", "1"]  # SDQ_SCORE, SDQ_REASON, CONVICTED
    assert oc2[1].split(",")[-3:] == ["1", "0", "1"]  # substance misuse, interventions
    back = ssda903.read(first)
    assert back.issues == []
    assert _oc2_dates(back) == {date(2025, 3, 31)}
    second = ssda903.write(back.dataset(), tmp_path / "b", year=2025)
    for a, b in zip(first, second, strict=True):
        assert a.read_text() == b.read_text(), a.name


def test_a_few_stray_future_dates_do_not_move_the_year(tmp_path):
    # Eight reviews in 2024/25 and one mistyped as 2052: the return is still 2024/25.
    rows = "".join(f"1,01/02/2010,{d:02d}/0{m}/2024,PN1\n" for d in (3, 9) for m in (5, 6, 7, 8))
    folder = tmp_path / "r"
    paths = _return(folder)
    (folder / "reviews.csv").write_text(
        ",".join(COLUMNS["reviews"]) + "\n" + rows + "1,01/02/2010,30/01/2052,PN1\n"
    )
    result = ssda903.read(paths)
    assert _oc2_dates(result) == {date(2025, 3, 31)}
    assert result.notes[0].startswith("SSDA903 return read as 2024/25 (from the dates in the return: 8 of 10")

"""SEX spelt as the 903 spelt it in another collection year (1/2 up to 2023/24, M/F/U from
2024/25): a located warning once the return's year is known, the value still read."""

from pathlib import Path

from careboard.engine.formats import ssda903
from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.ssda903_spec import COLUMNS

HEADER = ",".join(COLUMNS["header"]) + "\n"
UASC = ",".join(COLUMNS["uasc"]) + "\n"
EPISODES = ",".join(COLUMNS["episodes"]) + "\n"


def _return(folder: Path, sexes: list[str], decom: str, uasc_sex: str | None = None) -> list[Path]:
    """A header with one child per sex, each with an episode starting on ``decom`` (which decides
    the year read), and a UASC row for the last child when ``uasc_sex`` is given."""
    folder.mkdir(exist_ok=True)
    files = {
        "header.csv": HEADER + "".join(f"{n},{s},01/02/2010,WBRI,UN1,,\n" for n, s in enumerate(sexes, 1)),
        "episodes.csv": EPISODES
        + "".join(f"{n},{decom},S,C2,N1,U1,PR1,,,,,,\n" for n in range(1, len(sexes) + 1)),
    }
    if uasc_sex is not None:
        files["uasc.csv"] = UASC + f"{len(sexes)},{uasc_sex},01/02/2010,\n"
    for name, text in files.items():
        (folder / name).write_text(text)
    return [folder / name for name in files]


def _sex_issues(
    result: ReadResult,
) -> list[tuple[str, str, str | None, int | None, str | None, str | None, str]]:
    return [
        (i.level, i.file, i.table, i.row, i.column, i.value, i.message)
        for i in result.issues
        if i.code == "SEX_CODE_FOR_YEAR"
    ]


def _sexes(result: ReadResult) -> list[str]:
    return list(result.tables["ssd_person"]["pers_sex"])


def test_a_2024_25_return_with_sex_1_warns_on_that_row_and_reads_m(tmp_path):
    result = ssda903.read(_return(tmp_path / "r", ["F", "1", "M"], "01/05/2024"))
    assert result.notes[0].startswith("SSDA903 return read as 2024/25")
    assert _sex_issues(result) == [
        (
            "warning",
            "header.csv",
            "header",
            3,
            "SEX",
            "1",
            "SEX 1 is the 2023/24-and-earlier code; 2024/25 uses M, F or U; read as M",
        )
    ]
    assert _sexes(result) == ["F", "M", "M"]
    assert {i.code for i in result.issues} == {"SEX_CODE_FOR_YEAR"}


def test_a_2023_24_return_with_m_warns_and_reads_m(tmp_path):
    result = ssda903.read(_return(tmp_path / "r", ["1", "M", "2"], "01/05/2023"))
    assert result.notes[0].startswith("SSDA903 return read as 2023/24")
    assert _sex_issues(result) == [
        (
            "warning",
            "header.csv",
            "header",
            3,
            "SEX",
            "M",
            "SEX M is the 2024/25-and-later code; 2023/24 uses 1 or 2; read as M",
        )
    ]
    assert _sexes(result) == ["M", "M", "F"]


def test_the_spelling_of_the_year_read_gives_no_warning(tmp_path):
    letters = ssda903.read(_return(tmp_path / "a", ["M", "F", "U"], "01/05/2024", uasc_sex="U"))
    numbers = ssda903.read(_return(tmp_path / "b", ["1", "2"], "01/05/2023", uasc_sex="2"))
    assert letters.issues == [] and numbers.issues == []
    assert _sexes(letters) == ["M", "F", "U"] and _sexes(numbers) == ["M", "F"]


def test_a_uasc_row_in_the_other_spelling_warns_in_the_uasc_file(tmp_path):
    result = ssda903.read(_return(tmp_path / "r", ["M", "F"], "01/05/2024", uasc_sex="2"))
    assert _sex_issues(result) == [
        (
            "warning",
            "uasc.csv",
            "uasc",
            2,
            "SEX",
            "2",
            "SEX 2 is the 2023/24-and-earlier code; 2024/25 uses M, F or U; read as F",
        )
    ]
    assert result.tables["ssd_immigration_status"]["immi_person_id"].to_list() == ["2"]


def test_the_year_given_decides_which_spelling_is_warned_about(tmp_path):
    # Dates in 2024/25, but the caller says 2023/24: the letters are now the other era's.
    paths = _return(tmp_path / "r", ["1", "M"], "01/05/2024")
    as_stated = ssda903.read(paths, year=2024)
    assert [(row, value) for _, _, _, row, _, value, _ in _sex_issues(as_stated)] == [(3, "M")]
    assert "RETURN_YEAR_DIFFERS" in {i.code for i in as_stated.issues}
    inferred = ssda903.read(paths)
    assert [(row, value) for _, _, _, row, _, value, _ in _sex_issues(inferred)] == [(2, "1")]
    assert _sexes(as_stated) == _sexes(inferred) == ["M", "M"]


def test_no_year_no_warning(tmp_path):
    # A header alone has no date of the year: the spelling cannot be judged.
    path = tmp_path / "header.csv"
    path.write_text(HEADER + "1,1,01/02/2010,WBRI,UN1,,\n2,M,01/02/2010,WBRI,UN1,,\n")
    result = ssda903.read([path])
    assert _sex_issues(result) == [] and result.notes == []
    assert _sexes(result) == ["M", "M"]


def test_the_xml_return_is_checked_the_same_way(tmp_path):
    xml = (
        "<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><UPN>UN1</UPN><SEX>2</SEX><DOB>01/02/2010</DOB>"
        "<ETHNIC>WBRI</ETHNIC><UASC /><MOTHER /><MC_DOB /></HEADER><EPISODE><DECOM>01/05/2024</DECOM>"
        "<RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC />"
        "</EPISODE></CHILD></EXPSSDA903>"
    )
    path = tmp_path / "r.xml"
    path.write_text(xml)
    result = ssda903.read([path])
    assert _sex_issues(result) == [
        (
            "warning",
            "r.xml",
            "header",
            1,
            "SEX",
            "2",
            "SEX 2 is the 2023/24-and-earlier code; 2024/25 uses M, F or U; read as F",
        )
    ]
    assert _sexes(result) == ["F"]

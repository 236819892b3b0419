import json
from datetime import date

import pytest
from click.testing import CliRunner
from docx import Document

from careboard.cli import main
from careboard.engine.generate import generate_council
from careboard.engine.store import write_dataset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tables = generate_council(
        seed=5, population=3000, start=date(2025, 5, 1), end=date(2026, 10, 31), journey="steady"
    )
    return write_dataset(tables, tmp_path_factory.mktemp("council") / "data")


def run(folder, *args):
    base = ["report", "monthly", "--data", str(folder), "--as-at", "2026-10-31", "--months", "2"]
    return CliRunner().invoke(main, [*base, *args])


def test_it_writes_a_public_html_report_with_the_commentary(folder, tmp_path):
    commentary = tmp_path / "commentary.json"
    commentary.write_text(
        json.dumps({"oversight_8_weeks": "Oversight is improving.", "_summary": "A fair month."})
    )
    out = tmp_path / "report.html"
    result = run(
        folder, "--format", "html", "--audience", "public", "--commentary", str(commentary),
        "--issue", "CIN team loaded late", "--loaded-at", "2026-11-02T09:30", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    html = out.read_text()
    for text in (
        "Oversight is improving.",
        "A fair month.",
        "CIN team loaded late",
        "02 November 2026 09:30",
        "[c]",
    ):
        assert text in html


def test_it_writes_a_word_document_named_for_the_month_and_audience(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(folder, "--format", "docx", "--audience", "board")
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "improvement-summary-2026-10-board.docx"))
    assert doc.paragraphs[0].text == "OFFICIAL-SENSITIVE"


def test_it_writes_one_teams_pdf(folder, tmp_path):
    out = tmp_path / "team.pdf"
    result = run(folder, "--format", "pdf", "--team", "T04", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_it_refuses_an_unknown_team(folder):
    result = run(folder, "--team", "T99", "--format", "html")
    assert result.exit_code == 2
    assert "no team 'T99'" in result.output


def test_it_refuses_commentary_that_is_not_an_object_of_texts(folder, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(["not", "a", "mapping"]))
    result = run(folder, "--commentary", str(bad))
    assert result.exit_code == 2
    assert "one JSON object of indicator id -> text" in result.output


def test_it_refuses_a_date_that_is_not_a_date(folder):
    result = CliRunner().invoke(main, ["report", "monthly", "--data", str(folder), "--as-at", "31/10/2026"])
    assert result.exit_code == 2
    assert "is not a date like 2026-10-31" in result.output


def test_it_warns_of_commentary_for_an_indicator_it_does_not_know(folder, tmp_path):
    commentary = tmp_path / "commentary.json"
    commentary.write_text(json.dumps({"no_such_measure": "text"}))
    result = CliRunner().invoke(
        main,
        ["report", "monthly", "--data", str(folder), "--as-at", "2026-10-31", "--months", "2",
         "--format", "html", "--commentary", str(commentary), "--out", str(tmp_path / "r.html")],
    )  # fmt: skip
    assert result.exit_code == 0
    assert "commentary for 'no_such_measure' left out" in result.output


def test_it_compares_with_the_statistical_neighbours_in_a_comparators_file(folder, tmp_path):
    comparators = tmp_path / "comparators.csv"
    comparators.write_text(
        "indicator_id,comparator,value,year,source\n"
        "oversight_8_weeks,Statistical neighbours,71.3,2025,Illustrative\n"
        "cla_rate,England,67.0,2025,Illustrative\n"
    )
    out = tmp_path / "r.html"
    result = run(folder, "--format", "html", "--comparators", str(comparators), "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "71.3%" in html and "Statistical neighbours" in html

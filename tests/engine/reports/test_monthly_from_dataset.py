"""The report built from a generated council agrees with the scorecard and leaks no child."""

import io
import re
from datetime import date

import polars as pl
import pytest
from docx import Document
from pypdf import PdfReader

from careboard.engine.generate import generate_council
from careboard.engine.indicators import scorecard
from careboard.engine.reports import formatting as fmt
from careboard.engine.reports import render
from careboard.engine.reports.monthly import RAG_TEXT, UnknownTeam, build_monthly_report, team_names
from careboard.engine.reports.suppression import primary
from careboard.engine.store import Dataset

AS_AT = date(2026, 10, 31)
MONTHS = 3  # the agreement holds for any trend length; three months keep the test quick
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    tables = generate_council(seed=3, population=3000, start=date(2025, 5, 1), end=AS_AT, journey="improving")
    return Dataset(tables)


@pytest.fixture(scope="module")
def card(data):
    return scorecard(data, AS_AT, months=MONTHS)


@pytest.fixture(scope="module")
def board(data):
    return build_monthly_report(data, AS_AT, audience="board", months=MONTHS)


@pytest.fixture(scope="module")
def public(data):
    return build_monthly_report(data, AS_AT, audience="public", months=MONTHS)


def expected_rows(card):
    """title -> (value, RAG) as the report must print them, from the scorecard itself."""

    def rag(r):
        return "No data" if r["value"] is None else RAG_TEXT[r["rag"]]

    return {r["title"]: (fmt.value(r["value"], r["unit"]), rag(r)) for r in card.iter_rows(named=True)}


def test_the_report_has_every_scorecard_indicator_with_the_scorecards_numbers(board, card):
    got = {r.title: (r.value, r.rag) for r in board.rows}
    assert got == expected_rows(card)
    assert board.council == "Synthetic Borough Council"


def test_the_word_report_shows_the_scorecards_value_and_rag_for_every_indicator(board, card):
    doc = Document(io.BytesIO(render(board, "docx")))
    cells = {}
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:2] == ["Indicator", "Value"] and "RAG" in head:
            for row in table.rows[1:]:
                texts = [c.text for c in row.cells]
                cells[texts[0]] = (texts[1], texts[head.index("RAG")])
    assert cells == expected_rows(card)


def test_the_pdf_shows_the_scorecards_value_and_rag_for_every_indicator(board, card):
    reader = PdfReader(io.BytesIO(render(board, "pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title, (value, rag) in expected_rows(card).items():
        # each scorecard row reads: title, value, numerator, denominator, targets, RAG...
        assert re.search(re.escape(value) + r" .{0,60}?" + re.escape(rag), text), (title, value, rag)
    assert all(" ".join(title.split()[:3]) in text for title in expected_rows(card))


def test_the_public_report_names_no_child_and_no_worker(data, public):
    person_ids = set(data["ssd_person"]["pers_person_id"].drop_nulls().to_list())
    worker_ids = set(data["ssd_professionals"]["prof_professional_id"].drop_nulls().to_list())
    staff_ids = set(data["cb_staff"]["staf_staff_id"].drop_nulls().to_list()) if "cb_staff" in data else set()
    assert person_ids, "the generated council has children"
    for fmt_name in ("html", "docx", "pdf"):
        text = _text(render(public, fmt_name), fmt_name)
        tokens = set(re.findall(r"[A-Za-z0-9_-]+", text))
        assert not tokens & person_ids, fmt_name
        assert not tokens & (worker_ids | staff_ids), fmt_name


def test_the_public_report_withholds_every_small_count(public, card):
    withheld = {r.title for r in public.rows if r.withheld}
    for r in card.iter_rows(named=True):
        small = r["numerator"] is not None and 0 < r["numerator"] < 6
        if small and r["unit"] in ("count", "percent", "rate_per_10k"):
            assert r["title"] in withheld


def test_a_team_report_shows_that_teams_scorecard(data):
    team = "T04"
    report = build_monthly_report(data, AS_AT, team=team, months=2)
    by_team = scorecard(data, AS_AT, by="team", months=2).filter(pl.col("group") == team)
    assert {r.title: (r.value, r.rag) for r in report.rows} == expected_rows(by_team)
    assert report.team == "Children in need team 1" and report.team_breakdowns == ()


def test_an_unknown_team_is_refused(data):
    with pytest.raises(UnknownTeam, match="T99"):
        build_monthly_report(data, AS_AT, team="T99")


def _text(content: bytes, kind: str) -> str:
    if kind == "html":
        return content.decode()
    if kind == "pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_one_call_gives_the_file_its_name_and_media_type(data):
    from careboard.engine.reports import monthly_report

    result = monthly_report(
        data, AS_AT, "html", audience="members", months=2, commentary={"_summary": "Hello."}
    )
    assert result.filename == "improvement-summary-2026-10-members.html"
    assert result.media_type == "text/html; charset=utf-8"
    assert b"Hello." in result.content and b"OFFICIAL" in result.content


def test_a_public_team_report_withholds_what_the_council_breakdown_withholds_as_a_complement(data):
    council = build_monthly_report(data, AS_AT, audience="public", months=2)
    ids = {v: k for k, v in team_names(data).items()}
    by_team = scorecard(data, AS_AT, by="team", months=2)
    counts = {(r["id"], r["group"]): r for r in by_team.iter_rows(named=True)}
    complements = [
        (b.indicator_id, b.title, ids[row[0]])
        for b in council.team_breakdowns
        for row in b.rows
        if row[4] == "Withheld" and row[0] in ids  # not the children allocated to no team
        and not primary(counts[(b.indicator_id, ids[row[0]])]["unit"],
                        counts[(b.indicator_id, ids[row[0]])]["numerator"],
                        counts[(b.indicator_id, ids[row[0]])]["denominator"])
    ]  # fmt: skip
    assert complements, "the generated council has a team withheld only as a complement"
    indicator_id, title, team = complements[0]
    report = build_monthly_report(data, AS_AT, audience="public", team=team, months=2)
    assert next(r for r in report.rows if r.indicator_id == indicator_id).withheld, (title, team)

import io

from docx import Document

from careboard.engine.reports import render_docx
from careboard.engine.reports.monthly import assemble
from careboard.engine.reports.suppression import SUPPRESSED

from .conftest import INDICATORS


def open_docx(report):
    return Document(io.BytesIO(render_docx.render(report)))


def scorecard_rows(doc):
    """Title -> the row's cells, from every scorecard table (those headed Indicator, Value...)."""
    rows = {}
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:2] == ["Indicator", "Value"] and "RAG" in head:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                rows[cells[0]] = dict(zip(head, cells, strict=True))
    return rows


def test_the_word_report_has_every_indicator_with_its_value_and_rag(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    rows = scorecard_rows(open_docx(report))
    assert set(rows) == {i.title for i in INDICATORS.values()}
    for expected in report.rows:
        got = rows[expected.title]
        assert (got["Value"], got["RAG"], got["Number"]) == (
            expected.value,
            expected.rag,
            expected.numerator,
        )


def test_the_word_report_uses_built_in_heading_and_table_styles(figures, request_for):
    doc = open_docx(assemble(INDICATORS, figures, request_for("board")))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", "Monthly improvement summary") in headings
    assert ("Heading 1", "Front door") in headings
    assert ("Heading 2", "Contacts decided within 24 hours") in headings
    assert all(t.style.name == "Table Grid" for t in doc.tables)


def test_the_word_report_embeds_a_chart_per_indicator(figures, request_for):
    doc = open_docx(assemble(INDICATORS, figures, request_for("board")))
    assert len(doc.inline_shapes) == len(INDICATORS)


def test_the_board_word_report_is_marked_official_sensitive_on_every_page(figures, request_for):
    doc = open_docx(assemble(INDICATORS, figures, request_for("board")))
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert doc.paragraphs[0].text == "OFFICIAL-SENSITIVE"


def test_the_public_word_report_withholds_small_numbers_with_a_key(figures, request_for):
    doc = open_docx(assemble(INDICATORS, figures, request_for("public")))
    row = scorecard_rows(doc)["Initial health assessments within 20 working days"]
    assert (row["Value"], row["Number"], row["Out of"]) == (SUPPRESSED,) * 3
    assert any(p.text.startswith("[c] = withheld") for p in doc.paragraphs)
    assert "OFFICIAL" not in doc.sections[0].header.paragraphs[0].text

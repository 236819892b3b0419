import io

from pypdf import PdfReader

from careboard.engine.reports import render_pdf
from careboard.engine.reports.monthly import assemble

from .conftest import INDICATORS


def pdf_text(report):
    reader = PdfReader(io.BytesIO(render_pdf.render(report)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_extractable_text_with_every_indicator_value_and_rag(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    text = " ".join(pdf_text(report).split())
    for row in report.rows:
        assert row.value in text
        assert row.rag in text
    for title in ("Contacts decided within 24 hours", "Children in residential placements"):
        assert title in text


def test_the_pdf_is_the_same_bytes_for_the_same_report(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    assert render_pdf.render(report) == render_pdf.render(report)


def test_the_board_pdf_carries_its_marking(figures, request_for):
    text = pdf_text(assemble(INDICATORS, figures, request_for("board")))
    assert text.count("OFFICIAL-SENSITIVE") >= 2


def test_the_pdf_outline_lists_each_area_and_appendix(figures, request_for):
    reader = PdfReader(io.BytesIO(render_pdf.render(assemble(INDICATORS, figures, request_for("board")))))
    titles = [entry.title for entry in reader.outline]
    assert titles[:2] == ["Summary", "Front door"]
    assert "Appendix: definitions" in titles

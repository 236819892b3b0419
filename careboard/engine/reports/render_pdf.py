"""The report as PDF, with reportlab: pure Python, offline, no system libraries.

Why reportlab rather than HTML-to-PDF (WeasyPrint): it needs no Pango or Cairo from the operating
system, so ``pip install`` is the whole set-up on a council's locked-down server, and it writes
real text (a test extracts it with pypdf). Text is set in Bitstream Vera, the TrueType font that
ships inside reportlab, embedded in the file so it prints the same everywhere and carries any
character a title or a comment may hold.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from careboard.engine.reports import charts
from careboard.engine.reports.model import RAG_COLOURS, MonthlyReport, Section
from careboard.engine.reports.render_html import (
    COMPARISON_SHARES,
    SCORECARD_HEADINGS,
    SCORECARD_SHARES,
    TEAM_HEADINGS,
    TEAM_SHARES,
)

FONT, BOLD = "Vera", "Vera-Bold"
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
HEADER_FILL = colors.HexColor("#1f4e79")
PAGE_WIDTH = A4[0] - 3 * cm


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> StyleSheet1:
    _fonts()
    base = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading1", "Heading2", "Heading3", "BodyText"):
        base[name].fontName = BOLD if name != "Normal" and name != "BodyText" else FONT
    base.add(ParagraphStyle("Cell", parent=base["Normal"], fontSize=7.5, leading=9))
    base.add(
        ParagraphStyle("CellHead", parent=base["Cell"], fontName=BOLD, fontSize=6.5, textColor=colors.white)
    )
    base.add(ParagraphStyle("Marking", parent=base["Normal"], fontName=BOLD, alignment=TA_CENTER))
    return base


def _p(text: str, style: str = "Normal") -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _table(
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    rag_col: int | None = None,
) -> Table:
    data = [[_p(h, "CellHead") for h in headings]]
    # only the first column wraps; the rest are short and set as plain strings, which reportlab
    # lays out many times faster than paragraphs
    data += [[_p(row[0], "Cell"), *row[1:]] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (1, 1), (-1, -1), FONT, 7.5),
    ]
    if rag_col is not None:
        style += [("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("ALIGN", (rag_col, 1), (rag_col, -1), "LEFT")]
        style += [("FONT", (rag_col, 1), (rag_col, -1), BOLD, 7.5)]
    if rag_col is not None:
        for i, row in enumerate(rows, start=1):
            style.append(
                ("BACKGROUND", (rag_col, i), (rag_col, i), colors.HexColor(RAG_COLOURS[row[rag_col]]))
            )
    table.setStyle(TableStyle(style))
    return table


def _widths(shares: Sequence[float]) -> list[float]:
    total = sum(shares)
    return [PAGE_WIDTH * s / total for s in shares]


def _cover(report: MonthlyReport) -> list[Flowable]:
    out: list[Flowable] = []
    if report.marking:
        out.append(_p(report.marking, "Marking"))
    out += [
        _p(report.title, "Title"),
        _p(report.subtitle, "Heading2"),
        _p(f"Prepared for: {report.audience_label}. As at {report.as_at:%d %B %Y}."),
        _p("Summary", "Heading1"),
    ]
    out += [Paragraph(escape(h), _styles()["Normal"], bulletText="•") for h in report.headlines]
    if report.general_commentary:
        out.append(_p(report.general_commentary))
    if report.suppression_key:
        out += [Spacer(1, 6), _p(report.suppression_key)]
    return out


def _section(section: Section) -> list[Flowable]:
    rows = [
        (r.title, r.value, r.numerator, r.denominator, r.lower, r.upper, r.rag, r.previous, r.direction)
        for r in section.rows
    ]
    out: list[Flowable] = [
        _p(section.area, "Heading1"),
        _table(SCORECARD_HEADINGS, rows, _widths(SCORECARD_SHARES), rag_col=6),
    ]
    for chart in section.charts:
        out.append(KeepTogether([_p(chart.title, "Heading3"), drawing(chart, PAGE_WIDTH)]))
    if section.commentary:
        out.append(_p(f"{section.area}: commentary", "Heading2"))
        out += [
            Paragraph(f"<b>{escape(t)}.</b> {escape(text)}", _styles()["Normal"])
            for t, text in section.commentary
        ]
    return out


def _appendices(report: MonthlyReport) -> list[Flowable]:
    out: list[Flowable] = []
    if report.comparisons:
        heads = ("Indicator", report.council, "England", "Statistical neighbours", "Year")
        rows = [(c.title, c.value, c.england, c.neighbours, c.year) for c in report.comparisons]
        out += [
            _p("Comparison with England and statistical neighbours", "Heading1"),
            _table(heads, rows, _widths(COMPARISON_SHARES)),
        ]
    out.append(_p("Data note", "Heading1"))
    out += [_p(line) for line in report.data_note]
    if report.team_breakdowns:
        out.append(_p("Appendix: figures by team", "Heading1"))
        for b in report.team_breakdowns:
            heads = TEAM_HEADINGS
            out += [
                _p(b.title, "Heading3"),
                _table(heads, b.rows, _widths(TEAM_SHARES), rag_col=4),
            ]
    out.append(_p("Appendix: definitions", "Heading1"))
    for d in report.definitions:
        out.append(_p(f"{d.title} ({d.indicator_id})", "Heading3"))
        for label, text in (
            ("Definition", d.definition), ("Numerator", d.numerator), ("Denominator", d.denominator),
            ("Measured", f"{d.unit}, {d.period}"), ("Targets", d.targets), ("Timescale", d.timescale),
        ):  # fmt: skip
            if text:
                out.append(Paragraph(f"<b>{escape(label)}:</b> {escape(text)}", _styles()["Normal"]))
    return out


def _shape(s: charts.Shape) -> Any:
    """One chart shape in reportlab's graphics, y turned upwards."""
    h = charts.HEIGHT
    if isinstance(s, charts.Line):
        points = [v for x, y in s.points for v in (x, h - y)]
        return PolyLine(
            points,
            strokeColor=colors.HexColor(s.colour),
            strokeWidth=s.width,
            strokeDashArray=list(s.dash) if s.dash else None,
        )
    if isinstance(s, charts.Rect):
        return Rect(s.x, h - s.y - s.h, s.w, s.h, fillColor=colors.HexColor(s.colour), strokeColor=None)
    if isinstance(s, charts.Dot):
        return Circle(s.x, h - s.y, s.r, fillColor=colors.HexColor(s.colour), strokeColor=None)
    return String(
        s.x,
        h - s.y,
        s.text,
        fontName=FONT,
        fontSize=s.size,
        fillColor=colors.HexColor(s.colour),
        textAnchor=s.anchor,
    )


def drawing(chart: charts.Chart, width: float) -> Drawing:
    """The chart as vector graphics ``width`` points wide: sharp at any zoom, no image to encode."""
    k = width / charts.WIDTH
    out = Drawing(width, charts.HEIGHT * k)
    group = Group(*(_shape(s) for s in charts.layout(chart)))
    group.scale(k, k)
    out.add(group)
    return out


def _marking_on_every_page(marking: str | None) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        if marking:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 1 * cm, marking)
            canvas.drawCentredString(A4[0] / 2, 0.8 * cm, marking)
        canvas.drawRightString(A4[0] - 1.5 * cm, 0.8 * cm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


class _OutlinedDoc(SimpleDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """A document whose Heading 1 paragraphs become the PDF's outline (the bookmarks pane)."""

    parts = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "Heading1":
            self.parts += 1
            key = f"part{self.parts}"  # numbered, not by object id: the same report, the same bytes
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


def render(report: MonthlyReport) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    doc = _OutlinedDoc(
        buffer,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=f"{report.title}: {report.subtitle}",
        author=report.council,
        invariant=1,  # no creation time or random id in the file: same report, same bytes
    )
    story = _cover(report)
    for section in report.sections:
        story += _section(section)
    story += _appendices(report)
    page = _marking_on_every_page(report.marking)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()

"""The report as one self-contained HTML file: inline CSS, charts as inline SVG, nothing fetched.

The file can be e-mailed, opened offline or published as it is: it refers to no stylesheet, font,
image or script elsewhere (a test checks every src, href and url()).
"""

from __future__ import annotations

from html import escape

from careboard.engine.reports import charts
from careboard.engine.reports.model import RAG_COLOURS, MonthlyReport, Row, Section

CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#111;max-width:60em;margin:2em auto;padding:0 1em;
line-height:1.4}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#1f4e79;color:#fff}td.num{text-align:right;white-space:nowrap}
.marking{font-weight:bold;text-align:center;letter-spacing:.1em;border:2px solid #111;padding:.2em}
.cover{margin-bottom:2em}.rag{font-weight:bold}
.key{font-size:.9em;border-left:4px solid #1f4e79;padding-left:.6em}
figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}svg{max-width:100%;height:auto}
@media print{h2{page-break-before:always}.cover h2{page-break-before:avoid}}
"""

SCORECARD_HEADINGS = (
    "Indicator", "Value", "Number", "Out of", "Minimum", "Aspiration", "RAG",
    "Last month", "Direction",
)  # fmt: skip
# numerator and denominator in words a board reads: "774 out of 825"
TEAM_HEADINGS = ("Team", "Value", "Number", "Out of", "RAG")
# relative column widths of the scorecard, the comparison and the team tables (Word and PDF)
SCORECARD_SHARES = (3.0, 1.2, 1.25, 1.25, 1.45, 1.6, 1.3, 1.3, 1.55)
COMPARISON_SHARES = (5, 1.5, 1.5, 1.8, 1)
TEAM_SHARES = (4, 1.5, 1.5, 1.5, 1.2)


def _cell(text: str, num: bool = False) -> str:
    return f'<td class="num">{escape(text)}</td>' if num else f"<td>{escape(text)}</td>"


def _rag_cell(rag: str) -> str:
    return f'<td class="rag" style="background:{RAG_COLOURS[rag]}">{escape(rag)}</td>'


def _table(headings: tuple[str, ...], body: list[str]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _scorecard_row(r: Row) -> str:
    cells = [
        _cell(r.title), _cell(r.value, True), _cell(r.numerator, True), _cell(r.denominator, True),
        _cell(r.lower, True), _cell(r.upper, True), _rag_cell(r.rag), _cell(r.previous, True),
        _cell(r.direction),
    ]  # fmt: skip
    return f'<tr id="row-{escape(r.indicator_id)}">{"".join(cells)}</tr>'


def _section(s: Section) -> str:
    parts = [
        f'<h2 id="{_anchor(s.area)}">{escape(s.area)}</h2>',
        _table(SCORECARD_HEADINGS, [_scorecard_row(r) for r in s.rows]),
    ]
    for chart in s.charts:
        parts.append(f"<figure><figcaption>{escape(chart.title)}</figcaption>{charts.svg(chart)}</figure>")
    if s.commentary:
        parts.append("<h3>Commentary</h3>")
        parts += [f"<p><strong>{escape(t)}.</strong> {escape(text)}</p>" for t, text in s.commentary]
    return "".join(parts)


COMPARISON = "Comparison with England and statistical neighbours"
TEAMS = "Appendix: figures by team"
DEFINITIONS = "Appendix: definitions"


def _anchor(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())


def _contents(report: MonthlyReport) -> str:
    """Links within the page to each part (the only links the file has)."""
    entries = [(_anchor(s.area), s.area) for s in report.sections]
    if report.comparisons:
        entries.append(("comparison", COMPARISON))
    entries.append(("data-note", "Data note"))
    if report.team_breakdowns:
        entries.append(("teams", TEAMS))
    entries.append(("definitions", DEFINITIONS))
    items = "".join(f'<li><a href="#{anchor}">{escape(text)}</a></li>' for anchor, text in entries)
    return f'<nav aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def _cover(report: MonthlyReport) -> str:
    marking = f'<p class="marking">{escape(report.marking)}</p>' if report.marking else ""
    head = [
        marking,
        f"<h1>{escape(report.title)}</h1>",
        f"<p><strong>{escape(report.subtitle)}</strong></p>",
        f"<p>Prepared for: {escape(report.audience_label)}. As at {report.as_at:%d %B %Y}.</p>",
    ]
    summary = "".join(f"<li>{escape(h)}</li>" for h in report.headlines)
    general = f"<p>{escape(report.general_commentary)}</p>" if report.general_commentary else ""
    key = f'<p class="key">{escape(report.suppression_key)}</p>' if report.suppression_key else ""
    return f'<div class="cover">{"".join(head)}<h2>Summary</h2><ul>{summary}</ul>{general}{key}</div>'


def _comparison(report: MonthlyReport) -> str:
    if not report.comparisons:
        return ""
    body = [
        f"<tr>{_cell(c.title)}{_cell(c.value, True)}{_cell(c.england, True)}"
        f"{_cell(c.neighbours, True)}{_cell(c.year)}</tr>"
        for c in report.comparisons
    ]
    heads = ("Indicator", report.council, "England", "Statistical neighbours", "Year")
    return f'<h2 id="comparison">{COMPARISON}</h2>' + _table(heads, body)


def _teams(report: MonthlyReport) -> str:
    if not report.team_breakdowns:
        return ""
    parts = [f'<h2 id="teams">{TEAMS}</h2>']
    for b in report.team_breakdowns:
        body = [
            f"<tr>{_cell(t)}{_cell(v, True)}{_cell(n, True)}{_cell(d, True)}{_rag_cell(rag)}</tr>"
            for t, v, n, d, rag in b.rows
        ]
        parts += [
            f"<h3>{escape(b.title)}</h3>",
            _table(TEAM_HEADINGS, body),
        ]
    return "".join(parts)


def _definitions(report: MonthlyReport) -> str:
    parts = [f'<h2 id="definitions">{DEFINITIONS}</h2>']
    for d in report.definitions:
        items = [
            ("Definition", d.definition), ("Numerator", d.numerator), ("Denominator", d.denominator),
            ("Measured", f"{d.unit}, {d.period}"), ("Targets", d.targets), ("Timescale", d.timescale),
        ]  # fmt: skip
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items if v)
        parts.append(f"<h3>{escape(d.title)} <small>({escape(d.indicator_id)})</small></h3><dl>{rows}</dl>")
    return "".join(parts)


def render(report: MonthlyReport) -> bytes:
    note = "".join(f"<p>{escape(line)}</p>" for line in report.data_note)
    body = [
        _cover(report),
        _contents(report),
        "".join(_section(s) for s in report.sections),
        _comparison(report),
        f'<h2 id="data-note">Data note</h2>{note}',
        _teams(report),
        _definitions(report),
    ]
    marking = f'<p class="marking">{escape(report.marking)}</p>' if report.marking else ""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.title)}: {escape(report.subtitle)}</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}{marking}</body></html>"
    )
    return html.encode("utf-8")

"""Board reports: the monthly improvement summary as Word, PDF and HTML.

Build the report model with :func:`careboard.engine.reports.monthly.build_monthly_report` (or
:func:`~careboard.engine.reports.monthly.assemble` from figures already computed), then
:func:`render` it. :func:`monthly_report` does both in one call, for the web app's download.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from careboard.engine.indicators.core import Settings
from careboard.engine.indicators.targets import Target
from careboard.engine.reports import render_docx, render_html, render_pdf
from careboard.engine.reports.model import AUDIENCES, FORMATS, Audience, Format, MonthlyReport
from careboard.engine.reports.monthly import build_monthly_report
from careboard.engine.store import Dataset

MEDIA_TYPES: dict[Format, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class RenderedReport:
    """A report file ready to save or send: its bytes, a file name and its media type."""

    content: bytes
    filename: str
    media_type: str


def render(report: MonthlyReport, fmt: Format) -> bytes:
    """The report as the bytes of a .docx, .pdf or .html file."""
    if fmt == "docx":
        return render_docx.render(report)
    if fmt == "pdf":
        return render_pdf.render(report)
    if fmt == "html":
        return render_html.render(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def filename(report: MonthlyReport, fmt: Format) -> str:
    """e.g. ``improvement-summary-2026-10-board.docx`` (plus the team id for a team's report)."""
    team = f"-{_slug(report.team)}" if report.team else ""
    return f"improvement-summary-{report.as_at:%Y-%m}{team}-{report.audience}.{fmt}"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def rendered(report: MonthlyReport, fmt: Format) -> RenderedReport:
    return RenderedReport(render(report, fmt), filename(report, fmt), MEDIA_TYPES[fmt])


def monthly_report(
    data: Dataset,
    as_at: date,
    fmt: Format,
    *,
    audience: Audience = "board",
    settings: Settings | None = None,
    targets: Sequence[Target] = (),
    commentary: Mapping[str, str] | None = None,
    team: str | None = None,
    council: str | None = None,
    loaded_at: datetime | date | None = None,
    data_issues: Sequence[str] = (),
    months: int = 13,
    comparators: pl.DataFrame | None = None,
) -> RenderedReport:
    """The monthly improvement summary as a file: what the CLI and the web app's download call.

    ``commentary`` maps indicator ids to text (``"_summary"`` for the whole report); ``team`` is a
    dept_team_id (raises ``UnknownTeam``, a ValueError, when the dataset has no such team).
    """
    report = build_monthly_report(
        data,
        as_at,
        settings=settings,
        targets=targets,
        commentary=commentary,
        audience=audience,
        team=team,
        council=council,
        loaded_at=loaded_at,
        data_issues=data_issues,
        months=months,
        comparators=comparators,
    )
    return rendered(report, fmt)


__all__ = [
    "AUDIENCES",
    "FORMATS",
    "MEDIA_TYPES",
    "Audience",
    "Format",
    "MonthlyReport",
    "RenderedReport",
    "filename",
    "monthly_report",
    "render",
    "rendered",
]

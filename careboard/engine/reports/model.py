"""The monthly report as data: what every renderer (Word, PDF, HTML) lays out the same way.

The model holds text already formatted and already suppressed for its audience, so a renderer
cannot show a figure the audience may not see: it has nothing but the model to draw from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Audience = Literal["board", "members", "public"]
AUDIENCES: tuple[Audience, ...] = ("board", "members", "public")
Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html")
RagText = Literal["Red", "Amber", "Green", "No target", "No data", "Withheld"]

RAG_COLOURS: dict[str, str] = {  # fills light enough for black text (WCAG AA contrast)
    "Red": "#F4B6B6",
    "Amber": "#FFD98A",
    "Green": "#B7E1B0",
    "No target": "#E6E6E6",
    "No data": "#E6E6E6",
    "Withheld": "#FFFFFF",
}


@dataclass(frozen=True)
class Row:
    """One indicator's line in the scorecard table."""

    indicator_id: str
    title: str
    area: str
    unit: str
    value: str
    numerator: str
    denominator: str
    lower: str
    upper: str
    rag: RagText
    previous: str
    direction: str
    withheld: bool = False


@dataclass(frozen=True)
class ChartPoint:
    month: date
    value: float | None  # None when not computable or withheld


@dataclass(frozen=True)
class Chart:
    """One indicator's monthly trend with the targets in force each month."""

    indicator_id: str
    title: str
    unit: str
    polarity: str
    points: tuple[ChartPoint, ...]
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    withheld_months: int = 0


@dataclass(frozen=True)
class Comparison:
    indicator_id: str
    title: str
    value: str
    england: str
    neighbours: str
    year: str


@dataclass(frozen=True)
class TeamBreakdown:
    """One indicator's value in each team (board and members; secondary suppression applied)."""

    indicator_id: str
    title: str
    rows: tuple[tuple[str, str, str, str, RagText], ...]  # team, value, numerator, denominator, RAG


@dataclass(frozen=True)
class Definition:
    indicator_id: str
    title: str
    area: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    period: str
    targets: str
    timescale: str


@dataclass(frozen=True)
class Section:
    """An area of the scorecard (Front door, Assessment...) with its rows, charts and commentary."""

    area: str
    rows: tuple[Row, ...]
    charts: tuple[Chart, ...]
    commentary: tuple[tuple[str, str], ...]  # (indicator title, text)


@dataclass(frozen=True)
class MonthlyReport:
    council: str
    month: date  # the month end reported
    as_at: date
    audience: Audience
    marking: str | None
    team: str | None  # team name when the report is for one team
    headlines: tuple[str, ...]
    sections: tuple[Section, ...]
    comparisons: tuple[Comparison, ...]
    team_breakdowns: tuple[TeamBreakdown, ...]
    data_note: tuple[str, ...]
    definitions: tuple[Definition, ...]
    suppression_key: str | None
    general_commentary: str = ""
    rag_counts: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return "Monthly improvement summary"

    @property
    def subtitle(self) -> str:
        scope = f" - {self.team}" if self.team else ""
        return f"{self.council}{scope}: {self.month:%B %Y}"

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for s in self.sections for r in s.rows)

    @property
    def audience_label(self) -> str:
        return {
            "board": "Improvement board",
            "members": "Elected members",
            "public": "Public",
        }[self.audience]

"""Small helpers shared by the pages: the current data, month choices, number formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from careboard.engine.calendar import month_end, month_ends
from careboard.engine.indicators.core import Unit, cached
from careboard.engine.reports.suppression import SUPPRESSED, primary
from careboard.engine.store import Dataset
from careboard.web.data.models import DataLoad
from careboard.web.data.values import closed_months

_RAG_TAGS = {
    "red": '<strong class="govuk-tag govuk-tag--red">Red</strong>',
    "amber": '<strong class="govuk-tag govuk-tag--amber">Amber</strong>',
    "green": '<strong class="govuk-tag govuk-tag--green">Green</strong>',
}
_NO_RAG = '<strong class="govuk-tag">No RAG</strong>'
DIRECTIONS = {"improving": "&#8599; Improving", "worsening": "&#8600; Worsening", "same": "&#8594; No change"}


def rag_tag(rag: str | None) -> SafeString:
    """RAG as a coloured tag that also says it in words (colour is never the only signal)."""
    return mark_safe(_RAG_TAGS.get(rag or "", _NO_RAG))


def direction_text(direction: str | None) -> SafeString:
    return mark_safe(DIRECTIONS.get(direction or "", "–"))


def no_data(request: HttpRequest) -> HttpResponse:
    return render(request, "no_data.html", status=200)


@dataclass(frozen=True)
class MonthChoice:
    period_end: date
    closed: bool

    @property
    def label(self) -> str:
        text = self.period_end.strftime("%B %Y")
        if self.period_end != month_end(self.period_end):
            return f"{text} so far (to {self.period_end:%-d %B}, open)"
        return text if self.closed else f"{text} (open)"


def month_choices(load: DataLoad, months: int = 24) -> list[MonthChoice]:
    """The months a page can show, newest first: closed months and the last ``months`` to the data's date."""
    closed = set(closed_months())
    ends = set(closed)
    if load.as_at is not None:
        ends |= set(month_ends(load.as_at, months))
    return [MonthChoice(d, d in closed) for d in sorted(ends, reverse=True)]


def chosen_month(request: HttpRequest, choices: list[MonthChoice]) -> date | None:
    """The month asked for (if it is a choice), else the latest closed month, else the newest."""
    asked = request.GET.get("month", "")
    by_date = {c.period_end.isoformat(): c for c in choices}
    if asked in by_date:
        return by_date[asked].period_end
    closed = [c.period_end for c in choices if c.closed]
    if closed:
        return closed[0]
    return choices[0].period_end if choices else None


def fmt_value(value: float | None, unit: Unit) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("count",):
        return f"{value:,.0f}"
    if unit == "fte":
        return f"{value:,.1f}"
    return f"{value:,.1f}"


def fmt_count(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def shown(
    unit: Unit,
    numerator: float | None,
    denominator: float | None,
    value: float | None,
    suppress: bool,
    withheld: bool = False,
) -> dict[str, Any]:
    """Value, numerator and denominator as text, withheld as [c] for small numbers when ``suppress``
    (or when ``withheld``: a cell hidden so that a small one cannot be worked out from a total)."""
    if suppress and (withheld or primary(unit, numerator, denominator)):
        return {"value": SUPPRESSED, "numerator": SUPPRESSED, "denominator": SUPPRESSED, "suppressed": True}
    return {
        "value": fmt_value(value, unit),
        "numerator": fmt_count(numerator),
        "denominator": fmt_count(denominator),
        "suppressed": False,
    }


def team_names(data: Dataset) -> dict[str, str]:
    """Team id -> name, built once per loaded dataset."""

    def build() -> dict[str, str]:
        dept = data["ssd_department"]
        return {
            str(r["dept_team_id"]): str(r["dept_team_name"] or r["dept_team_id"])
            for r in dept.select("dept_team_id", "dept_team_name").iter_rows(named=True)
            if r["dept_team_id"] is not None
        }

    names: dict[str, str] = cached(data, "web.team_names", build)
    return names


def worker_names(data: Dataset) -> dict[str, str]:
    """Worker id -> name, built once per loaded dataset."""

    def build() -> dict[str, str]:
        prof = data["ssd_professionals"]
        return {
            str(r["prof_professional_id"]): str(r["prof_professional_name"] or r["prof_professional_id"])
            for r in prof.select("prof_professional_id", "prof_professional_name").iter_rows(named=True)
            if r["prof_professional_id"] is not None
        }

    names: dict[str, str] = cached(data, "web.worker_names", build)
    return names


def parse_month(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None

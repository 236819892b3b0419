"""The monthly improvement summary: the document the Director puts before the improvement board.

:func:`build_monthly_report` gathers the month's figures from the indicator engine (the same
``scorecard`` the web app shows, so the report and the screen never disagree) and
:func:`assemble` turns them into a :class:`MonthlyReport`: cover, headlines drafted from the data,
the scorecard by area, trend charts with targets, commentary, comparison with England and
statistical neighbours, a data note and the definitions. For members and the public every small
number is withheld (see :mod:`careboard.engine.reports.suppression`); no audience gets anything
about an individual child: the report is built from aggregates only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from careboard.engine.calendar import month_end, month_ends
from careboard.engine.indicators import core, load_comparators, scorecard
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import AREAS, By, Indicator, Period, Settings, Unit, series
from careboard.engine.indicators.targets import Target, targets_in_force
from careboard.engine.reports import formatting as fmt
from careboard.engine.reports import suppression
from careboard.engine.reports.model import (
    Audience,
    Chart,
    ChartPoint,
    Comparison,
    Definition,
    MonthlyReport,
    RagText,
    Row,
    Section,
    TeamBreakdown,
)
from careboard.engine.store import Dataset

MARKINGS: dict[str, str | None] = {"board": "OFFICIAL-SENSITIVE", "members": "OFFICIAL", "public": None}
RAG_TEXT: dict[str | None, RagText] = {"red": "Red", "amber": "Amber", "green": "Green", None: "No target"}
DIRECTION_TEXT = {"improving": "Improving", "worsening": "Worsening", "same": "No change"}
HEADLINE_LIST = 4  # indicators named in one headline sentence before "and N more"


@dataclass(frozen=True)
class Figures:
    """The engine's numbers for the month, gathered once.

    ``card``: one scorecard row per indicator (the council's, or the one team's) with the
    scorecard's columns. ``monthly``: indicator_id, period_end, numerator, denominator, value for
    each month of the trend (the ``series``), needed to withhold small monthly figures; when None
    the trend comes from the card's ``series`` list (board only). ``teams``: the scorecard by team
    (a ``group`` column holds the team id), or None for no team breakdown. ``also_withheld``:
    (indicator id, month end) pairs to withhold for members and the public although their own
    counts are not small (a team's figure that the council's breakdown withholds as a complement).
    """

    card: pl.DataFrame
    monthly: pl.DataFrame | None = None
    teams: pl.DataFrame | None = None
    team_names: Mapping[str, str] = field(default_factory=dict)
    neighbours: Mapping[str, tuple[float, str]] = field(default_factory=dict)
    england_years: Mapping[str, str] = field(default_factory=dict)
    also_withheld: frozenset[tuple[str, date]] = frozenset()  # (indicator, month) withheld besides


@dataclass(frozen=True)
class Request:
    """What the person asked for: the month, the audience, the scope and their own words."""

    as_at: date
    audience: Audience = "board"
    council: str = "The council"
    team: str | None = None
    commentary: Mapping[str, str] = field(default_factory=dict)
    loaded_at: datetime | date | None = None
    data_issues: Sequence[str] = ()
    targets: Sequence[Target] = ()


# --- one indicator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One scorecard row from the engine, with the audience's suppression decided."""

    ind: Indicator
    card: dict[str, Any]
    withheld: bool
    previous_withheld: bool

    @property
    def value(self) -> float | None:
        v = self.card.get("value")
        return None if v is None else float(v)

    @property
    def previous(self) -> float | None:
        v = self.card.get("previous_value")
        return None if v is None else float(v)


def _monthly_counts(monthly: pl.DataFrame | None, indicator_id: str) -> dict[date, tuple[Any, Any, Any]]:
    if monthly is None:
        return {}
    rows = monthly.filter(pl.col("indicator_id") == indicator_id)
    return {
        r["period_end"]: (r["numerator"], r["denominator"], r["value"])
        for r in rows.select("period_end", "numerator", "denominator", "value").iter_rows(named=True)
    }


def _line(ind: Indicator, card: dict[str, Any], req: Request, figures: Figures) -> _Line:
    if req.audience == "board":
        return _Line(ind, card, withheld=False, previous_withheld=False)
    also = figures.also_withheld
    ends = month_ends(req.as_at, 2)
    withheld = (ind.id, ends[1]) in also or suppression.primary(
        ind.unit, card.get("numerator"), card.get("denominator")
    )
    previous = _monthly_counts(figures.monthly, ind.id).get(ends[0])
    # no counts for last month means nothing shows it is safe: withhold
    previous_withheld = (
        previous is None
        or (ind.id, ends[0]) in also
        or suppression.primary(ind.unit, previous[0], previous[1])
    )
    return _Line(ind, card, withheld=withheld, previous_withheld=previous_withheld)


def _rag_text(line: _Line) -> RagText:
    if line.withheld:
        return "Withheld"
    if line.value is None:
        return "No data"  # nothing counted this month: not the same as having no target
    return RAG_TEXT[line.card.get("rag")]


def _row(line: _Line) -> Row:
    ind, card = line.ind, line.card
    direction = (
        "" if line.withheld or line.previous_withheld else DIRECTION_TEXT.get(card.get("direction") or "", "")
    )
    return Row(
        indicator_id=ind.id,
        title=ind.title,
        area=ind.area,
        unit=ind.unit,
        value=fmt.withheld_or(fmt.value(line.value, ind.unit), line.withheld),
        numerator=fmt.withheld_or(fmt.numerator(card.get("numerator"), ind.unit), line.withheld),
        denominator=fmt.withheld_or(fmt.count(card.get("denominator")), line.withheld),
        lower=fmt.target(card.get("lower"), ind.unit),
        upper=fmt.target(card.get("upper"), ind.unit),
        rag=_rag_text(line),
        previous=fmt.withheld_or(fmt.value(line.previous, ind.unit), line.previous_withheld),
        direction=direction,
        withheld=line.withheld,
    )


def _chart(line: _Line, req: Request, figures: Figures) -> Chart:
    ind = line.ind
    counts = _monthly_counts(figures.monthly, ind.id)
    if counts:
        ends = sorted(counts)
        values: list[float | None] = [None if counts[e][2] is None else float(counts[e][2]) for e in ends]
    else:
        series = [None if v is None else float(v) for v in (line.card.get("series") or [])]
        ends = month_ends(req.as_at, len(series)) if series else []
        values = series
    withheld = 0
    if req.audience != "board":
        for i, end in enumerate(ends):
            c = counts.get(end)
            if (
                c is None
                or (ind.id, end) in figures.also_withheld
                or suppression.primary(ind.unit, c[0], c[1])
            ):
                withheld += values[i] is not None
                values[i] = None
    in_force = [targets_in_force(req.targets, ind, e) for e in ends]
    return Chart(
        indicator_id=ind.id,
        title=ind.title,
        unit=ind.unit,
        polarity=ind.polarity,
        points=tuple(ChartPoint(e, v) for e, v in zip(ends, values, strict=True)),
        lower=tuple(t[0] for t in in_force),
        upper=tuple(t[1] for t in in_force),
        withheld_months=withheld,
    )


# --- headlines ----------------------------------------------------------------------------------


def _names(lines: Sequence[_Line], describe: Callable[[_Line], str]) -> str:
    shown = [describe(line) for line in lines[:HEADLINE_LIST]]
    more = len(lines) - len(shown)
    text = "; ".join(shown)
    return f"{text}; and {more} more" if more else text


def _move(line: _Line) -> str:
    unit = line.ind.unit
    return f"{line.ind.title} ({fmt.value(line.previous, unit)} to {fmt.value(line.value, unit)})"


def _red(line: _Line) -> str:
    card, unit = line.card, line.ind.unit
    standard = card.get("lower") if line.ind.polarity != "target_range" else None
    against = f" against a minimum standard of {fmt.target(standard, unit)}" if standard is not None else ""
    return f"{line.ind.title} ({fmt.value(line.value, unit)}{against})"


def _size_of_change(line: _Line) -> float:
    prev, curr = line.previous or 0.0, line.value or 0.0
    return abs(curr - prev) / max(abs(prev), 1e-9)


def headlines(lines: Sequence[_Line], month: date) -> tuple[str, ...]:
    """Sentences drafted from the figures: the RAG count, what improved, what worsened, what is red."""
    judged = [ln for ln in lines if not ln.withheld and ln.card.get("rag") is not None]
    counts = {r: sum(ln.card.get("rag") == r for ln in judged) for r in ("red", "amber", "green")}
    out = [
        f"Of {len(judged)} indicator{'' if len(judged) == 1 else 's'} measured against targets "
        f"for {month:%B %Y}: "
        f"{counts['red']} red, {counts['amber']} amber and {counts['green']} green."
    ]
    comparable = [ln for ln in lines if not ln.withheld and not ln.previous_withheld]
    for word, label in (("improving", "Improved"), ("worsening", "Worsened")):
        moved = sorted(
            (ln for ln in comparable if ln.card.get("direction") == word), key=_size_of_change, reverse=True
        )
        if moved:
            out.append(f"{label} since last month ({len(moved)}): {_names(moved, _move)}.")
        else:
            out.append(f"{label} since last month: none.")
    red = [ln for ln in judged if ln.card.get("rag") == "red"]
    if red:
        out.append(f"Red ({len(red)}): {_names(red, _red)}.")
    withheld = sum(ln.withheld for ln in lines)
    if withheld:
        figures = "1 figure is" if withheld == 1 else f"{withheld} figures are"
        out.append(f"{figures} withheld because they rest on small numbers ([c]).")
    return tuple(out)


# --- comparison, breakdown, definitions, note --------------------------------------------------------


def _comparison(line: _Line, figures: Figures) -> Comparison | None:
    england = line.card.get("england")
    neighbours = figures.neighbours.get(line.ind.id)
    if england is None and neighbours is None:
        return None
    unit = line.ind.unit
    year = figures.england_years.get(line.ind.id) or (neighbours[1] if neighbours else "")
    return Comparison(
        indicator_id=line.ind.id,
        title=line.ind.title,
        value=fmt.withheld_or(fmt.value(line.value, unit), line.withheld),
        england=fmt.value(None if england is None else float(england), unit),
        neighbours=fmt.value(neighbours[0] if neighbours else None, unit),
        year=str(year),
    )


def _team_breakdown(line: _Line, teams: pl.DataFrame, req: Request, figures: Figures) -> TeamBreakdown | None:
    ind = line.ind
    if ind.unit == "rate_per_10k":
        return None  # no population by team
    rows = teams.filter(
        (pl.col("id") == ind.id) & ((pl.col("denominator").fill_null(0) > 0) | (pl.col("numerator") > 0))
    ).sort("group", nulls_last=True)
    if rows.is_empty():
        return None
    records = list(rows.iter_rows(named=True))
    withheld: set[str] = set()
    if req.audience != "board":
        cells = [(r["group"], r["numerator"], r["denominator"]) for r in records]
        withheld = withheld_in_breakdown(ind.unit, cells, total_withheld=line.withheld)
    out = []
    for r in records:
        hide = _team_key(r["group"]) in withheld
        name = figures.team_names.get(r["group"], r["group"]) if r["group"] is not None else "Not allocated"
        out.append(
            (
                name,
                fmt.withheld_or(fmt.value(r["value"], ind.unit), hide),
                fmt.withheld_or(fmt.numerator(r["numerator"], ind.unit), hide),
                fmt.withheld_or(fmt.count(r["denominator"]), hide),
                "Withheld" if hide else "No data" if r["value"] is None else RAG_TEXT[r.get("rag")],
            )
        )
    return TeamBreakdown(indicator_id=ind.id, title=ind.title, rows=tuple(out))


def _team_key(group: str | None) -> str:
    return "\x00unallocated" if group is None else group


def withheld_in_breakdown(
    unit: Unit, cells: Sequence[tuple[str | None, float | None, float | None]], total_withheld: bool
) -> set[str]:
    """Keys of the teams (group, numerator, denominator) whose figures a breakdown withholds.

    Teams with nothing counted are not shown and take no part. The next smallest team is ranked by
    its denominator for a percentage or an average, by its count otherwise.
    """
    shown = [(g, n, d) for g, n, d in cells if (d or 0) > 0 or (n or 0) > 0]
    return suppression.secondary(
        [
            suppression.Cell(
                key=_team_key(g),
                size=d if unit in ("percent", "days", "per_fte", "score") else n,
                withheld=suppression.primary(unit, n, d),
            )
            for g, n, d in shown
        ],
        total_shown=not total_withheld,
    )


def team_withheld(
    indicators: Mapping[str, Indicator], council: pl.DataFrame, by_team: pl.DataFrame, team: str
) -> frozenset[tuple[str, date]]:
    """(indicator, month end) where ``team``'s figure is withheld from the council's breakdown.

    A team's own report for members or the public must withhold those too, primary or secondary:
    otherwise the two reports side by side give back what one of them withheld.
    """
    totals = {
        (r["indicator_id"], r["period_end"]): (r["numerator"], r["denominator"])
        for r in council.iter_rows(named=True)
    }
    out: set[tuple[str, date]] = set()
    for (indicator_id, end), frame in by_team.group_by("indicator_id", "period_end"):
        unit = indicators[str(indicator_id)].unit
        num, den = totals.get((indicator_id, end), (None, None))
        cells = list(frame.select("group", "numerator", "denominator").iter_rows())
        if _team_key(team) in withheld_in_breakdown(unit, cells, suppression.primary(unit, num, den)):
            out.add((str(indicator_id), end))
    return frozenset(out)


def definition(ind: Indicator, lower: float | None, upper: float | None) -> Definition:
    return Definition(
        indicator_id=ind.id,
        title=ind.title,
        area=ind.area,
        definition=ind.definition,
        numerator=ind.numerator,
        denominator=ind.denominator,
        unit=fmt.unit_name(ind.unit),
        period=fmt.period(ind.period_kind),
        targets=fmt.targets_sentence(lower, upper, ind.unit, ind.polarity),
        timescale=ind.timescale,
    )


def data_note(req: Request, month: date) -> tuple[str, ...]:
    loaded = req.loaded_at
    whole_month = month_end(month) == month
    span = (
        f"for the month ending {month:%d %B %Y}"
        if whole_month
        else f"for the month to date (1 to {month:%d %B %Y})"
    )
    lines = [
        f"Figures are as at {req.as_at:%d %B %Y}, {span}.",
        f"The data were loaded on {loaded:%d %B %Y %H:%M}."
        if isinstance(loaded, datetime)
        else f"The data were loaded on {loaded:%d %B %Y}."
        if loaded is not None
        else "The date the data were loaded was not recorded.",
        "Each figure is counted from case records by the rule in the definitions appendix; a team's "
        "figures count the children allocated to that team at the time.",
    ]
    if req.audience != "board":
        lines.append(
            "Small numbers are withheld ([c]) and this report contains no information about any "
            "individual child."
        )
    if req.data_issues:
        lines.append("Known data issues:")
        lines.extend(f"- {issue}" for issue in req.data_issues)
    else:
        lines.append("No known data issues were recorded for this month.")
    return tuple(lines)


# --- the whole report ---------------------------------------------------------------------------


def assemble(indicators: Mapping[str, Indicator], figures: Figures, req: Request) -> MonthlyReport:
    """The report from the month's figures: pure, so each part can be tested on literal frames."""
    month = req.as_at
    cards = {r["id"]: r for r in figures.card.iter_rows(named=True)}
    lines = [_line(ind, cards[i], req, figures) for i, ind in indicators.items() if i in cards]
    sections = []
    for area in AREAS:
        in_area = [ln for ln in lines if ln.ind.area == area]
        if not in_area:
            continue
        sections.append(
            Section(
                area=area,
                rows=tuple(_row(ln) for ln in in_area),
                charts=tuple(_chart(ln, req, figures) for ln in in_area),
                commentary=tuple(
                    (ln.ind.title, req.commentary[ln.ind.id].strip())
                    for ln in in_area
                    if req.commentary.get(ln.ind.id, "").strip()
                ),
            )
        )
    comparisons = tuple(c for c in (_comparison(ln, figures) for ln in lines) if c is not None)
    breakdowns: tuple[TeamBreakdown, ...] = ()
    if figures.teams is not None and req.team is None:
        teams = figures.teams
        breakdowns = tuple(b for b in (_team_breakdown(ln, teams, req, figures) for ln in lines) if b)
    return MonthlyReport(
        council=req.council,
        month=month,
        as_at=req.as_at,
        audience=req.audience,
        marking=MARKINGS[req.audience],
        team=figures.team_names.get(req.team, req.team) if req.team else None,
        headlines=headlines(lines, month),
        sections=tuple(sections),
        comparisons=comparisons,
        team_breakdowns=breakdowns,
        data_note=data_note(req, month),
        definitions=tuple(definition(ln.ind, ln.card.get("lower"), ln.card.get("upper")) for ln in lines),
        suppression_key=suppression.SUPPRESSION_KEY if req.audience != "board" else None,
        general_commentary=req.commentary.get("_summary", "").strip(),
        rag_counts={t: sum(r.rag == t for s in sections for r in s.rows) for t in ("Red", "Amber", "Green")},
    )


# --- from a dataset -------------------------------------------------------------------------------


class UnknownTeam(ValueError):
    """The team asked for is not in ssd_department (a configuration error, shown to the user)."""


def team_names(data: Dataset) -> dict[str, str]:
    dept = data["ssd_department"].filter(pl.col("dept_team_id").is_not_null())
    return {
        r["dept_team_id"]: r["dept_team_name"] or r["dept_team_id"]
        for r in dept.select("dept_team_id", "dept_team_name").iter_rows(named=True)
    }


def council_name(data: Dataset, as_at: date) -> str | None:
    """The council's name from cb_population: the latest year up to ``as_at`` that names it."""
    pop = data["cb_population"].filter(pl.col("popu_la_name").is_not_null())
    if pop.is_empty():
        return None
    earlier = pop.filter(pl.col("popu_year") <= as_at.year)
    chosen = (earlier if earlier.height else pop).sort("popu_year").tail(1)
    return str(chosen["popu_la_name"][0])


def neighbours(comparators: pl.DataFrame) -> dict[str, tuple[float, str]]:
    rows = comparators.filter(pl.col("comparator") == "Statistical neighbours")
    return {r["indicator_id"]: (float(r["value"]), str(r["year"])) for r in rows.iter_rows(named=True)}


def england_years(comparators: pl.DataFrame) -> dict[str, str]:
    rows = comparators.filter(pl.col("comparator") == "England")
    return {r["indicator_id"]: str(r["year"]) for r in rows.iter_rows(named=True)}


def memoised(ind: Indicator) -> Indicator:
    """``ind`` with its rows kept per dataset, periods and settings while the report is built.

    The scorecard, the monthly counts that suppression needs and the team breakdown all start from
    the same rows; keeping them makes those one computation, not three.
    """
    one: dict[tuple[int, Period, Settings], pl.DataFrame] = {}
    many: dict[tuple[int, tuple[Period, ...], Settings], pl.DataFrame] = {}

    def rows(data: Dataset, period: Period, settings: Settings) -> pl.DataFrame:
        key = (id(data), period, settings)
        if key not in one:
            one[key] = ind.rows(data, period, settings)
        return one[key]

    def rows_for_periods(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
        key = (id(data), tuple(periods), settings)
        if key not in many:
            many[key] = core.rows_for_periods(ind, data, periods, settings)
        return many[key]

    return dataclasses.replace(ind, rows=rows, rows_for_periods=rows_for_periods)


def _monthly_series(
    indicators: Mapping[str, Indicator],
    data: Dataset,
    as_at: date,
    months: int,
    settings: Settings,
    team: str | None,
) -> pl.DataFrame:
    """Each indicator's monthly numerator, denominator and value (every team's when ``team``)."""
    by: By | None = "team" if team else None
    frames = [series(ind, data, as_at, months, settings, by) for ind in indicators.values()]
    return pl.concat(frames, how="vertical")


def build_monthly_report(
    data: Dataset,
    as_at: date,
    *,
    settings: Settings | None = None,
    targets: Sequence[Target] = (),
    commentary: Mapping[str, str] | None = None,
    audience: Audience = "board",
    team: str | None = None,
    council: str | None = None,
    loaded_at: datetime | date | None = None,
    data_issues: Sequence[str] = (),
    months: int = 13,
    indicators: Mapping[str, Indicator] | None = None,
    comparators: pl.DataFrame | None = None,
) -> MonthlyReport:
    """The monthly improvement summary for ``as_at`` from a canonical dataset.

    The figures are the indicator engine's ``scorecard`` for the same date, settings and targets,
    so the report equals the scorecard the web app shows. ``team`` (a dept_team_id) narrows the
    report to that team's figures. ``comparators`` (from ``load_comparators(path)``) replaces the
    bundled England figures, e.g. with a council's file that adds its statistical neighbours.
    The trend charts and, for members and the public, the
    suppression of small monthly figures use each month's counts, aggregated from the same rows.
    """
    settings = settings or Settings()
    chosen = indicators if indicators is not None else catalogue()
    indicators = {i: memoised(ind) for i, ind in chosen.items()}
    comparators = comparators if comparators is not None else load_comparators()
    names = team_names(data)
    if team is not None and team not in names:
        raise UnknownTeam(f"no team {team!r} in ssd_department")
    card = scorecard(
        data, as_at, settings, targets, "team" if team else None, months, indicators, comparators
    )
    if team:
        card = card.filter(pl.col("group") == team)
    monthly = _monthly_series(indicators, data, as_at, months, settings, team)  # rows kept: cheap
    also: frozenset[tuple[str, date]] = frozenset()
    if team:
        if audience != "board":
            council_monthly = _monthly_series(indicators, data, as_at, months, settings, None)
            also = team_withheld(indicators, council_monthly, monthly, team)
        monthly = monthly.filter(pl.col("group") == team)
    teams = (
        None if team else scorecard(data, as_at, settings, targets, "team", months, indicators, comparators)
    )
    figures = Figures(
        card=card,
        monthly=monthly,
        teams=teams,
        team_names=names,
        neighbours=neighbours(comparators),
        england_years=england_years(comparators),
        also_withheld=also,
    )
    request = Request(
        as_at=as_at,
        audience=audience,
        council=council or council_name(data, as_at) or "The council",
        team=team,
        commentary=commentary or {},
        loaded_at=loaded_at,
        data_issues=data_issues,
        targets=targets,
    )
    return assemble(indicators, figures, request)

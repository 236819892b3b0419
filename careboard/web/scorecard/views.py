"""The scorecard, an indicator's page, and the children behind its number."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

import polars as pl
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from careboard.engine.calendar import month_ends
from careboard.engine.indicators.core import Indicator, Period, children
from careboard.engine.reports.suppression import Cell, primary, secondary
from careboard.engine.store import Dataset
from careboard.web import access
from careboard.web.audit.trail import record
from careboard.web.charts import trend_chart
from careboard.web.data import values as stored
from careboard.web.data.loads import NoData, current_dataset
from careboard.web.data.models import Commentary, DataLoad
from careboard.web.data.values import GroupKind, Value, values_over
from careboard.web.pages import (
    chosen_month,
    fmt_value,
    month_choices,
    no_data,
    parse_month,
    shown,
    team_names,
    worker_names,
)
from careboard.web.scorecard.build import tables_html

CHILDREN_SHOWN = 500
TREND_MONTHS = 24


def _indicator(indicator_id: str) -> Indicator:
    found = stored.indicators().get(indicator_id)
    if found is None:
        raise Http404("no such indicator")
    return found


def _team_param(request: HttpRequest, data: Dataset) -> str | None:
    team = request.GET.get("team", "")
    if not team:
        return None
    access.require_team(request.user, team, data)
    return team


def _visible_teams(request: HttpRequest, data: Dataset) -> list[tuple[str, str]]:
    names = team_names(data)
    scope = access.team_scope(request.user, data)
    return sorted(((t, n) for t, n in names.items() if scope is None or t in scope), key=lambda tn: tn[1])


@require_GET
def scorecard(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view_scorecard")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    choices = month_choices(load)
    month = chosen_month(request, choices)
    team = _team_param(request, data)
    if month is None:
        return no_data(request)
    suppress = access.suppresses_small_numbers(request.user)
    return render(
        request,
        "scorecard/scorecard.html",
        {
            "nav": "scorecard",
            "tables": tables_html(load, data, month, team, suppress),
            "month": month,
            "month_closed": any(c.closed for c in choices if c.period_end == month),
            "choices": choices,
            "team": team,
            "team_name": team_names(data).get(team or "", ""),
            "teams": _visible_teams(request, data),
            "suppress": suppress,
            "load": load,
        },
    )


def _month(request: HttpRequest, load: DataLoad) -> date:
    month = chosen_month(request, month_choices(load))
    if month is None:
        raise Http404("no month")
    return month


def _secondary(ind: Indicator, values: list[Value]) -> set[str]:
    """Groups to withhold so that no small cell can be worked out from the council total."""
    cells = [
        Cell(
            v.group_id,
            v.denominator if ind.unit == "percent" else v.numerator,
            primary(ind.unit, v.numerator, v.denominator),
        )
        for v in values
    ]
    return secondary(cells)


def _breakdown(
    request: HttpRequest,
    ind: Indicator,
    load: DataLoad,
    data: Dataset,
    month: date,
    kind: GroupKind,
    suppress: bool,
) -> list[dict[str, Any]]:
    values = values_over(load, data, [month], kind, only=ind.id)[month]
    scope = access.team_scope(request.user, data)
    names = team_names(data) if kind == "team" else worker_names(data)
    if kind == "worker" and scope is not None:
        prof = data["ssd_professionals"].filter(pl.col("prof_team_id").is_in(sorted(scope)))
        allowed = set(prof["prof_professional_id"].to_list())
        values = [v for v in values if v.group_id in allowed]
    elif kind == "team" and scope is not None:
        values = [v for v in values if v.group_id in scope]
    withheld = _secondary(ind, values) if suppress else set()
    rows = []
    for v in sorted(values, key=lambda v: names.get(v.group_id, v.group_id)):
        text = shown(ind.unit, v.numerator, v.denominator, v.value, suppress, v.group_id in withheld)
        rows.append(
            {
                "id": v.group_id,
                "name": names.get(v.group_id, v.group_id),
                "rag": "" if text["suppressed"] else v.rag,
                **text,
            }
        )
    return rows


@require_GET
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    access.require(request.user, "view_scorecard")
    ind = _indicator(indicator_id)
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    month = _month(request, load)
    team = _team_param(request, data)
    suppress = access.suppresses_small_numbers(request.user)
    kind: GroupKind = "team" if team else "council"
    ends = month_ends(month, TREND_MONTHS)
    over = values_over(load, data, ends, kind, [team] if team else None, only=ind.id)
    trend = []
    for d in ends:
        v = next((x for x in over[d] if x.indicator_id == ind.id), None)
        text = shown(
            ind.unit,
            v.numerator if v else None,
            v.denominator if v else None,
            v.value if v else None,
            suppress,
        )
        trend.append(
            {"month": d, "stored": v, **text, "rag": (v.rag if v and not text["suppressed"] else "")}
        )
    plotted = [None if t["suppressed"] or t["stored"] is None else t["stored"].value for t in trend]
    chart = trend_chart(
        ends,
        plotted,
        [t["stored"].lower if t["stored"] else None for t in trend],
        [t["stored"].upper if t["stored"] else None for t in trend],
        f"{ind.title}: monthly values with the lower and upper targets",
    )
    commentary = Commentary.objects.filter(indicator_id=ind.id, period_end=month).first()
    return render(
        request,
        "scorecard/indicator.html",
        {
            "nav": "scorecard",
            "ind": ind,
            "month": month,
            "team": team,
            "team_name": team_names(data).get(team or "", ""),
            "current": trend[-1],
            "trend": list(reversed(trend)),
            "chart": chart,
            "by_team": [] if team else _breakdown(request, ind, load, data, month, "team", suppress),
            "by_worker": _breakdown(request, ind, load, data, month, "worker", suppress)
            if access.may(request.user, "view_worker_breakdown")
            else [],
            "may_see_children": ind.child_level and access.may(request.user, "view_children"),
            "may_export": ind.child_level and access.may(request.user, "export_children"),
            "commentary": commentary,
            "may_comment": access.may(request.user, "write_commentary"),
            "suppress": suppress,
            "lower": fmt_value(trend[-1]["stored"].lower if trend[-1]["stored"] else ind.lower, ind.unit),
            "upper": fmt_value(trend[-1]["stored"].upper if trend[-1]["stored"] else ind.upper, ind.unit),
        },
    )


def _children_rows(
    request: HttpRequest, ind: Indicator, data: Dataset, month: date, team: str | None
) -> pl.DataFrame:
    rows = children(ind, data, Period.ending(ind.period_kind, month), stored.settings())
    rows = access.scope_rows(request.user, rows, data)
    if team:
        rows = rows.filter(pl.col("team_id") == team)
    if request.GET.get("show") != "all":
        rows = rows.filter(pl.col("in_denominator") & ~pl.col("in_numerator"))
    person = data["ssd_person"].select(
        person_id=pl.col("pers_person_id"),
        name=pl.concat_str(
            [pl.col("pers_forename"), pl.col("pers_surname")], separator=" ", ignore_nulls=True
        ),
    )
    return rows.join(person, on="person_id", how="left", maintain_order="left")


def _children_filters(request: HttpRequest, month: date, team: str | None) -> dict[str, str]:
    return {"month": month.isoformat(), "team": team or "", "show": request.GET.get("show", "not_met")}


def _child_level_indicator(request: HttpRequest, indicator_id: str) -> Indicator:
    access.require(request.user, "view_children")
    ind = _indicator(indicator_id)
    if not ind.child_level:
        raise Http404("this indicator's rows are staff, not children")
    return ind


@require_GET
def indicator_children(request: HttpRequest, indicator_id: str) -> HttpResponse:
    ind = _child_level_indicator(request, indicator_id)
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    month = _month(request, load)
    team = _team_param(request, data)
    rows = _children_rows(request, ind, data, month, team)
    shown_rows = rows.head(CHILDREN_SHOWN)
    record(
        request,
        "view_indicator_children",
        subject=ind.id,
        filters=_children_filters(request, month, team),
        count=shown_rows.height,
    )
    names = team_names(data)
    return render(
        request,
        "scorecard/children.html",
        {
            "nav": "scorecard",
            "ind": ind,
            "month": month,
            "team": team,
            "team_name": names.get(team or "", ""),
            "rows": [
                {**r, "team_name": names.get(r["team_id"] or "", r["team_id"])}
                for r in shown_rows.iter_rows(named=True)
            ],
            "total": rows.height,
            "limit": CHILDREN_SHOWN,
            "show_all": request.GET.get("show") == "all",
            "may_export": access.may(request.user, "export_children"),
        },
    )


@require_GET
def indicator_children_csv(request: HttpRequest, indicator_id: str) -> HttpResponse:
    access.require(request.user, "export_children")
    ind = _child_level_indicator(request, indicator_id)
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    month = _month(request, load)
    team = _team_param(request, data)
    rows = _children_rows(request, ind, data, month, team)
    record(
        request,
        "export_indicator_children",
        subject=ind.id,
        filters=_children_filters(request, month, team),
        count=rows.height,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ind.id}-{month.isoformat()}.csv"'
    writer = csv.writer(response)
    columns = [
        "person_id",
        "name",
        "item_id",
        "team_id",
        "worker_id",
        "in_denominator",
        "in_numerator",
        "due_date",
        "done_date",
        "days_overdue",
    ]
    writer.writerow(columns)
    for r in rows.select(columns).iter_rows():
        writer.writerow([_safe_cell(c) for c in r])
    return response


def _safe_cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_POST
def commentary(request: HttpRequest, indicator_id: str) -> HttpResponse:
    access.require(request.user, "write_commentary")
    ind = _indicator(indicator_id)
    month = parse_month(request.POST.get("month", ""))
    text = request.POST.get("text", "").strip()
    if month is None:
        raise Http404("no such month")
    if not text:
        messages.error(request, "Enter the commentary")
    else:
        Commentary.objects.update_or_create(
            indicator_id=ind.id,
            period_end=month,
            defaults={"text": text, "written_by_name": request.user.get_username()},
        )
        messages.success(request, "Commentary saved")
    return redirect(f"/indicators/{ind.id}/?month={month.isoformat()}")

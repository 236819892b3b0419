"""The Reports page: the monthly improvement summary as Word, PDF or HTML, for a month and a team.

The file is the engine's (``careboard.engine.reports``) from the same figures the scorecard shows:
the current load, the targets in force and the commentary stored for the month. Which audience a
user may download is decided in ``careboard.web.access``; each download is recorded in the audit
trail although the report is aggregate, so it is known who took which edition out of the system.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings as django_settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from careboard.engine.reports import AUDIENCES, FORMATS, Audience, Format, rendered
from careboard.engine.reports.monthly import build_monthly_report
from careboard.engine.store import Dataset
from careboard.web import access
from careboard.web.audit.trail import record
from careboard.web.data import values as stored
from careboard.web.data.loads import NoData, current_dataset
from careboard.web.data.models import Commentary, DataLoad
from careboard.web.pages import MonthChoice, chosen_month, month_choices, no_data, parse_month
from careboard.web.scorecard.views import _team_param, _visible_teams

FORMAT_LABELS: dict[Format, str] = {"docx": "Word (.docx)", "pdf": "PDF", "html": "Web page (.html)"}
AUDIENCE_LABELS: dict[Audience, str] = {
    "board": "Improvement board: every figure (OFFICIAL-SENSITIVE)",
    "members": "Elected members: small numbers withheld (OFFICIAL)",
    "public": "The public: small numbers withheld",
}


def _choices(load: DataLoad) -> list[MonthChoice]:
    """Closed months first (newest first), then the open ones: a board reads a closed month."""
    choices = month_choices(load)
    return [c for c in choices if c.closed] + [c for c in choices if not c.closed]


def _page(
    request: HttpRequest,
    load: DataLoad,
    data: Dataset,
    asked: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    choices = _choices(load)
    audiences = access.report_audiences(request.user)
    context: dict[str, Any] = {
        "nav": "reports",
        "choices": choices,
        "month": parse_month(asked.get("month", "")) or chosen_month(request, choices),
        "team": asked.get("team", ""),
        "teams": _visible_teams(request, data),
        "formats": list(FORMAT_LABELS.items()),
        "format": asked.get("format", "docx"),
        "audiences": [(a, AUDIENCE_LABELS[a]) for a in AUDIENCES if a in audiences],
        "audience": asked.get("audience", audiences[0] if audiences else ""),
        "errors": errors,
    }
    return render(request, "reports/reports.html", context, status=status)


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "download_report")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    return _page(request, load, data, {}, {})


def _asked_month(text: str, load: DataLoad) -> date | None:
    month = parse_month(text)
    return month if month in {c.period_end for c in month_choices(load)} else None


def _form_errors(request: HttpRequest, load: DataLoad) -> dict[str, str]:
    errors = {}
    if _asked_month(request.GET.get("month", ""), load) is None:
        errors["month"] = "Choose a month from the list"
    if request.GET.get("format", "") not in FORMATS:
        errors["format"] = "Choose Word, PDF or web page"
    if request.GET.get("audience", "") not in AUDIENCES:
        errors["audience"] = "Choose who the report is for"
    return errors


def data_issues(load: DataLoad) -> list[str]:
    """The load's known data issues for the data note, counted by kind (never a row's values,
    which could name a child in a report for the public)."""
    rows = (
        load.issues.values("level", "code", "table")
        .annotate(n=Count("id"))
        .order_by("level", "code", "table")
    )
    return [
        f"{r['n']:,} {r['level']}{'s' if r['n'] != 1 else ''} '{r['code']}'"
        + (f" in {r['table']}" if r["table"] else "")
        for r in rows
    ]


@require_GET
def download(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "download_report")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    errors = _form_errors(request, load)
    if errors:
        return _page(request, load, data, request.GET.dict(), errors, status=400)
    team = _team_param(request, data)  # 404 outside the user's scope
    audience: Audience = request.GET["audience"]  # type: ignore[assignment]  # checked above
    fmt: Format = request.GET["format"]  # type: ignore[assignment]
    access.require_report_audience(request.user, audience)
    month = _asked_month(request.GET["month"], load)
    assert month is not None  # checked in _form_errors
    commentary = dict(Commentary.objects.filter(period_end=month).values_list("indicator_id", "text"))
    report = build_monthly_report(
        data,
        month,
        settings=stored.settings(),
        targets=stored.engine_targets(),
        commentary=commentary,
        audience=audience,
        team=team,
        council=django_settings.COUNCIL_NAME,
        loaded_at=load.created_at,
        data_issues=data_issues(load),
        indicators=stored.indicators(),  # the catalogue the scorecard shows
    )
    result = rendered(report, fmt)
    record(
        request,
        "download_report",
        subject=result.filename,
        filters={"month": month.isoformat(), "team": team or "", "format": fmt, "audience": audience},
    )
    response = HttpResponse(result.content, content_type=result.media_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response

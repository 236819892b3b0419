"""Data pages: load history, one load's issue report, uploads; targets for the performance lead."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careboard.web import access
from careboard.web.data import values as stored
from careboard.web.data.closing import CloseRefused, reds_without_commentary, sign_off
from careboard.web.data.ingest import read_files
from careboard.web.data.loads import LoadRefused, store_load
from careboard.web.data.models import Commentary, DataLoad, MonthClose, MonthlyValue, Target

MAX_FILES = 60


@require_GET
def loads(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view_loads")
    history = DataLoad.objects.all()[:50]
    closes = MonthClose.objects.all()[:36]
    return render(request, "data/loads.html", {"nav": "data", "loads": history, "closes": closes})


@require_GET
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    access.require(request.user, "view_loads")
    load = get_object_or_404(DataLoad, pk=load_id)
    page = Paginator(load.issues.all(), 200).get_page(request.GET.get("page"))
    return render(request, "data/load.html", {"nav": "data", "load": load, "page": page})


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "upload_data")
    if request.method == "GET":
        return render(request, "data/upload.html", {"nav": "data"})
    files = request.FILES.getlist("files")
    if not files or len(files) > MAX_FILES:
        return render(
            request,
            "data/upload.html",
            {"nav": "data", "error": f"Choose between 1 and {MAX_FILES} files"},
            status=400,
        )
    allow_errors = request.POST.get("allow_errors") == "yes"
    year_text = request.POST.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    if year_text and year is None:
        return render(
            request,
            "data/upload.html",
            {"nav": "data", "error": "The SSDA903 collection year is the year it ends in, e.g. 2025"},
            status=400,
        )
    with tempfile.TemporaryDirectory(prefix="careboard-upload-") as tmp:
        paths = []
        for f in files:
            name = Path(f.name or "upload").name  # never trust a client's path
            path = Path(tmp) / name
            with path.open("wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            paths.append(path)
        result = read_files(paths, year=year)
    for note in result.notes:
        messages.info(request, note)
    try:
        load = store_load(
            result.tables,
            result.issues,
            files=[p.name for p in paths],
            by_name=request.user.get_username(),
            user=request.user,
            rows_read=result.rows_read,
            allow_errors=allow_errors,
        )
    except LoadRefused as refused:
        messages.error(
            request, "The data has errors, so it was not loaded. The current data has not changed."
        )
        return redirect("data_load", load_id=refused.load.pk)
    messages.success(
        request, f"Loaded: {sum(load.row_counts.values()):,} rows in {len(load.row_counts)} tables"
    )
    return redirect("data_load", load_id=load.pk)


@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "edit_targets")
    catalogue = stored.indicators()
    rows = []
    for ind in catalogue.values():
        latest = Target.objects.filter(indicator_id=ind.id).first()
        rows.append({"ind": ind, "latest": latest})
    return render(request, "data/targets.html", {"nav": "targets", "rows": rows})


def _float_or_none(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _target_order_problem(polarity: str, lower: float | None, upper: float | None) -> str:
    """The lower target is the minimum standard and the upper the aspiration, read with the polarity."""
    if lower is None or upper is None:
        return ""
    if polarity in ("higher_is_better", "target_range") and lower > upper:
        return "The lower target must not be above the upper target when higher is better or for a band"
    if polarity == "lower_is_better" and lower < upper:
        return "When lower is better, the lower target (the minimum standard) is the larger number"
    return ""


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, indicator_id: str) -> HttpResponse:
    access.require(request.user, "edit_targets")
    ind = stored.indicators().get(indicator_id)
    if ind is None:
        raise Http404("no such indicator")
    history = Target.objects.filter(indicator_id=ind.id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST
        try:
            from_date = date.fromisoformat(form.get("from_date", "").strip())
        except ValueError:
            errors["from_date"] = "Enter the date the target applies from, like 2026-04-01"
        try:
            lower = _float_or_none(form.get("lower", ""))
            upper = _float_or_none(form.get("upper", ""))
        except ValueError:
            errors["lower"] = "Enter the targets as numbers"
        if "lower" not in errors:
            problem = _target_order_problem(ind.polarity, lower, upper)
            if problem:
                errors["lower"] = problem
        reason = form.get("reason", "").strip()
        if not reason:
            errors["reason"] = "Enter the reason for the change"
        if not errors:
            Target.objects.create(
                indicator_id=ind.id,
                from_date=from_date,
                lower=lower,
                upper=upper,
                reason=reason,
                set_by_name=request.user.get_username(),
            )
            messages.success(request, f"Target for {ind.title} saved")
            return redirect("targets")
    return render(
        request,
        "data/target_edit.html",
        {"nav": "targets", "ind": ind, "history": history, "errors": errors, "form": request.POST},
        status=400 if errors else 200,
    )


def _live_close(period_end: str) -> MonthClose:
    try:
        day = date.fromisoformat(period_end)
    except ValueError:
        raise Http404("no such month") from None
    return get_object_or_404(MonthClose, period_end=day, superseded=False)


@require_GET
def month(request: HttpRequest, period_end: str) -> HttpResponse:
    """A closed month: its red indicators, their commentary, and sign-off."""
    access.require(request.user, "view_loads")
    close = _live_close(period_end)
    catalogue = stored.indicators()
    reds = MonthlyValue.objects.filter(close=close, superseded=False, group_kind="council", rag="red")
    notes = {c.indicator_id: c for c in Commentary.objects.filter(period_end=close.period_end)}
    rows = [
        {
            "id": r.indicator_id,
            "title": catalogue[r.indicator_id].title if r.indicator_id in catalogue else r.indicator_id,
            "commentary": notes.get(r.indicator_id),
        }
        for r in reds.order_by("indicator_id")
    ]
    return render(
        request,
        "data/month.html",
        {"nav": "data", "close": close, "rows": rows, "missing": reds_without_commentary(close)},
    )


@require_POST
def month_sign_off(request: HttpRequest, period_end: str) -> HttpResponse:
    access.require(request.user, "sign_off_month")
    close = _live_close(period_end)
    try:
        sign_off(close, request.user.get_username())
    except CloseRefused as refused:
        messages.error(request, f"Not signed off: {refused}")
    else:
        messages.success(request, f"{close.period_end:%B %Y} signed off")
    return redirect("data_month", period_end=close.period_end.isoformat())

"""Worklists: a team's (for its managers) or one's own caseload (social worker, IRO)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from careboard.engine.store import Dataset
from careboard.web import access
from careboard.web.accounts.models import User
from careboard.web.audit.trail import record
from careboard.web.data.loads import NoData, current_dataset
from careboard.web.data.models import DataLoad
from careboard.web.pages import no_data, team_names, worker_names
from careboard.web.worklists.items import items_for

SORTS = {
    "overdue": (["days_overdue", "due_date"], [True, False]),
    "due": (["due_date", "person_id"], [False, False]),
    "child": (["person_id", "due_date"], [False, False]),
    "kind": (["kind", "due_date"], [False, False]),
}


@require_GET
def worklists(request: HttpRequest) -> HttpResponse:
    """Send each user to their own list, or let a manager choose a team."""
    if access.may(request.user, "view_own_worklist"):
        return redirect("worklist_mine")
    access.require(request.user, "view_team_worklist")
    try:
        _load, data = current_dataset()
    except NoData:
        return no_data(request)
    names = team_names(data)
    scope = access.team_scope(request.user, data)
    teams = sorted(((t, n) for t, n in names.items() if scope is None or t in scope), key=lambda tn: tn[1])
    if len(teams) == 1:
        return redirect("worklist_team", team_id=teams[0][0])
    return render(request, "worklists/choose.html", {"nav": "worklists", "teams": teams})


def _render(
    request: HttpRequest, load: DataLoad, data: Dataset, items: pl.DataFrame, title: str, subject: str
) -> HttpResponse:
    kinds = sorted(set(items["kind"].to_list()))
    kind = request.GET.get("kind", "")
    if kind:
        items = items.filter(pl.col("kind") == kind)
    sort = request.GET.get("sort", "overdue")
    columns, descending = SORTS.get(sort, SORTS["overdue"])
    items = items.sort(columns, descending=descending, nulls_last=True)
    record(
        request, "view_worklist", subject=subject, filters={"kind": kind, "sort": sort}, count=items.height
    )
    person = data["ssd_person"].select(
        person_id=pl.col("pers_person_id"),
        name=pl.concat_str(
            [pl.col("pers_forename"), pl.col("pers_surname")], separator=" ", ignore_nulls=True
        ),
    )
    items = items.join(person, on="person_id", how="left", maintain_order="left")
    workers = worker_names(data)
    counts = _counts(items)
    rows: list[dict[str, Any]] = [
        {**r, "worker_name": workers.get(r["worker_id"] or "", r["worker_id"] or "–")}
        for r in items.iter_rows(named=True)
    ]
    return render(
        request,
        "worklists/worklist.html",
        {
            "nav": "worklists",
            "title": title,
            "rows": rows,
            "counts": counts,
            "kinds": kinds,
            "kind": kind,
            "sort": sort,
            "as_at": load.as_at,
            "total": items.height,
            "overdue": int(items.filter(pl.col("days_overdue").is_not_null()).height),
        },
    )


def _counts(items: pl.DataFrame) -> list[dict[str, Any]]:
    if items.is_empty():
        return []
    agg = (
        items.group_by("kind")
        .agg(pl.len().alias("items"), pl.col("days_overdue").is_not_null().sum().alias("overdue"))
        .sort("kind")
    )
    return list(agg.iter_rows(named=True))


@require_GET
def worklist_team(request: HttpRequest, team_id: str) -> HttpResponse:
    access.require(request.user, "view_team_worklist")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    access.require_team(request.user, team_id, data)
    items = items_for(load, data).filter(pl.col("team_id") == team_id)
    name = team_names(data).get(team_id, team_id)
    return _render(request, load, data, items, f"Worklist: {name}", f"team:{team_id}")


@require_GET
def worklist_mine(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view_own_worklist")
    user = request.user
    if not isinstance(user, User) or not user.professional_id:
        raise Http404("no caseload is linked to this account")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    items = items_for(load, data)
    if user.role == "iro":
        invo = data["ssd_involvements"].filter(
            (pl.col("invo_professional_role_id") == "IRO")
            & (pl.col("invo_professional_id") == user.professional_id)
            & pl.col("invo_involvement_end_date").is_null()
        )
        items = items.filter(pl.col("person_id").is_in(invo["invo_person_id"].to_list()))
    else:
        items = items.filter(pl.col("worker_id") == user.professional_id)
    return _render(request, load, data, items, "My worklist", f"worker:{user.professional_id}")

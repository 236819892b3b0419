"""A child's record (chronology and key dates) and the search that finds it; both audited."""

from __future__ import annotations

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from careboard.engine.store import Dataset
from careboard.web import access
from careboard.web.audit.trail import record
from careboard.web.children.chronology import chronology, key_dates
from careboard.web.data.loads import NoData, current_dataset
from careboard.web.pages import no_data, team_names, worker_names
from careboard.web.worklists.items import items_for

SEARCH_LIMIT = 50


@require_GET
def child(request: HttpRequest, person_id: str) -> HttpResponse:
    access.require(request.user, "view_children")
    try:
        load, data = current_dataset()
    except NoData:
        return no_data(request)
    access.require_child(request.user, person_id, data)
    events = chronology(data, person_id)
    keys = key_dates(data, person_id, events)
    due = items_for(load, data).filter(pl.col("person_id") == person_id).sort("due_date")
    record(request, "view_child", person_id=person_id, count=events.height)
    return render(
        request,
        "children/child.html",
        {
            "nav": "children",
            "person_id": person_id,
            "keys": keys,
            "team_name": team_names(data).get(keys.team_id or "", keys.team_id or "–"),
            "worker_name": worker_names(data).get(keys.worker_id or "", keys.worker_id or "–"),
            "events": list(events.iter_rows(named=True)),
            "due": list(due.iter_rows(named=True)),
            "as_at": load.as_at,
        },
    )


@require_GET
def child_search(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view_children")
    try:
        _load, data = current_dataset()
    except NoData:
        return no_data(request)
    query = request.GET.get("q", "").strip()[:100]
    results: list[dict[str, object]] = []
    if query:
        people = data["ssd_person"].select(
            person_id=pl.col("pers_person_id"),
            name=pl.concat_str(
                [pl.col("pers_forename"), pl.col("pers_surname")], separator=" ", ignore_nulls=True
            ),
            dob=pl.col("pers_dob"),
        )
        found = people.filter(
            (pl.col("person_id") == query)
            | pl.col("name").str.to_lowercase().str.contains(query.lower(), literal=True)
        )
        found = found.join(_child_teams(data), on="person_id", how="left")
        found = access.scope_rows(request.user, found, data).sort("name").head(SEARCH_LIMIT)
        results = list(found.iter_rows(named=True))
        record(request, "search_children", filters={"q": query}, count=len(results))
    return render(
        request,
        "children/search.html",
        {"nav": "children", "q": query, "results": results, "limit": SEARCH_LIMIT},
    )


def _child_teams(data: Dataset) -> pl.DataFrame:
    invo = data["ssd_involvements"]
    frame: pl.DataFrame = (
        invo.filter((pl.col("invo_professional_role_id") != "IRO").fill_null(True))
        .sort("invo_involvement_start_date", nulls_last=False)
        .group_by("invo_person_id")
        .agg(pl.col("invo_professional_team").last().alias("team_id"))
        .rename({"invo_person_id": "person_id"})
    )
    return frame

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from careboard.engine.indicators.core import INDICATORS, By, Period, Settings, compute
from careboard.engine.indicators.families import workforce  # noqa: F401  (registers the family)
from careboard.engine.store import Dataset

D = date.fromisoformat
AS_AT = D("2025-03-31")


def staff(
    rid: str,
    team: str,
    fte: float,
    start: str,
    leaving: str | None = None,
    reason: str | None = None,
    agency: str = "N",
    holder: str = "Y",
    post: str | None = None,
) -> dict[str, Any]:
    return {
        "staf_record_id": rid,
        "staf_staff_id": rid.rstrip("b"),
        "staf_professional_id": f"W{rid.rstrip('b')}",
        "staf_team_id": team,
        "staf_fte": fte,
        "staf_agency": agency,
        "staf_case_holder": holder,
        "staf_post_id": post,
        "staf_start_date": D(start),
        "staf_leaving_date": D(leaving) if leaving else None,
        "staf_leaving_reason": reason,
    }


def post(pid: str, team: str, fte: float, start: str, end: str | None = None) -> dict[str, Any]:
    return {
        "estb_row_id": pid,
        "estb_post_id": pid,
        "estb_team_id": team,
        "estb_fte": fte,
        "estb_start_date": D(start),
        "estb_end_date": D(end) if end else None,
    }


def involvement(
    iid: str, person: str, worker: str, start: str, end: str | None = None, role: str = "SW"
) -> dict[str, Any]:
    return {
        "invo_involvements_id": iid,
        "invo_person_id": person,
        "invo_professional_id": worker,
        "invo_professional_role_id": role,
        "invo_involvement_start_date": D(start),
        "invo_involvement_end_date": D(end) if end else None,
    }


def workforce_data() -> Dataset:
    frames = {
        "cb_staff": [
            staff("1", "A", 1.0, "2020-01-01", post="P1"),
            staff("2", "B", 0.5, "2020-01-01", post="P3"),
            staff("3", "A", 1.0, "2024-01-01", agency="Y", post="P2"),
            staff("4", "A", 1.0, "2020-01-01", leaving="2024-06-30", reason="RES1"),
            staff("5", "B", 0.8, "2020-01-01", leaving="2025-03-31", reason="RES2"),  # left on the day
            staff("6", "A", 1.0, "2020-01-01", leaving="2024-03-31", reason="RES1"),  # before the year
            staff("7", "B", 1.0, "2020-01-01", leaving="2024-09-01", reason="MOVE"),  # moved team
            staff("7b", "A", 1.0, "2024-09-01", holder="N"),
            staff("8", "A", 1.0, "2024-01-01", leaving="2024-10-01", reason="RES3", agency="Y"),
        ],
        "cb_establishment": [
            post("P1", "A", 1.0, "2020-01-01"),
            post("P2", "A", 1.0, "2020-01-01"),  # covered by an agency worker: vacant
            post("P3", "B", 1.0, "2020-01-01"),  # half filled
            post("P4", "B", 1.0, "2020-01-01", "2025-01-01"),  # no longer funded
            post("P5", "B", 1.0, "2025-04-01"),  # not yet funded
        ],
        "ssd_involvements": [
            involvement("i1", "c1", "W1", "2024-01-01"),
            involvement("i2", "c2", "W1", "2024-01-01"),
            involvement("i3", "c3", "W1", "2024-01-01", "2024-06-01"),
            involvement("i4", "c3", "W1", "2024-06-01"),  # the same child twice counts once
            involvement("i5", "c4", "W1", "2024-01-01"),
            involvement("i6", "c5", "W2", "2024-01-01"),
            involvement("i7", "c6", "W2", "2024-01-01"),
            involvement("i8", "c7", "W2", "2024-01-01", "2025-03-31"),  # handed on that day
            involvement("i9", "c8", "W3", "2024-01-01"),
            involvement("i10", "c8", "W3", "2024-01-01", role="IRO"),
            involvement("i11", "c9", "W9", "2024-01-01"),  # not a member of staff
        ],
    }
    return Dataset({name: pl.DataFrame(rows, infer_schema_length=None) for name, rows in frames.items()})


def value(indicator_id: str, by: By | None = None) -> pl.DataFrame:
    ind = INDICATORS[indicator_id]
    return compute(ind, workforce_data(), Period.ending(ind.period_kind, AS_AT), Settings(), by=by)


def test_turnover_is_leavers_fte_over_employed_fte_in_post() -> None:
    assert value("workforce_turnover")["value"][0] == pytest.approx(100 * 1.8 / 2.5)
    rows = INDICATORS["workforce_turnover"].rows(
        workforce_data(), Period.ending("rolling12", AS_AT), Settings()
    )
    assert rows.sort("item_id").select("item_id", "in_numerator", "num_weight", "den_weight").rows() == [
        ("1", False, 0.0, 1.0),
        ("2", False, 0.0, 0.5),
        ("4", True, 1.0, 0.0),
        ("5", True, 0.8, 0.0),
        ("7b", False, 0.0, 1.0),
    ]


def test_turnover_breaks_down_by_team() -> None:
    by_team = value("workforce_turnover", by="team").select("group", "numerator", "denominator", "value")
    assert by_team.rows() == [("A", 1.0, 2.0, 50.0), ("B", 0.8, 0.5, pytest.approx(160.0))]


def test_leavers_are_counted_by_head() -> None:
    result = value("workforce_leavers")
    assert result["value"][0] == 2.0
    rows = INDICATORS["workforce_leavers"].rows(
        workforce_data(), Period.ending("rolling12", AS_AT), Settings()
    )
    assert rows.sort("item_id").select("item_id", "done_date", "x_fte").rows() == [
        ("4", D("2024-06-30"), 1.0),
        ("5", D("2025-03-31"), 0.8),
    ]


def test_permanent_and_agency_shares_of_fte_in_post() -> None:
    assert value("workforce_permanent")["value"][0] == pytest.approx(100 * 2.5 / 3.5)
    assert value("workforce_agency")["value"][0] == pytest.approx(100 * 1.0 / 3.5)


def test_vacancies_are_funded_fte_not_held_by_employed_staff() -> None:
    assert value("workforce_vacancy")["value"][0] == pytest.approx(100 * 1.5 / 4.0)
    rows = INDICATORS["workforce_vacancy"].rows(
        workforce_data(), Period.ending("snapshot", AS_AT), Settings()
    )
    vacant = rows.filter(pl.col("in_numerator")).sort("item_id")
    assert vacant.select("item_id", "team_id", "num_weight").rows() == [("P2", "A", 1.0), ("P3", "B", 0.5)]


def test_caseload_is_children_allocated_per_case_holding_fte() -> None:
    result = value("workforce_caseload")
    assert result["value"][0] == pytest.approx(7 / 2.5)
    rows = INDICATORS["workforce_caseload"].rows(
        workforce_data(), Period.ending("snapshot", AS_AT), Settings()
    )
    assert rows.sort("item_id").select("worker_id", "x_cases", "den_weight").rows() == [
        ("W1", 4, 1.0),
        ("W2", 2, 0.5),
        ("W3", 1, 1.0),
    ]

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families import oversight  # noqa: F401  (registers the family)
from careboard.engine.store import Dataset

D = date.fromisoformat
END = Period.ending("snapshot", D("2025-03-31"))


def dataset(**tables: list[dict[str, Any]]) -> Dataset:
    return Dataset({name: pl.DataFrame(rows, infer_schema_length=None) for name, rows in tables.items()})


def cin(
    rid: str, person: str, start: str, close: str | None = None, nfa: str | None = None
) -> dict[str, Any]:
    return {
        "cine_referral_id": rid,
        "cine_person_id": person,
        "cine_referral_date": D(start),
        "cine_close_date": D(close) if close else None,
        "cine_referral_nfa": nfa,
    }


def note(nid: str, person: str, when: str) -> dict[str, Any]:
    return {"mano_oversight_id": nid, "mano_person_id": person, "mano_oversight_date": D(when)}


def oversight_data() -> Dataset:
    return dataset(
        ssd_cin_episodes=[
            cin("r1", "o1", "2024-01-01"),
            cin("r3", "o3", "2025-03-01"),
            cin("r4", "o4", "2025-03-20", nfa="Y"),  # no further action: not an open case
            cin("r5", "o5", "2024-01-01", close="2025-03-31"),  # closed on the day
            cin("r7", "o7", "2024-01-01"),
        ],
        ssd_cp_plans=[
            {"cppl_cp_plan_id": "cp2", "cppl_person_id": "o2", "cppl_cp_plan_start_date": D("2024-05-01")}
        ],
        ssd_cla_episodes=[
            {
                "clae_cla_episode_id": "e6",
                "clae_person_id": "o6",
                "clae_cla_id": "P6",
                "clae_entered_care_date": D("2024-06-01"),
                "clae_cla_episode_start_date": D("2024-06-01"),
            }
        ],
        cb_management_oversight=[
            note("n1", "o1", "2025-02-03"),  # exactly 8 weeks before the end: due that day
            note("n2", "o2", "2025-02-02"),
            note("n3", "o3", "2024-01-01"),  # before this case opened
            note("n5", "o5", "2024-01-01"),
            note("n7", "o7", "2025-04-01"),  # after the end
        ],
        ssd_involvements=[
            {
                "invo_involvements_id": "i1",
                "invo_person_id": "o2",
                "invo_professional_id": "W2",
                "invo_professional_team": "CP TEAM",
                "invo_involvement_start_date": D("2024-05-01"),
            }
        ],
    )


def test_open_cases_need_oversight_every_8_weeks() -> None:
    frame = INDICATORS["oversight_8_weeks"].rows(oversight_data(), END, Settings())
    cols = ["person_id", "in_numerator", "due_date", "done_date", "days_overdue", "team_id"]
    assert frame.sort("person_id").select(cols).rows() == [
        ("o1", True, D("2025-03-31"), D("2025-02-03"), None, None),
        ("o2", False, D("2025-03-30"), D("2025-02-02"), 1, "CP TEAM"),
        ("o3", True, D("2025-04-26"), D("2024-01-01"), None, None),  # new case: due 8 weeks from opening
        ("o6", False, D("2024-07-27"), None, 247, None),
        ("o7", False, D("2024-02-26"), None, 399, None),
    ]
    assert compute(INDICATORS["oversight_8_weeks"], oversight_data(), END)["value"][0] == pytest.approx(40.0)


def test_the_oversight_interval_is_a_setting() -> None:
    ten_weeks = Settings(oversight_weeks=10)
    frame = INDICATORS["oversight_8_weeks"].rows(oversight_data(), END, ten_weeks)
    assert sorted(frame.filter(pl.col("in_numerator"))["person_id"]) == ["o1", "o2", "o3"]


def staff(rid: str, worker: str, start: str, leaving: str | None = None, holder: str = "Y") -> dict[str, Any]:
    return {
        "staf_record_id": rid,
        "staf_staff_id": f"S-{worker}",
        "staf_professional_id": worker,
        "staf_team_id": "T1",
        "staf_case_holder": holder,
        "staf_start_date": D(start),
        "staf_leaving_date": D(leaving) if leaving else None,
    }


def test_case_holding_workers_need_supervision_every_6_weeks() -> None:
    data = dataset(
        cb_staff=[
            staff("s1", "w1", "2020-01-01"),
            staff("s2", "w2", "2020-01-01"),
            staff("s3", "w3", "2020-01-01", holder="N"),  # not a case holder
            staff("s4", "w4", "2020-01-01", leaving="2025-03-31"),  # left on the day
            staff("s5", "w5", "2025-03-01"),  # new starter, first session not yet due
        ],
        cb_supervision=[
            {
                "supe_supervision_id": "a",
                "supe_professional_id": "w1",
                "supe_supervision_date": D("2025-02-17"),
            },
            {
                "supe_supervision_id": "b",
                "supe_professional_id": "w2",
                "supe_supervision_date": D("2025-02-16"),
            },
            {
                "supe_supervision_id": "c",
                "supe_professional_id": "w2",
                "supe_supervision_date": D("2024-12-01"),
            },
        ],
    )
    frame = INDICATORS["supervision_in_time"].rows(data, END, Settings())
    cols = ["person_id", "item_id", "team_id", "worker_id", "in_numerator", "due_date", "days_overdue"]
    assert frame.sort("item_id").select(cols).rows() == [
        ("S-w1", "s1", "T1", "w1", True, D("2025-03-31"), None),
        ("S-w2", "s2", "T1", "w2", False, D("2025-03-30"), 1),
        ("S-w5", "s5", "T1", "w5", True, D("2025-04-12"), None),
    ]
    assert INDICATORS["supervision_in_time"].child_level is False

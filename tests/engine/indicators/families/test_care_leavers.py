from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families import care_leavers  # noqa: F401  (registers the family)
from careboard.engine.store import Dataset

D = date.fromisoformat
END = Period.ending("snapshot", D("2025-03-31"))


def contact(tid: str, person: str, when: str, **state: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "clea_table_id": tid,
        "clea_person_id": person,
        "clea_care_leaver_latest_contact": D(when),
        "clea_care_leaver_eligibility": state.pop("elig", "FRLV"),
        "clea_care_leaver_in_touch": state.pop("touch", "YES"),
        "clea_care_leaver_accom_suitable": state.pop("suitable", None),
        "clea_care_leaver_accommodation": state.pop("accom", None),
        "clea_care_leaver_activity": state.pop("activity", None),
    }
    for name in ("clea_pathway_plan_date", "clea_pathway_plan_review_date"):
        if name in state:
            row[name] = D(state.pop(name))
    row.update(state)
    return row


def leavers() -> Dataset:
    people = {
        "c1": "2005-06-01",  # 19
        "c2": "2004-01-01",  # 21
        "c3": "2003-03-31",  # 22 on the period end: out of the cohort
        "c4": "2006-05-01",  # 18: in the pathway plan cohort only
        "c5": "2005-01-01",  # died
        "c6": "2005-01-01",  # qualifying care leaver
        "c7": "2005-04-01",  # 19, refused contact
    }
    return Dataset(
        {
            "ssd_person": pl.DataFrame(
                {"pers_person_id": list(people), "pers_dob": [D(v) for v in people.values()]}
            ),
            "ssd_care_leavers": pl.DataFrame(
                [
                    contact(
                        "c1a",
                        "c1",
                        "2024-06-01",
                        suitable="1",
                        activity="F1",
                        clea_pathway_plan_date="2023-06-01",
                        clea_pathway_plan_review_date="2024-06-01",
                    ),
                    contact("c1b", "c1", "2025-02-01", touch="NO", suitable="2", activity="G5"),
                    contact("c1c", "c1", "2025-04-10", activity="F1"),  # after the period end
                    contact(
                        "c2a",
                        "c2",
                        "2025-01-15",
                        accom="B1",
                        activity="P2",
                        clea_pathway_plan_date="2022-01-01",
                        clea_pathway_plan_review_date="2024-10-01",
                        clea_care_leaver_allocated_team="LEAVING",
                        clea_care_leaver_worker_id="PA2",
                    ),
                    contact("c3a", "c3", "2025-01-01", suitable="1", activity="F1"),
                    contact("c4a", "c4", "2025-01-01", elig="RELV", suitable="1", activity="F2"),
                    contact("c5a", "c5", "2025-01-01", touch="DIED"),
                    contact("c6a", "c6", "2025-01-01", elig="QUAL", suitable="1"),
                    contact("c7a", "c7", "2025-03-01", touch="REFU", clea_pathway_plan_date="2024-12-01"),
                ],
                infer_schema_length=None,
            ),
            "ssd_involvements": pl.DataFrame(
                {
                    "invo_involvements_id": ["i1", "i7"],
                    "invo_person_id": ["c1", "c7"],
                    "invo_professional_id": ["PA1", "PA7"],
                    "invo_professional_role_id": ["PA", "PA"],
                    "invo_professional_team": ["LEAVING", "LEAVING 2"],
                    "invo_involvement_start_date": [D("2023-01-01"), D("2023-01-01")],
                    # c7's service closed after the latest contact (1 March): that adviser still shows
                    "invo_involvement_end_date": [None, D("2025-03-15")],
                }
            ),
        }
    )


def flags(indicator_id: str, settings: Settings | None = None) -> list[tuple[Any, ...]]:
    frame = INDICATORS[indicator_id].rows(leavers(), END, settings or Settings())
    return frame.sort("person_id").select("person_id", "in_numerator", "team_id", "worker_id").rows()


def test_in_touch_uses_the_latest_contact_up_to_the_period_end_for_the_19_to_21_cohort() -> None:
    assert flags("care_leavers_in_touch") == [
        ("c1", False, "LEAVING", "PA1"),
        ("c2", True, "LEAVING", "PA2"),  # no involvement: the adviser on the record
        ("c7", False, "LEAVING 2", "PA7"),
    ]
    result = compute(INDICATORS["care_leavers_in_touch"], leavers(), END)
    assert result["value"][0] == pytest.approx(100 / 3)


def test_the_cohort_ages_are_a_setting() -> None:
    wider = Settings(care_leaver_min_age=17, care_leaver_max_age=22)
    assert [r[0] for r in flags("care_leavers_in_touch", wider)] == ["c1", "c2", "c3", "c4", "c7"]


def test_suitable_accommodation_falls_back_to_the_accommodation_code() -> None:
    assert [r[:2] for r in flags("care_leavers_suitable_accommodation")] == [
        ("c1", False),
        ("c2", True),
        ("c7", False),
    ]


def test_eet_counts_education_employment_and_training_activities() -> None:
    assert [r[:2] for r in flags("care_leavers_eet")] == [("c1", False), ("c2", True), ("c7", False)]


def plan_rows(indicator_id: str) -> list[tuple[Any, ...]]:
    frame = INDICATORS[indicator_id].rows(leavers(), END, Settings())
    cols = ["person_id", "in_numerator", "due_date", "done_date", "days_overdue"]
    return frame.sort("person_id").select(cols).rows()


def test_pathway_plans_from_16_with_the_plan_date_from_any_record() -> None:
    assert plan_rows("care_leavers_pathway_plan") == [
        ("c1", True, None, D("2023-06-01"), None),
        ("c2", True, None, D("2022-01-01"), None),
        ("c4", False, D("2022-08-01"), None, 973),  # 3 months after the 16th birthday
        ("c7", True, None, D("2024-12-01"), None),
    ]


def test_pathway_plans_are_reviewed_within_6_months() -> None:
    assert plan_rows("care_leavers_pathway_plan_reviewed") == [
        ("c1", False, D("2024-12-01"), D("2024-06-01"), 120),
        ("c2", True, D("2025-04-01"), D("2024-10-01"), None),
        ("c7", True, D("2025-06-01"), D("2024-12-01"), None),  # never reviewed: runs from the plan
    ]

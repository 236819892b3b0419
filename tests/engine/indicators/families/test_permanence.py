from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families import permanence  # noqa: F401  (registers the family)
from careboard.engine.store import Dataset

D = date.fromisoformat


def dataset(**tables: list[dict[str, Any]]) -> Dataset:
    return Dataset({name: pl.DataFrame(rows, infer_schema_length=None) for name, rows in tables.items()})


def dates(**values: str | None) -> dict[str, date | None]:
    return {k: D(v) if v else None for k, v in values.items()}


def rows(
    indicator_id: str, data: Dataset, period: Period, settings: Settings | None = None
) -> list[tuple[Any, ...]]:
    frame = INDICATORS[indicator_id].rows(data, period, settings or Settings())
    cols = ["person_id", "item_id", "in_numerator", "due_date", "done_date", "days_overdue"]
    return frame.select(cols).sort("item_id").rows()


def value(indicator_id: str, data: Dataset, period: Period) -> float | None:
    result: float | None = compute(INDICATORS[indicator_id], data, period)["value"][0]
    return result


def plo(tid: str, person: str, **when: str | None) -> dict[str, Any]:
    return {"prep_table_id": tid, "prep_person_id": person, **dates(**when)}


def test_pre_proceedings_are_judged_at_16_weeks() -> None:
    data = dataset(
        ssd_pre_proceedings=[
            # concluded on the last day of the 16 weeks
            plo(
                "p1",
                "a",
                prep_pre_pro_decision_date="2024-01-10",
                prep_agree_stepdown_issue_date="2024-05-01",
            ),
            plo("p2", "b", prep_pre_pro_decision_date="2024-02-01"),  # still open
            plo("p3", "c", prep_pre_pro_decision_date="2024-11-01"),  # open, 16 weeks not yet up
            plo(
                "p4",
                "d",
                prep_pre_pro_decision_date="2024-03-01",
                prep_agree_stepdown_issue_date="2024-08-01",
            ),
            plo(
                "p5",
                "e",
                prep_pre_pro_decision_date="2023-01-01",
                prep_agree_stepdown_issue_date="2023-02-01",
            ),
        ]
    )
    period = Period.ending("rolling12", D("2024-12-31"))
    assert rows("plo_within_16_weeks", data, period) == [
        ("a", "p1", True, D("2024-05-01"), D("2024-05-01"), None),
        ("b", "p2", False, D("2024-05-23"), None, 222),
        ("d", "p4", False, D("2024-06-21"), D("2024-08-01"), 41),
    ]
    assert value("plo_within_16_weeks", data, period) == pytest.approx(100 / 3)
    twelve_weeks = Settings(pre_proceedings_weeks=12)
    assert [r[2] for r in rows("plo_within_16_weeks", data, period, twelve_weeks)] == [False, False, False]


def test_care_proceedings_count_the_day_of_issue_as_day_one() -> None:
    data = dataset(
        ssd_pre_proceedings=[
            plo(
                "q1",
                "a",
                prep_care_proc_issue_date="2024-01-01",
                prep_care_proc_final_order_date="2024-06-30",
            ),
            plo(
                "q2",
                "b",
                prep_care_proc_issue_date="2024-01-01",
                prep_care_proc_final_order_date="2024-07-01",
            ),
            plo("q3", "c", prep_pre_pro_decision_date="2024-01-01"),  # never issued
        ]
    )
    period = Period.ending("rolling12", D("2024-12-31"))
    assert rows("care_proceedings_26_weeks", data, period) == [
        ("a", "q1", True, D("2024-06-30"), D("2024-06-30"), None),  # 182 days in the leap year
        ("b", "q2", False, D("2024-06-30"), D("2024-07-01"), 1),
    ]


def adoption_data() -> Dataset:
    def episode(person: str, cla_id: str, entered: str, ceased: str | None = None) -> dict[str, Any]:
        return {
            "clae_cla_episode_id": cla_id,
            "clae_person_id": person,
            "clae_cla_id": cla_id,
            **dates(
                clae_entered_care_date=entered,
                clae_cla_episode_start_date=entered,
                clae_cla_episode_ceased_date=ceased,
            ),
        }

    def adopted(
        tid: str, person: str, cla_id: str | None, order: str, kind: str = "ADOPTION", **when: Any
    ) -> dict[str, Any]:
        flag = when.pop("by_carer", None)
        return {
            "perm_table_id": tid,
            "perm_person_id": person,
            "perm_cla_id": cla_id,
            "perm_permanence_order_type": kind,
            "perm_adopted_by_carer_flag": flag,
            **dates(perm_permanence_order_date=order, **when),
        }

    return dataset(
        ssd_cla_episodes=[
            episode("a1", "C1", "2022-01-01", "2023-06-01"),
            episode("a2", "C2", "2021-05-01", "2024-01-01"),
            episode("a3", "C3", "2020-01-01", "2022-03-31"),
            episode("a4", "C4", "2021-01-01", "2023-01-01"),
            episode("a5", "C5old", "2019-01-01", "2019-06-01"),
            episode("a5", "C5", "2023-02-01", "2024-06-01"),
        ],
        ssd_permanence=[
            adopted(
                "ad1",
                "a1",
                "C1",
                "2023-06-01",
                perm_placed_for_adoption_date="2022-11-01",
                perm_placement_order_date="2022-08-01",
                perm_matched_date="2022-10-01",
            ),
            adopted(  # adopted by the foster carer first placed with on 1 June 2021
                "ad2",
                "a2",
                "C2",
                "2024-01-01",
                by_carer="Y",
                perm_placed_foster_carer_date="2021-06-01",
                perm_placed_for_adoption_date="2023-01-01",
                perm_placement_order_date="2022-10-01",
                perm_matched_date="2022-09-01",
            ),
            adopted(
                "ad3", "a3", "C3", "2022-03-31", perm_placed_for_adoption_date="2021-06-01"
            ),  # before window
            adopted("ad4", "a4", "C4", "2023-01-01", kind="SGO"),
            adopted("ad5", "a5", None, "2024-06-01", perm_placed_for_adoption_date="2023-12-01"),
        ],
    )


def test_a10_averages_days_from_entering_care_to_moving_in_over_three_years() -> None:
    period = Period.ending("rolling12", D("2025-03-31"))
    frame = INDICATORS["adoption_a10"].rows(adoption_data(), period, Settings()).sort("item_id")
    assert frame.select("item_id", "num_weight", "done_date").rows() == [
        ("ad1", 304.0, D("2022-11-01")),
        ("ad2", 31.0, D("2021-06-01")),
        ("ad5", 303.0, D("2023-12-01")),  # entry found from the period of care before the order
    ]
    assert value("adoption_a10", adoption_data(), period) == pytest.approx(638 / 3)
    one_year = Settings(adoption_years=1)
    assert INDICATORS["adoption_a10"].rows(adoption_data(), period, one_year)["item_id"].to_list() == ["ad5"]


def test_a2_counts_a_match_before_the_placement_order_as_zero_days() -> None:
    period = Period.ending("rolling12", D("2025-03-31"))
    frame = INDICATORS["adoption_a2"].rows(adoption_data(), period, Settings()).sort("item_id")
    assert frame.select("item_id", "num_weight").rows() == [("ad1", 61.0), ("ad2", 0.0)]
    assert value("adoption_a2", adoption_data(), period) == pytest.approx(30.5)

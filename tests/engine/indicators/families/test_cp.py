from datetime import date

import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families.cp import (
    cp_ended_2y_plus,
    cp_rate,
    cp_reviews_in_time,
    cp_second_plan,
    cp_visits_in_time,
    icpc_15wd,
    s47_rate,
)
from tests.engine.indicators.families.helpers import by_item, dataset, run

END = date(2025, 3, 31)


def _plan(pid, person, start, end=None):
    return {
        "cppl_cp_plan_id": pid,
        "cppl_person_id": person,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
    }


def _s47(sid, person, start, team=None):
    return {
        "s47e_s47_enquiry_id": sid,
        "s47e_person_id": person,
        "s47e_s47_start_date": start,
        "s47e_s47_completed_by_team": team,
    }


POPULATION = [{"popu_row_id": "1", "popu_year": 2025, "popu_count": 10000}]


def test_s47_rate_counts_enquiries_in_the_12_months_with_team_fallback():
    data = dataset(
        ssd_s47_enquiry=[
            _s47("s1", "A", date(2024, 4, 1), team="T1"),  # first day of the period
            _s47("s2", "A", date(2024, 3, 31), team="T1"),  # the day before
            _s47("s3", "B", END, team="T1"),
            _s47("s4", "C", date(2024, 9, 1)),  # no team recorded: the allocation on the day
        ],
        ssd_involvements=[
            {
                "invo_involvements_id": "i",
                "invo_person_id": "C",
                "invo_professional_team": "T9",
                "invo_professional_id": "W9",
                "invo_involvement_start_date": date(2024, 8, 1),
            }
        ],
        cb_population=POPULATION,
    )
    rows = by_item(run(s47_rate, data, "rolling12", END))
    assert set(rows) == {"s1", "s3", "s4"}
    assert rows["s4"]["team_id"] == "T9"
    out = compute(INDICATORS["s47_rate"], data, Period.ending("rolling12", END))
    assert out["value"][0] == pytest.approx(3.0)


def _icpc(iid, person, s47, when, transfer="N"):
    return {
        "icpc_icpc_id": iid,
        "icpc_person_id": person,
        "icpc_s47_enquiry_id": s47,
        "icpc_icpc_date": when,
        "icpc_icpc_transfer_in": transfer,
        "icpc_icpc_team": "T1",
    }


ICPC = dataset(
    ssd_s47_enquiry=[_s47("s1", "A", date(2024, 12, 20)), _s47("s5", "E", date(2025, 1, 20))],
    ssd_initial_cp_conference=[
        _icpc("i1", "A", "s1", date(2025, 1, 15)),  # 15 working days over Christmas
        _icpc("i2", "A", "s1", date(2025, 1, 16)),  # 16
        _icpc("i3", "C", "s1", date(2025, 1, 20), transfer="Y"),  # transfer in: excluded
        _icpc("i4", "D", None, date(2025, 1, 20)),  # no enquiry: no valid duration
        _icpc("i5", "E", "s5", date(2025, 1, 17)),  # before the enquiry started
        _icpc("i6", "A", "s1", date(2025, 2, 1)),  # next month
    ],
)


def test_icpc_15wd_rows():
    rows = by_item(run(icpc_15wd, ICPC, "month", date(2025, 1, 31)))
    assert set(rows) == {"i1", "i2", "i4", "i5"}
    assert (rows["i1"]["in_numerator"], rows["i1"]["x_working_days"], rows["i1"]["due_date"]) == (
        True,
        15,
        date(2025, 1, 15),
    )
    assert (rows["i2"]["in_numerator"], rows["i2"]["days_overdue"]) == (False, 1)
    assert rows["i4"]["in_denominator"] is False
    assert rows["i4"]["x_data_problem"] == "no linked s47 enquiry with a start date"
    assert rows["i5"]["in_denominator"] is False
    assert rows["i5"]["x_data_problem"] == "conference before the s47 enquiry started"
    out = compute(INDICATORS["icpc_15wd"], ICPC, Period.ending("month", date(2025, 1, 31)))
    assert out.select("numerator", "denominator").row(0) == (1.0, 2.0)
    relaxed = compute(
        INDICATORS["icpc_15wd"],
        ICPC,
        Period.ending("month", date(2025, 1, 31)),
        Settings(icpc_working_days=16),
    )
    assert relaxed["value"][0] == pytest.approx(100.0)


def test_cp_rate_counts_children_once_at_the_period_end():
    data = dataset(
        ssd_cp_plans=[
            _plan("p1", "A", date(2024, 1, 1)),
            _plan("p2", "A", date(2024, 6, 1)),  # overlapping second plan: A counts once
            _plan("p3", "B", date(2024, 1, 1), end=END),  # ended on the day
            _plan("p4", "C", date(2025, 4, 1)),  # starts after
            _plan("p5", "D", END),  # starts on the day
        ],
        cb_population=POPULATION,
    )
    rows = run(cp_rate, data, "snapshot", END)
    assert sorted(rows["person_id"]) == ["A", "D"]
    assert rows.filter(rows["person_id"] == "A")["item_id"].to_list() == ["p2"]
    assert compute(INDICATORS["cp_rate"], data, Period.ending("snapshot", END))["value"][0] == pytest.approx(
        2.0
    )


def test_cp_ended_2y_plus_uses_calendar_years_across_29_february():
    data = dataset(
        ssd_cp_plans=[
            _plan("p1", "A", date(2022, 2, 28), end=date(2024, 2, 28)),  # exactly 2 years
            _plan("p2", "B", date(2022, 3, 1), end=date(2024, 2, 29)),  # one day short
            _plan("p3", "C", date(2023, 9, 1), end=date(2024, 3, 31)),
            _plan("p4", "D", date(2020, 1, 1), end=date(2023, 3, 31)),  # ended before the period
            _plan("p5", "E", date(2023, 1, 1)),  # still open
        ]
    )
    rows = by_item(run(cp_ended_2y_plus, data, "rolling12", date(2024, 3, 31)))
    assert set(rows) == {"p1", "p2", "p3"}
    assert {k for k, r in rows.items() if r["in_numerator"]} == {"p1"}
    assert rows["p2"]["due_date"] == date(2024, 3, 1)
    out = compute(INDICATORS["cp_ended_2y_plus"], data, Period.ending("rolling12", date(2024, 3, 31)))
    assert out["value"][0] == pytest.approx(100 / 3)


def test_cp_second_plan_counts_any_earlier_plan():
    data = dataset(
        ssd_cp_plans=[
            _plan("x1", "X", date(2021, 5, 1), end=date(2022, 1, 1)),
            _plan("x2", "X", date(2024, 6, 1)),
            _plan("y1", "Y", date(2024, 7, 1)),
            _plan("z1", "Z", date(2024, 5, 1), end=date(2024, 12, 1)),
            _plan("z2", "Z", date(2025, 1, 10)),
        ]
    )
    rows = by_item(run(cp_second_plan, data, "rolling12", END))
    assert set(rows) == {"x2", "y1", "z1", "z2"}
    assert {k for k, r in rows.items() if r["in_numerator"]} == {"x2", "z2"}
    assert rows["x2"]["x_first_plan_start"] == date(2021, 5, 1)


def _review(rid, plan, when):
    return {"cppr_cp_review_id": rid, "cppr_cp_plan_id": plan, "cppr_cp_review_date": when}


REVIEWS = dataset(
    ssd_cp_plans=[
        _plan("P1", "A", date(2024, 1, 10)),
        _plan("P2", "B", date(2024, 6, 15)),
        _plan("P3", "C", date(2024, 11, 30)),
        _plan("P4", "D", date(2025, 1, 15)),  # under 3 months at the period end
        _plan("P5", "E", date(2023, 11, 30), end=date(2025, 1, 10)),
        _plan("P6", "F", date(2023, 1, 1), end=date(2024, 3, 15)),  # ended before the period
        _plan("P7", "G", date(2024, 5, 1), end=date(2024, 7, 15)),  # lasted under 3 months
        _plan("P8", "H", date(2024, 2, 1)),
    ],
    ssd_cp_reviews=[
        _review("r1", "P1", date(2024, 4, 10)),  # due 10 April: on time
        _review("r2", "P1", date(2024, 10, 9)),  # due 10 October
        _review("r3", "P2", date(2024, 9, 20)),  # due 15 September: 5 days late
        _review("r4", "P2", date(2025, 3, 1)),  # due 20 March (6 months from the late review)
        _review("r5", "P5", date(2024, 3, 5)),  # due 29 Feb 2024 (leap day): late, but before the period
        _review("r6", "P5", date(2024, 9, 4)),  # due 5 September
        _review("r7", "P8", date(2024, 6, 1)),  # due 1 May: late
        _review("r8", "P1", None),  # scheduled, not held
    ],
)


def test_cp_reviews_in_time_rows():
    rows = by_item(run(cp_reviews_in_time, REVIEWS, "rolling12", END))
    assert set(rows) == {"P1", "P2", "P3", "P5", "P8"}
    assert {k for k, r in rows.items() if r["in_numerator"]} == {"P1", "P5"}
    assert (rows["P2"]["due_date"], rows["P2"]["done_date"], rows["P2"]["days_overdue"]) == (
        date(2024, 9, 15),
        date(2024, 9, 20),
        5,
    )
    # first review due 3 months after 30 November = 28 February, never held
    assert (rows["P3"]["due_date"], rows["P3"]["done_date"], rows["P3"]["days_overdue"]) == (
        date(2025, 2, 28),
        None,
        31,
    )
    assert (rows["P8"]["due_date"], rows["P8"]["days_overdue"]) == (date(2024, 5, 1), 31)
    assert rows["P1"]["days_overdue"] is None
    out = compute(INDICATORS["cp_reviews_in_time"], REVIEWS, Period.ending("rolling12", END))
    assert out["value"][0] == pytest.approx(40.0)


def _visit(vid, person, when, seen="Y"):
    return {
        "cppv_cp_visit_id": vid,
        "cppv_person_id": person,
        "cppv_cp_visit_date": when,
        "cppv_cp_visit_seen": seen,
    }


VISITS = dataset(
    ssd_cp_plans=[
        _plan("V1", "A", date(2025, 1, 1)),
        _plan("V2", "B", date(2025, 1, 1)),
        _plan("V3", "C", date(2025, 3, 25)),
        _plan("V4", "D", date(2025, 3, 1)),
        _plan("V5", "E", date(2025, 1, 1), end=date(2025, 3, 10)),
    ],
    ssd_cp_visits=[
        _visit("a1", "A", date(2025, 3, 25)),
        _visit("a2", "A", date(2025, 4, 11)),
        _visit("b1", "B", date(2025, 3, 14)),
        _visit("b2", "B", date(2025, 3, 20), seen="N"),
        _visit("b3", "B", date(2025, 4, 1)),
        _visit("d1", "D", date(2024, 12, 20)),  # before the plan
    ],
)


def test_cp_visits_in_time_rows():
    rows = by_item(run(cp_visits_in_time, VISITS, "snapshot", END))
    assert set(rows) == {"V1", "V2", "V3", "V4"}
    assert (rows["V1"]["in_numerator"], rows["V1"]["due_date"]) == (True, date(2025, 4, 8))
    assert (rows["V2"]["done_date"], rows["V2"]["due_date"], rows["V2"]["days_overdue"]) == (
        date(2025, 3, 14),
        date(2025, 3, 28),
        3,
    )
    assert rows["V3"]["in_numerator"] is True  # new plan, first visit not yet due
    assert (rows["V4"]["done_date"], rows["V4"]["due_date"], rows["V4"]["days_overdue"]) == (
        None,
        date(2025, 3, 14),
        17,
    )
    assert (
        compute(INDICATORS["cp_visits_in_time"], VISITS, Period.ending("snapshot", END))["value"][0] == 50.0
    )


def test_cp_visits_in_time_skips_easter_and_follows_the_setting():
    rows = by_item(run(cp_visits_in_time, VISITS, "snapshot", date(2025, 4, 30)))
    # seen Friday 11 April; Good Friday and Easter Monday: due Tuesday 29 April
    assert (rows["V1"]["due_date"], rows["V1"]["days_overdue"]) == (date(2025, 4, 29), 1)
    weekly = by_item(run(cp_visits_in_time, VISITS, "snapshot", END, Settings(cp_visit_working_days=5)))
    assert weekly["V1"]["due_date"] == date(2025, 4, 1)

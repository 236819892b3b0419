from datetime import date

import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families.cin import (
    cin_plan_reviews_6m,
    cin_rate,
    cin_visits_in_time,
    cin_with_plan,
)
from tests.engine.indicators.families.helpers import by_item, dataset, run

END = date(2025, 3, 31)


def _referral(person, when, close=None):
    return {
        "cine_referral_id": f"R{person}",
        "cine_person_id": person,
        "cine_referral_date": when,
        "cine_close_date": close,
    }


def _assessment(person, auth, nfa="N"):
    return {
        "cina_assessment_id": f"A{person}",
        "cina_person_id": person,
        "cina_referral_id": f"R{person}",
        "cina_assessment_auth_date": auth,
        "cina_assessment_outcome_nfa": nfa,
    }


def _plan(person, start, end=None):
    return {
        "cinp_cin_plan_id": f"P{person}",
        "cinp_person_id": person,
        "cinp_cin_plan_start_date": start,
        "cinp_cin_plan_end_date": end,
        "cinp_cin_plan_team": "TP",
    }


DATA = dataset(
    ssd_cin_episodes=[
        _referral("A", date(2024, 10, 1)),
        _referral("B", date(2024, 1, 10)),
        _referral("C", date(2025, 1, 5)),
        _referral("D", date(2025, 1, 5)),
        _referral("E", date(2024, 12, 1)),
        _referral("F", date(2024, 6, 1), close=END),  # closed on the period end
        _referral("H", date(2025, 3, 15)),
        _referral("I", date(2025, 2, 1)),
    ],
    ssd_cin_assessments=[
        _assessment("A", date(2024, 11, 1)),
        _assessment("B", date(2024, 2, 20)),
        _assessment("C", date(2025, 3, 1)),
        _assessment("D", date(2025, 3, 1), nfa="Y"),
        _assessment("E", date(2025, 1, 1)),
        _assessment("F", date(2024, 7, 1)),
        _assessment("I", date(2024, 5, 1)),  # before this referral: belongs to an older one
    ],
    ssd_cin_plans=[
        _plan("A", date(2024, 11, 5)),
        _plan("B", date(2024, 3, 1)),
        _plan("E", date(2025, 1, 5)),
        _plan("J", date(2024, 9, 30)),  # open exactly 6 months, never reviewed
        _plan("K", date(2024, 8, 31)),
        _plan("M", date(2024, 1, 1), end=date(2025, 3, 1)),  # ended
    ],
    cb_cin_plan_reviews=[
        {
            "cinr_review_id": "1",
            "cinr_cin_plan_id": "PB",
            "cinr_person_id": "B",
            "cinr_review_date": date(2024, 8, 15),
        },
        {
            "cinr_review_id": "2",
            "cinr_cin_plan_id": "PB",
            "cinr_person_id": "B",
            "cinr_review_date": date(2025, 4, 10),
        },
        {
            "cinr_review_id": "3",
            "cinr_cin_plan_id": "PK",
            "cinr_person_id": "K",
            "cinr_review_date": date(2024, 10, 31),
        },
    ],
    ssd_cin_visits=[
        {
            "cinv_cin_visit_id": "v1",
            "cinv_person_id": "A",
            "cinv_cin_visit_date": date(2025, 3, 20),
            "cinv_cin_visit_seen": "Y",
        },
        {
            "cinv_cin_visit_id": "v2",
            "cinv_person_id": "B",
            "cinv_cin_visit_date": date(2025, 2, 14),
            "cinv_cin_visit_seen": "Y",
        },
        {
            "cinv_cin_visit_id": "v3",
            "cinv_person_id": "B",
            "cinv_cin_visit_date": date(2025, 3, 25),
            "cinv_cin_visit_seen": "N",
        },
        {
            "cinv_cin_visit_id": "v4",
            "cinv_person_id": "B",
            "cinv_cin_visit_date": date(2025, 4, 2),
            "cinv_cin_visit_seen": "Y",
        },
    ],
    ssd_cp_plans=[
        {"cppl_cp_plan_id": "CPE", "cppl_person_id": "E", "cppl_cp_plan_start_date": date(2025, 2, 1)}
    ],
    ssd_cla_episodes=[
        {"clae_cla_episode_id": "e1", "clae_person_id": "G", "clae_cla_episode_start_date": date(2024, 5, 1)}
    ],
    ssd_involvements=[
        {
            "invo_involvements_id": "i1",
            "invo_person_id": "B",
            "invo_professional_id": "W2",
            "invo_professional_role_id": "SW",
            "invo_professional_team": "T2",
            "invo_involvement_start_date": date(2024, 1, 10),
        }
    ],
    cb_population=[{"popu_row_id": "1", "popu_year": 2025, "popu_count": 10000}],
)


def test_cin_with_plan_rows():
    rows = {r["person_id"]: r for r in run(cin_with_plan, DATA, "snapshot", END).iter_rows(named=True)}
    # D: assessment NFA; E: on a CP plan; F: closed on the day; H: no assessment; I: older assessment
    assert set(rows) == {"A", "B", "C"}
    assert rows["A"]["in_numerator"] and rows["B"]["in_numerator"]
    assert (rows["C"]["in_numerator"], rows["C"]["due_date"], rows["C"]["days_overdue"]) == (
        False,
        date(2025, 3, 1),
        30,
    )
    assert rows["B"]["team_id"] == "T2"
    out = compute(INDICATORS["cin_with_plan"], DATA, Period.ending("snapshot", END))
    assert out["value"][0] == pytest.approx(200 / 3)


def test_cin_plan_reviews_6m_rows():
    rows = by_item(run(cin_plan_reviews_6m, DATA, "snapshot", END))
    # PA and PE: open under 6 months; PM: ended
    assert set(rows) == {"PB", "PJ", "PK"}
    # B's last review before the period end was 15 Aug: due 15 Feb; the April review is in the future
    assert (rows["PB"]["due_date"], rows["PB"]["done_date"], rows["PB"]["days_overdue"]) == (
        date(2025, 2, 15),
        date(2024, 8, 15),
        44,
    )
    assert rows["PB"]["team_id"] == "T2"  # the allocation wins over the plan's team
    assert (rows["PJ"]["due_date"], rows["PJ"]["in_numerator"], rows["PJ"]["days_overdue"]) == (
        date(2025, 3, 30),
        False,
        1,
    )
    assert rows["PJ"]["team_id"] == "TP"  # no allocation: the plan's team
    # 31 Oct + 6 months = 30 April (clamped)
    assert (rows["PK"]["due_date"], rows["PK"]["in_numerator"]) == (date(2025, 4, 30), True)


def test_cin_plan_reviews_setting_changes_the_cohort():
    rows = by_item(run(cin_plan_reviews_6m, DATA, "snapshot", END, Settings(cin_plan_review_months=3)))
    assert "PA" in set(rows)  # open since 5 Nov: more than 3 months
    assert "PE" not in set(rows)  # open since 5 Jan: less than 3 months


def test_cin_visits_in_time_rows():
    rows = {r["person_id"]: r for r in run(cin_visits_in_time, DATA, "snapshot", END).iter_rows(named=True)}
    # E is on a CP plan; M's plan ended
    assert set(rows) == {"A", "B", "J", "K"}
    assert (rows["A"]["in_numerator"], rows["A"]["done_date"]) == (True, date(2025, 3, 20))
    # seen 14 Feb; the 25 March visit did not see the child; 2 April is after the period
    assert (rows["B"]["done_date"], rows["B"]["due_date"], rows["B"]["days_overdue"]) == (
        date(2025, 2, 14),
        date(2025, 3, 14),
        17,
    )
    assert rows["J"]["in_numerator"] is False  # never visited since the plan started
    visited = compute(INDICATORS["cin_visits_in_time"], DATA, Period.ending("snapshot", END))
    assert visited["value"][0] == pytest.approx(25.0)


def test_cin_rate_counts_cin_cp_and_cla_children_once():
    rows = run(cin_rate, DATA, "snapshot", END)
    assert sorted(rows["person_id"]) == ["A", "B", "C", "D", "E", "G", "H", "I"]
    out = compute(INDICATORS["cin_rate"], DATA, Period.ending("snapshot", END))
    assert out.select("numerator", "value").row(0) == (8.0, pytest.approx(8.0))

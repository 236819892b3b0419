from datetime import date

import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families.assessment import assessments_45wd
from tests.engine.indicators.families.helpers import by_item, dataset, run


def _assessment(aid, person, referral, start, auth, team="T1"):
    return {
        "cina_assessment_id": aid,
        "cina_person_id": person,
        "cina_referral_id": referral,
        "cina_assessment_start_date": start,
        "cina_assessment_auth_date": auth,
        "cina_assessment_team": team,
        "cina_assessment_worker_id": "W1",
    }


DATA = dataset(
    ssd_cin_episodes=[
        {"cine_referral_id": "R1", "cine_person_id": "A", "cine_referral_date": date(2025, 1, 6)},
        {"cine_referral_id": "R2", "cine_person_id": "B", "cine_referral_date": date(2025, 3, 3)},
        {"cine_referral_id": "R3", "cine_person_id": "C", "cine_referral_date": date(2025, 3, 20)},
    ],
    ssd_cin_assessments=[
        # measured from the referral (6 Jan), not the later start: 45 working days exactly
        _assessment("a1", "A", "R1", date(2025, 1, 20), date(2025, 3, 10)),
        _assessment("a2", "A", "R1", date(2025, 1, 20), date(2025, 3, 11)),  # 46 working days
        # Good Friday, Easter Monday and the May bank holiday push the deadline to 8 May
        _assessment("a3", "B", "R2", date(2025, 3, 4), date(2025, 5, 8)),
        _assessment("a4", "D", "R404", date(2025, 3, 3), date(2025, 5, 9)),  # no referral: from start
        _assessment("a5", "C", "R3", date(2025, 3, 20), date(2025, 3, 19)),  # authorised before referral
        _assessment("a6", "C", "R3", date(2025, 3, 20), None),  # in progress: not counted
        _assessment("a7", "C", "R3", date(2025, 3, 20), date(2025, 6, 1)),  # the next month
    ],
)


def test_assessments_45wd_counts_from_the_referral_date():
    rows = by_item(run(assessments_45wd, DATA, "month", date(2025, 3, 31)))
    assert set(rows) == {"a1", "a2", "a5"}
    assert (rows["a1"]["in_numerator"], rows["a1"]["x_working_days"], rows["a1"]["x_measured_from"]) == (
        True,
        45,
        "referral",
    )
    assert (rows["a2"]["in_numerator"], rows["a2"]["due_date"], rows["a2"]["days_overdue"]) == (
        False,
        date(2025, 3, 10),
        1,
    )
    assert rows["a5"]["in_denominator"] is False
    assert rows["a5"]["x_data_problem"] == "authorised before the referral"


def test_assessments_45wd_bank_holidays_and_missing_referral():
    rows = by_item(run(assessments_45wd, DATA, "month", date(2025, 5, 31)))
    assert set(rows) == {"a3", "a4"}
    assert (rows["a3"]["due_date"], rows["a3"]["in_numerator"]) == (date(2025, 5, 8), True)
    assert rows["a4"]["x_measured_from"] == "assessment start"
    assert (rows["a4"]["in_numerator"], rows["a4"]["days_overdue"]) == (False, 1)


def test_assessments_45wd_value_and_setting():
    ind = INDICATORS["assessments_45wd"]
    period = Period.ending("month", date(2025, 3, 31))
    assert compute(ind, DATA, period)["value"][0] == pytest.approx(50.0)
    assert compute(ind, DATA, period, Settings(assessment_working_days=46))["value"][0] == pytest.approx(
        100.0
    )

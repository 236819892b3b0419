from datetime import date, datetime

import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute
from careboard.engine.indicators.families.front_door import (
    contacts_decided_24h,
    referral_rate,
    referrals_nfa,
    rereferrals_12m,
    seen_5wd,
)
from tests.engine.indicators.families.helpers import by_item, dataset, run


def _contact(cid, when, decided=None, team="MASH"):
    return {
        "cont_contact_id": cid,
        "cont_person_id": f"P{cid}",
        "cont_contact_date": when,
        "cont_decision_datetime": decided,
        "cont_contact_team": team,
    }


CONTACTS = dataset(
    ssd_contacts=[
        _contact("c1", datetime(2025, 1, 10, 9), datetime(2025, 1, 11, 8)),  # 23 hours
        _contact("c2", datetime(2025, 1, 10, 9), datetime(2025, 1, 11, 10)),  # 25 hours
        _contact("c3", datetime(2025, 1, 20, 9)),  # never decided: overdue
        _contact("c4", datetime(2025, 1, 31, 20)),  # not yet due at the period end
        _contact("c5", datetime(2025, 2, 1, 0, 1), datetime(2025, 2, 1, 1)),  # next month
        _contact("c6", datetime(2025, 1, 15, 9), datetime(2025, 1, 14, 9)),  # decided before contact
        _contact("c7", datetime(2024, 12, 31, 23, 30), datetime(2025, 1, 1, 1)),  # last month
    ]
)


def test_contacts_decided_24h_rows():
    rows = by_item(run(contacts_decided_24h, CONTACTS, "month", date(2025, 1, 31)))
    assert set(rows) == {"c1", "c2", "c3", "c4", "c6"}
    assert (rows["c1"]["in_denominator"], rows["c1"]["in_numerator"]) == (True, True)
    assert (rows["c2"]["in_denominator"], rows["c2"]["in_numerator"]) == (True, False)
    assert rows["c2"]["x_hours_to_decision"] == pytest.approx(25.0)
    assert (rows["c3"]["in_denominator"], rows["c3"]["in_numerator"]) == (True, False)
    assert (rows["c3"]["due_date"], rows["c3"]["done_date"], rows["c3"]["days_overdue"]) == (
        date(2025, 1, 21),
        None,
        10,
    )
    assert rows["c4"]["in_denominator"] is False
    assert rows["c6"]["in_denominator"] is False
    assert rows["c6"]["x_data_problem"] == "decision recorded before the contact"
    assert rows["c1"]["x_data_problem"] is None
    assert rows["c1"]["team_id"] == "MASH"


def test_contacts_decided_24h_value_and_setting():
    ind = INDICATORS["contacts_decided_24h"]
    period = Period.ending("month", date(2025, 1, 31))
    assert compute(ind, CONTACTS, period).select("numerator", "denominator").row(0) == (1.0, 3.0)
    relaxed = compute(ind, CONTACTS, period, Settings(contact_decision_hours=48))
    assert relaxed.select("numerator", "denominator").row(0) == (2.0, 3.0)


def _referral(rid, person, when, nfa="N", seen=None, team="T1"):
    return {
        "cine_referral_id": rid,
        "cine_person_id": person,
        "cine_referral_date": when,
        "cine_referral_nfa": nfa,
        "cine_child_first_seen_date": seen,
        "cine_referral_team": team,
        "cine_referral_worker_id": "W1",
    }


REFERRALS = dataset(
    ssd_cin_episodes=[
        _referral("a1", "A", date(2023, 5, 1)),
        _referral("a2", "A", date(2024, 4, 30)),  # within 12 months of a1
        _referral("a3", "A", date(2025, 3, 1), nfa="Y"),  # within 12 months of a2
        _referral("b1", "B", date(2022, 1, 1)),
        _referral("b2", "B", date(2024, 6, 1)),  # more than 12 months after b1
        _referral("c1", "C", date(2024, 2, 29)),
        _referral("c2", "C", date(2025, 2, 28)),  # 29 Feb + 12 months = 28 Feb: just within
        _referral("d1", "D", date(2024, 7, 1)),
        _referral("d2", "D", date(2024, 7, 1)),  # same day as d1: not a re-referral
        _referral("e1", "E", date(2025, 4, 1)),  # after the period
        _referral("e0", "E", date(2024, 3, 31)),  # the day before the period starts
    ],
    cb_population=[{"popu_row_id": "1", "popu_year": 2025, "popu_count": 20000}],
)


def test_rereferrals_12m_rows():
    rows = by_item(run(rereferrals_12m, REFERRALS, "rolling12", date(2025, 3, 31)))
    assert set(rows) == {"a2", "a3", "b2", "c2", "d1", "d2"}
    numerator = {k for k, r in rows.items() if r["in_numerator"]}
    assert numerator == {"a2", "a3", "c2"}
    assert rows["c2"]["x_previous_referral_date"] == date(2024, 2, 29)
    assert all(r["in_denominator"] for r in rows.values())


def test_rereferrals_12m_value():
    out = compute(INDICATORS["rereferrals_12m"], REFERRALS, Period.ending("rolling12", date(2025, 3, 31)))
    assert out["value"][0] == pytest.approx(50.0)


def test_referral_rate_counts_every_referral_per_10k():
    period = Period.ending("rolling12", date(2025, 3, 31))
    rows = referral_rate(REFERRALS, period, Settings())
    assert rows.height == 6
    out = compute(INDICATORS["referral_rate"], REFERRALS, period)
    assert out.select("numerator", "denominator", "value").row(0) == (6.0, 20000.0, pytest.approx(3.0))


def test_referrals_nfa_share():
    rows = by_item(run(referrals_nfa, REFERRALS, "rolling12", date(2025, 3, 31)))
    assert {k for k, r in rows.items() if r["in_numerator"]} == {"a3"}
    out = compute(INDICATORS["referrals_nfa"], REFERRALS, Period.ending("rolling12", date(2025, 3, 31)))
    assert out["value"][0] == pytest.approx(100 / 6)


SEEN = dataset(
    ssd_cin_episodes=[
        _referral("r1", "A", date(2024, 4, 4), seen=date(2024, 4, 11)),  # 5 working days
        _referral("r2", "B", date(2024, 4, 4), seen=date(2024, 4, 12)),  # 6 working days
        _referral("r3", "C", date(2024, 4, 29)),  # due 7 May (6 May bank holiday): not yet due
        _referral("r4", "D", date(2024, 4, 10)),  # due 17 April, never seen
        _referral("r5", "E", date(2024, 4, 10), nfa="Y"),  # NFA: not expected to be seen
        _referral("r6", "F", date(2024, 4, 10), seen=date(2024, 4, 9)),  # seen before referral
        _referral("r7", "G", date(2024, 3, 28), seen=date(2024, 4, 8)),  # across Easter: 5 days
    ]
)


def test_seen_5wd_rows():
    rows = by_item(run(seen_5wd, SEEN, "month", date(2024, 4, 30)))
    assert set(rows) == {"r1", "r2", "r3", "r4", "r6"}
    assert (rows["r1"]["in_denominator"], rows["r1"]["in_numerator"]) == (True, True)
    assert (rows["r2"]["in_numerator"], rows["r2"]["due_date"], rows["r2"]["days_overdue"]) == (
        False,
        date(2024, 4, 11),
        1,
    )
    assert rows["r3"]["in_denominator"] is False
    assert rows["r3"]["due_date"] == date(2024, 5, 7)
    assert (rows["r4"]["in_denominator"], rows["r4"]["days_overdue"]) == (True, 13)
    assert rows["r6"]["in_denominator"] is False
    assert rows["r6"]["x_data_problem"] == "child seen before the referral date"


def test_seen_5wd_skips_easter_bank_holidays():
    rows = by_item(run(seen_5wd, SEEN, "month", date(2024, 3, 31)))
    assert rows["r7"]["x_working_days"] == 5
    assert rows["r7"]["in_numerator"] is True
    assert rows["r7"]["due_date"] == date(2024, 4, 8)


def test_seen_5wd_by_team():
    out = compute(INDICATORS["seen_5wd"], SEEN, Period.ending("month", date(2024, 4, 30)), by="team")
    assert out.select("group", "numerator", "denominator").rows() == [("T1", 1.0, 3.0)]

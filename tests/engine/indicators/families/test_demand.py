from datetime import date

from careboard.engine.indicators.core import INDICATORS, Period, compute
from careboard.engine.indicators.families.demand import (
    demand_open_care_leavers,
    demand_open_cin,
    demand_open_cla,
    demand_open_cp,
)
from tests.engine.indicators.families.helpers import dataset, run

END = date(2025, 3, 31)


def _leaver(row, person, when, in_touch="YES", team="LC"):
    return {
        "clea_table_id": row,
        "clea_person_id": person,
        "clea_care_leaver_latest_contact": when,
        "clea_care_leaver_in_touch": in_touch,
        "clea_care_leaver_allocated_team": team,
        "clea_care_leaver_worker_id": "PA1",
    }


DATA = dataset(
    ssd_person=[
        {"pers_person_id": "L1", "pers_dob": date(2005, 1, 1)},
        {"pers_person_id": "L2", "pers_dob": date(2000, 3, 31)},  # 25 on the period end
        {"pers_person_id": "L3", "pers_dob": date(2006, 1, 1)},
    ],
    ssd_cin_episodes=[
        {"cine_referral_id": f"R{p}", "cine_person_id": p, "cine_referral_date": date(2024, 1, 1)}
        for p in ("A", "B", "C", "D")
    ]
    + [
        {
            "cine_referral_id": "RX",
            "cine_person_id": "X",
            "cine_referral_date": date(2024, 1, 1),
            "cine_close_date": END,
        }
    ],
    ssd_cp_plans=[
        {"cppl_cp_plan_id": "PB", "cppl_person_id": "B", "cppl_cp_plan_start_date": date(2024, 2, 1)},
        {"cppl_cp_plan_id": "PC", "cppl_person_id": "C", "cppl_cp_plan_start_date": date(2024, 2, 1)},
    ],
    ssd_cla_episodes=[
        {
            "clae_cla_episode_id": "e1",
            "clae_person_id": "C",
            "clae_cla_id": "C1",
            "clae_cla_episode_start_date": date(2024, 3, 1),
        },
        {
            "clae_cla_episode_id": "e2",
            "clae_person_id": "D",
            "clae_cla_id": "D1",
            "clae_cla_episode_start_date": date(2024, 3, 1),
            "clae_cla_episode_ceased_date": date(2024, 9, 1),
        },
        {
            "clae_cla_episode_id": "e3",
            "clae_person_id": "D",
            "clae_cla_id": "D1",
            "clae_cla_episode_start_date": date(2024, 9, 1),
        },
        {
            "clae_cla_episode_id": "e4",
            "clae_person_id": "L3",
            "clae_cla_id": "L3b",
            "clae_cla_episode_start_date": date(2025, 2, 1),
        },
    ],
    ssd_care_leavers=[
        _leaver("1", "L1", date(2024, 6, 1)),
        _leaver("2", "L1", date(2025, 4, 2), in_touch="NREQ"),  # after the period end
        _leaver("3", "L2", date(2024, 6, 1)),  # 25 on the period end
        _leaver("4", "L3", date(2024, 6, 1)),  # back in care
        _leaver("5", "L4", date(2024, 6, 1)),
        _leaver("6", "L4", date(2025, 1, 1), in_touch="DIED"),
    ],
)


def test_demand_counts_do_not_overlap():
    assert run(demand_open_cin, DATA, "snapshot", END)["person_id"].to_list() == ["A"]
    assert run(demand_open_cp, DATA, "snapshot", END)["person_id"].to_list() == ["B"]
    cla = run(demand_open_cla, DATA, "snapshot", END)
    assert cla.select("person_id", "item_id").rows() == [("C", "C1"), ("D", "D1"), ("L3", "L3b")]


def test_demand_open_care_leavers_rows():
    rows = run(demand_open_care_leavers, DATA, "snapshot", END)
    assert rows.select("person_id", "team_id", "worker_id", "done_date").rows() == [
        ("L1", "LC", "PA1", date(2024, 6, 1))
    ]


def test_demand_counts_are_counts():
    period = Period.ending("snapshot", END)
    got = {
        i: compute(INDICATORS[i], DATA, period).select("numerator", "denominator", "value").row(0)
        for i in ("demand_open_cin", "demand_open_cp", "demand_open_cla", "demand_open_care_leavers")
    }
    assert got == {
        "demand_open_cin": (1.0, None, 1.0),
        "demand_open_cp": (1.0, None, 1.0),
        "demand_open_cla": (3.0, None, 3.0),
        "demand_open_care_leavers": (1.0, None, 1.0),
    }

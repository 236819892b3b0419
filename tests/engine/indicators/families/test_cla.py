from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from careboard.engine.indicators.core import INDICATORS, Period, Settings, compute, series
from careboard.engine.indicators.families import cla
from careboard.engine.store import Dataset

D = date.fromisoformat
END = D("2025-03-31")


def dataset(**tables: list[dict[str, Any]]) -> Dataset:
    return Dataset({name: pl.DataFrame(rows, infer_schema_length=None) for name, rows in tables.items()})


def episode(
    person: str, cla_id: str, entered: str, ceased: str | None = None, **extra: Any
) -> dict[str, Any]:
    start = extra.pop("start", entered)
    return {
        "clae_cla_episode_id": extra.pop("id", f"{cla_id}-{start}"),
        "clae_person_id": person,
        "clae_cla_id": cla_id,
        "clae_entered_care_date": D(entered),
        "clae_cla_episode_start_date": D(start),
        "clae_cla_episode_ceased_date": D(ceased) if ceased else None,
        **extra,
    }


def placement(
    pid: str, person: str, start: str, end: str | None = None, kind: str = "U6", **extra: Any
) -> dict[str, Any]:
    return {
        "clap_cla_placement_id": pid,
        "clap_person_id": person,
        "clap_cla_placement_start_date": D(start),
        "clap_cla_placement_end_date": D(end) if end else None,
        "clap_cla_placement_type": kind,
        **extra,
    }


def person(pid: str, dob: str | None) -> dict[str, Any]:
    return {"pers_person_id": pid, "pers_dob": D(dob) if dob else None}


def value(indicator_id: str, data: Dataset, period: Period, settings: Settings | None = None) -> float | None:
    out = compute(INDICATORS[indicator_id], data, period, settings)
    result: float | None = out["value"][0]
    return result


def rows(
    indicator_id: str, data: Dataset, period: Period, settings: Settings | None = None
) -> list[dict[str, Any]]:
    frame = INDICATORS[indicator_id].rows(data, period, settings or Settings())
    cols = ["person_id", "item_id", "in_denominator", "in_numerator", "due_date", "done_date", "days_overdue"]
    return frame.select(cols).sort("person_id", "due_date", "item_id", nulls_last=True).to_dicts()


def row(
    person_id: str,
    item_id: str,
    num: bool,
    due: str | None,
    done: str | None,
    overdue: int | None,
    den: bool = True,
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "item_id": item_id,
        "in_denominator": den,
        "in_numerator": num,
        "due_date": D(due) if due else None,
        "done_date": D(done) if done else None,
        "days_overdue": overdue,
    }


# --- population -------------------------------------------------------------------------------------


def test_cla_rate_counts_children_looked_after_at_the_end_of_the_day() -> None:
    data = dataset(
        ssd_cla_episodes=[
            episode("k1", "P1", "2024-01-01", ceased="2024-06-01", id="e1"),
            episode("k1", "P1", "2024-01-01", start="2024-06-01", id="e2"),  # same period, new placement
            episode("k2", "P2", "2024-01-01", ceased="2025-03-31"),  # left on the day: not looked after
            episode("k3", "P3", "2024-02-01"),  # short breaks
            episode("k4", "P4", "2025-04-01"),  # after the end
            episode("k5", "P5", "2025-03-31"),  # entered that day
            episode("k6", "P6", "2024-06-01"),  # had short breaks before, now in care
        ],
        ssd_legal_status=[
            {
                "lega_person_id": "k3",
                "lega_legal_status": "V3",
                "lega_legal_status_start_date": D("2024-02-01"),
            },
            {
                "lega_person_id": "k6",
                "lega_legal_status": "V4",
                "lega_legal_status_start_date": D("2023-01-01"),
                "lega_legal_status_end_date": D("2024-01-01"),
            },
        ],
        cb_population=[{"popu_row_id": "1", "popu_year": 2025, "popu_count": 10_000}],
        ssd_involvements=[
            {
                "invo_involvements_id": "i1",
                "invo_person_id": "k1",
                "invo_professional_id": "W1",
                "invo_professional_team": "T1",
                "invo_involvement_start_date": D("2024-01-01"),
            }
        ],
    )
    period = Period.ending("snapshot", END)
    assert value("cla_rate", data, period) == pytest.approx(3.0)
    frame = INDICATORS["cla_rate"].rows(data, period, Settings())
    assert sorted(frame["person_id"]) == ["k1", "k5", "k6"]
    assert frame.filter(pl.col("person_id") == "k1")["team_id"].to_list() == ["T1"]


def test_entry_age_counts_each_child_once_and_uses_age_on_entry() -> None:
    data = dataset(
        ssd_person=[
            person("e1", "2014-04-01"),  # 10th birthday on the day of entry
            person("e2", "2014-04-02"),  # 9 on entry
            person("e3", None),
            person("e4", "2012-01-01"),
            person("e5", "2010-01-01"),
        ],
        ssd_cla_episodes=[
            episode("e1", "A", "2024-04-01"),
            episode("e2", "B", "2024-04-01"),
            episode("e3", "C", "2024-05-01"),
            episode("e4", "D1", "2024-05-01", ceased="2024-07-01"),
            episode("e4", "D2", "2024-12-01"),
            episode("e5", "E", "2024-06-01"),
        ],
        ssd_legal_status=[
            {
                "lega_person_id": "e5",
                "lega_legal_status": "V4",
                "lega_legal_status_start_date": D("2024-06-01"),
            }
        ],
    )
    period = Period.ending("rolling12", END)
    assert value("cla_entry_age_10_plus", data, period) == pytest.approx(200 / 3)
    frame = INDICATORS["cla_entry_age_10_plus"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "item_id", "in_denominator", "in_numerator").rows() == [
        ("e1", "A", True, True),
        ("e2", "B", True, False),
        ("e3", "C", False, False),
        ("e4", "D1", True, True),
    ]


def test_residential_count_uses_the_placement_on_the_day_and_the_setting() -> None:
    data = dataset(
        ssd_cla_episodes=[episode(p, p, "2024-01-01") for p in ("r1", "r2", "r3", "r4", "r5")],
        ssd_cla_placement=[
            placement("p1", "r1", "2024-01-01", kind="K2"),
            placement("p2", "r2", "2024-01-01", kind="R1"),
            placement("p3", "r3", "2024-01-01", kind="S1"),
            placement("p4", "r4", "2024-01-01", "2025-03-31", kind="K2"),
            placement("p5", "r4", "2025-03-31", kind="U6"),  # moved out of the home on the day
            placement("p6", "r5", "2024-01-01", kind="U4"),
        ],
    )
    period = Period.ending("snapshot", END)
    assert value("cla_residential", data, period) == 2.0
    wider = Settings(residential_placement_types=("K1", "K2", "R1", "S1"))
    assert value("cla_residential", data, period, wider) == 3.0
    assert sorted(INDICATORS["cla_residential"].rows(data, period, Settings())["item_id"]) == ["p1", "p2"]


# --- reviews ----------------------------------------------------------------------------------------


def review(rid: str, cla_id: str, held: str, cancelled: str | None = None) -> dict[str, Any]:
    return {
        "clar_cla_review_id": rid,
        "clar_cla_id": cla_id,
        "clar_cla_review_date": D(held),
        "clar_cla_review_cancelled": cancelled,
    }


def reviews_data() -> Dataset:
    return dataset(
        ssd_cla_episodes=[
            episode("c1", "P1", "2024-03-20"),
            episode("c2", "P2a", "2023-01-10", ceased="2023-02-01"),  # left before the first review was due
            episode("c2", "P2b", "2025-03-03"),  # first review due on the period end
        ],
        ssd_cla_reviews=[
            review("r1", "P1", "2024-04-19"),  # due 19 April: 20 working days, Easter skipped
            review("rx", "P1", "2024-05-01", cancelled="Y"),
            review("r2", "P1", "2024-07-22"),  # due 3 months after the first: 19 July
            review("r3", "P1", "2025-04-02"),  # after the period end: not yet held as at 31 March
        ],
    )


def test_reviews_follow_the_20_working_day_3_month_6_month_chain() -> None:
    period = Period.ending("rolling12", END)
    assert rows("cla_reviews_in_time", reviews_data(), period) == [
        row("c1", "P1|review1", True, "2024-04-19", "2024-04-19", None),
        row("c1", "P1|review2", False, "2024-07-19", "2024-07-22", 3),
        row("c1", "P1|review3", False, "2025-01-22", None, 68),
    ]
    assert value("cla_reviews_in_time", reviews_data(), period) == pytest.approx(100 / 3)


def test_a_late_review_counts_in_the_month_it_became_late() -> None:
    assert [
        r["item_id"]
        for r in rows("cla_reviews_in_time", reviews_data(), Period.ending("month", D("2024-07-31")))
    ] == ["P1|review2"]
    assert rows("cla_reviews_in_time", reviews_data(), Period.ending("month", D("2024-06-30"))) == []
    # the first review of c2's second period is due on 31 March: not late until 1 April
    april = rows("cla_reviews_in_time", reviews_data(), Period.ending("month", D("2025-04-30")))
    assert row("c2", "P2b|review1", False, "2025-03-31", None, 30) in april


# --- visits -----------------------------------------------------------------------------------------


def visit(vid: str, person_id: str, when: str, seen: str | None = "Y") -> dict[str, Any]:
    return {
        "clav_cla_visit_id": vid,
        "clav_person_id": person_id,
        "clav_cla_visit_date": D(when),
        "clav_cla_visit_seen": seen,
    }


def moving_child() -> Dataset:
    return dataset(
        ssd_cla_placement=[
            placement("PL1", "v1", "2024-01-05", "2024-03-01"),
            placement("PL2", "v1", "2024-03-01"),
        ],
        ssd_cla_visits=[
            visit("a", "v1", "2024-01-10"),  # due 12 January
            visit("b", "v1", "2024-02-25"),  # due 6 weeks after the 10th: 21 February
            visit("c", "v1", "2024-03-01"),  # the day of the move: the new placement's first visit
            visit("n", "v1", "2024-03-20", seen="N"),  # child not seen: not a visit
            visit("d", "v1", "2024-04-12"),  # due 12 April
        ],
    )


def test_visits_restart_at_each_placement_and_run_six_weekly() -> None:
    period = Period.ending("rolling12", D("2024-05-31"))
    assert rows("cla_visits_in_time", moving_child(), period) == [
        row("v1", "PL1|visit1", True, "2024-01-12", "2024-01-10", None),
        row("v1", "PL1|visit2", False, "2024-02-21", "2024-02-25", 4),
        row("v1", "PL2|visit1", True, "2024-03-08", "2024-03-01", None),
        row("v1", "PL2|visit2", True, "2024-04-12", "2024-04-12", None),
        row("v1", "PL2|visit3", False, "2024-05-24", None, 7),
    ]
    assert value("cla_visits_in_time", moving_child(), period) == pytest.approx(60.0)
    assert value("cla_visits_in_time", moving_child(), Period.ending("month", D("2024-05-31"))) == 0.0


def long_term_child(kind: str) -> Dataset:
    return dataset(
        ssd_cla_placement=[
            placement("LT", "v2", "2023-01-02", kind=kind),
            placement("TMP", "v2", "2024-05-01", "2024-05-03", kind="T2"),
        ],
        ssd_cla_visits=[
            visit("a", "v2", "2023-01-05"),
            visit("b", "v2", "2023-12-20"),  # in the first year: next due 6 weeks later
            visit("c", "v2", "2024-01-30"),  # after the first year
            visit("d", "v2", "2024-04-30"),
        ],
    )


def test_visits_after_the_first_year_of_a_long_term_placement_are_three_monthly() -> None:
    july = Period.ending("month", D("2024-07-31"))
    assert rows("cla_visits_in_time", long_term_child("U4"), july) == [
        row("v2", "LT|visit5", False, "2024-07-30", None, 1),
    ]
    april = Period.ending("month", D("2024-04-30"))
    assert rows("cla_visits_in_time", long_term_child("U4"), april) == [
        row("v2", "LT|visit4", True, "2024-04-30", "2024-04-30", None),
    ]
    six_monthly = Settings(cla_visit_long_term_months=6)
    assert rows("cla_visits_in_time", long_term_child("U4"), july, six_monthly) == []


def test_visits_stay_six_weekly_when_the_placement_is_not_long_term() -> None:
    march = Period.ending("month", D("2024-03-31"))
    assert rows("cla_visits_in_time", long_term_child("U6"), march) == [
        row("v2", "LT|visit4", False, "2024-03-12", None, 19),  # the visit of 30 April is after
    ]


# --- health -----------------------------------------------------------------------------------------


def health(hid: str, person_id: str, kind: str, when: str, status: str = "COMPLETED") -> dict[str, Any]:
    return {
        "clah_health_check_id": hid,
        "clah_person_id": person_id,
        "clah_health_check_type": kind,
        "clah_health_check_date": D(when),
        "clah_health_check_status": status,
    }


def test_initial_health_assessments_are_due_20_working_days_after_entry() -> None:
    data = dataset(
        ssd_cla_episodes=[
            episode("h1", "H1", "2024-02-19"),  # due 18 March (29 Feb counted)
            episode("h2", "H2", "2024-03-20"),  # due 19 April (Easter skipped)
            episode("h3", "H3", "2024-04-01", ceased="2024-04-10"),  # left before it was due
            episode("h5", "H5", "2024-06-03"),  # due 1 July; refused, so not done
            episode("h6", "H6", "2024-12-10"),  # due 10 January 2025: not yet judged
        ],
        ssd_cla_health=[
            health("x1", "h1", "IHA", "2024-03-18"),
            health("x2", "h2", "IHA", "2024-04-22"),
            health("x3", "h5", "IHA", "2024-06-20", status="REFUSED"),
            health("x4", "h2", "RHA", "2024-04-01"),  # a review assessment is not an IHA
        ],
    )
    period = Period.ending("ytd", D("2024-12-31"))  # 1 April 2024 to 31 December
    assert rows("cla_iha_in_time", data, period) == [
        row("h2", "H2", False, "2024-04-19", "2024-04-22", 3),
        row("h5", "H5", False, "2024-07-01", None, 183),
    ]
    calendar_year = Period("rolling12", D("2024-01-01"), D("2024-12-31"))
    assert value("cla_iha_in_time", data, calendar_year) == pytest.approx(100 / 3)


def cohort_data(**tables: list[dict[str, Any]]) -> Dataset:
    return dataset(
        ssd_person=[
            person("r1", "2021-06-01"),
            person("r2", "2021-06-01"),
            person("r3", "2012-01-01"),
            person("r4", "2012-01-01"),
            person("r5", "2010-01-01"),
        ],
        ssd_cla_episodes=[
            episode("r1", "R1", "2023-01-01"),
            episode("r2", "R2", "2023-01-01"),
            episode("r3", "R3", "2020-05-05"),
            episode("r4", "R4", "2024-06-01"),  # under 12 months: not in the cohort
            episode("r5", "R5", "2022-01-01"),
        ],
        **tables,
    )


def test_review_health_assessments_are_six_monthly_under_five_and_yearly_after() -> None:
    data = cohort_data(
        ssd_cla_health=[
            health("a", "r1", "RHA", "2024-10-15"),
            health("b", "r2", "RHA", "2024-08-31"),  # due 28 February (month end)
            health("c", "r3", "IHA", "2020-05-20"),
            health("d", "r3", "RHA", "2024-03-31"),  # due on the period end: not overdue
            health("e", "r4", "RHA", "2024-06-20"),
            health("f", "r5", "DENTAL", "2025-01-01"),  # not a health assessment
        ]
    )
    period = Period.ending("snapshot", END)
    assert rows("cla_rha_up_to_date", data, period) == [
        row("r1", "R1", True, "2025-04-15", "2024-10-15", None),
        row("r2", "R2", False, "2025-02-28", "2024-08-31", 31),
        row("r3", "R3", True, "2025-03-31", "2024-03-31", None),
        row("r5", "R5", False, "2022-01-31", None, 1155),  # none at all: due as an IHA (3 Jan 2022 a holiday)
    ]
    assert value("cla_rha_up_to_date", data, period) == 50.0


def test_dental_checks_are_due_within_12_months() -> None:
    data = cohort_data(
        ssd_cla_health=[
            health("a", "r1", "DENTAL", "2024-04-01"),
            health("b", "r2", "DENTAL", "2024-03-30"),
            health("c", "r3", "DENTAL", "2025-01-10", status="REFUSED"),
        ]
    )
    assert rows("cla_dental_up_to_date", data, Period.ending("snapshot", END)) == [
        row("r1", "R1", True, "2025-04-01", "2024-04-01", None),
        row("r2", "R2", False, "2025-03-30", "2024-03-30", 1),
        row("r3", "R3", False, "2021-05-05", None, 1426),
        row("r5", "R5", False, "2023-01-01", None, 820),
    ]


def test_immunisations_take_the_latest_status_up_to_the_period_end() -> None:
    def status(p: str, s: str, when: str) -> dict[str, Any]:
        return {
            "clai_person_id": p,
            "clai_immunisations_status": s,
            "clai_immunisations_status_date": D(when),
        }

    data = cohort_data(
        ssd_cla_immunisations=[
            status("r1", "N", "2024-01-01"),
            status("r1", "Y", "2024-06-01"),
            status("r2", "Y", "2024-01-01"),
            status("r2", "N", "2025-01-01"),
            status("r3", "N", "2024-01-01"),
            status("r3", "Y", "2025-04-05"),  # after the end
        ]
    )
    period = Period.ending("snapshot", END)
    assert rows("cla_immunisations_up_to_date", data, period) == [
        row("r1", "R1", True, None, "2024-06-01", None),
        row("r2", "R2", False, None, None, None),
        row("r3", "R3", False, None, None, None),
        row("r5", "R5", False, None, None, None),
    ]
    assert value("cla_immunisations_up_to_date", data, period) == 25.0


# --- education and assessment -------------------------------------------------------------------------


def test_peps_cover_reception_to_year_11_and_are_termly() -> None:
    data = dataset(
        ssd_person=[
            person("p1", "2020-08-31"),  # 4 on 31 August 2024: Reception
            person("p2", "2020-09-01"),  # 3: nursery, not school age
            person("p3", "2008-09-01"),  # 15: Year 11
            person("p4", "2008-08-31"),  # 16: beyond Year 11
            person("p5", "2014-01-01"),
            person("p6", "2014-01-01"),
            person("p7", "2020-06-01"),  # in care since a baby: first PEP due as Reception starts
        ],
        ssd_cla_episodes=[
            *(episode(p, p.upper(), "2023-01-01") for p in ("p1", "p2", "p3", "p4")),
            episode("p5", "P5", "2025-03-25"),  # first PEP due 8 April
            episode("p6", "P6", "2024-01-01"),
            episode("p7", "P7", "2021-01-01"),
        ],
        cb_pep=[
            {"pepe_pep_id": "a", "pepe_person_id": "p1", "pepe_pep_date": D("2024-12-01")},
            {"pepe_pep_id": "b", "pepe_person_id": "p3", "pepe_pep_date": D("2024-11-30")},
            {"pepe_pep_id": "c", "pepe_person_id": "p6", "pepe_pep_date": D("2023-12-01")},  # before care
        ],
    )
    period = Period.ending("snapshot", END)
    assert rows("cla_pep_up_to_date", data, period) == [
        row("p1", "P1", True, "2025-04-01", "2024-12-01", None),
        row("p3", "P3", False, "2025-03-30", "2024-11-30", 1),
        row("p5", "P5", True, "2025-04-08", None, None),
        row("p6", "P6", False, "2024-01-15", None, 441),
        row("p7", "P7", False, "2024-09-13", None, 199),
    ]


def test_children_in_care_need_an_assessment_in_the_last_12_months() -> None:
    def assessment(aid: str, p: str, auth: str) -> dict[str, Any]:
        return {"cina_assessment_id": aid, "cina_person_id": p, "cina_assessment_auth_date": D(auth)}

    data = dataset(
        ssd_cla_episodes=[
            episode("a1", "A1", "2023-01-01"),
            episode("a2", "A2", "2023-01-01"),
            episode("a3", "A3", "2025-01-01"),
        ],
        ssd_cin_assessments=[
            assessment("x", "a1", "2024-04-01"),
            assessment("y", "a2", "2024-03-15"),
            assessment("z", "a2", "2025-04-01"),  # after the end
        ],
    )
    period = Period.ending("snapshot", END)
    assert rows("cla_assessed_12_months", data, period) == [
        row("a1", "A1", True, "2025-04-01", "2024-04-01", None),
        row("a2", "A2", False, "2025-03-15", "2024-03-15", 16),
        row("a3", "A3", True, "2026-01-01", None, None),
    ]


# --- placements -------------------------------------------------------------------------------------


def test_short_term_stability_counts_placements_in_the_year_across_periods_of_care() -> None:
    data = dataset(
        ssd_cla_episodes=[
            episode("s1", "S1", "2023-01-01"),
            episode("s2", "S2", "2023-01-01"),
            episode("s3", "S3a", "2024-05-01", ceased="2024-06-01"),
            episode("s3", "S3b", "2024-10-01"),
            episode("s4", "S4", "2023-01-01", ceased="2025-03-31"),
        ],
        ssd_cla_placement=[
            placement("a", "s1", "2023-01-01", "2024-04-01"),  # ended as the year began
            placement("b", "s1", "2024-04-01", "2024-09-01"),
            placement("c", "s1", "2024-09-01"),
            placement("d", "s2", "2023-01-01", "2024-04-02"),
            placement("e", "s2", "2024-04-02", "2024-05-01"),
            placement("t", "s2", "2024-05-01", "2024-05-03", kind="T4"),  # temporary: not counted
            placement("f", "s2", "2024-05-03"),
            placement("g", "s3", "2024-05-01", "2024-06-01"),
            placement("h", "s3", "2024-10-01", "2024-12-01"),
            placement("i", "s3", "2024-12-01"),
            *(placement(f"s4{k}", "s4", f"2024-0{k}-01", f"2024-0{k + 1}-01") for k in range(4, 8)),
        ],
    )
    period = Period.ending("snapshot", END)
    assert value("cla_placement_stability_short", data, period) == pytest.approx(200 / 3)
    frame = INDICATORS["cla_placement_stability_short"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "in_numerator", "x_placements").rows() == [
        ("s1", False, 2),
        ("s2", True, 3),
        ("s3", True, 3),
    ]


def test_long_term_stability_cohort_and_adoptive_placements() -> None:
    data = dataset(
        ssd_person=[person(p, "2012-01-01") for p in ("l1", "l2", "l3", "l5")] + [person("l4", "2009-03-31")],
        ssd_cla_episodes=[
            episode("l1", "L1", "2022-09-30"),  # exactly 2.5 years
            episode("l2", "L2", "2020-01-01"),
            episode("l3", "L3", "2020-01-01"),
            episode("l4", "L4", "2020-01-01"),  # 16 on the period end
            episode("l5", "L5", "2022-10-01"),  # under 2.5 years
        ],
        ssd_cla_placement=[
            placement("a", "l1", "2022-09-30", "2023-03-31"),
            placement("b", "l1", "2023-03-31"),  # exactly 2 years
            placement("c", "l2", "2020-01-01", "2023-04-01"),
            placement("d", "l2", "2023-04-01"),
            placement("e", "l3", "2022-01-01", "2024-12-01"),
            placement("f", "l3", "2024-12-01", kind="A5"),  # adopters are the carers of two years
            placement("g", "l4", "2020-01-01"),
            placement("h", "l5", "2022-10-01"),
        ],
    )
    period = Period.ending("snapshot", END)
    frame = INDICATORS["cla_placement_stability_long"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "in_numerator").rows() == [("l1", True), ("l2", False), ("l3", True)]
    assert value("cla_placement_stability_long", data, period) == pytest.approx(200 / 3)


def test_distance_leaves_out_placements_without_a_distance() -> None:
    data = dataset(
        ssd_cla_episodes=[episode(p, p, "2024-01-01") for p in ("d1", "d2", "d3", "d4")],
        ssd_cla_placement=[
            placement("a", "d1", "2024-01-01", clap_cla_placement_distance=25.0),
            placement("b", "d2", "2024-01-01", clap_cla_placement_distance=20.0),
            placement("c", "d3", "2024-01-01"),
            placement("d", "d4", "2024-01-01", clap_cla_placement_distance=5.5),
        ],
    )
    period = Period.ending("snapshot", END)
    assert value("cla_distance_20_miles", data, period) == pytest.approx(100 / 3)
    assert value("cla_distance_20_miles", data, period, Settings(distance_miles=10.0)) == pytest.approx(
        200 / 3
    )


def test_iro_notices_are_due_5_working_days_after_a_move() -> None:
    data = dataset(
        ssd_cla_placement=[
            placement("first", "n1", "2024-03-04", "2024-05-02", clap_cla_id="C1"),
            placement(
                "move1", "n1", "2024-05-02", "2024-08-20", clap_cla_id="C1"
            ),  # due 10 May (6 May a holiday)
            placement("temp", "n1", "2024-08-20", "2024-08-22", kind="T3", clap_cla_id="C1"),
            placement("move2", "n1", "2024-08-22", clap_cla_id="C1"),  # due 30 August (26 August a holiday)
            placement("again", "n1", "2025-01-02", clap_cla_id="C2"),  # first placement of a new period
        ],
        cb_iro_notice=[
            {"iron_notice_id": "x", "iron_cla_placement_id": "move1", "iron_sent_date": D("2024-05-10")},
            {"iron_notice_id": "y", "iron_cla_placement_id": "move2", "iron_sent_date": D("2025-01-10")},
        ],
    )
    period = Period.ending("rolling12", D("2024-12-31"))
    assert rows("cla_iro_notice_in_time", data, period) == [
        row("n1", "move1", True, "2024-05-10", "2024-05-10", None),
        row("n1", "move2", False, "2024-08-30", None, 123),
    ]


def test_return_interviews_are_due_72_hours_after_a_child_in_care_returns() -> None:
    def missing(
        mid: str, p: str, start: str, end: str | None, rhi: str | None, kind: str = "M"
    ) -> dict[str, Any]:
        return {
            "miss_table_id": mid,
            "miss_person_id": p,
            "miss_missing_episode_type": kind,
            "miss_missing_episode_start_date": D(start),
            "miss_missing_episode_end_date": D(end) if end else None,
            "miss_rhi_date": D(rhi) if rhi else None,
        }

    data = dataset(
        ssd_cla_episodes=[episode("m1", "M1", "2024-01-01")],
        ssd_missing=[
            missing("a", "m1", "2024-06-01", "2024-06-03", "2024-06-06"),
            missing("b", "m1", "2024-06-10", "2024-06-12", "2024-06-16"),
            missing("c", "m1", "2024-06-20", "2024-06-21", None, kind="A"),  # away, not missing
            missing("d", "m9", "2024-06-20", "2024-06-21", None),  # not in care
            missing("e", "m1", "2024-06-25", None, None),  # still missing
        ],
    )
    june = Period.ending("month", D("2024-06-30"))
    assert rows("cla_missing_rhi_72h", data, june) == [
        row("m1", "a", True, "2024-06-06", "2024-06-06", None),
        row("m1", "b", False, "2024-06-15", "2024-06-16", 1),
    ]
    everyone = Settings(missing_cla_only=False)
    assert [r["item_id"] for r in rows("cla_missing_rhi_72h", data, june, everyone)] == ["a", "b", "d"]


def test_age_counts_whole_years_and_a_leap_day_birthday_falls_on_1_march() -> None:
    frame = pl.DataFrame(
        {
            "dob": [D("2008-02-29"), D("2008-02-29"), D("2014-12-31"), D("2014-01-01")],
            "on": [D("2025-02-28"), D("2025-03-01"), D("2024-12-30"), D("2024-12-31")],
        }
    )
    ages = frame.select(age=cla.age_expr(pl.col("dob"), pl.col("on")))["age"].to_list()
    assert ages == [16, 17, 9, 10]


def test_team_is_the_one_holding_the_case_when_done_or_now_if_outstanding() -> None:
    def allocation(iid: str, team: str, start: str, end: str | None) -> dict[str, Any]:
        return {
            "invo_involvements_id": iid,
            "invo_person_id": "c1",
            "invo_professional_id": f"W-{team}",
            "invo_professional_role_id": "SW",
            "invo_professional_team": team,
            "invo_involvement_start_date": D(start),
            "invo_involvement_end_date": D(end) if end else None,
        }

    data = reviews_data().with_table(
        "ssd_involvements",
        pl.DataFrame(
            [
                allocation("a", "CARE 1", "2024-03-20", "2024-06-01"),
                allocation("b", "CARE 2", "2024-06-01", None),  # transferred between teams
                {**allocation("c", "IRO", "2024-03-20", None), "invo_professional_role_id": "IRO"},
            ]
        ),
    )
    frame = INDICATORS["cla_reviews_in_time"].rows(data, Period.ending("rolling12", END), Settings())
    assert frame.sort("due_date").select("item_id", "team_id", "worker_id").rows() == [
        ("P1|review1", "CARE 1", "W-CARE 1"),
        ("P1|review2", "CARE 2", "W-CARE 2"),
        ("P1|review3", "CARE 2", "W-CARE 2"),
    ]


def test_missing_dates_fall_back_or_are_left_out() -> None:
    data = dataset(
        ssd_cla_episodes=[
            # no entered-care date recorded: the period of care starts with its first episode
            {**episode("c1", "P1", "2024-03-20"), "clae_entered_care_date": None},
            {
                **episode("c9", "P9", "2024-03-20"),
                "clae_cla_episode_start_date": None,
                "clae_entered_care_date": None,
            },
        ],
        ssd_cla_reviews=[
            review("r1", "P1", "2024-04-19"),
            {"clar_cla_review_id": "rn", "clar_cla_id": "P1", "clar_cla_review_date": None},
        ],
    )
    assert rows("cla_reviews_in_time", data, Period.ending("month", D("2024-04-30"))) == [
        row("c1", "P1|review1", True, "2024-04-19", "2024-04-19", None),
    ]
    assert value("cla_rate", data, Period.ending("snapshot", END)) is None  # no population recorded
    assert INDICATORS["cla_rate"].rows(data, Period.ending("snapshot", END), Settings())[
        "person_id"
    ].to_list() == ["c1"]


def test_a_monthly_series_counts_each_visit_in_the_month_it_was_judged() -> None:
    values = series(INDICATORS["cla_visits_in_time"], moving_child(), D("2024-05-31"), 5, Settings())
    assert values.select("period_end", "numerator", "denominator", "value").rows() == [
        (D("2024-01-31"), 1.0, 1.0, 100.0),
        (D("2024-02-29"), 0.0, 1.0, 0.0),  # the late visit, judged the day after it fell due
        (D("2024-03-31"), 1.0, 1.0, 100.0),
        (D("2024-04-30"), 1.0, 1.0, 100.0),
        (D("2024-05-31"), 0.0, 1.0, 0.0),
    ]


def test_two_year_stability_counts_placements_in_two_years_of_children_in_care_two_years() -> None:
    data = dataset(
        ssd_cla_episodes=[
            episode("t1", "T1", "2022-01-01"),
            episode("t2", "T2", "2023-03-31"),  # exactly 2 years at the period end: in the cohort
            episode("t3", "T3", "2023-04-01"),  # a day short of 2 years: left out
            episode("t4", "T4", "2022-01-01"),
        ],
        ssd_cla_placement=[
            placement("a", "t1", "2022-01-01", "2023-03-31"),  # ended the day the 2 years began
            placement("b", "t1", "2023-03-31", "2024-01-01"),
            placement("c", "t1", "2024-01-01"),
            placement("d", "t2", "2023-03-31", "2023-06-01"),
            placement("e", "t2", "2023-06-01", "2024-06-01"),
            placement("f", "t2", "2024-06-01"),
            placement("g", "t3", "2023-04-01", "2023-05-01"),
            placement("h", "t3", "2023-05-01", "2023-06-01"),
            placement("i", "t3", "2023-06-01"),
            placement("j", "t4", "2022-01-01", "2024-01-01"),
            placement("k", "t4", "2024-01-01", "2024-01-03", kind="T1"),  # temporary: not counted
            placement("l", "t4", "2024-01-03"),
        ],
    )
    period = Period.ending("snapshot", END)
    frame = INDICATORS["cla_placement_stability_2y"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "in_numerator", "x_placements").rows() == [
        ("t1", False, 2),
        ("t2", True, 3),
        ("t4", False, 2),
    ]
    assert value("cla_placement_stability_2y", data, period) == pytest.approx(100 / 3)
    # the 12-month measure on the same children counts only the last year's placements
    assert value("cla_placement_stability_short", data, period) == pytest.approx(0.0)


def sdq(
    sid: str, person_id: str, on: str, score: int | None = None, reason: str | None = None
) -> dict[str, Any]:
    return {
        "csdq_table_id": sid,
        "csdq_person_id": person_id,
        "csdq_sdq_completed_date": D(on),
        "csdq_sdq_reason": reason,
        "csdq_sdq_score": score,
    }


def _sdq_children() -> dict[str, list[dict[str, Any]]]:
    return {
        "ssd_person": [
            person("q1", "2015-06-01"),
            person("q2", "2012-01-01"),
            person("q3", "2010-01-01"),
            person("q4", "2008-03-31"),  # 17 on the period end: too old
            person("q5", "2008-04-01"),  # 16 on the period end: in the cohort
            person("q6", "2021-04-01"),  # 3 on the period end: too young
            person("q7", "2014-01-01"),
        ],
        "ssd_cla_episodes": [
            *(episode(p, p.upper(), "2023-01-01") for p in ("q1", "q2", "q3", "q4", "q5", "q6")),
            episode("q7", "Q7", "2024-04-01"),  # looked after under 12 months: not in the cohort
        ],
    }


def test_sdq_completion_counts_children_in_care_12_months_aged_4_to_16_with_a_score_in_the_year() -> None:
    data = dataset(
        **_sdq_children(),
        ssd_sdq_scores=[
            sdq("s1", "q1", "2024-04-01", score=12),  # first day of the 12 months
            sdq("s2", "q2", "2024-03-31", score=20),  # the day before: too old
            sdq("s3", "q3", "2024-10-01", reason="SDQ2"),  # a reason instead of a score
            sdq("s4", "q4", "2024-10-01", score=18),
            sdq("s5", "q5", "2025-03-31", score=15),
            sdq("s6", "q6", "2024-10-01", score=5),
            sdq("s7", "q7", "2024-10-01", score=9),
            sdq("s8", "q1", "2025-04-01", score=30),  # after the period end
        ],
    )
    period = Period.ending("snapshot", END)
    frame = INDICATORS["cla_sdq_completed"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "in_numerator", "done_date", "x_sdq_score", "x_sdq_reason").rows() == [
        ("q1", True, D("2024-04-01"), 12, None),
        ("q2", False, None, None, None),
        ("q3", False, None, None, "SDQ2"),
        ("q5", True, D("2025-03-31"), 15, None),
    ]
    assert value("cla_sdq_completed", data, period) == pytest.approx(50.0)
    # a month later: q5 turned 17 on 1 April and left; q6 turned 4 and q7 reached 12 months in care,
    # both with a score in the year; q1's score of April 2025 replaces the one now over a year old
    later = INDICATORS["cla_sdq_completed"].rows(data, Period.ending("snapshot", D("2025-04-30")), Settings())
    assert later.sort("person_id").select("person_id", "in_numerator", "x_sdq_score").rows() == [
        ("q1", True, 30),
        ("q2", False, None),
        ("q3", False, None),
        ("q6", True, 5),
        ("q7", True, 9),
    ]


def test_sdq_average_is_the_mean_of_each_childs_latest_score_in_the_year() -> None:
    data = dataset(
        **_sdq_children(),
        ssd_sdq_scores=[
            sdq("s1", "q1", "2024-05-01", score=20),
            sdq("s2", "q1", "2025-01-10", score=10),  # latest: replaces 20
            sdq("s3", "q2", "2024-09-01", score=17),
            sdq("s4", "q2", "2025-02-01", reason="SDQ1"),  # a later reason does not replace the score
            sdq("s5", "q3", "2024-10-01", reason="SDQ4"),  # no score: left out
            sdq("s6", "q4", "2024-10-01", score=40),  # 17: left out
        ],
    )
    period = Period.ending("snapshot", END)
    frame = INDICATORS["cla_sdq_average"].rows(data, period, Settings()).sort("person_id")
    assert frame.select("person_id", "num_weight", "den_weight", "x_sdq_band").rows() == [
        ("q1", 10.0, 1.0, "normal"),
        ("q2", 17.0, 1.0, "concern"),
    ]
    out = compute(INDICATORS["cla_sdq_average"], data, period)
    assert out.select("numerator", "denominator", "value").row(0) == (27.0, 2.0, 13.5)


def test_sdq_indicators_without_any_sdq_rows() -> None:
    data = dataset(**_sdq_children())
    period = Period.ending("snapshot", END)
    assert rows("cla_sdq_completed", data, period) == [
        row(p, p.upper(), False, None, None, None) for p in ("q1", "q2", "q3", "q5")
    ]
    assert value("cla_sdq_completed", data, period) == pytest.approx(0.0)
    assert INDICATORS["cla_sdq_average"].rows(data, period, Settings()).height == 0
    assert value("cla_sdq_average", data, period) is None

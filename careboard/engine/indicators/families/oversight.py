"""Management oversight of children's cases and supervision of case-holding workers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from careboard.engine.indicators.core import Period, Settings, finish_rows, indicator_periods, open_in_periods
from careboard.engine.indicators.families.cla import (
    PERIOD_END,
    latest_by,
    looked_after_in,
    overdue_at,
    snapshot_rows,
)
from careboard.engine.store import Dataset

AREA = "Management oversight"


def open_cases(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children with an open case at the end of each period end: [person_id, period_end, case_start].

    Open: a CIN episode (referral) that did not end in no further action, a child protection plan or
    a period of care, started on or before the period end and not ended by then. case_start is the
    start of the earliest of these still open.
    """
    cin = data["ssd_cin_episodes"].filter((pl.col("cine_referral_nfa") != "Y").fill_null(True))
    starts = pl.concat(
        [
            open_in_periods(cin, "cine_referral_date", "cine_close_date", periods).select(
                "period_end", person_id="cine_person_id", case_start="cine_referral_date"
            ),
            open_in_periods(
                data["ssd_cp_plans"], "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", periods
            ).select("period_end", person_id="cppl_person_id", case_start="cppl_cp_plan_start_date"),
            looked_after_in(data, periods).select("period_end", "person_id", case_start="entered"),
        ]
    )
    return (
        starts.filter(pl.col("person_id").is_not_null())
        .group_by("person_id", "period_end")
        .agg(pl.col("case_start").min())
    )


@indicator_periods(
    id="oversight_8_weeks",
    title="Open cases with management oversight in the last 8 weeks (%)",
    area=AREA,
    definition=(
        "Children with an open case at the period end (an open CIN episode other than a referral with "
        "no further action, a child protection plan or a period of care) whose latest management "
        "oversight record (cb_management_oversight) is no more than oversight_weeks (default 8) weeks "
        "old, i.e. the next is not overdue. A case opened less than 8 weeks ago with no oversight "
        "yet is not overdue; oversight recorded before the case opened does not count. done_date is "
        "the latest oversight."
    ),
    numerator="Open cases whose management oversight is not overdue",
    denominator="Children with an open CIN, CP or CLA case at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="Local practice standard (council setting), as set in improvement plans",
    timescale_ref=None,
    national_ref=None,
    lower=60.0,
    upper=95.0,
)
def oversight(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    notes = data["cb_management_oversight"].select(person_id="mano_person_id", date="mano_oversight_date")
    cases = latest_by(open_cases(data, periods), notes, "done_date")
    basis = pl.max_horizontal("case_start", "done_date")
    rows = cases.select(
        "person_id",
        "period_end",
        due_date=basis + timedelta(weeks=settings.oversight_weeks),
        done_date="done_date",
        x_case_start="case_start",
    )
    return snapshot_rows(data, rows)


def staff_in_post(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Staff records in post at the end of each period end (started on or before, not left by then),
    with period_end."""
    return open_in_periods(data["cb_staff"], "staf_start_date", "staf_leaving_date", periods).drop(
        "period_start"
    )


@indicator_periods(
    id="supervision_in_time",
    title="Case-holding workers supervised in timescale (%)",
    area=AREA,
    definition=(
        "Case-holding workers in post at the period end (cb_staff records with staf_case_holder 'Y', "
        "agency included) whose latest supervision session (cb_supervision) is no more than "
        "supervision_weeks (default 6) weeks old; a worker who started less than that ago with no "
        "session yet is not overdue. One row per staff record; done_date is the latest session."
    ),
    numerator="Case-holding workers whose supervision is not overdue",
    denominator="Case-holding workers in post at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "Local supervision policy (council setting); Social Work England / KSS expectation of "
        "regular supervision"
    ),
    timescale_ref=None,
    national_ref=None,
    lower=70.0,
    upper=95.0,
    child_level=False,
)
def supervision(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    sessions = data["cb_supervision"].select(worker_id="supe_professional_id", date="supe_supervision_date")
    workers = (
        staff_in_post(data, periods)
        .filter(pl.col("staf_case_holder") == "Y")
        .select(
            "period_end",
            person_id="staf_staff_id",
            item_id="staf_record_id",
            team_id="staf_team_id",
            worker_id="staf_professional_id",
            start="staf_start_date",
        )
        .pipe(latest_by, sessions, "done_date", key="worker_id")
    )
    due = pl.max_horizontal("start", "done_date") + timedelta(weeks=settings.supervision_weeks)
    rows = workers.with_columns(
        due_date=due, in_numerator=due >= PERIOD_END, days_overdue=overdue_at(due)
    ).drop("start")
    return finish_rows(rows)

"""Management oversight of children's cases and supervision of case-holding workers."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from careboard.engine.indicators.core import Period, Settings, finish_rows, indicator
from careboard.engine.indicators.families.cla import looked_after_at, overdue_at, snapshot_rows
from careboard.engine.store import Dataset

AREA = "Management oversight"


def open_cases(data: Dataset, on: date) -> pl.DataFrame:
    """Children with an open case at the end of ``on``: [person_id, case_start].

    Open: a CIN episode (referral) that did not end in no further action, a child protection plan or
    a period of care, started on or before ``on`` and not ended by then. case_start is the start of
    the earliest of these still open.
    """
    cin = data["ssd_cin_episodes"].filter(
        (pl.col("cine_referral_nfa") != "Y").fill_null(True)
        & (pl.col("cine_referral_date") <= on)
        & (pl.col("cine_close_date").is_null() | (pl.col("cine_close_date") > on))
    )
    cp = data["ssd_cp_plans"].filter(
        (pl.col("cppl_cp_plan_start_date") <= on)
        & (pl.col("cppl_cp_plan_end_date").is_null() | (pl.col("cppl_cp_plan_end_date") > on))
    )
    starts = pl.concat(
        [
            cin.select(person_id="cine_person_id", case_start="cine_referral_date"),
            cp.select(person_id="cppl_person_id", case_start="cppl_cp_plan_start_date"),
            looked_after_at(data, on).select("person_id", case_start="entered"),
        ]
    )
    return (
        starts.filter(pl.col("person_id").is_not_null())
        .group_by("person_id")
        .agg(pl.col("case_start").min())
        .sort("person_id")
    )


@indicator(
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
def oversight(data: Dataset, period: Period, settings: Settings) -> pl.DataFrame:
    latest = (
        data["cb_management_oversight"]
        .filter(pl.col("mano_oversight_date").is_not_null() & (pl.col("mano_oversight_date") <= period.end))
        .group_by(pl.col("mano_person_id").alias("person_id"))
        .agg(done_date=pl.col("mano_oversight_date").max())
    )
    cases = open_cases(data, period.end).join(latest, on="person_id", how="left")
    basis = pl.max_horizontal("case_start", "done_date")
    rows = cases.select(
        "person_id",
        due_date=basis + timedelta(weeks=settings.oversight_weeks),
        done_date="done_date",
        x_case_start="case_start",
    )
    return snapshot_rows(data, rows, period)


def staff_in_post(data: Dataset, on: date) -> pl.DataFrame:
    """Staff records in post at the end of ``on`` (started on or before, not left by then)."""
    return data["cb_staff"].filter(
        (pl.col("staf_start_date") <= on)
        & (pl.col("staf_leaving_date").is_null() | (pl.col("staf_leaving_date") > on))
    )


@indicator(
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
def supervision(data: Dataset, period: Period, settings: Settings) -> pl.DataFrame:
    sessions = (
        data["cb_supervision"]
        .filter(
            pl.col("supe_supervision_date").is_not_null() & (pl.col("supe_supervision_date") <= period.end)
        )
        .group_by(pl.col("supe_professional_id").alias("worker_id"))
        .agg(done_date=pl.col("supe_supervision_date").max())
    )
    workers = (
        staff_in_post(data, period.end)
        .filter(pl.col("staf_case_holder") == "Y")
        .select(
            person_id="staf_staff_id",
            item_id="staf_record_id",
            team_id="staf_team_id",
            worker_id="staf_professional_id",
            start="staf_start_date",
        )
        .join(sessions, on="worker_id", how="left")
    )
    basis = pl.max_horizontal("start", "done_date")
    rows = workers.with_columns(
        due_date=basis + timedelta(weeks=settings.supervision_weeks),
        in_numerator=(basis + timedelta(weeks=settings.supervision_weeks) >= period.end),
        days_overdue=overdue_at(basis + timedelta(weeks=settings.supervision_weeks), period.end),
    ).drop("start")
    return finish_rows(rows)

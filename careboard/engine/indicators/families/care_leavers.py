"""Care leavers: pathway plans, keeping in touch, accommodation and education/employment/training.

ssd_care_leavers is a history: one row per contact with the young person giving their state at that
contact. Every measure reads the latest row on or before the period end for each young person.

The cohort is the young people whose latest row shows them eligible, relevant or former relevant
(903 ELIG, RELV, FRLV; qualifying care leavers are not owed these duties), who have not died, and
who are aged care_leaver_min_age to care_leaver_max_age at the period end: by default 19 to 21,
the DfE's published cohort for in touch, accommodation and activity (the DfE takes each young
person's state around their birthday; careboard takes the latest contact). Pathway plan measures
start at pathway_plan_min_age (default 16), as plans are owed from 16.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.calendar import add_months_expr
from careboard.engine.indicators.core import (
    Period,
    Settings,
    finish_rows,
    indicator_periods,
    periods_frame,
    with_allocation,
)
from careboard.engine.indicators.families.cla import (
    PERIOD_END,
    age_expr,
    overdue_at,
    people,
    snapshot_rows,
)
from careboard.engine.store import Dataset

AREA = "Care leavers"
CARE_LEAVER_STATUSES = ("ELIG", "RELV", "FRLV")
EET_ACTIVITIES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
_NEEDS_ASSESSMENT_MONTHS = 3  # pathway plan after the needs assessment, within 3 months of 16


def latest_state(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Each young person's latest care-leaver row on or before each period end, with plan dates.

    plan_date and review_date are the latest recorded on any row up to that one (a contact row may
    not repeat them); dob and age (at the period end) come from ssd_person.
    """
    history = (
        data["ssd_care_leavers"]
        .filter(
            pl.col("clea_person_id").is_not_null() & pl.col("clea_care_leaver_latest_contact").is_not_null()
        )
        .rename({"clea_person_id": "person_id"})
        .sort("person_id", "clea_care_leaver_latest_contact", "clea_table_id")
        .with_columns(
            # the latest so far: cum_max leaves a row without a date null, so carry it forward
            plan_date=pl.col("clea_pathway_plan_date").cum_max().forward_fill().over("person_id"),
            review_date=pl.col("clea_pathway_plan_review_date").cum_max().forward_fill().over("person_id"),
        )
        .sort("clea_care_leaver_latest_contact")
    )
    young_people = history.select("person_id").unique().join(periods_frame(periods), how="cross")
    latest = young_people.sort("period_end").join_asof(
        history,
        left_on="period_end",
        right_on="clea_care_leaver_latest_contact",
        by="person_id",
        strategy="backward",
        check_sortedness=False,
    )
    # a plan or review dated after the period end (after its contact) was not known then
    known = [pl.when(pl.col(c) <= PERIOD_END).then(pl.col(c)).alias(c) for c in ("plan_date", "review_date")]
    return (
        latest.filter(pl.col("clea_table_id").is_not_null())
        .drop("period_start")
        .with_columns(known)
        .join(people(data), on="person_id", how="left")
        .with_columns(age=age_expr(pl.col("dob"), PERIOD_END))
    )


def _cohort(data: Dataset, periods: Sequence[Period], min_age: int, max_age: int) -> pl.DataFrame:
    return latest_state(data, periods).filter(
        pl.col("clea_care_leaver_eligibility").is_in(CARE_LEAVER_STATUSES)
        & (pl.col("clea_care_leaver_in_touch") != "DIED").fill_null(True)
        & pl.col("age").is_between(min_age, max_age)
    )


def _allocated(data: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """Add team_id and worker_id: who holds the young person.

    The allocation (involvements) at the period end; else, for a young person no longer allocated
    (the service ends at 21), the one at their latest contact; else the adviser on the record.
    """
    allocated = with_allocation(data, with_allocation(data, rows, "period_end"), "x_last_contact")
    return allocated.with_columns(
        team_id=pl.coalesce("team_id", "x_team"), worker_id=pl.coalesce("worker_id", "x_worker")
    ).drop("x_team", "x_worker")


def _state_rows(
    data: Dataset, periods: Sequence[Period], settings: Settings, numerator: pl.Expr
) -> pl.DataFrame:
    cohort = _cohort(data, periods, settings.care_leaver_min_age, settings.care_leaver_max_age)
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="clea_table_id",
        in_numerator=numerator.fill_null(False),
        done_date="clea_care_leaver_latest_contact",
        x_team="clea_care_leaver_allocated_team",
        x_worker="clea_care_leaver_worker_id",
        x_last_contact="clea_care_leaver_latest_contact",
        x_in_touch="clea_care_leaver_in_touch",
        x_accommodation="clea_care_leaver_accommodation",
        x_activity="clea_care_leaver_activity",
    )
    return finish_rows(_allocated(data, rows))


@indicator_periods(
    id="care_leavers_in_touch",
    title="Care leavers in touch (%)",
    area="Care leavers",
    definition=(
        "Care leavers in the cohort (see the family notes: default aged 19-21 at the period end) "
        "whose latest contact record on or before the period end says the council is in touch (903 "
        "IN_TOUCH 'YES'). Not in touch, refused contact, no longer requiring services and returned "
        "home all count in the denominator, as in the DfE figures. done_date is the latest contact."
    ),
    numerator="Care leavers in the cohort in touch at their latest contact",
    denominator="Care leavers in the cohort",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref="TS26",
    national_ref="CLA11",
    lower=85.0,
    upper=95.0,
)
def in_touch(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return _state_rows(data, periods, settings, pl.col("clea_care_leaver_in_touch") == "YES")


@indicator_periods(
    id="care_leavers_suitable_accommodation",
    title="Care leavers in suitable accommodation (%)",
    area=AREA,
    definition=(
        "Care leavers in the cohort (default aged 19-21 at the period end) whose latest contact "
        "record on or before the period end has their accommodation as suitable ('1'; where the "
        "suitability is blank, a 903 accommodation code ending in 1). Those not in touch or with no "
        "information count in the denominator, as in the DfE figures."
    ),
    numerator="Care leavers in the cohort in suitable accommodation",
    denominator="Care leavers in the cohort",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA09",
    lower=85.0,
    upper=92.0,
)
def suitable_accommodation(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    suitable = pl.coalesce(
        pl.col("clea_care_leaver_accom_suitable") == "1",
        pl.col("clea_care_leaver_accommodation").str.ends_with("1"),
    )
    return _state_rows(data, periods, settings, suitable)


@indicator_periods(
    id="care_leavers_eet",
    title="Care leavers in education, employment or training (%)",
    area=AREA,
    definition=(
        "Care leavers in the cohort (default aged 19-21 at the period end) whose latest contact "
        "record on or before the period end has an activity in education, employment or training "
        "(903 ACTIV F1, P1, F2, P2, F4, P4, F5, P5). Those not in touch or with no information count "
        "in the denominator, as in the DfE figures."
    ),
    numerator="Care leavers in the cohort in education, employment or training",
    denominator="Care leavers in the cohort",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA10",
    lower=50.0,
    upper=60.0,
)
def eet(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return _state_rows(data, periods, settings, pl.col("clea_care_leaver_activity").is_in(EET_ACTIVITIES))


@indicator_periods(
    id="care_leavers_pathway_plan",
    title="Care leavers with a pathway plan (%)",
    area=AREA,
    definition=(
        "Eligible, relevant and former relevant young people aged pathway_plan_min_age (default 16) "
        "to care_leaver_max_age (default 21) at the period end who have a pathway plan (a pathway plan "
        "date on any of their records up to the period end). Without one, a plan is due 3 months "
        "after their 16th birthday (needs assessment then plan). done_date is the plan date."
    ),
    numerator="Young people in the cohort with a pathway plan",
    denominator="Eligible, relevant and former relevant young people aged 16-21",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "Care Planning, Placement and Case Review (England) Regulations 2010 regs 40-43; Care "
        "Leavers (England) Regulations 2010"
    ),
    timescale_ref="TS23",
    national_ref=None,
    lower=85.0,
    upper=95.0,
)
def pathway_plan(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cohort = _cohort(data, periods, settings.pathway_plan_min_age, settings.care_leaver_max_age)
    has_plan = pl.col("plan_date").is_not_null()
    due = pl.when(~has_plan).then(add_months_expr(pl.col("dob"), 12 * 16 + _NEEDS_ASSESSMENT_MONTHS))
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="person_id",
        in_numerator=has_plan,
        due_date=due,
        done_date="plan_date",
        x_team="clea_care_leaver_allocated_team",
        x_worker="clea_care_leaver_worker_id",
        x_last_contact="clea_care_leaver_latest_contact",
    ).with_columns(days_overdue=overdue_at(pl.col("due_date")))
    return finish_rows(_allocated(data, rows))


@indicator_periods(
    id="care_leavers_pathway_plan_reviewed",
    title="Pathway plans reviewed within 6 months (%)",
    area=AREA,
    definition=(
        "Young people aged pathway_plan_min_age (default 16) to care_leaver_max_age (default 21) with a "
        "pathway plan whose latest review (or the plan itself, if never reviewed) is within "
        "pathway_plan_review_months (default 6) months of the period end, i.e. the next review is not "
        "overdue. done_date is the latest review or plan date."
    ),
    numerator="Pathway plans reviewed within the last 6 months",
    denominator="Young people in the cohort with a pathway plan",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "Care Leavers (England) Regulations 2010 reg 7: reviewed at intervals of not more than 6 months"
    ),
    timescale_ref="TS24",
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def pathway_plan_reviewed(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cohort = _cohort(data, periods, settings.pathway_plan_min_age, settings.care_leaver_max_age).filter(
        pl.col("plan_date").is_not_null()
    )
    last = pl.max_horizontal("plan_date", "review_date")
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="person_id",
        due_date=add_months_expr(last, settings.pathway_plan_review_months),
        done_date=last,
        x_team="clea_care_leaver_allocated_team",
        x_worker="clea_care_leaver_worker_id",
        x_last_contact="clea_care_leaver_latest_contact",
    )
    return snapshot_rows(data, _allocated(data, rows))

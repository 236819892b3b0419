"""Assessment: child and family assessments authorised within 45 working days."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.calendar import add_working_days_expr, working_days_between_expr
from careboard.engine.indicators.core import (
    Period,
    Settings,
    days_overdue_expr,
    finish_rows,
    in_periods,
    indicator_periods,
)
from careboard.engine.store import Dataset


@indicator_periods(
    id="assessments_45wd",
    title="Assessments authorised within 45 working days",
    area="Assessment",
    definition=(
        "Child and family assessments authorised (completed) in the period, counted on completion, "
        "whose duration from the referral date to the authorisation date was 45 working days or "
        "fewer (weekends and England and Wales bank holidays excluded). Where the referral cannot be "
        "found the assessment start date is used. An authorisation dated before its start is an "
        "invalid duration and left out of the denominator."
    ),
    numerator="Assessments authorised in the period within 45 working days of the referral",
    denominator="Assessments authorised in the period with a valid duration",
    unit="percent",
    polarity="higher_is_better",
    period_kind="month",
    timescale=(
        "Working Together to Safeguard Children 2023: the maximum timeframe for an assessment to "
        "conclude is 45 working days from the point of referral."
    ),
    timescale_ref="TS02",
    national_ref="CIN05",
    lower=80.0,
    upper=90.0,
)
def assessments_45wd(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    assessments = in_periods(data["ssd_cin_assessments"], "cina_assessment_auth_date", periods)
    referrals = data["ssd_cin_episodes"].select(
        cina_referral_id=pl.col("cine_referral_id"), referral_date=pl.col("cine_referral_date")
    )
    joined = assessments.join(referrals.unique("cina_referral_id"), on="cina_referral_id", how="left")
    start = pl.coalesce(pl.col("referral_date"), pl.col("cina_assessment_start_date"))
    done = pl.col("cina_assessment_auth_date")
    working_days = working_days_between_expr(start, done)
    due = add_working_days_expr(start, settings.assessment_working_days)
    valid = (working_days >= 0).fill_null(False)
    return finish_rows(
        joined.select(
            "period_end",
            person_id=pl.col("cina_person_id"),
            item_id=pl.col("cina_assessment_id"),
            team_id=pl.col("cina_assessment_team"),
            worker_id=pl.col("cina_assessment_worker_id"),
            in_denominator=valid,
            in_numerator=valid & (working_days <= settings.assessment_working_days).fill_null(False),
            due_date=due,
            done_date=done,
            days_overdue=days_overdue_expr(due, done, pl.col("period_end")),
            x_working_days=working_days,
            x_data_problem=pl.when(start.is_null())
            .then(pl.lit("no referral or assessment start date"))
            .when(~valid)
            .then(pl.lit("authorised before the referral")),
            x_measured_from=pl.when(pl.col("referral_date").is_not_null())
            .then(pl.lit("referral"))
            .when(pl.col("cina_assessment_start_date").is_not_null())
            .then(pl.lit("assessment start")),
        )
    )

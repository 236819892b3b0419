"""Children in need: plans, plan reviews, visits and the rate of children in need.

Snapshot measures read the case as it stood at the end of the period end day: reviews and visits
dated after it have not happened yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.calendar import add_months_expr, add_working_days_expr
from careboard.engine.indicators.cohorts import cin_open_in, cla_open_in, cp_open_in, excluding
from careboard.engine.indicators.core import (
    Period,
    Settings,
    days_overdue_expr,
    finish_rows,
    indicator_periods,
    latest_on_or_before,
    open_in_periods,
    with_allocation,
)
from careboard.engine.store import Dataset

END = pl.col("period_end")


def _cin_only(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children open as children in need at each period end, neither on a CP plan nor in care."""
    return excluding(cin_open_in(data, periods), cp_open_in(data, periods), cla_open_in(data, periods))


def _open_plans(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """CIN plans open at each period end, one per child (the latest started)."""
    plans = data["ssd_cin_plans"].filter(pl.col("cinp_person_id").is_not_null())
    return (
        open_in_periods(plans, "cinp_cin_plan_start_date", "cinp_cin_plan_end_date", periods)
        .sort("cinp_cin_plan_start_date", "cinp_cin_plan_id")
        .group_by("cinp_person_id", "period_end", maintain_order=True)
        .last()
        .rename({"cinp_person_id": "person_id"})
    )


def _not_overdue_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows judged on whether the next review or visit is overdue at the period end.

    The team and worker are the child's allocation at the period end, else the plan's own.
    """
    return finish_rows(
        rows.with_columns(
            team_id=pl.coalesce("team_id", "plan_team"),
            worker_id=pl.coalesce("worker_id", "plan_worker"),
            in_denominator=pl.lit(True),
            in_numerator=pl.col("due_date") >= END,
            days_overdue=days_overdue_expr(pl.col("due_date"), pl.lit(None), END),
        ).drop("plan_team", "plan_worker")
    )


@indicator_periods(
    id="cin_with_plan",
    title="Children in need with a CIN plan",
    area="Children in need",
    definition=(
        "Children open as children in need at the period end (not on a child protection plan and not "
        "looked after) whose assessment for the current referral has been authorised without a "
        "no-further-action outcome, and who have an open child in need plan."
    ),
    numerator="Those children with a CIN plan open at the period end",
    denominator=(
        "Children open as CIN at the period end, not CP or CLA, with an authorised assessment "
        "(not NFA) since the referral"
    ),
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "Working Together to Safeguard Children 2023: where an assessment finds a child in need, a "
        "child in need plan sets out the help to be provided."
    ),
    timescale_ref=None,
    national_ref=None,
    lower=85.0,
    upper=95.0,
)
def cin_with_plan(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    children = _cin_only(data, periods)
    assessments = (
        data["ssd_cin_assessments"]
        .select(
            person_id=pl.col("cina_person_id"),
            auth_date=pl.col("cina_assessment_auth_date"),
            nfa=(pl.col("cina_assessment_outcome_nfa") == "Y").fill_null(False),
            assessment_id=pl.col("cina_assessment_id"),
        )
        .sort("auth_date", "assessment_id")
    )
    # the latest assessment authorised by the period end, if it belongs to the current referral
    latest = latest_on_or_before(
        children, assessments, by="person_id", on="period_end", right_on="auth_date"
    ).filter((pl.col("auth_date") >= pl.col("referral_date")) & ~pl.col("nfa"))
    plans = _open_plans(data, periods).select(
        "person_id",
        "period_end",
        plan_start=pl.col("cinp_cin_plan_start_date"),
        plan_id=pl.col("cinp_cin_plan_id"),
    )
    rows = latest.join(plans, on=["person_id", "period_end"], how="left")
    rows = with_allocation(data, rows, "period_end")
    has_plan = pl.col("plan_id").is_not_null()
    return finish_rows(
        rows.select(
            "period_end",
            "person_id",
            "team_id",
            "worker_id",
            item_id=pl.col("referral_id"),
            in_denominator=pl.lit(True),
            in_numerator=has_plan,
            due_date=pl.col("auth_date"),
            done_date=pl.col("plan_start"),
            days_overdue=pl.when(~has_plan).then(days_overdue_expr(pl.col("auth_date"), pl.lit(None), END)),
        )
    )


@indicator_periods(
    id="cin_plan_reviews_6m",
    title="CIN plans reviewed within 6 months",
    area="Children in need",
    definition=(
        "Child in need plans open at the period end that have been open for at least 6 months (the "
        "CIN plan review months setting), whose latest review (or, with none, the plan's start) is "
        "no more than 6 calendar months before the period end."
    ),
    numerator="Those plans reviewed within the last 6 months",
    denominator="CIN plans open at the period end and open for at least 6 months",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "Working Together to Safeguard Children 2023: child in need plans are reviewed regularly; "
        "6 months is the council's standard (a setting)."
    ),
    timescale_ref=None,
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cin_plan_reviews_6m(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    months = settings.cin_plan_review_months
    plans = open_in_periods(
        data["ssd_cin_plans"], "cinp_cin_plan_start_date", "cinp_cin_plan_end_date", periods
    ).filter(pl.col("cinp_cin_plan_start_date") <= add_months_expr(END, -months))
    reviews = data["cb_cin_plan_reviews"].select(
        cinp_cin_plan_id=pl.col("cinr_cin_plan_id"), review=pl.col("cinr_review_date")
    )
    rows = latest_on_or_before(
        plans, reviews, by="cinp_cin_plan_id", on="period_end", right_on="review"
    ).with_columns(
        last_review=pl.when(pl.col("review") >= pl.col("cinp_cin_plan_start_date")).then(pl.col("review"))
    )
    due = add_months_expr(pl.coalesce("last_review", "cinp_cin_plan_start_date"), months)
    rows = with_allocation(
        data,
        rows.select(
            "period_end",
            person_id=pl.col("cinp_person_id"),
            item_id=pl.col("cinp_cin_plan_id"),
            plan_team=pl.col("cinp_cin_plan_team"),
            plan_worker=pl.col("cinp_cin_plan_worker_id"),
            due_date=due,
            done_date=pl.col("last_review"),
        ),
        "period_end",
    )
    return _not_overdue_rows(rows)


@indicator_periods(
    id="cin_visits_in_time",
    title="Children on a CIN plan visited in timescale",
    area="Children in need",
    definition=(
        "Children on an open child in need plan at the period end (not on a CP plan and not looked "
        "after) whose latest visit where they were seen (or, with none, the plan's start) is no more "
        "than 20 working days (the CIN visit working days setting) before the period end."
    ),
    numerator="Those children not overdue a visit at the period end",
    denominator="Children on an open CIN plan at the period end, not CP or CLA",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "No national frequency: visits are set in the child in need plan; the council's standard is "
        "a setting (default every 20 working days)."
    ),
    timescale_ref=None,
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cin_visits_in_time(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    plans = excluding(_open_plans(data, periods), cp_open_in(data, periods), cla_open_in(data, periods))
    visits = data["ssd_cin_visits"].filter((pl.col("cinv_cin_visit_seen") != "N").fill_null(True))
    rows = latest_on_or_before(
        plans,
        visits.select(person_id="cinv_person_id", visit="cinv_cin_visit_date"),
        by="person_id",
        on="period_end",
        right_on="visit",
    ).with_columns(
        last_visit=pl.when(pl.col("visit") >= pl.col("cinp_cin_plan_start_date")).then(pl.col("visit"))
    )
    due = add_working_days_expr(
        pl.coalesce("last_visit", "cinp_cin_plan_start_date"), settings.cin_visit_working_days
    )
    rows = with_allocation(
        data,
        rows.select(
            "period_end",
            "person_id",
            item_id=pl.col("cinp_cin_plan_id"),
            plan_team=pl.col("cinp_cin_plan_team"),
            plan_worker=pl.col("cinp_cin_plan_worker_id"),
            due_date=due,
            done_date=pl.col("last_visit"),
        ),
        "period_end",
    )
    return _not_overdue_rows(rows)


@indicator_periods(
    id="cin_rate",
    title="Children in need per 10,000 children",
    area="Children in need",
    definition=(
        "Children in need at the period end per 10,000 children aged 0-17: every child with an open "
        "CIN episode, child protection plan or period of care (each child once), as the CIN census "
        "counts children in need at 31 March."
    ),
    numerator="Children in need at the period end",
    denominator="Population aged 0-17 / 10,000",
    unit="rate_per_10k",
    polarity="context",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CIN06",
    lower=None,
    upper=None,
)
def cin_rate(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    people = pl.concat(
        [
            cin_open_in(data, periods).select("person_id", "period_end"),
            cp_open_in(data, periods).select("person_id", "period_end"),
            cla_open_in(data, periods).select("person_id", "period_end"),
        ]
    ).unique()
    rows = with_allocation(data, people.sort("period_end", "person_id"), "period_end")
    return finish_rows(rows.with_columns(in_denominator=pl.lit(True), in_numerator=pl.lit(True)))

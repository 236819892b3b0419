"""Child protection: s47 enquiries, initial conferences, plans, reviews and visits."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.calendar import add_months_expr, add_working_days_expr, working_days_between_expr
from careboard.engine.indicators.cohorts import cp_open_in
from careboard.engine.indicators.core import (
    FAR_FUTURE,
    Period,
    Settings,
    days_overdue_expr,
    finish_rows,
    for_each_period,
    in_periods,
    indicator_periods,
    latest_on_or_before,
    with_allocation,
)
from careboard.engine.store import Dataset

END = pl.col("period_end")


@indicator_periods(
    id="s47_rate",
    title="Section 47 enquiries per 10,000 children",
    area="Child protection",
    definition=(
        "Section 47 enquiries started in the 12 months to the period end, every enquiry counted, per "
        "10,000 children aged 0-17."
    ),
    numerator="S47 enquiries started in the 12 months",
    denominator="Population aged 0-17 / 10,000",
    unit="rate_per_10k",
    polarity="context",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="CIN07",
    lower=None,
    upper=None,
)
def s47_rate(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    s47 = in_periods(data["ssd_s47_enquiry"], "s47e_s47_start_date", periods)
    rows = with_allocation(
        data,
        s47.select(
            "period_end",
            person_id=pl.col("s47e_person_id"),
            item_id=pl.col("s47e_s47_enquiry_id"),
            team_id=pl.col("s47e_s47_completed_by_team"),
            worker_id=pl.col("s47e_s47_completed_by_worker_id"),
            done_date=pl.col("s47e_s47_start_date"),
        ),
        "done_date",
    )
    return finish_rows(rows.with_columns(in_denominator=pl.lit(True), in_numerator=pl.lit(True)))


@indicator_periods(
    id="icpc_15wd",
    title="Initial child protection conferences within 15 working days",
    area="Child protection",
    definition=(
        "Initial child protection conferences held in the period, excluding transfer-in conferences, "
        "held within 15 working days of the start of the section 47 enquiry (the strategy discussion "
        "that initiated it). As the DfE does, conferences without a valid duration (no linked "
        "enquiry, or dated before the enquiry started) are left out of the denominator."
    ),
    numerator="ICPCs in the period within 15 working days of the s47 start",
    denominator="ICPCs in the period (not transfer-in) with a valid duration",
    unit="percent",
    polarity="higher_is_better",
    period_kind="month",
    timescale=(
        "Working Together to Safeguard Children 2023: the initial child protection conference takes "
        "place within 15 working days of the strategy discussion."
    ),
    timescale_ref="TS04",
    national_ref="CIN08",
    lower=75.0,
    upper=90.0,
)
def icpc_15wd(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    icpc = in_periods(
        data["ssd_initial_cp_conference"].filter((pl.col("icpc_icpc_transfer_in") != "Y").fill_null(True)),
        "icpc_icpc_date",
        periods,
    )
    s47 = data["ssd_s47_enquiry"].select(
        icpc_s47_enquiry_id=pl.col("s47e_s47_enquiry_id"), s47_start=pl.col("s47e_s47_start_date")
    )
    joined = icpc.join(s47.unique("icpc_s47_enquiry_id"), on="icpc_s47_enquiry_id", how="left")
    working_days = working_days_between_expr(pl.col("s47_start"), pl.col("icpc_icpc_date"))
    due = add_working_days_expr(pl.col("s47_start"), settings.icpc_working_days)
    valid = (working_days >= 0).fill_null(False)
    rows = with_allocation(
        data,
        joined.select(
            "period_end",
            person_id=pl.col("icpc_person_id"),
            item_id=pl.col("icpc_icpc_id"),
            team_id=pl.col("icpc_icpc_team"),
            worker_id=pl.col("icpc_icpc_worker_id"),
            in_denominator=valid,
            in_numerator=valid & (working_days <= settings.icpc_working_days).fill_null(False),
            due_date=due,
            done_date=pl.col("icpc_icpc_date"),
            days_overdue=days_overdue_expr(due, pl.col("icpc_icpc_date"), END),
            x_working_days=working_days,
            x_data_problem=pl.when(pl.col("s47_start").is_null())
            .then(pl.lit("no linked s47 enquiry with a start date"))
            .when(~valid)
            .then(pl.lit("conference before the s47 enquiry started")),
        ),
        "done_date",
    )
    return finish_rows(rows)


@indicator_periods(
    id="cp_rate",
    title="Children on a child protection plan per 10,000 children",
    area="Child protection",
    definition="Children subject of a child protection plan at the period end per 10,000 children aged 0-17.",
    numerator="Children on a CP plan at the period end",
    denominator="Population aged 0-17 / 10,000",
    unit="rate_per_10k",
    polarity="context",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CIN10",
    lower=None,
    upper=None,
)
def cp_rate(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    plans = cp_open_in(data, periods)
    rows = with_allocation(data, plans.select("period_end", "person_id", item_id="plan_id"), "period_end")
    return finish_rows(rows.with_columns(in_denominator=pl.lit(True), in_numerator=pl.lit(True)))


@indicator_periods(
    id="cp_ended_2y_plus",
    title="Child protection plans ending that lasted 2 years or more",
    area="Child protection",
    definition=(
        "Child protection plans that ended in the 12 months to the period end and had lasted 2 "
        "years or more (end date on or after the second anniversary of the start)."
    ),
    numerator="Plans ending in the 12 months that lasted 2 years or more",
    denominator="Plans ending in the 12 months",
    unit="percent",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="CIN11",
    lower=5.0,
    upper=3.0,
)
def cp_ended_2y_plus(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    plans = in_periods(data["ssd_cp_plans"], "cppl_cp_plan_end_date", periods)
    start, end = pl.col("cppl_cp_plan_start_date"), pl.col("cppl_cp_plan_end_date")
    long_from = add_months_expr(start, 12 * settings.cp_long_plan_years)
    rows = with_allocation(
        data,
        plans.select(
            "period_end",
            person_id=pl.col("cppl_person_id"),
            item_id=pl.col("cppl_cp_plan_id"),
            in_denominator=start.is_not_null(),
            in_numerator=(end >= long_from).fill_null(False),
            due_date=long_from,
            done_date=end,
            x_plan_start=start,
            x_days=(end - start).dt.total_days(),
        ),
        "done_date",
    )
    return finish_rows(rows)


@indicator_periods(
    id="cp_second_plan",
    title="Child protection plans that are a second or subsequent plan",
    area="Child protection",
    definition=(
        "Child protection plans started in the 12 months to the period end for a child who had been "
        "the subject of an earlier child protection plan in this council, at any time."
    ),
    numerator="Plans started in the 12 months for a child with an earlier plan (ever)",
    denominator="Plans started in the 12 months",
    unit="percent",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="CIN12",
    lower=23.0,
    upper=18.0,
)
def cp_second_plan(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    all_plans = data["ssd_cp_plans"].filter(pl.col("cppl_cp_plan_start_date").is_not_null())
    first_start = all_plans.group_by("cppl_person_id").agg(
        first_start=pl.col("cppl_cp_plan_start_date").min()
    )
    plans = in_periods(all_plans, "cppl_cp_plan_start_date", periods).join(
        first_start, on="cppl_person_id", how="left"
    )
    rows = with_allocation(
        data,
        plans.select(
            "period_end",
            person_id=pl.col("cppl_person_id"),
            item_id=pl.col("cppl_cp_plan_id"),
            in_denominator=pl.lit(True),
            in_numerator=pl.col("first_start") < pl.col("cppl_cp_plan_start_date"),
            done_date=pl.col("cppl_cp_plan_start_date"),
            x_first_plan_start=pl.col("first_start"),
        ),
        "done_date",
    )
    return finish_rows(rows)


@indicator_periods(
    id="cp_reviews_in_time",
    title="Child protection plans reviewed in timescale",
    area="Child protection",
    definition=(
        "Children on a child protection plan at any time in the 12 months to the period end, for at "
        "least 3 months by the period end (or by the plan's end), all of whose review conferences due "
        "in those 12 months were held on time: the first within 3 months of the plan's start (the "
        "initial conference), each later one within 6 months of the previous review."
    ),
    numerator="Those plans with every review due in the 12 months held on time",
    denominator="Plans open in the 12 months and lasting at least 3 months",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "Working Together to Safeguard Children 2023: first review conference within 3 months of the "
        "initial conference, then at intervals of not more than 6 months."
    ),
    timescale_ref="TS06",
    national_ref="CIN13",
    lower=90.0,
    upper=98.0,
)
def cp_reviews_in_time(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    first, later = settings.first_cp_review_months, settings.cp_review_months
    all_plans = data["ssd_cp_plans"].select(
        plan_id=pl.col("cppl_cp_plan_id"),
        person_id=pl.col("cppl_person_id"),
        start=pl.col("cppl_cp_plan_start_date"),
        open_until=pl.col("cppl_cp_plan_end_date").fill_null(FAR_FUTURE),
    )
    # Plans open at some time in each period and lasting 3 months by the period end (or their end).
    plans = (
        for_each_period(
            all_plans.filter(pl.col("start").is_not_null()),
            periods,
            lambda p: (pl.col("start") <= p.end) & (pl.col("open_until") >= p.start),
        )
        .with_columns(limit=pl.min_horizontal("open_until", "period_end"))
        .filter(add_months_expr(pl.col("start"), first) <= pl.col("limit"))
    )
    # The review chain does not depend on the period: the first is due 3 months after the start,
    # each later one 6 months after the review before it.
    chain = (
        all_plans.join(
            data["ssd_cp_reviews"].select(plan_id="cppr_cp_plan_id", held="cppr_cp_review_date"), on="plan_id"
        )
        .filter(pl.col("held") >= pl.col("start"))
        .sort("plan_id", "held")
        .with_columns(previous=pl.col("held").shift(1).over("plan_id"))
        .with_columns(
            due=pl.when(pl.col("previous").is_null())
            .then(add_months_expr(pl.col("start"), first))
            .otherwise(add_months_expr(pl.col("previous"), later))
        )
        .select("plan_id", "held", "due")
    )
    reviews = (
        plans.select("plan_id", "period_start", "period_end", "limit")
        .join(chain, on="plan_id")
        .filter(pl.col("held") <= pl.col("limit"))
    )
    keys = ["plan_id", "period_end"]
    late = (
        reviews.filter(
            (pl.col("held") > pl.col("due")) & pl.col("due").is_between("period_start", "period_end")
        )
        .sort("due")
        .group_by(keys)
        .agg(late_due=pl.col("due").first(), late_held=pl.col("held").first())
    )
    last = reviews.group_by(keys).agg(last_held=pl.col("held").max())
    rows = (
        plans.join(late, on=keys, how="left")
        .join(last, on=keys, how="left")
        .with_columns(
            next_due=pl.when(pl.col("last_held").is_null())
            .then(add_months_expr(pl.col("start"), first))
            .otherwise(add_months_expr(pl.col("last_held"), later))
        )
        .with_columns(missed=pl.col("next_due") < pl.col("limit"))
    )
    # The first failure is the earlier of a late review due in the period and a review never held.
    pending_first = pl.col("missed") & (
        pl.col("late_due").is_null() | (pl.col("next_due") < pl.col("late_due"))
    )
    due = pl.when(pending_first).then(pl.col("next_due")).otherwise(pl.coalesce("late_due", "next_due"))
    done = pl.when(pending_first).then(pl.lit(None, pl.Date)).otherwise(pl.col("late_held"))
    rows = with_allocation(
        data,
        rows.select(
            "period_end",
            "person_id",
            item_id=pl.col("plan_id"),
            in_denominator=pl.lit(True),
            in_numerator=pl.col("late_due").is_null() & ~pl.col("missed"),
            due_date=due,
            done_date=done,
            x_last_review=pl.col("last_held"),
        ),
        "period_end",
    )
    return finish_rows(
        rows.with_columns(
            days_overdue=pl.when(~pl.col("in_numerator")).then(
                days_overdue_expr(pl.col("due_date"), pl.col("done_date"), END)
            )
        )
    )


@indicator_periods(
    id="cp_visits_in_time",
    title="Children on a child protection plan visited in timescale",
    area="Child protection",
    definition=(
        "Children on a child protection plan at the period end whose latest visit where they were "
        "seen (or, with none, the plan's start) is no more than 10 working days (the CP visit working "
        "days setting) before the period end."
    ),
    numerator="Those children not overdue a visit at the period end",
    denominator="Children on a CP plan at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "No national frequency: set in the child protection plan; councils commonly require a visit at "
        "least every 10 working days (a setting)."
    ),
    timescale_ref="TS08",
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cp_visits_in_time(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    plans = cp_open_in(data, periods)
    visits = data["ssd_cp_visits"].filter((pl.col("cppv_cp_visit_seen") != "N").fill_null(True))
    latest = latest_on_or_before(
        plans,
        visits.select(person_id="cppv_person_id", visit="cppv_cp_visit_date"),
        by="person_id",
        on="period_end",
        right_on="visit",
    ).with_columns(last_visit=pl.when(pl.col("visit") >= pl.col("plan_start")).then(pl.col("visit")))
    due = add_working_days_expr(pl.coalesce("last_visit", "plan_start"), settings.cp_visit_working_days)
    rows = with_allocation(
        data,
        latest.select(
            "period_end", "person_id", item_id=pl.col("plan_id"), due_date=due, done_date=pl.col("last_visit")
        ),
        "period_end",
    )
    return finish_rows(
        rows.with_columns(
            in_denominator=pl.lit(True),
            in_numerator=pl.col("due_date") >= END,
            days_overdue=days_overdue_expr(pl.col("due_date"), pl.lit(None), END),
        )
    )

"""Permanence: pre-proceedings and care proceedings timeliness, adoption timeliness (A10, A2).

Timeliness rows follow the convention in :mod:`careboard.engine.indicators.families.cla`: each
item is judged once, on the day it was done if on time, else the day after it fell due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from careboard.engine.calendar import add_months
from careboard.engine.indicators.core import (
    Period,
    Settings,
    cached,
    finish_rows,
    in_periods,
    indicator_periods,
    with_allocation,
)
from careboard.engine.indicators.families.cla import care_periods, timely_rows
from careboard.engine.store import Dataset

AREA = "Permanence"


@indicator_periods(
    id="plo_within_16_weeks",
    title="Pre-proceedings (PLO) concluded within 16 weeks (%)",
    area=AREA,
    definition=(
        "Pre-proceedings (Public Law Outline) episodes concluded, by step-down or a decision to issue "
        "care proceedings (prep_agree_stepdown_issue_date), within pre_proceedings_weeks (default 16) "
        "calendar weeks of the decision to enter pre-proceedings. Each episode is judged once: in "
        "the period it concluded if in time, else the day after the 16 weeks ran out (so "
        "episodes still open past 16 weeks appear as late)."
    ),
    numerator="Pre-proceedings concluded within 16 weeks",
    denominator="Pre-proceedings concluded in time in the period, or passing 16 weeks in the period",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "Public Law Working Group best practice guidance (2021) and DfJ practice guide: pre-"
        "proceedings normally up to 16 weeks"
    ),
    timescale_ref="TS29",
    national_ref=None,
    lower=60.0,
    upper=85.0,
)
def plo_16_weeks(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    key = f"permanence.plo_items.{settings.pre_proceedings_weeks}"
    return timely_rows(data, cached(data, key, lambda: _plo_items(data, settings)), periods)


def _plo_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    return (
        data["ssd_pre_proceedings"]
        .filter(pl.col("prep_pre_pro_decision_date").is_not_null())
        .select(
            person_id="prep_person_id",
            item_id="prep_table_id",
            due_date=pl.col("prep_pre_pro_decision_date") + timedelta(weeks=settings.pre_proceedings_weeks),
            done_date="prep_agree_stepdown_issue_date",
            x_entered="prep_pre_pro_decision_date",
            x_outcome="prep_pre_pro_outcome",
        )
    )


@indicator_periods(
    id="care_proceedings_26_weeks",
    title="Care proceedings concluded within 26 weeks (%)",
    area=AREA,
    definition=(
        "Care proceedings (issue date prep_care_proc_issue_date) concluded by a final order "
        "(prep_care_proc_final_order_date) within care_proceedings_weeks (default 26) weeks beginning "
        "with the day of issue (so by day 182, the issue day being day 1). Each case is judged once: "
        "in the period of the final order if in time, else the day after the 26 weeks ran out."
    ),
    numerator="Care proceedings concluded within 26 weeks",
    denominator="Care proceedings concluded in time in the period, or passing 26 weeks in the period",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "Children Act 1989 s32(1)(a)(ii) (Children and Families Act 2014 s14): within 26 weeks "
        "beginning with the day of issue"
    ),
    timescale_ref="TS27",
    national_ref=None,
    lower=30.0,
    upper=60.0,
)
def proceedings_26_weeks(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    key = f"permanence.proceedings_items.{settings.care_proceedings_weeks}"
    return timely_rows(data, cached(data, key, lambda: _proceedings_items(data, settings)), periods)


def _proceedings_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    weeks = timedelta(weeks=settings.care_proceedings_weeks) - timedelta(days=1)
    return (
        data["ssd_pre_proceedings"]
        .filter(pl.col("prep_care_proc_issue_date").is_not_null())
        .select(
            person_id="prep_person_id",
            item_id="prep_table_id",
            due_date=pl.col("prep_care_proc_issue_date") + weeks,
            done_date="prep_care_proc_final_order_date",
            x_issued="prep_care_proc_issue_date",
        )
    )


def _adoptions(data: Dataset, periods: Sequence[Period], years: int) -> pl.DataFrame:
    """Adoption orders in the ``years`` years to each period end, with the child's entry to care.

    The entry is the period of care named by perm_cla_id, else the latest period of care the
    child entered on or before the order. A row per order and period whose window holds it.
    """
    windows = [Period(p.kind, add_months(p.end, -12 * years) + timedelta(days=1), p.end) for p in periods]
    perm = data["ssd_permanence"].filter(pl.col("perm_permanence_order_type") == "ADOPTION")
    perm = in_periods(perm, "perm_permanence_order_date", windows).drop("period_start")
    care = care_periods(data)
    by_id = perm.join(care.select(perm_cla_id="cla_id", by_id="entered"), on="perm_cla_id", how="left").sort(
        "perm_permanence_order_date"
    )
    by_date = by_id.join_asof(
        care.select(perm_person_id="person_id", perm_permanence_order_date="entered", by_date="entered").sort(
            "perm_permanence_order_date"
        ),
        on="perm_permanence_order_date",
        by="perm_person_id",
        strategy="backward",
        check_sortedness=False,
    )
    return by_date.with_columns(entered=pl.coalesce("by_id", "by_date"))


def _days(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole days from ``start`` to ``end``, never negative."""
    return (end - start).dt.total_days().clip(lower_bound=0).cast(pl.Float64)


def _average_rows(data: Dataset, adoptions: pl.DataFrame, start: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    rows = adoptions.select(
        "period_end",
        person_id="perm_person_id",
        item_id="perm_table_id",
        in_denominator=start.is_not_null() & end.is_not_null(),
        in_numerator=start.is_not_null() & end.is_not_null(),
        num_weight=_days(start, end),
        done_date=end,
        x_from=start,
        x_order_date="perm_permanence_order_date",
    ).with_columns(num_weight=pl.col("num_weight").fill_null(0.0))
    return finish_rows(with_allocation(data, rows, "x_order_date"))


@indicator_periods(
    id="adoption_a10",
    title="A10: average days from entering care to moving in with the adoptive family",
    area=AREA,
    definition=(
        "For children adopted (adoption order) in the adoption_years (default 3) years to the period "
        "end: the average number of days between entering care (the period of care that ended in "
        "adoption) and moving in with the adoptive family (placed for adoption), adjusted for "
        "foster-carer adoptions: where the child was adopted by their foster carer, the date first "
        "placed with that carer is used. Children missing either date are left out. As the DfE "
        "adoption scorecard; whatever the period kind, the window is the years to the period end."
    ),
    numerator="Sum of days from entering care to moving in with the adoptive family",
    denominator="Children adopted in the window with both dates",
    unit="days",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="DfE adoption scorecard A10 (threshold 426 days)",
    timescale_ref=None,
    national_ref="ADP01",
    lower=486.0,
    upper=426.0,
)
def adoption_a10(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    adoptions = _adoptions(data, periods, settings.adoption_years)
    by_carer = (pl.col("perm_adopted_by_carer_flag") == "Y").fill_null(False)
    moved_in = (
        pl.when(by_carer)
        .then(pl.coalesce("perm_placed_foster_carer_date", "perm_placed_for_adoption_date"))
        .otherwise(pl.col("perm_placed_for_adoption_date"))
    )
    return _average_rows(data, adoptions, pl.col("entered"), moved_in)


@indicator_periods(
    id="adoption_a2",
    title="A2: average days from placement order to match with adopters",
    area=AREA,
    definition=(
        "For children adopted (adoption order) in the adoption_years (default 3) years to the period "
        "end who had a placement order: the average number of days between the placement order "
        "(court authority to place) and the match with the adoptive family (0 when matched before the "
        "order). Children with no recorded match are left out. As the DfE adoption scorecard."
    ),
    numerator="Sum of days from placement order to match",
    denominator="Children adopted in the window with a placement order and a match date",
    unit="days",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="DfE adoption scorecard A2 (threshold 121 days)",
    timescale_ref=None,
    national_ref="ADP02",
    lower=200.0,
    upper=121.0,
)
def adoption_a2(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    adoptions = _adoptions(data, periods, settings.adoption_years).filter(
        pl.col("perm_placement_order_date").is_not_null()
    )
    return _average_rows(data, adoptions, pl.col("perm_placement_order_date"), pl.col("perm_matched_date"))

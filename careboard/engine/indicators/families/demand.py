"""Demand: how many children are open to each part of the service at the period end.

The four counts do not overlap, so together they are the open caseload: children in need counts
only children neither on a child protection plan nor looked after; a child on a plan who is also
looked after counts as looked after; care leavers are young people no longer looked after.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.indicators.cohorts import (
    care_leavers_open_in,
    cin_open_in,
    cla_open_in,
    cp_open_in,
    excluding,
)
from careboard.engine.indicators.core import Period, Settings, finish_rows, indicator_periods, with_allocation
from careboard.engine.store import Dataset

_COUNT = dict(
    area="Demand",
    unit="count",
    polarity="context",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=None,
    upper=None,
    denominator="(a count: no denominator)",
)


def _count_rows(data: Dataset, people: pl.DataFrame) -> pl.DataFrame:
    rows = with_allocation(data, people.sort("period_end", "person_id"), "period_end")
    return finish_rows(rows.with_columns(in_denominator=pl.lit(True), in_numerator=pl.lit(True)))


@indicator_periods(
    id="demand_open_cin",
    title="Children in need (not CP or CLA) at the period end",
    definition=(
        "Children with an open CIN episode at the period end who are neither on a child protection "
        "plan nor looked after (those count under CP and CLA)."
    ),
    numerator="Children open as CIN only at the period end",
    **_COUNT,
)
def demand_open_cin(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cin = cin_open_in(data, periods).select("period_end", "person_id", item_id="referral_id")
    return _count_rows(data, excluding(cin, cp_open_in(data, periods), cla_open_in(data, periods)))


@indicator_periods(
    id="demand_open_cp",
    title="Children on a child protection plan (not CLA) at the period end",
    definition="Children on a child protection plan at the period end who are not looked after.",
    numerator="Children on a CP plan and not looked after at the period end",
    **_COUNT,
)
def demand_open_cp(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cp = cp_open_in(data, periods).select("period_end", "person_id", item_id="plan_id")
    return _count_rows(data, excluding(cp, cla_open_in(data, periods)))


@indicator_periods(
    id="demand_open_cla",
    title="Children looked after at the period end",
    definition="Children with an open episode of care (any legal status) at the period end.",
    numerator="Children looked after at the period end",
    **_COUNT,
)
def demand_open_cla(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cla = cla_open_in(data, periods).select("period_end", "person_id", item_id="cla_id")
    return _count_rows(data, cla)


@indicator_periods(
    id="demand_open_care_leavers",
    title="Care leavers supported at the period end",
    definition=(
        "Young people whose latest care-leaver record on or before the period end is not 'died' or "
        "'no longer requires services', who are under 25 and not looked after again."
    ),
    numerator="Care leavers supported at the period end",
    **_COUNT,
)
def demand_open_care_leavers(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    leavers = care_leavers_open_in(data, periods)
    rows = leavers.select("period_end", "person_id", "team_id", "worker_id", done_date="latest_contact")
    return _count_rows(data, rows)

"""Workforce: turnover, leavers, permanent and agency staff, vacancies and caseloads.

Rows are staff records (cb_staff: one row per spell in a post) or funded posts, not children
(child_level=False); person_id is the staff id. Definitions follow the DfE children's social work
workforce census, which takes a snapshot at 30 September and a year to 30 September; careboard
computes them at any period end. A record is in post at the end of a day when it started on or
before that day and its leaving date, if any, is after it: a worker whose leaving date is the
period end is a leaver, not in post. Leavers are records ending for any reason except an internal move (MOVE)
or conversion from agency to permanent (CONV), so moves between teams do not count as turnover.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.indicators.core import (
    Period,
    Settings,
    finish_rows,
    in_periods,
    indicator_periods,
    open_in_periods,
)
from careboard.engine.indicators.families.oversight import staff_in_post
from careboard.engine.store import Dataset

AREA = "Workforce"
NOT_LEAVING_REASONS = ("MOVE", "CONV")


def _staff_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        "period_end",
        person_id="staf_staff_id",
        item_id="staf_record_id",
        team_id="staf_team_id",
        worker_id="staf_professional_id",
        fte=pl.col("staf_fte").fill_null(0.0),
        agency=(pl.col("staf_agency") == "Y").fill_null(False),
        start="staf_start_date",
        leaving="staf_leaving_date",
    )


def leavers(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Directly employed staff records that left in the 12 months to each period end."""
    years = [Period.ending("rolling12", p.end) for p in periods]
    left = data["cb_staff"].filter(
        (pl.col("staf_agency") != "Y").fill_null(True)
        & ~pl.col("staf_leaving_reason").is_in(NOT_LEAVING_REASONS).fill_null(False)
    )
    return _staff_rows(in_periods(left, "staf_leaving_date", years))


def _in_post(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    return _staff_rows(staff_in_post(data, periods))


@indicator_periods(
    id="workforce_turnover",
    title="Social worker turnover rate, rolling 12 months (%)",
    area=AREA,
    definition=(
        "FTE of directly employed (not agency) social workers who left the council in the 12 months to "
        "the period end, as a percentage of the FTE of directly employed social workers in post at the "
        "period end (the DfE workforce census method). Internal moves and agency-to-permanent "
        "conversions are not leavers. By team, each leaver counts against the team they left."
    ),
    numerator="FTE of directly employed social workers leaving in the 12 months",
    denominator="FTE of directly employed social workers in post at the period end",
    unit="percent",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="WF01",
    lower=23.0,
    upper=17.0,
    child_level=False,
)
def turnover(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    gone = leavers(data, periods).with_columns(
        in_numerator=pl.lit(True), num_weight="fte", den_weight=pl.lit(0.0), done_date="leaving"
    )
    staying = (
        _in_post(data, periods)
        .filter(~pl.col("agency"))
        .with_columns(in_numerator=pl.lit(False), num_weight=pl.lit(0.0), den_weight="fte")
    )
    frame = pl.concat([gone, staying], how="diagonal_relaxed")
    return finish_rows(frame.drop("fte", "agency", "start", "leaving"))


@indicator_periods(
    id="workforce_leavers",
    title="Social workers leaving, rolling 12 months (number)",
    area=AREA,
    definition=(
        "Number of directly employed (not agency) social worker records ending with the worker "
        "leaving the council in the 12 months to the period end (headcount; internal moves and "
        "agency-to-permanent conversions excluded). x_fte gives each leaver's FTE."
    ),
    numerator="Directly employed social workers leaving in the 12 months",
    denominator="(count)",
    unit="count",
    polarity="context",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=None,
    upper=None,
    child_level=False,
)
def leaver_count(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    rows = leavers(data, periods).select(
        "period_end",
        "person_id",
        "item_id",
        "team_id",
        "worker_id",
        in_numerator=pl.lit(True),
        done_date="leaving",
        x_fte="fte",
    )
    return finish_rows(rows)


def _share_rows(data: Dataset, periods: Sequence[Period], counted: pl.Expr) -> pl.DataFrame:
    staff = _in_post(data, periods)
    rows = staff.with_columns(in_numerator=counted, num_weight="fte", den_weight="fte", x_agency="agency")
    return finish_rows(rows.drop("fte", "agency", "start", "leaving"))


@indicator_periods(
    id="workforce_permanent",
    title="Social workers who are permanent (% of FTE)",
    area=AREA,
    definition=(
        "FTE of directly employed (permanent, not agency) social workers in post at the period end as "
        "a percentage of all social worker FTE in post, agency included."
    ),
    numerator="FTE of directly employed social workers in post",
    denominator="FTE of all social workers in post, agency included",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=80.0,
    upper=90.0,
    child_level=False,
)
def permanent(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return _share_rows(data, periods, ~pl.col("agency"))


@indicator_periods(
    id="workforce_agency",
    title="Agency social worker rate (% of FTE)",
    area=AREA,
    definition=(
        "FTE of agency social workers in post at the period end as a percentage of agency plus directly "
        "employed social worker FTE in post (the DfE workforce census agency rate)."
    ),
    numerator="FTE of agency social workers in post",
    denominator="FTE of agency and directly employed social workers in post",
    unit="percent",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="WF02",
    lower=20.0,
    upper=13.0,
    child_level=False,
)
def agency(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return _share_rows(data, periods, pl.col("agency"))


@indicator_periods(
    id="workforce_vacancy",
    title="Social worker vacancy rate (% of FTE)",
    area=AREA,
    definition=(
        "Vacant funded FTE at the period end as a percentage of vacancies plus the FTE of directly "
        "employed social workers in post (the DfE census method). A funded post (cb_establishment, "
        "funded on the date) is vacant for the part of its FTE not held by directly employed staff "
        "in that post (cb_staff.staf_post_id); a post covered by an agency worker is vacant, as in the "
        "census. Rows are vacant posts (person_id = post id) and directly employed staff in post."
    ),
    numerator="Vacant funded FTE",
    denominator="Vacant funded FTE + FTE of directly employed social workers in post",
    unit="percent",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="WF03",
    lower=20.0,
    upper=14.0,
    child_level=False,
)
def vacancy(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    in_post = staff_in_post(data, periods)
    employed = _staff_rows(in_post).with_columns(post_id=in_post["staf_post_id"]).filter(~pl.col("agency"))
    filled = (
        employed.filter(pl.col("post_id").is_not_null())
        .group_by("post_id", "period_end")
        .agg(filled=pl.col("fte").sum())
    )
    funded = open_in_periods(data["cb_establishment"], "estb_start_date", "estb_end_date", periods)
    posts = (
        funded.group_by(pl.col("estb_post_id").alias("post_id"), "period_end")
        .agg(funded=pl.col("estb_fte").sum(), team_id=pl.col("estb_team_id").last())
        .join(filled, on=["post_id", "period_end"], how="left")
        .with_columns(vacant=(pl.col("funded") - pl.col("filled").fill_null(0.0)).clip(lower_bound=0.0))
        .filter(pl.col("vacant") > 0)
    )
    vacant_rows = posts.select(
        "period_end",
        person_id="post_id",
        item_id="post_id",
        team_id="team_id",
        in_numerator=pl.lit(True),
        num_weight="vacant",
        den_weight="vacant",
    )
    staff_rows = employed.select(
        "period_end",
        "person_id",
        "item_id",
        "team_id",
        "worker_id",
        in_numerator=pl.lit(False),
        den_weight="fte",
    )
    return finish_rows(pl.concat([vacant_rows, staff_rows], how="diagonal_relaxed"))


@indicator_periods(
    id="workforce_caseload",
    title="Average caseload per case-holding social worker (FTE)",
    area=AREA,
    definition=(
        "Children allocated at the period end (open ssd_involvements other than the IRO's) to "
        "case-holding social workers (cb_staff case holder 'Y', agency included), divided by those "
        "workers' FTE. One row per case-holding staff record: the cases held and the FTE. Cases "
        "allocated to workers who are not case-holding staff are not counted."
    ),
    numerator="Children allocated to case-holding social workers",
    denominator="FTE of case-holding social workers in post",
    unit="per_fte",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="WF04",
    lower=20.0,
    upper=16.0,
    child_level=False,
)
def caseload(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    allocations = data["ssd_involvements"].filter(
        (pl.col("invo_professional_role_id") != "IRO").fill_null(True)
    )
    cases = (
        open_in_periods(allocations, "invo_involvement_start_date", "invo_involvement_end_date", periods)
        .group_by(pl.col("invo_professional_id").alias("worker_id"), "period_end")
        .agg(cases=pl.col("invo_person_id").n_unique())
    )
    holders = (
        staff_in_post(data, periods)
        .filter(pl.col("staf_case_holder") == "Y")
        .pipe(_staff_rows)
        .join(cases, on=["worker_id", "period_end"], how="left")
        .with_columns(cases=pl.col("cases").fill_null(0))
        .sort("item_id")
    )
    # A worker with two concurrent records holds one caseload: count it on the first record only.
    first = pl.int_range(pl.len()).over("worker_id", "period_end") == 0
    rows = holders.select(
        "period_end",
        "person_id",
        "item_id",
        "team_id",
        "worker_id",
        in_numerator=pl.lit(True),
        num_weight=pl.when(first).then(pl.col("cases")).otherwise(0).cast(pl.Float64),
        den_weight="fte",
        x_cases=pl.when(first).then(pl.col("cases")).otherwise(0),
    )
    return finish_rows(rows)

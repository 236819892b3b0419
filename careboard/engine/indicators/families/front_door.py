"""Front door: contacts, referrals, re-referrals and the first visit after a referral.

Timeliness measures count the items that started in the period and judge them by what actually
happened, even if the decision or visit came after the period end; an item not yet done is counted
only once it is overdue at the period end (before then it cannot be judged). A date before its own
trigger (a decision recorded before the contact) is a data error: the row stays on the list with
``in_denominator`` False, as the DfE excludes invalid durations.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from careboard.engine.calendar import add_months_expr, add_working_days_expr, working_days_between_expr
from careboard.engine.indicators.core import (
    Period,
    Settings,
    cached,
    days_overdue_expr,
    finish_rows,
    in_periods,
    indicator_periods,
)
from careboard.engine.store import Dataset

END = pl.col("period_end")


@indicator_periods(
    id="contacts_decided_24h",
    title="Contacts with a decision within 24 hours",
    area="Front door",
    definition=(
        "Contacts received in the period whose next-step decision was recorded within 24 hours "
        "(the Contact decision hours setting) of the contact. Contacts still awaiting a decision "
        "count once the 24 hours have passed."
    ),
    numerator="Contacts in the period decided within 24 hours of the contact",
    denominator="Contacts in the period decided, or undecided and past 24 hours at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="month",
    timescale=(
        "Working Together to Safeguard Children 2023: the local authority decides within one working "
        "day what response is required; councils commonly set 24 hours for the front door."
    ),
    timescale_ref="TS01",
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def contacts_decided_24h(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    contacts = in_periods(
        data["ssd_contacts"].with_columns(x_day=pl.col("cont_contact_date").dt.date()), "x_day", periods
    )
    due = pl.col("cont_contact_date") + pl.duration(hours=settings.contact_decision_hours)
    decided = pl.col("cont_decision_datetime")
    valid = decided.is_null() | (decided >= pl.col("cont_contact_date"))
    end_of_day = END.cast(pl.Datetime("us")) + pl.duration(days=1)
    judged = decided.is_not_null() | (due <= end_of_day)
    return finish_rows(
        contacts.select(
            "period_end",
            person_id=pl.col("cont_person_id"),
            item_id=pl.col("cont_contact_id"),
            team_id=pl.col("cont_contact_team"),
            in_denominator=valid & judged,
            in_numerator=valid & judged & (decided <= due).fill_null(False),
            due_date=due.dt.date(),
            done_date=decided.dt.date(),
            days_overdue=days_overdue_expr(due.dt.date(), decided.dt.date(), END),
            x_hours_to_decision=((decided - pl.col("cont_contact_date")).dt.total_minutes() / 60.0),
            x_data_problem=pl.when(~valid).then(pl.lit("decision recorded before the contact")),
        )
    )


def _referrals_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    return in_periods(data["ssd_cin_episodes"], "cine_referral_date", periods)


def _referral_base() -> dict[str, pl.Expr]:
    return {
        "period_end": pl.col("period_end"),
        "person_id": pl.col("cine_person_id"),
        "item_id": pl.col("cine_referral_id"),
        "team_id": pl.col("cine_referral_team"),
        "worker_id": pl.col("cine_referral_worker_id"),
    }


@indicator_periods(
    id="referral_rate",
    title="Referrals per 10,000 children",
    area="Front door",
    definition=(
        "Referrals (new CIN episodes) received in the 12 months to the period end, every referral "
        "counted, per 10,000 children aged 0-17 (ONS mid-year estimate in cb_population)."
    ),
    numerator="Referrals received in the 12 months",
    denominator="Population aged 0-17 / 10,000",
    unit="rate_per_10k",
    polarity="context",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="CIN01",
    lower=None,
    upper=None,
)
def referral_rate(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    referrals = _referrals_in(data, periods)
    return finish_rows(
        referrals.select(
            **_referral_base(),
            in_denominator=pl.lit(True),
            in_numerator=pl.lit(True),
            done_date=pl.col("cine_referral_date"),
        )
    )


def _referrals_with_previous(data: Dataset) -> pl.DataFrame:
    """Every referral with the child's previous referral day (the same for every period, so cached)."""
    cine = data["ssd_cin_episodes"].filter(pl.col("cine_referral_date").is_not_null())
    # The previous referral is the latest on an earlier day: two referrals on one day are one event.
    days = (
        cine.select("cine_person_id", "cine_referral_date")
        .unique()
        .sort("cine_person_id", "cine_referral_date")
        .with_columns(previous=pl.col("cine_referral_date").shift(1).over("cine_person_id"))
    )
    return cine.join(days, on=["cine_person_id", "cine_referral_date"], how="left")


@indicator_periods(
    id="rereferrals_12m",
    title="Re-referrals within 12 months",
    area="Front door",
    definition=(
        "Referrals received in the 12 months to the period end that came within 12 months of a "
        "previous referral of the same child (DfE CIN census definition: any earlier referral, "
        "whatever its outcome)."
    ),
    numerator="Referrals in the 12 months within 12 months of the child's previous referral",
    denominator="Referrals received in the 12 months",
    unit="percent",
    polarity="lower_is_better",
    period_kind="rolling12",
    timescale="12 months from the previous referral (DfE children in need statistics).",
    timescale_ref=None,
    national_ref="CIN02",
    lower=25.0,
    upper=20.0,
)
def rereferrals_12m(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    # join once, then repeat each referral for the (up to 12) periods containing it
    with_previous: pl.DataFrame = cached(data, "front_door.referrals", lambda: _referrals_with_previous(data))
    referrals = in_periods(with_previous, "cine_referral_date", periods)
    window_end = add_months_expr(pl.col("previous"), settings.rereferral_months)
    return finish_rows(
        referrals.select(
            **_referral_base(),
            in_denominator=pl.lit(True),
            in_numerator=(pl.col("cine_referral_date") <= window_end).fill_null(False),
            done_date=pl.col("cine_referral_date"),
            x_previous_referral_date=pl.col("previous"),
        )
    )


@indicator_periods(
    id="referrals_nfa",
    title="Referrals with no further action",
    area="Front door",
    definition=(
        "Referrals received in the 12 months to the period end recorded as leading to no further "
        "action (cine_referral_nfa = Y)."
    ),
    numerator="Referrals in the 12 months with no further action",
    denominator="Referrals received in the 12 months",
    unit="percent",
    polarity="context",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref="CIN03",
    lower=None,
    upper=None,
)
def referrals_nfa(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    referrals = _referrals_in(data, periods)
    return finish_rows(
        referrals.select(
            **_referral_base(),
            in_denominator=pl.lit(True),
            in_numerator=(pl.col("cine_referral_nfa") == "Y").fill_null(False),
            done_date=pl.col("cine_referral_date"),
        )
    )


@indicator_periods(
    id="seen_5wd",
    title="Children seen within 5 working days of referral",
    area="Front door",
    definition=(
        "Referrals received in the period (excluding those with no further action) where the child "
        "was first seen within 5 working days (the Seen after referral setting) of the referral "
        "date. Referrals where the child has not yet been seen count once the 5 days have passed."
    ),
    numerator="Referrals where the child was seen within 5 working days",
    denominator="Referrals in the period, not NFA, seen or past 5 working days at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="month",
    timescale=(
        "Local practice standard (5 working days); Working Together 2023 expects the child to be seen "
        "as part of every assessment, with timing set by the child's needs."
    ),
    timescale_ref=None,
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def seen_5wd(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    referrals = _referrals_in(data, periods).filter((pl.col("cine_referral_nfa") != "Y").fill_null(True))
    start, seen = pl.col("cine_referral_date"), pl.col("cine_child_first_seen_date")
    due = add_working_days_expr(start, settings.seen_after_referral_working_days)
    valid = seen.is_null() | (seen >= start)
    judged = seen.is_not_null() | (due < END)
    working_days = working_days_between_expr(start, seen)
    return finish_rows(
        referrals.select(
            **_referral_base(),
            in_denominator=valid & judged,
            in_numerator=valid
            & judged
            & (working_days <= settings.seen_after_referral_working_days).fill_null(False),
            due_date=due,
            done_date=seen,
            days_overdue=days_overdue_expr(due, seen, END),
            x_working_days=working_days,
            x_data_problem=pl.when(~valid).then(pl.lit("child seen before the referral date")),
        )
    )

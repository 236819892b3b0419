"""Who is open to the service at a date: the cohorts several families share.

Each ``*_in`` function takes several periods and returns one row per child per period for the
children open at the END of the period's end day (an episode or plan ending that day is closed, as
the DfE counts "at 31 March"), with a ``period_end`` column. The one-date forms (``cin_open`` ...)
return the same for a single date without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import polars as pl

from careboard.engine.indicators.core import Period, cached, open_in_periods
from careboard.engine.store import Dataset

# In-touch statuses for which the council no longer supports the young person as a care leaver.
CARE_LEAVER_CLOSED_STATUSES = ("DIED", "NREQ")
CARE_LEAVER_AGE_LIMIT = 25


def _on(day: date) -> list[Period]:
    return [Period("snapshot", day, day)]


def _cached(
    data: Dataset, name: str, periods: Sequence[Period], build: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """A cohort depends only on the period ends: build it once per dataset and set of ends."""
    key = f"cohorts.{name}@" + ",".join(p.end.isoformat() for p in periods)
    frame: pl.DataFrame = cached(data, key, build)
    return frame


def _latest_open(
    df: pl.DataFrame, start: str, end: str, key: str, person: str, periods: Sequence[Period]
) -> pl.DataFrame:
    """The latest started of a child's episodes open at each period end (several open is a data problem)."""
    return (
        open_in_periods(df.filter(pl.col(person).is_not_null()), start, end, periods)
        .sort(start, key)
        .group_by(person, "period_end", maintain_order=True)
        .last()
    )


def cin_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children with an open CIN episode: period_end, person_id, referral_id, referral_date, team, worker."""
    return _cached(data, "cin_open_in", periods, lambda: _cin_open_in(data, periods))


def _cin_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    return _latest_open(
        data["ssd_cin_episodes"],
        "cine_referral_date",
        "cine_close_date",
        "cine_referral_id",
        "cine_person_id",
        periods,
    ).select(
        "period_end",
        person_id=pl.col("cine_person_id"),
        referral_id=pl.col("cine_referral_id"),
        referral_date=pl.col("cine_referral_date"),
        referral_team=pl.col("cine_referral_team"),
        referral_worker=pl.col("cine_referral_worker_id"),
    )


def cp_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children on a child protection plan: period_end, person_id, plan_id, plan_start."""
    return _cached(data, "cp_open_in", periods, lambda: _cp_open_in(data, periods))


def _cp_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    return _latest_open(
        data["ssd_cp_plans"],
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_id",
        "cppl_person_id",
        periods,
    ).select(
        "period_end",
        person_id=pl.col("cppl_person_id"),
        plan_id=pl.col("cppl_cp_plan_id"),
        plan_start=pl.col("cppl_cp_plan_start_date"),
    )


def cla_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children looked after: period_end, person_id, cla_id (period of care), entered_care_date."""
    return _cached(data, "cla_open_in", periods, lambda: _cla_open_in(data, periods))


def _cla_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    return _latest_open(
        data["ssd_cla_episodes"],
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_cla_episode_id",
        "clae_person_id",
        periods,
    ).select(
        "period_end",
        person_id=pl.col("clae_person_id"),
        cla_id=pl.col("clae_cla_id"),
        entered_care_date=pl.col("clae_entered_care_date"),
    )


def care_leavers_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Care leavers the council supports: period_end, person_id, team_id, worker_id, latest_contact.

    A young person counts when their latest care-leaver record on or before the period end is not
    'died' or 'no longer requires services', they are under 25 (or their birth date is unknown)
    and they are not looked after again.
    """
    return _cached(data, "care_leavers_open_in", periods, lambda: _care_leavers_open_in(data, periods))


def _care_leavers_open_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    # Each record holds until the young person's next record: the latest at a date is the one
    # whose span covers it (records on one day: the last by id wins, the others span no time).
    records = (
        data["ssd_care_leavers"]
        .filter(
            pl.col("clea_care_leaver_latest_contact").is_not_null() & pl.col("clea_person_id").is_not_null()
        )
        .sort("clea_person_id", "clea_care_leaver_latest_contact", "clea_table_id")
        .with_columns(x_next=pl.col("clea_care_leaver_latest_contact").shift(-1).over("clea_person_id"))
    )
    latest = open_in_periods(records, "clea_care_leaver_latest_contact", "x_next", periods).filter(
        ~pl.col("clea_care_leaver_in_touch").is_in(CARE_LEAVER_CLOSED_STATUSES).fill_null(False)
    )
    dob = data["ssd_person"].select(pl.col("pers_person_id").alias("clea_person_id"), "pers_dob")
    under_age = pl.col("pers_dob").is_null() | (
        pl.col("pers_dob").dt.offset_by(f"{CARE_LEAVER_AGE_LIMIT}y") > pl.col("period_end")
    )
    looked_after = cla_open_in(data, periods).select(clea_person_id="person_id", period_end="period_end")
    return (
        latest.join(dob, on="clea_person_id", how="left")
        .filter(under_age)
        .join(looked_after, on=["clea_person_id", "period_end"], how="anti")
        .select(
            "period_end",
            person_id=pl.col("clea_person_id"),
            team_id=pl.col("clea_care_leaver_allocated_team"),
            worker_id=pl.col("clea_care_leaver_worker_id"),
            latest_contact=pl.col("clea_care_leaver_latest_contact"),
        )
    )


def _one_date(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("period_end").sort("person_id")


def cin_open(data: Dataset, on: date) -> pl.DataFrame:
    """:func:`cin_open_in` for one date, without period_end, sorted by person_id."""
    return _one_date(cin_open_in(data, _on(on)))


def cp_open(data: Dataset, on: date) -> pl.DataFrame:
    """:func:`cp_open_in` for one date, without period_end, sorted by person_id."""
    return _one_date(cp_open_in(data, _on(on)))


def cla_open(data: Dataset, on: date) -> pl.DataFrame:
    """:func:`cla_open_in` for one date, without period_end, sorted by person_id."""
    return _one_date(cla_open_in(data, _on(on)))


def care_leavers_open(data: Dataset, on: date) -> pl.DataFrame:
    """:func:`care_leavers_open_in` for one date, without period_end, sorted by person_id."""
    return _one_date(care_leavers_open_in(data, _on(on)))


def excluding(people: pl.DataFrame, *others: pl.DataFrame) -> pl.DataFrame:
    """``people`` (person_id, period_end, ...) less the children in any of ``others`` in the same period."""
    for other in others:
        people = people.join(
            other.select("person_id", "period_end"), on=["person_id", "period_end"], how="anti"
        )
    return people

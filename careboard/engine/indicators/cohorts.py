"""Who is open to the service at a date: the cohorts several families share.

Each function returns one row per child open at the END of the day ``on`` (an episode or plan ending
that day is closed, as the DfE counts "at 31 March").
"""

from __future__ import annotations

from datetime import date

import polars as pl

from careboard.engine.indicators.core import open_at
from careboard.engine.store import Dataset

# In-touch statuses for which the council no longer supports the young person as a care leaver.
CARE_LEAVER_CLOSED_STATUSES = ("DIED", "NREQ")
CARE_LEAVER_AGE_LIMIT = 25


def cin_open(data: Dataset, on: date) -> pl.DataFrame:
    """Children with an open CIN episode (referral): person_id, referral_id, referral_date, team, worker.

    A child with several open episodes (a data problem) appears once, with the latest.
    """
    cine = data["ssd_cin_episodes"]
    return (
        cine.filter(open_at(pl.col("cine_referral_date"), pl.col("cine_close_date"), on))
        .filter(pl.col("cine_person_id").is_not_null())
        .sort("cine_referral_date", "cine_referral_id")
        .group_by("cine_person_id")
        .last()
        .select(
            person_id=pl.col("cine_person_id"),
            referral_id=pl.col("cine_referral_id"),
            referral_date=pl.col("cine_referral_date"),
            referral_team=pl.col("cine_referral_team"),
            referral_worker=pl.col("cine_referral_worker_id"),
        )
        .sort("person_id")
    )


def cp_open(data: Dataset, on: date) -> pl.DataFrame:
    """Children on a child protection plan: person_id, plan_id, plan_start (the latest open plan)."""
    plans = data["ssd_cp_plans"]
    return (
        plans.filter(open_at(pl.col("cppl_cp_plan_start_date"), pl.col("cppl_cp_plan_end_date"), on))
        .filter(pl.col("cppl_person_id").is_not_null())
        .sort("cppl_cp_plan_start_date", "cppl_cp_plan_id")
        .group_by("cppl_person_id")
        .last()
        .select(
            person_id=pl.col("cppl_person_id"),
            plan_id=pl.col("cppl_cp_plan_id"),
            plan_start=pl.col("cppl_cp_plan_start_date"),
        )
        .sort("person_id")
    )


def cla_open(data: Dataset, on: date) -> pl.DataFrame:
    """Children looked after: person_id, cla_id (period of care), entered_care_date."""
    episodes = data["ssd_cla_episodes"]
    return (
        episodes.filter(
            open_at(pl.col("clae_cla_episode_start_date"), pl.col("clae_cla_episode_ceased_date"), on)
        )
        .filter(pl.col("clae_person_id").is_not_null())
        .sort("clae_cla_episode_start_date", "clae_cla_episode_id")
        .group_by("clae_person_id")
        .last()
        .select(
            person_id=pl.col("clae_person_id"),
            cla_id=pl.col("clae_cla_id"),
            entered_care_date=pl.col("clae_entered_care_date"),
        )
        .sort("person_id")
    )


def care_leavers_open(data: Dataset, on: date) -> pl.DataFrame:
    """Care leavers the council supports on ``on``: person_id, team_id, worker_id, latest contact.

    A young person counts when their latest care-leaver record on or before ``on`` is not
    'died' or 'no longer requires services', they are under 25 (or their birth date is unknown)
    and they are not looked after again.
    """
    records = data["ssd_care_leavers"].filter(
        (pl.col("clea_care_leaver_latest_contact") <= on) & pl.col("clea_person_id").is_not_null()
    )
    latest = (
        records.sort("clea_care_leaver_latest_contact", "clea_table_id")
        .group_by("clea_person_id")
        .last()
        .filter(~pl.col("clea_care_leaver_in_touch").is_in(CARE_LEAVER_CLOSED_STATUSES).fill_null(False))
    )
    dob = data["ssd_person"].select(pl.col("pers_person_id").alias("clea_person_id"), "pers_dob")
    under_age = pl.col("pers_dob").is_null() | (
        pl.col("pers_dob").dt.offset_by(f"{CARE_LEAVER_AGE_LIMIT}y") > pl.lit(on)
    )
    looked_after = cla_open(data, on)["person_id"]
    return (
        latest.join(dob, on="clea_person_id", how="left")
        .filter(under_age & ~pl.col("clea_person_id").is_in(looked_after.implode()))
        .select(
            person_id=pl.col("clea_person_id"),
            team_id=pl.col("clea_care_leaver_allocated_team"),
            worker_id=pl.col("clea_care_leaver_worker_id"),
            latest_contact=pl.col("clea_care_leaver_latest_contact"),
        )
        .sort("person_id")
    )

"""Finishing touches on the built tables: who held each piece of work, caseloads, disabilities,
immigration status of unaccompanied children, early help, and previous permanence.

These run on the conformed polars tables after everything else, so they read like queries.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from careboard.engine.schema import table

# (table, person column, date column, team column, worker column)
_HELD_BY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "ssd_cin_episodes",
        "cine_person_id",
        "cine_referral_date",
        "cine_referral_team",
        "cine_referral_worker_id",
    ),
    (
        "ssd_cin_assessments",
        "cina_person_id",
        "cina_assessment_start_date",
        "cina_assessment_team",
        "cina_assessment_worker_id",
    ),
    (
        "ssd_s47_enquiry",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_completed_by_team",
        "s47e_s47_completed_by_worker_id",
    ),
    (
        "ssd_initial_cp_conference",
        "icpc_person_id",
        "icpc_icpc_date",
        "icpc_icpc_team",
        "icpc_icpc_worker_id",
    ),
    (
        "ssd_cin_plans",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_team",
        "cinp_cin_plan_worker_id",
    ),
    (
        "ssd_care_leavers",
        "clea_person_id",
        "clea_care_leaver_latest_contact",
        "clea_care_leaver_allocated_team",
        "clea_care_leaver_worker_id",
    ),
)
_DISABILITIES = ("AUT", "LD", "COMM", "BEH", "MOB", "HAND", "PC", "CON", "HEAR", "VIS", "INC")
_DISABILITY_WEIGHTS = np.array([30, 20, 12, 10, 7, 5, 5, 5, 3, 2, 1], dtype=np.float64)


def held_by(tables: dict[str, pl.DataFrame]) -> None:
    """Fill each record's team and worker from the allocation open on its date."""
    alloc = (
        tables["ssd_involvements"]
        .filter(pl.col("invo_professional_role_id") != "IRO")
        .select(
            _person="invo_person_id",
            _start="invo_involvement_start_date",
            _team="invo_professional_team",
            _worker="invo_professional_id",
        )
        .sort("_start")
    )
    for name, person, day, team, worker in _HELD_BY:
        df = tables[name]
        if df.height == 0:
            continue
        joined = (
            df.with_row_index("_row")
            .sort(day)
            .join_asof(
                alloc,
                left_on=day,
                right_on="_start",
                by_left=person,
                by_right="_person",
                strategy="backward",
                check_sortedness=False,
            )
            .sort("_row")
        )
        joined = joined.with_columns(
            pl.coalesce(team, "_team").alias(team), pl.coalesce(worker, "_worker").alias(worker)
        )
        if name == "ssd_cin_episodes":  # referrals closed at the front door were its decision
            joined = joined.with_columns(pl.col(team).fill_null("T01"))
        if name == "ssd_care_leavers":
            joined = joined.with_columns(clea_care_leaver_personal_advisor=pl.col(worker))
        tables[name] = table(name).conform(joined.drop("_row", "_start", "_team", "_worker", strict=False))


def caseloads(tables: dict[str, pl.DataFrame], end: date) -> None:
    """prof_professional_caseload: cases held on the last 30 September on or before ``end``."""
    sept = date(end.year if end >= date(end.year, 9, 30) else end.year - 1, 9, 30)
    inv = tables["ssd_involvements"]
    held = (
        inv.filter(
            (pl.col("invo_professional_role_id") != "IRO")
            & (pl.col("invo_involvement_start_date") <= sept)
            & (pl.col("invo_involvement_end_date").is_null() | (pl.col("invo_involvement_end_date") > sept))
        )
        .group_by("invo_professional_id")
        .agg(_cases=pl.col("invo_person_id").n_unique())
    )
    prof = tables["ssd_professionals"].join(
        held, left_on="prof_professional_id", right_on="invo_professional_id", how="left"
    )
    prof = prof.with_columns(prof_professional_caseload=pl.col("_cases").fill_null(0)).drop("_cases")
    tables["ssd_professionals"] = table("ssd_professionals").conform(prof)


def disabilities(tables: dict[str, pl.DataFrame], rng: np.random.Generator) -> None:
    """Disabilities: children whose need was disability, and a few others."""
    need = (
        tables["ssd_cin_episodes"]
        .group_by("cine_person_id", maintain_order=True)
        .agg(disabled=(pl.col("cine_cin_primary_need_code") == "N2").any())
        .sort("cine_person_id")
    )
    pick = need["disabled"].to_numpy() | (rng.random(need.height) < 0.04)
    people = need["cine_person_id"].to_numpy()[pick]
    second = rng.random(len(people)) < 0.3
    person = np.concatenate([people, people[second]])
    p = _DISABILITY_WEIGHTS / _DISABILITY_WEIGHTS.sum()
    first_code = rng.choice(len(_DISABILITIES), size=len(people), p=p)
    other = (first_code[second] + 1 + rng.integers(0, len(_DISABILITIES) - 1, int(second.sum()))) % len(
        _DISABILITIES
    )
    codes = np.asarray(_DISABILITIES)[np.concatenate([first_code, other])]
    df = pl.DataFrame({"disa_person_id": person, "disa_disability_code": codes}).sort("disa_person_id")
    df = df.with_columns(
        disa_table_id=pl.format("D{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7))
    )
    tables["ssd_disability"] = table("ssd_disability").conform(df)


def immigration(tables: dict[str, pl.DataFrame]) -> None:
    """Unaccompanied asylum-seeking children: status from entering care to their 18th birthday."""
    uasc = (
        tables["ssd_cla_episodes"]
        .filter(pl.col("clae_cla_primary_need_code") == "N8")
        .group_by("clae_person_id")
        .agg(start=pl.col("clae_entered_care_date").min())
        .join(
            tables["ssd_person"].select("pers_person_id", "pers_dob"),
            left_on="clae_person_id",
            right_on="pers_person_id",
        )
        .sort("clae_person_id")
    )
    adult = pl.col("pers_dob").dt.offset_by("18y")
    df = uasc.select(
        immi_person_id="clae_person_id",
        immi_immigration_status=pl.lit("UASC"),
        immi_immigration_status_start_date="start",
        # the 903 expects the status to cease at the 18th birthday, even when that lies ahead
        immi_immigration_status_end_date=adult,
    ).with_columns(
        immi_immigration_status_id=pl.format(
            "U{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)
        )
    )
    tables["ssd_immigration_status"] = table("ssd_immigration_status").conform(df)


def early_help(tables: dict[str, pl.DataFrame], rng: np.random.Generator, end: date) -> None:
    """An early help episode for each contact passed to early help."""
    eh = (
        tables["ssd_contacts"]
        .filter(
            pl.col("cont_contact_outcome_json").str.contains("EARLY_HELP")
            & pl.col("cont_decision_datetime").is_not_null()
        )
        .select("cont_person_id", start=pl.col("cont_decision_datetime").dt.date())
        .sort("cont_person_id", "start")
    )
    n = eh.height
    length = rng.integers(60, 270, n)
    reasons = np.asarray(
        ["Family support", "Parenting", "School attendance", "Domestic abuse", "Emotional wellbeing"]
    )
    ends = np.asarray(["Outcomes achieved", "Stepped up to social care", "Family disengaged", "Moved away"])
    df = eh.with_columns(
        end=pl.col("start") + pl.duration(days=pl.lit(pl.Series(length))),
        earl_episode_reason=pl.Series(reasons[rng.integers(0, len(reasons), n)]),
        earl_episode_end_reason=pl.Series(ends[rng.choice(len(ends), size=n, p=[0.6, 0.1, 0.2, 0.1])]),
    )
    # a child's episodes do not overlap: an episode ends before the next begins
    df = df.with_columns(
        end=pl.min_horizontal("end", pl.col("start").shift(-1).over("cont_person_id") - pl.duration(days=1))
    ).filter(pl.col("end") >= pl.col("start"))
    closed = pl.col("end") <= end
    df = df.select(
        earl_episode_id=pl.format("H{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        earl_person_id="cont_person_id",
        earl_episode_start_date="start",
        earl_episode_end_date=pl.when(closed).then("end"),
        earl_episode_reason="earl_episode_reason",
        earl_episode_end_reason=pl.when(closed).then("earl_episode_end_reason"),
        earl_episode_organisation=pl.lit("Early help hub"),
    )
    tables["ssd_early_help_episodes"] = table("ssd_early_help_episodes").conform(df)


def previous_permanence(tables: dict[str, pl.DataFrame], rng: np.random.Generator) -> None:
    """903 previous permanence: one row per child who started care since April 2016."""
    starters = (
        tables["ssd_cla_episodes"]
        .filter(pl.col("clae_cla_episode_start_reason") == "S")
        .group_by("clae_person_id")
        .agg(entered=pl.col("clae_entered_care_date").max())
        .filter(pl.col("entered") >= date(2016, 4, 1))
        .sort("clae_person_id")
    )
    n = starters.height
    option = np.asarray(["Z1", "P1", "P2", "P3"])[rng.choice(4, size=n, p=[0.93, 0.02, 0.03, 0.02])]
    years_before = rng.integers(1, 6, n)
    df = starters.with_columns(
        lapp_previous_permanence_option=pl.Series(option),
        _order=pl.col("entered").dt.offset_by(pl.lit(pl.Series(-years_before).cast(pl.String) + "y")),
    ).select(
        lapp_table_id=pl.format("Q{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        lapp_person_id="clae_person_id",
        lapp_previous_permanence_option="lapp_previous_permanence_option",
        lapp_previous_permanence_order_date=pl.when(pl.col("lapp_previous_permanence_option") != "Z1").then(
            pl.col("_order").dt.strftime("%d/%m/%Y")
        ),
        lapp_previous_permanence_la=pl.when(pl.col("lapp_previous_permanence_option") != "Z1").then(
            pl.lit("999")
        ),
    )
    tables["ssd_cla_previous_permanence"] = table("ssd_cla_previous_permanence").conform(df)

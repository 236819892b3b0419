"""The public entry point: a whole synthetic council, every canonical table."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from careboard.engine.generate import extras, geography, identity, outcomes
from careboard.engine.generate import params as P
from careboard.engine.generate.care import care_journeys
from careboard.engine.generate.context import CareLog, Ctx, Intervals, person_ids
from careboard.engine.generate.days import WorkingDays, add_years, day, month_index, to_date
from careboard.engine.generate.events import care_events, care_leavers, care_tables, plan_events
from careboard.engine.generate.frames import NA
from careboard.engine.generate.journeys import simulate_other_contacts, simulate_referrals
from careboard.engine.generate.params import Journey
from careboard.engine.generate.staff import (
    TEAMS,
    allocate,
    establishment,
    oversight,
    simulate_staff,
    staff_tables,
    team_of_phase,
)
from careboard.engine.schema import TABLES, table

__all__ = ["Journey", "generate_council"]

_FORENAMES_F = (
    "Amara",
    "Ava",
    "Chloe",
    "Ella",
    "Freya",
    "Grace",
    "Isla",
    "Lily",
    "Maya",
    "Mia",
    "Nia",
    "Olivia",
    "Poppy",
    "Ruby",
    "Sofia",
    "Zara",
)
_FORENAMES_M = (
    "Adam",
    "Alfie",
    "Arlo",
    "Ben",
    "Charlie",
    "Ethan",
    "Finley",
    "Harry",
    "Jack",
    "Kai",
    "Leo",
    "Noah",
    "Oscar",
    "Ravi",
    "Theo",
    "Zain",
)
_SURNAMES = (
    "Ahmed",
    "Baker",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Jones",
    "Khan",
    "Lewis",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "White",
    "Wilson",
    "Wood",
)


def generate_council(
    *, seed: int, population: int, start: date, end: date, journey: Journey
) -> dict[str, pl.DataFrame]:
    """Generate every canonical table for a council of ``population`` children aged 0-17.

    Records cover ``start`` to ``end`` (inclusive), with history from a warm-up period before
    ``start`` so that caseloads, plans and children in care are already settled on the first day.
    The same arguments always give the same tables.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if population < 100:
        raise ValueError("population must be at least 100 children")
    if journey not in ("steady", "improving", "declining"):
        raise ValueError(f"unknown journey {journey!r}")
    start_day, end_day = day(start), day(end)
    t0 = int(add_years(np.array([start_day]), -P.WARMUP_YEARS)[0])
    warm = int(month_index(np.array([start_day]), t0)[0])
    run = int(month_index(np.array([end_day]), start_day)[0]) + 1
    ctx = Ctx(
        rng=np.random.default_rng(seed),
        wd=WorkingDays(start.year - P.WARMUP_YEARS - 19, end.year + 20),
        quality=P.quality_curve(journey, warm, run),
        t0=t0,
        start=start_day,
        end=end_day,
        population=population,
    )
    _children_already_in_care(ctx)
    simulate_referrals(ctx)
    simulate_other_contacts(ctx)
    plan_events(ctx)
    care_tables(ctx)
    care_events(ctx)
    care_leavers(ctx)
    posts = establishment(ctx, _team_stock(ctx), journey)
    spells = simulate_staff(ctx, posts)
    staff_tables(ctx, posts, spells)
    inv = allocate(ctx, spells)
    ctx.out.parts["ssd_involvements"] = [table("ssd_involvements").conform(inv)]
    oversight(ctx, spells, inv)
    _people(ctx)
    _population(ctx, start, end)
    built = _censor(ctx.out.build(), end)
    tables = {name: built.get(name, TABLES[name].empty()) for name in TABLES}
    extras.held_by(tables)
    extras.caseloads(tables, end)
    extras.disabilities(tables, ctx.rng)
    extras.immigration(tables)
    extras.early_help(tables, ctx.rng, end)
    extras.previous_permanence(tables, ctx.rng)
    geography.addresses(tables, ctx.rng, end)
    geography.placements(tables, ctx.rng)
    identity.upns(tables, ctx.rng, end)
    identity.mothers(tables, ctx.rng, end)
    since = to_date(ctx.t0)
    outcomes.sdq(tables, ctx.rng, since, end)
    outcomes.convictions(tables, ctx.rng, since, end)
    outcomes.substance_misuse(tables, ctx.rng, since, end)
    return tables


def _children_already_in_care(ctx: Ctx) -> None:
    """Children who entered care in the 17 years before the warm-up and are still there at its start."""
    rng = ctx.rng
    years = 17
    first = int(add_years(np.array([ctx.t0]), -years)[0])
    n = int(rng.poisson(P.CLA_ENTRIES_PER_10K * ctx.population / 10_000 * years))
    entry = np.sort(rng.integers(first, ctx.t0, n))
    age = rng.choice(18, size=n, p=_ENTRY_AGE / _ENTRY_AGE.sum())
    dob = add_years(entry, -age) - rng.integers(1, 360, n)
    still_child = add_years(dob, 18) > ctx.t0
    entry, age, dob = entry[still_child], age[still_child], dob[still_child]
    n = len(entry)
    route = np.where(
        age >= 12,
        np.where(rng.random(n) < 0.7, np.where((age >= 15) & (rng.random(n) < 0.25), "uasc", "s20"), "ico"),
        np.where(rng.random(n) < 0.75, "ico", "s20"),
    )
    final_order = np.where(route == "ico", entry + rng.integers(26, 45, n) * 7, NA)
    saved_log, saved_phases = ctx.care_log, ctx.phases
    ctx.care_log, ctx.phases = CareLog(), Intervals()
    child = ctx.people.add(rng, dob)
    need = np.where(route == "uasc", "N8", np.where(rng.random(n) < 0.8, "N1", "N5"))
    ref_id = ctx.out.next_ids("R", n)
    ends, kinds = care_journeys(ctx, child, entry, route, need, ref_id, final_order)
    kept = ends > ctx.t0
    kept_ids = set(person_ids(child[kept]).tolist())
    kept_children = set(child[kept].tolist())
    legacy, legacy_phases = ctx.care_log, ctx.phases
    ctx.care_log, ctx.phases = saved_log, saved_phases
    rows = legacy.rows
    ctx.care_log.rows.episodes += [r for r in rows.episodes if r[0] in kept_ids]
    ctx.care_log.rows.placements += [r for r in rows.placements if r[0] in kept_ids]
    ctx.care_log.rows.legal += [r for r in rows.legal if r[0] in kept_ids]
    ctx.care_log.rows.permanence += [r for r in rows.permanence if r[0] in kept_ids]
    ctx.care_log.rows.moves += [r for r in rows.moves if r[0] in kept_children]
    ctx.care_log.leavers += [r for r in legacy.leavers if r[0] in kept_children]
    p, item, s, e, k = legacy.periods.arrays()
    m = np.isin(p, child[kept])
    ctx.care_log.periods.add(p[m], item[m], s[m], e[m], k[m])
    p, item, s, e, k = legacy_phases.arrays()
    m = np.isin(p, child[kept])
    ctx.phases.add(p[m], item[m], s[m], e[m], k[m])
    # the referral that opened each child's case, and the contact before it
    c, ids = child[kept], ref_id[kept]
    ref_day = entry[kept] - rng.integers(0, 4, len(c))
    close = ends[kept]
    reason = np.select(
        [kinds[kept] == "ADOPTED", kinds[kept] == "SGO", kinds[kept] == "CAO", kinds[kept] == "TRANSFER"],
        ["RC1", "RC4", "RC3", "RC5"],
        "RC7",
    )
    ctx.out.add(
        "ssd_cin_episodes",
        {
            "cine_referral_id": ids,
            "cine_person_id": person_ids(c),
            "cine_referral_date": ref_day,
            "cine_cin_primary_need_code": need[kept],
            "cine_referral_source_code": np.where(route[kept] == "uasc", "6", "5A"),
            "cine_referral_source_desc": np.where(
                route[kept] == "uasc", "Police", "LA services: social care"
            ),
            "cine_referral_outcome_json": np.full(len(c), '{"outcome": "REFERRAL"}'),
            "cine_referral_nfa": np.full(len(c), "N"),
            "cine_close_reason": reason,
            "cine_close_date": close,
            "cine_child_first_seen_date": ref_day,
        },
    )
    secs = ref_day * 86400 + 10 * 3600
    ctx.out.add(
        "ssd_contacts",
        {
            "cont_contact_id": ctx.out.next_ids("K", len(c)),
            "cont_person_id": person_ids(c),
            "cont_contact_date": pl.Series(secs * 1_000_000).cast(pl.Datetime("us")),
            "cont_contact_source_code": np.where(route[kept] == "uasc", "6", "5A"),
            "cont_contact_outcome_json": np.full(len(c), '{"outcome": "REFERRAL"}'),
            "cont_decision_datetime": pl.Series((secs + 3 * 3600) * 1_000_000).cast(pl.Datetime("us")),
            "cont_contact_team": np.full(len(c), "T01"),
        },
    )
    ctx.episodes.add(c, ids, ref_day, close)


_ENTRY_AGE = np.array(
    [18, 4, 3.5, 3.5, 3, 3, 3, 3, 3, 3, 4.5, 5, 5.5, 6, 6.5, 6.5, 9.5, 9.5], dtype=np.float64
)


def _team_stock(ctx: Ctx) -> dict[str, float]:
    """Average open cases per team over the run, to size the establishment."""
    person, _ref, start, end, kind = ctx.phases.arrays()
    team = team_of_phase(kind, ctx.people.patch_of(person))
    lo, hi = ctx.start, ctx.end
    overlap = np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0, None)
    span = max(hi - lo, 1)
    stock = {t: float(overlap[team == t].sum() / span) for t, *_ in TEAMS}
    cla = float(overlap[kind == "CLA"].sum() / span)
    stock["T12"] = cla
    years = (ctx.end - ctx.t0) / 365.25
    stock["FRONT"] = (
        P.REFERRALS_PER_10K * ctx.population / 10_000 * P.CONTACTS_PER_REFERRAL / 900 * min(years, 1) + 2
    )
    return stock


def _people(ctx: Ctx) -> None:
    rng = ctx.rng
    n = ctx.people.size
    idx = np.arange(n)
    sex = np.concatenate(ctx.people.sex)
    fore = np.where(
        sex == "F",
        np.asarray(_FORENAMES_F)[rng.integers(0, len(_FORENAMES_F), n)],
        np.asarray(_FORENAMES_M)[rng.integers(0, len(_FORENAMES_M), n)],
    )
    ctx.out.add(
        "ssd_person",
        {
            "pers_person_id": person_ids(idx),
            "pers_forename": fore,
            "pers_surname": np.asarray(_SURNAMES)[rng.integers(0, len(_SURNAMES), n)],
            "pers_sex": sex,
            "pers_ethnicity": np.concatenate(ctx.people.ethnicity),
            "pers_dob": ctx.people.dob_of(idx),
            "pers_legacy_id": np.char.add("LEG", np.char.zfill(idx.astype(str), 7)),
        },
    )


def _population(ctx: Ctx, start: date, end: date) -> None:
    first = start.year - P.WARMUP_YEARS
    years = np.arange(first, end.year + 1)
    count = np.rint(ctx.population * (1 + 0.004 * (years - end.year))).astype(np.int64)
    ctx.out.add(
        "cb_population",
        {
            "popu_row_id": np.char.add("POP", years.astype(str)),
            "popu_year": years,
            "popu_count": count,
            "popu_la_code": np.full(len(years), P.LA_ONS_CODE),
            "popu_la_name": np.full(len(years), P.LA_NAME),
            "popu_la_number": np.full(len(years), P.LA_NUMBER),
        },
    )


# table: (column that must fall by the end, [columns nulled when after the end], [outcome columns
# nulled with the first of them])
_CENSOR: dict[str, tuple[str, list[str], list[str]]] = {
    "ssd_cin_episodes": ("cine_referral_date", ["cine_close_date"], ["cine_close_reason"]),
    "ssd_cin_assessments": (
        "cina_assessment_start_date",
        ["cina_assessment_auth_date"],
        ["cina_assessment_outcome_json", "cina_assessment_outcome_nfa"],
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_start_date",
        ["s47e_s47_end_date"],
        ["s47e_s47_nfa", "s47e_s47_outcome_json"],
    ),
    "ssd_initial_cp_conference": ("icpc_icpc_date", [], []),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", ["cppl_cp_plan_end_date"], []),
    "ssd_cp_reviews": ("cppr_cp_review_due", ["cppr_cp_review_date"], []),
    "ssd_cp_visits": ("cppv_cp_visit_date", [], []),
    "ssd_cin_plans": ("cinp_cin_plan_start_date", ["cinp_cin_plan_end_date"], []),
    "cb_cin_plan_reviews": ("cinr_review_date", [], []),
    "ssd_cin_visits": ("cinv_cin_visit_date", [], []),
    "ssd_cla_episodes": (
        "clae_cla_episode_start_date",
        ["clae_cla_episode_ceased_date"],
        ["clae_cla_episode_ceased_reason"],
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_start_date",
        ["clap_cla_placement_end_date"],
        ["clap_cla_placement_change_reason"],
    ),
    "ssd_legal_status": ("lega_legal_status_start_date", ["lega_legal_status_end_date"], []),
    "ssd_cla_reviews": ("clar_cla_review_due_date", ["clar_cla_review_date"], []),
    "ssd_cla_visits": ("clav_cla_visit_date", [], []),
    "ssd_cla_health": ("clah_health_check_date", [], []),
    "ssd_cla_immunisations": ("clai_immunisations_status_date", [], []),
    "cb_pep": ("pepe_pep_date", [], []),
    "cb_iro_notice": ("iron_sent_date", [], []),
    "ssd_missing": ("miss_missing_episode_start_date", ["miss_missing_episode_end_date"], []),
    "ssd_care_leavers": ("clea_care_leaver_latest_contact", [], []),
    "ssd_pre_proceedings": (
        "prep_pre_pro_decision_date",
        ["prep_agree_stepdown_issue_date"],
        ["prep_pre_pro_outcome"],
    ),
    "ssd_permanence": ("perm_cla_id", [], []),
    "cb_management_oversight": ("mano_oversight_date", [], []),
    "cb_supervision": ("supe_supervision_date", [], []),
    "cb_staff": ("staf_start_date", ["staf_leaving_date"], ["staf_leaving_reason"]),
}


_MAY_LIE_AHEAD = frozenset({"icpc_icpc_target_date", "cppr_cp_review_due", "clar_cla_review_due_date"})


def _censor(tables: dict[str, pl.DataFrame], end: date) -> dict[str, pl.DataFrame]:
    """Drop what starts after ``end``; blank what ends after it (still open at the end)."""
    out = dict(tables)
    for name, (first, ends, outcome_cols) in _CENSOR.items():
        df = out.get(name)
        if df is None:
            continue
        if df.schema[first] == pl.Date:
            df = df.filter(pl.col(first).is_null() | (pl.col(first) <= end))
        if ends:
            after = pl.col(ends[0]) > end
            df = df.with_columns(
                [pl.when(after).then(None).otherwise(pl.col(c)).alias(c) for c in outcome_cols]
                + [pl.when(pl.col(c) > end).then(None).otherwise(pl.col(c)).alias(c) for c in ends]
            )
        out[name] = df
    for name in ("ssd_permanence", "ssd_pre_proceedings", "ssd_cla_placement", "ssd_missing"):
        if name in out:
            out[name] = _censor_dates(out[name], end)
    con = out.get("ssd_contacts")
    if con is not None:
        limit = pl.datetime(end.year, end.month, end.day) + pl.duration(days=1)
        con = con.filter(pl.col("cont_contact_date") < limit).with_columns(
            pl.when(pl.col("cont_decision_datetime") >= limit).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("cont_contact_outcome_json", "cont_decision_datetime")
        )
        out["ssd_contacts"] = con
    # anything else dated after the end has not happened yet; due and target dates may lie ahead
    for name, df in out.items():
        late = [
            c
            for c, t in df.schema.items()
            if t == pl.Date and c not in _MAY_LIE_AHEAD and not c.startswith("pers_")
        ]
        if late:
            out[name] = df.with_columns(
                pl.when(pl.col(c) > end).then(None).otherwise(pl.col(c)).alias(c) for c in late
            )
    people = out.get("ssd_person")
    if people is not None and con is not None:
        out["ssd_person"] = people.filter(
            pl.col("pers_person_id").is_in(con["cont_person_id"].unique().implode())
        )
    return out


def _censor_dates(df: pl.DataFrame, end: date) -> pl.DataFrame:
    dates = [c for c, t in df.schema.items() if t == pl.Date]
    df = df.with_columns(pl.when(pl.col(c) > end).then(None).otherwise(pl.col(c)).alias(c) for c in dates)
    return df.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in dates)) if dates else df

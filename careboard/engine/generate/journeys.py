"""Children's journeys from contact to closure, vectorised across referrals.

Each round takes one referral per child (first referrals, then re-referrals) and decides, for
all of them at once, the path: no further action; an assessment finding no need; a child in need
plan; a section 47 enquiry and perhaps an initial conference and a child protection plan (with
pre-proceedings for some); or entry to care, which hands the child to :mod:`.care`.
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import polars as pl

from careboard.engine.generate import care
from careboard.engine.generate import params as P
from careboard.engine.generate.context import Ctx, person_ids
from careboard.engine.generate.days import BoolArray, IntArray, add_years, age_years
from careboard.engine.generate.frames import NA, blank, pick, reprefix, yn

_OUT = {
    k: json.dumps({"outcome": k})
    for k in ("REFERRAL", "EARLY_HELP", "NFA", "INFO", "CIN", "CP", "ICPC", "CLA", "NOT_IN_NEED")
}
_SOURCE_DESC = {
    "6": "Police",
    "2A": "Schools",
    "3A": "Health services: GP",
    "8": "Other",
    "5A": "LA services: social care",
}


def _json(kind: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    return np.vectorize(_OUT.__getitem__, otypes=[object])(kind).astype(str) if len(kind) else kind


def simulate_referrals(ctx: Ctx) -> None:
    """Simulate every child's referrals, round by round, from the warm-up start to the end."""
    rng = ctx.rng
    years = (ctx.end - ctx.t0 + 1) / 365.25
    first_share = 1.0 - P.REREFERRAL_P * 0.85  # re-referrals make up the rest of the flow
    n_new = int(rng.poisson(P.REFERRALS_PER_10K * ctx.population / 10_000 * years * first_share))
    contact_day = np.sort(rng.integers(ctx.t0, ctx.end + 1, n_new))
    age = rng.choice(len(P.AGE_WEIGHTS), size=n_new, p=P.AGE_WEIGHTS / P.AGE_WEIGHTS.sum())
    dob = add_years(contact_day, -age) - rng.integers(1, 365, n_new)
    dob = np.maximum(dob, add_years(contact_day + 30, -18))  # still a child a month after the contact
    child = ctx.people.add(rng, dob)
    while len(child):
        close, again = _referral_round(ctx, child, contact_day)
        gap = 1 + rng.exponential(P.REREFERRAL_GAP_DAYS, len(child)).astype(np.int64)
        nxt = close + gap
        p_again = np.where(ctx.people.had_cp_plan(child), P.REREFERRAL_AFTER_CP_P, P.REREFERRAL_P)
        keep = again & (rng.random(len(child)) < p_again) & (nxt <= ctx.end)
        keep &= nxt < add_years(ctx.people.dob_of(child), 18) - 30
        child, contact_day = child[keep], nxt[keep]


def _referral_round(ctx: Ctx, child: IntArray, contact_day: IntArray) -> tuple[IntArray, BoolArray]:
    """One referral for each child; returns the closure day and whether a re-referral may follow."""
    rng, wd, n = ctx.rng, ctx.wd, len(child)
    dob = ctx.people.dob_of(child)
    adult = add_years(dob, 18)
    pid = person_ids(child)
    ref_id = ctx.out.next_ids("R", n)

    # contact and the front-door decision
    contact_sec = contact_day * 86400 + rng.integers(8 * 3600, 18 * 3600, n)
    hours = np.where(
        ctx.chance("contact_24h", contact_day), rng.uniform(0.3, 23.9, n), rng.uniform(24.2, 110, n)
    )
    decision_sec = contact_sec + (hours * 3600).astype(np.int64)
    ref_day = decision_sec // 86400
    age = age_years(dob, ref_day)
    source = pick(rng, P.SOURCES, P.SOURCE_WEIGHTS, n)
    _contacts(ctx, pid, contact_sec, decision_sec, source, np.full(n, "REFERRAL"))

    need = pick(rng, P.NEEDS, P.NEED_WEIGHTS, n)
    # the path
    nfa = rng.random(n) < P.P_NFA
    transfer = ~nfa & (rng.random(n) < P.P_TRANSFER_IN)
    # a child who has been on a plan before is likelier to be the subject of an enquiry again
    before = ctx.people.had_cp_plan(child)
    p_s47 = np.where(before, P.P_S47_AGAIN, P.P_S47 / (1 - P.P_NFA))
    s47 = ~nfa & ~transfer & (rng.random(n) < p_s47)
    teen_or_baby = np.where(age >= 13, 2.2, np.where(age == 0, 1.5, 0.5))
    direct_cla = ~nfa & ~transfer & ~s47 & (rng.random(n) < P.P_DIRECT_CLA / 0.55 * teen_or_baby / 2.2)
    uasc = direct_cla & (age >= 15) & (rng.random(n) < 0.35)
    need = np.where(uasc, "N8", need)
    assessed = ~nfa

    # assessment
    # np.busday_offset rolls a weekend back to Friday: nothing may start before the referral
    a_start = np.where(assessed, np.maximum(wd.add(ref_day, rng.integers(0, 4, n)), ref_day), NA)
    on45 = ctx.chance("assessment_45wd", ref_day)
    a_len = np.where(on45, np.rint(rng.triangular(1, 40, 45, n)), rng.integers(46, 100, n)).astype(np.int64)
    a_auth = np.where(assessed, wd.add(np.where(assessed, a_start, 0), a_len), NA)
    seen_wd = np.where(ctx.chance("seen_5wd", ref_day), rng.integers(0, 6, n), rng.integers(6, 25, n))
    first_seen = np.where(assessed, np.maximum(wd.add(ref_day, seen_wd), ref_day), NA)

    # s47 and conference
    s_start = np.maximum(wd.add(ref_day, rng.integers(0, 3, n)), ref_day)
    icpc = s47 & (rng.random(n) < np.where(before, P.P_ICPC_AGAIN, P.P_ICPC_GIVEN_S47))
    icpc_wd = np.where(ctx.chance("icpc_15wd", s_start), rng.integers(4, 16, n), rng.integers(16, 40, n))
    icpc_day = np.where(transfer, wd.add(ref_day, rng.integers(3, 12, n)), wd.add(s_start, icpc_wd))
    s_end = np.minimum(wd.add(s_start, rng.integers(3, 15, n)), np.where(icpc, icpc_day, ctx.end + 10_000))
    icpc &= icpc_day < adult - 30
    transfer &= icpc_day < adult - 30
    cp = (icpc & (rng.random(n) < P.P_CP_GIVEN_ICPC)) | transfer

    # child protection plan, its ending, and pre-proceedings
    cp_start = icpc_day
    cp_len = (
        rng.lognormal(np.log(P.CP_MEDIAN_DAYS * ctx.q("cp_length", cp_start)), P.CP_SIGMA, n).astype(np.int64)
        + 20
    )
    long_plan = rng.random(n) < P.CP_LONG_SHARE * ctx.q("cp_length", cp_start)
    cp_len = np.where(long_plan, rng.integers(735, 1150, n), cp_len)
    cp_end = cp_start + cp_len
    u = rng.random(n)
    cp_to_cla = cp & (u < P.P_CP_TO_CLA)
    cp_to_cin = cp & ~cp_to_cla & (u < P.P_CP_TO_CLA + P.P_CP_TO_CIN)
    plo = cp & np.where(cp_to_cla, rng.random(n) < 0.8, rng.random(n) < 0.12)
    plo_len = np.where(ctx.chance("plo_16wk", cp_start), rng.integers(84, 113, n), rng.integers(113, 290, n))
    plo_start = np.where(
        cp_to_cla, np.maximum(cp_start + 14, cp_end - plo_len), cp_start + rng.integers(30, 150, n)
    )
    plo_end = plo_start + plo_len
    cp_end = np.where(plo & cp_to_cla, plo_end, cp_end)
    cp_end = np.where(plo & ~cp_to_cla, np.maximum(cp_end, plo_end + rng.integers(0, 60, n)), cp_end)
    cp_end = np.minimum(cp_end, adult)
    cp_to_cin &= cp_end < adult - 30

    # not in need, or a child in need plan
    nin = (
        assessed
        & ~cp
        & ~direct_cla
        & np.where(s47, rng.random(n) < P.P_NOT_IN_NEED_S47, rng.random(n) < P.P_NOT_IN_NEED_OTHER)
    )
    cin = assessed & ~cp & ~direct_cla & ~nin & (a_auth < adult - 30)
    nin |= assessed & ~cp & ~direct_cla & ~cin
    cin_start = np.where(cin, a_auth + rng.integers(0, 11, n), NA)
    cin_len = rng.lognormal(np.log(P.CIN_PLAN_MEDIAN_DAYS), P.CIN_PLAN_SIGMA, n).astype(np.int64) + 30
    cin_end = np.minimum(cin_start + cin_len, adult)
    cin_to_cla = cin & (rng.random(n) < P.P_CIN_TO_CLA)
    # step-down from a CP plan to a CIN plan
    step_len = rng.lognormal(np.log(P.STEP_DOWN_MEDIAN_DAYS), 0.6, n).astype(np.int64) + 20
    step_start = np.where(cp_to_cin, cp_end, NA)
    step_end = np.minimum(cp_end + step_len, adult)

    # entering care
    to_cla = (direct_cla | cp_to_cla | cin_to_cla) & (
        np.where(direct_cla, ref_day, np.where(cp_to_cla, cp_end, cin_end)) < adult - 7
    )
    cla_entry = np.where(direct_cla, ref_day + rng.integers(0, 6, n), np.where(cp_to_cla, cp_end, cin_end))
    route = np.where(
        uasc,
        "uasc",
        np.where(
            direct_cla,
            np.where(age >= 12, np.where(rng.random(n) < 0.8, "s20", "ico"), "emergency"),
            np.where(
                cp_to_cla,
                np.where(plo | (rng.random(n) < 0.7), "ico", "s20"),
                np.where(age >= 10, "s20", np.where(rng.random(n) < 0.5, "ico", "s20")),
            ),
        ),
    )
    proceedings = to_cla & np.isin(route, ["ico", "emergency"])
    proc_weeks = np.where(
        ctx.chance("proceedings_26wk", cla_entry), rng.integers(16, 27, n), rng.integers(27, 60, n)
    )
    final_order = np.where(proceedings, cla_entry + proc_weeks * 7, NA)
    care_end = np.full(n, NA)
    care_kind = np.full(n, "", dtype=object).astype(str)
    idx = np.flatnonzero(to_cla)
    if len(idx):
        ce, ck = care.care_journeys(
            ctx,
            child[idx],
            cla_entry[idx],
            route[idx],
            need[idx],
            ref_id[idx],
            final_order[idx],
        )
        care_end[idx], care_kind[idx] = ce, ck
    # a child who returns home from care gets a child in need plan for a while
    post_start = np.where(care_kind == "HOME", care_end, NA)
    post_end = np.minimum(care_end + rng.integers(60, 240, n), adult)

    # closure
    close = np.where(nfa, ref_day, NA)
    close = np.where(nin, a_auth + rng.integers(0, 8, n), close)
    close = np.where(cin & ~cin_to_cla, cin_end, close)
    close = np.where(cp & ~cp_to_cin & ~cp_to_cla, cp_end, close)
    close = np.where(cp_to_cin, step_end, close)
    close = np.where(to_cla, np.where(care_kind == "HOME", post_end, care_end), close)
    # children whose care did not start (turned 18 first) close at their plan's end
    close = np.where((cp_to_cla | cin_to_cla) & ~to_cla, np.where(cp_to_cla, cp_end, cin_end), close)
    close = np.where(direct_cla & ~to_cla, np.maximum(ref_day, a_auth), close)
    close = np.where(close == NA, ref_day + 1, close)
    # the case stays open until its enquiry and conference are done
    close = np.maximum(close, np.where(s47, s_end, NA))
    close = np.maximum(close, np.where(icpc | transfer, icpc_day, NA))
    close = np.where(close > adult, adult, close)
    s_start = np.minimum(s_start, close)
    s_end = np.minimum(s_end, close)
    reason = np.full(n, "RC7")  # services ceased; NFA referrals close this way too
    # RC8/RC9 mean closed after an assessment alone: not after an s47 enquiry or a conference
    after_assessment = nin & ~s47 & ~transfer
    reason = np.where(after_assessment, np.where(rng.random(n) < P.P_NFA_EARLY_HELP, "RC9", "RC8"), reason)
    kind_reason = {"ADOPTED": "RC1", "SGO": "RC4", "CAO": "RC3", "TRANSFER": "RC5"}
    for kind, code in kind_reason.items():
        reason = np.where(care_kind == kind, code, reason)
    reason = np.where((close >= adult) & (need == "N2"), "RC6", reason)
    first_seen = np.where(assessed, np.minimum(first_seen, np.maximum(close, ref_day)), NA)
    # an assessment is always authorised by the time the case closes
    a_auth = np.where(assessed, np.minimum(a_auth, np.maximum(close, a_start)), NA)

    ctx.out.add(
        "ssd_cin_episodes",
        {
            "cine_referral_id": ref_id,
            "cine_person_id": pid,
            "cine_referral_date": ref_day,
            "cine_cin_primary_need_code": need,
            "cine_referral_source_code": source,
            "cine_referral_source_desc": np.array([_SOURCE_DESC.get(s, "Other source") for s in source]),
            "cine_referral_outcome_json": _json(np.where(nfa, "NFA", "REFERRAL")),
            "cine_referral_nfa": yn(nfa),
            "cine_close_reason": reason,
            "cine_close_date": close,
            "cine_child_first_seen_date": first_seen,
        },
    )
    a = np.flatnonzero(assessed)
    a_outcome = np.where(nin, "NOT_IN_NEED", np.where(cp | s47, "ICPC", np.where(to_cla, "CLA", "CIN")))
    a_outcome = np.where(s47 & ~icpc & ~nin, "CIN", a_outcome)
    ctx.out.add(
        "ssd_cin_assessments",
        {
            "cina_assessment_id": reprefix(ref_id[a], "A"),
            "cina_person_id": pid[a],
            "cina_referral_id": ref_id[a],
            "cina_assessment_start_date": a_start[a],
            "cina_assessment_child_seen": yn(rng.random(len(a)) < 0.97),
            "cina_assessment_auth_date": a_auth[a],
            "cina_assessment_outcome_json": _json(a_outcome[a]),
            "cina_assessment_outcome_nfa": yn(nin[a]),
        },
    )
    ctx.phases.add(
        child[a],
        ref_id[a],
        ref_day[a],
        _first_after(ref_day[a], close[a], cp_start[a], cp[a], cin_start[a], cin[a], cla_entry[a], to_cla[a]),
        "ASSESS",
    )
    _s47_and_cp(ctx, child, pid, ref_id, s47, s_start, s_end, icpc, icpc_day, transfer, cp, cp_start, cp_end)
    _plans(ctx, child, ref_id, need, cin, cin_start, np.where(cin_to_cla, cla_entry, cin_end), "CIN")
    _plans(ctx, child, ref_id, need, cp_to_cin, step_start, step_end, "CIN")
    _plans(ctx, child, ref_id, need, care_kind == "HOME", post_start, post_end, "CIN")
    _pre_proceedings(
        ctx, pid, plo, plo_start, plo_end, cp_to_cla & to_cla, proceedings & ~plo, cla_entry, final_order
    )
    ctx.episodes.add(child, ref_id, ref_day, close)
    again = ~np.isin(care_kind, ["ADOPTED", "AGE18", "TRANSFER"]) & (close < ctx.end)
    return close, again


def _first_after(start: IntArray, close: IntArray, *candidates: IntArray | BoolArray) -> IntArray:
    """The end of the assessment phase: the first later phase that happens, else closure."""
    out = close.copy()
    for day, happens in zip(candidates[0::2], candidates[1::2], strict=True):
        d = np.asarray(day, dtype=np.int64)
        out = np.where(np.asarray(happens, dtype=bool) & (d < out), d, out)
    return np.maximum(out, start)


def _contacts(
    ctx: Ctx,
    pid: npt.NDArray[np.str_],
    contact_sec: IntArray,
    decision_sec: IntArray,
    source: npt.NDArray[np.str_],
    outcome: npt.NDArray[np.str_],
) -> None:
    n = len(pid)
    ctx.out.add(
        "ssd_contacts",
        {
            "cont_contact_id": ctx.out.next_ids("K", n),
            "cont_person_id": pid,
            "cont_contact_date": pl.Series(contact_sec * 1_000_000, dtype=pl.Int64).cast(pl.Datetime("us")),
            "cont_contact_source_code": source,
            "cont_contact_source_desc": np.array([_SOURCE_DESC.get(s, "Other source") for s in source]),
            "cont_contact_outcome_json": _json(outcome),
            "cont_decision_datetime": pl.Series(decision_sec * 1_000_000, dtype=pl.Int64).cast(
                pl.Datetime("us")
            ),
            "cont_contact_team": np.full(n, "T01"),
        },
    )


def simulate_other_contacts(ctx: Ctx) -> None:
    """Contacts that do not become referrals: about new children and children already known."""
    rng = ctx.rng
    years = (ctx.end - ctx.t0 + 1) / 365.25
    total = int(
        rng.poisson(P.REFERRALS_PER_10K * ctx.population / 10_000 * years * (P.CONTACTS_PER_REFERRAL - 1))
    )
    known = rng.random(total) < 0.35
    day = rng.integers(ctx.t0, ctx.end + 1, total)
    n_new = int((~known).sum())
    age = rng.choice(len(P.AGE_WEIGHTS), size=n_new, p=P.AGE_WEIGHTS / P.AGE_WEIGHTS.sum())
    dob = add_years(day[~known], -age) - rng.integers(1, 365, n_new)
    child = np.zeros(total, dtype=np.int64)
    existing = ctx.people.size
    child[~known] = ctx.people.add(rng, dob)
    child[known] = rng.integers(0, existing, int(known.sum()))
    # a known child's contact must fall after birth and before 18
    dob_all = ctx.people.dob_of(child)
    ok = (day > dob_all) & (day < add_years(dob_all, 18))
    child, day = child[ok], day[ok]
    n = len(child)
    contact_sec = day * 86400 + rng.integers(7 * 3600, 20 * 3600, n)
    hours = np.where(ctx.chance("contact_24h", day), rng.uniform(0.2, 23.9, n), rng.uniform(24.2, 120, n))
    outcome = pick(rng, ("EARLY_HELP", "NFA", "INFO"), np.array([35.0, 45.0, 20.0]), n)
    source = pick(rng, P.SOURCES, P.SOURCE_WEIGHTS, n)
    _contacts(
        ctx, person_ids(child), contact_sec, contact_sec + (hours * 3600).astype(np.int64), source, outcome
    )


def _s47_and_cp(
    ctx: Ctx,
    child: IntArray,
    pid: npt.NDArray[np.str_],
    ref_id: npt.NDArray[np.str_],
    s47: BoolArray,
    s_start: IntArray,
    s_end: IntArray,
    icpc: BoolArray,
    icpc_day: IntArray,
    transfer: BoolArray,
    cp: BoolArray,
    cp_start: IntArray,
    cp_end: IntArray,
) -> None:
    rng = ctx.rng
    s47_id = reprefix(ref_id, "S")
    i = np.flatnonzero(s47)
    ctx.out.add(
        "ssd_s47_enquiry",
        {
            "s47e_s47_enquiry_id": s47_id[i],
            "s47e_referral_id": ref_id[i],
            "s47e_person_id": pid[i],
            "s47e_s47_start_date": s_start[i],
            "s47e_s47_end_date": s_end[i],
            "s47e_s47_nfa": yn(~icpc[i] & (rng.random(len(i)) < 0.4)),
            "s47e_s47_outcome_json": _json(np.where(icpc[i], "ICPC", "CIN")),
        },
    )
    conf = icpc | transfer
    plan_id = reprefix(ref_id, "P")
    icpc_id = reprefix(ref_id, "I")
    i = np.flatnonzero(conf)
    ctx.out.add(
        "ssd_initial_cp_conference",
        {
            "icpc_icpc_id": icpc_id[i],
            "icpc_icpc_meeting_id": reprefix(ref_id[i], "M"),
            "icpc_s47_enquiry_id": blank(transfer[i], s47_id[i]),
            "icpc_person_id": pid[i],
            "icpc_cp_plan_id": blank(~cp[i], plan_id[i]),
            "icpc_referral_id": ref_id[i],
            "icpc_icpc_transfer_in": yn(transfer[i]),
            "icpc_icpc_target_date": np.where(transfer[i], NA, ctx.wd.add(s_start[i], 15)),
            "icpc_icpc_date": icpc_day[i],
            "icpc_icpc_outcome_cp_flag": yn(cp[i]),
            "icpc_icpc_outcome_json": _json(np.where(cp[i], "CP", "CIN")),
        },
    )
    i = np.flatnonzero(cp)
    first = pick(rng, P.CP_CATEGORIES, P.CP_CATEGORY_WEIGHTS, len(i))
    latest = np.where(
        rng.random(len(i)) < 0.9, first, pick(rng, P.CP_CATEGORIES, P.CP_CATEGORY_WEIGHTS, len(i))
    )
    ctx.out.add(
        "ssd_cp_plans",
        {
            "cppl_cp_plan_id": plan_id[i],
            "cppl_referral_id": ref_id[i],
            "cppl_icpc_id": icpc_id[i],
            "cppl_person_id": pid[i],
            "cppl_cp_plan_start_date": cp_start[i],
            "cppl_cp_plan_end_date": cp_end[i],
            "cppl_cp_plan_initial_category": first,
            "cppl_cp_plan_ola": np.full(len(i), "N"),
            "cppl_cp_plan_latest_category": latest,
        },
    )
    ctx.cp_plans.add(child[i], plan_id[i], cp_start[i], cp_end[i])
    ctx.people.cp_children.update(child[i].tolist())
    ctx.phases.add(child[i], ref_id[i], cp_start[i], cp_end[i], "CP")


def _plans(
    ctx: Ctx,
    child: IntArray,
    ref_id: npt.NDArray[np.str_],
    need: npt.NDArray[np.str_],
    has: BoolArray,
    start: IntArray,
    end: IntArray,
    kind: str,
) -> None:
    i = np.flatnonzero(has & (start != NA))
    if not len(i):
        return
    plan_id = ctx.out.next_ids("N", len(i))
    end_i = np.maximum(end[i], start[i] + 1)
    ctx.out.add(
        "ssd_cin_plans",
        {
            "cinp_cin_plan_id": plan_id,
            "cinp_referral_id": ref_id[i],
            "cinp_person_id": person_ids(child[i]),
            "cinp_cin_plan_start_date": start[i],
            "cinp_cin_plan_end_date": end_i,
        },
    )
    ctx.cin_plans.add(child[i], plan_id, start[i], end_i)
    team_kind = np.where(need[i] == "N2", "DIS", kind)
    ctx.phases.add(child[i], ref_id[i], start[i], end_i, team_kind)


def _pre_proceedings(
    ctx: Ctx,
    pid: npt.NDArray[np.str_],
    plo: BoolArray,
    plo_start: IntArray,
    plo_end: IntArray,
    issued: BoolArray,
    short_notice: BoolArray,
    entry: IntArray,
    final_order: IntArray,
) -> None:
    rows = plo | short_notice
    i = np.flatnonzero(rows)
    if not len(i):
        return
    n = len(i)
    is_plo = plo[i]
    issue = np.where(is_plo, np.where(issued[i], entry[i], NA), entry[i])
    final = np.where(issue == NA, NA, final_order[i])
    rng = ctx.rng
    ctx.out.add(
        "ssd_pre_proceedings",
        {
            "prep_table_id": ctx.out.next_ids("L", n),
            "prep_person_id": pid[i],
            "prep_plo_family_id": np.char.add("F", pid[i]),
            "prep_pre_pro_decision_date": np.where(is_plo, plo_start[i], NA),
            "prep_initial_pre_pro_meeting_date": np.where(is_plo, plo_start[i] + rng.integers(7, 21, n), NA),
            "prep_pre_pro_outcome": np.where(
                is_plo, np.where(issued[i], "ISSUE", "STEP_DOWN"), "SHORT_NOTICE"
            ),
            "prep_agree_stepdown_issue_date": np.where(is_plo, plo_end[i], entry[i]),
            "prep_care_proc_short_notice": yn(~is_plo),
            "prep_care_proc_issue_date": issue,
            "prep_care_proc_final_order_date": final,
        },
    )

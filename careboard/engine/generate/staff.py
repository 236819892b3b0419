"""The workforce: teams, funded posts, social workers joining and leaving, agency cover,
supervision, and the allocation of every open case to a worker in the right team.

Each funded post is a chain of spells: a permanent occupant stays for a time drawn from the
month's turnover rate, the post then stands vacant for a while (usually covered by an agency
worker, who sometimes converts to permanent), and a new occupant starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from careboard.engine.generate.context import Ctx, person_ids
from careboard.engine.generate.days import IntArray
from careboard.engine.generate.frames import NA, blank, days_to_date, pick
from careboard.engine.generate.recurring import chain

# team id, name, service area id, service area name, kind (the phase of a case the team holds)
TEAMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("T01", "Front door (MASH)", "SA1", "Front door and assessment", "FRONT"),
    ("T02", "Assessment team 1", "SA1", "Front door and assessment", "ASSESS0"),
    ("T03", "Assessment team 2", "SA1", "Front door and assessment", "ASSESS1"),
    ("T04", "Children in need team 1", "SA2", "Children in need and protection", "CIN0"),
    ("T05", "Children in need team 2", "SA2", "Children in need and protection", "CIN1"),
    ("T06", "Child protection team 1", "SA2", "Children in need and protection", "CP0"),
    ("T07", "Child protection team 2", "SA2", "Children in need and protection", "CP1"),
    ("T08", "Children in care team 1", "SA3", "Children in care and care leavers", "CLA0"),
    ("T09", "Children in care team 2", "SA3", "Children in care and care leavers", "CLA1"),
    ("T10", "Leaving care team", "SA3", "Children in care and care leavers", "LEAVER"),
    ("T11", "Disabled children team", "SA2", "Children in need and protection", "DIS"),
    ("T12", "Independent reviewing service", "SA4", "Quality assurance", "IRO"),
)
SERVICE_AREAS = (
    ("SA1", "Front door and assessment"),
    ("SA2", "Children in need and protection"),
    ("SA3", "Children in care and care leavers"),
    ("SA4", "Quality assurance"),
    ("SA0", "Children's social care"),
)
CASELOAD = {"LEAVER": 20.0, "IRO": 55.0}  # other case-holding teams: the England average
TARGET_CASELOAD = 15.2


@dataclass
class Spells:
    """One row per person-in-post record (cb_staff)."""

    prof: npt.NDArray[np.str_]
    staff: npt.NDArray[np.str_]
    team: npt.NDArray[np.str_]
    post: npt.NDArray[np.str_]
    role: npt.NDArray[np.str_]
    agency: npt.NDArray[np.bool_]
    fte: npt.NDArray[np.float64]
    start: IntArray
    end: IntArray  # NA-free: far future when still in post
    reason: npt.NDArray[np.str_]
    case_holder: npt.NDArray[np.bool_]


def team_of_phase(kind: npt.NDArray[np.str_], patch: IntArray) -> npt.NDArray[np.str_]:
    key = np.where(np.isin(kind, ["ASSESS", "CIN", "CP", "CLA"]), np.char.add(kind, patch.astype(str)), kind)
    lookup = {k: t for t, _, _, _, k in TEAMS}
    return np.array([lookup[k] for k in key.tolist()], dtype=str) if len(key) else np.zeros(0, dtype=str)


def establishment(ctx: Ctx, stock: dict[str, float], journey: str) -> pl.DataFrame:
    """Funded posts per team, sized so caseloads sit near the England average, and how they change:
    an improving council funds about 10% more case-holding posts a year into the run, a declining
    one cuts about 8% after eighteen months, a steady one moves a few posts between teams."""
    rows: list[tuple[str, str, str, float, int, int]] = []
    t_from = ctx.t0 - 365
    occupancy = 0.96 * 0.93  # posts filled (employed or agency) x average FTE
    serial = 0
    for team, _name, _sa, _san, kind in TEAMS:
        if kind == "FRONT":
            holders = max(4, round(stock.get("FRONT", 0.0)))
        else:
            holders = max(
                3, int(np.ceil(stock.get(team, 0.0) / (CASELOAD.get(kind, TARGET_CASELOAD) * occupancy)))
            )
        role = "6" if kind in ("FRONT", "IRO") else "5"
        for _ in range(holders):
            serial += 1
            rows.append((f"PO{serial:05d}", team, role, 1.0, t_from, int(NA)))
        serial += 1
        rows.append((f"PO{serial:05d}", team, "3", 1.0, t_from, int(NA)))
        if kind not in ("IRO",):
            serial += 1
            rows.append((f"PO{serial:05d}", team, "4", 1.0, t_from, int(NA)))
    for sa, _ in SERVICE_AREAS:
        serial += 1
        rows.append((f"PO{serial:05d}", sa, "2" if sa != "SA0" else "1", 1.0, t_from, int(NA)))
    df = pl.DataFrame(
        rows, schema=["estb_post_id", "estb_team_id", "estb_role", "estb_fte", "s", "e"], orient="row"
    )
    # some posts are part-time (never a manager's)
    part = np.where(
        df["estb_role"].is_in(["1", "2", "3"]).to_numpy(),
        1.0,
        ctx.rng.choice([1.0, 0.8, 0.6], size=df.height, p=[0.8, 0.12, 0.08]),
    )
    df = df.with_columns(estb_fte=pl.Series(part))
    return _changes(ctx, df, journey, serial)


def _changes(ctx: Ctx, df: pl.DataFrame, journey: str, serial: int) -> pl.DataFrame:
    holders = df.filter(pl.col("estb_role") == "5")
    if journey == "improving":
        extra = holders.gather_every(10).with_columns(
            estb_post_id=pl.format(
                "PO{}", (pl.int_range(pl.len()) + serial + 1).cast(pl.String).str.zfill(5)
            ),
            estb_fte=pl.lit(1.0),
            s=pl.lit(ctx.start + 365, dtype=pl.Int64),
        )
        return pl.concat([df, extra])
    cut_day = ctx.start + (540 if journey == "declining" else 400)
    every = 12 if journey == "declining" else 40
    cut = set(holders.gather_every(every, offset=3)["estb_post_id"].to_list())
    df = df.with_columns(e=pl.when(pl.col("estb_post_id").is_in(list(cut))).then(cut_day).otherwise("e"))
    if journey == "steady":  # the same posts, funded again in the child protection teams
        moved = df.filter(pl.col("estb_post_id").is_in(list(cut))).with_columns(
            estb_post_id=pl.format(
                "PO{}", (pl.int_range(pl.len()) + serial + 1).cast(pl.String).str.zfill(5)
            ),
            estb_team_id=pl.lit("T06"),
            s=pl.lit(cut_day, dtype=pl.Int64),
            e=pl.lit(int(NA), dtype=pl.Int64),
        )
        df = pl.concat([df, moved])
    return df


def simulate_staff(ctx: Ctx, posts: pl.DataFrame) -> Spells:
    """Spells in post for every funded post, vectorised across posts."""
    rng = ctx.rng
    n = posts.height
    post = posts["estb_post_id"].to_numpy().astype(str)
    team = posts["estb_team_id"].to_numpy().astype(str)
    role = posts["estb_role"].to_numpy().astype(str)
    manager = np.isin(role, ["1", "2", "3"])
    years = 365.25
    t = posts["s"].to_numpy().astype(np.int64)
    post_end = posts["e"].to_numpy().astype(np.int64)
    post_end = np.where(post_end == NA, ctx.end + 100 * 365, post_end)
    cols: dict[str, list[npt.NDArray[np.generic]]] = {
        k: [] for k in ("i", "agency", "start", "end", "reason", "staff")
    }
    serial = 0

    def new_staff(k: int) -> npt.NDArray[np.str_]:
        nonlocal serial
        if k == 0:
            return np.zeros(0, dtype="<U8")
        out = np.char.add("ST", np.char.zfill(np.arange(serial + 1, serial + k + 1).astype(str), 6))
        serial += k
        return out

    # the first occupant: in post already (managers always), or the post starts vacant
    vacant0 = ~manager & (rng.random(n) < float(ctx.quality.at("vacancy_gap_years", np.array([0]))[0]) * 0.12)
    vacant0 |= t > ctx.t0  # a newly funded post starts empty and is recruited to
    occupant = new_staff(n)
    start = t.copy()
    active = np.arange(n)
    first = True
    base = ctx.t0 - 800
    horizon = np.arange(base, ctx.end + 40 * 365, dtype=np.int64)
    cum = np.cumsum(ctx.quality.at("turnover", (horizon - ctx.t0) // 30) / years)
    while active.size:
        k = len(active)
        # leaving follows the month-by-month turnover rate: walk the cumulative hazard
        scale = np.where(manager[active], 0.6, 1.0)
        h0 = np.interp(start[active] - base, np.arange(len(cum)), cum)
        target = h0 + rng.exponential(1.0, k) / scale
        stay = np.searchsorted(cum, target).astype(np.int64) + base - start[active]
        stay = np.maximum(stay, 30)
        is_vacant = vacant0[active] if first else np.zeros(k, dtype=bool)
        leave = np.minimum(np.where(is_vacant, start[active], start[active] + stay), post_end[active])
        cut = leave >= post_end[active]
        perm = ~is_vacant
        reason = pick(
            rng, ("RES1", "RES5", "RES7", "RES4", "RES8", "RES2"), np.array([72.0, 8, 8, 3, 7, 2]), k
        )
        cols["i"].append(active[perm])
        cols["agency"].append(np.zeros(int(perm.sum()), dtype=bool))
        cols["start"].append(start[active][perm])
        cols["end"].append(leave[perm])
        cols["reason"].append(np.where(cut, "RES2", reason)[perm])  # post cut: redundancy
        cols["staff"].append(occupant[active][perm])
        # the vacancy that follows, and its agency cover
        gap_mean = ctx.quality.at("vacancy_gap_years", (leave - ctx.t0) // 30) * years
        immediate = manager[active] | (rng.random(k) < 0.25)
        gap = np.where(immediate, rng.integers(0, 20, k), rng.exponential(1.0, k) * gap_mean).astype(np.int64)
        gap = np.minimum(gap, np.maximum(post_end[active] - leave, 0))
        covered = (
            ~manager[active]
            & ~cut
            & (gap > 14)
            & (rng.random(k) < ctx.quality.at("agency_cover", (leave - ctx.t0) // 30))
        )
        a_start = leave + np.minimum(rng.integers(2, 10, k), gap // 3)
        convert = covered & (rng.random(k) < 0.2)
        a_staff = new_staff(k)
        cols["i"].append(active[covered])
        cols["agency"].append(np.ones(int(covered.sum()), dtype=bool))
        cols["start"].append(a_start[covered])
        cols["end"].append((leave + gap)[covered])
        cols["reason"].append(np.where(convert[covered], "CONV", "AGENCY_END"))
        cols["staff"].append(a_staff[covered])
        nxt = new_staff(k)
        occupant[active] = np.where(convert, a_staff, nxt)
        start[active] = leave + gap
        active = active[~cut & (start[active] <= ctx.end) & (start[active] < post_end[active])]
        first = False
    i = np.concatenate(cols["i"]).astype(np.int64)
    agency = np.concatenate(cols["agency"]).astype(bool)
    s = np.concatenate(cols["start"]).astype(np.int64)
    e = np.concatenate(cols["end"]).astype(np.int64)
    staff = np.concatenate(cols["staff"]).astype(str)
    reason = np.concatenate(cols["reason"]).astype(str)
    keep = (e > s) & (s <= ctx.end)
    i, agency, s, e, staff, reason = i[keep], agency[keep], s[keep], e[keep], staff[keep], reason[keep]
    fte = posts["estb_fte"].to_numpy()[i]  # occupants, agency or not, work the post's hours
    prof = np.char.replace(staff, "ST", "SW")
    case_holder = role[i] == "5"
    order = np.lexsort((s, i))
    return Spells(
        prof=prof[order],
        staff=staff[order],
        team=team[i][order],
        post=post[i][order],
        role=role[i][order],
        agency=agency[order],
        fte=fte[order],
        start=s[order],
        end=e[order],
        reason=reason[order],
        case_holder=case_holder[order],
    )


def staff_tables(ctx: Ctx, posts: pl.DataFrame, sp: Spells) -> None:
    rng = ctx.rng
    n = len(sp.prof)
    far = sp.end > ctx.end
    # length of service: the first record of a person starting at the run's beginning joined earlier
    first_day = ctx.t0 - 365
    backdate = np.where(sp.start <= first_day, (rng.exponential(6.0, n) * 365).astype(np.int64), 0)
    la_start = sp.start - backdate
    la_start_df = pl.DataFrame({"staff": sp.staff, "la": la_start}).group_by("staff").agg(pl.col("la").min())
    la_map = dict(zip(la_start_df["staff"].to_list(), la_start_df["la"].to_list(), strict=True))
    la = np.array([la_map[s] for s in sp.staff.tolist()], dtype=np.int64)
    # one Social Work England number per person, never shared
    people = sorted(la_map)
    numbers = rng.choice(900_000, size=len(people), replace=False) + 100_000
    swe_map = dict(zip(people, (f"SW{x}" for x in numbers.tolist()), strict=True))
    swe = np.array([swe_map[s] for s in sp.staff.tolist()])
    dob = la - (rng.uniform(22, 45, n) * 365.25).astype(np.int64)
    qual = la - (rng.uniform(0, 4, n) * 365.25).astype(np.int64)
    ctx.out.add(
        "cb_staff",
        {
            "staf_record_id": ctx.out.next_ids("SR", n),
            "staf_staff_id": sp.staff,
            "staf_professional_id": sp.prof,
            "staf_team_id": sp.team,
            "staf_post_id": sp.post,
            "staf_role": sp.role,
            "staf_agency": np.where(sp.agency, "Y", "N"),
            "staf_fte": sp.fte,
            "staf_case_holder": np.where(sp.case_holder, "Y", "N"),
            "staf_start_date": sp.start,
            "staf_leaving_date": np.where(far, NA, sp.end),
            "staf_leaving_reason": blank(far | (sp.reason == "AGENCY_END"), sp.reason),
            "staf_la_start_date": la,
            "staf_sex": np.where(rng.random(n) < 0.84, "2", "1"),
            "staf_dob": dob,
            "staf_ethnicity": pick(
                rng,
                ("WBRI", "WOTH", "BAFR", "BCRB", "APKN", "AIND", "MWBC", "OOTH"),
                np.array([68.0, 6, 9, 4, 3, 3, 3, 4]),
                n,
            ),
            "staf_qualification_date": qual,
            "staf_swe_registration": swe,
        },
    )
    last = (
        pl.DataFrame(
            {
                "prof": sp.prof,
                "staff": sp.staff,
                "team": sp.team,
                "role": sp.role,
                "agency": sp.agency,
                "fte": sp.fte,
                "start": sp.start,
            }
        )
        .sort("start")
        .group_by("prof", maintain_order=True)
        .last()
        .sort("prof")
    )
    titles = {
        "1": "Assistant Director",
        "2": "Service Manager",
        "3": "Team Manager",
        "4": "Senior Practitioner",
        "5": "Social Worker",
        "6": "Social Worker",
    }
    team_names = {t: name for t, name, _, _, _ in TEAMS} | dict(SERVICE_AREAS)
    ctx.out.add(
        "ssd_professionals",
        {
            "prof_professional_id": last["prof"].to_numpy().astype(str),
            "prof_staff_id": last["staff"].to_numpy().astype(str),
            "prof_professional_name": np.char.add("Worker ", last["prof"].to_numpy().astype(str)),
            "prof_professional_job_title": np.array([titles[r] for r in last["role"].to_list()]),
            "prof_professional_department": np.array([team_names[t] for t in last["team"].to_list()]),
            "prof_full_time_equivalency": last["fte"].to_numpy(),
            "prof_agency_worker_flag": np.where(last["agency"].to_numpy(), "Y", "N"),
            "prof_team_id": last["team"].to_numpy().astype(str),
        },
    )
    est_n = posts.height
    ctx.out.add(
        "cb_establishment",
        {
            "estb_row_id": ctx.out.next_ids("ES", est_n),
            "estb_post_id": posts["estb_post_id"].to_numpy().astype(str),
            "estb_team_id": posts["estb_team_id"].to_numpy().astype(str),
            "estb_role": posts["estb_role"].to_numpy().astype(str),
            "estb_fte": posts["estb_fte"].to_numpy(),
            "estb_start_date": posts["s"].to_numpy(),
            "estb_end_date": posts["e"].to_numpy(),
        },
    )
    dept_rows = [(t, name, sa, san) for t, name, sa, san, _ in TEAMS] + [
        (sa, name, None if sa == "SA0" else "SA0", None if sa == "SA0" else "Children's social care")
        for sa, name in SERVICE_AREAS
    ]
    ctx.out.add(
        "ssd_department",
        {
            "dept_team_id": np.array([r[0] for r in dept_rows]),
            "dept_team_name": np.array([r[1] for r in dept_rows]),
            "dept_team_parent_id": np.array([r[2] for r in dept_rows], dtype=object),
            "dept_team_parent_name": np.array([r[3] for r in dept_rows], dtype=object),
        },
    )
    _supervision(ctx, sp)


def _managers_at(sp: Spells, team: npt.NDArray[np.str_], day: IntArray) -> npt.NDArray[np.object_]:
    """The team manager in post in each team on each day (None if the post was empty)."""
    out = np.full(len(team), None, dtype=object)
    is_mgr = sp.role == "3"
    for t in np.unique(team).tolist():
        q = np.flatnonzero(team == t)
        m = np.flatnonzero(is_mgr & (sp.team == t))
        if not len(m):
            continue
        active = (sp.start[m][None, :] <= day[q][:, None]) & (day[q][:, None] < sp.end[m][None, :])
        has = active.any(axis=1)
        out[q[has]] = sp.prof[m][active.argmax(axis=1)][has]
    return out


def _supervision(ctx: Ctx, sp: Spells) -> None:
    w = np.flatnonzero(np.isin(sp.role, ["4", "5", "6"]))
    i, _due, actual = chain(
        ctx, np.maximum(sp.start[w], ctx.t0), sp.end[w], [("d", 42)], "supervision", 14, 40
    )
    sup = _managers_at(sp, sp.team[w][i], actual)
    ok = sup != None  # noqa: E711
    n = int(ok.sum())
    ctx.out.add(
        "cb_supervision",
        {
            "supe_supervision_id": ctx.out.next_ids("SU", n),
            "supe_professional_id": sp.prof[w][i][ok],
            "supe_supervisor_id": sup[ok],
            "supe_supervision_date": actual[ok],
        },
    )


def allocate(ctx: Ctx, sp: Spells) -> pl.DataFrame:
    """Involvements: each phase of a case held by a worker of the phase's team, reallocated when
    the worker leaves. Returns the involvements (also added to the output)."""
    rng = ctx.rng
    person, ref, start, end, kind = ctx.phases.arrays()
    start = np.maximum(start, ctx.t0)
    keep = (end > start) & (start <= ctx.end)
    person, ref, start, end, kind = person[keep], ref[keep], start[keep], end[keep], kind[keep]
    team = team_of_phase(kind, ctx.people.patch_of(person))
    role = np.where(kind == "LEAVER", "PA", "SW")
    rows: dict[str, list[npt.NDArray[np.generic]]] = {k: [] for k in ("p", "w", "s", "e", "first")}
    holder = sp.case_holder | (sp.team == "T10") | (sp.team == "T12")
    holder &= np.isin(sp.role, ["5", "6"])
    for t in np.unique(team).tolist():
        q_phase = np.flatnonzero(team == t)
        cand = np.flatnonzero((sp.team == t) & holder)
        mgr = np.flatnonzero((sp.team == t) & (sp.role == "3"))
        _allocate_team(rng, q_phase, start, end, sp, cand, mgr, rows, ctx.end)
    # IROs for every period of care
    cla = np.flatnonzero(kind == "CLA")
    iro_rows: dict[str, list[npt.NDArray[np.generic]]] = {k: [] for k in ("p", "w", "s", "e", "first")}
    cand = np.flatnonzero((sp.team == "T12") & (sp.role == "6"))
    mgr = np.flatnonzero((sp.team == "T12") & (sp.role == "3"))
    _allocate_team(rng, cla, start, end, sp, cand, mgr, iro_rows, ctx.end)
    frames = []
    for r, role_name in ((rows, None), (iro_rows, "IRO")):
        if not r["p"]:
            continue
        p = np.concatenate(r["p"]).astype(np.int64)
        w = np.concatenate(r["w"]).astype(np.int64)
        s = np.concatenate(r["s"]).astype(np.int64)
        e = np.concatenate(r["e"]).astype(np.int64)
        first = np.concatenate(r["first"]).astype(bool)
        frames.append(
            pl.DataFrame(
                {
                    "invo_professional_id": sp.prof[w],
                    "invo_professional_role_id": role[p] if role_name is None else np.full(len(p), role_name),
                    "invo_professional_team": sp.team[w],
                    "invo_involvement_start_date": days_to_date(s),
                    "invo_involvement_end_date": days_to_date(np.where(e > ctx.end, NA, e)),
                    "invo_worker_change_reason": pl.Series(blank(first, "LEFTRL").tolist(), dtype=pl.String),
                    "invo_person_id": person_ids(person[p]),
                    "invo_referral_id": pl.Series(blank(ref[p] == "", ref[p]).tolist(), dtype=pl.String),
                }
            )
        )
    inv = pl.concat(frames).sort(
        ["invo_person_id", "invo_involvement_start_date", "invo_professional_role_id"]
    )
    inv = inv.with_columns(pl.Series("invo_involvements_id", ctx.out.next_ids("IV", inv.height)))
    return inv


def _allocate_team(
    rng: np.random.Generator,
    phases: IntArray,
    start: IntArray,
    end: IntArray,
    sp: Spells,
    cand: IntArray,
    mgr: IntArray,
    rows: dict[str, list[npt.NDArray[np.generic]]],
    last_day: int,
) -> None:
    q = phases.copy()
    t = start[phases].copy()
    first = np.ones(len(q), dtype=bool)
    pool = np.concatenate([cand, mgr])
    is_mgr = np.r_[np.zeros(len(cand), bool), np.ones(len(mgr), bool)]
    while len(q):
        active = (sp.start[pool][None, :] <= t[:, None]) & (t[:, None] < sp.end[pool][None, :])
        holders_active = active & ~is_mgr[None, :]
        use = np.where(holders_active.any(axis=1)[:, None], holders_active, active)
        weights = rng.random(use.shape) * use
        pick_ = weights.argmax(axis=1)
        found = use.any(axis=1)
        w = pool[pick_]
        w_end = np.where(found, sp.end[w], end[q])
        seg_end = np.minimum(w_end, end[q])
        rows["p"].append(q[found])
        rows["w"].append(w[found])
        rows["s"].append(t[found])
        rows["e"].append(seg_end[found])
        rows["first"].append(first[found])
        more = found & (seg_end < end[q]) & (seg_end <= last_day)
        q, t, first = q[more], seg_end[more], np.zeros(int(more.sum()), dtype=bool)


def oversight(ctx: Ctx, sp: Spells, inv: pl.DataFrame) -> None:
    """Management oversight notes on open cases, by the manager of the team holding the case."""
    person, _ref, start, end, _ = ctx.episodes.arrays()
    start = np.maximum(start, ctx.t0)
    i, _due, actual = chain(ctx, start, end, [("d", 56)], "oversight", 40, 120)
    notes = pl.DataFrame({"mano_person_id": person_ids(person[i]), "d": actual}).with_columns(
        mano_oversight_date=days_to_date(pl.Series(actual).to_numpy())
    )
    sw = (
        inv.filter(pl.col("invo_professional_role_id") != "IRO")
        .select("invo_person_id", "invo_involvement_start_date", "invo_professional_team")
        .sort("invo_involvement_start_date")
    )
    notes = notes.sort("mano_person_id", "mano_oversight_date").join_asof(
        sw,
        left_on="mano_oversight_date",
        right_on="invo_involvement_start_date",
        by_left="mano_person_id",
        by_right="invo_person_id",
        strategy="backward",
        check_sortedness=False,
    )
    notes = notes.filter(pl.col("invo_professional_team").is_not_null())
    team = notes["invo_professional_team"].to_numpy().astype(str)
    day = notes["d"].to_numpy().astype(np.int64)
    mgr = _managers_at(sp, team, day)
    n = notes.height
    kind = pick(
        ctx.rng,
        ("case direction", "supervision discussion", "allocation", "closure"),
        np.array([70.0, 20, 6, 4]),
        n,
    )
    ctx.out.add(
        "cb_management_oversight",
        {
            "mano_oversight_id": ctx.out.next_ids("MO", n),
            "mano_person_id": notes["mano_person_id"].to_numpy().astype(str),
            "mano_oversight_date": day,
            "mano_manager_id": mgr,
            "mano_oversight_kind": kind,
            "mano_team_id": team,
        },
    )

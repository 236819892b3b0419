"""Periods of care: 903-style episodes, legal statuses, placements, permanence and leaving care.

A period of care is simulated child by child (a few hundred a year in a large council, so a plain
loop is cheap) as a list of dated events (legal status changes, placement moves, the ending),
then turned into episodes: a new episode at every change of placement or legal status, contiguous
within the period, with the 903 reason for new episode (RNE) and reason ceased (REC) codes.
Recurring events of care (visits, reviews, health, PEPs, missing) are drawn afterwards for all
periods at once by :mod:`.recurring`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from careboard.engine.generate.context import CarePeriodRows as _Period
from careboard.engine.generate.context import Ctx, person_ids
from careboard.engine.generate.days import IntArray, add_years
from careboard.engine.generate.frames import NA

_FOSTER_OTHER = ("U6", "U4")
_KIN = ("U3", "U1")


def care_journeys(
    ctx: Ctx,
    child: IntArray,
    entry: IntArray,
    route: npt.NDArray[np.str_],
    need: npt.NDArray[np.str_],
    ref_id: npt.NDArray[np.str_],
    final_order: IntArray,
) -> tuple[IntArray, npt.NDArray[np.str_]]:
    """Simulate a period of care for each child; returns the day care ended and how."""
    log = ctx.care_log
    dob = ctx.people.dob_of(child)
    ends = np.zeros(len(child), dtype=np.int64)
    kinds: list[str] = []
    period_ids = ctx.out.next_ids("E", len(child))
    for i in range(len(child)):
        end, kind = _one_period(
            ctx,
            log.rows,
            int(child[i]),
            int(dob[i]),
            int(entry[i]),
            str(route[i]),
            str(need[i]),
            str(ref_id[i]),
            int(final_order[i]),
            str(period_ids[i]),
        )
        ends[i] = end
        kinds.append(kind)
        age_left = (end - int(dob[i])) / 365.25
        if kind in ("AGE18", "INDEPENDENT") and (end - entry[i]) >= 91 and age_left >= 16:
            log.leavers.append((int(child[i]), end, int(add_years(np.array([dob[i]]), 21)[0]), kind))
    log.periods.add(child, period_ids, entry, ends, np.asarray(kinds).astype(str))
    ctx.phases.add(child, ref_id, entry, ends, "CLA")
    return ends, np.asarray(kinds, dtype=str)


def _final_plan(rng: np.random.Generator, age: float) -> str:
    u = rng.random()
    if age < 5:
        return "ADOPT" if u < 0.40 else "SGO" if u < 0.65 else "HOME" if u < 0.88 else "LONG"
    if age < 12:
        return "SGO" if u < 0.25 else "CAO" if u < 0.35 else "HOME" if u < 0.68 else "LONG"
    return "SGO" if u < 0.08 else "HOME" if u < 0.35 else "LONG"


def _placement_type(rng: np.random.Generator, age: float, ls: str, first: bool, residential: float) -> str:
    u = rng.random()
    if age < 1 and first and u < 0.10:
        return "R3"
    if age >= 16:
        if u < 0.38:
            return "S1"
        if u < 0.38 + 0.20 * residential:
            return "K2"
    elif age >= 12:
        if u < 0.005:
            return "K1"
        if u < 0.005 + 0.20 * residential:
            return "K2"
    elif age >= 8 and u < 0.05 * residential:
        return "K2"
    v = rng.random()
    if ls in ("C2",) and not first and v < 0.08:
        return "P1"
    if v < 0.20:
        return _KIN[0] if first or rng.random() < 0.5 else _KIN[1]
    if v < 0.22 and age < 16:
        return "U5"
    return "U6" if first or age >= 14 or rng.random() < 0.5 else "U4"


def _provider(rng: np.random.Generator, place: str) -> str:
    if place == "P1":
        return "PR0"
    if place in ("K1", "K2", "S1", "R3"):
        return "PR4" if rng.random() < 0.8 else "PR1"
    if place.startswith("A"):
        return "PR1" if rng.random() < 0.6 else "PR5"
    return "PR1" if rng.random() < 0.6 else "PR4"


# Ofsted URNs (synthetic, 7 characters): the council's own fostering and adoption services, and
# pools of independent agencies, homes and providers. No URN for placement types the 903 exempts.
_NO_URN = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"})
_URN_POOLS = {
    "home": (100, 120),
    "foster": (300, 25),
    "adopt": (400, 8),
    "s1": (500, 30),
    "r3": (600, 5),
    "own": (700, 6),
}


def _urn(rng: np.random.Generator, place: str, provider: str) -> str | None:
    if place in _NO_URN:
        return None
    if place.startswith("U"):
        if provider == "PR1":
            return "SC999001"
        pool = "foster"
    elif place.startswith("A"):
        if provider == "PR1":
            return "SC999002"
        pool = "adopt"
    elif place in ("K1", "K2"):
        pool = "home"
    elif place == "S1":
        pool = "s1"
    else:
        pool = "r3"
    # the council's own homes and units are its own, never an independent provider's
    first, size = _URN_POOLS["own" if provider == "PR1" else pool]
    return f"SC{100000 + first * 100 + int(rng.integers(0, size)):06d}"


def _distance(rng: np.random.Generator, place: str) -> float:
    """Miles from home the placement aims at; :mod:`.geography` then picks a real postcode about
    that far away and records the DfE distance between the two postcodes."""
    if place == "P1":
        return 0.0
    median = {"K2": 30.0, "K1": 45.0, "S1": 8.0, "R3": 12.0}.get(place, 7.5)
    return round(float(rng.lognormal(np.log(median), 0.9)), 1)


def _one_period(
    ctx: Ctx,
    rows: _Period,
    child: int,
    dob: int,
    entry: int,
    route: str,
    need: str,
    ref_id: str,
    final_order: int,
    period_id: str,
) -> tuple[int, str]:
    rng = ctx.rng
    adult = int(add_years(np.array([dob]), 18)[0])
    age = (entry - dob) / 365.25
    # legal status timeline [(day, status)] and the ending
    ls: list[tuple[int, str]] = []
    end_kind = "AGE18"
    end = adult
    perm: dict[str, int] = {}
    if route in ("ico", "emergency"):
        start_ls = entry
        if route == "emergency":
            pp = rng.random() < 0.6
            ls.append((entry, "L1" if pp else "L2"))
            start_ls = entry + (int(rng.integers(1, 3)) if pp else int(rng.integers(3, 8)))
        ls.append((start_ls, "C1"))
        fo = max(final_order, start_ls + 30)
        plan = _final_plan(rng, (fo - dob) / 365.25)
        if fo >= adult:
            plan = "LONG"
        if plan == "ADOPT":
            ls.append((fo, "E1"))
            perm["adm"] = fo - int(rng.integers(30, 120))
            perm["po"] = fo
            if rng.random() < 0.12:  # the plan for adoption is reversed
                perm["reversed"] = fo + int(rng.integers(120, 400))
                ls.append((perm["reversed"] + 14, "C2"))
                end_kind, end = "AGE18", adult
            else:
                placed = fo + int(rng.lognormal(np.log(220), 0.45))
                perm["matched"] = placed - int(rng.integers(30, 90))
                perm["placed"] = placed
                perm["order"] = placed + int(rng.integers(120, 420))
                end_kind, end = "ADOPTED", perm["order"]
        elif plan in ("SGO", "CAO"):
            end_kind, end = plan, fo
            perm["order"] = fo
        elif plan == "HOME":
            if rng.random() < 0.35:  # placed with parents under a care order, then discharged
                ls.append((fo, "C2"))
                end = fo + int(rng.integers(120, 400))
            else:
                end = fo
            end_kind = "HOME"
        else:
            ls.append((fo, "C2"))
            if rng.random() < 0.4:
                end_kind, end = "HOME", fo + int(rng.exponential(700))
    else:
        ls.append((entry, "V2"))
        if route == "uasc":
            if rng.random() < 0.15:
                end_kind, end = "TRANSFER", entry + int(rng.integers(20, 120))
        elif age < 14 and rng.random() < 0.25:
            # accommodated first, care proceedings follow
            issue = entry + int(rng.integers(30, 200))
            ls.append((issue, "C1"))
            ls.append((issue + int(rng.integers(180, 365)), "C2"))
        elif rng.random() < 0.65:
            end_kind, end = "HOME", entry + int(rng.lognormal(np.log(120), 0.9)) + 3
    if end >= adult:
        end, end_kind = adult, "AGE18"
    ls = [(d, s) for d, s in ls if d < end]
    if "placed" in perm and perm["placed"] >= end:
        del perm["placed"]
    # placements: moves as a Poisson process; adoption placements at the planned day
    events: list[tuple[int, str, str]] = [(d, "LS", s) for d, s in ls[1:]]
    t = entry
    base = 0.55 if age < 5 else 0.75 if age < 12 else 1.2
    while True:
        months = (t - ctx.t0) // 30
        rate = base * float(ctx.quality.at("move_rate", np.array([months]))[0]) / 365.25
        wait = 1 + int(rng.exponential(1.0 / rate))
        if wait > 365:  # a placement that has lasted a year is likelier to last
            wait = 365 + int(rng.exponential(3.8 / rate))
        t = t + wait
        if t >= end:
            break
        events.append((t, "MOVE", ""))
    if "placed" in perm:
        events = [e for e in events if not (e[1] == "MOVE" and e[0] >= perm["placed"] - 30)]
        events.append((perm["placed"], "ADOPT", "A5" if rng.random() < 0.15 else "A6"))
    events.sort(key=lambda e: (e[0], e[1]))
    residential = float(ctx.quality.at("residential", np.array([(entry - ctx.t0) // 30]))[0])

    cur_ls = ls[0][1]
    first_place = _placement_type(rng, age, cur_ls, True, residential)
    if cur_ls in ("L1", "L2") and first_place in ("P1", "S1"):
        first_place = "U6"
    ep_start = entry
    rne = "S"
    place_no = 0
    place_ids: list[str] = []
    place_rows: list[list[object]] = []
    ep_rows: list[list[object]] = []

    def new_place(day: int, ptype: str) -> None:
        nonlocal place_no
        place_no += 1
        pid_ = f"{period_id}P{place_no:02d}"
        place_ids.append(pid_)
        provider = _provider(rng, ptype)
        place_rows.append(
            [pid_, day, ptype, _urn(rng, ptype, provider), _distance(rng, ptype), provider, NA, None]
        )

    new_place(entry, first_place)
    cur_type = first_place
    for day, kind, value in events:
        if day <= ep_start:
            day = ep_start + 1
        if day >= end:
            break
        age_now = (day - dob) / 365.25
        if kind == "LS":
            new_ls = value
            if new_ls == "V2" and cur_type == "P1":
                continue
            ep_rows.append([ep_start, rne, cur_ls, place_ids[-1], day, "X1"])
            ep_start, rne, cur_ls = day, "L", new_ls
            if cur_type == "P1" and cur_ls == "V2":
                cur_type = "U6"
        else:
            if kind == "ADOPT":
                new_type = value
                if new_type == "A5":  # the foster carers adopt: A10 counts from their placement
                    perm["foster_start"] = int(place_rows[-1][1])  # type: ignore[call-overload]
                # 903: T = new placement type with the same carers (foster carers now adopting)
                rne_new = "T" if new_type == "A5" else "P"
                reason = "PLACE" if new_type == "A5" else "LAREQ"
            else:
                new_type = _placement_type(rng, age_now, cur_ls, False, residential)
                if cur_ls == "V2" and new_type == "P1":
                    new_type = "U6"
                if cur_ls == "E1" and new_type in ("P1", "S1"):
                    new_type = "U6"
                rne_new = "P"
                reason = str(
                    rng.choice(
                        ["CARPL", "CHILD", "LAREQ", "STAND", "ALLEG", "CREQO", "OTHER"],
                        p=[0.3, 0.15, 0.3, 0.08, 0.04, 0.05, 0.08],
                    )
                )
            place_rows[-1][6] = day
            place_rows[-1][7] = reason
            ep_rows.append([ep_start, rne, cur_ls, place_ids[-1], day, "X1"])
            new_place(day, new_type)
            rows.moves.append((child, place_ids[-1], day, period_id))
            ep_start, rne, cur_type = day, rne_new, new_type
    rec = _reason_ceased(rng, end_kind, cur_type)
    ep_rows.append([ep_start, rne, cur_ls, place_ids[-1], end, rec])
    place_rows[-1][6] = end
    place_rows[-1][7] = None
    pid = person_ids(np.array([child]))[0]
    for start_, rne_, _ls, place_, ceased_, rec_ in ep_rows:
        rows.episodes.append((pid, start_, rne_, need, ceased_, rec_, period_id, ref_id, place_, entry))
    for pr in place_rows:
        rows.placements.append((pid, period_id, *pr))
    # legal statuses: one row per change, ending at the next change or the end of care
    merged: list[list[object]] = []
    for start_, _rne, ls_, _p, ceased_, _rec in ep_rows:
        if merged and merged[-1][1] == ls_:
            merged[-1][2] = ceased_
        else:
            merged.append([start_, ls_, ceased_])
    for start_, ls_, ceased_ in merged:
        rows.legal.append((pid, ls_, start_, ceased_))
    if perm:
        order_type = {"ADOPTED": "ADOPTION", "SGO": "SGO", "CAO": "CAO"}.get(end_kind)
        rows.permanence.append(
            (
                pid,
                period_id,
                perm.get("adm", NA),
                perm.get("po", NA),
                perm.get("placed", NA),
                perm.get("matched", NA),
                perm.get("reversed", NA),
                perm.get("order", NA) if order_type else NA,
                order_type,
                perm.get("foster_start", NA),
                *(_adopters(rng) if order_type == "ADOPTION" else (None, None, None)),
                str(rng.choice(["RD1", "RD2", "RD3", "RD4"], p=[0.4, 0.3, 0.2, 0.1]))
                if "reversed" in perm
                else None,
            )
        )
    return end, end_kind


def _adopters(rng: np.random.Generator) -> tuple[str, str, str]:
    """903 AD1: sex of adopters, their legal status and how many, kept consistent."""
    u = rng.random()
    if u < 0.07:
        sex = "F1" if rng.random() < 0.85 else "M1"
        return sex, "L0", "1"
    if u < 0.85:
        return "MF", "L11" if rng.random() < 0.8 else "L3", "2"
    return ("FF" if rng.random() < 0.6 else "MM"), str(rng.choice(["L12", "L2", "L4"])), "2"


def _reason_ceased(rng: np.random.Generator, kind: str, place: str) -> str:
    if kind == "ADOPTED":
        return "E12" if rng.random() < 0.8 else "E11"
    if kind == "SGO":
        code = str(rng.choice(["E45", "E46", "E47", "E48"], p=[0.35, 0.15, 0.4, 0.1]))
        # to former foster carers (E45, E46) only from a foster placement (903 rule 516)
        if not place.startswith("U"):
            code = {"E45": "E47", "E46": "E48"}.get(code, code)
        return code
    if kind == "CAO":
        return "E41"
    if kind == "HOME":
        return "E4A" if rng.random() < 0.85 else "E4B"
    if kind == "TRANSFER":
        return "E3"
    if place in ("U1", "U2", "U3", "U4", "U5", "U6") and rng.random() < 0.35:
        return "E17"
    return str(rng.choice(["E5", "E6", "E8"], p=[0.6, 0.15, 0.25]))

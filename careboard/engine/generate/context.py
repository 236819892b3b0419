"""Shared state of one council's simulation: the random generator, calendar, quality and outputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from careboard.engine.generate import params as P
from careboard.engine.generate.days import (
    BoolArray,
    FloatArray,
    IntArray,
    WorkingDays,
    add_years,
    month_index,
)
from careboard.engine.generate.frames import Tables, pick


@dataclass
class Intervals:
    """Growing columns of (person, item id, start, end) intervals, e.g. plans to visit."""

    person: list[IntArray] = field(default_factory=list)
    item: list[npt.NDArray[np.str_]] = field(default_factory=list)
    start: list[IntArray] = field(default_factory=list)
    end: list[IntArray] = field(default_factory=list)
    kind: list[npt.NDArray[np.str_]] = field(default_factory=list)

    def add(
        self,
        person: IntArray,
        item: npt.NDArray[np.str_],
        start: IntArray,
        end: IntArray,
        kind: npt.NDArray[np.str_] | str = "",
    ) -> None:
        n = len(person)
        self.person.append(np.asarray(person, dtype=np.int64))
        self.item.append(np.asarray(item).astype(str))
        self.start.append(np.asarray(start, dtype=np.int64))
        self.end.append(np.asarray(end, dtype=np.int64))
        self.kind.append(np.broadcast_to(np.asarray(kind).astype(str), (n,)).copy())

    def arrays(self) -> tuple[IntArray, npt.NDArray[np.str_], IntArray, IntArray, npt.NDArray[np.str_]]:
        if not self.person:
            e = np.zeros(0, dtype=np.int64)
            s = np.zeros(0, dtype=str)
            return e, s, e, e, s
        return (
            np.concatenate(self.person),
            np.concatenate(self.item),
            np.concatenate(self.start),
            np.concatenate(self.end),
            np.concatenate(self.kind),
        )


@dataclass
class CarePeriodRows:
    """What one period of care produced, row by row."""

    episodes: list[tuple[object, ...]] = field(default_factory=list)
    placements: list[tuple[object, ...]] = field(default_factory=list)
    legal: list[tuple[object, ...]] = field(default_factory=list)
    permanence: list[tuple[object, ...]] = field(default_factory=list)
    moves: list[tuple[object, ...]] = field(default_factory=list)


@dataclass
class CareLog:
    """Periods of care of the whole run, kept for recurring events and allocation."""

    periods: Intervals = field(default_factory=Intervals)  # item = period id (clae_cla_id)
    leavers: list[tuple[int, int, int, str]] = field(default_factory=list)  # child, left day, 21st, elig
    rows: CarePeriodRows = field(default_factory=CarePeriodRows)


@dataclass
class People:
    """Children the council has worked with; index i is person ``C{i+1:07d}``."""

    dob: list[IntArray] = field(default_factory=list)
    sex: list[npt.NDArray[np.str_]] = field(default_factory=list)
    ethnicity: list[npt.NDArray[np.str_]] = field(default_factory=list)
    patch: list[IntArray] = field(default_factory=list)
    size: int = 0
    cp_children: set[int] = field(default_factory=set)
    _dob_cache: IntArray | None = None

    def add(self, rng: np.random.Generator, dob: IntArray) -> IntArray:
        n = len(dob)
        self.dob.append(np.asarray(dob, dtype=np.int64))
        sex = np.where(rng.random(n) < 0.515, "M", "F")
        self.sex.append(sex)
        self.ethnicity.append(pick(rng, P.ETHNICITIES, P.ETHNICITY_WEIGHTS, n))
        self.patch.append(rng.integers(0, 2, n))
        idx = np.arange(self.size, self.size + n, dtype=np.int64)
        self.size += n
        self._dob_cache = None
        return idx

    def dob_of(self, idx: IntArray) -> IntArray:
        if self._dob_cache is None or len(self._dob_cache) != self.size:
            self._dob_cache = np.concatenate(self.dob) if self.dob else np.zeros(0, dtype=np.int64)
        return self._dob_cache[idx]

    def had_cp_plan(self, idx: IntArray) -> BoolArray:
        """Whether each child has been on a child protection plan before."""
        return np.isin(idx, np.fromiter(self.cp_children, dtype=np.int64, count=len(self.cp_children)))

    def patch_of(self, idx: IntArray) -> IntArray:
        return np.concatenate(self.patch)[idx] if self.patch else np.zeros(0, dtype=np.int64)


def person_ids(idx: IntArray) -> npt.NDArray[np.str_]:
    if len(idx) == 0:
        return np.zeros(0, dtype="<U8")
    return np.char.add("C", np.char.zfill((np.asarray(idx) + 1).astype(str), 7))


@dataclass
class Ctx:
    rng: np.random.Generator
    wd: WorkingDays
    quality: P.Quality
    t0: int  # first simulated day (warm-up included)
    start: int  # first day of the run asked for
    end: int  # last day of the run
    population: int
    out: Tables = field(default_factory=Tables)
    people: People = field(default_factory=People)
    # intervals collected for recurring events and allocation
    phases: Intervals = field(default_factory=Intervals)  # kind = service (ASSESS, CIN, CP, CLA, DIS, LEAVER)
    cp_plans: Intervals = field(default_factory=Intervals)
    cin_plans: Intervals = field(default_factory=Intervals)
    episodes: Intervals = field(default_factory=Intervals)
    care_log: CareLog = field(default_factory=CareLog)

    def q(self, name: str, days: IntArray) -> FloatArray:
        return self.quality.at(name, month_index(days, self.t0))

    def chance(self, name: str, days: IntArray) -> BoolArray:
        p = self.q(name, days)
        return np.asarray(self.rng.random(len(p)) < p)

    def adult_day(self, person: IntArray) -> IntArray:
        """The 18th birthday of each person."""
        return add_years(self.people.dob_of(person), 18)

    def uniform_int(self, lo: int | IntArray, hi: int | IntArray, n: int) -> IntArray:
        """Integers in [lo, hi] inclusive."""
        return np.asarray(self.rng.integers(lo, np.asarray(hi) + 1, n), dtype=np.int64)

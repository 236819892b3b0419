"""Collecting generated rows into canonical tables.

Generators add columns as numpy arrays; day numbers become ``pl.Date`` (with ``NA`` as null) only
when a table is built, once, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from careboard.engine.generate.days import IntArray
from careboard.engine.schema import table

NA = np.int64(-(2**40))  # "no date" in day-number arrays


def ids(prefix: str, start: int, n: int) -> npt.NDArray[np.str_]:
    """``n`` identifiers ``prefix`` + zero-padded serials from ``start``."""
    if n == 0:
        return np.zeros(0, dtype="<U8")
    serial = np.arange(start, start + n, dtype=np.int64).astype(str)
    return np.char.add(prefix, np.char.zfill(serial, 7))


def reprefix(ids_: npt.NDArray[np.str_], prefix: str) -> npt.NDArray[np.str_]:
    """Identifiers derived from others by swapping the one-letter prefix (R0000012 -> P0000012)."""
    if len(ids_) == 0:
        return np.zeros(0, dtype="<U8")
    return np.array([prefix + s[1:] for s in np.asarray(ids_).astype(str).tolist()], dtype=str)


def pick(
    rng: np.random.Generator, codes: Sequence[str], weights: npt.NDArray[np.float64], n: int
) -> npt.NDArray[np.str_]:
    """``n`` codes drawn with the given relative weights."""
    p = weights / weights.sum()
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), size=n, p=p)].astype(str)


def blank(mask: npt.NDArray[np.bool_], values: object) -> npt.NDArray[np.object_]:
    """``values`` as an object array with ``None`` (null) where ``mask`` is true."""
    out = np.array(np.broadcast_to(np.asarray(values, dtype=object), mask.shape), dtype=object)
    out[mask] = None
    return out


def yn(flag: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
    return np.where(flag, "Y", "N")


@dataclass
class Tables:
    """Row batches per canonical table; ``build`` turns them into conformed frames."""

    parts: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def next_ids(self, prefix: str, n: int) -> npt.NDArray[np.str_]:
        start = self.counters.get(prefix, 1)
        self.counters[prefix] = start + n
        return ids(prefix, start, n)

    def add(self, name: str, columns: dict[str, object]) -> None:
        """Add rows; columns whose name ends in a date field of the table are day numbers."""
        t = table(name)
        series: list[pl.Series] = []
        for col, values in columns.items():
            dtype = t.by_name[col].dtype
            if dtype == pl.Date and not isinstance(values, pl.Series):
                s = days_to_date(np.asarray(values, dtype=np.int64)).alias(col)
            elif isinstance(values, pl.Series):
                s = values.alias(col)
            elif isinstance(values, np.ndarray) and values.dtype == object:
                s = pl.Series(col, values.tolist(), dtype=dtype, strict=False)
            else:
                s = pl.Series(col, np.asarray(values))
            series.append(s)
        if series and len(series[0]) == 0:
            return
        self.parts.setdefault(name, []).append(t.conform(pl.DataFrame(series)))

    def build(self) -> dict[str, pl.DataFrame]:
        out: dict[str, pl.DataFrame] = {}
        for name, frames in self.parts.items():
            out[name] = pl.concat(frames, how="vertical") if frames else table(name).empty()
        return out


def days_to_date(values: IntArray) -> pl.Series:
    arr = np.asarray(values, dtype=np.int64)
    masked = np.where(arr == NA, 0, arr).astype(np.int32)
    s = pl.Series(masked).cast(pl.Date)
    return s.scatter(np.flatnonzero(arr == NA), None) if (arr == NA).any() else s

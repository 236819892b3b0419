"""Targets, RAG and direction of travel, as improvement boards use them.

``lower`` is the LOWER TARGET (the minimum acceptable standard) and ``upper`` the UPPER TARGET (the
aspiration), both read in the direction of the indicator's polarity:

- higher_is_better, e.g. oversight lower=60 upper=95: green >= 95, amber 60 to 95, red < 60;
- lower_is_better, e.g. turnover lower=23 upper=17: green <= 17, amber 17 to 23, red > 23
  (numerically lower > upper there);
- target_range: lower..upper is the acceptable band (lower <= upper): green inside, amber within
  10% of the band's width outside it, red beyond;
- context: no RAG, no direction.

Targets change over time: a council records each change with the date it applies from.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from careboard.engine.indicators.core import Indicator, Polarity

Rag = Literal["red", "amber", "green"]
Direction = Literal["improving", "worsening", "same"]

RANGE_TOLERANCE = 0.10  # share of the band's width outside it that still reads amber
_EPSILON = 1e-9


@dataclass(frozen=True)
class Target:
    indicator_id: str
    from_date: date
    lower: float | None
    upper: float | None


def targets_in_force(
    targets: Iterable[Target], indicator: Indicator, on: date
) -> tuple[float | None, float | None]:
    """(lower, upper) on ``on``: the latest target from on or before that date, else the defaults."""
    applicable = [t for t in targets if t.indicator_id == indicator.id and t.from_date <= on]
    if not applicable:
        return indicator.lower, indicator.upper
    latest = max(applicable, key=lambda t: t.from_date)
    return latest.lower, latest.upper


def rag(value: float | None, lower: float | None, upper: float | None, polarity: Polarity) -> Rag | None:
    """Red, amber or green for ``value`` against the targets; None when there is nothing to judge."""
    if value is None or polarity == "context" or (lower is None and upper is None):
        return None
    if polarity == "target_range":
        return _rag_range(value, lower, upper)
    sign = 1.0 if polarity == "higher_is_better" else -1.0
    meets_upper = upper is not None and sign * (value - upper) >= -_EPSILON
    misses_lower = lower is not None and sign * (value - lower) < -_EPSILON
    if meets_upper:
        return "green"
    if misses_lower:
        return "red"
    if upper is None:  # only a lower target, and it is met
        return "green"
    return "amber" if lower is not None else "red"


def _rag_range(value: float, lower: float | None, upper: float | None) -> Rag:
    lo = lower if lower is not None else float("-inf")
    hi = upper if upper is not None else float("inf")
    distance = _distance_outside(value, lo, hi)
    if distance <= _EPSILON:
        return "green"
    width = hi - lo if lower is not None and upper is not None else 0.0
    return "amber" if distance <= RANGE_TOLERANCE * width + _EPSILON else "red"


def _distance_outside(value: float, lo: float, hi: float) -> float:
    if value < lo:
        return lo - value
    if value > hi:
        return value - hi
    return 0.0


def direction(
    prev: float | None,
    curr: float | None,
    polarity: Polarity,
    lower: float | None = None,
    upper: float | None = None,
) -> Direction | None:
    """Whether the move from ``prev`` to ``curr`` is good news, given the polarity.

    For target_range, improving means closer to the band (``lower``..``upper``); without a band
    there is no direction.
    """
    if prev is None or curr is None or polarity == "context":
        return None
    if polarity == "target_range":
        if lower is None or upper is None:
            return None
        gain = _distance_outside(prev, lower, upper) - _distance_outside(curr, lower, upper)
    elif polarity == "higher_is_better":
        gain = curr - prev
    else:
        gain = prev - curr
    if abs(gain) <= _EPSILON:
        return "same"
    return "improving" if gain > 0 else "worsening"


def load_targets(path: str | os.PathLike[str]) -> list[Target]:
    """Targets from a CSV with columns indicator_id, from_date (YYYY-MM-DD), lower, upper.

    An empty lower/upper means no target on that side. A malformed row raises ValueError naming
    the file and line.
    """
    out: list[Target] = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"indicator_id", "from_date", "lower", "upper"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                out.append(
                    Target(
                        indicator_id=row["indicator_id"].strip(),
                        from_date=date.fromisoformat(row["from_date"].strip()),
                        lower=_optional_float(row["lower"]),
                        upper=_optional_float(row["upper"]),
                    )
                )
            except ValueError as exc:
                raise ValueError(f"{path} line {line}: {exc}") from None
    return out


def _optional_float(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None

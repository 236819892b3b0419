"""Calibration: the generated council's key measures against England.

Measures are computed with the indicator catalogue (:mod:`careboard.engine.indicators`), the same
code the scorecard uses. England's figures are bundled in ``england.csv`` (from the DfE
releases named there), so nothing outside the package is read at run time.

A measure passes when the generated value is within 15% (relative) of England's, or within three
standard errors where the counts are small: binomial for a percentage (n = the denominator),
Poisson for a rate or a ratio of counts (on the expected numerator).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import Period, PeriodKind, compute, population_at
from careboard.engine.store import Dataset

Kind = Literal["percent", "rate", "ratio"]
RELATIVE_TOLERANCE = 0.15


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    kind: Kind
    period: PeriodKind
    at_30_september: bool = False  # workforce census measures: the 30 September before year end


MEASURES: tuple[Measure, ...] = (
    Measure("referral_rate", "Referrals per 10,000 (year)", "rate", "rolling12"),
    Measure("cin_rate", "Children in need per 10,000 (31 March)", "rate", "snapshot"),
    Measure("cp_rate", "Children on a CP plan per 10,000 (31 March)", "rate", "snapshot"),
    Measure("cla_rate", "Children looked after per 10,000 (31 March)", "rate", "snapshot"),
    Measure("rereferrals_12m", "Re-referrals within 12 months (%)", "percent", "rolling12"),
    Measure("assessments_45wd", "Assessments within 45 working days (%)", "percent", "rolling12"),
    Measure("icpc_15wd", "ICPCs within 15 working days (%)", "percent", "rolling12"),
    Measure("cp_ended_2y_plus", "CP plans ending that lasted 2+ years (%)", "percent", "rolling12"),
    Measure("cla_placement_stability_short", "CLA with 3+ placements in the year (%)", "percent", "snapshot"),
    Measure(
        "cla_placement_stability_2y", "CLA 2+ years with 3+ placements in 2 years (%)", "percent", "snapshot"
    ),
    Measure("workforce_turnover", "Social worker turnover (% FTE, 30 Sept)", "percent", "rolling12", True),
    Measure("workforce_agency", "Agency worker rate (% FTE, 30 Sept)", "percent", "snapshot", True),
    Measure("workforce_vacancy", "Vacancy rate (% FTE, 30 Sept)", "percent", "snapshot", True),
    Measure("workforce_caseload", "Caseload per case-holding FTE (30 Sept)", "ratio", "snapshot", True),
)


@dataclass(frozen=True)
class Result:
    measure: Measure
    value: float | None
    numerator: float | None
    denominator: float | None
    england: float
    tolerance: float
    rule: str

    @property
    def passed(self) -> bool:
        return self.value is not None and abs(self.value - self.england) <= self.tolerance


def england() -> dict[str, float]:
    """England's value for each calibration measure, from the bundled CSV."""
    text = resources.files("careboard.engine.generate").joinpath("england.csv").read_text(encoding="utf-8")
    return {row["measure"]: float(row["value"]) for row in csv.DictReader(text.splitlines())}


def calibrate(data: Dataset, year_end: date) -> list[Result]:
    """Every calibration measure for the reporting year ending ``year_end`` (a 31 March)."""
    targets = england()
    september = date(year_end.year - 1 if year_end.month < 10 else year_end.year, 9, 30)
    results = []
    for m in MEASURES:
        as_at = september if m.at_30_september else year_end
        period = Period.ending(m.period, as_at)
        row = compute(catalogue()[m.id], data, period).row(0, named=True)
        num, den, value = row["numerator"], row["denominator"], row["value"]
        population = population_at(data, as_at) if m.kind == "rate" else None
        tolerance, rule = _tolerance(m.kind, targets[m.id], den, population)
        results.append(Result(m, value, num, den, targets[m.id], tolerance, rule))
    return results


def _tolerance(kind: Kind, expected: float, den: float | None, population: int | None) -> tuple[float, str]:
    relative = RELATIVE_TOLERANCE * expected
    if kind == "percent" and den:
        p = expected / 100
        se = 100 * math.sqrt(p * (1 - p) / den)
    elif kind == "rate" and population:
        count = expected * population / 10_000
        se = math.sqrt(count) * 10_000 / population
    elif kind == "ratio" and den:
        se = math.sqrt(expected * den) / den
    else:
        return relative, "15%"
    return (3 * se, "3 SE") if 3 * se > relative else (relative, "15%")


def markdown(results: list[Result], *, seed: int | None, population: int | None, year_end: date) -> str:
    """The calibration table as markdown."""
    head = (
        f"Reporting year ending {year_end}"
        + (
            f"; steady council, seed {seed}, {population:,} children"
            if seed is not None and population
            else ""
        )
        + ". Tolerance: 15% of England's value, or 3 standard errors where counts are small.\n\n"
    )
    lines = [
        "| measure | generated | (num / den) | England | tolerance | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        value = "n/a" if r.value is None else f"{r.value:.1f}"
        counts = _counts(r)
        lines.append(
            f"| {r.measure.label} | {value} | {counts} | {r.england:g} | ±{r.tolerance:.1f} ({r.rule}) | "
            f"{'pass' if r.passed else 'FAIL'} |"
        )
    passed = sum(r.passed for r in results)
    return head + "\n".join(lines) + f"\n\n{passed} of {len(results)} measures pass.\n"


def _counts(r: Result) -> str:
    num = "" if r.numerator is None else f"{r.numerator:,.1f}".removesuffix(".0")
    den = "" if r.denominator is None else f"{r.denominator:,.1f}".removesuffix(".0")
    return f"{num} / {den}" if den else num

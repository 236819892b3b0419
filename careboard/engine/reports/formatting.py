"""How figures read in a report: one place, so every format prints a value the same way."""

from __future__ import annotations

from careboard.engine.reports.suppression import SUPPRESSED

_PERIODS = {
    "snapshot": "on the last day of the month",
    "rolling12": "over the 12 months to the end of the month",
    "ytd": "from 1 April to the end of the month (financial year to date)",
    "month": "in the month",
}


def value(v: float | None, unit: str) -> str:
    """A value in its unit: 64.3%, 512.3 per 10,000, 1,204, 45.2 days, 17.1 per FTE."""
    if v is None:
        return "-"
    if unit == "percent":
        return f"{v:,.1f}%"
    if unit == "rate_per_10k":
        return f"{v:,.1f}"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "days":
        return f"{v:,.1f} days"
    return f"{v:,.1f}"  # per_fte, fte, score


def count(v: float | None) -> str:
    """A numerator or denominator: whole where whole (children), one decimal otherwise (FTE)."""
    if v is None:
        return "-"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def numerator(v: float | None, unit: str) -> str:
    """The numerator: for an average in days it is a total of days, so it says so."""
    text = count(v)
    return f"{text} days" if unit == "days" and v is not None else text


def target(v: float | None, unit: str) -> str:
    return "-" if v is None else value(v, unit)


def withheld_or(text: str, withheld: bool) -> str:
    return SUPPRESSED if withheld else text


def period(kind: str) -> str:
    return _PERIODS.get(kind, kind)


def unit_name(unit: str) -> str:
    return {
        "percent": "percentage",
        "rate_per_10k": "rate per 10,000 children",
        "count": "count",
        "days": "average days",
        "per_fte": "per full-time equivalent",
        "fte": "full-time equivalents",
        "score": "mean score",
    }.get(unit, unit)


def targets_sentence(lower: float | None, upper: float | None, unit: str, polarity: str) -> str:
    """The targets in words, the way the board reads them."""
    if polarity == "context":
        return "Context measure: no target."
    if lower is None and upper is None:
        return "No target set."
    if polarity == "target_range":
        return f"Acceptable range {target(lower, unit)} to {target(upper, unit)}."
    better = "higher" if polarity == "higher_is_better" else "lower"
    parts = []
    if lower is not None:
        parts.append(f"minimum standard {target(lower, unit)}")
    if upper is not None:
        parts.append(f"aspiration {target(upper, unit)}")
    return f"{better.capitalize()} is better; " + ", ".join(parts) + "."

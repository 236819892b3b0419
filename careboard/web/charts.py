"""Charts drawn on the server as small SVG: no JavaScript, nothing for the CSP to block.

Colours come from SVG presentation attributes (not style attributes, which a strict CSP forbids).
Every chart carries a text alternative; the pages also give the figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

LINE = "#1d70b8"
TARGET_LOW = "#942514"
TARGET_HIGH = "#005a30"
AXIS = "#505a5f"


def _scale(values: Sequence[float], lo_px: float, hi_px: float) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    return lo, hi


def _y(v: float, lo: float, hi: float, top: float, bottom: float) -> float:
    return bottom - (v - lo) / (hi - lo) * (bottom - top)


def sparkline(values: Sequence[float | None], label: str, width: int = 120, height: int = 32) -> SafeString:
    """A line through the known values (gaps where a month has none)."""
    known = [v for v in values if v is not None]
    title = escape(label)
    if len(known) < 2:
        return mark_safe(
            f'<span class="govuk-body-s">{"Not enough months for a trend" if not known else ""}</span>'
        )
    lo, hi = _scale(known, 0, height)
    step = (width - 4) / max(len(values) - 1, 1)
    segments: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            segments.append([])
            continue
        segments[-1].append(f"{2 + i * step:.1f},{_y(v, lo, hi, 3, height - 3):.1f}")
    paths = "".join(
        f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(s)}"/>'
        for s in segments
        if len(s) > 1
    )
    last = [p for s in segments for p in s][-1].split(",")
    dot = f'<circle cx="{last[0]}" cy="{last[1]}" r="3" fill="{LINE}"/>'
    return mark_safe(
        f'<svg class="app-sparkline" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{title}"><title>{title}</title>{paths}{dot}</svg>'
    )


def trend_chart(
    months: Sequence[date],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    label: str,
    width: int = 720,
    height: int = 280,
) -> SafeString:
    """Monthly values as a line with the lower (red dashes) and upper (green dashes) targets."""
    left, right, top, bottom = 56, width - 32, 16, height - 40  # room for the last month label
    pool = [v for seq in (values, lower, upper) for v in seq if v is not None]
    title = escape(label)
    if not pool or not months:
        return mark_safe('<p class="govuk-body">No values to chart.</p>')
    lo, hi = _scale(pool, top, bottom)
    lo, hi = min(lo, 0.0) if lo >= 0 else lo, hi + (hi - lo) * 0.05
    step = (right - left) / max(len(months) - 1, 1)

    def line(seq: Sequence[float | None], colour: str, dash: str = "") -> str:
        pts = [
            f"{left + i * step:.1f},{_y(v, lo, hi, top, bottom):.1f}"
            for i, v in enumerate(seq)
            if v is not None
        ]
        if len(pts) < 2:
            return ""
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} points="{" ".join(pts)}"/>'

    ticks = []
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        y = _y(v, lo, hi, top, bottom)
        ticks.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e6e7"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{AXIS}">'
            f"{v:,.0f}</text>"
        )
    labels = "".join(
        f'<text x="{left + i * step:.1f}" y="{bottom + 18}" text-anchor="middle" '
        f'font-size="12" fill="{AXIS}">'
        f"{m:%b %y}</text>"
        for i, m in enumerate(months)
        if i % 2 == (len(months) - 1) % 2
    )
    dots = "".join(
        f'<circle cx="{left + i * step:.1f}" cy="{_y(v, lo, hi, top, bottom):.1f}" r="3.5" fill="{LINE}"/>'
        for i, v in enumerate(values)
        if v is not None
    )
    body = (
        "".join(ticks)
        + f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{AXIS}"/>'
        + line(lower, TARGET_LOW, "6 4")
        + line(upper, TARGET_HIGH, "2 3")
        + line(values, LINE)
        + dots
        + labels
    )
    return mark_safe(
        f'<svg class="app-chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{title}"><title>{title}</title>{body}</svg>'
    )

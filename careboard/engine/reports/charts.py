"""Trend charts: an indicator's last months with the targets in force, drawn offline.

A chart is laid out once as a handful of shapes (lines, rectangles, dots, text) and each shape list
is written out two ways: SVG text for the HTML report (text stays text: searchable, tiny) and PNG
for Word and PDF, painted with Pillow at twice the size and scaled down for smooth lines. Why not
matplotlib: it drew each chart in 0.12 to 0.15 s here, six seconds for a forty-indicator report,
against a ten-second budget that must also cover the indicators; these charts need a line, two
target lines and a few labels, which this module draws in a few milliseconds. Text uses Bitstream
Vera, the font reportlab ships, so nothing depends on the fonts of the machine. Output is
deterministic: the same chart gives the same bytes.
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont

from careboard.engine.reports.model import Chart

__all__ = ["Chart", "Dot", "Line", "Rect", "Shape", "Text", "layout", "png", "svg"]

WIDTH, HEIGHT = 640, 206
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 470, 26, 166
FONT_SIZE = 11
LINE = "#1f4e79"
LOWER = "#b03a2e"
UPPER = "#2e7d32"
BAND = "#d8ecd9"
GRID = "#dddddd"
TEXT = "#222222"
PNG_SCALE = 1.5  # 960 px across 16 cm: 150 dpi in print
PAINT_SCALE = 3  # painted larger, then halved: Pillow draws lines without smoothing
FONT_FILE = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
_UNIT_LABEL = {
    "percent": "%",
    "rate_per_10k": "per 10,000",
    "count": "number",
    "days": "days",
    "per_fte": "per FTE",
    "fte": "FTE",
    "score": "mean score",
}


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    colour: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    anchor: str = "start"  # start | middle | end
    colour: str = TEXT
    size: float = FONT_SIZE


Shape = Line | Rect | Dot | Text


# --- layout ---------------------------------------------------------------------------------------


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``high``: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    top = math.ceil(high / step - 1e-9) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


def _label(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def layout(chart: Chart) -> list[Shape]:
    """The chart as shapes in a WIDTH x HEIGHT box."""
    values = [p.value for p in chart.points]
    known = [v for v in (*values, *chart.lower, *chart.upper) if v is not None]
    high = 100.0 if chart.unit == "percent" else max(known, default=1.0) * 1.1
    ticks = nice_ticks(high)
    top = ticks[-1]
    n = max(len(chart.points), 1)
    width = (PLOT_RIGHT - PLOT_LEFT) / n

    def x(i: float) -> float:
        return PLOT_LEFT + (i + 0.5) * width

    def y(v: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (v / top if top else 0.0)

    shapes: list[Shape] = []
    for t in ticks:
        shapes.append(Line(((PLOT_LEFT, y(t)), (PLOT_RIGHT, y(t))), GRID, 0.8))
        shapes.append(Text(PLOT_LEFT - 5, y(t) + 4, _label(t), "end"))
    shapes.append(Text(4, 11, _UNIT_LABEL.get(chart.unit, chart.unit)))
    shapes += _targets(chart, x, y, width)
    shapes += _value_line(values, x, y)
    for i, p in enumerate(chart.points):
        shapes.append(Text(x(i), PLOT_BOTTOM + 15, f"{p.month:%b}", "middle"))
        if i == 0 or p.month.month == 1:
            shapes.append(Text(x(i), PLOT_BOTTOM + 29, f"{p.month:%Y}", "middle"))
    shapes.append(Line(((PLOT_LEFT, PLOT_BOTTOM), (PLOT_RIGHT, PLOT_BOTTOM)), TEXT, 1.0))
    shapes += _legend(chart)
    return shapes


def _targets(chart: Chart, x: object, y: object, width: float) -> list[Shape]:
    assert callable(x) and callable(y)
    out: list[Shape] = []
    if chart.polarity == "context":
        return out
    for i in range(len(chart.points)):
        left, right = x(i) - width / 2, x(i) + width / 2
        lo, hi = chart.lower[i], chart.upper[i]
        if chart.polarity == "target_range":
            if lo is not None and hi is not None:
                out.append(Rect(left, y(hi), right - left, y(lo) - y(hi), BAND))
            continue
        if lo is not None:
            out.append(Line(((left, y(lo)), (right, y(lo))), LOWER, 1.3, (5, 3)))
        if hi is not None:
            out.append(Line(((left, y(hi)), (right, y(hi))), UPPER, 1.3, (2, 2)))
    return out


def _value_line(values: list[float | None], x: object, y: object) -> list[Shape]:
    assert callable(x) and callable(y)
    out: list[Shape] = []
    run: list[tuple[float, float]] = []
    for i, v in enumerate([*values, None]):
        if v is not None:
            run.append((x(i), y(v)))
            continue
        if len(run) > 1:
            out.append(Line(tuple(run), LINE, 2.0))
        run = []
    out += [Dot(x(i), y(v), 2.8, LINE) for i, v in enumerate(values) if v is not None]
    return out


def _legend(chart: Chart) -> list[Shape]:
    entries: list[tuple[Shape, str]] = []
    left = PLOT_RIGHT + 16

    def row(k: int) -> float:
        return PLOT_TOP + 8 + 17 * k

    entries.append((Line(((left, row(0)), (left + 22, row(0))), LINE, 2.0), "Value"))
    if chart.polarity == "target_range":
        entries.append((Rect(left, row(1) - 5, 22, 10, BAND), "Acceptable range"))
    elif chart.polarity != "context":
        if any(v is not None for v in chart.lower):
            entries.append(
                (Line(((left, row(1)), (left + 22, row(1))), LOWER, 1.3, (5, 3)), "Minimum standard")
            )
        if any(v is not None for v in chart.upper):
            k = len(entries)
            entries.append((Line(((left, row(k)), (left + 22, row(k))), UPPER, 1.3, (2, 2)), "Aspiration"))
    out: list[Shape] = []
    for k, (shape, label) in enumerate(entries):
        out += [shape, Text(left + 28, row(k) + 4, label)]
    if chart.withheld_months:
        out.append(Text(left, row(len(entries)) + 4, f"{chart.withheld_months} month(s) withheld [c]"))
    return out


# --- SVG ------------------------------------------------------------------------------------------


def _svg_shape(s: Shape) -> str:
    if isinstance(s, Line):
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in s.points)
        dash = f' stroke-dasharray="{s.dash[0]:g} {s.dash[1]:g}"' if s.dash else ""
        return f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="{s.width:g}"{dash}/>'
    if isinstance(s, Rect):
        return f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.colour}"/>'
    if isinstance(s, Dot):
        return f'<circle cx="{s.x:.1f}" cy="{s.y:.1f}" r="{s.r:g}" fill="{s.colour}"/>'
    return (
        f'<text x="{s.x:.1f}" y="{s.y:.1f}" text-anchor="{s.anchor}" font-size="{s.size:g}" '
        f'fill="{s.colour}">{escape(s.text)}</text>'
    )


def svg(chart: Chart) -> str:
    """The chart as an inline <svg> element, with a title for screen readers."""
    body = "".join(_svg_shape(s) for s in layout(chart))
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" font-family="Verdana, DejaVu Sans, sans-serif">'
        f"<title>{escape(chart.title)}: monthly trend</title>{body}</svg>"
    )


# --- PNG ------------------------------------------------------------------------------------------


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size)


def _dashed(points: tuple[tuple[float, float], ...], dash: tuple[float, float]) -> list[tuple[float, ...]]:
    """Straight pieces of a dashed polyline (Pillow draws only solid lines)."""
    pieces: list[tuple[float, ...]] = []
    on, off = dash
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < length:
            end = min(t + on, length)
            pieces.append(
                (
                    x0 + (x1 - x0) * t / length,
                    y0 + (y1 - y0) * t / length,
                    x0 + (x1 - x0) * end / length,
                    y0 + (y1 - y0) * end / length,
                )
            )
            t = end + off
    return pieces


def _paint(draw: ImageDraw.ImageDraw, s: Shape, k: float) -> None:
    if isinstance(s, Line):
        pts = tuple((px * k, py * k) for px, py in s.points)
        width = max(1, round(s.width * k))
        if s.dash:
            for x0, y0, x1, y1 in _dashed(pts, (s.dash[0] * k, s.dash[1] * k)):
                draw.line([(x0, y0), (x1, y1)], fill=s.colour, width=width)
        else:
            draw.line(list(pts), fill=s.colour, width=width, joint="curve")
    elif isinstance(s, Rect):
        draw.rectangle([s.x * k, s.y * k, (s.x + s.w) * k, (s.y + s.h) * k], fill=s.colour)
    elif isinstance(s, Dot):
        draw.ellipse([(s.x - s.r) * k, (s.y - s.r) * k, (s.x + s.r) * k, (s.y + s.r) * k], fill=s.colour)
    else:
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
        draw.text((s.x * k, s.y * k), s.text, fill=s.colour, font=_font(round(s.size * k)), anchor=anchor)


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes, WIDTH x HEIGHT scaled by PNG_SCALE for print."""
    k = PAINT_SCALE
    image = Image.new("RGB", (WIDTH * k, HEIGHT * k), "white")
    draw = ImageDraw.Draw(image)
    for shape in layout(chart):
        _paint(draw, shape, k)
    image = image.reduce(2)  # box filter: smooth enough for lines, several times faster than LANCZOS
    # a chart has a few colours and their blends: a 64-colour palette looks the same, and the
    # file is a third of the size and quicker to write
    image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # fastest: encoding dominated the time
    return buffer.getvalue()

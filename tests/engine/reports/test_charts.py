from datetime import date

from PIL import Image

from careboard.engine.calendar import month_ends
from careboard.engine.reports import charts
from careboard.engine.reports.model import Chart, ChartPoint


def chart(values, polarity="higher_is_better", lower=60.0, upper=95.0, unit="percent"):
    ends = month_ends(date(2026, 10, 31), len(values))
    n = len(values)
    return Chart(
        "X",
        "A title & more",
        unit,
        polarity,
        tuple(map(ChartPoint, ends, values)),
        (lower,) * n,
        (upper,) * n,
    )


def test_ticks_are_round_numbers_covering_the_top_value():
    assert charts.nice_ticks(100) == [0, 25, 50, 75, 100]
    assert charts.nice_ticks(33) == [0, 10, 20, 30, 40]
    assert charts.nice_ticks(0) == [0.0, 1.0]


def test_the_svg_has_the_targets_and_a_gap_where_a_month_is_missing():
    svg = charts.svg(chart([50.0, 55.0, None, 60.0, 62.0]))
    assert svg.startswith("<svg") and "<title>A title &amp; more: monthly trend</title>" in svg
    assert "Minimum standard" in svg and "Aspiration" in svg
    # two pieces of value line, broken at the gap, and the legend's sample of it
    assert svg.count('stroke="#1f4e79" stroke-width="2"') == 3
    assert svg.count("<circle") == 4


def test_a_range_target_is_drawn_as_a_band_and_context_has_no_targets():
    assert "Acceptable range" in charts.svg(chart([12.0, 14.0], "target_range", 12.0, 16.0, "count"))
    svg = charts.svg(chart([1.0, 2.0], "context", None, None, "count"))
    assert "Minimum standard" not in svg and "Acceptable range" not in svg


def test_the_png_is_an_image_of_the_chart_size():
    import io

    image = Image.open(io.BytesIO(charts.png(chart([50.0, 60.0, 70.0]))))
    assert image.size == (int(charts.WIDTH * charts.PNG_SCALE), int(charts.HEIGHT * charts.PNG_SCALE))


def test_the_same_chart_gives_the_same_bytes():
    c = chart([50.0, 60.0])
    assert charts.png(c) == charts.png(c) and charts.svg(c) == charts.svg(c)

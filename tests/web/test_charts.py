from datetime import date

from careboard.web.charts import sparkline, trend_chart


def test_a_sparkline_is_an_svg_image_with_a_text_alternative():
    svg = sparkline([1.0, 2.0, None, 4.0, 3.0], "Visits: from 1 to 3")
    assert svg.startswith('<svg class="app-sparkline" role="img"')
    assert 'aria-label="Visits: from 1 to 3"' in svg and "<title>Visits: from 1 to 3</title>" in svg
    assert svg.count("<polyline") == 2  # the gap splits the line
    assert "style=" not in svg  # the CSP forbids style attributes


def test_a_sparkline_needs_two_values():
    assert "<svg" not in sparkline([None, 5.0], "x")


def test_labels_are_escaped():
    assert "<b>" not in sparkline([1.0, 2.0], "<b>bold</b>")


def test_a_trend_chart_draws_values_and_both_targets():
    months = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    svg = trend_chart(months, [50.0, 60.0, 70.0], [60.0] * 3, [90.0] * 3, "Trend")
    assert svg.count("<polyline") == 3
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="2 3"' in svg
    assert "Jan 26" in svg or "Feb 26" in svg


def test_a_trend_chart_without_values_says_so():
    assert "No values to chart" in trend_chart([date(2026, 1, 31)], [None], [None], [None], "Trend")

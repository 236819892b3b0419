"""A small literal scorecard in the shape the indicator engine returns, for report tests."""

from datetime import date

import polars as pl
import pytest

from careboard.engine.calendar import month_ends
from careboard.engine.indicators.core import Indicator, empty_rows
from careboard.engine.reports.monthly import Figures, Request

AS_AT = date(2026, 10, 31)


def _no_rows(data, period, settings):
    return empty_rows()


def make_indicator(id, title, area, unit, polarity, lower=None, upper=None):
    return Indicator(
        id=id,
        title=title,
        area=area,
        definition=f"Definition of {title}.",
        numerator=f"Numerator of {title}.",
        denominator=f"Denominator of {title}." if unit != "count" else "",
        unit=unit,
        polarity=polarity,
        period_kind="snapshot",
        timescale="",
        timescale_ref=None,
        national_ref=None,
        lower=lower,
        upper=upper,
        rows=_no_rows,
    )


INDICATORS = {
    i.id: i
    for i in (
        make_indicator("OV01", "Open cases with management oversight in 8 weeks", "Management oversight",
                       "percent", "higher_is_better", 60, 95),
        make_indicator("CLA01", "Children in residential placements", "Children in care", "count",
                       "lower_is_better", 30, 11),
        make_indicator("CLA02", "Initial health assessments within 20 working days", "Children in care",
                       "percent", "higher_is_better", 50, 80),
        make_indicator("FD01", "Contacts decided within 24 hours", "Front door", "percent",
                       "higher_is_better", 70, 90),
        make_indicator("DM01", "Children in care per 10,000", "Demand", "rate_per_10k", "context"),
    )
}  # fmt: skip


def card_rows():
    """(id, value, numerator, denominator, lower, upper, rag, previous, direction, england, series)."""
    return [
        ("OV01", 72.5, 290.0, 400.0, 60.0, 95.0, "amber", 70.0, "improving", None, [60.0 + i for i in range(13)]),  # noqa: E501
        ("CLA01", 24.0, 24.0, None, 30.0, 11.0, "amber", 26.0, "improving", None, [30.0 - i / 2 for i in range(13)]),  # noqa: E501
        ("CLA02", 60.0, 3.0, 5.0, 50.0, 80.0, "amber", 25.0, "improving", 77.0, [25.0] * 12 + [60.0]),
        ("FD01", 55.0, 110.0, 200.0, 70.0, 90.0, "red", 65.0, "worsening", None, [65.0] * 12 + [55.0]),
        ("DM01", 70.3, 350.0, None, None, None, None, 69.0, None, 70.0, [69.0] * 12 + [70.3]),
    ]  # fmt: skip


def card_frame(rows=None, group=None):
    rows = rows if rows is not None else card_rows()
    records = []
    for id, value, num, den, lower, upper, rag, prev, direction, england, series in rows:
        ind = INDICATORS[id]
        records.append(
            {
                "id": id, "title": ind.title, "area": ind.area, "unit": ind.unit, "polarity": ind.polarity,
                "group": group, "period_end": AS_AT, "value": value, "numerator": num, "denominator": den,
                "lower": lower, "upper": upper, "rag": rag, "previous_value": prev, "direction": direction,
                "england": england, "series": series,
            }
        )  # fmt: skip
    return pl.DataFrame(records, schema_overrides={"series": pl.List(pl.Float64), "group": pl.String})


def monthly_frame(rows=None):
    """The series with counts: every month safe (numerator 100 of 200) except what the card says."""
    rows = rows if rows is not None else card_rows()
    ends = month_ends(AS_AT, 13)
    records = []
    for id, _value, num, den, *_rest, series in rows:
        for i, end in enumerate(ends):
            last = i == len(ends) - 1
            records.append(
                {
                    "indicator_id": id,
                    "period_end": end,
                    "numerator": num if last else 100.0,
                    "denominator": den if last else (None if den is None else 200.0),
                    "value": series[i],
                }
            )
    return pl.DataFrame(records)


@pytest.fixture
def figures():
    return Figures(
        card=card_frame(),
        monthly=monthly_frame(),
        neighbours={"CLA02": (40.0, "2025"), "DM01": (80.0, "2025")},
        england_years={"CLA02": "2025", "DM01": "2025"},
    )


@pytest.fixture
def request_for():
    def make(audience="board", **kw):
        return Request(as_at=AS_AT, audience=audience, council="Anyshire", **kw)

    return make

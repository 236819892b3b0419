from datetime import date

import polars as pl
import pytest

from careboard.web.data import closing, loads
from careboard.web.data.models import Commentary, MonthClose, MonthlyValue, Target
from careboard.web.data.values import month_values
from tests.web import factories

FEB = date(2026, 2, 28)


def council(close: MonthClose, indicator_id: str) -> MonthlyValue:
    return MonthlyValue.objects.get(
        close=close, indicator_id=indicator_id, group_kind="council", superseded=False
    )


def test_closing_stores_values_for_council_teams_and_workers_with_targets_and_rag(loaded):
    close = closing.close_month(FEB, "pat")
    visits = council(close, "TV01")
    # C1 visited on 20 Jan (within 30 days of 28 Feb? no: 39 days), C2 and C3 never: 0 of 3
    assert (visits.numerator, visits.denominator, visits.value) == (0.0, 3.0, 0.0)
    assert (visits.lower, visits.upper, visits.rag) == (60.0, 90.0, "red")
    teams = MonthlyValue.objects.filter(close=close, indicator_id="TV01", group_kind="team")
    assert sorted(teams.values_list("group_id", flat=True)) == ["T1", "T2", "T3"]
    workers = MonthlyValue.objects.filter(close=close, indicator_id="TV01", group_kind="worker")
    assert sorted(workers.values_list("group_id", flat=True)) == ["W1", "W2", "W3"]


def test_a_closed_month_keeps_its_values_when_the_data_changes(loaded):
    closing.close_month(FEB, "pat")
    tables = factories.tables()
    tables["ssd_cin_visits"] = tables["ssd_cin_visits"].with_columns(
        cinv_cin_visit_date=pl.Series([date(2026, 2, 20), date(2026, 2, 21)])
    )
    new = loads.store_load(tables, [], files=["b"], by_name="pat")
    stored, closed = month_values(new, loads.dataset_for(new), FEB, "council")
    assert closed
    assert next(v for v in stored if v.indicator_id == "TV01").value == 0.0


def test_closing_a_closed_month_again_is_refused(loaded):
    closing.close_month(FEB, "pat")
    with pytest.raises(closing.CloseRefused, match="already closed"):
        closing.close_month(FEB, "pat")


def test_a_recompute_needs_a_reason_and_keeps_the_old_values(loaded):
    first = closing.close_month(FEB, "pat")
    Target.objects.create(
        indicator_id="TV01", from_date=date(2025, 4, 1), lower=0, upper=50, set_by_name="pat", reason="r"
    )
    with pytest.raises(closing.CloseRefused, match="reason"):
        closing.close_month(FEB, "pat", recompute=True)
    second = closing.close_month(FEB, "sam", recompute=True, reason="targets corrected")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert second.reason == "targets corrected" and second.closed_by_name == "sam"
    assert MonthlyValue.objects.filter(close=first, superseded=True).count() > 0
    assert council(second, "TV01").rag == "amber"


def test_a_month_not_yet_ended_in_the_data_cannot_be_closed(loaded):
    with pytest.raises(closing.CloseRefused, match="has not ended"):
        closing.close_month(date(2026, 3, 31), "pat")


def test_only_a_month_end_can_be_closed(loaded):
    with pytest.raises(closing.CloseRefused, match="last day"):
        closing.close_month(date(2026, 2, 27), "pat")


def test_sign_off_needs_commentary_on_every_red_indicator(loaded):
    close = closing.close_month(FEB, "pat")
    with pytest.raises(closing.CloseRefused, match="TV01"):
        closing.sign_off(close, "pat")
    Commentary.objects.create(
        indicator_id="TV01", period_end=FEB, text="Visits recovering", written_by_name="pat"
    )
    closing.sign_off(close, "pat")
    close.refresh_from_db()
    assert close.signed_off_by_name == "pat" and close.signed_off_at is not None

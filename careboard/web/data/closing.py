"""Month close: compute and store a month's values so last month's scorecard does not shift.

Closing a month already closed is refused unless it is a deliberate recompute, which needs a
reason and keeps the old values (marked superseded) beside the new ones.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from careboard.engine.calendar import month_end
from careboard.web.data import values as stored
from careboard.web.data.loads import current_dataset
from careboard.web.data.models import Commentary, MonthClose, MonthlyValue
from careboard.web.data.values import compute_values, engine_targets, live_close


class CloseRefused(Exception):
    """The month cannot be closed (or signed off) as asked; the message says why."""


def close_month(period_end: date, by_name: str, *, recompute: bool = False, reason: str = "") -> MonthClose:
    if period_end != month_end(period_end):
        raise CloseRefused(f"{period_end} is not the last day of a month")
    if recompute and not reason.strip():
        raise CloseRefused("a recompute needs a reason")
    load, data = current_dataset()
    if load.as_at is not None and period_end > load.as_at:
        raise CloseRefused(f"the current data runs to {load.as_at}: month ending {period_end} has not ended")
    previous = live_close(period_end)
    if previous is not None and not recompute:
        raise CloseRefused(f"month ending {period_end} is already closed (use a recompute with a reason)")
    values = compute_values(data, period_end, engine_targets())
    with transaction.atomic():
        if previous is not None:
            MonthlyValue.objects.filter(close=previous).update(superseded=True)
            MonthClose.objects.filter(pk=previous.pk).update(superseded=True)
        close = MonthClose.objects.create(
            period_end=period_end,
            load=load,
            closed_by_name=by_name,
            recompute=recompute,
            reason=reason.strip(),
        )
        MonthlyValue.objects.bulk_create(
            [
                MonthlyValue(
                    close=close,
                    load=load,
                    indicator_id=v.indicator_id,
                    period_start=v.period_start,
                    period_end=v.period_end,
                    group_kind=v.group_kind,
                    group_id=v.group_id,
                    numerator=v.numerator,
                    denominator=v.denominator,
                    value=v.value,
                    lower=v.lower,
                    upper=v.upper,
                    rag=v.rag,
                )
                for v in values
            ],
            batch_size=2000,
        )
    return close


def reds_without_commentary(close: MonthClose) -> list[str]:
    """Indicators red for the council in ``close`` that have no commentary for that month."""
    reds = set(
        MonthlyValue.objects.filter(
            close=close, superseded=False, group_kind="council", rag="red"
        ).values_list("indicator_id", flat=True)
    )
    written = set(
        Commentary.objects.filter(period_end=close.period_end, indicator_id__in=reds)
        .exclude(text="")
        .values_list("indicator_id", flat=True)
    )
    order = list(stored.indicators())
    return sorted(reds - written, key=lambda i: order.index(i) if i in order else len(order))


def sign_off(close: MonthClose, by_name: str) -> None:
    missing = reds_without_commentary(close)
    if missing:
        raise CloseRefused("commentary is required for red indicators: " + ", ".join(missing))
    MonthClose.objects.filter(pk=close.pk).update(signed_off_at=timezone.now(), signed_off_by_name=by_name)

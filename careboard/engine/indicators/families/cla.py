"""Children in care: the looked-after population, reviews, visits, health, education and stability.

Shared conventions of the families in this package (also used by permanence, care leavers and
oversight, which import the helpers below):

- A *period of care* is the set of 903 episodes sharing ``clae_cla_id``; it starts on the entered
  care date and ends on the last episode's ceased date (open while any episode is open). A child is
  looked after on a date when a period of care started on or before it and ended after it (the
  903 rule for "looked after at 31 March"). Periods of care that began under a short-break legal
  status (V3/V4) are left out throughout, as the DfE leaves them out of its looked-after figures.
- *Timeliness of events* (reviews, visits, health assessments, notices): each thing that falls due
  is one row with its due date and the date it was done. A row is reported in the period in which
  its outcome became known: the day it was done if done in time, otherwise the day after it fell
  due (from then on it is late whatever happens). So each item is counted once in a monthly series,
  and the rows of a period list the late ones alongside those done in time.
- *Up to date at the period end* (health, PEP, oversight...): one row per child in the population
  at the period end; ``done_date`` is the latest time the thing was done, ``due_date`` when the
  next one is due; the child counts in the numerator when that due date is not before the period
  end (a child whose first one is not yet due counts as up to date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from careboard.engine.calendar import add_months_expr, add_working_days_expr
from careboard.engine.indicators.core import (
    Period,
    Settings,
    cached,
    days_overdue_expr,
    finish_rows,
    in_periods,
    indicator_periods,
    open_in_periods,
    with_allocation,
)
from careboard.engine.store import Dataset

AREA = "Children in care"
SHORT_BREAK_LEGAL_STATUSES = ("V3", "V4")
PLACED_FOR_ADOPTION_TYPES = ("A3", "A4", "A5", "A6")
_FIRST_REVIEW_WORKING_DAYS = 20  # CPPCR 2010 reg 33(1)
_FIRST_VISIT_DAYS = 7  # CPPCR 2010 reg 28(2)(a)
_VISIT_DAYS = 42  # six weeks, reg 28(2)(b),(c)
_PEP_WORKING_DAYS = 10  # care plan (incl. PEP) within 10 working days of entry, reg 4-5
PERIOD_END = pl.col("period_end")


# --- shared helpers --------------------------------------------------------------------------------


def age_expr(dob: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Age in whole years on the date ``on`` (null when either is null)."""

    def month_day(d: pl.Expr) -> pl.Expr:  # month and day are Int8: widen before arithmetic
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    birthday_not_reached = month_day(on) < month_day(dob)
    return (on.dt.year() - dob.dt.year() - birthday_not_reached.cast(pl.Int32)).cast(pl.Int64)


def people(data: Dataset) -> pl.DataFrame:
    """[person_id, dob]: one row per child."""

    def build() -> pl.DataFrame:
        return (
            data["ssd_person"]
            .select(person_id=pl.col("pers_person_id"), dob=pl.col("pers_dob"))
            .filter(pl.col("person_id").is_not_null())
            .unique("person_id", keep="first")
        )

    frame: pl.DataFrame = cached(data, "cla.people", build)
    return frame


def care_periods(data: Dataset) -> pl.DataFrame:
    """One row per period of care: [cla_id, person_id, entered, left (null = open)], no short breaks."""

    def build() -> pl.DataFrame:
        episodes = data["ssd_cla_episodes"].filter(
            pl.col("clae_person_id").is_not_null() & pl.col("clae_cla_episode_start_date").is_not_null()
        )
        entered = pl.coalesce("clae_entered_care_date", "clae_cla_episode_start_date")
        episodes = episodes.with_columns(
            entered=entered,
            cla_id=pl.coalesce(
                "clae_cla_id", pl.concat_str(pl.col("clae_person_id"), entered.cast(pl.String), separator="|")
            ),
        )
        periods = episodes.group_by("cla_id").agg(
            person_id=pl.col("clae_person_id").first(),
            entered=pl.col("entered").min(),
            left=pl.when(pl.col("clae_cla_episode_ceased_date").is_null().any())
            .then(pl.lit(None, pl.Date))
            .otherwise(pl.col("clae_cla_episode_ceased_date").max()),
        )
        return _drop_short_breaks(data, periods).sort("person_id", "entered")

    frame: pl.DataFrame = cached(data, "cla.care_periods", build)
    return frame


def _drop_short_breaks(data: Dataset, periods: pl.DataFrame) -> pl.DataFrame:
    """Periods of care whose legal status on entry was a short-break status are not counted."""
    legal = (
        data["ssd_legal_status"]
        .filter(pl.col("lega_legal_status_start_date").is_not_null())
        .select(
            person_id=pl.col("lega_person_id"),
            entered=pl.col("lega_legal_status_start_date"),
            status=pl.col("lega_legal_status"),
            status_end=pl.col("lega_legal_status_end_date"),
        )
        .sort("entered")
    )
    with_status = periods.sort("entered").join_asof(
        legal, on="entered", by="person_id", strategy="backward", check_sortedness=False
    )
    # a status that had ended before the entry (an earlier period of care) says nothing about it
    current = pl.col("status_end").is_null() | (pl.col("status_end") > pl.col("entered"))
    short_break = (pl.col("status").is_in(SHORT_BREAK_LEGAL_STATUSES) & current).fill_null(False)
    return with_status.filter(~short_break).drop("status", "status_end")


def _ends_key(name: str, periods: Sequence[Period]) -> str:
    return f"{name}@" + ",".join(p.end.isoformat() for p in periods)


def looked_after_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children looked after at each period end: [person_id, cla_id, entered, left, period_end]."""

    def build() -> pl.DataFrame:
        return (
            open_in_periods(care_periods(data), "entered", "left", periods)
            .drop("period_start")
            .sort("entered")
            .unique(["person_id", "period_end"], keep="last")
        )

    frame: pl.DataFrame = cached(data, _ends_key("cla.looked_after_in", periods), build)
    return frame


def placements(data: Dataset) -> pl.DataFrame:
    """[placement_id, person_id, cla_id, start, end, type, distance], sorted by child and start."""

    def build() -> pl.DataFrame:
        return (
            data["ssd_cla_placement"]
            .filter(
                pl.col("clap_person_id").is_not_null() & pl.col("clap_cla_placement_start_date").is_not_null()
            )
            .select(
                placement_id=pl.col("clap_cla_placement_id"),
                person_id=pl.col("clap_person_id"),
                cla_id=pl.col("clap_cla_id"),
                start=pl.col("clap_cla_placement_start_date"),
                end=pl.col("clap_cla_placement_end_date"),
                type=pl.col("clap_cla_placement_type"),
                distance=pl.col("clap_cla_placement_distance"),
            )
            .sort("person_id", "start")
        )

    frame: pl.DataFrame = cached(data, "cla.placements", build)
    return frame


def placement_in(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Each child's placement at each period end (the latest started still open).

    Columns: person_id, period_end, placement_id, placement_start, placement_type, distance.
    """

    def build() -> pl.DataFrame:
        return (
            open_in_periods(placements(data), "start", "end", periods)
            .sort("start")
            .unique(["person_id", "period_end"], keep="last")
            .select(
                "person_id",
                "period_end",
                "placement_id",
                placement_start="start",
                placement_type="type",
                distance="distance",
            )
        )

    frame: pl.DataFrame = cached(data, _ends_key("cla.placement_in", periods), build)
    return frame


def overdue_at(due: pl.Expr, as_at: pl.Expr = PERIOD_END) -> pl.Expr:
    """Days past ``due`` on ``as_at`` (null when not yet due): for 'up to date' rows."""
    return pl.when(due < as_at).then((as_at - due).dt.total_days()).cast(pl.Int64)


def timely_rows(data: Dataset, items: pl.DataFrame, periods: Sequence[Period]) -> pl.DataFrame:
    """Rows for timeliness items ([person_id, item_id, due_date, done_date, ...x_]) per period.

    An item is judged on the day it was done when done on time, otherwise the day after it fell
    due; it belongs to the period containing that day. Done dates after the period end are ignored
    (the figure is as it stood then). The team and worker are those holding the case when it was
    done, or at the period end if not done.
    """
    due, done = pl.col("due_date"), pl.col("done_date")
    on_time = done.is_not_null() & (done <= due)
    items = items.with_columns(
        __judged=pl.when(on_time).then(done).otherwise(due + timedelta(days=1)), in_numerator=on_time
    )
    rows = (
        in_periods(items, "__judged", periods)
        .drop("__judged", "period_start")
        .with_columns(done_date=pl.when(done <= PERIOD_END).then(done))
        .with_columns(
            days_overdue=days_overdue_expr(due, done, PERIOD_END), __on=pl.coalesce(done, PERIOD_END)
        )
    )
    return finish_rows(with_allocation(data, rows, "__on").drop("__on"))


def snapshot_rows(data: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """Finish 'up to date at the period end' rows (with period_end): numerator when not overdue."""
    rows = rows.with_columns(
        in_numerator=(pl.col("due_date") >= PERIOD_END).fill_null(False),
        days_overdue=overdue_at(pl.col("due_date")),
    )
    return finish_rows(with_allocation(data, rows, "period_end"))


def _due_yearly(data: Dataset, cohort: pl.DataFrame) -> pl.DataFrame:
    """Rows for a once-a-year check: due 12 months after the last one, or after entering care."""
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="cla_id",
        due_date=add_months_expr(pl.coalesce("done_date", "entered"), 12),
        done_date="done_date",
    )
    return snapshot_rows(data, rows)


def allocated_rows(data: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """Finish rows (with period_end) with the case holder at the period end."""
    return finish_rows(with_allocation(data, rows, "period_end"))


def _looked_after_with(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children looked after at each period end with their date of birth, age and placement."""
    return (
        looked_after_in(data, periods)
        .join(people(data), on="person_id", how="left")
        .join(placement_in(data, periods), on=["person_id", "period_end"], how="left")
        .with_columns(age=age_expr(pl.col("dob"), PERIOD_END))
    )


def latest_by(
    rows: pl.DataFrame, events: pl.DataFrame, name: str, key: str = "person_id", carry: Sequence[str] = ()
) -> pl.DataFrame:
    """Add to ``rows`` (with period_end and ``key``) the latest ``events.date`` on or before the period
    end, as ``name``, with the ``carry`` columns of that event."""
    latest = (
        events.filter(pl.col("date").is_not_null() & pl.col(key).is_not_null())
        .select(key, *carry, pl.col("date").alias(name))
        .sort(name)
    )
    return rows.sort("period_end").join_asof(
        latest, left_on="period_end", right_on=name, by=key, strategy="backward", check_sortedness=False
    )


# --- population ------------------------------------------------------------------------------------


@indicator_periods(
    id="cla_rate",
    title="Children in care - rate per 10,000",
    area=AREA,
    definition=(
        "Children looked after at the period end (a period of care that started on or before it and "
        "had not ended), excluding short-break periods (legal status V3/V4 on entry), per 10,000 "
        "children aged 0-17 (cb_population)."
    ),
    numerator="Children looked after at the period end",
    denominator="Population aged 0-17 / 10,000",
    unit="rate_per_10k",
    polarity="context",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA01",
    lower=None,
    upper=None,
)
def cla_rate(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    rows = looked_after_in(data, periods).select(
        "person_id", "period_end", item_id="cla_id", in_numerator=pl.lit(True), x_entered_care="entered"
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_residential",
    title="Children in care in residential placements",
    area=AREA,
    definition=(
        "Children looked after at the period end whose placement on that date is one of the "
        "residential placement types (setting residential_placement_types; default 903 codes K1 "
        "secure children's home, K2 children's home, R1 residential care home)."
    ),
    numerator="Children looked after in a residential placement at the period end",
    denominator="(count)",
    unit="count",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=30.0,
    upper=11.0,
)
def cla_residential(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cla = _looked_after_with(data, periods).filter(
        pl.col("placement_type").is_in(settings.residential_placement_types).fill_null(False)
    )
    rows = cla.select(
        "person_id",
        "period_end",
        item_id="placement_id",
        in_numerator=pl.lit(True),
        done_date="placement_start",
        x_placement_type="placement_type",
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_entry_age_10_plus",
    title="Children entering care aged 10 or over (%)",
    area=AREA,
    definition=(
        "Of the children who started to be looked after in the period (each child once, at the first "
        "entry in the period; short breaks excluded), the percentage aged 10 or over on the day they "
        "entered care (setting entry_age_years). A context measure of the age profile of entrants; "
        "children with no date of birth are left out."
    ),
    numerator="Children entering care in the period aged 10+ at entry",
    denominator="Children entering care in the period with a date of birth",
    unit="percent",
    polarity="context",
    period_kind="rolling12",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=None,
    upper=None,
)
def cla_entry_age(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    entrants = (
        in_periods(care_periods(data), "entered", periods)
        .sort("entered")
        .unique(["person_id", "period_end"], keep="first")
        .join(people(data), on="person_id", how="left")
        .with_columns(age=age_expr(pl.col("dob"), pl.col("entered")))
    )
    rows = entrants.select(
        "person_id",
        "period_end",
        item_id="cla_id",
        in_denominator=pl.col("age").is_not_null(),
        in_numerator=pl.col("age") >= settings.entry_age_years,
        done_date="entered",
        x_age_at_entry="age",
    )
    return finish_rows(with_allocation(data, rows, "done_date"))


# --- reviews and visits ----------------------------------------------------------------------------


@indicator_periods(
    id="cla_reviews_in_time",
    title="Children in care reviews held in timescale (%)",
    area=AREA,
    definition=(
        "Looked-after reviews falling due, each judged once: the first within 20 working days of the "
        "child entering care, the second within 3 months of the first, later ones within 6 months of "
        "the previous review (due dates run from the review actually held). A review not held by "
        "its due date is late and counts in the period in which it became late; reviews held on time "
        "count in the period held. No review is due once the period of care has ended. Cancelled "
        "reviews are ignored."
    ),
    numerator="Reviews falling due that were held by the due date",
    denominator="Reviews falling due (held on time in the period, or becoming late in the period)",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "Care Planning, Placement and Case Review (England) Regulations 2010 reg 33: 20 working "
        "days, 3 months, then 6 months"
    ),
    timescale_ref="TS16",
    national_ref=None,
    lower=85.0,
    upper=95.0,
)
def cla_reviews(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return timely_rows(data, cached(data, "cla.review_items", lambda: _review_items(data)), periods)


def _review_items(data: Dataset) -> pl.DataFrame:
    """Every review falling due over the whole history, numbered within its period of care.

    Built once per dataset: a review held after a period end reads as not done as at that period
    (timely_rows), and one whose due date runs from a later review falls due after the period end,
    so one chain serves every period.
    """
    periods = care_periods(data)
    held = (
        data["ssd_cla_reviews"]
        .filter(
            pl.col("clar_cla_review_date").is_not_null()
            & (pl.col("clar_cla_review_cancelled") != "Y").fill_null(True)
        )
        .select(cla_id="clar_cla_id", done_date="clar_cla_review_date")
        .join(periods, on="cla_id", how="inner")
        .filter(
            (pl.col("done_date") >= pl.col("entered"))
            & (pl.col("left").is_null() | (pl.col("done_date") <= pl.col("left")))
        )
        .unique(["cla_id", "done_date"], keep="first")
        .sort("cla_id", "done_date")
        .with_columns(
            number=pl.col("done_date").cum_count().over("cla_id").cast(pl.Int64),
            previous=pl.col("done_date").shift(1).over("cla_id"),
        )
    )
    last = held.group_by("cla_id").agg(number=pl.len().cast(pl.Int64) + 1, previous=pl.col("done_date").max())
    outstanding = (
        periods.join(last, on="cla_id", how="left")
        .with_columns(number=pl.col("number").fill_null(1), done_date=pl.lit(None, pl.Date))
        .filter(pl.col("left").is_null() | (pl.col("left") > _review_due()))
    )
    return pl.concat([held, outstanding], how="diagonal_relaxed").select(
        "person_id",
        item_id=pl.concat_str(pl.col("cla_id"), pl.lit("|review"), pl.col("number").cast(pl.String)),
        due_date=_review_due(),
        done_date="done_date",
        x_review_number="number",
    )


def _review_due() -> pl.Expr:
    """Due date of review ``number`` from the previous review (or entry): needs number, previous, entered."""
    return (
        pl.when(pl.col("number") == 1)
        .then(add_working_days_expr(pl.col("entered"), _FIRST_REVIEW_WORKING_DAYS))
        .when(pl.col("number") == 2)
        .then(add_months_expr(pl.col("previous"), 3))
        .otherwise(add_months_expr(pl.col("previous"), 6))
    )


@indicator_periods(
    id="cla_visits_in_time",
    title="Children in care visits in timescale (%)",
    area=AREA,
    definition=(
        "Statutory visits falling due, each judged once, per placement: the first within 1 week of the "
        "placement starting, then at most 6 weeks apart during the placement's first year; after the "
        "first year at most 3 months apart (setting cla_visit_long_term_months; 6 under the 2015 "
        "long-term foster rule) in a placement intended to last until 18 (setting "
        "long_term_placement_types, default U1/U4 long-term fostering), else 6 weeks. The interval "
        "after a visit depends on whether that visit fell in the placement's first year. Only visits "
        "where the child was seen (not recorded as not seen) count; temporary placements (T0-T4) "
        "carry no visit requirement. Simplifications: the weekly rules for placements with parents "
        "before assessment or with temporarily approved carers (reg 28(3)-(5)) are not applied."
    ),
    numerator="Visits falling due that were made by the due date",
    denominator="Visits falling due (made on time in the period, or becoming late in the period)",
    unit="percent",
    polarity="higher_is_better",
    period_kind="month",
    timescale=(
        "Care Planning, Placement and Case Review (England) Regulations 2010 reg 28: 1 week, 6 "
        "weeks, then 3 months"
    ),
    timescale_ref="TS12",
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cla_visits(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    key = (
        f"cla.visit_items.{settings.cla_visit_long_term_months}."
        f"{settings.long_term_placement_types}.{settings.temporary_placement_types}"
    )
    return timely_rows(data, cached(data, key, lambda: _visit_items(data, settings)), periods)


def _visit_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    """Every visit falling due over the whole history, numbered within its placement (see _review_items)."""
    places = (
        placements(data)
        .filter(~pl.col("type").is_in(settings.temporary_placement_types).fill_null(False))
        .with_columns(long_term=pl.col("type").is_in(settings.long_term_placement_types).fill_null(False))
    )
    visits = (
        data["ssd_cla_visits"]
        .filter(
            pl.col("clav_cla_visit_date").is_not_null()
            & (pl.col("clav_cla_visit_seen") != "N").fill_null(True)
        )
        .select(person_id="clav_person_id", done_date="clav_cla_visit_date")
        .sort("done_date")
    )
    held = (
        visits.join_asof(
            places.sort("start"),
            left_on="done_date",
            right_on="start",
            by="person_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(
            pl.col("placement_id").is_not_null()
            & (pl.col("end").is_null() | (pl.col("done_date") <= pl.col("end")))
        )
        .unique(["placement_id", "done_date"], keep="first")
        .sort("placement_id", "done_date")
        .with_columns(
            number=pl.col("done_date").cum_count().over("placement_id").cast(pl.Int64),
            previous=pl.col("done_date").shift(1).over("placement_id"),
        )
    )
    months = settings.cla_visit_long_term_months
    last = held.group_by("placement_id").agg(
        number=pl.len().cast(pl.Int64) + 1, previous=pl.col("done_date").max()
    )
    outstanding = (
        places.join(last, on="placement_id", how="left")
        .with_columns(number=pl.col("number").fill_null(1), done_date=pl.lit(None, pl.Date))
        .filter(pl.col("end").is_null() | (pl.col("end") > _visit_due(pl.col("previous"), months)))
    )
    return pl.concat([held, outstanding], how="diagonal_relaxed").select(
        "person_id",
        item_id=pl.concat_str(pl.col("placement_id"), pl.lit("|visit"), pl.col("number").cast(pl.String)),
        due_date=_visit_due(pl.col("previous"), months),
        done_date="done_date",
        x_placement_id="placement_id",
    )


def _visit_due(previous: pl.Expr, long_term_months: int) -> pl.Expr:
    """Next visit due after ``previous`` (null: the placement's first visit); needs start, long_term."""
    first_year = previous < add_months_expr(pl.col("start"), 12)
    return (
        pl.when(previous.is_null())
        .then(pl.col("start") + timedelta(days=_FIRST_VISIT_DAYS))
        .when(first_year | ~pl.col("long_term"))
        .then(previous + timedelta(days=_VISIT_DAYS))
        .otherwise(add_months_expr(previous, long_term_months))
    )


# --- health ----------------------------------------------------------------------------------------


def _health(data: Dataset, kinds: tuple[str, ...]) -> pl.DataFrame:
    """Completed health checks of ``kinds``: [person_id, date]."""
    return (
        data["ssd_cla_health"]
        .filter(
            pl.col("clah_health_check_type").is_in(kinds)
            & (pl.col("clah_health_check_status") != "REFUSED").fill_null(True)
            & pl.col("clah_health_check_date").is_not_null()
        )
        .select(person_id="clah_person_id", date="clah_health_check_date")
    )


@indicator_periods(
    id="cla_iha_in_time",
    title="Initial health assessments within 20 working days (%)",
    area=AREA,
    definition=(
        "Children entering care whose initial health assessment (IHA, completed) was done within 20 "
        "working days of the day they became looked after (setting iha_working_days); an IHA done in "
        "the 3 months before entry counts. Periods of care that ended before the IHA fell due are "
        "left out. Each entry is judged once: in the period the IHA was done, or the day after it "
        "fell due if not done by then."
    ),
    numerator="Entries to care with an IHA by the due date",
    denominator="Entries to care whose IHA fell due (or was done) in the period",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "Care Planning, Placement and Case Review (England) Regulations 2010 reg 7; statutory "
        "guidance on promoting the health of looked-after children"
    ),
    timescale_ref="TS19",
    national_ref=None,
    lower=50.0,
    upper=90.0,
)
def cla_iha(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    items = cached(data, f"cla.iha_items.{settings.iha_working_days}", lambda: _iha_items(data, settings))
    return timely_rows(data, items, periods)


def _iha_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    """Every entry to care with its IHA due date and first IHA, over the whole history."""
    periods = care_periods(data).with_columns(
        due_date=add_working_days_expr(pl.col("entered"), settings.iha_working_days)
    )
    periods = periods.filter(pl.col("left").is_null() | (pl.col("left") > pl.col("due_date")))
    iha = _health(data, ("IHA",))
    done = (
        periods.select("cla_id", "person_id", "entered")
        .join(iha, on="person_id", how="inner")
        .filter(pl.col("date") >= add_months_expr(pl.col("entered"), -3))
        .group_by("cla_id")
        .agg(done_date=pl.col("date").min())
    )
    return periods.join(done, on="cla_id", how="left").select(
        "person_id", item_id="cla_id", due_date="due_date", done_date="done_date", x_entered_care="entered"
    )


def _cohort_12_months(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children looked after at each period end continuously for 12 months+ (DfE OC2 cohort)."""
    return _looked_after_with(data, periods).filter(pl.col("entered") <= add_months_expr(PERIOD_END, -12))


@indicator_periods(
    id="cla_rha_up_to_date",
    title="Children in care 12 months+ with health assessments up to date (%)",
    area=AREA,
    definition=(
        "Children looked after continuously for 12 months or more at the period end whose latest "
        "health assessment (initial or review, completed) is within its interval: 6 months for a "
        "child under 5 on the day of that assessment, 12 months from age 5. Up to date means the next "
        "one is not yet overdue at the period end. done_date is the latest assessment."
    ),
    numerator="Children in the cohort whose next health assessment is not overdue",
    denominator="Children looked after continuously for 12 months+ at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="CPPCR 2010 reg 7 and statutory guidance: every 6 months under 5, every 12 months from 5",
    timescale_ref="TS21",
    national_ref="CLA05",
    lower=80.0,
    upper=95.0,
)
def cla_rha(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cohort = latest_by(_cohort_12_months(data, periods), _health(data, ("IHA", "RHA")), "done_date")
    under_5 = age_expr(pl.col("dob"), pl.col("done_date")) < 5
    due = (
        pl.when(pl.col("done_date").is_null())
        .then(add_working_days_expr(pl.col("entered"), settings.iha_working_days))
        .when(under_5.fill_null(False))
        .then(add_months_expr(pl.col("done_date"), 6))
        .otherwise(add_months_expr(pl.col("done_date"), 12))
    )
    rows = cohort.select("person_id", "period_end", item_id="cla_id", due_date=due, done_date="done_date")
    return snapshot_rows(data, rows)


@indicator_periods(
    id="cla_dental_up_to_date",
    title="Children in care 12 months+ with a dental check in the last 12 months (%)",
    area=AREA,
    definition=(
        "Children looked after continuously for 12 months or more at the period end who had a "
        "completed dental check in the 12 months to the period end (due 12 months after the latest "
        "check; with no check, 12 months after entering care). done_date is the latest check."
    ),
    numerator="Children in the cohort whose latest dental check is within 12 months",
    denominator="Children looked after continuously for 12 months+ at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="DfE SSDA903 OC2: teeth checked by a dentist in the year",
    timescale_ref=None,
    national_ref="CLA07",
    lower=75.0,
    upper=90.0,
)
def cla_dental(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cohort = latest_by(_cohort_12_months(data, periods), _health(data, ("DENTAL",)), "done_date")
    return _due_yearly(data, cohort)


@indicator_periods(
    id="cla_immunisations_up_to_date",
    title="Children in care 12 months+ with immunisations up to date (%)",
    area=AREA,
    definition=(
        "Children looked after continuously for 12 months or more at the period end whose latest "
        "immunisation status recorded on or before the period end is 'Y' (up to date). done_date is "
        "the date of that status; there is no due date."
    ),
    numerator="Children in the cohort whose latest immunisation status is up to date",
    denominator="Children looked after continuously for 12 months+ at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="DfE SSDA903 OC2: immunisations up to date",
    timescale_ref=None,
    national_ref="CLA06",
    lower=80.0,
    upper=95.0,
)
def cla_immunisations(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    statuses = data["ssd_cla_immunisations"].select(
        person_id="clai_person_id", status="clai_immunisations_status", date="clai_immunisations_status_date"
    )
    cohort = latest_by(_cohort_12_months(data, periods), statuses, "date", carry=["status"])
    up_to_date = (pl.col("status") == "Y").fill_null(False)
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="cla_id",
        in_numerator=up_to_date,
        done_date=pl.when(up_to_date).then(pl.col("date")),
        x_status="status",
    )
    return allocated_rows(data, rows)


# --- emotional and behavioural health (SDQ) -----------------------------------------------------------

_SDQ_MIN_AGE, _SDQ_MAX_AGE = 4, 16  # DfE SSDA903: children aged 4 to 16 at 31 March


def _sdq_cohort(data: Dataset, periods: Sequence[Period]) -> pl.DataFrame:
    """Children looked after continuously for 12 months+ at each period end, aged 4 to 16 on that date,
    with their latest SDQ *score* completed in the 12 months to the period end (sdq_date, sdq_score;
    null when none) and the latest no-score reason in those months (sdq_reason)."""
    cohort = _cohort_12_months(data, periods).filter(
        pl.col("age").is_between(_SDQ_MIN_AGE, _SDQ_MAX_AGE).fill_null(False)
    )
    sdq = data["ssd_sdq_scores"].select(
        person_id="csdq_person_id",
        sdq_id="csdq_table_id",
        date="csdq_sdq_completed_date",
        reason="csdq_sdq_reason",
        score="csdq_sdq_score",
    )
    window_start = add_months_expr(PERIOD_END, -12) + timedelta(days=1)  # as Period.ending("rolling12")
    in_year = (
        cohort.select("person_id", "period_end")
        .join(sdq.filter(pl.col("date").is_not_null()), on="person_id", how="inner")
        .filter(pl.col("date").is_between(window_start, PERIOD_END))
        .sort("date", "sdq_id")
    )
    scored = (
        in_year.filter(pl.col("score").is_not_null())
        .group_by("person_id", "period_end")
        .agg(sdq_date=pl.col("date").last(), sdq_score=pl.col("score").last())
    )
    reasons = (
        in_year.filter(pl.col("score").is_null() & pl.col("reason").is_not_null())
        .group_by("person_id", "period_end")
        .agg(sdq_reason=pl.col("reason").last())
    )
    return cohort.join(scored, on=["person_id", "period_end"], how="left").join(
        reasons, on=["person_id", "period_end"], how="left"
    )


def _sdq_band(score: pl.Expr) -> pl.Expr:
    """The SDQ total difficulties band: 0-13 normal, 14-16 borderline, 17-40 cause for concern."""
    return (
        pl.when(score >= 17)
        .then(pl.lit("concern"))
        .when(score >= 14)
        .then(pl.lit("borderline"))
        .when(score.is_not_null())
        .then(pl.lit("normal"))
    )


@indicator_periods(
    id="cla_sdq_completed",
    title="Children in care 12 months+ aged 4-16 with an SDQ score in the year (%)",
    area=AREA,
    definition=(
        "Children looked after continuously for 12 months or more at the period end and aged 4 to 16 "
        "on that date (the DfE SSDA903 SDQ cohort, taken at every period end rather than only at 31 "
        "March): the percentage with a Strengths and Difficulties Questionnaire score "
        "(ssd_sdq_scores, score recorded) completed in the 12 months to the period end (a rolling-12-"
        "month analogue of the DfE's 'in the year'). An SDQ recorded with a reason (SDQ1-SDQ5) "
        "instead of a score does not count; the children without a score are the worklist. "
        "done_date is the latest scored SDQ."
    ),
    numerator="Children in the cohort with an SDQ score completed in the 12 months",
    denominator="Children aged 4-16 looked after continuously for 12 months+ at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="DfE SSDA903 (OC2): a Strengths and Difficulties Questionnaire score each year for each child",
    timescale_ref=None,
    national_ref=None,
    lower=70.0,
    upper=85.0,
)
def cla_sdq_completed(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    rows = _sdq_cohort(data, periods).select(
        "person_id",
        "period_end",
        item_id="cla_id",
        in_numerator=pl.col("sdq_score").is_not_null(),
        done_date="sdq_date",
        x_sdq_score="sdq_score",
        x_sdq_reason="sdq_reason",
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_sdq_average",
    title="Average SDQ score of children in care 12 months+ aged 4-16",
    area=AREA,
    definition=(
        "The mean Strengths and Difficulties Questionnaire total difficulties score (0-40) of the "
        "children in the SDQ cohort (looked after continuously for 12 months or more at the period "
        "end, aged 4 to 16 on that date) who have a score completed in the 12 months to the period "
        "end, taking each child's latest score in those months; children without a score are left "
        "out. A lower score is better. For reading a child's score: 0-13 normal, 14-16 borderline, "
        "17 or more a cause for concern (x_sdq_band); the default targets follow those bands: green "
        "at 13 or below, red above 17."
    ),
    numerator="Sum of the children's latest SDQ scores",
    denominator="Children in the cohort with an SDQ score completed in the 12 months",
    unit="score",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=17.0,
    upper=13.0,
)
def cla_sdq_average(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    rows = (
        _sdq_cohort(data, periods)
        .filter(pl.col("sdq_score").is_not_null())
        .select(
            "person_id",
            "period_end",
            item_id="cla_id",
            num_weight=pl.col("sdq_score").cast(pl.Float64),
            done_date="sdq_date",
            x_sdq_score="sdq_score",
            x_sdq_band=_sdq_band(pl.col("sdq_score")),
        )
    )
    return allocated_rows(data, rows)


# --- education, assessment ---------------------------------------------------------------------------


@indicator_periods(
    id="cla_pep_up_to_date",
    title="School-age children in care with an up-to-date PEP (%)",
    area=AREA,
    definition=(
        "Children looked after at the period end of school age (aged pep_min_age to pep_max_age on "
        "the 31 August that began the school year: default 4 to 15, Reception to Year 11) whose "
        "personal education plan was completed or reviewed within the last pep_months months "
        "(default 4: once a term) in the current period of care. With no PEP yet, one is due 10 "
        "working days after entering care, or after the start of the school year in which the "
        "child became of school age if later. done_date is the latest PEP."
    ),
    numerator="School-age children in care whose PEP is not overdue",
    denominator="School-age children looked after at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale=(
        "CPPCR 2010 reg 4-5 (PEP part of the care plan); DfE 'Promoting the education of looked-"
        "after children' (2018): reviewed each term"
    ),
    timescale_ref="TS22",
    national_ref=None,
    lower=85.0,
    upper=95.0,
)
def cla_pep(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    school_year_start = pl.date(PERIOD_END.dt.year() - (PERIOD_END.dt.month() < 9).cast(pl.Int32), 8, 31)
    age = age_expr(pl.col("dob"), school_year_start)
    cohort = _looked_after_with(data, periods).filter(
        age.is_between(settings.pep_min_age, settings.pep_max_age).fill_null(False)
    )
    peps = data["cb_pep"].select(person_id="pepe_person_id", date="pepe_pep_date")
    # only a PEP of the current period of care counts
    cohort = latest_by(cohort, peps, "done_date").with_columns(
        done_date=pl.when(pl.col("done_date") >= pl.col("entered")).then(pl.col("done_date"))
    )
    # Without a PEP, the first is due 10 working days after entering care or, for a child who came
    # into care younger, after the school year in which they reach pep_min_age began.
    dob = pl.col("dob")
    turns_in_next_year = (dob.dt.month().cast(pl.Int32) * 100 + dob.dt.day().cast(pl.Int32)) > 831
    school_from = pl.date(dob.dt.year() + settings.pep_min_age + turns_in_next_year.cast(pl.Int32), 9, 1)
    first_due = add_working_days_expr(pl.max_horizontal("entered", school_from), _PEP_WORKING_DAYS)
    due = (
        pl.when(pl.col("done_date").is_null())
        .then(first_due)
        .otherwise(add_months_expr(pl.col("done_date"), settings.pep_months))
    )
    rows = cohort.select("person_id", "period_end", item_id="cla_id", due_date=due, done_date="done_date")
    return snapshot_rows(data, rows)


@indicator_periods(
    id="cla_assessed_12_months",
    title="Children in care with an assessment in the last 12 months (%)",
    area=AREA,
    definition=(
        "Children looked after at the period end with a child and family assessment authorised in "
        "the 12 months to the period end (due 12 months after the latest authorised assessment; with "
        "none, 12 months after entering care). done_date is the latest authorisation."
    ),
    numerator="Children in care whose latest assessment is not more than 12 months old",
    denominator="Children looked after at the period end",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cla_assessed(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    assessments = data["ssd_cin_assessments"].select(
        person_id="cina_person_id", date="cina_assessment_auth_date"
    )
    return _due_yearly(data, latest_by(looked_after_in(data, periods), assessments, "done_date"))


# --- placements ------------------------------------------------------------------------------------


@indicator_periods(
    id="cla_placement_stability_short",
    title="Children in care with 3 or more placements in 12 months (%)",
    area=AREA,
    definition=(
        "Of the children looked after at the period end, the percentage who had 3 or more placements "
        "in the 12 months to the period end (placements in progress at any time in that year, in any "
        "period of care; temporary placements T0-T4 not counted). A new placement with the same "
        "carer (903 reason T) counts as a placement."
    ),
    numerator="Children in care at the period end with 3+ placements in the 12 months",
    denominator="Children looked after at the period end",
    unit="percent",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA02",
    lower=12.0,
    upper=9.0,
)
def cla_stability_short(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    return _placements_in_years(data, looked_after_in(data, periods), 12, settings)


@indicator_periods(
    id="cla_placement_stability_2y",
    title="Children in care 2 years+ with 3 or more placements in 2 years (%)",
    area=AREA,
    definition=(
        "Of the children looked after at the period end who had been looked after continuously for 2 "
        "years or more (entered care on or before the date 24 months before the period end), the "
        "percentage who had 3 or more placements in the 2 years to the period end (placements in "
        "progress at any time in those 2 years, counted as for the 12-month measure: temporary "
        "placements T0-T4 not counted, a new placement with the same carer counts). As the DfE's "
        "placement stability measure over two years (CLA03), at any period end."
    ),
    numerator="Children in the cohort with 3+ placements in the 2 years",
    denominator="Children looked after at the period end continuously for 2 years+",
    unit="percent",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA03",
    lower=27.0,
    upper=20.0,
)
def cla_stability_two_years(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    cohort = looked_after_in(data, periods).filter(pl.col("entered") <= add_months_expr(PERIOD_END, -24))
    return _placements_in_years(data, cohort, 24, settings)


def _placements_in_years(data: Dataset, cla: pl.DataFrame, months: int, settings: Settings) -> pl.DataFrame:
    """Rows for ``cla`` (looked after at each period end): numerator with 3+ placements in progress at
    any time in the ``months`` to the period end, in any period of care, temporary types left out."""
    window_start = add_months_expr(PERIOD_END, -months) + timedelta(days=1)  # as Period.ending("rolling12")
    counted = (
        cla.select("person_id", "period_end")
        .join(placements(data), on="person_id", how="inner")
        .filter(
            (pl.col("start") <= PERIOD_END)
            & (pl.col("end").is_null() | (pl.col("end") > window_start))
            & ~pl.col("type").is_in(settings.temporary_placement_types).fill_null(False)
        )
        .group_by("person_id", "period_end")
        .agg(placements=pl.len(), latest_start=pl.col("start").max())
    )
    rows = cla.join(counted, on=["person_id", "period_end"], how="left").select(
        "person_id",
        "period_end",
        item_id="cla_id",
        in_numerator=pl.col("placements").fill_null(0) >= 3,
        done_date="latest_start",
        x_placements=pl.col("placements").fill_null(0),
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_placement_stability_long",
    title="Long-term placement stability (%)",
    area=AREA,
    definition=(
        "Children looked after at the period end, aged under 16, looked after continuously for 2.5 "
        "years or more: the percentage living in the same placement for 2 years or more, or placed for "
        "adoption (A3-A6) where the placement before the adoptive one started 2 years or more ago. "
        "Simplification: a change of placement with the same carer counts as a new placement."
    ),
    numerator="Children in the cohort in the same placement 2+ years (or placed for adoption as above)",
    denominator="Children under 16 at the period end looked after continuously 2.5 years+",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref="CLA04",
    lower=65.0,
    upper=72.0,
)
def cla_stability_long(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    two_years_ago = add_months_expr(PERIOD_END, -24)
    previous = placements(data).select(
        "person_id",
        previous_start=pl.col("start").shift(1).over("person_id"),
        placement_id="placement_id",
    )
    cohort = (
        _looked_after_with(data, periods)
        .filter((pl.col("age") < 16) & (pl.col("entered") <= add_months_expr(PERIOD_END, -30)))
        .join(previous, on=["person_id", "placement_id"], how="left")
    )
    adopted = pl.col("placement_type").is_in(PLACED_FOR_ADOPTION_TYPES) & (
        pl.col("previous_start") <= two_years_ago
    )
    stable = ((pl.col("placement_start") <= two_years_ago) | adopted).fill_null(False)
    rows = cohort.select(
        "person_id",
        "period_end",
        item_id="cla_id",
        in_numerator=stable,
        done_date="placement_start",
        x_placement_type="placement_type",
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_distance_20_miles",
    title="Children in care placed more than 20 miles from home (%)",
    area=AREA,
    definition=(
        "Children looked after at the period end whose placement on that date is more than "
        "distance_miles (default 20) miles from their home address (903 distance). Children whose "
        "placement has no recorded distance are left out of the denominator."
    ),
    numerator="Children in care placed more than 20 miles from home",
    denominator="Children looked after at the period end with a placement distance recorded",
    unit="percent",
    polarity="lower_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=20.0,
    upper=15.0,
)
def cla_distance(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    rows = _looked_after_with(data, periods).select(
        "person_id",
        "period_end",
        item_id="placement_id",
        in_denominator=pl.col("distance").is_not_null(),
        in_numerator=(pl.col("distance") > settings.distance_miles).fill_null(False),
        done_date="placement_start",
        x_distance="distance",
    )
    return allocated_rows(data, rows)


@indicator_periods(
    id="cla_iro_notice_in_time",
    title="Placement moves notified to the IRO within 5 working days (%)",
    area=AREA,
    definition=(
        "Placement moves (a placement that is not the first of its period of care; temporary "
        "placements T0-T4 left out) whose notice to the Independent Reviewing Officer (cb_iro_notice "
        "for that placement) was sent within iro_notice_working_days (default 5) working days of the "
        "move; a notice sent before the move counts. Each move is judged once: in the period the "
        "notice was sent, or the day after it fell due if not sent by then."
    ),
    numerator="Moves notified to the IRO by the due date",
    denominator="Placement moves whose notice fell due (or was sent) in the period",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "CPPCR 2010 reg 13 (notification of placement within 5 working days) and the IRO's duty to "
        "monitor the care plan; local standard"
    ),
    timescale_ref="TS10",
    national_ref=None,
    lower=80.0,
    upper=95.0,
)
def cla_iro_notice(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    key = f"cla.iro_items.{settings.iro_notice_working_days}.{settings.temporary_placement_types}"
    return timely_rows(data, cached(data, key, lambda: _iro_items(data, settings)), periods)


def _iro_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    """Every placement move with its notice due date and first notice, over the whole history."""
    group = pl.coalesce("cla_id", "person_id")
    moves = (
        placements(data)
        .with_columns(number=pl.col("start").rank("ordinal").over(group))
        .filter(
            (pl.col("number") > 1)
            & ~pl.col("type").is_in(settings.temporary_placement_types).fill_null(False)
        )
        .with_columns(due_date=add_working_days_expr(pl.col("start"), settings.iro_notice_working_days))
    )
    notices = (
        data["cb_iro_notice"]
        .filter(pl.col("iron_sent_date").is_not_null())
        .group_by(pl.col("iron_cla_placement_id").alias("placement_id"))
        .agg(done_date=pl.col("iron_sent_date").min())
    )
    return moves.join(notices, on="placement_id", how="left").select(
        "person_id", item_id="placement_id", due_date="due_date", done_date="done_date", x_move_date="start"
    )


@indicator_periods(
    id="cla_missing_rhi_72h",
    title="Missing episodes of children in care with a return interview within 72 hours (%)",
    area=AREA,
    definition=(
        "Missing episodes (type M; 'away' episodes are not counted) of children looked after on the "
        "day the episode began (setting missing_cla_only; else every child), where the child has "
        "returned: the percentage with a return home interview within rhi_hours (default 72) hours of "
        "the return, counted in whole days from the return date (miss_rhi_date; a declined "
        "interview has no date and counts as not done). Each episode is judged once: in the period "
        "of the interview, or the day after it fell due."
    ),
    numerator="Returns from missing with a return interview by the due date",
    denominator="Returns from missing whose interview fell due (or was held) in the period",
    unit="percent",
    polarity="higher_is_better",
    period_kind="rolling12",
    timescale=(
        "DfE statutory guidance on children who run away or go missing from home or care (2014): "
        "interview within 72 hours"
    ),
    timescale_ref="TS31",
    national_ref="CLA13",
    lower=60.0,
    upper=80.0,
)
def cla_missing_rhi(data: Dataset, periods: Sequence[Period], settings: Settings) -> pl.DataFrame:
    key = f"cla.rhi_items.{settings.rhi_hours}.{settings.missing_cla_only}"
    return timely_rows(data, cached(data, key, lambda: _rhi_items(data, settings)), periods)


def _rhi_items(data: Dataset, settings: Settings) -> pl.DataFrame:
    """Every return from a missing episode with its interview due date, over the whole history."""
    episodes = data["ssd_missing"].filter(
        (pl.col("miss_missing_episode_type") == "M")
        & pl.col("miss_missing_episode_start_date").is_not_null()
        & pl.col("miss_missing_episode_end_date").is_not_null()
    )
    items = episodes.select(
        person_id="miss_person_id",
        item_id="miss_table_id",
        start="miss_missing_episode_start_date",
        due_date=pl.col("miss_missing_episode_end_date") + timedelta(days=settings.rhi_hours // 24),
        done_date="miss_rhi_date",
        x_returned="miss_missing_episode_end_date",
    )
    if settings.missing_cla_only:
        in_care = (
            items.select("item_id", "person_id", "start")
            .join(care_periods(data), on="person_id", how="inner")
            .filter(
                (pl.col("entered") <= pl.col("start"))
                & (pl.col("left").is_null() | (pl.col("left") > pl.col("start")))
            )
            .select("item_id")
            .unique()
        )
        items = items.join(in_care, on="item_id", how="semi")
    return items.drop("start")

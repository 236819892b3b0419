"""Outcomes of children looked after that the SSDA903 asks about: SDQ scores, convictions and
substance misuse.

- SDQ (``ssd_sdq_scores``): one a year for each child looked after continuously for 12 months
  at 31 March (in care on 1 April and not left before 31 March, as the DfE validator counts it)
  and aged 4 to 16 in the year (including those turning 4 or 17 in it, 903 rule
  197B), completed in the year ending that 31 March. About one in five has a reason for no score
  instead (SDQ2-SDQ5); a child who was under 4 or already 17 on the day gets SDQ1.
- Convictions (``ssd_cla_convictions``): about 3.5% a year of looked-after children aged 10 and
  over, dated while they were looked after.
- Substance misuse (``ssd_cla_substance_misuse``): about 3% a year of looked-after children aged
  11 and over, with whether an intervention was offered and received.

Only children looked after have rows, all dated inside a period of care and the run.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from careboard.engine.schema import table

SDQ_NO_SCORE = 0.2
SDQ_REASONS = ("SDQ2", "SDQ3", "SDQ4", "SDQ5")
SDQ_REASON_WEIGHTS = np.array([0.3, 0.1, 0.4, 0.2])
CONVICTIONS_PER_YEAR = 0.035
MISUSE_PER_YEAR = 0.03
_OFFENCES = (
    "Theft",
    "Criminal damage",
    "Common assault",
    "Possession of a controlled drug",
    "Robbery",
    "Public order offence",
    "Motoring offence",
)
_SUBSTANCES = ("Cannabis", "Alcohol", "Cocaine", "Solvents", "Other")


def _periods(tables: dict[str, pl.DataFrame], end: date) -> pl.DataFrame:
    """Periods of care: person, first day, day care ended (``end`` + 1 if still open), birth."""
    return (
        tables["ssd_cla_episodes"]
        .group_by("clae_cla_id")
        .agg(
            pl.col("clae_person_id").first().alias("person"),
            pl.col("clae_cla_episode_start_date").min().alias("start"),
            pl.when(pl.col("clae_cla_episode_ceased_date").is_null().any())
            .then(pl.lit(None, pl.Date))
            .otherwise(pl.col("clae_cla_episode_ceased_date").max())
            .alias("left"),
        )
        .join(
            tables["ssd_person"].select("pers_person_id", "pers_dob"),
            left_on="person",
            right_on="pers_person_id",
        )
        .with_columns(left=pl.col("left").fill_null(pl.lit(end) + pl.duration(days=1)))
        .sort("clae_cla_id")
    )


def _uniform_day(lo: pl.Expr, hi: pl.Expr, u: np.ndarray) -> pl.Expr:
    """A day between ``lo`` and ``hi`` inclusive, placed by uniform draws ``u``."""
    span = (hi - lo).dt.total_days() + 1
    return lo + pl.duration(days=(pl.lit(pl.Series(u)) * span).floor().cast(pl.Int64))


def sdq(tables: dict[str, pl.DataFrame], rng: np.random.Generator, since: date, end: date) -> None:
    periods = _periods(tables, end)
    years = [
        y for y in range(since.year, end.year + 2) if date(y - 1, 4, 1) <= end and date(y, 3, 31) >= since
    ]
    frame = pl.DataFrame(
        {"year_start": [date(y - 1, 4, 1) for y in years], "year_end": [date(y, 3, 31) for y in years]}
    )
    four, seventeen = pl.col("pers_dob").dt.offset_by("4y"), pl.col("pers_dob").dt.offset_by("17y")
    cutoff = pl.min_horizontal("year_end", pl.lit(end))
    due = (
        periods.join(frame, how="cross")
        .filter(
            # as the DfE counts it: in care since 1 April at the latest and not left before 31 March
            (pl.col("start") <= pl.col("year_start"))
            & (pl.col("left") >= cutoff)
            & (four <= pl.col("year_end"))
            & (seventeen >= pl.col("year_start"))
        )
        .sort("clae_cla_id", "year_end")
        .with_columns(
            lo=pl.max_horizontal("year_start", four),
            hi=pl.min_horizontal(cutoff, seventeen - pl.duration(days=1)),
        )
        .with_columns(
            lo=pl.when(pl.col("lo") <= pl.col("hi")).then("lo").otherwise("year_start"),
            hi=pl.when(pl.col("lo") <= pl.col("hi")).then("hi").otherwise(cutoff),
        )
    )
    n = due.height
    if n == 0:
        return
    score = np.clip(np.rint(rng.normal(13.5, 6.5, n)), 0, 40).astype(np.int64)
    reason = np.asarray(SDQ_REASONS)[rng.choice(len(SDQ_REASONS), size=n, p=SDQ_REASON_WEIGHTS)]
    none = rng.random(n) < SDQ_NO_SCORE
    done = due.with_columns(day=_uniform_day(pl.col("lo"), pl.col("hi"), rng.random(n)))
    out_of_age = (pl.col("day") < four) | (pl.col("day") >= seventeen)
    no_score = out_of_age | pl.lit(pl.Series(none))
    df = done.select(
        csdq_table_id=pl.format("SQ{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        csdq_person_id="person",
        csdq_sdq_completed_date="day",
        csdq_sdq_reason=pl.when(out_of_age)
        .then(pl.lit("SDQ1"))
        .when(no_score)
        .then(pl.lit(pl.Series(reason))),
        csdq_sdq_score=pl.when(~no_score).then(pl.lit(pl.Series(score))),
    )
    tables["ssd_sdq_scores"] = table("ssd_sdq_scores").conform(df)


def _events(
    tables: dict[str, pl.DataFrame],
    rng: np.random.Generator,
    since: date,
    end: date,
    from_age: int,
    per_year: float,
) -> pl.DataFrame:
    """Random days, at ``per_year`` per child-year, while looked after aged ``from_age`` or over."""
    periods = (
        _periods(tables, end)
        .with_columns(
            lo=pl.max_horizontal("start", pl.col("pers_dob").dt.offset_by(f"{from_age}y"), pl.lit(since)),
            hi=pl.min_horizontal(
                pl.col("left") - pl.duration(days=1),
                pl.col("pers_dob").dt.offset_by("18y") - pl.duration(days=1),
            ),
        )
        .filter(pl.col("lo") <= pl.col("hi"))
    )
    years = ((periods["hi"] - periods["lo"]).dt.total_days() + 1).to_numpy() / 365.25
    count = rng.poisson(per_year * years)
    rows = periods.select("person", "lo", "hi").with_columns(_n=pl.Series(count)).filter(pl.col("_n") > 0)
    rows = rows.select(pl.all().repeat_by(pl.col("_n")).explode(empty_as_null=False)).drop("_n")
    return rows.with_columns(day=_uniform_day(pl.col("lo"), pl.col("hi"), rng.random(rows.height))).sort(
        "person", "day"
    )


def convictions(tables: dict[str, pl.DataFrame], rng: np.random.Generator, since: date, end: date) -> None:
    ev = _events(tables, rng, since, end, 10, CONVICTIONS_PER_YEAR)
    offence = np.asarray(_OFFENCES)[rng.integers(0, len(_OFFENCES), ev.height)]
    df = ev.select(
        clac_cla_conviction_id=pl.format("CC{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        clac_person_id="person",
        clac_cla_conviction_date="day",
        clac_cla_conviction_offence=pl.lit(pl.Series(offence, dtype=pl.String)),
    )
    tables["ssd_cla_convictions"] = table("ssd_cla_convictions").conform(df)


def substance_misuse(
    tables: dict[str, pl.DataFrame], rng: np.random.Generator, since: date, end: date
) -> None:
    ev = _events(tables, rng, since, end, 11, MISUSE_PER_YEAR)
    n = ev.height
    substance = np.asarray(_SUBSTANCES)[rng.choice(len(_SUBSTANCES), size=n, p=[0.5, 0.25, 0.1, 0.05, 0.1])]
    offered = rng.random(n) < 0.85
    received = offered & (rng.random(n) < 0.7)
    df = ev.select(
        clas_substance_misuse_id=pl.format(
            "SM{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)
        ),
        clas_person_id="person",
        clas_substance_misuse_date="day",
        clas_substance_misused=pl.lit(pl.Series(substance, dtype=pl.String)),
        clas_intervention_offered=pl.lit(pl.Series(np.where(offered, "Y", "N"), dtype=pl.String)),
        clas_intervention_received=pl.lit(pl.Series(np.where(received, "Y", "N"), dtype=pl.String)),
    )
    tables["ssd_cla_substance_misuse"] = table("ssd_cla_substance_misuse").conform(df)

"""``careboard generate``: write a synthetic council; ``careboard calibrate``: compare it with England."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import get_args

import click
import polars as pl

from careboard.engine.generate.params import Journey
from careboard.engine.store import Format, write_dataset


def _month(value: str, *, last_day: bool) -> date:
    try:
        year, month = (int(x) for x in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month like 2026-03") from None
    if not last_day:
        return first
    return date(year, month, calendar.monthrange(year, month)[1])


def _five_years_before(end: date) -> date:
    return date(end.year - 5, end.month, 1) if end.month != 12 else date(end.year - 4, 1, 1)


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write (replaced).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same council.",
)
@click.option(
    "--population",
    type=click.IntRange(min=100),
    default=65_000,
    show_default=True,
    help="Children aged 0-17 in the council.",
)
@click.option(
    "--start", "start", default=None, help="First month, YYYY-MM (default: 5 years before the end)."
)
@click.option("--end", "end", default="2026-03", show_default=True, help="Last month, YYYY-MM.")
@click.option(
    "--journey",
    type=click.Choice(get_args(Journey)),
    default="steady",
    show_default=True,
    help="How practice changes over the run.",
)
@click.option("--format", "fmt", type=click.Choice(get_args(Format)), default="parquet", show_default=True)
def generate(
    out: Path, seed: int, population: int, start: str | None, end: str, journey: str, fmt: str
) -> None:
    """Generate a synthetic council's case records and workforce, and write them to OUT."""
    from careboard.engine.generate import generate_council

    end_day = _month(end, last_day=True)
    start_day = _month(start, last_day=False) if start else _five_years_before(end_day)
    if start_day > end_day:
        raise click.BadParameter(f"start {start} is after end {end}", param_hint="--start")
    tables = generate_council(seed=seed, population=population, start=start_day, end=end_day, journey=journey)  # type: ignore[arg-type]
    path = write_dataset(tables, out, fmt=fmt)  # type: ignore[arg-type]
    click.echo(summary(tables, end_day))
    click.echo(f"written to {path} ({fmt}, {sum(1 for t in tables.values() if t.height)} tables)")


def summary(tables: Mapping[str, pl.DataFrame], as_at: date) -> str:
    """One line: children, referrals, CP plans, children in care and staff."""

    def df(name: str) -> pl.DataFrame:
        return tables[name]

    open_cp = df("ssd_cp_plans").filter(pl.col("cppl_cp_plan_end_date").is_null()).height
    in_care = (
        df("ssd_cla_episodes")
        .filter(pl.col("clae_cla_episode_ceased_date").is_null())
        .select(pl.col("clae_person_id").n_unique())
        .item()
    )
    staff = df("cb_staff").filter(pl.col("staf_leaving_date").is_null()).height
    return (
        f"children {df('ssd_person').height:,}; referrals {df('ssd_cin_episodes').height:,}; "
        f"CP plans {df('ssd_cp_plans').height:,} ({open_cp:,} open at {as_at}); "
        f"children in care {df('ssd_cla_episodes').select(pl.col('clae_person_id').n_unique()).item():,} "
        f"({in_care:,} at {as_at}); staff in post {staff:,}"
    )

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
    """The first day of the 60 months that end with ``end``'s month (2026-03 -> 2021-04-01)."""
    return date(end.year - 5, end.month + 1, 1) if end.month != 12 else date(end.year - 4, 1, 1)


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


@click.command()
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--population", type=click.IntRange(min=100), default=65_000, show_default=True)
@click.option(
    "--year-end",
    "year_end",
    default="2026-03-31",
    show_default=True,
    help="Last day of the reporting year, YYYY-MM-DD.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Read this dataset instead of generating one.",
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the table to this markdown file.",
)
def calibrate(
    seed: int, population: int, year_end: str, data_dir: Path | None, markdown_path: Path | None
) -> None:
    """Compare a steady synthetic council's year with England's published figures."""
    from careboard.engine.generate import generate_council
    from careboard.engine.generate.calibration import calibrate as run
    from careboard.engine.generate.calibration import markdown
    from careboard.engine.store import Dataset, read_dataset

    try:
        end = date.fromisoformat(year_end)
    except ValueError:
        raise click.BadParameter(
            f"{year_end!r} is not a date like 2026-03-31", param_hint="--year-end"
        ) from None
    if data_dir is not None:
        data = read_dataset(data_dir)
        label: dict[str, int | None] = {"seed": None, "population": None}
    else:
        start = date(end.year - 2, end.month, 1)
        data = Dataset(
            generate_council(seed=seed, population=population, start=start, end=end, journey="steady")
        )
        label = {"seed": seed, "population": population}
    results = run(data, end)
    text = markdown(results, seed=label["seed"], population=label["population"], year_end=end)
    click.echo(text)
    if markdown_path is not None:
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(CALIBRATION_HEADER + text, encoding="utf-8")
        click.echo(f"written to {markdown_path}")
    if not all(r.passed for r in results):
        raise SystemExit(1)


CALIBRATION_HEADER = """# Calibration of the synthetic council

The generator (`careboard generate`) is tuned so that a council with `--journey steady` looks like
England. This table compares one reporting year (1 April to 31 March; counts at 31 March;
workforce at 30 September, as the DfE does) of a generated council with England's published
figures, which are bundled in `careboard/engine/generate/england.csv` with their sources.
Measures are computed by the indicator catalogue (`careboard.engine.indicators`), the same code as
the scorecard (CLA03, stability over two years, is `cla_placement_stability_2y`).

Regenerate this page with:

    careboard calibrate --markdown docs/calibration.md

"""

"""``careboard indicators``: list, explain, compute, list the children behind, and document indicators."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import polars as pl

from careboard.engine.indicators import docs as indicator_docs
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import By, Indicator, Period, Settings, children, series
from careboard.engine.indicators.targets import Target, direction, load_targets, rag, targets_in_force
from careboard.engine.store import Dataset, read_dataset

FORMATS = click.Choice(["table", "csv", "json"])
DATE = click.DateTime(formats=["%Y-%m-%d"])
DATA_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group()
def indicators() -> None:
    """The indicator catalogue: definitions, values and the children behind each number."""


def _indicator(indicator_id: str) -> Indicator:
    known = catalogue()
    if indicator_id not in known:
        raise click.BadParameter(
            f"unknown indicator {indicator_id!r}; `careboard indicators list` shows them", param_hint="ID"
        )
    return known[indicator_id]


def _read(folder: Path) -> Dataset:
    try:
        return read_dataset(folder)
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise click.BadParameter(
            f"cannot read the canonical data in {folder}: {exc}", param_hint="--data"
        ) from None


def _as_date(value: datetime) -> date:
    return value.date()


@indicators.command("list")
def list_() -> None:
    """List every indicator: id, area, unit and title."""
    for ind in catalogue().values():
        click.echo(f"{ind.id:38} {ind.area:22} {ind.unit:13} {ind.title}")


@indicators.command()
@click.argument("indicator_id", metavar="ID")
def explain(indicator_id: str) -> None:
    """Print all the metadata of indicator ID."""
    ind = _indicator(indicator_id)
    for f in fields(ind):
        value = getattr(ind, f.name)
        if f.name == "rows":
            click.echo(f"{'function':16} {value.__module__}.{value.__name__}")
        elif f.name == "rows_for_periods":
            click.echo(f"{'all periods':16} {'in one pass' if value is not None else 'one period at a time'}")
        else:
            click.echo(f"{f.name:16} {value}")


def _result_rows(ind: Indicator, values: pl.DataFrame, targets: list[Target]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    previous: dict[str | None, float | None] = {}
    for row in values.sort("period_end").iter_rows(named=True):
        lower, upper = targets_in_force(targets, ind, row["period_end"])
        value = row["value"]
        group = row["group"]
        out.append(
            {
                "id": ind.id,
                "period_start": row["period_start"],
                "period_end": row["period_end"],
                "group": group,
                "value": value,
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "lower": lower,
                "upper": upper,
                "rag": rag(value, lower, upper, ind.polarity),
                "direction": direction(previous.get(group), value, ind.polarity, lower, upper)
                if group in previous
                else None,
            }
        )
        previous[group] = value
    return out


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, default=str, indent=1))
        return
    frame = (
        pl.DataFrame(rows, schema_overrides={"group": pl.String}, infer_schema_length=None) if rows else None
    )
    if fmt == "csv":
        click.echo(frame.select(columns).write_csv() if frame is not None else ",".join(columns), nl=False)
        return
    for line in _table(rows, columns):
        click.echo(line)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    cells = [[_text(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    header = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    body = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return [header, "  ".join("-" * w for w in widths), *body]


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


COMPUTE_COLUMNS = [
    "id",
    "period_end",
    "group",
    "value",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "rag",
    "direction",
]


@indicators.command()
@click.option("--data", "folder", required=True, type=DATA_DIR, help="Folder of canonical tables.")
@click.option("--as-at", "as_at", required=True, type=DATE, help="Reporting date (YYYY-MM-DD).")
@click.option(
    "--months", default=1, show_default=True, type=click.IntRange(1, 120), help="Month ends to compute."
)
@click.option(
    "--by", type=click.Choice(["team", "worker"]), default=None, help="Break down by team or worker."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--targets", "targets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--indicator", "only", multiple=True, help="Only these indicator ids (repeatable).")
def compute(
    folder: Path,
    as_at: datetime,
    months: int,
    by: By | None,
    fmt: str,
    targets_file: Path | None,
    only: tuple[str, ...],
) -> None:
    """Compute every indicator (or --indicator ones) for the last N month ends up to --as-at."""
    chosen = [_indicator(i) for i in only] if only else list(catalogue().values())
    targets: list[Target] = []
    if targets_file is not None:
        try:
            targets = load_targets(targets_file)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--targets") from None
    data = _read(folder)
    rows: list[dict[str, Any]] = []
    for ind in chosen:
        rows += _result_rows(ind, series(ind, data, _as_date(as_at), months, Settings(), by), targets)
    _emit(rows, fmt, COMPUTE_COLUMNS)


CHILD_COLUMNS = [
    "person_id",
    "item_id",
    "team_id",
    "worker_id",
    "in_denominator",
    "in_numerator",
    "due_date",
    "done_date",
    "days_overdue",
]


@indicators.command("children")
@click.argument("indicator_id", metavar="ID")
@click.option("--data", "folder", required=True, type=DATA_DIR, help="Folder of canonical tables.")
@click.option("--as-at", "as_at", required=True, type=DATE, help="Reporting date (YYYY-MM-DD).")
@click.option("--team", default=None, help="Only this team (dept_team_id).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def children_(indicator_id: str, folder: Path, as_at: datetime, team: str | None, fmt: str) -> None:
    """List the children (rows) behind indicator ID at --as-at, most overdue first."""
    ind = _indicator(indicator_id)
    data = _read(folder)
    rows = children(ind, data, Period.ending(ind.period_kind, _as_date(as_at)), Settings())
    if team is not None:
        rows = rows.filter(pl.col("team_id") == team)
    columns = [*CHILD_COLUMNS, *(c for c in rows.columns if c.startswith("x_"))]
    if fmt == "table":
        click.echo(
            f"{ind.id}: {rows.height} rows, {rows['in_denominator'].sum()} in the denominator, "
            f"{(rows['in_numerator'] & rows['in_denominator']).sum()} in both"
        )
    _emit(rows.select(columns).to_dicts(), fmt, columns)


@indicators.command("docs")
@click.option(
    "--out", default="docs/indicators.md", show_default=True, type=click.Path(dir_okay=False, path_type=Path)
)
def docs_(out: Path) -> None:
    """Write the indicator documentation generated from the catalogue."""
    written = indicator_docs.write(out, catalogue())
    click.echo(f"wrote {written}")

"""``careboard validate``, ``careboard import`` and ``careboard export``: data in and out.

``validate`` reads files in any supported format and lists every problem found, located by file,
sheet or table, row and column. ``import`` does the same and, when there is no error (or the user
allows errors), writes the canonical folder in one step, so a refused or failed import leaves the
folder as it was. ``export`` writes a statutory return from a canonical folder.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import click

from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.registry import FORMATS, is_db_url, module, read_any
from careboard.engine.issues import Issue, has_errors, issues_frame
from careboard.engine.store import read_dataset, write_dataset

SHOWN = 200  # issues printed on screen; --issues-out has them all
EXPORTS = ("annex-a", "ssda903", "cin-census", "workforce")


def _sources(paths: Sequence[str]) -> list[Path | str]:
    return [p if is_db_url(p) else Path(p) for p in paths]


def _read(paths: Sequence[str], year: int | None = None) -> ReadResult:
    return read_any(_sources(paths), year=year)


def _echo_issues(issues: Sequence[Issue], limit: int = SHOWN) -> None:
    if not issues:
        click.echo("No problems found.")
        return
    width = max(len(i.code) for i in issues[:limit])
    for issue in issues[:limit]:
        value = f" [{issue.value}]" if issue.value is not None else ""
        level = click.style(f"{issue.level:7}", fg="red" if issue.level == "error" else "yellow")
        click.echo(f"{level} {issue.code:{width}}  {issue.where()}: {issue.message}{value}")
    if len(issues) > limit:
        click.echo(f"... and {len(issues) - limit} more (use --issues-out to save them all)")


def _echo_summary(result: ReadResult) -> None:
    levels = Counter(i.level for i in result.issues)
    codes = Counter((i.level, i.code) for i in result.issues)
    seen = sum(result.rows_read.values())
    placed = sum(df.height for df in result.tables.values())
    click.echo("")
    for note in result.notes:
        click.echo(note)
    click.echo(f"Rows read: {seen} from {len(result.rows_read)} source(s); rows placed: {placed}")
    for name, df in sorted(result.tables.items()):
        click.echo(f"  {name:32} {df.height:>9}")
    click.echo(f"Errors: {levels.get('error', 0)}  Warnings: {levels.get('warning', 0)}")
    for (level, code), n in sorted(codes.items()):
        click.echo(f"  {level:7} {code:28} {n:>7}")


def _save_issues(issues: Sequence[Issue], out: Path) -> None:
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps([asdict(i) for i in issues], indent=2), encoding="utf-8")
    elif out.suffix.lower() == ".csv":
        issues_frame(issues).write_csv(out)
    else:
        raise click.UsageError("--issues-out must name a .csv or .json file")


def _check_issues_out(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if path.suffix.lower() not in (".csv", ".json"):
        raise click.BadParameter("must name a .csv or .json file", param_hint="--issues-out")
    return path


YEAR_903 = click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="Collection year of SSDA903 returns (e.g. 2025 for 2024/25); without it, the year of the "
    "latest date in the return. A warning says when the return's dates disagree.",
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--issues-out", help="Also write every issue to this .csv or .json file.")
@YEAR_903
def validate(paths: tuple[str, ...], issues_out: str | None, year: int | None) -> None:
    """Check files in any supported format and list every problem found.

    PATHS are files (Annex A workbook, SSDA903 CSV or XML, CIN census XML, workforce census XML,
    SSD table CSV or Parquet), folders of them, or SSD database URLs (sqlite:///file.db,
    postgresql://...). Exits with status 1 when there is any error.
    """
    out = _check_issues_out(issues_out)
    result = _read(paths, year)
    _echo_issues(result.issues)
    _echo_summary(result)
    if out is not None:
        _save_issues(result.issues, out)
        click.echo(f"Issues written to {out}")
    if has_errors(result.issues):
        raise SystemExit(1)


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False), help="Canonical data folder to write."
)
@click.option("--allow-errors", is_flag=True, help="Keep the rows without errors and report the rest.")
@click.option("--issues-out", help="Also write every issue to this .csv or .json file.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@YEAR_903
def import_(
    paths: tuple[str, ...], out: str, allow_errors: bool, issues_out: str | None, fmt: str, year: int | None
) -> None:
    """Read PATHS and write the canonical tables to the folder --out (replacing what is there).

    Refuses, writing nothing, when there is any error, unless --allow-errors is given.
    """
    issues_path = _check_issues_out(issues_out)
    result = _read(paths, year)
    _echo_issues(result.issues)
    _echo_summary(result)
    if issues_path is not None:
        _save_issues(result.issues, issues_path)
    errors = len(result.errors)
    if errors and not allow_errors:
        click.echo(f"Import refused: {errors} error(s). Nothing was written to {out}.", err=True)
        raise SystemExit(1)
    if not result.tables:
        click.echo(f"Nothing to import. Nothing was written to {out}.", err=True)
        raise SystemExit(1)
    write_dataset(result.tables, out, fmt="csv" if fmt == "csv" else "parquet")
    kept = sum(df.height for df in result.tables.values())
    note = f"; rows with the {errors} error(s) above were left out" if errors else ""
    click.echo(f"Imported {kept} rows into {len(result.tables)} tables in {out}{note}.")


@click.command()
@click.argument("kind", type=click.Choice(EXPORTS))
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--as-at", "as_at", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date the return is as at.")
@click.option(
    "--year", type=int, help="Collection year (e.g. 2025 for 2024/25; the census year for workforce)."
)
@click.option("--out", "out", required=True, type=click.Path(), help="File or folder to write.")
def export(kind: str, data_dir: str, as_at: datetime | None, year: int | None, out: str) -> None:
    """Write the statutory return KIND from the canonical folder --data."""
    if (as_at is None) == (year is None):
        raise click.UsageError("give exactly one of --as-at DATE or --year YYYY")
    day = as_at.date() if as_at is not None else None
    assert kind in FORMATS
    try:
        writer = module(kind)
    except ModuleNotFoundError:
        raise click.ClickException(f"the {kind} writer is not available yet") from None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            written = writer.write(read_dataset(data_dir), Path(out), as_at=day, year=year)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in caught:
        click.echo(f"Warning: {warning.message}", err=True)
    for path in written:
        click.echo(f"Wrote {path}")

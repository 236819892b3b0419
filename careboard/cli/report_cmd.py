"""``careboard report monthly``: the monthly improvement summary as Word, PDF or HTML."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import get_args

import click

from careboard.engine.reports.model import Audience, Format


@click.group()
def report() -> None:
    """Board reports built from a canonical data folder."""


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-31", param_hint=name) from None


def _commentary(path: Path | None) -> dict[str, str]:
    """Commentary JSON: {"INDICATOR_ID": "text", ..., "_summary": "text for the whole report"}."""
    if path is None:
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="--commentary") from None
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        raise click.BadParameter(
            f"{path} must hold one JSON object of indicator id -> text", param_hint="--commentary"
        )
    return {str(k): v for k, v in loaded.items()}


@report.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="Canonical data folder (as written by `careboard generate` or a load).",
)
@click.option("--as-at", "as_at", required=True, help="Reporting date, YYYY-MM-DD (usually a month end).")
@click.option("--format", "fmt", type=click.Choice(get_args(Format)), default="docx", show_default=True)
@click.option(
    "--audience",
    type=click.Choice(get_args(Audience)),
    default="board",
    show_default=True,
    help="board: every figure; members and public: small numbers withheld.",
)
@click.option("--team", default=None, help="Report on one team (its dept_team_id).")
@click.option(
    "--commentary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='JSON file: {"INDICATOR_ID": "text", "_summary": "overall text"}.',
)
@click.option(
    "--targets",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of targets: indicator_id, from_date, lower, upper.",
)
@click.option(
    "--comparators",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of England and statistical-neighbour figures (default: the bundled England figures).",
)
@click.option("--council", default=None, help="Council name (default: from cb_population).")
@click.option(
    "--loaded-at", "loaded_at", default=None, help="When the data were loaded, ISO date or datetime."
)
@click.option(
    "--issue", "issues", multiple=True, help="A known data issue to list in the data note (repeatable)."
)
@click.option(
    "--months",
    type=click.IntRange(min=2, max=36),
    default=13,
    show_default=True,
    help="Months in each trend chart (13: this month and the same month last year).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: improvement-summary-YYYY-MM-AUDIENCE.FORMAT here).",
)
def monthly(
    data_dir: Path,
    as_at: str,
    fmt: Format,
    audience: Audience,
    team: str | None,
    commentary: Path | None,
    targets: Path | None,
    comparators: Path | None,
    council: str | None,
    loaded_at: str | None,
    issues: tuple[str, ...],
    months: int,
    out: Path | None,
) -> None:
    """Write the monthly improvement summary for the month ending AS-AT."""
    from careboard.engine.indicators import catalogue, load_comparators
    from careboard.engine.indicators.targets import load_targets
    from careboard.engine.reports import rendered
    from careboard.engine.reports.monthly import UnknownTeam, build_monthly_report
    from careboard.engine.store import read_dataset

    day = _date(as_at, "--as-at")
    loaded = None
    if loaded_at:
        try:
            loaded = datetime.fromisoformat(loaded_at)
        except ValueError:
            raise click.BadParameter(
                f"{loaded_at!r} is not an ISO date or datetime", param_hint="--loaded-at"
            ) from None
    try:
        target_list = load_targets(targets) if targets else []
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--targets") from None
    try:
        comparator_rows = load_comparators(comparators) if comparators else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--comparators") from None
    data = read_dataset(data_dir)
    notes = _commentary(commentary)
    unknown = sorted(k for k in notes if k != "_summary" and k not in catalogue())
    for key in unknown:
        click.echo(f"warning: commentary for {key!r} left out: no such indicator", err=True)
    try:
        model = build_monthly_report(
            data,
            day,
            audience=audience,
            team=team,
            council=council,
            commentary=notes,
            targets=target_list,
            loaded_at=loaded,
            data_issues=issues,
            months=months,
            comparators=comparator_rows,
        )
    except UnknownTeam as exc:
        raise click.BadParameter(str(exc), param_hint="--team") from None
    result = rendered(model, fmt)
    path = out or Path(result.filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.content)
    counts = ", ".join(f"{n} {rag.lower()}" for rag, n in model.rag_counts.items())
    click.echo(f"wrote {path} ({len(result.content):,} bytes; {len(model.rows)} indicators: {counts})")

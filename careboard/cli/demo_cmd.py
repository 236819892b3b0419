"""``careboard demo`` (what ``make demo`` runs): a synthetic council, loaded, closed and served.

On first run it generates the synthetic council (improving journey) into ``var/demo/data``, loads
it into the database, closes the last twelve months, creates one demo user per role and serves the
application on http://127.0.0.1:8000. Later runs reuse what is there, so the demo starts quickly and
the month close is not repeated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from careboard.cli.generate_cmd import generate
from careboard.cli.web_cmd import _django, close_month, create_demo, load, serve


def last_complete_month(today: date) -> str:
    """The month before ``today``'s, as YYYY-MM (the CLI may read the clock; the engine never does)."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@click.command()
@click.option(
    "--data",
    "data_dir",
    default=Path("var/demo/data"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the synthetic council (generated if absent).",
)
@click.option("--population", default=65_000, show_default=True, help="Children aged 0-17 in the council.")
@click.option("--seed", default=1, show_default=True)
@click.option("--end", default=None, help="Last month of data, YYYY-MM [default: the last complete month].")
@click.option("--months", default=12, show_default=True, help="Months to close for the scorecard.")
@click.option("--serve/--no-serve", "serve_app", default=True, help="Serve the application at the end.")
@click.option("--port", default=8000, show_default=True)
@click.pass_context
def demo(
    ctx: click.Context,
    data_dir: Path,
    population: int,
    seed: int,
    end: str | None,
    months: int,
    serve_app: bool,
    port: int,
) -> None:
    """Generate a synthetic council, load it, close its months, create demo users and serve."""
    end_month = end or last_complete_month(datetime.now().date())
    if not data_dir.is_dir():
        click.echo(f"Generating a synthetic council of {population:,} children (improving journey)...")
        ctx.invoke(
            generate,
            out=data_dir,
            seed=seed,
            population=population,
            start=None,
            end=end_month,
            journey="improving",
            fmt="parquet",
        )
    else:
        click.echo(f"Using the synthetic council already in {data_dir}")
    _django()
    from careboard.web.data.loads import current_load

    if current_load() is None:
        ctx.invoke(load, paths=(data_dir,), allow_errors=False)
    else:
        click.echo("Using the data already loaded (load new data with `careboard load`)")
    loaded = current_load()
    if loaded is None or loaded.as_at is None:
        raise click.ClickException("the demo data did not load; see the messages above")
    ctx.invoke(
        close_month,
        as_at=datetime.combine(loaded.as_at, datetime.min.time()),
        months=months,
        recompute=False,
        reason="",
    )
    ctx.invoke(create_demo)
    click.echo(f"\nNext: sign in at http://127.0.0.1:{port}/ as any user above with that password.")
    click.echo(f"      `careboard indicators compute --data {data_dir} --as-at {loaded.as_at}` prints the")
    click.echo("      scorecard in the terminal; `careboard --help` lists every command.")
    if serve_app:
        ctx.invoke(serve, port=port, host="127.0.0.1")

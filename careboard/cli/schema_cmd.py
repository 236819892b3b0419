"""``careboard schema``: the canonical model, table by table."""

from __future__ import annotations

import click

from careboard.engine.schema import TABLES, table


@click.command()
@click.argument("name", required=False)
def schema(name: str | None) -> None:
    """List the canonical tables, or the fields of table NAME."""
    if name is None:
        for t in TABLES.values():
            marker = " (extension)" if t.extension else ""
            click.echo(f"{t.name:32} {len(t.fields):3} fields{marker}")
        return
    try:
        t = table(name)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    for f in t.fields:
        marker = "  [extension]" if f.extension else ""
        click.echo(f"{f.name:40} {f.dtype!s:16} {f.description}{marker}")

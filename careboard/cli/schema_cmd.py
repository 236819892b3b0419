"""``careboard schema``: the canonical model, table by table."""

from __future__ import annotations

from pathlib import Path

import click

from careboard.engine.schema import TABLES, table
from careboard.engine.schema_docs import data_model_markdown


@click.command()
@click.argument("name", required=False)
@click.option(
    "--markdown",
    "markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the data-model document to this file.",
)
def schema(name: str | None, markdown: Path | None) -> None:
    """List the canonical tables, or the fields of table NAME."""
    if markdown is not None:
        markdown.write_text(data_model_markdown(), encoding="utf-8")
        click.echo(f"wrote {markdown}")
        return
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

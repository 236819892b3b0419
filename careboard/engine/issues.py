"""Data problems found while reading or checking input, located as the user sees them.

Readers never raise on bad data: they return the rows they could place and a list of issues, each
with a level, a stable code, a plain-English message and a location (file, sheet or table, row
number as the user counts it, column heading, value). One place decides what blocks: an import is
refused when any issue is an error, unless the user allows errors, in which case the good rows are
kept and the rest reported. Programming and configuration errors still raise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import polars as pl

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    level: Level
    code: str
    message: str
    file: str | None = None
    table: str | None = None  # sheet, SSD table, 903 table or XML element
    row: int | None = None  # as the user counts: spreadsheet row, CSV line, XML line
    column: str | None = None  # the heading as it appears in the file
    value: str | None = None

    def where(self) -> str:
        parts = [
            self.file or "",
            self.table or "",
            f"row {self.row}" if self.row is not None else "",
            f"column {self.column!r}" if self.column else "",
        ]
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.level.upper()} {self.code} {self.where()}: {self.message}{value}"


ISSUE_SCHEMA = pl.Schema(
    {
        "level": pl.String,
        "code": pl.String,
        "message": pl.String,
        "file": pl.String,
        "table": pl.String,
        "row": pl.Int64,
        "column": pl.String,
        "value": pl.String,
    }
)


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.level == "error" for i in issues)


def issues_frame(issues: Sequence[Issue]) -> pl.DataFrame:
    return pl.DataFrame([asdict(i) for i in issues], schema=ISSUE_SCHEMA)


def issues_to_json(issues: Sequence[Issue]) -> str:
    return json.dumps([asdict(i) for i in issues], indent=2)

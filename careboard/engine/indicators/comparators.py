"""National and statistical-neighbour comparators: a reference file the council can update.

``comparators.csv`` beside this module holds the latest England figure for each indicator with a
published national equivalent (from the DfE releases listed in ``reference/national_indicators.csv``),
with its year and source. It holds no statistical-neighbour rows: careboard has no real figures for
them. A council adds them (comparator "Statistical neighbours", with the year and the source of
the figure) in its own copy of the file and passes that path to :func:`load_comparators`, or edits
this file in its deployment; the monthly report shows neighbours wherever a row exists.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

COMPARATORS_CSV = Path(__file__).with_name("comparators.csv")
COMPARATOR_KINDS = ("England", "Statistical neighbours")
COMPARATOR_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String(),
        "comparator": pl.String(),
        "value": pl.Float64(),
        "year": pl.String(),
        "source": pl.String(),
    }
)


def load_comparators(path: str | os.PathLike[str] | None = None) -> pl.DataFrame:
    """The comparator rows (indicator_id, comparator, value, year, source) from ``path`` or the bundled file.

    Raises ValueError naming the file for missing columns, an unknown comparator, a value that is not
    a number, or two rows for the same indicator and comparator.
    """
    source = Path(path) if path is not None else COMPARATORS_CSV
    raw = pl.read_csv(source, infer_schema=False)
    missing = [c for c in COMPARATOR_SCHEMA if c not in raw.columns]
    if missing:
        raise ValueError(f"{source}: missing columns {missing}")
    frame = raw.select(list(COMPARATOR_SCHEMA)).with_columns(
        pl.col("indicator_id").str.strip_chars(),
        pl.col("comparator").str.strip_chars(),
        value=pl.col("value").str.strip_chars().cast(pl.Float64, strict=False),
    )
    bad_value = frame.filter(pl.col("value").is_null())
    if bad_value.height:
        raise ValueError(f"{source}: value is not a number for {bad_value['indicator_id'].to_list()}")
    bad_kind = frame.filter(~pl.col("comparator").is_in(COMPARATOR_KINDS))
    if bad_kind.height:
        kinds = bad_kind["comparator"].unique().to_list()
        raise ValueError(f"{source}: comparator must be one of {COMPARATOR_KINDS}, not {kinds}")
    duplicated = frame.filter(pl.struct("indicator_id", "comparator").is_duplicated())
    if duplicated.height:
        raise ValueError(f"{source}: more than one row for {duplicated['indicator_id'].unique().to_list()}")
    return frame.cast(COMPARATOR_SCHEMA)


def comparator_values(comparators: pl.DataFrame, comparator: str = "England") -> dict[str, float]:
    """indicator_id -> value for one comparator."""
    rows = comparators.filter(pl.col("comparator") == comparator)
    return dict(zip(rows["indicator_id"].to_list(), rows["value"].to_list(), strict=True))

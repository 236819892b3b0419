"""Comparing what a format carries before and after a write-read round trip.

A format carries only some of the canonical model, and names things its own way (a 903 episode
has no identifier, a CIN episode is its child and referral date). So the comparison is made on the
format's own tables, built from the canonical data by the writer's projection, before writing and
after reading back: every value the format carries must come back equal.
"""

from collections.abc import Mapping

import polars as pl


def table_differences(before: pl.DataFrame, after: pl.DataFrame, name: str, limit: int = 5) -> list[str]:
    """Plain-English differences between two frames of the same columns, ignoring row order."""
    if before.columns != after.columns:
        return [f"{name}: columns {before.columns} became {after.columns}"]
    cols = before.columns
    a = before.with_columns(pl.all().cast(pl.String)).sort(cols, nulls_last=True)
    b = after.with_columns(pl.all().cast(pl.String)).sort(cols, nulls_last=True)
    lost = a.join(b, on=cols, how="anti", nulls_equal=True)
    gained = b.join(a, on=cols, how="anti", nulls_equal=True)
    out = []
    if a.height != b.height:
        out.append(f"{name}: {a.height} rows became {b.height}")
    out += [f"{name}: lost {row}" for row in lost.head(limit).to_dicts()]
    out += [f"{name}: gained {row}" for row in gained.head(limit).to_dicts()]
    return out


def differences(before: Mapping[str, pl.DataFrame], after: Mapping[str, pl.DataFrame]) -> list[str]:
    out = [f"table {n} missing after the round trip" for n in before if n not in after]
    for name in before:
        if name in after:
            out += table_differences(before[name], after[name], name)
    return out

"""Reading and writing a canonical dataset: a folder with one file per table.

A folder holds ``<table>.parquet`` (what careboard writes) or ``<table>.csv`` (what a person may
prefer to hand-edit); both read the same. Tables absent from the folder read as empty frames with
the table's schema, so an indicator never has to ask whether a table exists.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

import polars as pl

from careboard.engine.schema import TABLES, table

Format = Literal["parquet", "csv"]


class Dataset(Mapping[str, pl.DataFrame]):
    """Canonical tables by name; a table not loaded reads as an empty frame of the right schema."""

    def __init__(self, tables: Mapping[str, pl.DataFrame] | None = None) -> None:
        self._tables: dict[str, pl.DataFrame] = {}
        for name, df in (tables or {}).items():
            self._tables[name] = table(name).conform(df)

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name in self._tables:
            return self._tables[name]
        return table(name).empty()

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def with_table(self, name: str, df: pl.DataFrame) -> Dataset:
        return Dataset({**self._tables, name: df})

    def row_counts(self) -> dict[str, int]:
        return {name: df.height for name, df in self._tables.items()}


def read_dataset(folder: str | os.PathLike[str], names: Iterable[str] | None = None) -> Dataset:
    """Read the canonical tables in ``folder`` (all known tables, or just ``names``)."""
    path = Path(folder)
    if not path.is_dir():
        raise FileNotFoundError(f"no canonical data folder at {path}")
    wanted = list(names) if names is not None else list(TABLES)
    out: dict[str, pl.DataFrame] = {}
    for name in wanted:
        t = table(name)
        parquet, csv = path / f"{name}.parquet", path / f"{name}.csv"
        if parquet.exists():
            out[name] = pl.read_parquet(parquet)
        elif csv.exists():
            # by heading, not position: a hand-edited CSV may have its columns in any order
            header = pl.read_csv(csv, n_rows=0).columns
            overrides = {c: t.schema[c] for c in header if c in t.schema}
            out[name] = pl.read_csv(csv, schema_overrides=overrides, infer_schema=False)
    return Dataset(out)


def write_dataset(
    data: Mapping[str, pl.DataFrame], folder: str | os.PathLike[str], fmt: Format = "parquet"
) -> Path:
    """Write every table in ``data`` to ``folder``, replacing what was there in one step.

    The tables are written to a sibling temporary folder which then takes the place of ``folder``,
    so a failure part-way leaves the previous contents untouched.
    """
    target = Path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, df in data.items():
            frame = table(name).conform(df)
            if fmt == "parquet":
                frame.write_parquet(staging / f"{name}.parquet", statistics=True)
            else:
                frame.write_csv(staging / f"{name}.csv")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)

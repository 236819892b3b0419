"""SSDA903, the DfE's annual return on children looked after: CSV files or the XML.

- :func:`read`: any mix of 903 CSV files (each identified by its columns, as the DfE does) and
  XML returns, collection years 2022/23 onward, into canonical tables plus located issues
  (:mod:`careboard.engine.formats.ssda903_read`).
- :func:`write`: the return for one collection year, as the ten CSV files (``out`` a folder) or
  the XML (``out`` ending ``.xml``) (:mod:`careboard.engine.formats.ssda903_write`).

A collection year is named by the year it ends in: ``year=2025`` is 2024/25, 1 April 2024 to
31 March 2025, checked by the DfE ruleset ``lac2024_25``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.ssda903_read import identify
from careboard.engine.formats.ssda903_read import read as _read
from careboard.engine.formats.ssda903_spec import COLUMNS, ruleset, year_bounds
from careboard.engine.formats.ssda903_write import collection_year, tables_for_year, write_csv, write_xml
from careboard.engine.store import Dataset

__all__ = ["COLUMNS", "identify", "read", "ruleset", "tables_for_year", "write", "year_bounds"]


def read(paths: Sequence[Path], year: int | None = None) -> ReadResult:
    """Read 903 CSV files and/or XML returns; never raises on bad data."""
    return _read(paths, year)


def write(data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None) -> list[Path]:
    """Write the 903 return for collection ``year`` (or the latest year ended by ``as_at``).

    ``out`` ending ``.xml`` gets the XML return; otherwise ``out`` is a folder that gets
    header.csv, episodes.csv, reviews.csv, uasc.csv, oc2.csv, oc3.csv, ad1.csv,
    placed_for_adoption.csv, previous_permanence.csv and missing.csv.
    """
    tables = tables_for_year(data, collection_year(as_at, year))
    out = Path(out)
    if out.suffix.lower() == ".xml":
        return [write_xml(tables, out)]
    return write_csv(tables, out)

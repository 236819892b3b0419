"""Which format a file is in, and reading any mix of files into one canonical result.

Detection looks at what is in a file, not only its name, as the DfE tools do: an XML file by its
root element and collection name, a CSV by its header columns (the 903 tables are told apart by
their columns), a workbook by its sheet names, a folder by the SSD table files in it. A database
connection URL (``sqlite:///...``, ``postgresql://...``) is an SSD database.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

import fastexcel
import polars as pl
from fastexcel import FastExcelError
from lxml import etree

from careboard.engine.formats.common import ReadResult, Where, local_name, norm_heading
from careboard.engine.issues import Issue
from careboard.engine.schema import TABLES
from careboard.engine.store import Dataset

FORMATS: dict[str, str] = {
    "ssd": "careboard.engine.formats.ssd",
    "annex-a": "careboard.engine.formats.annex_a",
    "ssda903": "careboard.engine.formats.ssda903",
    "cin-census": "careboard.engine.formats.cin_census",
    "workforce": "careboard.engine.formats.workforce_census",
}
UNKNOWN = "unknown"
DB_SCHEMES = ("sqlite://", "postgresql://", "postgres://", "postgresql+psycopg://")

Source = Path | str


class FormatModule(Protocol):
    def read(self, paths: Sequence[Path]) -> ReadResult: ...

    def write(
        self, data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None
    ) -> list[Path]: ...


def module(name: str) -> FormatModule:
    """The module implementing format ``name``; raises KeyError for a name not in FORMATS."""
    mod: ModuleType = importlib.import_module(FORMATS[name])
    return cast(FormatModule, mod)


def is_db_url(source: Source) -> bool:
    return isinstance(source, str) and source.startswith(DB_SCHEMES)


def detect(path: Source) -> str:
    """The format name of ``path`` (a key of FORMATS), or ``"unknown"``."""
    if is_db_url(path):
        return "ssd"
    p = Path(path)
    if p.is_dir():
        return _detect_folder(p)
    if not p.is_file():
        return UNKNOWN
    suffix = p.suffix.lower()
    try:
        if suffix == ".xml":
            return _detect_xml(p)
        if suffix in (".xlsx", ".xlsm"):
            return _detect_workbook(p)
        if suffix == ".parquet":
            return "ssd" if p.stem.lower() in TABLES else UNKNOWN
        if suffix in (".csv", ".txt"):
            return _detect_csv(p)
    except (OSError, ValueError, etree.Error, zipfile.BadZipFile, pl.exceptions.PolarsError, FastExcelError):
        return UNKNOWN
    return UNKNOWN


def _detect_folder(p: Path) -> str:
    names = {c.stem.lower() for c in p.iterdir() if c.suffix.lower() in (".csv", ".parquet")}
    if names & set(TABLES):
        return "ssd"
    return UNKNOWN


def _detect_xml(p: Path) -> str:
    """Root element and, for a DfE ``Message``, the ``Collection`` named in its header."""
    events = etree.iterparse(
        str(p),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    root: str | None = None
    for seen, (event, el) in enumerate(events):
        name = local_name(el.tag)
        if root is None:
            root = name
            if name == "EXPSSDA903":
                return "ssda903"
            if name != "Message":
                return UNKNOWN
        if event == "end" and name == "Collection":
            text = (el.text or "").strip().upper()
            return {"CIN": "cin-census", "CSWW": "workforce"}.get(text, UNKNOWN)
        if seen > 100:
            break
    return UNKNOWN


def _detect_workbook(p: Path) -> str:
    sheets = {norm_heading(s) for s in fastexcel.read_excel(str(p)).sheet_names}
    if sum(f"list{i}" in sheets for i in range(1, 12)) >= 3:
        return "annex-a"
    return UNKNOWN


# The 903 header and episodes files are recognised by columns only they have.
_903_MARKERS = ({"CHILD", "DECOM", "RNE", "LS"}, {"CHILD", "SEX", "DOB", "ETHNIC"}, {"CHILD", "DUC"})


def _detect_csv(p: Path) -> str:
    if p.stem.lower() in TABLES:
        return "ssd"
    header = pl.read_csv(p, n_rows=0, encoding="utf8-lossy", infer_schema=False).columns
    cols = {c.strip().lstrip("\ufeff").upper() for c in header}
    if "CHILD" in cols:
        return "ssda903"
    lowered = {c.lower() for c in cols}
    for t in TABLES.values():
        if t.key and t.key in lowered:
            return "ssd"
    return UNKNOWN


@dataclass(frozen=True)
class Grouped:
    by_format: dict[str, list[Path]]
    databases: list[str]
    unknown: list[Path]


def group(paths: Sequence[Source]) -> Grouped:
    by_format: dict[str, list[Path]] = {}
    databases: list[str] = []
    unknown: list[Path] = []
    for path in paths:
        if is_db_url(path):
            databases.append(str(path))
            continue
        fmt = detect(path)
        if fmt == UNKNOWN and Path(path).is_dir():
            # a folder that is not an SSD folder: each file in it is read on its own
            inner = group(
                sorted(c for c in Path(path).iterdir() if c.is_file() and not c.name.startswith("."))
            )
            for name, members in inner.by_format.items():
                by_format.setdefault(name, []).extend(members)
            unknown += inner.unknown
            continue
        if fmt == "ssd" and Path(path).is_dir():
            # the SSD reader takes the folder's tables; any other file in it is read on its own
            others = [
                c
                for c in sorted(Path(path).iterdir())
                if c.is_file() and not c.name.startswith(".") and c.suffix.lower() not in (".csv", ".parquet")
            ]
            inner = group(others)
            for name, members in inner.by_format.items():
                by_format.setdefault(name, []).extend(members)
            unknown += inner.unknown
        if fmt == UNKNOWN:
            unknown.append(Path(path))
        else:
            by_format.setdefault(fmt, []).append(Path(path))
    return Grouped(by_format, databases, unknown)


class _YearReader(Protocol):
    def read(self, paths: Sequence[Path], year: int | None = None) -> ReadResult: ...


def read_any(paths: Sequence[Source], *, year: int | None = None) -> ReadResult:
    """Read every path with the reader of its detected format and merge the results.

    ``year``: the collection year of SSDA903 returns (2025 for 2024/25), when the caller knows it;
    other formats carry their own.
    """
    grouped = group(paths)
    result = ReadResult()
    for path in grouped.unknown:
        result.issues.append(_unknown_issue(path))
    for fmt, members in grouped.by_format.items():
        if fmt == "ssda903":
            result = result.merge(cast(_YearReader, module(fmt)).read(members, year=year))
        else:
            result = result.merge(module(fmt).read(members))
    if grouped.databases:
        ssd = importlib.import_module(FORMATS["ssd"])
        for url in grouped.databases:
            result = result.merge(ssd.read_database(url))
    return _drop_repeats(result)


def _unknown_issue(path: Path) -> Issue:
    where = Where(path.name)
    if not path.exists():
        return where.issue("error", "FILE_NOT_FOUND", f"no such file or folder: {path}")
    if path.is_file() and path.stat().st_size == 0:
        return where.issue("error", "FILE_EMPTY", "the file is empty")
    return where.issue(
        "error",
        "FORMAT_UNKNOWN",
        "not a format careboard reads (SSD tables, Annex A workbook, SSDA903 CSV or XML, "
        "CIN census XML, workforce census XML)",
    )


def _drop_repeats(result: ReadResult) -> ReadResult:
    """The same row read from two formats (a child in both Annex A and the 903) is kept once."""
    tables = {name: df.unique(maintain_order=True) for name, df in result.tables.items()}
    return ReadResult(tables, result.issues, result.rows_read, result.notes)

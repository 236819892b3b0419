"""The Standard Safeguarding Dataset (SSD): a folder of table files, or an SSD database.

careboard's canonical model *is* the SSD (plus marked ``cb_*`` extensions), so reading is mostly
about cleaning: files are named after their table (``ssd_person.csv`` or ``.parquet``); CSVs from a
council's export arrive with dates in several spellings, flags as Y/N, 1/0 or true/false, ids
typed as numbers, a byte-order mark or Windows-1252 text. A database is read table by table from a
connection URL (``sqlite:///path`` or ``postgresql://...``; a PostgreSQL schema is chosen with the
usual ``?options=-csearch_path%3Dname``).

Writing produces a folder with one UTF-8 CSV per table with ISO dates: the SSD's interchange
form, loaded by databases rather than opened in a spreadsheet, so text is written as it is.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import polars as pl

from careboard.engine.formats.common import (
    ROW,
    ReadResult,
    Where,
    as_utf8,
    convert_frame,
    finish_table,
    missing_required,
    orphan_issues,
    scratch_dir,
    sniff_encoding,
)
from careboard.engine.issues import Issue
from careboard.engine.schema import TABLES, table
from careboard.engine.store import Dataset

# SSD tables careboard does not model: recognised, counted and reported, not placed.
SSD_TABLES_NOT_USED = frozenset(
    {
        "ssd_api_data_staging",
        "ssd_assessment_factors",
        "ssd_cla_care_plan",
        "ssd_ehcp_active_plans",
        "ssd_ehcp_assessment",
        "ssd_ehcp_named_plan",
        "ssd_ehcp_requests",
        "ssd_family",
        "ssd_s251_finance",
        "ssd_sen_need",
        "ssd_send",
        "ssd_version_log",
        "ssd_voice_of_child",
    }
)
SUFFIXES = (".csv", ".parquet")


@dataclass
class _Raw:
    """One source table as found: canonical column names, raw values, the user's row numbers."""

    name: str
    where: Where
    frame: pl.DataFrame
    headings: dict[str, str]
    issues: list[Issue]


# --------------------------------------------------------------------------------------------
# Reading a folder or files


def read(paths: Sequence[Path | str]) -> ReadResult:
    """Read SSD table files, folders of them, or database URLs."""
    urls = [str(p) for p in paths if isinstance(p, str) and "://" in p]
    files = _files([Path(p) for p in paths if not (isinstance(p, str) and "://" in p)])
    result = ReadResult()
    raws: list[_Raw] = []
    with scratch_dir() as tmp:
        for path in files:
            raw = _read_file(path, Path(tmp), result)
            if raw is not None:
                raws.append(raw)
        # converted inside the scratch folder's lifetime: a cp1252 file is read from its UTF-8 copy
        out = _place(raws, result)
    for url in urls:
        out = out.merge(read_database(url))
    return out


def _files(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(c for c in p.iterdir() if c.is_file() and c.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out


def table_name_for(path: Path) -> str:
    return path.stem.strip().lower()


def _read_file(path: Path, tmp: Path, result: ReadResult) -> _Raw | None:
    name = table_name_for(path)
    where = Where(path.name, name)
    if not path.is_file():
        result.issues.append(where.issue("error", "FILE_NOT_FOUND", f"no such file: {path}"))
        return None
    if path.stat().st_size == 0:
        result.issues.append(where.issue("error", "FILE_EMPTY", "the file is empty"))
        return None
    if path.suffix.lower() not in SUFFIXES:
        result.issues.append(where.issue("error", "FORMAT_UNKNOWN", "SSD tables are .csv or .parquet files"))
        return None
    frame, first_row, problem = _load(path, tmp, where)
    if problem is not None:
        result.issues.append(problem)
        return None
    assert frame is not None
    result.rows_read[path.name] = frame.height
    if name in SSD_TABLES_NOT_USED:
        result.issues.append(
            where.issue(
                "warning",
                "TABLE_NOT_USED",
                f"careboard does not use this SSD table; {frame.height} rows ignored",
            )
        )
        return None
    if name not in TABLES:
        result.issues.append(
            where.issue(
                "error",
                "TABLE_UNKNOWN",
                f"the file name is not an SSD table (e.g. ssd_person.csv); {frame.height} rows not read",
            )
        )
        return None
    return _raw_table(
        name, frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64)), where
    )


def _load(path: Path, tmp: Path, where: Where) -> tuple[pl.DataFrame | None, int, Issue | None]:
    """The file's rows and the row number of the first (CSV line 2 under the header; parquet row 1)."""
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path), 1, None
        source = as_utf8(path, sniff_encoding(path), tmp)
        # every value as text: ids keep their leading zeros and the conversion reports what is wrong
        df = pl.read_csv(
            source,
            infer_schema=False,
            encoding="utf8",
            raise_if_empty=True,
        )
        return df, 2, None
    except pl.exceptions.NoDataError:
        return None, 0, where.issue("error", "FILE_EMPTY", "the file has no header row")
    except (pl.exceptions.PolarsError, OSError) as exc:
        return None, 0, where.issue("error", "FILE_UNREADABLE", f"cannot read the file: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _raw_table(name: str, frame: pl.DataFrame, where: Where) -> _Raw:
    t = table(name)
    headings: dict[str, str] = {}
    issues: list[Issue] = []
    keep: list[pl.Expr] = [pl.col(ROW)]
    for col in frame.columns:
        if col == ROW:
            continue
        canonical = col.strip().lstrip("\ufeff").lower()
        if canonical in t.by_name and canonical not in headings:
            headings[canonical] = col
            keep.append(pl.col(col).alias(canonical))
        else:
            issues.append(
                where.issue(
                    "warning", "COLUMN_UNKNOWN", f"{name} has no field {col!r}; column ignored", column=col
                )
            )
    if t.key is not None and t.key not in headings:
        issues.append(
            where.issue(
                "error", "COLUMN_MISSING", f"the table's identifier column {t.key} is missing", column=t.key
            )
        )
    return _Raw(name, where, frame.select(keep), headings, issues)


# --------------------------------------------------------------------------------------------
# Converting and placing


def _place(raws: list[_Raw], result: ReadResult) -> ReadResult:
    converted: list[tuple[_Raw, pl.DataFrame, list[Issue]]] = []
    for raw in raws:
        if any(i.code == "COLUMN_MISSING" for i in raw.issues):
            result.issues += raw.issues
            result.issues.append(
                raw.where.issue(
                    "error", "ROWS_NOT_READ", f"{raw.frame.height} rows not read: no identifier column"
                )
            )
            continue
        frame, issues = convert_frame(raw.frame, raw.name, where=raw.where, headings=raw.headings)
        key = table(raw.name).key
        if key is not None:
            issues += missing_required(frame, key, where=raw.where, heading=raw.headings.get(key))
        converted.append((raw, frame, raw.issues + issues))
    people = _person_ids(converted)
    for raw, frame, issues in converted:
        person = table(raw.name).person_field
        if people is not None and person is not None and raw.name != "ssd_person" and person in frame.columns:
            issues = issues + orphan_issues(
                frame, person, people, where=raw.where, heading=raw.headings.get(person)
            )
        finish_table(
            result,
            raw.name,
            frame,
            where=raw.where,
            issues=issues,
            key_heading=raw.headings.get(table(raw.name).key or ""),
        )
    return result


def _person_ids(converted: list[tuple[_Raw, pl.DataFrame, list[Issue]]]) -> pl.Series | None:
    """Ids of the children in the person tables read (None when no person table was given)."""
    frames = [
        f.select("pers_person_id")
        for raw, f, _ in converted
        if raw.name == "ssd_person" and "pers_person_id" in f.columns
    ]
    if not frames:
        return None
    return pl.concat(frames)["pers_person_id"].drop_nulls().unique()


# --------------------------------------------------------------------------------------------
# Databases


def read_database(url: str) -> ReadResult:
    """Read every SSD table found in the database at ``url``."""
    shown = redact(url)
    result = ReadResult()
    try:
        with _connect(url) as conn:
            raws = [_raw_table(name, frame, Where(shown, name)) for name, frame in conn.tables(result)]
    except DatabaseError as exc:
        result.issues.append(
            Where(shown).issue("error", "DATABASE_UNREADABLE", f"cannot read the database: {exc}")
        )
        return result
    return _place(raws, result)


class DatabaseError(Exception):
    """The database could not be opened or read (reported as an issue, not raised to the user)."""


def redact(url: str) -> str:
    """The URL without any password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class _Connection:
    def __init__(self, url: str) -> None:
        self.url = url
        self.kind = "sqlite" if url.startswith("sqlite://") else "postgresql"
        self._conn: sqlite3.Connection | object | None = None

    def __enter__(self) -> _Connection:
        try:
            if self.kind == "sqlite":
                self._conn = _sqlite(self.url)
            else:
                import psycopg

                self._conn = psycopg.connect(_pg_url(self.url), connect_timeout=10)
        except Exception as exc:  # any driver failure is a data-source problem for the user
            raise DatabaseError(_first_line(exc)) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        close = getattr(self._conn, "close", None)
        if close is not None:
            close()

    def tables(self, result: ReadResult) -> Iterator[tuple[str, pl.DataFrame]]:
        names = self._table_names()
        for name in names:
            low = name.lower()
            if low in SSD_TABLES_NOT_USED:
                result.issues.append(
                    Where(redact(self.url), name).issue(
                        "warning", "TABLE_NOT_USED", "careboard does not use this SSD table"
                    )
                )
                continue
            if low not in TABLES:
                continue  # other tables in the database are none of our business
            frame = self._read_table(name)
            result.rows_read[f"{redact(self.url)}:{low}"] = frame.height
            yield low, frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))

    def _table_names(self) -> list[str]:
        try:
            if self.kind == "sqlite":
                q = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
            else:
                q = (
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() ORDER BY table_name"
                )
            cur = self._conn.cursor()  # type: ignore[union-attr]
            cur.execute(q)
            return [str(r[0]) for r in cur.fetchall()]
        except Exception as exc:
            raise DatabaseError(_first_line(exc)) from exc

    def _read_table(self, name: str) -> pl.DataFrame:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise DatabaseError(f"unexpected table name {name!r}")
        try:
            cur = self._conn.cursor()  # type: ignore[union-attr]
            if self.kind == "sqlite":
                # SQLite stores any type in any column: read as text and let conversion judge it
                cur.execute(f'SELECT * FROM "{name}" LIMIT 0')
                cols = [d[0] for d in cur.description]
                select = ", ".join(f'CAST("{c}" AS TEXT) AS "{c}"' for c in cols)
                query = f'SELECT {select} FROM "{name}"'
            else:
                query = f'SELECT * FROM "{name}"'
            return pl.read_database(query, self._conn, infer_schema_length=None)
        except Exception as exc:
            raise DatabaseError(f"table {name}: {_first_line(exc)}") from exc


def _connect(url: str) -> _Connection:
    return _Connection(url)


def _sqlite(url: str) -> sqlite3.Connection:
    path = url.removeprefix("sqlite:///")
    if path == url or not path:
        raise DatabaseError("a SQLite URL is sqlite:///path/to/file.db")
    if not Path(path).is_file():
        raise DatabaseError(f"no SQLite file at {path}")
    # read-only: reading must change nothing
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --------------------------------------------------------------------------------------------
# Writing


def write(data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None) -> list[Path]:
    """Write each table in ``data`` as ``<table>.csv`` in folder ``out`` (UTF-8, ISO dates).

    ``as_at`` and ``year`` are accepted for the common writer signature; the SSD is not a return
    for a period, so every row is written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in data:
        frame = table(name).conform(data[name])
        target = out / f"{name}.csv"
        frame.write_csv(target, datetime_format="%Y-%m-%dT%H:%M:%S%.f", date_format="%Y-%m-%d")
        written.append(target)
    return written

"""What every format reader and writer shares.

- :class:`ReadResult`: the rows a reader could place in the canonical model, the issues it found,
  and how many rows it saw in each source (so nothing is dropped silently: every row seen is either
  placed or named in an issue).
- Column conversion from what people put in files to canonical types: dates in the spellings
  councils use (ISO, dd/mm/yyyy, d/m/yy, 15-Jan-2024, Excel serial numbers, datetime cells),
  flags (Y/N, 1/0, true/false, yes/no), identifiers typed as numbers. A value that cannot be
  converted becomes an :class:`Issue` located by file, sheet or table, row, column heading and
  value; conversions are Polars expressions, never loops over rows.
- Encoding sniffing for text files (UTF-8, UTF-8 with a byte-order mark, Windows-1252).
- Safe XML parsing: no entity expansion, no DTD loading, no network, bounded size and depth.
- Neutralising text that a spreadsheet would run as a formula when written out.

Readers add a ``ROW`` column holding the row number as the user counts it (spreadsheet row, CSV
line, XML line) and drop it when they conform a table; rows with an error are not placed.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl
from lxml import etree

from careboard.engine.issues import Issue, Level
from careboard.engine.schema import TABLES, table
from careboard.engine.store import Dataset

ROW = "__row"  # the user's row number, carried through a reader until the table is conformed

# Excel counts days from 1899-12-30 (its serial 60 is the non-existent 29/02/1900; serials before
# 61 are off by one, which no date in children's social care data reaches).
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 31/12/9999

# A file of this size or more is refused rather than parsed into memory as one XML tree.
XML_MAX_BYTES = 2 * 1024**3
XML_MAX_DEPTH = 64
_LIBXML2_MAX_DEPTH = 256  # libxml2 without huge_tree refuses deeper nesting while parsing
_XML_ERR_RESOURCE_LIMIT = 114  # libxml2's error code for a parser limit reached


@dataclass
class ReadResult:
    """What a reader returns: canonical tables (conformed), located issues, rows seen per source."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    # What the user should know that is not a problem (e.g. the year a return was read as).
    notes: list[str] = field(default_factory=list)

    def add_table(self, name: str, df: pl.DataFrame) -> None:
        """Place rows in canonical table ``name`` (conformed), appending to rows already placed."""
        frame = table(name).conform(df.drop(ROW, strict=False))
        if name in self.tables:
            frame = pl.concat([self.tables[name], frame], how="vertical")
        self.tables[name] = frame

    def merge(self, other: ReadResult) -> ReadResult:
        out = ReadResult(
            dict(self.tables),
            [*self.issues, *other.issues],
            dict(self.rows_read),
            [*self.notes, *other.notes],
        )
        for name, df in other.tables.items():
            out.add_table(name, df)
        for source, n in other.rows_read.items():
            out.rows_read[source] = out.rows_read.get(source, 0) + n
        return out

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    def dataset(self) -> Dataset:
        return Dataset(self.tables)


@dataclass(frozen=True)
class Where:
    """Where the rows being converted came from, as the user names it."""

    file: str
    table: str | None = None

    def issue(
        self,
        level: Level,
        code: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> Issue:
        return Issue(level, code, message, self.file, self.table, row, column, value)


# --------------------------------------------------------------------------------------------
# Turning a mask over a frame into located issues


def issues_where(
    df: pl.DataFrame,
    mask: pl.Expr,
    *,
    where: Where,
    level: Level,
    code: str,
    message: str,
    column: str | None = None,
    value: pl.Expr | None = None,
) -> list[Issue]:
    """One issue per row of ``df`` (which has a ``ROW`` column) where ``mask`` is true."""
    value_expr = (value if value is not None else pl.lit(None, pl.String)).cast(pl.String).alias("v")
    hits = df.lazy().filter(mask).select(pl.col(ROW), value_expr).collect()
    return [
        Issue(level, code, message, where.file, where.table, row, column, v)
        for row, v in zip(hits[ROW].to_list(), hits["v"].to_list(), strict=True)
    ]


def error_rows(issues: Iterable[Issue], where: Where) -> set[int]:
    """Row numbers of ``where`` that have an error (these rows are not placed)."""
    return {
        i.row
        for i in issues
        if i.level == "error" and i.row is not None and i.file == where.file and i.table == where.table
    }


def drop_rows(df: pl.DataFrame, rows: set[int]) -> pl.DataFrame:
    if not rows:
        return df
    return df.filter(~pl.col(ROW).is_in(pl.Series(sorted(rows), dtype=pl.Int64).implode()))


# --------------------------------------------------------------------------------------------
# Dates

# Each entry: a pattern the cleaned text must match in full, and the strptime format that reads it
# once separators are normalised. A value that matches a pattern but does not parse is an
# impossible date (31/02/2024); one that matches none is not a date we recognise.
_DATE_SHAPES: tuple[tuple[str, str], ...] = (
    (r"^\d{4}-\d{1,2}-\d{1,2}$", "%Y-%m-%d"),
    (r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{2}$", "%d/%m/%y"),
    (r"^\d{1,2} [A-Za-z]{3} \d{4}$", "%d %b %Y"),
    (r"^\d{1,2} [A-Za-z]{4,9} \d{4}$", "%d %B %Y"),
    (r"^\d{1,2} [A-Za-z]{3} \d{2}$", "%d %b %y"),
    (r"^\d{8}$", "%Y%m%d"),
)
_TIME_SUFFIX = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
_SERIAL = r"^\d{1,7}(\.\d+)?$"


def _date_text(expr: pl.Expr) -> pl.Expr:
    """Text with the time of day removed and separators normalised: '3.4.2024' -> '3/4/2024'.

    Each pattern is anchored so that values of other shapes fail at once (this runs on every
    distinct date text of a file).
    """
    text = expr.cast(pl.String).str.strip_chars().str.replace(_TIME_SUFFIX, "")
    # dd-mm-yyyy and dd.mm.yyyy read as dd/mm/yyyy; ISO keeps its hyphens
    text = text.str.replace(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{2,4})$", "$1/$2/$3")
    # 15-Jan-2024, 15  January 2024 -> 15 Jan 2024; "Sept" is not a chrono abbreviation
    text = text.str.replace(r"^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4})$", "$1 $2 $3")
    return text.str.replace(r"^(\d{1,2}) (?i:sept) ", "$1 Sep ")


def date_expr(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(parsed date, recognised shape) for a column of text, numbers, dates or datetimes.

    The second expression is true where the value looks like a date (so a null parse is an
    impossible date rather than an unrecognised one). On a large column prefer
    :func:`convert_frame`, which parses each distinct text once.
    """
    return date_from_clean_text(_date_text(expr))


def date_from_clean_text(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(parsed date, recognised shape) from text already cleaned by ``_date_text``."""
    parsed: list[pl.Expr] = []
    shaped: list[pl.Expr] = []
    for pattern, fmt in _DATE_SHAPES:
        matches = text.str.contains(pattern)
        shaped.append(matches)
        parsed.append(pl.when(matches).then(text.str.strptime(pl.Date, fmt, strict=False)))
    number = text.cast(pl.Float64, strict=False)
    is_serial = text.str.contains(_SERIAL) & number.is_between(1, EXCEL_MAX_SERIAL)
    serial = pl.lit(EXCEL_EPOCH) + pl.duration(days=number.floor().cast(pl.Int64))
    parsed.append(pl.when(is_serial).then(serial.cast(pl.Date)))
    shaped.append(is_serial)
    return pl.coalesce(parsed), pl.any_horizontal(shaped)


def _to_date(expr: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    if dtype == pl.Date:
        return expr, pl.lit(True)
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date(), pl.lit(True)
    if dtype.is_numeric():
        number = expr.cast(pl.Float64)
        ok = number.is_between(1, EXCEL_MAX_SERIAL)
        days = pl.when(ok).then(number.floor().cast(pl.Int64))
        return (pl.lit(EXCEL_EPOCH) + pl.duration(days=days)).cast(pl.Date), ok
    return date_expr(expr)


def _time_of_day(expr: pl.Expr) -> pl.Expr:
    """The time of day written after a date, as a duration (zero when there is none)."""
    text = expr.cast(pl.String).str.strip_chars()
    parts = text.str.extract_groups(r"[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
    micro = parts.struct.field("4").str.pad_end(6, "0").cast(pl.Int64, strict=False).fill_null(0)
    return pl.duration(
        hours=parts.struct.field("1").cast(pl.Int64, strict=False).fill_null(0),
        minutes=parts.struct.field("2").cast(pl.Int64, strict=False).fill_null(0),
        seconds=parts.struct.field("3").cast(pl.Int64, strict=False).fill_null(0),
        microseconds=micro,
        time_unit="us",
    )


def _to_datetime(expr: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    if isinstance(dtype, pl.Datetime):
        return expr.dt.replace_time_zone(None).cast(pl.Datetime("us")), pl.lit(True)
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us")), pl.lit(True)
    if dtype.is_numeric():
        number = expr.cast(pl.Float64)
        ok = number.is_between(1, EXCEL_MAX_SERIAL)
        micros = pl.when(ok).then((number * 86_400_000_000).round(0).cast(pl.Int64))
        epoch = pl.lit(EXCEL_EPOCH).cast(pl.Datetime("us"))
        return epoch + pl.duration(microseconds=micros, time_unit="us"), ok
    day, shaped = date_expr(expr)
    return day.cast(pl.Datetime("us")) + _time_in_text(expr), shaped


def _time_in_text(expr: pl.Expr) -> pl.Expr:
    """The time of day in a date text: after the date, or an Excel serial's fraction."""
    text = expr.cast(pl.String).str.strip_chars()
    is_serial = text.str.contains(_SERIAL)
    fraction = text.cast(pl.Float64, strict=False).mod(1)
    serial_time = pl.duration(
        microseconds=(fraction * 86_400_000_000).round(0).cast(pl.Int64), time_unit="us"
    )
    return pl.when(is_serial).then(serial_time).otherwise(_time_of_day(expr))


# --------------------------------------------------------------------------------------------
# Flags, identifiers, numbers

_YES = ("y", "yes", "1", "true", "t", "1.0")
_NO = ("n", "no", "0", "false", "f", "0.0")


def flag_expr(expr: pl.Expr) -> pl.Expr:
    """'Y'/'N' from the spellings people use; null where it is none of them."""
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    return pl.when(text.is_in(_YES)).then(pl.lit("Y")).when(text.is_in(_NO)).then(pl.lit("N"))


def id_expr(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Identifiers as text: numbers lose a spreadsheet's '.0'; surrounding spaces go."""
    if dtype.is_float():
        as_int = expr.cast(pl.Int64, strict=False)
        whole = expr == expr.floor()
        return (
            pl.when(whole & as_int.is_not_null()).then(as_int.cast(pl.String)).otherwise(expr.cast(pl.String))
        )
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def text_expr(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype.is_float():
        return id_expr(expr, dtype)
    if isinstance(dtype, pl.Datetime) or dtype == pl.Date:
        return expr.cast(pl.String)
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def is_blank(expr: pl.Expr) -> pl.Expr:
    return expr.is_null() | (expr.cast(pl.String).str.strip_chars() == "")


# --------------------------------------------------------------------------------------------
# Converting a whole frame of raw values to a canonical table

Kind = Literal["date", "datetime", "int", "float", "flag", "text"]


def field_kind(table_name: str, field_name: str) -> Kind:
    dtype = table(table_name).by_name[field_name].dtype
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Int64:
        return "int"
    if dtype == pl.Float64:
        return "float"
    if field_name in FLAG_FIELDS:
        return "flag"
    return "text"


def convert_frame(
    raw: pl.DataFrame,
    table_name: str,
    *,
    where: Where,
    headings: Mapping[str, str] | None = None,
) -> tuple[pl.DataFrame, list[Issue]]:
    """Convert ``raw`` (canonical column names, values as found, plus ``ROW``) to canonical types.

    Returns the converted frame (still with ``ROW``, including rows with problems, whose bad
    values are null) and one issue per value that could not be converted: an error for dates and
    numbers (the row is then not placed), a warning for a flag that is not yes/no (left null).
    ``headings`` maps canonical names to the heading the user sees, for issue locations.
    """
    headings = headings or {}
    columns = raw.columns
    exprs: list[pl.Expr] = [pl.col(ROW)]
    checks: list[tuple[str, pl.Expr, Level, str, str]] = []
    raw = _parse_dates_once(raw, table_name)
    for name in columns:
        if name == ROW:
            continue
        col, dtype = pl.col(name), raw.schema[name]
        kind = field_kind(table_name, name)
        present = ~is_blank(col) if dtype in (pl.String, pl.Categorical) else col.is_not_null()
        if kind in ("date", "datetime"):
            if f"__v_{name}" in raw.columns:
                value, shaped = pl.col(f"__v_{name}"), pl.col(f"__s_{name}")
            else:
                value, shaped = _to_date(col, dtype) if kind == "date" else _to_datetime(col, dtype)
            exprs.append(value.alias(name))
            checks += _date_checks(name, value, shaped, present)
        elif kind in ("int", "float"):
            target = pl.Int64 if kind == "int" else pl.Float64
            text = col.cast(pl.String).str.strip_chars().str.replace_all(",", "")
            number = text.cast(pl.Float64, strict=False)
            value = number if kind == "float" else number.round(0).cast(pl.Int64, strict=False)
            exprs.append(value.cast(target).alias(name))
            bad = present & (
                value.is_null() | ((number != number.round(0)) if kind == "int" else pl.lit(False))
            )
            msg = "is not a whole number" if kind == "int" else "is not a number"
            checks.append((name, bad, "error", "NUMBER_INVALID", msg))
        elif kind == "flag":
            value = flag_expr(col)
            exprs.append(value.alias(name))
            checks.append(
                (name, present & value.is_null(), "warning", "FLAG_INVALID", "is not Y or N; left blank")
            )
        else:
            exprs.append(text_expr(col, dtype).alias(name))
    # Values, problem masks and the raw text are computed together from the raw frame, once.
    checked = {c[0] for c in checks}
    converted = (
        raw.lazy()
        .select(
            *exprs,
            *[m.alias(f"__bad_{i}") for i, (_, m, *_rest) in enumerate(checks)],
            *[pl.col(n).cast(pl.String).alias(f"__raw_{n}") for n in checked],
        )
        .collect()
    )
    issues: list[Issue] = []
    if checks:
        flagged = converted.filter(pl.any_horizontal(pl.col(r"^__bad_\d+$")))
        for i, (name, _, level, code, msg) in enumerate(checks):
            hits = flagged.filter(pl.col(f"__bad_{i}"))
            heading = headings.get(name, name)
            issues += [
                where.issue(level, code, f"{heading} {msg}", row=r, column=heading, value=v)
                for r, v in zip(hits[ROW].to_list(), hits[f"__raw_{name}"].to_list(), strict=True)
            ]
    return converted.select(columns), issues


def _parse_dates_once(raw: pl.DataFrame, table_name: str) -> pl.DataFrame:
    """Add the parsed value of each text date column, parsing each distinct text only once.

    A council's file repeats the same few thousand dates across a million rows, and trying every
    spelling is the costly part, so the spellings are tried on the distinct values and joined back.
    """
    for name in [c for c in raw.columns if c != ROW]:
        kind = field_kind(table_name, name)
        if kind not in ("date", "datetime") or raw.schema[name] != pl.String:
            continue
        lookup = _parse_distinct(raw.select(pl.col(name).unique()), name, kind)
        raw = raw.join(lookup, on=name, how="left", nulls_equal=True, maintain_order="left")
    return raw


# The spellings most files use, tried first with one exact parse each (fast); the rest of the
# distinct values go through every spelling.
_FAST_DATE = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{2}/\d{2}/\d{4}$", "%d/%m/%Y"),
    # a date cell read as text: "2024-01-31 00:00:00"
    (r"^\d{4}-\d{2}-\d{2} 00:00:00$", "%Y-%m-%d 00:00:00"),
)
_FAST_DATETIME = (
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+$", "%Y-%m-%dT%H:%M:%S%.f"),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$", "%Y-%m-%d %H:%M:%S%.f"),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "%Y-%m-%dT%H:%M:%S"),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S"),
)


def _parse_distinct(distinct: pl.DataFrame, name: str, kind: str) -> pl.DataFrame:
    """(text, parsed value, date-shaped) for each distinct text of a date column."""
    formats = _FAST_DATE if kind == "date" else _FAST_DATETIME
    col = pl.col(name)
    tries = [
        pl.when(col.str.contains(shape)).then(
            col.str.strptime(pl.Date, f, strict=False)
            if kind == "date"
            else col.str.strptime(pl.Datetime("us"), f, strict=False)
        )
        for shape, f in formats
    ]
    fast = distinct.with_columns(pl.coalesce(tries).alias(f"__v_{name}"))
    done = fast.filter(pl.col(f"__v_{name}").is_not_null()).with_columns(pl.lit(True).alias(f"__s_{name}"))
    rest = fast.filter(pl.col(f"__v_{name}").is_null()).select(name)
    # the cleaned text is materialised once, then every spelling is tried on it
    rest = rest.with_columns(_date_text(col).alias("__t"))
    day, shaped = date_from_clean_text(pl.col("__t"))
    value = day if kind == "date" else day.cast(pl.Datetime("us")) + _time_in_text(col)
    slow = rest.select(col, value.alias(f"__v_{name}"), shaped.alias(f"__s_{name}"))
    return pl.concat([done, slow], how="vertical")


def _date_checks(
    name: str, value: pl.Expr, shaped: pl.Expr, present: pl.Expr
) -> list[tuple[str, pl.Expr, Level, str, str]]:
    return [
        (name, present & value.is_null() & shaped, "error", "DATE_IMPOSSIBLE", "is not a real date"),
        (name, present & ~shaped, "error", "DATE_UNRECOGNISED", "is not a date in a recognised format"),
    ]


def finish_table(
    result: ReadResult,
    name: str,
    frame: pl.DataFrame,
    *,
    where: Where,
    issues: list[Issue],
    key: str | None = None,
    key_heading: str | None = None,
) -> None:
    """Check the key, then place the rows without errors in ``result`` and add the issues.

    Rows sharing a key: exact copies are kept once (a warning); different rows under one key are
    errors on every occurrence after the first, which is kept.
    """
    key = key if key is not None else table(name).key
    if key is not None and key in frame.columns and frame.height:
        issues = issues + _key_issues(frame, key, where, key_heading or key)
    bad = error_rows(issues, where)
    keep = drop_rows(frame, bad)
    if key is not None and key in keep.columns and has_duplicates(keep[key]):
        keep = keep.unique(subset=[c for c in keep.columns if c != ROW], keep="first", maintain_order=True)
    result.issues.extend(issues)
    result.add_table(name, keep)


def has_duplicates(values: pl.Series) -> bool:
    """Whether any non-null value repeats (hashes first: exact checks are slow on a million ids)."""
    present = values.drop_nulls()
    if present.hash().n_unique() == present.len():
        return False
    return bool(present.is_duplicated().any())


def _key_issues(frame: pl.DataFrame, key: str, where: Where, heading: str) -> list[Issue]:
    if not has_duplicates(frame[key]):
        return []
    frame = frame.filter(pl.col(key).is_duplicated())
    if frame.is_empty():
        return []
    values = [c for c in frame.columns if c != ROW]
    marked = (
        frame.lazy()
        .with_columns(
            (pl.int_range(pl.len()).over(key) > 0).alias("__later"),
            (pl.int_range(pl.len()).over(values) > 0).alias("__copy"),
        )
        .filter(pl.col(key).is_not_null() & pl.col("__later"))
        .collect()
    )
    copies = marked.filter(pl.col("__copy"))
    clashes = marked.filter(~pl.col("__copy"))
    issues = [
        where.issue(
            "warning",
            "DUPLICATE_ROW",
            "row repeats an earlier row; kept once",
            row=r,
            column=heading,
            value=v,
        )
        for r, v in zip(copies[ROW].to_list(), copies[key].to_list(), strict=True)
    ]
    issues += [
        where.issue(
            "error",
            "DUPLICATE_ID",
            f"{heading} is used by an earlier row with different values",
            row=r,
            column=heading,
            value=v,
        )
        for r, v in zip(clashes[ROW].to_list(), clashes[key].to_list(), strict=True)
    ]
    return issues


def missing_required(
    frame: pl.DataFrame, column: str, *, where: Where, heading: str | None = None
) -> list[Issue]:
    """An error for each row with no value in a column the row cannot be placed without."""
    heading = heading or column
    return issues_where(
        frame,
        pl.col(column).is_null(),
        where=where,
        level="error",
        code="VALUE_MISSING",
        message=f"{heading} is required",
        column=heading,
    )


# --------------------------------------------------------------------------------------------
# Flags in the canonical model: text fields holding Y/N (schema types are only String).

FLAG_FIELDS: frozenset[str] = frozenset(
    {
        "pers_send_flag",
        "pers_is_mother",
        "cine_referral_nfa",
        "cina_assessment_child_seen",
        "cina_assessment_outcome_nfa",
        "s47e_s47_nfa",
        "icpc_icpc_transfer_in",
        "icpc_icpc_outcome_cp_flag",
        "cppl_cp_plan_ola",
        "cppr_cp_review_outcome_continue_cp",
        "cppr_cp_review_quorate",
        "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone",
        "cppv_cp_visit_bedroom",
        "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone",
        "cinv_cin_visit_bedroom",
        "clav_cla_visit_seen",
        "clav_cla_visit_seen_alone",
        "clar_cla_review_cancelled",
        "clai_immunisations_status",
        "perm_adopted_by_carer_flag",
        "perm_part_of_sibling_group",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
        "prof_agency_worker_flag",
        "staf_agency",
        "staf_case_holder",
    }
)


def _check_flag_fields() -> None:
    known = {f.name for t in TABLES.values() for f in t.fields}
    unknown = FLAG_FIELDS - known
    if unknown:
        raise RuntimeError(f"FLAG_FIELDS names fields the schema does not have: {sorted(unknown)}")


_check_flag_fields()


# --------------------------------------------------------------------------------------------
# Children that rows refer to


def orphan_issues(
    frame: pl.DataFrame, person_field: str, person_ids: pl.Series, *, where: Where, heading: str | None = None
) -> list[Issue]:
    """An error for each row naming a child who is not in the person table."""
    heading = heading or person_field
    return issues_where(
        frame,
        pl.col(person_field).is_not_null() & ~pl.col(person_field).is_in(person_ids.implode()),
        where=where,
        level="error",
        code="UNKNOWN_CHILD",
        message=f"{heading} names a child who is not in the person table",
        column=heading,
        value=pl.col(person_field),
    )


# --------------------------------------------------------------------------------------------
# Text encodings

Encoding = Literal["utf-8", "utf-8-sig", "cp1252"]


def sniff_encoding(path: Path, *, chunk: int = 1 << 20) -> Encoding:
    """UTF-8 (with or without a byte-order mark) if the whole file decodes as such, else cp1252.

    Reads the file in chunks so a large file costs no memory; Windows-1252 is what Excel's
    "CSV" saves on an English council's desktop.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        head = fh.read(chunk)
        bom = head.startswith(codecs.BOM_UTF8)
        data = head
        try:
            while data:
                decoder.decode(data)
                data = fh.read(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


def as_utf8(path: Path, encoding: Encoding, workdir: Path) -> Path:
    """A UTF-8 copy of a cp1252 file (streamed), or the file itself when it is already UTF-8."""
    if encoding != "cp1252":
        return path
    out = workdir / (path.name + ".utf8")
    with (
        path.open("r", encoding="cp1252", errors="replace", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        while block := src.read(1 << 20):
            dst.write(block)
    return out


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="careboard-read-")


# --------------------------------------------------------------------------------------------
# Safe XML


def xml_parser() -> etree.XMLParser:
    """An lxml parser that expands no entities, loads no DTD, touches no network, keeps libxml2's
    limits on text size and depth (huge_tree off: it refuses nesting past 256) and drops nothing
    silently."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(
    path: Path,
    *,
    where: Where | None = None,
    max_bytes: int = XML_MAX_BYTES,
    max_depth: int = XML_MAX_DEPTH,
) -> tuple[etree._Element | None, list[Issue]]:
    """Parse an XML file safely; on any problem return no tree and an issue saying what is wrong.

    A document type declaration is refused outright: DfE returns never have one, and it is how
    entity bombs (billion laughs) and external entities (file or network reads) arrive. Nesting
    deeper than ``max_depth`` is refused (libxml2 itself stops at 256 while parsing).
    """
    where = where or Where(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [where.issue("error", "FILE_UNREADABLE", f"cannot read the file: {exc.strerror}")]
    if size == 0:
        return None, [where.issue("error", "FILE_EMPTY", "the file is empty")]
    if size > max_bytes:
        return None, [where.issue("error", "FILE_TOO_LARGE", f"the file is over {max_bytes} bytes")]
    dtd_refused = [
        where.issue(
            "error",
            "XML_DTD_FORBIDDEN",
            "the file declares a document type (DTD); returns never have one, and its entities are "
            "not expanded or fetched",
        )
    ]
    too_deep = [where.issue("error", "XML_TOO_DEEP", f"elements nest more than {max_depth} deep")]
    # A DTD comes before the root element, so the first block of the file is enough to see it.
    with path.open("rb") as fh:
        if b"<!DOCTYPE" in fh.read(1 << 16):
            return None, dtd_refused
    try:
        tree = etree.parse(str(path), xml_parser())
    except etree.XMLSyntaxError as exc:
        if exc.code == _XML_ERR_RESOURCE_LIMIT and "depth" in str(exc.msg).lower():
            return None, too_deep
        line = exc.lineno if isinstance(exc.lineno, int) else None
        msg = str(exc.msg) if exc.msg else "not well-formed XML"
        return None, [where.issue("error", "XML_MALFORMED", f"not valid XML: {msg}", row=line)]
    except OSError as exc:
        return None, [where.issue("error", "FILE_UNREADABLE", f"cannot read the file: {exc}")]
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return None, dtd_refused
    if nests_deeper(tree, max_depth):
        return None, too_deep
    return tree.getroot(), []


def nests_deeper(tree: etree._ElementTree, limit: int) -> bool:
    """True if an element of ``tree`` is nested more than ``limit`` deep (the root is at depth 1).

    One XPath location path of ``limit + 1`` element steps, evaluated by libxml2 in C: each step
    visits the children of the elements the previous step found, so every element is visited at
    most once and no Python object is made per element.
    """
    if limit >= _LIBXML2_MAX_DEPTH:
        return False  # libxml2 refuses such nesting while parsing
    found = tree.xpath("boolean(/*" + "/*" * max(limit, 0) + ")")
    return bool(found)


def local_name(tag: object) -> str:
    """An element's name without its namespace."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


# --------------------------------------------------------------------------------------------
# Writing spreadsheets and CSVs safely

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    if not text_cols:
        return df
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_RE))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


# --------------------------------------------------------------------------------------------
# Files


def file_problem(path: Path) -> Issue | None:
    """An issue if ``path`` cannot be read at all (missing, a folder where a file is wanted, empty)."""
    where = Where(path.name)
    if not path.exists():
        return where.issue("error", "FILE_NOT_FOUND", f"no such file: {path}")
    if path.is_file() and path.stat().st_size == 0:
        return where.issue("error", "FILE_EMPTY", "the file is empty")
    return None


def paths_in(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, and the files inside named folders, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
        else:
            out.append(p)
    return out


def norm_heading(text: str) -> str:
    """A heading reduced to lower-case letters and digits, for matching messy headers."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


# --------------------------------------------------------------------------------------------
# Writing .xlsx workbooks quickly

_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_xml(name: str, dtype: pl.DataType, letter: str) -> pl.Expr:
    """Each row's cell of one column as SpreadsheetML (empty text for a blank cell)."""
    ref = pl.lit(f'<c r="{letter}') + pl.col("__r")
    col = pl.col(name)
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        day = col.cast(pl.Date) if isinstance(dtype, pl.Datetime) else col
        serial = (day - pl.lit(EXCEL_EPOCH)).dt.total_days().cast(pl.String)
        cell = ref + pl.lit('" s="1"><v>') + serial + pl.lit("</v></c>")
    elif dtype.is_numeric():
        cell = ref + pl.lit('"><v>') + col.cast(pl.String) + pl.lit("</v></c>")
    else:
        text = (
            col.cast(pl.String)
            .str.replace_all(_XML_ILLEGAL, "")
            .str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True)
        )
        cell = ref + pl.lit('" t="inlineStr"><is><t xml:space="preserve">') + text + pl.lit("</t></is></c>")
    return pl.when(col.is_not_null()).then(cell).otherwise(pl.lit(""))


def _sheet_xml(frame: pl.DataFrame) -> str:
    header = pl.DataFrame({c: [c] for c in frame.columns}, schema=dict.fromkeys(frame.columns, pl.String))
    parts: list[str] = []
    for start, block in ((1, header), (2, frame)):
        if block.width == 0 or block.height == 0:
            continue
        rows = block.with_columns(pl.int_range(start, start + block.height).cast(pl.String).alias("__r"))
        cells = [_cell_xml(c, block.schema[c], _column_letter(i)) for i, c in enumerate(block.columns)]
        xml = rows.select(
            (
                pl.lit('<row r="') + pl.col("__r") + pl.lit('">') + pl.concat_str(cells) + pl.lit("</row>")
            ).alias("x")
        )
        parts.append(xml["x"].str.join("").item())
    # the used range, so readers that pad rows to it (openpyxl) see every row at full width
    last = f"{_column_letter(max(frame.width, 1) - 1)}{frame.height + 1}"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
        f'<dimension ref="A1:{last}"/><sheetData>{"".join(parts)}</sheetData></worksheet>'
    )


def write_xlsx(path: Path, sheets: Mapping[str, pl.DataFrame], *, date_format: str = "dd/mm/yyyy") -> Path:
    """Write ``sheets`` (name -> frame) as an .xlsx workbook: a header row of column names, text as
    inline strings (never formulas), numbers, dates as dates. Built with Polars string
    expressions, so a sheet of a hundred thousand rows takes a fraction of a second. Text is
    written as given: neutralise formulas first (:func:`neutralise_formulas`).
    """
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    names = list(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        "<sheets>"
        + "".join(
            f'<sheet name={quoteattr(n[:31])} sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
        f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{escape(date_format)}"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        z.writestr("xl/styles.xml", styles)
        for i, name in enumerate(names, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheets[name]))
    return path

"""Reading SSDA903 returns (CSV files or the XML) into the canonical model.

Each CSV file is identified by its columns, as the DfE's validator does; the XML is flattened to
the same tables. Then, table by table: codes are checked against every supported year's list
(sex 1/2, the spelling up to 2023/24, is mapped to today's M/F), dates are parsed, rows without a child
or a required date are refused, rows naming a child absent from the header are refused, and the
rows are mapped to canonical tables. Episodes from more than one return (this year's and last
year's) are merged as a later submission replacing an earlier one, and broken episode chains are
repaired in the open: each repair is a warning naming the row.

Every row seen is placed or named in an issue. A problem found on very many rows is reported for
the first :data:`ISSUE_CAP` rows and then once as a count, so a million bad rows cost no memory.

The header's UPN becomes a linked identifier (its check letter checked) or, for a UN code,
``pers_upn_unknown``; MC_DOB a row of ``ssd_mother``; OC2's SDQ score or reason, conviction and
substance misuse rows of their own tables, dated 31 March of the return's year (the return says
only "in the year").

The return's collection year (which dates the OC2 items and the OC3 contact, and says whether
the return is older than the years read) is the one the caller gives, else the year of the latest
date of anything that happened in the year (:data:`YEAR_DATES`: episodes, reviews, missing
episodes, adoption and social worker dates; one max per column). The result's ``notes`` say
which year was used and why; a given year the dates disagree with, or OC2/OC3 rows in a return
with no such date, are warnings. Once the year is known, a header or UASC row whose SEX is
spelt as another year's (1/2 up to 2023/24, M/F/U from 2024/25) is a warning; it is still read.

Speed: a national return is about a million rows, so every step is a whole-column Polars
operation and the common case (a clean file) takes the cheapest path: each CSV is read once with
every column as text; codes and repeated text are cleaned and checked once per distinct value;
dates are parsed in the 903's own dd/mm/yyyy by one vectorised pass and only the rows that do not
fit go through the shared parser of other spellings; duplicate keys and unsorted rows are looked
for before anything is deduplicated or sorted; each child gets an integer (its place in the
header) once per child, by binary search, and sorting, chains and matching reviews to periods of
care work on that integer. Placements, legal statuses and periods of care are runs of
consecutive episodes, so they are taken by filtering the first and last rows of each run rather
than by grouping. docs/benchmarks.md has the figures.
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from lxml import etree

from careboard.engine.formats import ssda903_spec as spec
from careboard.engine.formats.common import (
    ROW,
    ReadResult,
    Where,
    as_utf8,
    date_expr,
    file_problem,
    parse_xml,
    paths_in,
    scratch_dir,
    sniff_encoding,
)
from careboard.engine.formats.identifiers import UPN_TYPE, upn_check_value, upn_letter_value
from careboard.engine.issues import Issue, Level

ISSUE_CAP = 1000
SRC = "__src"  # index of the source file, so rows from several files can be told apart
PID = "__pid"  # the child as an integer (its place among the children read), for sorting and matching
ORDER = "__order"  # which of several sources of a table wins (a later return replaces an earlier)
FAST_DATE = "%d/%m/%Y"  # the 903's own spelling of a date, parsed without the shared parser

# The OC2 items read as yes/no: a row is placed only for "1" (INTERVENTION_* become Y/N).
FLAGS: dict[tuple[str, str], frozenset[str]] = {
    ("oc2", c): frozenset({"0", "1"})
    for c in ("CONVICTED", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
}
CODES = {**spec.CODES, **FLAGS}
IDENTIFIERS = ("CHILD", "UPN")  # text columns with a different value on nearly every row
# The dates of what happened in the year: the latest of them gives the return's collection year.
# Not DOB or MC_DOB (births, often years before), DATE_PERM (before care) or DUC (an expected
# date, often after the year).
YEAR_DATES = (
    "DECOM",
    "DEC",
    "REVIEW",
    "MIS_START",
    "MIS_END",
    "DATE_INT",
    "DATE_MATCH",
    "DATE_PLACED",
    "DATE_PLACED_CEASED",
    "SW_DECOM",
    "SW_DEC",
)
REQUIRED_DATES = {
    "header": ("DOB",),
    "episodes": ("DECOM",),
    "reviews": ("REVIEW",),
    "missing": ("MIS_START",),
    "placed_for_adoption": ("DATE_PLACED",),
    "sw_episodes": ("SW_DECOM",),
}


@dataclass
class Source:
    """One 903 table as found in one file (or one XML document), values still as text."""

    where: Where
    index: int
    frame: pl.DataFrame  # ROW plus the table's columns (upper-case headings), text values


def read(paths: Sequence[Path], year: int | None = None) -> ReadResult:
    """Read 903 files. ``year``: the collection year the caller says the return is for (2025 for
    2024/25); without it, the year of the latest date the return reports (see :func:`_year`)."""
    result = ReadResult()
    sources: dict[str, list[Source]] = {}
    for path in paths_in([Path(p) for p in paths]):
        index = sum(len(v) for v in sources.values())
        found = (
            _read_xml(path, result, index)
            if path.suffix.lower() == ".xml"
            else _read_csv(path, result, index)
        )
        for name, source in found:
            sources.setdefault(name, []).append(source)
    _place(sources, result, year)
    return result


# --------------------------------------------------------------------------------------------
# Files to raw tables


def identify(headings: Sequence[str]) -> str | None:
    """The 903 table whose columns these are: an exact match, else the largest table contained."""
    have = {h.strip().lstrip("\ufeff").upper() for h in headings}
    exact = [name for name, cols in spec.COLUMNS.items() if set(cols) == have]
    if exact:
        return exact[0]
    within = [name for name, cols in spec.COLUMNS.items() if set(cols) <= have]
    return max(within, key=lambda n: len(spec.COLUMNS[n])) if within else None


def _read_csv(path: Path, result: ReadResult, index: int) -> list[tuple[str, Source]]:
    where = Where(path.name)
    result.rows_read.setdefault(path.name, 0)
    problem = file_problem(path)
    if problem is not None:
        result.issues.append(problem)
        return []
    frame, issues = _csv_frame(path, where)
    result.issues += issues
    if frame is None:
        return []
    result.rows_read[path.name] = frame.height
    name = identify(frame.columns)
    if name is None:
        result.issues.append(
            where.issue(
                "error",
                "FILE_UNRECOGNISED",
                f"the columns do not match any SSDA903 table; none of its {frame.height} rows were read",
                value=",".join(frame.columns)[:200],
            )
        )
        return []
    where = Where(path.name, name)
    frame = _columns_for(name, frame, where, result)
    if frame.height and _truncated(path):
        result.issues.append(
            where.issue(
                "warning",
                "FILE_TRUNCATED",
                "the file does not end with a line break: its last row may be cut short",
                row=frame.height + 1,
            )
        )
    return [(name, Source(where, index, frame))]


def _csv_frame(path: Path, where: Where) -> tuple[pl.DataFrame | None, list[Issue]]:
    """The file as text columns. Polars refuses a file that is not UTF-8 (a BOM is fine) or has
    rows of the wrong length; only then is the encoding sniffed and the file re-read."""
    try:
        return _named(pl.read_csv(path, infer_schema=False, raise_if_empty=False), where)
    except pl.exceptions.PolarsError:
        pass
    if sniff_encoding(path) != "cp1252":
        # Rows of the wrong length: read line by line, keep the good rows, name the bad ones.
        return _csv_frame_by_line(path, where)
    cp1252 = where.issue("warning", "ENCODING_CP1252", "the file is not UTF-8; read as Windows-1252 (cp1252)")
    with scratch_dir() as tmp:
        utf8 = as_utf8(path, "cp1252", Path(tmp))
        try:
            frame, issues = _named(pl.read_csv(utf8, infer_schema=False, raise_if_empty=False), where)
        except pl.exceptions.PolarsError:
            frame, issues = _csv_frame_by_line(utf8, where)
    return frame, [cp1252, *issues]


def _named(df: pl.DataFrame, where: Where) -> tuple[pl.DataFrame | None, list[Issue]]:
    if not df.columns:
        return None, [where.issue("error", "FILE_EMPTY", "the file has no header row")]
    # One chunk per column: the reader's chunks would otherwise be realigned by later steps.
    df = df.rename({c: c.strip().lstrip("\ufeff").upper() for c in df.columns}).rechunk()
    return df.with_columns(pl.int_range(2, df.height + 2, dtype=pl.Int64).alias(ROW)), []


def _csv_frame_by_line(path: Path, where: Where) -> tuple[pl.DataFrame | None, list[Issue]]:
    issues: list[Issue] = []
    with path.open(encoding="utf-8", newline="", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            return None, [where.issue("error", "FILE_EMPTY", "the file has no header row")]
        heads = [h.strip().lstrip("\ufeff").upper() for h in header]
        columns: list[list[str | None]] = [[] for _ in heads]
        rows: list[int] = []
        for values in reader:
            line = reader.line_num
            if len(values) > len(heads):
                issues.append(
                    where.issue(
                        "error",
                        "ROW_TOO_LONG",
                        f"row has {len(values)} values for {len(heads)} columns; not read",
                        row=line,
                        value=",".join(values)[:200],
                    )
                )
                continue
            values = values + [""] * (len(heads) - len(values))
            rows.append(line)
            for col, v in zip(columns, values, strict=True):
                col.append(v if v != "" else None)
    data = {h: pl.Series(h, col, dtype=pl.String) for h, col in zip(heads, columns, strict=True)}
    frame = pl.DataFrame(data).with_columns(pl.Series(ROW, rows, dtype=pl.Int64))
    return frame, issues


def _truncated(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(max(path.stat().st_size - 1, 0))
        return fh.read(1) not in (b"\n", b"\r")


def _columns_for(name: str, frame: pl.DataFrame, where: Where, result: ReadResult) -> pl.DataFrame:
    """The table's columns in order (still raw text) and ``ROW``; extra and missing columns
    reported."""
    wanted = spec.COLUMNS[name]
    for extra in (c for c in frame.columns if c not in wanted and c != ROW):
        result.issues.append(
            where.issue(
                "warning",
                "COLUMN_IGNORED",
                f"column {extra} is not part of the 903 {name} table",
                column=extra,
            )
        )
    for missing in (c for c in wanted if c not in frame.columns):
        result.issues.append(
            where.issue(
                "warning", "COLUMN_MISSING", f"column {missing} is missing; read as blank", column=missing
            )
        )
    return frame.select(
        *[
            pl.col(c).cast(pl.String) if c in frame.columns else pl.lit(None, pl.String).alias(c)
            for c in wanted
        ],
        pl.col(ROW),
    )


def _clean(expr: pl.Expr) -> pl.Expr:
    """Text trimmed, blank as null."""
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text.str.len_bytes() == 0).then(None).otherwise(text)


# --------------------------------------------------------------------------------------------
# The XML return, flattened to the same tables as the CSV files

_XML_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
_HEADER_GROUPS = {
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "OC2": "oc2",
    "PERMANENCE": "previous_permanence",
    "AD_PLACED": "placed_for_adoption",
}


def _read_xml(path: Path, result: ReadResult, index: int) -> list[tuple[str, Source]]:
    # Many small objects and no cycles: keep the cyclic collector from rescanning them (see
    # cin_census._read_file).
    gc.disable()
    try:
        return _read_xml_objects(path, result, index)
    finally:
        gc.enable()


def _read_xml_objects(path: Path, result: ReadResult, index: int) -> list[tuple[str, Source]]:
    result.rows_read.setdefault(path.name, 0)
    root, issues = parse_xml(path, where=Where(path.name))
    result.issues += issues
    if root is None:
        return []
    rows: dict[str, list[dict[str, str | int | None]]] = {name: [] for name in spec.COLUMNS}
    children = [el for el in root if isinstance(el.tag, str)]
    for child in children:
        _flatten_child(child, rows)
    found: list[tuple[str, Source]] = []
    for name, records in rows.items():
        if not records:
            continue
        where = Where(path.name, name)
        frame = pl.DataFrame(records, schema={ROW: pl.Int64, **{c: pl.String for c in spec.COLUMNS[name]}})
        frame = frame.with_columns(_clean(pl.col(c)).alias(c) for c in spec.COLUMNS[name])
        result.rows_read[f"{path.name}:{name}"] = frame.height
        found.append((name, Source(where, index + len(found), frame)))
    if not children:
        result.issues.append(
            Where(path.name).issue("error", "FILE_UNRECOGNISED", "the XML holds no children")
        )
    return found


def _leaves(el: etree._Element) -> dict[str, str | None]:
    return {
        _XML_RENAME.get(str(e.tag), str(e.tag)): e.text for e in el if isinstance(e.tag, str) and len(e) == 0
    }


def _flatten_child(child: etree._Element, rows: dict[str, list[dict[str, str | int | None]]]) -> None:
    header = child.find("HEADER")
    base = _leaves(header) if header is not None else {}
    line = (header if header is not None else child).sourceline

    def add(name: str, values: dict[str, str | None], at: int | None) -> None:
        record: dict[str, str | int | None] = {c: values.get(c) for c in spec.COLUMNS[name]}
        record[ROW] = at
        rows[name].append(record)

    add("header", base, line)
    if base.get("UASC") == "1" or base.get("DUC"):
        add("uasc", base, line)
    if base.get("IN_TOUCH") is not None:
        add("oc3", base, line)
    if base.get("DATE_INT") is not None:
        add("ad1", base, line)
    if header is not None:
        for group in header:
            name = _HEADER_GROUPS.get(str(group.tag))
            if name is not None:
                add(name, {**base, **_leaves(group)}, group.sourceline)
    for episode in child.iterfind("EPISODE"):
        add("episodes", {**base, **_leaves(episode)}, episode.sourceline)


# --------------------------------------------------------------------------------------------
# Checking and placing


def issues_capped(
    frame: pl.DataFrame,
    mask: pl.Expr,
    *,
    where: Where,
    level: Level,
    code: str,
    message: str,
    column: str | None = None,
) -> list[Issue]:
    """Issues for rows where ``mask`` holds (frame from one source), capped with a closing count."""
    value = pl.col(column).cast(pl.String) if column else pl.lit(None, pl.String)
    hits = frame.lazy().filter(mask).select(pl.col(ROW), value.alias("__v")).collect()
    out = [
        where.issue(level, code, message, row=r, column=column, value=v)
        for r, v in zip(
            hits[ROW].head(ISSUE_CAP).to_list(), hits["__v"].head(ISSUE_CAP).to_list(), strict=True
        )
    ]
    if hits.height > ISSUE_CAP:
        out.append(
            where.issue(
                level, code, f"{message} (and {hits.height - ISSUE_CAP} more rows not listed)", column=column
            )
        )
    return out


def parse_dates(frame: pl.DataFrame, dates: list[str], fast: str = FAST_DATE) -> pl.DataFrame:
    """``__d_<col>`` (the date) and ``__s_<col>`` (looks like a date) for each date column.

    The format's own spelling (``fast``: the 903's dd/mm/yyyy, the census's ISO) is parsed
    directly; only the few rows it does not fit go through the shared parser of every other
    spelling, which costs far more per row.
    """
    quick = frame.with_row_index("__i").with_columns(
        *[pl.col(c).str.to_date(fast, strict=False).alias(f"__d_{c}") for c in dates],
        *[pl.lit(True).alias(f"__s_{c}") for c in dates],
    )
    slow = pl.any_horizontal(
        [pl.col(c).is_not_null() & pl.col(f"__d_{c}").is_null() for c in dates] or [False]
    )
    rest = quick.filter(slow)
    if rest.height == 0:
        return quick.drop("__i")
    parsed = {c: date_expr(pl.col(c)) for c in dates}
    redone = rest.select(
        pl.col("__i"),
        *[value.alias(f"__d_{c}") for c, (value, _) in parsed.items()],
        *[shaped.alias(f"__s_{c}") for c, (_, shaped) in parsed.items()],
    )
    return quick.update(redone, on="__i", include_nulls=True).drop("__i")


class _Ctx:
    """What placing needs besides the rows: the result, and each source's location."""

    def __init__(self, result: ReadResult, sources: dict[str, list[Source]]) -> None:
        self.result = result
        self.wheres = {s.index: s.where for group in sources.values() for s in group}
        self.numbers: dict[int, pl.Series] = {}  # each source's child numbers, when looked up ahead
        # The SEX of each table's rows read (SRC, ROW, SEX), checked once the year is known.
        self.sexes: list[tuple[str, pl.DataFrame]] = []

    def by_source(
        self, frame: pl.DataFrame, name: str, *, level: Level, code: str, message: str, column: str | None
    ) -> None:
        """Issues for every row of ``frame`` (rows from several sources), located in their own file."""
        if frame.height == 0:
            return
        for (src,), group in frame.group_by(SRC, maintain_order=True):
            where = self.wheres.get(int(str(src)), Where("", name))
            self.result.issues += issues_capped(
                group, pl.lit(True), where=where, level=level, code=code, message=message, column=column
            )


class _People:
    """The children of the return, each with its number (``PID``: its place in ``children``).

    A row's child is found by binary search of the sorted identifiers (a header sorted by child,
    as returns are) or else of their sorted hashes, then confirmed by comparing the identifier
    itself, so no hash table of every child is built again for each table. Should two
    identifiers share a hash, the sorted identifiers themselves are searched instead.
    """

    def __init__(self, children: pl.Series) -> None:
        self.children = children
        pid = pl.int_range(children.len(), dtype=pl.UInt32, eager=True)
        if children.is_sorted():  # as a return's header is: search the identifiers themselves
            self.keys, self.pid, self.by_hash = children, pid, False
            return
        hashes = children.hash()
        order = hashes.arg_sort()
        self.keys, self.pid = hashes.gather(order), pid.gather(order)
        self.by_hash = not (self.keys == self.keys.shift(1)).any()
        if not self.by_hash:
            order = children.arg_sort()
            self.keys, self.pid = children.gather(order), pid.gather(order)

    def of(self, child: pl.Series) -> pl.Series:
        """Each row's child number, null where the child is not one of these. Rows grouped by
        child (as a return's files are) are looked up once per child."""
        if child.len() > 1000 and child.null_count() == 0 and child.is_sorted():
            first = child.ne_missing(child.shift(1)).fill_null(True)
            return self._of(child.filter(first)).gather(first.cum_sum() - 1)
        return self._of(child)

    def numbers_for(self, columns: list[pl.Series]) -> list[pl.Series]:
        """:meth:`of` for several columns at once: one hash join of every distinct run of each
        (a table is usually grouped by child), which costs less than a search per table."""
        firsts: list[pl.Series] = []
        runs: list[pl.Series | None] = []
        for child in columns:
            if child.len() > 1000 and child.null_count() == 0 and child.is_sorted():
                first = child.ne_missing(child.shift(1)).fill_null(True)
                firsts.append(child.filter(first))
                runs.append(first.cum_sum() - 1)
            else:
                firsts.append(child)
                runs.append(None)
        if not firsts:
            return []
        people = pl.DataFrame(
            {"CHILD": self.children, PID: pl.int_range(self.children.len(), dtype=pl.UInt32, eager=True)}
        )
        found = (
            pl.concat([f.rename("CHILD") for f in firsts])
            .to_frame()
            .join(people, on="CHILD", how="left", maintain_order="left")[PID]
        )
        out, offset = [], 0
        for first, run in zip(firsts, runs, strict=True):
            part = found.slice(offset, first.len())
            offset += first.len()
            out.append(part if run is None else part.gather(run))
        return out

    def _of(self, child: pl.Series) -> pl.Series:
        n = self.keys.len()
        if n == 0:
            return pl.Series(PID, [None] * child.len(), dtype=pl.UInt32)
        at = self.keys.search_sorted(child.hash() if self.by_hash else child).clip(upper_bound=n - 1)
        pid = self.pid.gather(at)
        found = (self.children.gather(pid) == child).fill_null(False)
        return pl.select(pl.when(found).then(pid).alias(PID)).to_series()


def _clean_code(value: str) -> str | None:
    text = value.strip().upper()
    return text or None


Hit = tuple[pl.Series, Level, str, str, str, bool]  # mask, level, code, message, column, refuse


def _check(
    name: str, source: Source, ctx: _Ctx, people: _People | None, known: bool, pid: pl.Series | None = None
) -> pl.DataFrame:
    """Codes, dates, required values and known children for one source; returns the typed rows
    that are not refused, with ``PID`` when ``people`` is given.

    Each check is first counted; only a check that holds somewhere costs a mask and issues.
    ``known``: whether ``people`` is the header's children (rows naming others are refused).
    """
    frame, where = source.frame, source.where
    n = frame.height
    cols = spec.COLUMNS[name]
    dates = [c for c in cols if c in spec.DATE_COLUMNS]
    coded = [c for c in cols if (name, c) in CODES]
    texts = [c for c in cols if c not in spec.DATE_COLUMNS and (name, c) not in CODES]
    filled = {c for c in cols if frame[c].null_count() < n}
    hits: list[Hit] = []

    # Text trimmed and blanks null; codes cleaned (trimmed, upper case) once per distinct value.
    # A child found as written among the header's (clean) children is clean: only the others
    # are trimmed, after the look-up.
    # Other text (postcodes, URNs, ...) repeats a lot: it too is checked once per distinct value
    # and only the values that need it are replaced; identifiers are trimmed whole.
    lookup = people is not None and known and name != "header"
    exprs = [_clean(pl.col(c)).alias(c) for c in IDENTIFIERS if c in filled and not (lookup and c == "CHILD")]
    repeated = [c for c in texts if c in filled and c not in IDENTIFIERS]
    coded_filled = [c for c in coded if c in filled]
    distinct = pl.DataFrame()
    if repeated or coded_filled:
        distinct = frame.select(pl.col(c).unique().implode() for c in [*repeated, *coded_filled])
    if repeated:
        seen = pl.concat([distinct[c][0] for c in repeated]).drop_nulls().unique()
        trimmed = seen.to_frame("t").select(_clean(pl.col("t"))).to_series()
        dirty = trimmed.ne_missing(seen)
        if dirty.any():
            old_text, new_text = seen.filter(dirty), trimmed.filter(dirty)
            exprs += [pl.col(c).replace(old_text, new_text).alias(c) for c in repeated]
    unknown_codes: list[tuple[str, list[str]]] = []
    if coded_filled:
        for c in coded_filled:
            values = distinct[c][0].to_list()
            cleaned = {v: _clean_code(v) for v in values if v is not None}
            changed = {v: w for v, w in cleaned.items() if w != v}
            if changed:
                old = pl.Series(list(changed), dtype=pl.String)
                new = pl.Series(list(changed.values()), dtype=pl.String)
                exprs.append(pl.col(c).replace(old, new).alias(c))
            allowed = CODES[(name, c)]
            bad = sorted({w for w in cleaned.values() if w is not None and w not in allowed})
            if bad:
                unknown_codes.append((c, bad))
    date_filled = [c for c in dates if c in filled]
    exprs += [
        pl.col(c).str.to_date(FAST_DATE, strict=False, cache=False).alias(f"__d_{c}") for c in date_filled
    ]
    if exprs:
        frame = frame.with_columns(exprs)
    for c, bad in unknown_codes:
        message = (
            f"{c} is not 0 or 1; not kept"
            if (name, c) in FLAGS
            else f"{c} is not a code the SSDA903 uses; kept as written"
        )
        hits.append(
            (
                frame[c].is_in(pl.Series(bad, dtype=pl.String).implode()),
                "warning",
                "CODE_UNKNOWN",
                message,
                c,
                False,
            )
        )

    # Dates: rows the 903's own spelling did not fit go through the shared parser.
    if date_filled:
        failed = frame.select(
            (pl.col(c).is_not_null() & pl.col(f"__d_{c}").is_null()).sum().alias(c) for c in date_filled
        ).row(0, named=True)
        for c in date_filled:
            if failed[c]:
                frame = _slow_dates(frame, c, hits)

    if people is not None and lookup:
        frame = frame.with_columns(*_child_numbers(frame["CHILD"], people, pid))
    elif people is not None:
        frame = frame.with_columns(people.of(frame["CHILD"]))
    for c in ["CHILD", *REQUIRED_DATES.get(name, ())]:
        if frame[c].null_count():
            hits.append(
                (frame[c].is_null(), "error", "VALUE_MISSING", f"{c} is required; row not read", c, True)
            )
    if lookup:
        unknown = frame[PID].is_null() & frame["CHILD"].is_not_null()
        if unknown.any():
            hits.append(
                (
                    unknown,
                    "error",
                    "UNKNOWN_CHILD",
                    "CHILD is not in the header file; row not read",
                    "CHILD",
                    True,
                )
            )
    issues: list[Issue] = []
    for mask, level, code, message, column, _refuse in hits:
        issues += issues_capped(
            frame, pl.lit(mask), where=where, level=level, code=code, message=message, column=column
        )
    ctx.result.issues += issues
    refused = [mask for mask, *rest in hits if rest[-1]]
    frame = frame.with_columns(
        *[(pl.col(f"__d_{c}") if c in date_filled else pl.lit(None, pl.Date)).alias(c) for c in dates],
        pl.lit(source.index, pl.Int64).alias(SRC),
    ).drop([f"__d_{c}" for c in date_filled])
    if refused:
        refuse = refused[0]
        for mask in refused[1:]:
            refuse = refuse | mask
        frame = frame.filter(~refuse)
    return frame


def _child_numbers(child: pl.Series, people: _People, pid: pl.Series | None = None) -> list[pl.Series]:
    """``CHILD`` (trimmed, blank null, where it was not found as written) and its ``PID``
    (``pid``: already looked up)."""
    pid = people.of(child) if pid is None else pid
    missing = pid.is_null() & child.is_not_null()
    if not missing.any():
        return [child, pid]
    at = missing.arg_true()
    cleaned = pl.select(_clean(pl.lit(child.gather(at)))).to_series()
    child = child.clone().scatter(at, cleaned)
    pid = pid.clone().scatter(at, people.of(cleaned))
    return [child.alias("CHILD"), pid.alias(PID)]


def _slow_dates(frame: pl.DataFrame, c: str, hits: list[Hit]) -> pl.DataFrame:
    """Column ``c`` re-read, on the rows dd/mm/yyyy did not fit, by the parser of every spelling."""
    at = frame.select(pl.arg_where(pl.col(c).is_not_null() & pl.col(f"__d_{c}").is_null())).to_series()
    value, shaped = date_expr(pl.col(c))
    sub = (
        frame.select(pl.col(c).gather(at))
        .select(_clean(pl.col(c)).alias(c))
        .with_columns(value.alias("__v"), shaped.alias("__s"))
    )
    text, parsed = frame[c].clone(), frame[f"__d_{c}"].clone()
    text.scatter(at, sub[c])
    parsed.scatter(at, sub["__v"])
    frame = frame.with_columns(text.alias(c), parsed.alias(f"__d_{c}"))
    n = frame.height
    present = sub[c].is_not_null()
    for flags, code, message in (
        (present & sub["__s"] & sub["__v"].is_null(), "DATE_IMPOSSIBLE", f"{c} is not a real date"),
        (present & ~sub["__s"], "DATE_UNRECOGNISED", f"{c} is not a date in a recognised format"),
    ):
        if flags.any():
            mask = pl.repeat(False, n, eager=True)
            mask.scatter(at.filter(flags), True)
            hits.append((mask, "error", code, message, c, True))
    return frame


def _combined(
    name: str, sources: dict[str, list[Source]], ctx: _Ctx, people: _People | None, known: bool
) -> pl.DataFrame:
    frames = [_check(name, s, ctx, people, known, ctx.numbers.get(s.index)) for s in sources.get(name, [])]
    if not frames:
        return pl.DataFrame()
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical_relaxed")


def _all_children(sources: dict[str, list[Source]]) -> _People:
    """Without a header: every child named anywhere, each given a number."""
    frames = [s.frame.select(_clean(pl.col("CHILD"))) for group in sources.values() for s in group]
    return _People(pl.concat(frames).to_series().drop_nulls().unique(maintain_order=True))


def _place(sources: dict[str, list[Source]], result: ReadResult, stated: int | None = None) -> None:
    ctx = _Ctx(result, sources)
    people: _People | None = None
    known = "header" in sources
    if known:
        header = _combined("header", sources, ctx, None, False)
        people = _place_header(header, ctx)
        # Every other table's children looked up in the header's at once.
        others = [s for name, group in sources.items() if name != "header" for s in group]
        numbers = people.numbers_for([s.frame["CHILD"] for s in others])
        ctx.numbers = {s.index: n for s, n in zip(others, numbers, strict=True)}
    elif sources:
        people = _all_children(sources)
        result.issues.append(
            Where("").issue(
                "warning",
                "HEADER_MISSING",
                "no 903 header file was read: rows cannot be checked against the children in the return",
            )
        )
    episodes = _combined("episodes", sources, ctx, people, known)
    latest = [_latest("episodes", episodes)]
    periods = _place_episodes(episodes, ctx) if episodes.height else None
    # Only the reviews within a period of care count towards the year (others are refused).
    reviews = _combined("reviews", sources, ctx, people, known)
    latest.append(_latest("reviews", _place_reviews(reviews, periods, ctx) if reviews.height else reviews))
    placers: dict[str, Callable[[pl.DataFrame], None]] = {
        "uasc": lambda df: _place_uasc(df, ctx),
        "missing": lambda df: _place_missing(df, ctx),
        "previous_permanence": lambda df: _place_previous_permanence(df, ctx),
        "sw_episodes": lambda df: _place_sw_episodes(df, ctx),
    }
    for name, placer in placers.items():
        df = _combined(name, sources, ctx, people, known)
        latest.append(_latest(name, df))
        if df.height:
            placer(df)
    ad1 = _combined("ad1", sources, ctx, people, known)
    placed = _combined("placed_for_adoption", sources, ctx, people, known)
    latest += [_latest("ad1", ad1), _latest("placed_for_adoption", placed)]
    _place_adoption(ad1, placed, ctx)
    for source in sources.get("dolo", []):
        result.issues.append(
            source.where.issue(
                "warning",
                "TABLE_NOT_KEPT",
                "the canonical model has no place for deprivation of liberty orders: "
                f"{source.frame.height} rows not kept",
            )
        )
    # OC2 and OC3 are dated by the collection year, known once every other table has been read.
    oc2 = _combined("oc2", sources, ctx, people, known)
    oc3 = _combined("oc3", sources, ctx, people, known)
    dated = [s.where for t, frame in (("oc2", oc2), ("oc3", oc3)) if frame.height for s in sources[t]]
    year = _year(stated, [x for x in latest if x is not None], dated, ctx)
    if year is not None:
        _sex_for_year(year, ctx)
    if oc2.height:
        _place_oc2(oc2, year, ctx)
    if oc3.height:
        _place_oc3(oc3, year, ctx)


@dataclass(frozen=True)
class _Latest:
    """The latest date of one table (of :data:`YEAR_DATES`) and where it is."""

    day: date
    src: int  # the source (file) index
    table: str
    row: int | None
    column: str
    counts: dict[int, int]  # dated items of the table by collection year


def _latest(name: str, df: pl.DataFrame) -> _Latest | None:
    """One max per date column (whole-column), then the row holding the latest of them; and the
    table's dated items counted by collection year."""
    cols = [c for c in spec.COLUMNS[name] if c in YEAR_DATES and c in df.columns]
    if not df.height or not cols:
        return None
    maxima = df.select(pl.col(c).max() for c in cols).row(0, named=True)
    found = [(day, c) for c, day in maxima.items() if day is not None]
    if not found:
        return None
    day, column = max(found)
    at = df[column].arg_max()
    if at is None:
        return None
    row = df[ROW][at] if ROW in df.columns else None
    years = pl.concat(
        [df.select((pl.col(c).dt.year() + (pl.col(c).dt.month() >= 4)).alias("y")) for c in cols]
    )["y"].value_counts()
    counts = {int(y): int(n) for y, n in years.iter_rows() if y is not None}
    return _Latest(day, int(df[SRC][at]), name, row, column, counts)


# A year holding fewer than this share of the busiest year's dated items is not the return's year
# (a few mistyped or far-future dates must not decide it).
_YEAR_SHARE = 0.25


def _inferred_year(latest: list[_Latest]) -> tuple[int | None, int, int]:
    """The latest collection year holding at least :data:`_YEAR_SHARE` of the busiest year's dated
    items; with its count and the count of all dated items."""
    counts: dict[int, int] = {}
    for x in latest:
        for y, n in x.counts.items():
            counts[y] = counts.get(y, 0) + n
    if not counts:
        return None, 0, 0
    busiest = max(counts.values())
    year = max(y for y, n in counts.items() if n >= _YEAR_SHARE * busiest)
    return year, counts[year], sum(counts.values())


def _label(year: int) -> str:
    return f"{year - 1}/{year % 100:02d}"


def _latest_in(latest: list[_Latest], year: int | None) -> _Latest | None:
    """The latest of the tables' latest dates that falls in ``year`` (else the latest of all)."""
    within = [x for x in latest if spec.year_containing(x.day) == year]
    return max(within or latest, key=lambda x: x.day) if latest else None


def _year(stated: int | None, latest: list[_Latest], dated: list[Where], ctx: _Ctx) -> int | None:
    """The collection year the return is read as: ``stated`` if given, else the latest year that
    holds a fair share of the return's dated items (of any table, :data:`YEAR_DATES`; see
    :func:`_inferred_year`). Says which in ``result.notes``; a stated year the dates disagree
    with, or a year needed (``dated``: OC2/OC3 sources) but not found, is a warning."""
    inferred, in_year, dated_items = _inferred_year(latest)
    year = stated if stated is not None else inferred
    issues = ctx.result.issues
    if stated is not None and inferred is not None and inferred != stated:
        last = _latest_in(latest, inferred)
        assert last is not None
        where = ctx.wheres.get(last.src, Where("", last.table))
        issues.append(
            where.issue(
                "warning",
                "RETURN_YEAR_DIFFERS",
                f"read as {_label(stated)}, the year given, but the return's dates point to "
                f"{_label(inferred)} ({in_year:,} of its {dated_items:,} dated items, e.g. "
                f"{last.day:%d/%m/%Y})",
                row=last.row,
                column=last.column,
                value=f"{last.day:%d/%m/%Y}",
            )
        )
    if year is None and dated:
        for w in dated:
            issues.append(
                w.issue(
                    "warning",
                    "RETURN_YEAR_UNKNOWN",
                    "the return's collection year could not be found (no episode, review, missing, "
                    "adoption or social worker date in it), so its OC2/OC3 items are kept undated; "
                    "give the year (careboard validate/import --year YYYY)",
                )
            )
    if year is not None and year < spec.FIRST_YEAR:
        issues.append(
            Where("").issue(
                "warning",
                "FORMAT_YEAR_OLD",
                f"the return is read as {_label(year)}; the SSDA903 is read as 2022/23 onward, so "
                "codes that have changed since are reported",
            )
        )
    if stated is not None:
        ctx.result.notes.append(f"SSDA903 return read as {_label(stated)} (the year given)")
    elif year is not None:
        last = _latest_in(latest, year)
        assert last is not None
        where = ctx.wheres.get(last.src, Where("", last.table))
        ctx.result.notes.append(
            f"SSDA903 return read as {_label(year)} (from the dates in the return: {in_year:,} of "
            f"{dated_items:,} fall in it, e.g. {last.day:%d/%m/%Y}: {last.column}, "
            f"{where.file}, row {last.row})"
        )
    return year


def _key(df: pl.DataFrame, key: list[str]) -> pl.Series:
    """The key as one integer per row (child number, then a date's day number)."""
    out = df[PID].cast(pl.Int64) if PID in df.columns and "CHILD" in key else None
    for c in key:
        if c == "CHILD" and out is not None:
            continue
        part = df[c].to_physical().cast(pl.Int64) + 2**31
        out = part if out is None else out * 2**32 + part
    assert out is not None
    return out


def _has_duplicates(df: pl.DataFrame, key: list[str]) -> bool:
    """Whether two rows share ``key``: a look at neighbours when sorted, else a count of distinct."""
    if df.height < 2:
        return False
    values = df[key[0]] if key == ["CHILD"] and PID not in df.columns else _key(df, key)
    if values.is_sorted():
        return bool((values == values.shift(1)).any())
    return values.n_unique() < df.height


def _dedupe(df: pl.DataFrame, key: list[str], name: str, ctx: _Ctx, order: str = SRC) -> pl.DataFrame:
    """One row per key: a later file replaces an earlier one; within one file a copy is dropped
    (warning) and a different row under the same key is refused (error)."""
    if not _has_duplicates(df, key):
        return df
    values = [c for c in df.columns if c not in (ROW, SRC, PID, ORDER)]
    df = df.sort([*key, order, ROW])
    ranked = df.with_columns(
        (~pl.struct([*key, order]).is_first_distinct()).alias("__later_same_file"),
        (~pl.struct(values).is_first_distinct()).alias("__copy"),
        (pl.col(order) < pl.col(order).max().over(key)).alias("__replaced"),
    )
    ctx.by_source(
        ranked.filter(pl.col("__later_same_file") & pl.col("__copy")),
        name,
        level="warning",
        code="DUPLICATE_ROW",
        message="row repeats an earlier row; kept once",
        column="CHILD",
    )
    ctx.by_source(
        ranked.filter(pl.col("__later_same_file") & ~pl.col("__copy")),
        name,
        level="error",
        code="DUPLICATE_ID",
        message=f"another row has the same {', '.join(key)} with different values; row not read",
        column=key[-1],
    )
    return ranked.filter(~pl.col("__later_same_file") & ~pl.col("__replaced")).drop(
        "__later_same_file", "__copy", "__replaced"
    )


def _place_header(header: pl.DataFrame, ctx: _Ctx) -> _People:
    """Canonical people, UPNs and mothers' children; returns the children of the header."""
    header = _dedupe(header, ["CHILD"], "header", ctx)
    ctx.sexes.append(("header", header.select(SRC, ROW, "SEX")))
    upn = pl.col("UPN")
    upn_unknown = upn.str.starts_with("UN") & upn.str.contains(r"^UN\d+$")
    person = header.select(
        pl.col("CHILD").alias("pers_person_id"),
        _sex(pl.col("SEX")).alias("pers_sex"),
        pl.col("DOB").alias("pers_dob"),
        pl.col("ETHNIC").alias("pers_ethnicity"),
        pl.when(upn_unknown).then(upn).alias("pers_upn_unknown"),
        pl.col("MOTHER").replace_strict({"1": "Y", "0": "N"}, default=None).alias("pers_is_mother"),
    )
    ctx.result.add_table("ssd_person", person)
    _place_upns(header.filter(upn.is_not_null() & ~upn_unknown), ctx)
    mothers = header.filter(pl.col("MC_DOB").is_not_null())
    ctx.by_source(
        mothers.filter(pl.col("MOTHER").ne_missing(pl.lit("1"))),
        "header",
        level="warning",
        code="MC_DOB_WITHOUT_MOTHER",
        message="MC_DOB (the date of birth of a mother's child) is given but MOTHER is not 1; kept",
        column="MC_DOB",
    )
    ctx.result.add_table(
        "ssd_mother",
        mothers.select(
            pl.concat_str(pl.col("CHILD"), pl.lit("/mother/"), _ymd(mothers, "MC_DOB")).alias(
                "moth_table_id"
            ),
            pl.col("CHILD").alias("moth_person_id"),
            pl.lit(None, pl.String).alias("moth_childs_person_id"),
            pl.col("MC_DOB").alias("moth_childs_dob"),
        ),
    )
    return _People(header["CHILD"])


def _place_upns(rows: pl.DataFrame, ctx: _Ctx) -> None:
    """Each UPN as the child's linked identifier, kept as written; a UPN not in the DfE's shape
    (a letter then 12 digits, or 11 digits and a letter), or whose check letter is wrong, is
    reported on its row."""
    upn = pl.col("UPN")
    shaped = upn.str.contains(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")
    checked = rows.with_columns(
        shaped.alias("__shaped"), upn.str.slice(1, 11).cast(pl.Int64, strict=False).alias("__n")
    ).with_columns(
        (upn_letter_value(upn.str.slice(0, 1)) == upn_check_value(upn, pl.col("__n"))).alias("__check")
    )
    ctx.by_source(
        checked.filter(~pl.col("__shaped")),
        "header",
        level="warning",
        code="UPN_INVALID",
        message="UPN is neither a Unique Pupil Number (a letter, then 12 digits or 11 digits and a letter) "
        "nor a UN code; kept as written",
        column="UPN",
    )
    ctx.by_source(
        checked.filter(pl.col("__shaped") & ~pl.col("__check").fill_null(False)),
        "header",
        level="warning",
        code="UPN_CHECK_LETTER",
        message="UPN's check letter (its first character) does not match the rest of it; kept as written",
        column="UPN",
    )
    ctx.result.add_table(
        "ssd_linked_identifiers",
        rows.select(
            pl.concat_str(pl.col("CHILD"), pl.lit("/UPN/"), upn).alias("link_table_id"),
            pl.col("CHILD").alias("link_person_id"),
            pl.lit(UPN_TYPE).alias("link_identifier_type"),
            upn.alias("link_identifier_value"),
        ),
    )


def _sex(expr: pl.Expr) -> pl.Expr:
    # Before 2024/25 the 903 spelt sex 1 / 2; the canonical model holds M / F / U.
    return expr.replace(_SEX_NUMERIC)


_SEX_NUMERIC = spec.SEX_NUMERIC  # up to 2023/24
_SEX_LETTERS = {"M": "M", "F": "F", "U": "U"}  # from 2024/25


def _sex_for_year(year: int, ctx: _Ctx) -> None:
    """A warning for each header and UASC row read whose SEX is spelt as in the other era of the
    903 (1/2 up to 2023/24, M/F/U from 2024/25) than collection year ``year``'s; the value is
    read all the same. One whole-column test per table; only rows that fail it cost more."""
    if spec.sex_codes_numeric(year):
        other, era, allowed = _SEX_LETTERS, "the 2024/25-and-later code", "1 or 2"
    else:
        other, era, allowed = _SEX_NUMERIC, "the 2023/24-and-earlier code", "M, F or U"
    spelt = pl.Series(list(other), dtype=pl.String).implode()
    for name, frame in ctx.sexes:
        wrong = frame.filter(pl.col("SEX").is_in(spelt))
        for value in sorted(wrong["SEX"].unique()):
            ctx.by_source(
                wrong.filter(pl.col("SEX") == value),
                name,
                level="warning",
                code="SEX_CODE_FOR_YEAR",
                message=f"SEX {value} is {era}; {_label(year)} uses {allowed}; read as {other[value]}",
                column="SEX",
            )


def _ymd_direct(expr: pl.Expr) -> pl.Expr:
    return (
        expr.dt.year() * 10000 + expr.dt.month().cast(pl.Int32) * 100 + expr.dt.day().cast(pl.Int32)
    ).cast(pl.String)


def _ymd(df: pl.DataFrame, column: str) -> pl.Series:
    """yyyymmdd of a date column, for identifiers: worked out once per distinct date (a return
    has a few thousand distinct dates over hundreds of thousands of rows)."""
    dates = df[column]
    if dates.len() < 5000:
        return df.select(_ymd_direct(pl.col(column)))[column]
    distinct = dates.unique().drop_nulls()
    text = distinct.to_frame().select(_ymd_direct(pl.col(column)))[column]
    return dates.replace_strict(distinct, text, default=None, return_dtype=pl.String)


def _prev(expr: pl.Expr) -> pl.Expr:
    """The value on the child's previous row (rows sorted by child, ``__same`` marking a row of
    the same child as the row before)."""
    return pl.when(pl.col("__same")).then(expr.shift(1))


def _next(expr: pl.Expr) -> pl.Expr:
    return pl.when(pl.col(PID) == pl.col(PID).shift(-1)).then(expr.shift(-1))


def _sorted_by(df: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """``df`` sorted by ``key`` (the child, then a date), unless it already is."""
    order = _key(df, key)
    if order.is_sorted():
        return df
    return df.with_columns(order.alias("__k")).sort("__k").drop("__k")


def _runs(df: pl.DataFrame, flag: str) -> tuple[pl.Series, pl.Series]:
    """For runs of rows starting where ``flag`` holds: each row's run number, and a mask of the
    rows that end a run."""
    number = (df[flag].cast(pl.UInt32).cum_sum() - 1).alias("__run")
    ends = df[flag].shift(-1).fill_null(True)
    return number, ends


def _place_episodes(eps: pl.DataFrame, ctx: _Ctx) -> pl.DataFrame:
    """Canonical episodes, placements, legal statuses and home postcodes; returns the periods of care."""
    result = ctx.result
    # A later return replaces an earlier one's episode that starts on the same day.
    if eps[SRC].n_unique() > 1:
        src_rank = eps.group_by(SRC).agg(
            pl.max_horizontal(pl.col("DECOM").max(), pl.col("DEC").max()).alias("__last")
        )
        ranked = src_rank.sort("__last", SRC).with_row_index(ORDER).select(SRC, pl.col(ORDER).cast(pl.Int64))
        eps = eps.join(ranked, on=SRC)
    else:
        eps = eps.with_columns(pl.col(SRC).alias(ORDER))
    eps = _dedupe(eps, ["CHILD", "DECOM"], "episodes", ctx, order=ORDER).drop(ORDER)
    eps = _sorted_by(eps, ["CHILD", "DECOM"])
    eps = _repair_chains(eps, ctx)
    eps = eps.with_columns((pl.col(PID) == pl.col(PID).shift(1)).alias("__same"))
    prev_rec, prev_dec = _prev(pl.col("REC")), _prev(pl.col("DEC"))
    new_period = prev_dec.is_null() | (prev_rec != "X1") | (prev_dec != pl.col("DECOM"))
    place_cols = ["PLACE", "PLACE_PROVIDER", "URN", "PL_POST"]
    changed = pl.any_horizontal([pl.col(c).ne_missing(_prev(pl.col(c))) for c in place_cols])
    new_place = new_period | pl.col("RNE").is_in(["S", "P", "B", "T", "U"]) | changed
    new_legal = new_period | pl.col("LS").ne_missing(_prev(pl.col("LS")))
    # Each child's first row starts all three, so no run crosses children.
    eps = eps.with_columns(new_period.alias("__np"), new_place.alias("__npl"), new_legal.alias("__nls"))
    period_no, period_end = _runs(eps, "__np")
    place_no, place_end = _runs(eps, "__npl")
    _, legal_end = _runs(eps, "__nls")
    ymd = _ymd(eps, "DECOM")
    # An episode's identifier is its child and start; a period of care, placement or legal
    # status is named after the identifier of its first episode (made once, shared by its rows).
    eps = eps.with_columns(pl.concat_str(pl.col("CHILD"), pl.lit("/"), ymd).alias("__eid"))
    starts_p = eps.select(PID, "CHILD", "DECOM", "__eid").filter(eps["__np"])
    cla_id = starts_p["__eid"]
    starts_pl = eps.select("CHILD", "DECOM", "__eid", *place_cols).filter(eps["__npl"])
    placement_id = starts_pl.select(pl.concat_str(pl.col("__eid"), pl.lit("/placement")))["__eid"]
    starts_ls = eps.select("CHILD", "DECOM", "__eid", "LS").filter(eps["__nls"])
    ls_id = starts_ls.select(pl.concat_str(pl.col("__eid"), pl.lit("/"), pl.col("LS").fill_null("")))["__eid"]
    entered = starts_p["DECOM"].gather(period_no)
    result.add_table(
        "ssd_cla_episodes",
        eps.select(
            pl.col("__eid").alias("clae_cla_episode_id"),
            pl.col("CHILD").alias("clae_person_id"),
            pl.col("DECOM").alias("clae_cla_episode_start_date"),
            pl.col("RNE").alias("clae_cla_episode_start_reason"),
            pl.col("CIN").alias("clae_cla_primary_need_code"),
            pl.col("DEC").alias("clae_cla_episode_ceased_date"),
            pl.col("REC").alias("clae_cla_episode_ceased_reason"),
            cla_id.gather(period_no).alias("clae_cla_id"),
            placement_id.gather(place_no).alias("clae_cla_placement_id"),
            entered.alias("clae_entered_care_date"),
        ),
    )
    # The last reason given for a change of placement within each placement.
    reason = (
        eps.select(
            pl.when(pl.col("__npl") & pl.col("REASON_PLACE_CHANGE").is_null())
            .then(pl.lit(""))
            .otherwise(pl.col("REASON_PLACE_CHANGE"))
            .forward_fill()
        )
        .to_series()
        .filter(place_end)
    )
    result.add_table(
        "ssd_cla_placement",
        starts_pl.select(
            placement_id.alias("clap_cla_placement_id"),
            pl.col("CHILD").alias("clap_person_id"),
            cla_id.gather(period_no.filter(eps["__npl"])).alias("clap_cla_id"),
            pl.col("DECOM").alias("clap_cla_placement_start_date"),
            pl.col("PLACE").alias("clap_cla_placement_type"),
            pl.col("URN").alias("clap_cla_placement_urn"),
            pl.col("PLACE_PROVIDER").alias("clap_cla_placement_provider"),
            pl.col("PL_POST").alias("clap_cla_placement_postcode"),
            eps["DEC"].filter(place_end).alias("clap_cla_placement_end_date"),
            pl.when(reason != "").then(reason).alias("clap_cla_placement_change_reason"),
        ),
    )
    result.add_table(
        "ssd_legal_status",
        starts_ls.select(
            ls_id.alias("lega_legal_status_id"),
            pl.col("CHILD").alias("lega_person_id"),
            pl.col("LS").alias("lega_legal_status"),
            pl.col("DECOM").alias("lega_legal_status_start_date"),
            eps["DEC"].filter(legal_end).alias("lega_legal_status_end_date"),
        ),
    )
    home = eps.select("CHILD", "DECOM", "__eid", "HOME_POST", "__same", "__np").filter(
        pl.col("HOME_POST").is_not_null()
        & (pl.col("HOME_POST").ne_missing(_prev(pl.col("HOME_POST"))) | pl.col("__np"))
    )
    result.add_table(
        "ssd_address",
        home.select(
            pl.concat_str(pl.col("__eid"), pl.lit("/home")).alias("addr_table_id"),
            pl.col("CHILD").alias("addr_person_id"),
            pl.lit("HOME").alias("addr_address_type"),
            pl.col("DECOM").alias("addr_address_start_date"),
            pl.col("HOME_POST").alias("addr_address_postcode"),
        ),
    )
    return starts_p.select(
        pl.col(PID),
        cla_id.alias("__cla_id"),
        pl.col("DECOM").alias("__entered"),
        eps["DEC"].filter(period_end).alias("__left"),
    )


def _repair_chains(eps: pl.DataFrame, ctx: _Ctx) -> pl.DataFrame:
    """Repair an episode chain the way a later submission would, reporting each repair."""
    nxt = _next(pl.col("DECOM"))
    marked = eps.with_columns(
        nxt.alias("__next"),
        (pl.col("DEC").is_null() & nxt.is_not_null()).alias("__open"),
        (pl.col("DEC").is_not_null() & nxt.is_not_null() & (pl.col("DEC") > nxt)).alias("__overlap"),
        (pl.col("DEC").is_not_null() & (pl.col("DEC") < pl.col("DECOM"))).alias("__backwards"),
    )
    counts = marked.select(pl.col("__open", "__overlap", "__backwards").sum()).row(0, named=True)
    if not any(counts.values()):
        return eps
    checks: list[tuple[str, Level, str, str]] = [
        ("__open", "warning", "EPISODE_OPEN_BEFORE_NEXT",
         "episode has no end date but a later episode starts; ended when the next begins (X1)"),
        ("__overlap", "warning", "EPISODE_OVERLAP",
         "episode ends after the next episode starts; ended when the next begins"),
        ("__backwards", "error", "EPISODE_ENDS_BEFORE_START", "DEC is before DECOM; row not read"),
    ]  # fmt: skip
    for flag, level, code, message in checks:
        if counts[flag]:
            ctx.by_source(
                marked.filter(flag), "episodes", level=level, code=code, message=message, column="DEC"
            )
    return (
        marked.filter(~pl.col("__backwards"))
        .with_columns(
            pl.when(pl.col("__open") | pl.col("__overlap"))
            .then(pl.col("__next"))
            .otherwise(pl.col("DEC"))
            .alias("DEC"),
            pl.when(pl.col("__open")).then(pl.lit("X1")).otherwise(pl.col("REC")).alias("REC"),
        )
        .drop("__next", "__open", "__overlap", "__backwards")
    )


def _place_reviews(reviews: pl.DataFrame, periods: pl.DataFrame | None, ctx: _Ctx) -> pl.DataFrame:
    """Reviews matched to their period of care; returns those within one (the rest are refused)."""
    if periods is None:
        periods = pl.DataFrame(
            schema={PID: pl.UInt32, "__cla_id": pl.String, "__entered": pl.Date, "__left": pl.Date}
        )
    # Each review's period of care is the child's latest that started on or before it: a binary
    # search of (child, review date) among the periods' (child, start), which come sorted.
    start = periods[PID].cast(pl.Int64) * 2**32 + periods["__entered"].to_physical().cast(pl.Int64)
    if not start.is_sorted():
        periods = periods.with_columns(start.alias("__k")).sort("__k").drop("__k")
        start = start.sort()
    day = reviews[PID].cast(pl.Int64) * 2**32 + reviews["REVIEW"].to_physical().cast(pl.Int64)
    at = start.search_sorted(day, side="right").cast(pl.Int64) - 1
    found = at >= 0
    at = at.clip(lower_bound=0).cast(pl.UInt32)
    if periods.height:
        same = found & (periods[PID].gather(at) == reviews[PID]).fill_null(False)
        cla = periods["__cla_id"].gather(at)
        left = periods["__left"].gather(at)
    else:
        same = found
        cla, left = (
            pl.repeat(None, reviews.height, dtype=pl.String, eager=True),
            pl.repeat(None, reviews.height, dtype=pl.Date, eager=True),
        )
    matched = reviews.with_columns(
        pl.select(pl.when(same).then(cla)).to_series().alias("__cla_id"),
        pl.select(pl.when(same).then(left)).to_series().alias("__left"),
    )
    outside = matched["__cla_id"].is_null() | (
        matched["__left"].is_not_null() & (matched["REVIEW"] > matched["__left"])
    )
    if outside.any():
        ctx.by_source(
            matched.filter(outside),
            "reviews",
            level="error",
            code="REVIEW_OUTSIDE_CARE",
            message="review date is not within any period of care in the episodes; row not read",
            column="REVIEW",
        )
        matched = matched.filter(~outside)
    placed = _dedupe(matched, ["CHILD", "REVIEW"], "reviews", ctx)
    ctx.result.add_table(
        "ssd_cla_reviews",
        placed.select(
            (pl.col("CHILD") + "/" + _ymd(placed, "REVIEW") + "/review").alias("clar_cla_review_id"),
            pl.col("__cla_id").alias("clar_cla_id"),
            pl.col("REVIEW").alias("clar_cla_review_date"),
            pl.col("REVIEW_CODE").alias("clar_cla_review_participation"),
        ),
    )
    return matched


def _place_uasc(uasc: pl.DataFrame, ctx: _Ctx) -> None:
    uasc = _dedupe(uasc, ["CHILD"], "uasc", ctx)
    ctx.sexes.append(("uasc", uasc.select(SRC, ROW, "SEX")))
    ctx.result.add_table(
        "ssd_immigration_status",
        uasc.select(
            (pl.col("CHILD") + "/UASC").alias("immi_immigration_status_id"),
            pl.col("CHILD").alias("immi_person_id"),
            pl.lit("UASC").alias("immi_immigration_status"),
            pl.col("DUC").alias("immi_immigration_status_end_date"),
        ),
    )


def _place_oc2(oc2: pl.DataFrame, year: int | None, ctx: _Ctx) -> None:
    """Health checks up to date in the year, dated at its end (OC2 carries no dates)."""
    oc2 = _dedupe(oc2, ["CHILD"], "oc2", ctx)
    as_at = spec.year_bounds(year)[1] if year is not None else None
    # HEALTH_CHECK is the under-5s' health surveillance (development) checks; HEALTH_ASSESSMENT the
    # annual health assessment.
    checks = {"HEALTH_CHECK": "DEVELOPMENT", "TEETH_CHECK": "DENTAL", "HEALTH_ASSESSMENT": "RHA"}
    health = pl.concat(
        [
            oc2.filter(pl.col(col) == "1").select(
                (pl.col("CHILD") + f"/{kind}/{as_at or 'undated'}").alias("clah_health_check_id"),
                pl.col("CHILD").alias("clah_person_id"),
                pl.lit(kind).alias("clah_health_check_type"),
                pl.lit(as_at, pl.Date).alias("clah_health_check_date"),
                pl.lit("COMPLETED").alias("clah_health_check_status"),
            )
            for col, kind in checks.items()
        ]
    )
    ctx.result.add_table("ssd_cla_health", health)
    ctx.result.add_table(
        "ssd_cla_immunisations",
        oc2.filter(pl.col("IMMUNISATIONS").is_in(["0", "1"])).select(
            pl.col("CHILD").alias("clai_person_id"),
            pl.col("IMMUNISATIONS").replace_strict({"1": "Y", "0": "N"}).alias("clai_immunisations_status"),
            pl.lit(as_at, pl.Date).alias("clai_immunisations_status_date"),
        ),
    )
    _place_oc2_outcomes(oc2, as_at, ctx)


def _place_oc2_outcomes(oc2: pl.DataFrame, as_at: date | None, ctx: _Ctx) -> None:
    """SDQ score or reason, convictions and substance misuse in the year, dated at its end (the
    latest date in the year, which is what the return says: at some time in the year)."""
    day = pl.lit(as_at, pl.Date)
    dated = f"{as_at or 'undated'}"
    score = pl.col("SDQ_SCORE").str.to_integer(strict=False)
    checked = oc2.with_columns(score.alias("__score"))
    ctx.by_source(
        checked.filter(pl.col("SDQ_SCORE").is_not_null() & pl.col("__score").is_null()),
        "oc2",
        level="warning",
        code="SDQ_SCORE_INVALID",
        message="SDQ_SCORE is not a whole number; not kept",
        column="SDQ_SCORE",
    )
    ctx.by_source(
        checked.filter(~pl.col("__score").is_between(0, 40)),
        "oc2",
        level="warning",
        code="SDQ_SCORE_OUT_OF_RANGE",
        message="SDQ_SCORE is not between 0 and 40; kept as written",
        column="SDQ_SCORE",
    )
    sdq = checked.filter(pl.col("__score").is_not_null() | pl.col("SDQ_REASON").is_not_null())
    ctx.result.add_table(
        "ssd_sdq_scores",
        sdq.select(
            (pl.col("CHILD") + f"/SDQ/{dated}").alias("csdq_table_id"),
            pl.col("CHILD").alias("csdq_person_id"),
            day.alias("csdq_sdq_completed_date"),
            pl.col("SDQ_REASON").alias("csdq_sdq_reason"),
            pl.col("__score").alias("csdq_sdq_score"),
        ),
    )
    ctx.result.add_table(
        "ssd_cla_convictions",
        oc2.filter(pl.col("CONVICTED") == "1").select(
            (pl.col("CHILD") + f"/conviction/{dated}").alias("clac_cla_conviction_id"),
            pl.col("CHILD").alias("clac_person_id"),
            day.alias("clac_cla_conviction_date"),
        ),
    )
    misuse = pl.col("SUBSTANCE_MISUSE") == "1"
    interventions = ["INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]
    for c in interventions:
        ctx.by_source(
            oc2.filter(pl.col(c).is_not_null() & ~misuse.fill_null(False)),
            "oc2",
            level="warning",
            code="INTERVENTION_WITHOUT_MISUSE",
            message=f"{c} is given but SUBSTANCE_MISUSE is not 1; not kept",
            column=c,
        )
    yes_no = {"1": "Y", "0": "N"}
    ctx.result.add_table(
        "ssd_cla_substance_misuse",
        oc2.filter(misuse).select(
            (pl.col("CHILD") + f"/substance_misuse/{dated}").alias("clas_substance_misuse_id"),
            pl.col("CHILD").alias("clas_person_id"),
            day.alias("clas_substance_misuse_date"),
            *[
                pl.col(c).replace_strict(yes_no, default=None).alias(f"clas_{c.lower()}")
                for c in interventions
            ],
        ),
    )


def birthday_in_year(dob: pl.Expr, year: int) -> pl.Expr:
    """The young person's birthday that falls in collection year ``year`` (1 April to 31 March;
    29 February -> 28 February in a year that has none)."""
    start, _ = spec.year_bounds(year)
    month, day = dob.dt.month().cast(pl.Int32), dob.dt.day().cast(pl.Int32)
    # A birthday from January to March falls in the second calendar year of the collection year.
    calendar_year = (
        pl.when(month * 100 + day < 401).then(pl.lit(start.year + 1)).otherwise(pl.lit(start.year))
    )
    leap = (calendar_year % 4 == 0) & ((calendar_year % 100 != 0) | (calendar_year % 400 == 0))
    day = pl.when((month == 2) & (day == 29) & ~leap).then(pl.lit(28)).otherwise(day)
    return pl.date(calendar_year, month, day)


def _place_oc3(oc3: pl.DataFrame, year: int | None, ctx: _Ctx) -> None:
    """Care leaver status at the birthday in the year (the 903 records it as at that birthday)."""
    oc3 = _dedupe(oc3, ["CHILD"], "oc3", ctx)
    contact = birthday_in_year(pl.col("DOB"), year) if year is not None else pl.lit(None, pl.Date)
    ctx.result.add_table(
        "ssd_care_leavers",
        oc3.select(
            (pl.col("CHILD") + "/oc3/" + pl.lit(str(year or "undated"))).alias("clea_table_id"),
            pl.col("CHILD").alias("clea_person_id"),
            pl.col("IN_TOUCH").alias("clea_care_leaver_in_touch"),
            contact.alias("clea_care_leaver_latest_contact"),
            pl.col("ACTIV").alias("clea_care_leaver_activity"),
            pl.col("ACCOM").alias("clea_care_leaver_accommodation"),
            pl.when(pl.col("ACCOM") == "0")
            .then(None)
            .otherwise(pl.col("ACCOM").str.slice(1))
            .alias("clea_care_leaver_accom_suitable"),
        ),
    )


def _place_missing(missing: pl.DataFrame, ctx: _Ctx) -> None:
    # Two missing episodes may start the same day: each is kept, numbered after the first.
    key = ["CHILD", "MIS_START", "MISSING"]
    repeats = missing.select(pl.struct(key).is_duplicated().any()).item()
    number = pl.int_range(pl.len()).over(key).cast(pl.String).replace("0", "") if repeats else pl.lit("")
    ordered = missing.sort(SRC, ROW) if repeats else missing
    ctx.result.add_table(
        "ssd_missing",
        ordered.select(
            (
                pl.col("CHILD")
                + "/"
                + _ymd(ordered, "MIS_START")
                + "/"
                + pl.col("MISSING").fill_null("")
                + number
            ).alias("miss_table_id"),
            pl.col("CHILD").alias("miss_person_id"),
            pl.col("MIS_START").alias("miss_missing_episode_start_date"),
            pl.col("MISSING").alias("miss_missing_episode_type"),
            pl.col("MIS_END").alias("miss_missing_episode_end_date"),
        ),
    )


def _place_previous_permanence(prev: pl.DataFrame, ctx: _Ctx) -> None:
    ctx.result.add_table(
        "ssd_cla_previous_permanence",
        _dedupe(prev, ["CHILD"], "previous_permanence", ctx).select(
            (pl.col("CHILD") + "/previous_permanence").alias("lapp_table_id"),
            pl.col("CHILD").alias("lapp_person_id"),
            # Kept as written: the 903 allows part-known dates such as zz/zz/2015.
            pl.col("DATE_PERM").alias("lapp_previous_permanence_order_date"),
            pl.col("PREV_PERM").alias("lapp_previous_permanence_option"),
            pl.col("LA_PERM").alias("lapp_previous_permanence_la"),
        ),
    )


def _place_sw_episodes(sw: pl.DataFrame, ctx: _Ctx) -> None:
    sw = _dedupe(sw, ["CHILD", "SW_DECOM"], "sw_episodes", ctx)
    ctx.result.add_table(
        "ssd_involvements",
        sw.select(
            (pl.col("CHILD") + "/" + _ymd(sw, "SW_DECOM") + "/sw").alias("invo_involvements_id"),
            pl.col("CHILD").alias("invo_person_id"),
            pl.col("SW_ID").alias("invo_professional_id"),
            pl.lit("SW").alias("invo_professional_role_id"),
            pl.col("SW_DECOM").alias("invo_involvement_start_date"),
            pl.col("SW_DEC").alias("invo_involvement_end_date"),
            pl.col("SW_REASON").alias("invo_worker_change_reason"),
        ),
    )


def _place_adoption(ad1: pl.DataFrame, placed: pl.DataFrame, ctx: _Ctx) -> None:
    """One permanence row per child and decision to place for adoption, from AD1 and SBPFA."""
    parts: list[pl.DataFrame] = []
    if ad1.height:
        parts.append(
            _dedupe(ad1, ["CHILD"], "ad1", ctx).select(
                pl.col("CHILD"),
                pl.col("DATE_INT").alias("perm_adm_decision_date"),
                pl.col("DATE_MATCH").alias("perm_matched_date"),
                pl.col("FOSTER_CARE")
                .replace_strict({"1": "Y", "0": "N"}, default=None)
                .alias("perm_adopted_by_carer_flag"),
                pl.col("NB_ADOPTR").alias("perm_number_of_adopters"),
                pl.col("SEX_ADOPTR").alias("perm_adopter_sex"),
                pl.col("LS_ADOPTR").alias("perm_adopter_legal_status"),
            )
        )
    if placed.height:
        parts.append(
            _dedupe(placed, ["CHILD", "DATE_PLACED"], "placed_for_adoption", ctx).select(
                pl.col("CHILD"),
                pl.col("DATE_PLACED").alias("perm_adm_decision_date"),
                pl.col("DATE_PLACED_CEASED").alias("perm_decision_reversed_date"),
                pl.col("REASON_PLACED_CEASED").alias("perm_decision_reversed_reason"),
            )
        )
    if not parts:
        return
    merged = pl.concat(parts, how="diagonal_relaxed")
    key = ["CHILD", "perm_adm_decision_date"]
    merged = merged.group_by(key, maintain_order=True).agg(pl.all().drop_nulls().first())
    ctx.result.add_table(
        "ssd_permanence",
        merged.with_columns(
            (pl.col("CHILD") + "/" + _ymd(merged, "perm_adm_decision_date") + "/adoption").alias(
                "perm_table_id"
            )
        ).rename({"CHILD": "perm_person_id"}),
    )

"""Reading SSDA903 returns (CSV files or the XML) into the canonical model.

Each CSV file is identified by its columns, as the DfE's validator does; the XML is flattened to
the same tables. Then, table by table: codes are checked against every supported year's list
(old spellings such as sex 1/2 are mapped to today's M/F), dates are parsed, rows without a child
or a required date are refused, rows naming a child absent from the header are refused, and the
rows are mapped to canonical tables. Episodes from more than one return (this year's and last
year's) are merged as a later submission replacing an earlier one, and broken episode chains are
repaired in the open: each repair is a warning naming the row.

Every row seen is placed or named in an issue. A problem found on very many rows is reported for
the first :data:`ISSUE_CAP` rows and then once as a count, so a million bad rows cost no memory.
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
from careboard.engine.issues import Issue, Level

ISSUE_CAP = 1000
SRC = "__src"  # index of the source file, so rows from several files can be told apart
BAD = "__bad"  # true on a row that has an error and is not placed

# Values the canonical model has no place for: reported once per file and column.
NOT_KEPT = {
    ("header", "MC_DOB"): "the date of birth of a mother's child",
    ("oc2", "SDQ_SCORE"): "SDQ scores",
    ("oc2", "SDQ_REASON"): "reasons an SDQ was not completed",
    ("oc2", "CONVICTED"): "convictions",
    ("oc2", "SUBSTANCE_MISUSE"): "substance misuse",
    ("oc2", "INTERVENTION_RECEIVED"): "substance misuse interventions",
    ("oc2", "INTERVENTION_OFFERED"): "substance misuse interventions",
}
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


def read(paths: Sequence[Path]) -> ReadResult:
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
    _place(sources, result)
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
    encoding = sniff_encoding(path)
    if encoding == "cp1252":
        result.issues.append(
            where.issue("warning", "ENCODING_CP1252", "the file is not UTF-8; read as Windows-1252 (cp1252)")
        )
    with scratch_dir() as tmp:
        frame, issues = _csv_frame(as_utf8(path, encoding, Path(tmp)), where)
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
    frame = _columns_for(name, frame.drop(ROW), where, result).with_columns(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(ROW)
    )
    if _truncated(path) and frame.height:
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
    try:
        df = pl.read_csv(path, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError:
        # Rows of the wrong length: read line by line, keep the good rows, name the bad ones.
        return _csv_frame_by_line(path, where)
    if not df.columns:
        return None, [where.issue("error", "FILE_EMPTY", "the file has no header row")]
    df = df.rename({c: c.strip().lstrip("\ufeff").upper() for c in df.columns})
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
    """The table's columns in order, text trimmed, blanks null; extra and missing columns reported."""
    wanted = spec.COLUMNS[name]
    for extra in (c for c in frame.columns if c not in wanted):
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
        [
            _clean(pl.col(c)).alias(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
            for c in wanted
        ]
    )


def _clean(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


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


def _by_file(
    frame: pl.DataFrame, name: str, *, level: Level, code: str, message: str, column: str | None
) -> list[Issue]:
    """Issues for every row of ``frame`` (rows from several files), located in their own file."""
    out: list[Issue] = []
    for file, group in frame.group_by("__file", maintain_order=True):
        where = Where(str(file[0]), name)
        out += issues_capped(
            group, pl.lit(True), where=where, level=level, code=code, message=message, column=column
        )
    return out


def parse_dates(frame: pl.DataFrame, dates: list[str], fast: str = "%d/%m/%Y") -> pl.DataFrame:
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


def _check(name: str, source: Source, result: ReadResult, people: pl.Series | None) -> pl.DataFrame:
    """Codes, dates, required values and known children for one source; returns typed rows + BAD.

    Every check is a mask; all are counted in one pass and only those that hold somewhere are
    turned into issues, so a clean file costs one scan however many checks there are.
    """
    frame, where = source.frame, source.where
    upper = [c for c in spec.COLUMNS[name] if (name, c) in spec.CODES]
    frame = frame.with_columns(pl.col(c).str.to_uppercase() for c in upper)
    dates = [c for c in spec.COLUMNS[name] if c in spec.DATE_COLUMNS]
    frame = parse_dates(frame, dates)
    checks: list[
        tuple[pl.Expr, Level, str, str, str, bool]
    ] = []  # mask, level, code, message, column, refuse
    for col in upper:
        allowed = pl.Series(sorted(spec.CODES[(name, col)]), dtype=pl.String).implode()
        checks.append(
            (
                pl.col(col).is_not_null() & ~pl.col(col).is_in(allowed),
                "warning",
                "CODE_UNKNOWN",
                f"{col} is not a code the SSDA903 uses; kept as written",
                col,
                False,
            )
        )
    for col in dates:
        present, value, shaped = pl.col(col).is_not_null(), pl.col(f"__d_{col}"), pl.col(f"__s_{col}")
        checks.append(
            (
                present & shaped & value.is_null(),
                "error",
                "DATE_IMPOSSIBLE",
                f"{col} is not a real date",
                col,
                True,
            )
        )
        checks.append(
            (
                present & ~shaped,
                "error",
                "DATE_UNRECOGNISED",
                f"{col} is not a date in a recognised format",
                col,
                True,
            )
        )
    for col in ["CHILD", *REQUIRED_DATES.get(name, ())]:
        checks.append(
            (pl.col(col).is_null(), "error", "VALUE_MISSING", f"{col} is required; row not read", col, True)
        )
    if people is not None and name != "header":
        unknown = pl.col("CHILD").is_not_null() & ~pl.col("CHILD").is_in(people.implode())
        checks.append(
            (
                unknown,
                "error",
                "UNKNOWN_CHILD",
                "CHILD is not in the header file; row not read",
                "CHILD",
                True,
            )
        )
    not_kept = [(col, what) for (t, col), what in NOT_KEPT.items() if t == name]
    masks = [m.alias(f"__m{i}") for i, (m, *_) in enumerate(checks)]
    refuse = pl.any_horizontal([m for m, *rest in checks if rest[-1]] or [pl.lit(False)])
    frame = frame.with_columns(*masks, refuse.alias(BAD))
    counts = frame.select(
        *[pl.col(f"__m{i}").sum() for i in range(len(checks))],
        *[pl.col(col).is_not_null().sum().alias(f"__k_{col}") for col, _ in not_kept],
    ).row(0, named=True)
    issues: list[Issue] = []
    for i, (_, level, code, message, column, _refuse) in enumerate(checks):
        if counts[f"__m{i}"]:
            issues += issues_capped(
                frame, pl.col(f"__m{i}"), where=where, level=level, code=code, message=message, column=column
            )
    for col, what in not_kept:
        n = counts[f"__k_{col}"]
        if n:
            message = f"the canonical model has no place for {what}: {n} values of {col} not kept"
            issues.append(where.issue("warning", "VALUE_NOT_KEPT", message, column=col))
    result.issues += issues
    return frame.with_columns(
        *[pl.col(f"__d_{c}").alias(c) for c in dates],
        pl.lit(source.index, pl.Int64).alias(SRC),
        pl.lit(where.file).alias("__file"),
    ).drop(
        [f"__d_{c}" for c in dates] + [f"__s_{c}" for c in dates] + [f"__m{i}" for i in range(len(checks))]
    )


def _combined(
    name: str, sources: dict[str, list[Source]], result: ReadResult, people: pl.Series | None
) -> pl.DataFrame:
    frames = [_check(name, s, result, people) for s in sources.get(name, [])]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="vertical_relaxed").filter(~pl.col(BAD)).drop(BAD)


def _place(sources: dict[str, list[Source]], result: ReadResult) -> None:
    header = _combined("header", sources, result, None)
    people = _place_header(header, sources, result) if "header" in sources else None
    if people is None and any(n != "header" for n in sources):
        result.issues.append(
            Where("").issue(
                "warning",
                "HEADER_MISSING",
                "no 903 header file was read: rows cannot be checked against the children in the return",
            )
        )
    episodes = _combined("episodes", sources, result, people)
    periods = _place_episodes(episodes, sources, result) if episodes.height else None
    year = _return_year(episodes, sources)
    if year is not None and year < spec.FIRST_YEAR:
        result.issues.append(
            Where("").issue(
                "warning",
                "FORMAT_YEAR_OLD",
                f"the return appears to be for {year - 1}/{year % 100:02d}; the SSDA903 is read as 2022/23 "
                "onward, so codes that have changed since are reported",
            )
        )
    placers: dict[str, Callable[[pl.DataFrame], None]] = {
        "reviews": lambda df: _place_reviews(df, periods, sources, result),
        "uasc": lambda df: _place_uasc(df, result),
        "oc2": lambda df: _place_oc2(df, year, result),
        "oc3": lambda df: _place_oc3(df, year, result),
        "missing": lambda df: _place_missing(df, result),
        "previous_permanence": lambda df: _place_previous_permanence(df, result),
        "sw_episodes": lambda df: _place_sw_episodes(df, result),
    }
    for name, placer in placers.items():
        df = _combined(name, sources, result, people)
        if df.height:
            placer(df)
    _place_adoption(
        _combined("ad1", sources, result, people),
        _combined("placed_for_adoption", sources, result, people),
        result,
    )
    for source in sources.get("dolo", []):
        result.issues.append(
            source.where.issue(
                "warning",
                "TABLE_NOT_KEPT",
                "the canonical model has no place for deprivation of liberty orders: "
                f"{source.frame.height} rows not kept",
            )
        )


def _return_year(episodes: pl.DataFrame, sources: dict[str, list[Source]]) -> int | None:
    """The collection year of the return: the year of its latest episode date."""
    latest: date | None = None
    if episodes.height:
        latest = episodes.select(pl.max_horizontal(pl.col("DECOM").max(), pl.col("DEC").max())).item()
    if latest is None:
        return None
    return spec.year_containing(latest)


def _dedupe(df: pl.DataFrame, key: list[str], name: str, result: ReadResult) -> pl.DataFrame:
    """One row per key: a later file replaces an earlier one; within one file a copy is dropped
    (warning) and a different row under the same key is refused (error)."""
    values = [c for c in df.columns if c not in (ROW, SRC, "__file")]
    df = df.sort([*key, SRC, ROW])
    ranked = df.with_columns(
        (~pl.struct([*key, SRC]).is_first_distinct()).alias("__later_same_file"),
        (~pl.struct(values).is_first_distinct()).alias("__copy"),
        (pl.col(SRC) < pl.col(SRC).max().over(key)).alias("__replaced"),
    )
    copies = ranked.filter(pl.col("__later_same_file") & pl.col("__copy"))
    clashes = ranked.filter(pl.col("__later_same_file") & ~pl.col("__copy"))
    result.issues += _by_file(
        copies,
        name,
        level="warning",
        code="DUPLICATE_ROW",
        message="row repeats an earlier row; kept once",
        column="CHILD",
    )
    result.issues += _by_file(
        clashes,
        name,
        level="error",
        code="DUPLICATE_ID",
        message=f"another row has the same {', '.join(key)} with different values; row not read",
        column=key[-1],
    )
    return ranked.filter(~pl.col("__later_same_file") & ~pl.col("__replaced")).drop(
        "__later_same_file", "__copy", "__replaced"
    )


def _place_header(header: pl.DataFrame, sources: dict[str, list[Source]], result: ReadResult) -> pl.Series:
    header = _dedupe(header, ["CHILD"], "header", result)
    upn_unknown = pl.col("UPN").str.contains(r"^UN\d+$")
    for file, group in header.filter(pl.col("UPN").is_not_null() & ~upn_unknown).group_by("__file"):
        result.issues.append(
            Where(str(file[0]), "header").issue(
                "warning",
                "VALUE_NOT_KEPT",
                f"the canonical model keeps only UPN-unknown codes (UN1...): {group.height} UPNs not kept",
                column="UPN",
            )
        )
    person = header.select(
        pl.col(ROW),
        pl.col("CHILD").alias("pers_person_id"),
        _sex(pl.col("SEX")).alias("pers_sex"),
        pl.col("DOB").alias("pers_dob"),
        pl.col("ETHNIC").alias("pers_ethnicity"),
        pl.when(upn_unknown).then(pl.col("UPN")).alias("pers_upn_unknown"),
        pl.col("MOTHER").replace_strict({"1": "Y", "0": "N"}, default=None).alias("pers_is_mother"),
    )
    result.add_table("ssd_person", person)
    return person["pers_person_id"]


def _sex(expr: pl.Expr) -> pl.Expr:
    # Before 2024/25 the 903 spelt sex 1 / 2; the canonical model holds M / F / U.
    return expr.replace({"1": "M", "2": "F"})


def _ymd(expr: pl.Expr) -> pl.Expr:
    """yyyymmdd, for identifiers (arithmetic, several times cheaper than formatting a date)."""
    return (
        expr.dt.year() * 10000 + expr.dt.month().cast(pl.Int32) * 100 + expr.dt.day().cast(pl.Int32)
    ).cast(pl.String)


def _place_episodes(eps: pl.DataFrame, sources: dict[str, list[Source]], result: ReadResult) -> pl.DataFrame:
    """Canonical episodes, placements, legal statuses and home postcodes; returns the periods of care."""
    # A later return replaces an earlier one's episode that starts on the same day.
    src_rank = eps.group_by(SRC).agg(
        pl.max_horizontal(pl.col("DECOM").max(), pl.col("DEC").max()).alias("__last")
    )
    ranked = (
        src_rank.sort("__last", SRC).with_row_index("__rank").select(SRC, pl.col("__rank").cast(pl.Int64))
    )
    eps = eps.join(ranked, on=SRC).with_columns(pl.col("__rank").alias(SRC)).drop("__rank")
    eps = _dedupe(eps, ["CHILD", "DECOM"], "episodes", result).sort("CHILD", "DECOM")
    eps = _repair_chains(eps, result)
    nxt = _next(pl.col("DECOM"))
    prev_rec, prev_dec = _prev(pl.col("REC")), _prev(pl.col("DEC"))
    new_period = prev_dec.is_null() | (prev_rec != "X1") | (prev_dec != pl.col("DECOM"))
    place_cols = ["PLACE", "PLACE_PROVIDER", "URN", "PL_POST"]
    changed = pl.any_horizontal([pl.col(c).ne_missing(_prev(pl.col(c))) for c in place_cols])
    new_place = new_period | pl.col("RNE").is_in(["S", "P", "B", "T", "U"]) | changed
    new_legal = new_period | pl.col("LS").ne_missing(_prev(pl.col("LS")))
    eps = eps.with_columns(
        new_period.alias("__np"), new_place.alias("__npl"), new_legal.alias("__nls"), nxt.alias("__next")
    ).with_columns(
        # Each child's first row starts all three, so filling forward never crosses children.
        pl.when("__np").then(pl.col("DECOM")).forward_fill().alias("__entered"),
        pl.when("__npl").then(pl.col("DECOM")).forward_fill().alias("__placed"),
        pl.when("__nls").then(pl.col("DECOM")).forward_fill().alias("__ls_start"),
    )
    eps = eps.with_columns(
        (pl.col("CHILD") + "/" + _ymd(pl.col("__entered"))).alias("__cla_id"),
        (pl.col("CHILD") + "/" + _ymd(pl.col("__placed")) + "/placement").alias("__placement_id"),
        (pl.col("CHILD") + "/" + _ymd(pl.col("__ls_start")) + "/" + pl.col("LS").fill_null("")).alias(
            "__ls_id"
        ),
    )
    result.add_table(
        "ssd_cla_episodes",
        eps.select(
            (pl.col("CHILD") + "/" + _ymd(pl.col("DECOM"))).alias("clae_cla_episode_id"),
            pl.col("CHILD").alias("clae_person_id"),
            pl.col("DECOM").alias("clae_cla_episode_start_date"),
            pl.col("RNE").alias("clae_cla_episode_start_reason"),
            pl.col("CIN").alias("clae_cla_primary_need_code"),
            pl.col("DEC").alias("clae_cla_episode_ceased_date"),
            pl.col("REC").alias("clae_cla_episode_ceased_reason"),
            pl.col("__cla_id").alias("clae_cla_id"),
            pl.col("__placement_id").alias("clae_cla_placement_id"),
            pl.col("__entered").alias("clae_entered_care_date"),
        ),
    )
    last = pl.col("DEC").last()
    result.add_table(
        "ssd_cla_placement",
        eps.group_by("__placement_id", maintain_order=True)
        .agg(
            pl.col("CHILD").first().alias("clap_person_id"),
            pl.col("__cla_id").first().alias("clap_cla_id"),
            pl.col("DECOM").first().alias("clap_cla_placement_start_date"),
            pl.col("PLACE").first().alias("clap_cla_placement_type"),
            pl.col("URN").first().alias("clap_cla_placement_urn"),
            pl.col("PLACE_PROVIDER").first().alias("clap_cla_placement_provider"),
            pl.col("PL_POST").first().alias("clap_cla_placement_postcode"),
            last.alias("clap_cla_placement_end_date"),
            pl.col("REASON_PLACE_CHANGE").drop_nulls().last().alias("clap_cla_placement_change_reason"),
        )
        .rename({"__placement_id": "clap_cla_placement_id"}),
    )
    result.add_table(
        "ssd_legal_status",
        eps.group_by("__ls_id", maintain_order=True)
        .agg(
            pl.col("CHILD").first().alias("lega_person_id"),
            pl.col("LS").first().alias("lega_legal_status"),
            pl.col("DECOM").first().alias("lega_legal_status_start_date"),
            last.alias("lega_legal_status_end_date"),
        )
        .rename({"__ls_id": "lega_legal_status_id"}),
    )
    home = eps.filter(pl.col("HOME_POST").is_not_null()).filter(
        pl.col("HOME_POST").ne_missing(_prev(pl.col("HOME_POST"))) | pl.col("__np")
    )
    result.add_table(
        "ssd_address",
        home.select(
            (pl.col("CHILD") + "/" + _ymd(pl.col("DECOM")) + "/home").alias("addr_table_id"),
            pl.col("CHILD").alias("addr_person_id"),
            pl.lit("HOME").alias("addr_address_type"),
            pl.col("DECOM").alias("addr_address_start_date"),
            pl.col("HOME_POST").alias("addr_address_postcode"),
        ),
    )
    return eps.group_by("__cla_id").agg(
        pl.col("CHILD").first(), pl.col("__entered").first(), pl.col("DEC").last().alias("__left")
    )


def _prev(expr: pl.Expr) -> pl.Expr:
    """The value on the child's previous row (rows sorted by child): a shift, far cheaper than
    a window over hundreds of thousands of children."""
    return pl.when(pl.col("CHILD") == pl.col("CHILD").shift(1)).then(expr.shift(1))


def _next(expr: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("CHILD") == pl.col("CHILD").shift(-1)).then(expr.shift(-1))


def _repair_chains(eps: pl.DataFrame, result: ReadResult) -> pl.DataFrame:
    """Repair an episode chain the way a later submission would, reporting each repair."""
    nxt = _next(pl.col("DECOM"))
    marked = eps.with_columns(
        nxt.alias("__next"),
        (pl.col("DEC").is_null() & nxt.is_not_null()).alias("__open"),
        (pl.col("DEC").is_not_null() & nxt.is_not_null() & (pl.col("DEC") > nxt)).alias("__overlap"),
        (pl.col("DEC").is_not_null() & (pl.col("DEC") < pl.col("DECOM"))).alias("__backwards"),
    )
    checks: list[tuple[str, Level, str, str]] = [
        ("__open", "warning", "EPISODE_OPEN_BEFORE_NEXT",
         "episode has no end date but a later episode starts; ended when the next begins (X1)"),
        ("__overlap", "warning", "EPISODE_OVERLAP",
         "episode ends after the next episode starts; ended when the next begins"),
        ("__backwards", "error", "EPISODE_ENDS_BEFORE_START", "DEC is before DECOM; row not read"),
    ]  # fmt: skip
    for flag, level, code, message in checks:
        result.issues += _by_file(
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


def _place_reviews(
    reviews: pl.DataFrame, periods: pl.DataFrame | None, sources: dict[str, list[Source]], result: ReadResult
) -> None:
    if periods is None:
        periods = pl.DataFrame(
            schema={"__cla_id": pl.String, "CHILD": pl.String, "__entered": pl.Date, "__left": pl.Date}
        )
    matched = (
        reviews.sort("REVIEW")
        .join_asof(
            periods.sort("__entered"),
            left_on="REVIEW",
            right_on="__entered",
            by="CHILD",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            (
                pl.col("__cla_id").is_null()
                | (pl.col("__left").is_not_null() & (pl.col("REVIEW") > pl.col("__left")))
            ).alias("__outside")
        )
    )
    result.issues += _by_file(
        matched.filter("__outside"),
        "reviews",
        level="error",
        code="REVIEW_OUTSIDE_CARE",
        message="review date is not within any period of care in the episodes; row not read",
        column="REVIEW",
    )
    placed = matched.filter(~pl.col("__outside"))
    result.add_table(
        "ssd_cla_reviews",
        _dedupe(placed, ["CHILD", "REVIEW"], "reviews", result).select(
            (pl.col("CHILD") + "/" + _ymd(pl.col("REVIEW")) + "/review").alias("clar_cla_review_id"),
            pl.col("__cla_id").alias("clar_cla_id"),
            pl.col("REVIEW").alias("clar_cla_review_date"),
            pl.col("REVIEW_CODE").alias("clar_cla_review_participation"),
        ),
    )


def _place_uasc(uasc: pl.DataFrame, result: ReadResult) -> None:
    result.add_table(
        "ssd_immigration_status",
        _dedupe(uasc, ["CHILD"], "uasc", result).select(
            (pl.col("CHILD") + "/UASC").alias("immi_immigration_status_id"),
            pl.col("CHILD").alias("immi_person_id"),
            pl.lit("UASC").alias("immi_immigration_status"),
            pl.col("DUC").alias("immi_immigration_status_end_date"),
        ),
    )


def _place_oc2(oc2: pl.DataFrame, year: int | None, result: ReadResult) -> None:
    """Health checks up to date in the year, dated at its end (OC2 carries no dates)."""
    oc2 = _dedupe(oc2, ["CHILD"], "oc2", result)
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
    result.add_table("ssd_cla_health", health)
    result.add_table(
        "ssd_cla_immunisations",
        oc2.filter(pl.col("IMMUNISATIONS").is_in(["0", "1"])).select(
            pl.col("CHILD").alias("clai_person_id"),
            pl.col("IMMUNISATIONS").replace_strict({"1": "Y", "0": "N"}).alias("clai_immunisations_status"),
            pl.lit(as_at, pl.Date).alias("clai_immunisations_status_date"),
        ),
    )


def birthday_in_year(dob: pl.Expr, year: int) -> pl.Expr:
    """The young person's birthday that falls in collection year ``year`` (29 Feb -> 28 Feb)."""
    start, _ = spec.year_bounds(year)
    age_at_start = start.year - dob.dt.year() - ((dob.dt.month() * 100 + dob.dt.day()) < 401).cast(pl.Int32)
    return dob.dt.offset_by(pl.format("{}y", age_at_start + 1).cast(pl.String))


def _place_oc3(oc3: pl.DataFrame, year: int | None, result: ReadResult) -> None:
    """Care leaver status at the birthday in the year (the 903 records it as at that birthday)."""
    oc3 = _dedupe(oc3, ["CHILD"], "oc3", result)
    contact = birthday_in_year(pl.col("DOB"), year) if year is not None else pl.lit(None, pl.Date)
    result.add_table(
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


def _place_missing(missing: pl.DataFrame, result: ReadResult) -> None:
    result.add_table(
        "ssd_missing",
        # Two missing episodes may start the same day: each is kept, numbered after the first.
        missing.sort(SRC, ROW).select(
            (
                pl.col("CHILD")
                + "/"
                + _ymd(pl.col("MIS_START"))
                + "/"
                + pl.col("MISSING").fill_null("")
                + pl.int_range(pl.len())
                .over("CHILD", "MIS_START", "MISSING")
                .cast(pl.String)
                .replace("0", "")
            ).alias("miss_table_id"),
            pl.col("CHILD").alias("miss_person_id"),
            pl.col("MIS_START").alias("miss_missing_episode_start_date"),
            pl.col("MISSING").alias("miss_missing_episode_type"),
            pl.col("MIS_END").alias("miss_missing_episode_end_date"),
        ),
    )


def _place_previous_permanence(prev: pl.DataFrame, result: ReadResult) -> None:
    result.add_table(
        "ssd_cla_previous_permanence",
        _dedupe(prev, ["CHILD"], "previous_permanence", result).select(
            (pl.col("CHILD") + "/previous_permanence").alias("lapp_table_id"),
            pl.col("CHILD").alias("lapp_person_id"),
            # Kept as written: the 903 allows part-known dates such as zz/zz/2015.
            pl.col("DATE_PERM").alias("lapp_previous_permanence_order_date"),
            pl.col("PREV_PERM").alias("lapp_previous_permanence_option"),
            pl.col("LA_PERM").alias("lapp_previous_permanence_la"),
        ),
    )


def _place_sw_episodes(sw: pl.DataFrame, result: ReadResult) -> None:
    result.add_table(
        "ssd_involvements",
        _dedupe(sw, ["CHILD", "SW_DECOM"], "sw_episodes", result).select(
            (pl.col("CHILD") + "/" + _ymd(pl.col("SW_DECOM")) + "/sw").alias("invo_involvements_id"),
            pl.col("CHILD").alias("invo_person_id"),
            pl.col("SW_ID").alias("invo_professional_id"),
            pl.lit("SW").alias("invo_professional_role_id"),
            pl.col("SW_DECOM").alias("invo_involvement_start_date"),
            pl.col("SW_DEC").alias("invo_involvement_end_date"),
            pl.col("SW_REASON").alias("invo_worker_change_reason"),
        ),
    )


def _place_adoption(ad1: pl.DataFrame, placed: pl.DataFrame, result: ReadResult) -> None:
    """One permanence row per child and decision to place for adoption, from AD1 and SBPFA."""
    parts: list[pl.DataFrame] = []
    if ad1.height:
        parts.append(
            _dedupe(ad1, ["CHILD"], "ad1", result).select(
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
            _dedupe(placed, ["CHILD", "DATE_PLACED"], "placed_for_adoption", result).select(
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
    result.add_table(
        "ssd_permanence",
        merged.with_columns(
            (pl.col("CHILD") + "/" + _ymd(pl.col("perm_adm_decision_date")) + "/adoption").alias(
                "perm_table_id"
            )
        ).rename({"CHILD": "perm_person_id"}),
    )

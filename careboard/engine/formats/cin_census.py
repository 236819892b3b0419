"""The DfE children in need census: the XML return, read into and written from the canonical model.

Collection years 2024/25 onward (earlier files are read with a warning: ``GenderCurrent`` becomes
``Sex``), including the ``PreProceedingsandFGDM`` block that 2026/27 adds inside ``CINdetails``.
A collection year is named by the year it ends in: ``year=2025`` is 2024/25, whose reference
date is 31 March 2025 and whose DfE ruleset is ``cin2024_25``.

Reading is safe (:func:`careboard.engine.formats.common.parse_xml`: no DTD, no entity expansion,
no network, bounded size and depth). Identifiers the census does not carry are made from what it
does: a CIN episode is ``<LAchildID>/<referral date>``, and the items inside it are named from
their episode and start date, so two years' returns of the same child merge.

Writing follows the census cohort: every CIN episode open at any time in the year, with the
assessments, plans, section 47 enquiries, protection plans, reviews (and from 2026/27
pre-proceedings) that touch the year; what happens after 31 March is left out.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import polars as pl
from lxml import etree

from careboard.engine.formats import ssda903_spec
from careboard.engine.formats.common import ROW, ReadResult, Where, parse_xml, paths_in
from careboard.engine.formats.identifiers import UPN_TYPE, la_number_for_return, upns_at
from careboard.engine.formats.ssda903_read import issues_capped, parse_dates
from careboard.engine.issues import Issue, Level
from careboard.engine.schema import table
from careboard.engine.store import Dataset

FIRST_YEAR = 2025  # 2024/25
PRE_PROCEEDINGS_FROM = 2027  # 2026/27
SOFTWARE = "careboard"
NO_ICPC = "ICPC_NOT_REQUIRED"  # s47e_s47_outcome_json outcome read from ICPCnotRequired = 1

CODES: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "Sex": "M F U",
        "UPNunknown": "UN1 UN2 UN3 UN4 UN5 UN6 UN7",
        "Ethnicity": "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE "
        "OOTH REFU NOBT",
        "Disability": "NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA",
        "ReferralSource": "1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10",
        "PrimaryNeedCode": "N1 N2 N3 N4 N5 N6 N7 N8 N9 N0",
        "ReasonForClosure": "RC1 RC2 RC3 RC4 RC5 RC6 RC7 RC8 RC9",
        "InitialCategoryOfAbuse": "NEG PHY SAB EMO MUL",
        "LatestCategoryOfAbuse": "NEG PHY SAB EMO MUL",
    }.items()
}
_FLAG = {"1": "Y", "0": "N", "TRUE": "Y", "FALSE": "N"}
_GENDER = {"1": "M", "2": "F", "0": "U", "9": "U"}

# What each record kind holds: (column in the file, date?)
FIELDS: dict[str, tuple[str, ...]] = {
    "child": (
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
        "Ethnicity",
    ),
    "disability": ("LAchildID", "Disability"),
    "cin": (
        "LAchildID",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
    ),
    "assessment": (
        "LAchildID",
        "CINreferralDate",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "AssessmentFactors",
    ),
    "plan": ("LAchildID", "CINreferralDate", "CINPlanStartDate", "CINPlanEndDate"),
    "s47": (
        "LAchildID",
        "CINreferralDate",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "DateOfInitialCPC",
        "ICPCnotRequired",
    ),
    "cpp": (
        "LAchildID",
        "CINreferralDate",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
    ),
    "review": ("LAchildID", "CINreferralDate", "CPPstartDate", "CPPreviewDate"),
    "pre_proceedings": (
        "LAchildID",
        "CINreferralDate",
        "PPStartDate",
        "LBPSentDate",
        "FGDMMeetingOffer",
        "FGDMMeetingFac",
        "InitialPPMeetingDate",
        "ReviewMeetingsCount",
        "StepDecisionDate",
        "PPOutcome",
        "CourtAppDate",
        "LetterInitCPDate",
    ),
}
DATES = frozenset(
    c
    for cols in FIELDS.values()
    for c in cols
    if c.endswith(("Date", "DATE"))
    or c in ("InitialCPCtarget", "DateOfInitialCPC", "CPPstartDate", "CPPendDate")
)
REQUIRED = {
    "child": ("LAchildID",),
    "cin": ("CINreferralDate",),
    "assessment": ("AssessmentActualStartDate",),
    "plan": ("CINPlanStartDate",),
    "s47": ("S47ActualStartDate",),
    "cpp": ("CPPstartDate",),
    "review": ("CPPreviewDate",),
    "pre_proceedings": ("PPStartDate",),
}
NOT_KEPT = {
    "AssessmentInternalReviewDate": "assessment internal review dates",
    "FGDMMeetingOffer": "family group decision meeting offers",
    "FGDMMeetingFac": "family group decision meetings held",
}


# --------------------------------------------------------------------------------------------
# Reading


def read(paths: Sequence[Path]) -> ReadResult:
    """Read CIN census XML files; never raises on bad data."""
    result = ReadResult()
    records: dict[str, list[pl.DataFrame]] = {k: [] for k in FIELDS}
    for index, path in enumerate(paths_in([Path(p) for p in paths])):
        for kind, frame in _read_file(path, index, result).items():
            records[kind].append(frame)
    frames = {k: pl.concat(v, how="vertical") if v else _empty(k) for k, v in records.items()}
    _place(frames, result)
    return result


def _empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(
        schema={ROW: pl.Int64, "__src": pl.Int64, "__file": pl.String, **{c: pl.String for c in FIELDS[kind]}}
    )


def _text(el: etree._Element | None, name: str) -> str | None:
    if el is None:
        return None
    found = el.find(f"{{*}}{name}")
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None


def _read_file(path: Path, index: int, result: ReadResult) -> dict[str, pl.DataFrame]:
    # Listing the elements makes a million small objects on a national file; the cyclic
    # collector would rescan them again and again, and none of them form cycles.
    gc.disable()
    try:
        return _read_file_objects(path, index, result)
    finally:
        gc.enable()


def _read_file_objects(path: Path, index: int, result: ReadResult) -> dict[str, pl.DataFrame]:
    where = Where(path.name)
    root, issues = parse_xml(path, where=where)
    result.issues += issues
    result.rows_read.setdefault(path.name, 0)
    if root is None:
        return {}
    if etree.QName(root).localname != "Message" or root.find("{*}Children") is None:
        result.issues.append(
            where.issue("error", "FILE_UNRECOGNISED", "not a CIN census file (no Message/Children)")
        )
        return {}
    _check_header(root, where, result)
    frames: dict[str, pl.DataFrame] = {}
    for kind, frame in _records(root).items():
        frames[kind] = frame.with_columns(
            pl.lit(index, pl.Int64).alias("__src"), pl.lit(path.name).alias("__file")
        )
        result.rows_read[f"{path.name}:{kind}"] = frame.height
    return frames


def _check_header(root: etree._Element, where: Where, result: ReadResult) -> None:
    where = Where(where.file, "Header")
    details = root.find("{*}Header/{*}CollectionDetails")
    year_text, ref_text = _text(details, "Year"), _text(details, "ReferenceDate")
    year = int(year_text) if year_text and year_text.isdigit() else None
    ref_year = int(ref_text[:4]) if ref_text and ref_text[:4].isdigit() else None
    if year is not None and ref_year is not None and year != ref_year:
        result.issues.append(
            where.issue(
                "warning",
                "HEADER_YEAR_MISMATCH",
                f"the header's Year ({year}) is not the year of its ReferenceDate ({ref_text})",
                value=year_text,
            )
        )
    seen = year if year is not None else ref_year
    if seen is not None and seen < FIRST_YEAR:
        result.issues.append(
            where.issue(
                "warning",
                "FORMAT_YEAR_OLD",
                f"the census is for {seen - 1}/{seen % 100:02d}; careboard reads 2024/25 onward, so "
                "codes that have changed since are reported",
                value=year_text,
            )
        )


# Flattening. One pass over the tree lists every element (parent, name, text, line) in plain
# lists; the records are then picked out and assembled by Polars. A record's values are the
# text of the last leaf element of each name directly inside it (namespaces ignored). The records
# inside an episode take LAchildID and CINreferralDate from their child and episode.

_NESTED = {
    "assessment": "Assessments",
    "plan": "CINPlanDates",
    "s47": "Section47",
    "cpp": "ChildProtectionPlans",
    "pre_proceedings": "PreProceedingsandFGDM",
}
_LINK = ("LAchildID", "CINreferralDate")


def _elements(root: etree._Element) -> pl.DataFrame:
    """Every element in document order: ``id`` (its position), ``parent`` (the parent's ``id``),
    local ``name``, ``text`` (before any child) and ``ROW`` (its line)."""
    # One pass each over a list of the elements; a parent is matched to its position by the
    # identity of its (kept alive) proxy object, in Polars rather than a dictionary.
    elements = list(root.iter(etree.Element))
    frame = pl.DataFrame(
        {
            "__self": pl.Series([id(el) for el in elements], dtype=pl.UInt64),
            "__parent": pl.Series([id(el.getparent()) for el in elements], dtype=pl.UInt64),
            "name": pl.Series([el.tag for el in elements], dtype=pl.String),
            "text": pl.Series([el.text for el in elements], dtype=pl.String),
            ROW: pl.Series([el.sourceline for el in elements], dtype=pl.Int64),
        }
    ).with_row_index("id")
    positions = frame.select(pl.col("__self").alias("__parent"), pl.col("id").alias("parent"))
    return frame.join(positions, on="__parent", how="left", maintain_order="left").select(
        pl.col("id").cast(pl.Int64),
        pl.col("parent").cast(pl.Int64).fill_null(-1),
        pl.col("name").str.replace(r"^\{[^}]*\}", "").cast(pl.Categorical),
        "text",
        ROW,
    )


def _under(elements: pl.DataFrame, parents: pl.DataFrame, name: str, *, first: bool = False) -> pl.DataFrame:
    """Elements called ``name`` inside one of ``parents`` (matched on its ``id``): their ``id``,
    ``text`` and ``ROW``, and the parent's other columns. ``first``: only each parent's first."""
    found = (
        elements.filter(pl.col("name") == name)
        .select("id", "parent", "text", ROW)
        .join(parents.rename({"id": "parent"}), on="parent", how="inner")
    )
    if first:
        found = found.filter(pl.col("id") == pl.col("id").min().over("parent"))
    return found.drop("parent")


def _with_values(records: pl.DataFrame, leaves: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """``records`` with a text column per name in ``fields``: the text of the last of the
    ``leaves`` (in their order) of that name whose ``rec`` is the record's ``id``."""
    mine = leaves.join(records.select(pl.col("id").alias("rec")), on="rec", how="semi").filter(
        pl.col("name").is_in(list(fields))
    )
    wide = mine.pivot(on="name", index="rec", values="text", aggregate_function="last").rename({"rec": "id"})
    missing = [pl.lit(None, pl.String).alias(f) for f in fields if f not in wide.columns]
    return records.join(wide, on="id", how="left", maintain_order="left").with_columns(missing)


def _records(root: etree._Element) -> dict[str, pl.DataFrame]:
    """Every record of a parsed census, as a frame of text per kind (only kinds that occur), each
    in document order."""
    e = _elements(root)
    leaves = e.filter(~pl.col("id").is_in(e["parent"].implode())).select(
        pl.col("parent").alias("rec"), "name", "text", pl.col("id").alias("order")
    )
    holders = _under(e, e.head(1).select("id"), "Children").select("id")
    child = _under(e, holders, "Child").drop("text")
    # A child's values: the leaves of its first ChildIdentifiers, then of its first
    # ChildCharacteristics (a name in both takes the characteristics' value).
    owners = child.select("id", pl.col("id").alias("child"))
    ident = _under(e, owners, "ChildIdentifiers", first=True)
    chars = _under(e, owners, "ChildCharacteristics", first=True)
    own_leaves = pl.concat(
        [
            leaves.join(part.select(pl.col("id").alias("rec"), "child"), on="rec").select(
                pl.col("child").alias("rec"), "name", "text", pl.col("order") + offset
            )
            for part, offset in ((ident, 0), (chars, e.height))
        ]
    )
    child = _with_values(child, own_leaves, FIELDS["child"])
    ids = child.select("id", "LAchildID")
    out: dict[str, pl.DataFrame] = {"child": child}
    lists = _under(e, chars.select("id", "child"), "Disabilities").select("id", "child")
    out["disability"] = (
        _under(e, lists, "Disability")
        .join(ids.rename({"id": "child"}), on="child")
        .rename({"text": "Disability"})
    )
    cin = _under(e, ids, "CINdetails").drop("text")
    cin = _with_values(cin, leaves, [f for f in FIELDS["cin"] if f != "LAchildID"])
    out["cin"] = cin
    episodes = cin.select("id", *_LINK)
    for kind, name in _NESTED.items():
        found = _under(e, episodes, name).drop("text")
        out[kind] = _with_values(found, leaves, [f for f in FIELDS[kind] if f not in _LINK])
    assessments = out["assessment"].select("id", pl.col("id").alias("assessment"))
    lists = _under(e, assessments, "FactorsIdentifiedAtAssessment").select("id", "assessment")
    factors = (
        _under(e, lists, "AssessmentFactors")
        .with_columns(pl.col("text").str.strip_chars())
        .filter(pl.col("text") != "")
        .sort("id")
        .group_by("assessment", maintain_order=True)
        .agg(pl.col("text").str.join(",").alias("AssessmentFactors"))
    )
    out["assessment"] = (
        out["assessment"]
        .drop("AssessmentFactors")
        .join(factors.rename({"assessment": "id"}), on="id", how="left", maintain_order="left")
    )
    plans = out["cpp"].select("id", *_LINK, "CPPstartDate")
    lists = _under(e, plans, "Reviews").drop("text", ROW)
    out["review"] = _under(e, lists, "CPPreviewDate").rename({"text": "CPPreviewDate"})
    return {kind: frame.sort("id").select(ROW, *FIELDS[kind]) for kind, frame in out.items() if frame.height}


def _checked(kind: str, frame: pl.DataFrame, result: ReadResult) -> pl.DataFrame:
    """Trimmed text, checked codes and dates, required values; rows with an error removed.

    All checks are masks counted in one pass; only those that hold somewhere become issues,
    located in their own file.
    """
    cols = FIELDS[kind]
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in cols)
    dates = [c for c in cols if c in DATES]
    frame = parse_dates(frame, dates, "%Y-%m-%d")
    checks: list[tuple[pl.Expr, Level, str, str, str]] = []
    for col in cols:
        if col in CODES and not (kind != "child" and col == "Sex"):
            allowed = pl.Series(sorted(CODES[col]), dtype=pl.String).implode()
            unknown = pl.col(col).is_not_null() & ~pl.col(col).str.to_uppercase().is_in(allowed)
            checks.append(
                (
                    unknown,
                    "warning",
                    "CODE_UNKNOWN",
                    f"{col} is not a code the CIN census uses; kept as written",
                    col,
                )
            )
    refused: list[pl.Expr] = []
    for col in dates:
        present, value, shaped = pl.col(col).is_not_null(), pl.col(f"__d_{col}"), pl.col(f"__s_{col}")
        checks.append(
            (
                present & shaped & value.is_null(),
                "error",
                "DATE_IMPOSSIBLE",
                f"{col} is not a real date; row not read",
                col,
            )
        )
        checks.append(
            (
                present & ~shaped,
                "error",
                "DATE_UNRECOGNISED",
                f"{col} is not a date in a recognised format; row not read",
                col,
            )
        )
        refused.append(present & value.is_null())
    for col in REQUIRED.get(kind, ()):
        checks.append(
            (pl.col(col).is_null(), "error", "VALUE_MISSING", f"{col} is required; row not read", col)
        )
        refused.append(pl.col(col).is_null())
    not_kept = [c for c in cols if c in NOT_KEPT]
    frame = frame.with_columns(*[m.alias(f"__m{i}") for i, (m, *_) in enumerate(checks)])
    counts = (
        frame.select(*[pl.col(f"__m{i}").sum() for i in range(len(checks))]).row(0, named=True)
        if checks
        else {}
    )
    issues: list[Issue] = []
    for i, (_, level, code, message, column) in enumerate(checks):
        if counts[f"__m{i}"]:
            for file, group in frame.filter(pl.col(f"__m{i}")).group_by("__file", maintain_order=True):
                where = Where(str(file[0]), kind)
                hits = issues_capped(
                    group, pl.lit(True), where=where, level=level, code=code, message=message, column=column
                )
                issues += hits
    if not_kept:
        kept = frame.group_by("__file", maintain_order=True).agg(
            pl.col(c).is_not_null().sum() for c in not_kept
        )
        for row in kept.iter_rows(named=True):
            for col in not_kept:
                if row[col]:
                    what, n = NOT_KEPT[col], row[col]
                    message = f"the canonical model has no place for {what}: {n} values of {col} not kept"
                    issues.append(
                        Where(row["__file"], kind).issue("warning", "VALUE_NOT_KEPT", message, column=col)
                    )
    result.issues += issues
    bad = pl.any_horizontal(refused or [pl.lit(False)])
    return (
        frame.filter(~bad)
        .with_columns(pl.col(f"__d_{c}").alias(c) for c in dates)
        .drop(
            [f"__d_{c}" for c in dates]
            + [f"__s_{c}" for c in dates]
            + [f"__m{i}" for i in range(len(checks))]
        )
    )


def _latest(frame: pl.DataFrame, key: list[str], kind: str, result: ReadResult) -> pl.DataFrame:
    """One row per key: a later file replaces an earlier one; within a file a second row with the
    same key is an error (not read)."""
    ranked = frame.sort([*key, "__src", ROW]).with_columns(
        (~pl.struct([*key, "__src"]).is_first_distinct()).alias("__again"),
        (pl.col("__src") < pl.col("__src").max().over(key)).alias("__replaced"),
    )
    for file, group in ranked.filter("__again").group_by("__file", maintain_order=True):
        result.issues += issues_capped(
            group,
            pl.lit(True),
            where=Where(str(file[0]), kind),
            level="error",
            code="DUPLICATE_ID",
            message=f"another {kind} row has the same {', '.join(key)}; row not read",
            column=key[-1],
        )
    return ranked.filter(~pl.col("__again") & ~pl.col("__replaced")).drop("__again", "__replaced")


def _ymd(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%d")


def _flag(col: str) -> pl.Expr:
    return pl.col(col).str.to_uppercase().replace_strict(_FLAG, default=None)


def _place(frames: dict[str, pl.DataFrame], result: ReadResult) -> None:
    child = _latest(_checked("child", frames["child"], result), ["LAchildID"], "child", result)
    sex = pl.coalesce(
        pl.col("Sex").str.to_uppercase(), pl.col("GenderCurrent").replace_strict(_GENDER, default=None)
    )
    result.add_table(
        "ssd_person",
        child.select(
            pl.col("LAchildID").alias("pers_person_id"),
            sex.alias("pers_sex"),
            pl.col("Ethnicity").str.to_uppercase().alias("pers_ethnicity"),
            pl.col("PersonBirthDate").alias("pers_dob"),
            pl.col("UPNunknown").alias("pers_upn_unknown"),
            pl.col("ExpectedPersonBirthDate").alias("pers_expected_dob"),
            pl.col("PersonDeathDate").alias("pers_death_date"),
        ),
    )
    # A child's UPN and former UPN are linked identifiers (ids as the SSDA903 reader makes them;
    # "FormerUPN" sorts before "UPN", so the UPN is the one a writer takes as current).
    upns = pl.concat(
        [
            child.select("LAchildID", pl.lit(c).alias("__k"), pl.col(c).alias("__v"))
            for c in ("FormerUPN", "UPN")
        ]
    ).filter(pl.col("__v").is_not_null())
    result.add_table(
        "ssd_linked_identifiers",
        upns.select(
            pl.concat_str(pl.col("LAchildID"), pl.lit("/"), pl.col("__k"), pl.lit("/"), pl.col("__v")).alias(
                "link_table_id"
            ),
            pl.col("LAchildID").alias("link_person_id"),
            pl.lit(UPN_TYPE).alias("link_identifier_type"),
            pl.col("__v").alias("link_identifier_value"),
        ),
    )
    disability = _checked("disability", frames["disability"], result).filter(
        pl.col("Disability").is_not_null() & (pl.col("Disability").str.to_uppercase() != "NONE")
    )
    result.add_table(
        "ssd_disability",
        disability.unique(["LAchildID", "Disability"], keep="last").select(
            (pl.col("LAchildID") + "/" + pl.col("Disability")).alias("disa_table_id"),
            pl.col("LAchildID").alias("disa_person_id"),
            pl.col("Disability").str.to_uppercase().alias("disa_disability_code"),
        ),
    )
    cin = _latest(_checked("cin", frames["cin"], result), ["LAchildID", "CINreferralDate"], "cin", result)
    ref = pl.col("LAchildID") + "/" + _ymd("CINreferralDate")
    result.add_table(
        "ssd_cin_episodes",
        cin.select(
            ref.alias("cine_referral_id"),
            pl.col("LAchildID").alias("cine_person_id"),
            pl.col("CINreferralDate").alias("cine_referral_date"),
            pl.col("PrimaryNeedCode").alias("cine_cin_primary_need_code"),
            pl.col("ReferralSource").alias("cine_referral_source_code"),
            _flag("ReferralNFA").alias("cine_referral_nfa"),
            pl.col("ReasonForClosure").alias("cine_close_reason"),
            pl.col("CINclosureDate").alias("cine_close_date"),
        ),
    )
    _place_nested(frames, cin, result)


def _check_previous_plans(cpp: pl.DataFrame, result: ReadResult) -> None:
    """NumberOfPreviousCPP is not kept: it is counted from the plans held when the census is
    written. Say so where the files read hold fewer earlier plans than the count."""
    earlier = pl.int_range(pl.len()).over("LAchildID", order_by="CPPstartDate")
    short = cpp.with_columns(earlier.alias("__held")).filter(
        pl.col("NumberOfPreviousCPP").cast(pl.Int64, strict=False) > pl.col("__held")
    )
    for file, group in short.group_by("__file", maintain_order=True):
        result.issues.append(
            Where(str(file[0]), "cpp").issue(
                "warning",
                "HISTORY_MISSING",
                f"{group.height} child protection plans count more previous plans than the files read hold; "
                "NumberOfPreviousCPP is recounted from the plans held when the census is written",
                column="NumberOfPreviousCPP",
            )
        )


def _place_nested(frames: dict[str, pl.DataFrame], cin: pl.DataFrame, result: ReadResult) -> None:
    ref = pl.col("LAchildID") + "/" + _ymd("CINreferralDate")
    a = _latest(
        _checked("assessment", frames["assessment"], result),
        ["LAchildID", "CINreferralDate", "AssessmentActualStartDate"],
        "assessment",
        result,
    )
    factors = (
        pl.col("AssessmentFactors")
        .str.split(",")
        .list.eval(pl.lit('"') + pl.element() + pl.lit('"'))
        .list.join(", ")
    )
    result.add_table(
        "ssd_cin_assessments",
        a.select(
            (ref + "/" + _ymd("AssessmentActualStartDate") + "/assessment").alias("cina_assessment_id"),
            pl.col("LAchildID").alias("cina_person_id"),
            ref.alias("cina_referral_id"),
            pl.col("AssessmentActualStartDate").alias("cina_assessment_start_date"),
            pl.col("AssessmentAuthorisationDate").alias("cina_assessment_auth_date"),
            pl.when(pl.col("AssessmentFactors").is_not_null())
            .then(pl.lit('{"factors": [') + factors + pl.lit("]}"))
            .alias("cina_assessment_outcome_json"),
        ),
    )
    plans = _latest(
        _checked("plan", frames["plan"], result),
        ["LAchildID", "CINreferralDate", "CINPlanStartDate"],
        "plan",
        result,
    )
    result.add_table(
        "ssd_cin_plans",
        plans.select(
            (ref + "/" + _ymd("CINPlanStartDate") + "/cinplan").alias("cinp_cin_plan_id"),
            ref.alias("cinp_referral_id"),
            pl.col("LAchildID").alias("cinp_person_id"),
            pl.col("CINPlanStartDate").alias("cinp_cin_plan_start_date"),
            pl.col("CINPlanEndDate").alias("cinp_cin_plan_end_date"),
        ),
    )
    s47 = _latest(
        _checked("s47", frames["s47"], result),
        ["LAchildID", "CINreferralDate", "S47ActualStartDate"],
        "s47",
        result,
    )
    s47_id = ref + "/" + _ymd("S47ActualStartDate") + "/s47"
    result.add_table(
        "ssd_s47_enquiry",
        s47.select(
            s47_id.alias("s47e_s47_enquiry_id"),
            ref.alias("s47e_referral_id"),
            pl.col("LAchildID").alias("s47e_person_id"),
            pl.col("S47ActualStartDate").alias("s47e_s47_start_date"),
            pl.when(_flag("ICPCnotRequired") == "Y")
            .then(pl.lit(json.dumps({"outcome": NO_ICPC})))
            .alias("s47e_s47_outcome_json"),
        ),
    )
    icpc_from_s47 = s47.filter(
        pl.col("DateOfInitialCPC").is_not_null() | pl.col("InitialCPCtarget").is_not_null()
    )
    # An episode's own ICPC date that no section 47 in it led to (a transfer in, say) is a
    # conference of its own.
    own = cin.filter(pl.col("DateOfInitialCPC").is_not_null()).join(
        s47.select("LAchildID", "CINreferralDate", "DateOfInitialCPC"),
        on=["LAchildID", "CINreferralDate", "DateOfInitialCPC"],
        how="anti",
    )
    icpc = pl.concat(
        [
            icpc_from_s47.select(
                (s47_id + "/icpc").alias("icpc_icpc_id"),
                s47_id.alias("icpc_s47_enquiry_id"),
                pl.col("LAchildID").alias("icpc_person_id"),
                ref.alias("icpc_referral_id"),
                pl.col("InitialCPCtarget").alias("icpc_icpc_target_date"),
                pl.col("DateOfInitialCPC").alias("icpc_icpc_date"),
            ),
            own.select(
                (ref + "/" + _ymd("DateOfInitialCPC") + "/icpc").alias("icpc_icpc_id"),
                pl.lit(None, pl.String).alias("icpc_s47_enquiry_id"),
                pl.col("LAchildID").alias("icpc_person_id"),
                ref.alias("icpc_referral_id"),
                pl.lit(None, pl.Date).alias("icpc_icpc_target_date"),
                pl.col("DateOfInitialCPC").alias("icpc_icpc_date"),
            ),
        ]
    )
    result.add_table("ssd_initial_cp_conference", icpc)
    cpp = _latest(
        _checked("cpp", frames["cpp"], result),
        ["LAchildID", "CINreferralDate", "CPPstartDate"],
        "cpp",
        result,
    )
    plan_id = ref + "/" + _ymd("CPPstartDate") + "/cpp"
    result.add_table(
        "ssd_cp_plans",
        cpp.select(
            plan_id.alias("cppl_cp_plan_id"),
            ref.alias("cppl_referral_id"),
            pl.col("LAchildID").alias("cppl_person_id"),
            pl.col("CPPstartDate").alias("cppl_cp_plan_start_date"),
            pl.col("CPPendDate").alias("cppl_cp_plan_end_date"),
            pl.col("InitialCategoryOfAbuse").alias("cppl_cp_plan_initial_category"),
            pl.col("LatestCategoryOfAbuse").alias("cppl_cp_plan_latest_category"),
        ),
    )
    _check_previous_plans(cpp, result)
    reviews = _checked("review", frames["review"], result).filter(pl.col("CPPstartDate").is_not_null())
    reviews = reviews.sort("__src").unique(
        ["LAchildID", "CINreferralDate", "CPPstartDate", "CPPreviewDate"], keep="last"
    )
    result.add_table(
        "ssd_cp_reviews",
        reviews.select(
            (plan_id + "/" + _ymd("CPPreviewDate") + "/review").alias("cppr_cp_review_id"),
            pl.col("LAchildID").alias("cppr_person_id"),
            plan_id.alias("cppr_cp_plan_id"),
            pl.col("CPPreviewDate").alias("cppr_cp_review_date"),
        ),
    )
    pp = _latest(
        _checked("pre_proceedings", frames["pre_proceedings"], result),
        ["LAchildID", "CINreferralDate", "PPStartDate"],
        "pre_proceedings",
        result,
    )
    count = pl.col("ReviewMeetingsCount").cast(pl.Int64, strict=False)
    for file, group in pp.filter(pl.col("ReviewMeetingsCount").is_not_null() & count.is_null()).group_by(
        "__file"
    ):
        result.issues += issues_capped(
            group,
            pl.lit(True),
            where=Where(str(file[0]), "pre_proceedings"),
            level="warning",
            code="NUMBER_INVALID",
            message="ReviewMeetingsCount is not a whole number; left blank",
            column="ReviewMeetingsCount",
        )
    result.add_table(
        "ssd_pre_proceedings",
        pp.select(
            (ref + "/" + _ymd("PPStartDate") + "/pre_proceedings").alias("prep_table_id"),
            pl.col("LAchildID").alias("prep_person_id"),
            pl.col("PPStartDate").alias("prep_pre_pro_decision_date"),
            pl.col("LBPSentDate").alias("prep_pre_pro_letter_date"),
            pl.col("InitialPPMeetingDate").alias("prep_initial_pre_pro_meeting_date"),
            count.alias("prep_pre_pro_meetings_num"),
            pl.col("StepDecisionDate").alias("prep_agree_stepdown_issue_date"),
            pl.col("PPOutcome").alias("prep_pre_pro_outcome"),
            pl.col("CourtAppDate").alias("prep_care_proc_issue_date"),
            pl.col("LetterInitCPDate").alias("prep_care_pro_letter_date"),
        ),
    )


# --------------------------------------------------------------------------------------------
# Writing

Data = Mapping[str, pl.DataFrame]


def _get(data: Data, name: str) -> pl.DataFrame:
    return data[name] if name in data else table(name).empty()


def _known(d: pl.Expr, end: date) -> pl.Expr:
    return pl.when(d <= end).then(d)


def _open_in(start_col: str, end_col: str | None, start: date, end: date) -> pl.Expr:
    began = pl.col(start_col) <= end
    if end_col is None:
        return began & (pl.col(start_col) >= start)
    return began & (pl.col(end_col).is_null() | (pl.col(end_col) >= start))


def tables_for_year(data: Data, year: int) -> dict[str, pl.DataFrame]:
    """The census records for collection ``year`` as frames, keyed as in :data:`FIELDS`."""
    if year < FIRST_YEAR:
        raise ValueError(f"the CIN census is written for 2024/25 (year=2025) onward, not year={year}")
    start, end = ssda903_spec.year_bounds(year)
    cin = _get(data, "ssd_cin_episodes").filter(_open_in("cine_referral_date", "cine_close_date", start, end))
    ep = cin.select(
        pl.col("cine_referral_id"),
        pl.col("cine_person_id").alias("LAchildID"),
        pl.col("cine_referral_date").alias("CINreferralDate"),
    )
    ids = ep.select("LAchildID").unique()
    person = (
        _get(data, "ssd_person")
        .join(ids, left_on="pers_person_id", right_on="LAchildID", how="semi")
        .join(upns_at(data, end), left_on="pers_person_id", right_on="person_id", how="left")
    )
    # The UPN known at 31 March (and the one it replaced); the unknown-UPN reason only without one.
    child = person.select(
        pl.col("pers_person_id").alias("LAchildID"),
        pl.col("UPN"),
        pl.col("FormerUPN"),
        pl.when(pl.col("UPN").is_null()).then(pl.col("pers_upn_unknown")).alias("UPNunknown"),
        _known(pl.col("pers_dob"), end).alias("PersonBirthDate"),
        pl.when(pl.col("pers_dob").is_null() | (pl.col("pers_dob") > end))
        .then(pl.col("pers_expected_dob"))
        .alias("ExpectedPersonBirthDate"),
        pl.lit(None, pl.String).alias("GenderCurrent"),
        pl.col("pers_sex").alias("Sex"),
        _known(pl.col("pers_death_date"), end).alias("PersonDeathDate"),
        pl.col("pers_ethnicity").alias("Ethnicity"),
    )
    disability = (
        _get(data, "ssd_disability")
        .join(ids, left_on="disa_person_id", right_on="LAchildID", how="semi")
        .select(
            pl.col("disa_person_id").alias("LAchildID"), pl.col("disa_disability_code").alias("Disability")
        )
        .unique()
    )
    disability = pl.concat(
        [
            disability,
            ids.join(disability, on="LAchildID", how="anti").with_columns(pl.lit("NONE").alias("Disability")),
        ]
    ).sort("LAchildID", "Disability")
    out = {
        "child": child.sort("LAchildID"),
        "disability": disability,
        **_episodes_for_year(data, cin, ep, start, end),
    }
    if year < PRE_PROCEEDINGS_FROM:
        out["pre_proceedings"] = out["pre_proceedings"].clear()
    return out


def _episodes_for_year(
    data: Data, cin: pl.DataFrame, ep: pl.DataFrame, start: date, end: date
) -> dict[str, pl.DataFrame]:
    icpc = _get(data, "ssd_initial_cp_conference").filter(pl.col("icpc_icpc_date") <= end)
    # An ICPC is recorded once: under the section 47 that led to it, or, when none did (a transfer
    # in), on the episode itself (rule 2884).
    episode_icpc = (
        icpc.filter((pl.col("icpc_icpc_date") >= start) & pl.col("icpc_s47_enquiry_id").is_null())
        .group_by("icpc_referral_id")
        .agg(pl.col("icpc_icpc_date").min().alias("DateOfInitialCPC"))
    )
    closed = _known(pl.col("cine_close_date"), end)
    cin_rows = cin.join(
        episode_icpc, left_on="cine_referral_id", right_on="icpc_referral_id", how="left"
    ).select(
        pl.col("cine_referral_id"),
        pl.col("cine_person_id").alias("LAchildID"),
        pl.col("cine_referral_date").alias("CINreferralDate"),
        pl.col("cine_referral_source_code").alias("ReferralSource"),
        pl.col("cine_cin_primary_need_code").alias("PrimaryNeedCode"),
        closed.alias("CINclosureDate"),
        pl.when(closed.is_not_null()).then(pl.col("cine_close_reason")).alias("ReasonForClosure"),
        pl.col("DateOfInitialCPC"),
        pl.col("cine_referral_nfa").replace_strict({"Y": "1", "N": "0"}, default="0").alias("ReferralNFA"),
    )

    def within(df: pl.DataFrame, ref_col: str) -> pl.DataFrame:
        return df.join(ep, left_on=ref_col, right_on="cine_referral_id")

    assessments = within(
        _get(data, "ssd_cin_assessments").filter(
            _open_in("cina_assessment_start_date", "cina_assessment_auth_date", start, end)
        ),
        "cina_referral_id",
    ).select(
        "cina_referral_id",
        "LAchildID",
        "CINreferralDate",
        pl.col("cina_assessment_start_date").alias("AssessmentActualStartDate"),
        pl.lit(None, pl.Date).alias("AssessmentInternalReviewDate"),
        _known(pl.col("cina_assessment_auth_date"), end).alias("AssessmentAuthorisationDate"),
        # Factors are recorded when the assessment is completed, so only for one completed in the year.
        pl.when(pl.col("cina_assessment_auth_date") <= end)
        .then(
            pl.col("cina_assessment_outcome_json")
            .str.json_path_match("$.factors")
            .str.extract_all(r"[0-9]+[A-Z]?")
            .list.join(",")
        )
        .replace("", None)
        .alias("AssessmentFactors"),
    )
    plans = within(
        _get(data, "ssd_cin_plans").filter(
            _open_in("cinp_cin_plan_start_date", "cinp_cin_plan_end_date", start, end)
        ),
        "cinp_referral_id",
    ).select(
        "LAchildID",
        "CINreferralDate",
        pl.col("cinp_cin_plan_start_date").alias("CINPlanStartDate"),
        _known(pl.col("cinp_cin_plan_end_date"), end).alias("CINPlanEndDate"),
    )
    s47 = (
        within(_get(data, "ssd_s47_enquiry"), "s47e_referral_id")
        .join(
            icpc.select("icpc_s47_enquiry_id", "icpc_icpc_target_date", "icpc_icpc_date"),
            left_on="s47e_s47_enquiry_id",
            right_on="icpc_s47_enquiry_id",
            how="left",
        )
        # The census holds enquiries started in the year, and earlier ones whose ICPC is in it (8740).
        .filter(
            pl.col("s47e_s47_start_date").is_between(start, end)
            | pl.col("icpc_icpc_date").is_between(start, end)
        )
        .select(
            "LAchildID",
            "CINreferralDate",
            pl.col("s47e_s47_start_date").alias("S47ActualStartDate"),
            pl.col("icpc_icpc_target_date").alias("InitialCPCtarget"),
            pl.col("icpc_icpc_date").alias("DateOfInitialCPC"),
            # Not required: the enquiry ended (or concluded so) by 31 March without a conference.
            pl.when(
                pl.col("icpc_icpc_date").is_null()
                & (
                    (pl.col("s47e_s47_end_date") <= end)
                    | (pl.col("s47e_s47_outcome_json").str.json_path_match("$.outcome") == NO_ICPC)
                )
            )
            .then(pl.lit("1"))
            .otherwise(pl.lit("0"))
            .alias("ICPCnotRequired"),
        )
    )
    all_cpp = _get(data, "ssd_cp_plans")
    previous = (
        all_cpp.join(
            all_cpp.select("cppl_person_id", pl.col("cppl_cp_plan_start_date").alias("__s")),
            on="cppl_person_id",
        )
        .group_by("cppl_cp_plan_id")
        .agg((pl.col("__s") < pl.col("cppl_cp_plan_start_date")).sum().alias("NumberOfPreviousCPP"))
    )
    cpp = within(
        all_cpp.filter(_open_in("cppl_cp_plan_start_date", "cppl_cp_plan_end_date", start, end)),
        "cppl_referral_id",
    ).join(previous, on="cppl_cp_plan_id", how="left")
    cpp_rows = cpp.select(
        "cppl_cp_plan_id",
        "LAchildID",
        "CINreferralDate",
        pl.col("cppl_cp_plan_start_date").alias("CPPstartDate"),
        _known(pl.col("cppl_cp_plan_end_date"), end).alias("CPPendDate"),
        pl.col("cppl_cp_plan_initial_category").alias("InitialCategoryOfAbuse"),
        pl.col("cppl_cp_plan_latest_category").alias("LatestCategoryOfAbuse"),
        pl.col("NumberOfPreviousCPP").fill_null(0).cast(pl.String),
    )
    reviews = (
        _get(data, "ssd_cp_reviews")
        .filter(pl.col("cppr_cp_review_date").is_between(start, end))
        .join(cpp_rows, left_on="cppr_cp_plan_id", right_on="cppl_cp_plan_id")
        .select(
            "LAchildID",
            "CINreferralDate",
            "CPPstartDate",
            pl.col("cppr_cp_review_date").alias("CPPreviewDate"),
        )
    )
    pp = _pre_proceedings(data, cin, start, end)
    return {
        "cin": cin_rows.drop("cine_referral_id").sort("LAchildID", "CINreferralDate"),
        "assessment": assessments.drop("cina_referral_id").sort(
            "LAchildID", "CINreferralDate", "AssessmentActualStartDate"
        ),
        "plan": plans.sort("LAchildID", "CINreferralDate", "CINPlanStartDate"),
        "s47": s47.sort("LAchildID", "CINreferralDate", "S47ActualStartDate"),
        "cpp": cpp_rows.drop("cppl_cp_plan_id").sort("LAchildID", "CINreferralDate", "CPPstartDate"),
        "review": reviews.sort("LAchildID", "CINreferralDate", "CPPstartDate", "CPPreviewDate"),
        "pre_proceedings": pp,
    }


def _pre_proceedings(data: Data, cin: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Pre-proceedings touching the year, inside the CIN episode open when they began."""
    pp = _get(data, "ssd_pre_proceedings").filter(
        _open_in("prep_pre_pro_decision_date", "prep_agree_stepdown_issue_date", start, end)
    )
    episodes = cin.select(
        pl.col("cine_person_id"), pl.col("cine_referral_date"), pl.col("cine_close_date")
    ).sort("cine_referral_date")
    placed = (
        pp.sort("prep_pre_pro_decision_date")
        .join_asof(
            episodes,
            left_on="prep_pre_pro_decision_date",
            right_on="cine_referral_date",
            by_left="prep_person_id",
            by_right="cine_person_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("cine_referral_date").is_not_null())
    )
    return placed.select(
        pl.col("prep_person_id").alias("LAchildID"),
        pl.col("cine_referral_date").alias("CINreferralDate"),
        pl.col("prep_pre_pro_decision_date").alias("PPStartDate"),
        _known(pl.col("prep_pre_pro_letter_date"), end).alias("LBPSentDate"),
        pl.lit(None, pl.String).alias("FGDMMeetingOffer"),
        pl.lit(None, pl.String).alias("FGDMMeetingFac"),
        _known(pl.col("prep_initial_pre_pro_meeting_date"), end).alias("InitialPPMeetingDate"),
        pl.col("prep_pre_pro_meetings_num").cast(pl.String).alias("ReviewMeetingsCount"),
        _known(pl.col("prep_agree_stepdown_issue_date"), end).alias("StepDecisionDate"),
        pl.when(pl.col("prep_agree_stepdown_issue_date") <= end)
        .then(pl.col("prep_pre_pro_outcome"))
        .alias("PPOutcome"),
        _known(pl.col("prep_care_proc_issue_date"), end).alias("CourtAppDate"),
        _known(pl.col("prep_care_pro_letter_date"), end).alias("LetterInitCPDate"),
    ).sort("LAchildID", "CINreferralDate", "PPStartDate")


def _esc(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _el(col: str, *, empty: bool = False) -> pl.Expr:
    """``<col>value</col>``, or nothing when blank (``empty``: ``<col/>`` when blank)."""
    value = pl.col(col)
    blank = pl.lit(f"<{col}/>") if empty else pl.lit("")
    return (
        pl.when(value.is_null())
        .then(blank)
        .otherwise(pl.format(f"<{col}>{{}}</{col}>", _esc(value.cast(pl.String))))
    )


def _text_dates(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.col(c).dt.strftime("%Y-%m-%d") for c, t in df.schema.items() if t == pl.Date)


def _nest(parent: pl.DataFrame, child: pl.DataFrame, key: list[str], name: str, xml: pl.Expr) -> pl.DataFrame:
    """Add to ``parent`` a column ``name``: the XML of its ``child`` rows, in order, joined on ``key``."""
    parts = (
        child.select(*key, xml.alias(name)).group_by(key, maintain_order=True).agg(pl.col(name).str.join(""))
    )
    return parent.join(parts, on=key, how="left").with_columns(pl.col(name).fill_null(""))


def to_xml(tables: Mapping[str, pl.DataFrame], year: int, *, la_code: str, as_at: date | None = None) -> str:
    t = {k: _text_dates(v) for k, v in tables.items()}
    episode_key = ["LAchildID", "CINreferralDate"]
    plan_key = [*episode_key, "CPPstartDate"]
    reviews = (
        t["review"]
        .group_by(plan_key, maintain_order=True)
        .agg(
            pl.format("<CPPreviewDate>{}</CPPreviewDate>", pl.col("CPPreviewDate")).str.join("").alias("__r")
        )
    )
    cpp = t["cpp"].join(reviews, on=plan_key, how="left")
    cpp_xml = pl.concat_str(
        pl.lit("<ChildProtectionPlans>"),
        *[_el(c) for c in ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse")],
        _el("NumberOfPreviousCPP"),
        pl.when(pl.col("__r").is_not_null())
        .then(pl.format("<Reviews>{}</Reviews>", pl.col("__r")))
        .otherwise(pl.lit("")),
        pl.lit("</ChildProtectionPlans>"),
    )
    factors = (
        pl.col("AssessmentFactors")
        .str.split(",")
        .list.eval(pl.format("<AssessmentFactors>{}</AssessmentFactors>", pl.element()))
        .list.join("")
    )
    assess_xml = pl.concat_str(
        pl.lit("<Assessments>"),
        _el("AssessmentActualStartDate"),
        _el("AssessmentInternalReviewDate"),
        _el("AssessmentAuthorisationDate"),
        pl.when(pl.col("AssessmentFactors").is_not_null())
        .then(pl.format("<FactorsIdentifiedAtAssessment>{}</FactorsIdentifiedAtAssessment>", factors))
        .otherwise(pl.lit("")),
        pl.lit("</Assessments>"),
    )
    plan_xml = pl.concat_str(
        pl.lit("<CINPlanDates>"), _el("CINPlanStartDate"), _el("CINPlanEndDate"), pl.lit("</CINPlanDates>")
    )
    s47_xml = pl.concat_str(
        pl.lit("<Section47>"),
        *[_el(c) for c in ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired")],
        pl.lit("</Section47>"),
    )
    pp_cols = FIELDS["pre_proceedings"][2:]
    pp_xml = pl.concat_str(
        pl.lit("<PreProceedingsandFGDM>"), *[_el(c) for c in pp_cols], pl.lit("</PreProceedingsandFGDM>")
    )
    cin = t["cin"]
    for name, df, xml in (
        ("__a", t["assessment"], assess_xml),
        ("__p", t["plan"], plan_xml),
        ("__s", t["s47"], s47_xml),
        ("__c", cpp, cpp_xml),
        ("__pp", t["pre_proceedings"], pp_xml),
    ):
        cin = _nest(cin, df, episode_key, name, xml)
    cin_xml = pl.concat_str(
        pl.lit("<CINdetails>"),
        *[
            _el(c)
            for c in (
                "CINreferralDate",
                "ReferralSource",
                "PrimaryNeedCode",
                "CINclosureDate",
                "ReasonForClosure",
            )
        ],
        _el("DateOfInitialCPC"),
        pl.col("__a"),
        pl.col("__p"),
        pl.col("__s"),
        _el("ReferralNFA"),
        pl.col("__c"),
        pl.col("__pp"),
        pl.lit("</CINdetails>"),
    )
    child = _nest(t["child"], cin, ["LAchildID"], "__cin", cin_xml)
    child = _nest(
        child,
        t["disability"],
        ["LAchildID"],
        "__d",
        pl.format("<Disability>{}</Disability>", pl.col("Disability")),
    )
    child_xml = pl.concat_str(
        pl.lit("<Child><ChildIdentifiers>"),
        *[
            _el(c)
            for c in (
                "LAchildID",
                "UPN",
                "FormerUPN",
                "UPNunknown",
                "PersonBirthDate",
                "ExpectedPersonBirthDate",
            )
        ],
        _el("Sex"),
        _el("PersonDeathDate"),
        pl.lit("</ChildIdentifiers><ChildCharacteristics>"),
        _el("Ethnicity"),
        pl.when(pl.col("__d") != "")
        .then(pl.format("<Disabilities>{}</Disabilities>", pl.col("__d")))
        .otherwise(pl.lit("")),
        pl.lit("</ChildCharacteristics>"),
        pl.col("__cin"),
        pl.lit("</Child>"),
    )
    stamp = (as_at or date(year, 3, 31)).isoformat()
    header = (
        "<Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>"
        f"<Source><SourceLevel>L</SourceLevel><LEA>{la_code}</LEA><SoftwareCode>{SOFTWARE}</SoftwareCode>"
        f"<Release>1</Release><SerialNo>001</SerialNo><DateTime>{stamp}T00:00:00</DateTime></Source></Header>"
    )
    body = "\n".join(child.select(child_xml.alias("x"))["x"].to_list())
    xml_decl = '<?xml version="1.0" encoding="UTF-8"?>'
    return f"{xml_decl}\n<Message>{header}<Children>\n{body}\n</Children></Message>\n"


def write(data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None) -> list[Path]:
    """Write the CIN census XML for collection ``year`` (or the latest year ended by ``as_at``).

    ``out`` is the file to write, or a folder that gets ``cin_census_<year>.xml``.
    """
    from careboard.engine.formats.ssda903_write import collection_year

    y = collection_year(as_at, year)
    xml = to_xml(tables_for_year(data, y), y, la_code=la_number_for_return(data, "CIN census"), as_at=as_at)
    out = Path(out)
    path = out if out.suffix.lower() == ".xml" else out / f"cin_census_{y}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(xml, encoding="utf-8")
    return [path]

"""The children's social work workforce census (CSWW) XML, to and from ``cb_staff``.

One ``CSWWWorker`` per social worker: in post on the census reference date (30 September), or
left during the year to it. The census holds what careboard holds about a worker's spell in a
post (agency or not, FTE, role, start and leaving dates, reason for leaving, sex, ethnicity, date
of birth, Social Work England number) plus items careboard does not hold (qualification,
absence, contract weeks, ...), which a reader reports once per file. Caseload on the reference
date (``Cases30``) is written from the open allocations and read into ``ssd_professionals``.

Identity: the census identifies a worker only by Social Work England number, so a census read
gives ``cb_staff`` rows whose staff id is that number. The XSD wants two letters and ten digits;
numbers are zero-padded to that width on writing and unpadded to at least six digits on reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
from lxml import etree

from careboard.engine.formats.common import (
    ROW,
    ReadResult,
    Where,
    convert_frame,
    drop_rows,
    error_rows,
    local_name,
    parse_xml,
)
from careboard.engine.formats.identifiers import la_number_for_return
from careboard.engine.issues import Issue
from careboard.engine.store import Dataset

# census element -> cb_staff field, in the XSD's order
WORKER_FIELDS: dict[str, str] = {
    "AgencyWorker": "staf_agency",
    "SWENo": "staf_swe_registration",
    "FTE": "staf_fte",
    "PersonBirthDate": "staf_dob",
    "GenderCurrent": "staf_sex",
    "Ethnicity": "staf_ethnicity",
    "OrgRole": "staf_role",
    "RoleStartDate": "staf_start_date",
    "RoleEndDate": "staf_leaving_date",
    "ReasonLeave": "staf_leaving_reason",
}
ELEMENT_ORDER = (
    *("AgencyWorker", "SWENo", "FTE", "PersonBirthDate", "GenderCurrent", "Ethnicity", "QualInst"),
    *("QualLevel", "StepUpGrad", "OrgRole", "RoleStartDate", "StartOrigin", "RoleEndDate"),
    *("LeaverDestination", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost", "ContractWeeks"),
    *("FrontlineGrad", "Absat30Sept", "ReasonAbsence", "CFKSSstatus"),
)
NOT_HELD = frozenset(ELEMENT_ORDER) - set(WORKER_FIELDS) - {"Cases30"}
QUAL_INST_UNKNOWN = "Not recorded"  # the XSD requires QualInst; careboard does not hold it
ROLES = {"1", "2", "3", "4", "5", "6"}
SEXES = {"0", "1", "2", "9"}


# ============================================================================================
# Reading


def read(paths: Sequence[Path]) -> ReadResult:
    result = ReadResult()
    for path in paths:
        _read_file(Path(path), result)
    return result


def _read_file(path: Path, result: ReadResult) -> None:
    where = Where(path.name, "CSWWWorker")
    root, problems = parse_xml(path, where=Where(path.name))
    if root is None:
        result.issues += problems
        return
    if local_name(root.tag) != "Message" or _collection(root) != "CSWW":
        result.issues.append(
            Where(path.name).issue("error", "FORMAT_WRONG", "not a social work workforce census file (CSWW)")
        )
        return
    year = root.findtext("Header/CollectionDetails/Year")
    if year is not None and year.strip().isdigit() and int(year) < 2017:
        result.issues.append(
            Where(path.name).issue(
                "warning", "YEAR_UNSUPPORTED", f"census year {year} is older than careboard reads"
            )
        )
    rows, counts = _workers(root)
    result.rows_read[f"{path.name}:CSWWWorker"] = len(rows)
    if counts:
        listed = ", ".join(f"{k} ({n})" for k, n in sorted(counts.items()))
        result.issues.append(where.issue("warning", "ELEMENT_NOT_HELD", f"careboard does not hold: {listed}"))
    if not rows:
        result.issues.append(where.issue("warning", "NO_WORKERS", "the file has no CSWWWorker records"))
        return
    raw = pl.DataFrame(rows, schema={ROW: pl.Int64, **dict.fromkeys([*WORKER_FIELDS, "Cases30"], pl.String)})
    _place(raw, where, result)


def _collection(root: etree._Element) -> str:
    return (root.findtext("Header/CollectionDetails/Collection") or "").strip().upper()


def _workers(root: etree._Element) -> tuple[list[dict[str, object]], dict[str, int]]:
    rows: list[dict[str, object]] = []
    not_held: dict[str, int] = {}
    for worker in root.iter("CSWWWorker"):
        row: dict[str, object] = {ROW: worker.sourceline}
        for child in worker:
            if not isinstance(child.tag, str):
                continue
            name = local_name(child.tag)
            if name in WORKER_FIELDS or name == "Cases30":
                row.setdefault(name, (child.text or "").strip() or None)
            else:
                not_held[name] = not_held.get(name, 0) + 1
        rows.append(row)
    return rows, not_held


def _place(raw: pl.DataFrame, where: Where, result: ReadResult) -> None:
    issues: list[Issue] = []
    text = raw.rename(WORKER_FIELDS).with_columns(
        pl.col("staf_agency").replace_strict({"0": "N", "1": "Y"}, default=None).alias("staf_agency"),
        pl.when(pl.col("staf_leaving_reason").str.contains(r"^(10|[1-9])$"))
        .then(pl.lit("RES") + pl.col("staf_leaving_reason"))
        .otherwise(pl.col("staf_leaving_reason"))
        .alias("staf_leaving_reason"),
        pl.when(pl.col("staf_sex").is_in(sorted(SEXES))).then(pl.col("staf_sex")).alias("staf_sex"),
        pl.col("staf_swe_registration").str.replace(r"^([A-Za-z]{2})0*(\d{6,})$", "$1$2").alias("swe"),
    )
    issues += _coded(raw, "AgencyWorker", {"0", "1"}, where)
    issues += _coded(raw, "OrgRole", ROLES, where)
    issues += _coded(raw, "GenderCurrent", SEXES, where)
    missing = raw.filter(pl.col("SWENo").is_null())[ROW].to_list()
    issues += [
        where.issue("error", "VALUE_MISSING", "SWENo is required", row=r, column="SWENo") for r in missing
    ]
    staff = text.select(
        ROW,
        (pl.lit("CSWW-") + pl.col("swe")).alias("staf_record_id"),
        pl.col("swe").alias("staf_staff_id"),
        pl.col("swe").alias("staf_professional_id"),
        pl.col("swe").alias("staf_swe_registration"),
        pl.when(pl.col("staf_role").is_in(ROLES)).then(pl.col("staf_role")).alias("staf_role"),
        *[pl.col(f) for f in WORKER_FIELDS.values() if f not in ("staf_swe_registration", "staf_role")],
        pl.when(pl.col("staf_role") == "5")
        .then(pl.lit("Y"))
        .otherwise(pl.lit("N"))
        .alias("staf_case_holder"),
    )
    staff, problems = convert_frame(staff, "cb_staff", where=where, headings=_headings())
    issues += problems
    issues += _fte_range(staff, where)
    dupes = staff.filter(pl.col("staf_staff_id").is_not_null() & pl.col("staf_staff_id").is_duplicated())
    later = dupes.filter(pl.int_range(pl.len()).over("staf_staff_id") > 0)
    issues += [
        where.issue(
            "error", "DUPLICATE_ID", "SWENo appears on an earlier worker", row=r, column="SWENo", value=v
        )
        for r, v in zip(later[ROW].to_list(), later["staf_swe_registration"].to_list(), strict=True)
    ]
    bad = error_rows(issues, where)
    result.add_table("cb_staff", drop_rows(staff, bad))
    caseload = drop_rows(text, bad).filter(pl.col("Cases30").is_not_null())
    if caseload.height:
        profs, problems = convert_frame(
            caseload.select(
                ROW,
                pl.col("swe").alias("prof_professional_id"),
                pl.col("swe").alias("prof_staff_id"),
                pl.col("swe").alias("prof_social_worker_registration_no"),
                pl.col("Cases30").alias("prof_professional_caseload"),
            ),
            "ssd_professionals",
            where=where,
            headings={"prof_professional_caseload": "Cases30"},
        )
        issues += problems
        result.add_table("ssd_professionals", drop_rows(profs, error_rows(problems, where)))
    result.issues.extend(issues)


def _headings() -> dict[str, str]:
    return {field: element for element, field in WORKER_FIELDS.items()}


def _coded(raw: pl.DataFrame, element: str, allowed: set[str], where: Where) -> list[Issue]:
    bad = raw.filter(pl.col(element).is_not_null() & ~pl.col(element).is_in(sorted(allowed)))
    return [
        where.issue(
            "warning",
            "VALUE_UNKNOWN",
            f"{element} is not a census code; left blank",
            row=r,
            column=element,
            value=v,
        )
        for r, v in zip(bad[ROW].to_list(), bad[element].to_list(), strict=True)
    ]


def _fte_range(staff: pl.DataFrame, where: Where) -> list[Issue]:
    bad = staff.filter((pl.col("staf_fte") < 0) | (pl.col("staf_fte") > 1))
    return [
        where.issue(
            "error", "NUMBER_OUT_OF_RANGE", "FTE must be between 0 and 1", row=r, column="FTE", value=str(v)
        )
        for r, v in zip(bad[ROW].to_list(), bad["staf_fte"].to_list(), strict=True)
    ]


# ============================================================================================
# Writing


def reference_date(as_at: date | None, year: int | None) -> date:
    if as_at is not None:
        return as_at
    if year is None:
        raise ValueError("the workforce census needs a year (reference date 30 September) or an as_at date")
    return date(year, 9, 30)


def write(data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None) -> list[Path]:
    """Write the census for the reference date (30 September of ``year``, or ``as_at``)."""
    ref = reference_date(as_at, year)
    path = out if out.suffix.lower() == ".xml" else out / f"csww_{ref.year}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    workers = census_workers(data, ref)
    vacancies = _vacancies(data, ref)
    root = etree.Element("Message")
    root.append(_header(ref, la_number_for_return(data, "Workforce census")))
    root.append(_vacancy_element(vacancies))
    for row in workers.iter_rows(named=True):
        root.append(_worker_element(row))
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return [path]


def census_workers(data: Dataset, ref: date) -> pl.DataFrame:
    """One row per worker in the census: in post on ``ref`` or left in the year to it.

    A person with several records (a move of post, agency converted to permanent) is one census
    worker: their latest record in the year, with the start of their first.
    """
    year_start = (
        date(ref.year - 1, ref.month, ref.day)
        if not (ref.month == 2 and ref.day == 29)
        else date(ref.year - 1, 2, 28)
    )
    staff = data["cb_staff"].filter(
        (pl.col("staf_start_date") <= pl.lit(ref))
        & (pl.col("staf_leaving_date").is_null() | (pl.col("staf_leaving_date") > pl.lit(year_start)))
        & pl.col("staf_swe_registration").is_not_null()
    )
    latest = (
        staff.sort("staf_start_date", "staf_record_id").group_by("staf_staff_id", maintain_order=True).last()
    )
    # a record ending after the reference date is in post on it: not a leaver in this census
    latest = latest.with_columns(
        pl.when(pl.col("staf_leaving_date") > pl.lit(ref)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("staf_leaving_date", "staf_leaving_reason")
    )
    cases = _caseloads(data, ref)
    return latest.join(cases, on="staf_professional_id", how="left").sort("staf_staff_id")


def _caseloads(data: Dataset, ref: date) -> pl.DataFrame:
    invo = data["ssd_involvements"].filter(
        (pl.col("invo_professional_role_id").fill_null("SW") == "SW")
        & (pl.col("invo_involvement_start_date") <= pl.lit(ref))
        & (
            pl.col("invo_involvement_end_date").is_null()
            | (pl.col("invo_involvement_end_date") > pl.lit(ref))
        )
    )
    return (
        invo.group_by("invo_professional_id")
        .agg(pl.col("invo_person_id").n_unique().alias("cases30"))
        .rename({"invo_professional_id": "staf_professional_id"})
    )


def _vacancies(data: Dataset, ref: date) -> tuple[float, float, int]:
    """(vacant FTE, agency FTE, agency headcount) on the reference date."""
    estb = data["cb_establishment"].filter(
        (pl.col("estb_start_date") <= pl.lit(ref))
        & (pl.col("estb_end_date").is_null() | (pl.col("estb_end_date") > pl.lit(ref)))
    )
    in_post = data["cb_staff"].filter(
        (pl.col("staf_start_date") <= pl.lit(ref))
        & (pl.col("staf_leaving_date").is_null() | (pl.col("staf_leaving_date") > pl.lit(ref)))
    )
    funded = float(estb["estb_fte"].sum() or 0.0)
    permanent = float(in_post.filter(pl.col("staf_agency") == "N")["staf_fte"].sum() or 0.0)
    agency = in_post.filter(pl.col("staf_agency") == "Y")
    return max(0.0, funded - permanent), float(agency["staf_fte"].sum() or 0.0), agency.height


def _header(ref: date, la_number: str) -> etree._Element:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _text(details, "Collection", "CSWW")
    _text(details, "Year", str(ref.year))
    _text(details, "ReferenceDate", ref.isoformat())
    source = etree.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", la_number)
    _text(source, "SoftwareCode", "careboard")
    return header


def _vacancy_element(v: tuple[float, float, int]) -> etree._Element:
    el = etree.Element("LALevelVacancies")
    _text(el, "NumberOfVacancies", f"{v[0]:.2f}")
    _text(el, "NoAgencyFTE", f"{v[1]:.2f}")
    _text(el, "NoAgencyHeadcount", str(v[2]))
    return el


def swe_for_census(number: str) -> str:
    """SW592529 -> SW0000592529: two letters and ten digits, as the XSD requires."""
    letters, digits = number[:2], number[2:]
    return letters + digits.zfill(10) if digits.isdigit() and len(digits) < 10 else number


def _worker_element(row: dict[str, object]) -> etree._Element:
    values: dict[str, str | None] = {
        "AgencyWorker": {"Y": "1", "N": "0"}.get(str(row["staf_agency"]), "0"),
        "SWENo": swe_for_census(str(row["staf_swe_registration"])),
        "FTE": f"{row['staf_fte']:.6f}" if row["staf_fte"] is not None else None,
        "PersonBirthDate": _iso(row["staf_dob"]),
        "GenderCurrent": _str(row["staf_sex"]),
        "Ethnicity": _str(row["staf_ethnicity"]),
        "QualInst": QUAL_INST_UNKNOWN,
        "OrgRole": _str(row["staf_role"]),
        "RoleStartDate": _iso(row["staf_start_date"]),
        "RoleEndDate": _iso(row["staf_leaving_date"]),
        "ReasonLeave": _leave_code(row["staf_leaving_reason"]),
        "Cases30": _str(row.get("cases30")),
    }
    el = etree.Element("CSWWWorker")
    for name in ELEMENT_ORDER:
        value = values.get(name)
        if value is not None:
            _text(el, name, value)
    return el


def _leave_code(reason: object) -> str | None:
    text = _str(reason)
    if text is None:
        return None
    return text[3:] if text.startswith("RES") and text[3:].isdigit() else None


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, name).text = value

"""Ofsted's Annex A workbook (lists 1-11): read a council's workbook, write one from canonical data.

Reading. Each sheet named "List N" is read as text (fastexcel/calamine). The heading row is found
among the first rows (councils put titles above it); headings are matched to Ofsted's whatever
their case, spacing, punctuation or small additions; values are matched to their statutory code
(see :mod:`annex_a_codes`); dates are read in the spellings councils use. Each list's rows become
rows of the canonical tables it describes (list 8 gives a care episode, its placement, legal
status, latest review, visit and health checks). Annex A has no record ids, so ids are made from
the list and row ("A8-12"); derived columns (ages, counts in the last 12 months) are not stored
because careboard derives them; columns careboard does not hold (disability, UASC, adopters in
list 11, ...) are reported once per sheet.

Writing. The 11 lists with Ofsted's headings for the look-back window ending on ``as_at``
(12 months by default): events in the window (contacts, referrals, assessments, enquiries), or
open at any point in it (children in need, on a plan, in care), care leavers as at the date.
Dates are written as dates, text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import fastexcel
import polars as pl
from fastexcel import FastExcelError

from careboard.engine.formats import annex_a_codes as codes
from careboard.engine.formats.common import (
    ROW,
    ReadResult,
    Where,
    convert_frame,
    drop_rows,
    error_rows,
    is_blank,
    neutralise_formulas,
    norm_heading,
    write_xlsx,
)
from careboard.engine.issues import Issue
from careboard.engine.schema import table
from careboard.engine.store import Dataset

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Col:
    heading: str  # Ofsted's heading
    field: str | None = None  # canonical field (``None``: derived or not held)
    kind: str = "text"  # text, date, id, derived, unused, yn, yn_not, or a code kind of annex_a_codes
    also: tuple[str, ...] = ()  # other headings seen for the column


@dataclass(frozen=True)
class ListSpec:
    number: int
    name: str
    table: str | None
    columns: tuple[Col, ...]

    @property
    def id_field(self) -> str | None:
        return table(self.table).key if self.table else None


CHILD = (
    Col("Child Unique ID", "pers_person_id", "id"),
    Col("Gender", "pers_sex", "sex"),
    Col("Ethnicity", "pers_ethnicity", "ethnicity"),
    Col("Date of Birth", "pers_dob", "date"),
    Col("Age of Child (Years)", None, "derived", ("Age",)),
)
DISABILITY = Col("Does the Child have a Disability", None, "unused")

LISTS: dict[int, ListSpec] = {
    s.number: s
    for s in (
        ListSpec(
            1,
            "Contacts",
            "ssd_contacts",
            (
                *CHILD,
                Col("Date of Contact", "cont_contact_date", "date"),
                Col("Contact Source", "cont_contact_source_code", "source"),
            ),
        ),
        ListSpec(
            2,
            "Early help assessments",
            "ssd_early_help_episodes",
            (
                *CHILD,
                Col("Assessment start date", "earl_episode_start_date", "date"),
                Col("Assessment completion date", "earl_episode_end_date", "date"),
                Col("Organisation completing assessment", "earl_episode_organisation"),
            ),
        ),
        ListSpec(
            3,
            "Referrals",
            "ssd_cin_episodes",
            (
                *CHILD,
                Col("Date of Referral", "cine_referral_date", "date"),
                Col("Referral Source", "cine_referral_source_code", "source"),
                Col("Referral NFA?", "cine_referral_nfa", "yn"),
                Col("Number of Referrals in Last 12 Months", None, "derived"),
                Col("Allocated Team", "cine_referral_team"),
                Col("Allocated Worker", "cine_referral_worker_id"),
            ),
        ),
        ListSpec(
            4,
            "Assessments",
            "ssd_cin_assessments",
            (
                *CHILD,
                DISABILITY,
                Col("Continuous Assessment Start Date", "cina_assessment_start_date", "date"),
                Col("Child Seen During Continuous Assessment", "cina_assessment_child_seen", "yn"),
                Col("Continuous Assessment Date of Authorisation", "cina_assessment_auth_date", "date"),
                Col(
                    "Was the child assessed as requiring LA children's social care support?",
                    "cina_assessment_outcome_nfa",
                    "yn_not",
                ),
                Col("Allocated Team", "cina_assessment_team"),
                Col("Allocated Worker", "cina_assessment_worker_id"),
            ),
        ),
        ListSpec(
            5,
            "Section 47 enquiries and ICPCs",
            "ssd_s47_enquiry",
            (
                *CHILD,
                DISABILITY,
                Col(
                    "Strategy discussion initiating Section 47 Enquiry Start Date",
                    "s47e_s47_start_date",
                    "date",
                ),
                Col("Was an Initial Child Protection Conference deemed unnecessary?", "s47e_s47_nfa", "yn"),
                Col("Date of Initial Child Protection Conference", "icpc_icpc_date", "date"),
                Col(
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                    "icpc_icpc_outcome_cp_flag",
                    "yn",
                ),
                Col("Number of Section 47 Enquiries in the last 12 months", None, "derived"),
                Col("Number of ICPCs in the last 12 months", None, "derived"),
                Col("Allocated Team", "s47e_s47_completed_by_team"),
                Col("Allocated Worker", "s47e_s47_completed_by_worker_id"),
            ),
        ),
        ListSpec(
            6,
            "Children in need",
            "ssd_cin_episodes",
            (
                *CHILD,
                DISABILITY,
                Col("CIN Start Date", "cine_referral_date", "date"),
                Col("Primary Need Code", "cine_cin_primary_need_code", "need"),
                Col("Date Child Was Last Seen", "cinv_cin_visit_date", "date"),
                Col("CIN Closure Date", "cine_close_date", "date"),
                Col("Reason for Closure", "cine_close_reason", "closure"),
                Col("Case Status", None, "derived"),
                Col("Allocated Team", "cine_referral_team"),
                Col("Allocated Worker", "cine_referral_worker_id"),
            ),
        ),
        ListSpec(
            7,
            "Child protection",
            "ssd_cp_plans",
            (
                *CHILD,
                DISABILITY,
                Col("Child Protection Plan Start Date", "cppl_cp_plan_start_date", "date"),
                Col("Initial Category of Abuse", "cppl_cp_plan_initial_category", "abuse"),
                Col("Latest Category of Abuse", "cppl_cp_plan_latest_category", "abuse"),
                Col("Date of the Last Statutory Visit", "cppv_cp_visit_date", "date"),
                Col("Was the Child Seen Alone?", "cppv_cp_visit_seen_alone", "yn"),
                Col("Date of latest review conference", "cppr_cp_review_date", "date"),
                Col("Child Protection Plan End Date", "cppl_cp_plan_end_date", "date"),
                Col(
                    "Subject to Emergency Protection Order or Protected"
                    " Under Police Powers in Last Six Months (Y/N)",
                    None,
                    "unused",
                ),
                Col("Number of Previous Child Protection Plans", None, "derived"),
                Col("Allocated Team", "invo_professional_team"),
                Col("Allocated Worker", "invo_professional_id"),
            ),
        ),
        ListSpec(
            8,
            "Children in care (looked after)",
            "ssd_cla_episodes",
            (
                *CHILD,
                Col(
                    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
                    None,
                    "unused",
                ),
                DISABILITY,
                Col("Date Started to be Looked After", "clae_entered_care_date", "date"),
                Col("Child's Category of Need", "clae_cla_primary_need_code", "need"),
                Col(
                    "Is this a second or subsequent period of being"
                    " a Looked After Child within the last 12 months (Y/N)",
                    None,
                    "derived",
                ),
                Col("Start date of current legal status", "lega_legal_status_start_date", "date"),
                Col("Child's Legal Status", "lega_legal_status", "legal"),
                Col("Date of Latest Statutory Review", "clar_cla_review_date", "date"),
                Col("Date of Last Social Work Visit", "clav_cla_visit_date", "date"),
                Col("What is the permanence plan for this child?", None, "unused"),
                Col(
                    "Date of Last IRO Visit / Contact to the Child", "clae_cla_last_iro_contact_date", "date"
                ),
                Col("Date of Last Health Assessment", "clah_health_check_date@RHA", "date"),
                Col("Date of Last Dental Check", "clah_health_check_date@DENTAL", "date"),
                Col("Number of Placements in the Last 12 months", None, "derived"),
                Col("Date Ceased to be Looked After", "clae_cla_episode_ceased_date", "date"),
                Col("Reason Ceased to be Looked After", "clae_cla_episode_ceased_reason", "ceased"),
                Col("Start Date of Most Recent Placement", "clap_cla_placement_start_date", "date"),
                Col("Placement Type", "clap_cla_placement_type", "placement"),
                Col("Placement Provider", "clap_cla_placement_provider", "provider"),
                Col("Placement postcode", "clap_cla_placement_postcode"),
                Col("URN of Placement", "clap_cla_placement_urn"),
                Col("Placement Location", None, "derived"),
                Col("LA of Placement", None, "unused"),
                Col(
                    "Number of Episodes the Child has been 'Missing'"
                    " from their Placement in the last 12 months",
                    None,
                    "derived",
                ),
                Col(
                    "Number of Episodes the Child has been 'Absent'"
                    " from their Placement in the last 12 months",
                    None,
                    "derived",
                ),
                Col(
                    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
                    None,
                    "unused",
                ),
                Col(
                    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
                    None,
                    "unused",
                ),
                Col("Allocated Team", "invo_professional_team"),
                Col("Allocated Worker", "invo_professional_id"),
            ),
        ),
        ListSpec(
            9,
            "Care leavers",
            "ssd_care_leavers",
            (
                *CHILD,
                Col(
                    "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
                    None,
                    "unused",
                ),
                DISABILITY,
                Col("Allocated Team", "clea_care_leaver_allocated_team"),
                Col("Allocated Worker", "clea_care_leaver_worker_id"),
                Col("Allocated Personal Advisor", "clea_care_leaver_personal_advisor"),
                Col("Eligibility Category", "clea_care_leaver_eligibility", "eligibility"),
                Col("Latest Pathway Plan Review Date", "clea_pathway_plan_review_date", "date"),
                Col("LA in Touch", "clea_care_leaver_in_touch", "in_touch"),
                Col("Latest Date of Contact", "clea_care_leaver_latest_contact", "date"),
                Col("Type of Accommodation", "clea_care_leaver_accommodation", "accommodation"),
                Col("Suitability of Accommodation", "clea_care_leaver_accom_suitable", "suitable"),
                Col("Activity Status", "clea_care_leaver_activity", "activity"),
            ),
        ),
        ListSpec(
            10,
            "Adoption",
            "ssd_permanence",
            (
                Col("Child Unique ID", "pers_person_id", "id"),
                Col("Family identifier", None, "unused"),
                *CHILD[1:],
                DISABILITY,
                Col("Date the Child Entered Care", None, "derived"),
                Col(
                    "Date of Decision that Child Should be Placed for Adoption",
                    "perm_adm_decision_date",
                    "date",
                ),
                Col("Date of Placement Order", "perm_placement_order_date", "date"),
                Col("Date of Matching Child and Prospective Adopters", "perm_matched_date", "date"),
                Col("Date Placed for Adoption", "perm_placed_for_adoption_date", "date"),
                Col("Date of Adoption Order", "perm_permanence_order_date", "date"),
                Col(
                    "Date of Decision that Child Should No Longer be Placed for Adoption",
                    "perm_decision_reversed_date",
                    "date",
                ),
                Col("Reason Why Child No Longer Placed for Adoption", "perm_decision_reversed_reason"),
                Col(
                    "Date the child was placed for fostering in FFA or concurrent planning placement",
                    "perm_placed_ffa_cp_date",
                    "date",
                ),
            ),
        ),
        ListSpec(
            11,
            "Adopters",
            None,
            tuple(
                Col(h, None, "unused")
                for h in (
                    "Individual adopter identifier",
                    "Family identifier",
                    "Gender",
                    "Ethnicity",
                    "Disability",
                    "Is the (prospective) adopter fostering for adoption?",
                    "Date enquiry received",
                    "Date Stage 1 started",
                    "Date Stage 1 ended",
                    "Date Stage 2 started",
                    "Date Stage 2 ended",
                    "Date application submitted",
                    "Date application approved",
                    "Date adopter matched with child(ren)",
                    "Date child/children placed with adopter(s)",
                    "No. of children placed",
                    "Date of Adoption Order",
                    "Date of leaving adoption process",
                    "Reason for leaving adoption process",
                )
            ),
        ),
    )
}

# Secondary tables a list row may also describe, by field prefix: (table, link field -> main field)
SECONDARY: dict[str, tuple[str, dict[str, str]]] = {
    "icpc": ("ssd_initial_cp_conference", {"icpc_s47_enquiry_id": "s47e_s47_enquiry_id"}),
    "cinv": ("ssd_cin_visits", {}),
    "cppv": ("ssd_cp_visits", {"cppv_cp_plan_id": "cppl_cp_plan_id"}),
    "cppr": ("ssd_cp_reviews", {"cppr_cp_plan_id": "cppl_cp_plan_id"}),
    "invo": ("ssd_involvements", {}),
    "lega": ("ssd_legal_status", {}),
    "clar": ("ssd_cla_reviews", {"clar_cla_id": "clae_cla_id"}),
    "clav": ("ssd_cla_visits", {"clav_cla_id": "clae_cla_id"}),
    "clap": ("ssd_cla_placement", {"clap_cla_id": "clae_cla_id"}),
    "clah": ("ssd_cla_health", {}),
}


# ============================================================================================
# Reading


def read(paths: Sequence[Path]) -> ReadResult:
    result = ReadResult()
    for path in paths:
        _read_workbook(Path(path), result)
    return result


def _read_workbook(path: Path, result: ReadResult) -> None:
    where = Where(path.name)
    if not path.is_file():
        result.issues.append(where.issue("error", "FILE_NOT_FOUND", f"no such file: {path}"))
        return
    if path.stat().st_size == 0:
        result.issues.append(where.issue("error", "FILE_EMPTY", "the file is empty"))
        return
    try:
        book = fastexcel.read_excel(str(path))
        names = book.sheet_names
    except (FastExcelError, OSError) as exc:
        result.issues.append(
            where.issue("error", "FILE_UNREADABLE", f"not a readable .xlsx workbook: {_first_line(exc)}")
        )
        return
    found = False
    for name in names:
        number = _list_number(name)
        if number is None:
            result.issues.append(
                Where(path.name, name).issue("warning", "SHEET_UNKNOWN", "not an Annex A list; sheet ignored")
            )
            continue
        found = True
        try:
            raw = book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        except (FastExcelError, OSError) as exc:
            result.issues.append(
                Where(path.name, name).issue(
                    "error", "SHEET_UNREADABLE", f"cannot read the sheet: {_first_line(exc)}"
                )
            )
            continue
        _read_list(LISTS[number], raw, Where(path.name, name), result)
    if not found:
        result.issues.append(
            where.issue("error", "NO_LISTS", "the workbook has no sheets named List 1 to List 11")
        )
    if "ssd_cin_episodes" in result.tables:
        result.tables["ssd_cin_episodes"] = _merge_referrals_and_cin(result.tables["ssd_cin_episodes"])


def _merge_referrals_and_cin(cin: pl.DataFrame) -> pl.DataFrame:
    """A child in need (list 6) whose episode began with a referral in list 3 is one episode.

    The list 3 row keeps its id and gains what list 6 says (need, closure); the list 6 row goes.
    """
    key = ["cine_person_id", "cine_referral_date"]
    is6 = pl.col("cine_referral_id").str.starts_with("A6-")
    refs, cins = cin.filter(~is6), cin.filter(is6)
    if refs.is_empty() or cins.is_empty():
        return cin
    firsts = cins.unique(subset=key, keep="first", maintain_order=True)
    joined = refs.join(firsts, on=key, how="left", suffix="_6", nulls_equal=False)
    others = [c for c in cin.columns if c not in key and c != "cine_referral_id"]
    merged = joined.select(
        "cine_referral_id", *key, *[pl.coalesce(pl.col(c), pl.col(f"{c}_6")).alias(c) for c in others]
    ).select(cin.columns)
    matched = cins.join(refs.select(key), on=key, how="semi")
    return pl.concat(
        [merged, cins.join(matched.select("cine_referral_id"), on="cine_referral_id", how="anti")]
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _list_number(sheet: str) -> int | None:
    found = re.fullmatch(r"\s*list\s*[-_ ]?\s*(\d{1,2})\b.*", sheet, flags=re.IGNORECASE)
    if found and 1 <= int(found.group(1)) <= 11:
        return int(found.group(1))
    return None


def _match_heading(spec: ListSpec, heading: str) -> Col | None:
    return _heading_match(spec.number, norm_heading(heading))


@cache
def _heading_match(number: int, key: str) -> Col | None:
    if not key:
        return None
    spec = LISTS[number]
    for col in spec.columns:
        if key in [norm_heading(n) for n in (col.heading, *col.also)]:
            return col
    # small additions or losses: "Date of Adoption Order " / "(Y/N))" / "Age of child"
    for col in spec.columns:
        canon = norm_heading(col.heading)
        if len(key) >= 8 and (canon.startswith(key) or key.startswith(canon)):
            return col
    return None


def _find_header(spec: ListSpec, raw: pl.DataFrame) -> int | None:
    best, best_hits = None, 1
    for i, row in enumerate(raw.head(HEADER_SEARCH_ROWS).iter_rows()):
        hits = sum(1 for v in row if v is not None and _match_heading(spec, v) is not None)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _read_list(spec: ListSpec, raw: pl.DataFrame, where: Where, result: ReadResult) -> None:
    header = _find_header(spec, raw)
    if header is None:
        if raw.height:
            result.issues.append(
                where.issue(
                    "error", "HEADER_NOT_FOUND", f"no row of Annex A headings; {raw.height} rows not read"
                )
            )
        result.rows_read[f"{where.file}:{where.table}"] = 0
        return
    headings = [str(v) if v is not None else "" for v in raw.row(header)]
    body = raw.slice(header + 1).with_columns(
        pl.int_range(header + 2, raw.height + 1, dtype=pl.Int64).alias(ROW)
    )
    body = body.filter(~pl.all_horizontal(is_blank(pl.col(c)) for c in raw.columns))
    result.rows_read[f"{where.file}:{where.table}"] = body.height
    if spec.table is None:
        if body.height:
            result.issues.append(
                where.issue(
                    "warning",
                    "LIST_NOT_USED",
                    f"careboard does not hold {spec.name.lower()}; {body.height} rows ignored",
                )
            )
        return
    columns: dict[str, str] = {}  # canonical field -> source column
    shown: dict[str, str] = {}  # canonical field -> heading as written
    kinds: dict[str, str] = {}
    unused: list[str] = []
    for source, heading in zip(raw.columns, headings, strict=True):
        if not heading.strip():
            if body.select(pl.col(source).is_not_null().any()).item():
                result.issues.append(
                    where.issue(
                        "warning", "COLUMN_UNKNOWN", "a column without a heading; ignored", column=source
                    )
                )
            continue
        col = _match_heading(spec, heading)
        if col is None:
            result.issues.append(
                where.issue(
                    "warning", "COLUMN_UNKNOWN", f"not a column of {spec.name}; ignored", column=heading
                )
            )
        elif col.field is None:
            if col.kind == "unused":
                unused.append(heading)
        elif col.field not in columns:
            columns[col.field], shown[col.field], kinds[col.field] = source, heading.strip(), col.kind
    if unused:
        result.issues.append(
            where.issue("warning", "COLUMN_NOT_HELD", "careboard does not hold: " + "; ".join(unused))
        )
    if "pers_person_id" not in columns:
        result.issues.append(
            where.issue("error", "COLUMN_MISSING", f"no Child Unique ID column; {body.height} rows not read")
        )
        return
    frame, issues = _coded(body, spec, columns, shown, kinds, where)
    _place(spec, frame, shown, where, issues, result)


def _coded(
    body: pl.DataFrame,
    spec: ListSpec,
    columns: dict[str, str],
    shown: dict[str, str],
    kinds: dict[str, str],
    where: Where,
) -> tuple[pl.DataFrame, list[Issue]]:
    """Code columns to statutory codes (one lookup per distinct value); others renamed as they are."""
    issues: list[Issue] = []
    exprs: list[pl.Expr] = [pl.col(ROW)]
    for field, source in columns.items():
        kind = kinds[field]
        if kind in ("text", "date", "id"):
            exprs.append(pl.col(source).alias(field))
            continue
        code_kind = "yn" if kind == "yn_not" else kind
        values = body.get_column(source).drop_nulls().unique().to_list()
        mapping = {v: codes.code_for(code_kind, shown[field], v) for v in values}
        if kind == "yn_not":
            mapping = {v: {"Y": "N", "N": "Y"}.get(c or "") for v, c in mapping.items()}
        unknown = sorted(v for v, c in mapping.items() if c is None and v.strip())
        if unknown:
            bad = body.filter(pl.col(source).is_in(pl.Series(unknown, dtype=pl.String).implode()))
            issues += [
                where.issue(
                    "warning",
                    "VALUE_UNKNOWN",
                    "not a value careboard can read; left blank",
                    row=r,
                    column=shown[field],
                    value=v,
                )
                for r, v in zip(bad[ROW].to_list(), bad[source].to_list(), strict=True)
            ]
        exprs.append(
            pl.col(source).replace_strict(mapping, default=None, return_dtype=pl.String).alias(field)
        )
    return body.select(exprs), issues


def _place(
    spec: ListSpec,
    frame: pl.DataFrame,
    shown: dict[str, str],
    where: Where,
    issues: list[Issue],
    result: ReadResult,
) -> None:
    assert spec.table is not None and spec.id_field is not None
    main = table(spec.table)
    prefix = f"A{spec.number}-"
    ids = pl.lit(prefix) + pl.col(ROW).cast(pl.String)
    frame = frame.with_columns(ids.alias(spec.id_field))
    if main.person_field:
        frame = frame.with_columns(pl.col("pers_person_id").alias(main.person_field))
    if "clae_cla_id" in main.by_name:
        frame = frame.with_columns(
            ids.alias("clae_cla_id"),
            (ids + "-P").alias("clae_cla_placement_id"),
            pl.col("clae_entered_care_date").alias("clae_cla_episode_start_date"),
        )
    if {"clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable"} <= set(frame.columns):
        # the 903 accommodation code carries suitability as a digit: "E" and "1" make "E1"
        letter, digit = pl.col("clea_care_leaver_accommodation"), pl.col("clea_care_leaver_accom_suitable")
        frame = frame.with_columns(
            pl.when(letter.str.contains(r"^[A-Z]$") & digit.is_in(["1", "2"]))
            .then(letter + digit)
            .otherwise(letter)
            .alias("clea_care_leaver_accommodation")
        )
    if spec.table == "ssd_permanence" and "perm_permanence_order_date" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("perm_permanence_order_date").is_not_null())
            .then(pl.lit("ADOPTION"))
            .alias("perm_permanence_order_type")
        )
    converted: dict[str, pl.DataFrame] = {}
    for table_name, rows in _split(spec, frame).items():
        converted[table_name], problems = convert_frame(rows, table_name, where=where, headings=shown)
        issues += problems
    issues += _missing_child(converted[spec.table], main.person_field or "pers_person_id", where, shown)
    # a bad value anywhere on a row keeps all of that row's records out
    bad = error_rows(issues, where)
    for table_name, rows in converted.items():
        if table_name == "ssd_person":
            _place_people(drop_rows(rows, bad), result)
        else:
            result.add_table(table_name, drop_rows(rows, bad))
    result.issues.extend(issues)


def _missing_child(frame: pl.DataFrame, person: str, where: Where, shown: dict[str, str]) -> list[Issue]:
    heading = shown.get("pers_person_id", "Child Unique ID")
    hits = frame.filter(pl.col(person).is_null())[ROW].to_list()
    return [
        where.issue("error", "VALUE_MISSING", f"{heading} is required", row=r, column=heading) for r in hits
    ]


def _split(spec: ListSpec, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows of each canonical table described by this list's rows."""
    assert spec.table is not None and spec.id_field is not None
    main = table(spec.table)
    out: dict[str, pl.DataFrame] = {}
    person_cols = [
        c for c in ("pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob") if c in frame.columns
    ]
    out["ssd_person"] = frame.select(ROW, *person_cols)
    out[spec.table] = frame.select(ROW, *[c for c in frame.columns if c in main.by_name])
    for prefix, (table_name, links) in SECONDARY.items():
        fields = [c for c in frame.columns if c.startswith(prefix + "_")]
        if not fields:
            continue
        if prefix == "clah":
            for field in fields:
                check = field.split("@", 1)[1]
                rows = frame.filter(pl.col(field).is_not_null()).select(
                    ROW,
                    (pl.col(spec.id_field) + f"-{check}").alias("clah_health_check_id"),
                    pl.col("pers_person_id").alias("clah_person_id"),
                    pl.lit(check).alias("clah_health_check_type"),
                    pl.col(field).alias("clah_health_check_date"),
                    pl.lit("COMPLETED").alias("clah_health_check_status"),
                )
                out[table_name] = pl.concat([out[table_name], rows]) if table_name in out else rows
            continue
        t = table(table_name)
        values = [pl.col(f) for f in fields]
        extra: list[pl.Expr] = [pl.col(main_field).alias(link) for link, main_field in links.items()]
        if prefix == "clap":
            extra.append(pl.col("clae_cla_placement_id").alias("clap_cla_placement_id"))
        elif t.key:
            extra.append((pl.col(spec.id_field) + f"-{prefix.upper()}").alias(t.key))
        if t.person_field:
            extra.append(pl.col("pers_person_id").alias(t.person_field))
        if prefix == "cinv":
            extra.append(pl.lit("Y").alias("cinv_cin_visit_seen"))
        if prefix == "invo":
            extra.append(pl.lit("SW").alias("invo_professional_role_id"))
        rows = frame.filter(pl.any_horizontal(v.is_not_null() for v in values)).select(ROW, *values, *extra)
        rows = rows.select([c for c in rows.columns if c == ROW or c in t.by_name])
        out[table_name] = rows
    return out


def _place_people(people: pl.DataFrame, result: ReadResult) -> None:
    """Children named in this list, kept once each (the first values given win)."""
    good = table("ssd_person").conform(people.filter(pl.col("pers_person_id").is_not_null()).drop(ROW))
    if "ssd_person" in result.tables:
        good = pl.concat([result.tables["ssd_person"], good], how="vertical")
    merged = good.group_by("pers_person_id", maintain_order=True).agg(pl.all().drop_nulls().first())
    result.tables["ssd_person"] = table("ssd_person").conform(merged)


# ============================================================================================
# Writing

DATE_FORMAT = "dd/mm/yyyy"


def write(data: Dataset, out: Path, *, as_at: date | None = None, year: int | None = None) -> list[Path]:
    """Write the Annex A workbook for the 12 months ending ``as_at`` (or 31 March of ``year``)."""
    if as_at is None:
        if year is None:
            raise ValueError("Annex A needs an as_at date (or a year, meaning 31 March of it)")
        as_at = date(year, 3, 31)
    start = _months_before(as_at, 12) + timedelta(days=1)
    path = out if out.suffix.lower() == ".xlsx" else out / f"annex_a_{as_at.isoformat()}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = lists(data, as_at=as_at, start=start)
    write_xlsx(
        path,
        {f"List {n}": neutralise_formulas(frame) for n, frame in frames.items()},
        date_format=DATE_FORMAT,
    )
    return [path]


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def lists(data: Dataset, *, as_at: date, start: date) -> dict[int, pl.DataFrame]:
    """The 11 lists as frames with Ofsted's headings, for the window ``start``..``as_at``."""
    ctx = _Context(data, as_at, start)
    builders: dict[int, Callable[[_Context], pl.DataFrame]] = {
        1: _list1,
        2: _list2,
        3: _list3,
        4: _list4,
        5: _list5,
        6: _list6,
        7: _list7,
        8: _list8,
        9: _list9,
        10: _list10,
        11: _list11,
    }
    return {n: _finish(LISTS[n], build(ctx), ctx) for n, build in builders.items()}


@dataclass
class _Context:
    data: Dataset
    as_at: date
    start: date

    def in_window(self, col: str) -> pl.Expr:
        return pl.col(col).is_between(pl.lit(self.start), pl.lit(self.as_at))

    def open_in_window(self, start: str, end: str) -> pl.Expr:
        # an unknown start (an allocation read from Annex A) counts as begun
        return (pl.col(start).is_null() | (pl.col(start) <= pl.lit(self.as_at))) & (
            pl.col(end).is_null() | (pl.col(end) >= pl.lit(self.start))
        )

    def team_names(self, col: str) -> pl.Expr:
        dept = self.data["ssd_department"]
        mapping = dict(zip(dept["dept_team_id"].to_list(), dept["dept_team_name"].to_list(), strict=True))
        return pl.col(col).replace(mapping) if mapping else pl.col(col)

    def worker_names(self, col: str) -> pl.Expr:
        prof = self.data["ssd_professionals"]
        names = prof.filter(pl.col("prof_professional_name").is_not_null())
        mapping = dict(
            zip(
                names["prof_professional_id"].to_list(),
                names["prof_professional_name"].to_list(),
                strict=True,
            )
        )
        return pl.col(col).replace(mapping) if mapping else pl.col(col)

    def count_in_window(self, table_name: str, person: str, day: str, alias: str) -> pl.DataFrame:
        return (
            self.data[table_name]
            .filter(self.in_window(day))
            .group_by(person)
            .agg(pl.len().cast(pl.Int64).alias(alias))
            .rename({person: "pers_person_id"})
        )

    def latest(self, table_name: str, person: str, day: str, cols: list[str]) -> pl.DataFrame:
        """Each child's latest row on or before as_at."""
        return (
            self.data[table_name]
            .filter(pl.col(day) <= pl.lit(self.as_at))
            .sort(day)
            .group_by(person, maintain_order=True)
            .last()
            .select([person, *cols])
            .rename({person: "pers_person_id"})
        )


def _people(ctx: _Context, frame: pl.DataFrame, person: str) -> pl.DataFrame:
    people = ctx.data["ssd_person"].select("pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob")
    return frame.rename({person: "pers_person_id"}).join(people, on="pers_person_id", how="left")


def _coded_out(kind: str, col: str) -> pl.Expr:
    mapping: dict[str, str]
    if kind == "ethnicity":
        mapping = {c: f"{chr(ord('a') + i)}) {c}" for i, c in enumerate(codes.ETHNICITY)}
    elif kind == "yn_not":
        mapping = {"Y": "No", "N": "Yes"}
    else:
        mapping = codes.code_lookup(kind)[2]
    if kind == "accommodation":
        # the 903 code carries suitability as a digit ("E1"); Annex A has it in its own column
        return pl.col(col).str.replace(r"^([A-Z])\d$", "$1").replace(mapping)
    return pl.col(col).replace(mapping)


def _finish(spec: ListSpec, frame: pl.DataFrame, ctx: _Context) -> pl.DataFrame:
    """Columns in Ofsted's order with Ofsted's headings; codes written as Annex A categories."""
    if spec.table is None:
        return pl.DataFrame(schema=dict.fromkeys((c.heading for c in spec.columns), pl.String))
    age = ((pl.lit(ctx.as_at) - pl.col("pers_dob")).dt.total_days() // 365.25).cast(pl.Int64)
    exprs: list[pl.Expr] = []
    for col in spec.columns:
        if col.field is not None and col.field in frame.columns:
            kind = col.kind
            expr = _coded_out(kind, col.field) if kind not in ("text", "date", "id") else pl.col(col.field)
        elif col.heading.startswith("Age"):
            expr = age
        elif col.field is None and col.heading in frame.columns:
            expr = pl.col(col.heading)
        else:
            expr = pl.lit(None, pl.String)
        exprs.append(expr.alias(col.heading))
    out = frame.select(exprs)
    return out.with_columns(pl.col(c).dt.date() for c, t in out.schema.items() if isinstance(t, pl.Datetime))


def _list1(ctx: _Context) -> pl.DataFrame:
    contacts = ctx.data["ssd_contacts"].filter(
        pl.col("cont_contact_date").dt.date().is_between(pl.lit(ctx.start), pl.lit(ctx.as_at))
    )
    return _people(ctx, contacts.sort("cont_contact_date", "cont_contact_id"), "cont_person_id")


def _list2(ctx: _Context) -> pl.DataFrame:
    eh = ctx.data["ssd_early_help_episodes"].filter(ctx.in_window("earl_episode_start_date"))
    return _people(ctx, eh.sort("earl_episode_start_date", "earl_episode_id"), "earl_person_id")


def _list3(ctx: _Context) -> pl.DataFrame:
    refs = ctx.data["ssd_cin_episodes"].filter(ctx.in_window("cine_referral_date"))
    counts = ctx.count_in_window("ssd_cin_episodes", "cine_person_id", "cine_referral_date", "n")
    out = _people(ctx, refs.sort("cine_referral_date", "cine_referral_id"), "cine_person_id")
    out = out.join(counts, on="pers_person_id", how="left")
    return out.with_columns(
        pl.col("n").fill_null(0).alias("Number of Referrals in Last 12 Months"),
        ctx.team_names("cine_referral_team").alias("cine_referral_team"),
        ctx.worker_names("cine_referral_worker_id").alias("cine_referral_worker_id"),
    )


def _list4(ctx: _Context) -> pl.DataFrame:
    asm = ctx.data["ssd_cin_assessments"].filter(
        ctx.open_in_window("cina_assessment_start_date", "cina_assessment_auth_date")
    )
    out = _people(ctx, asm.sort("cina_assessment_start_date", "cina_assessment_id"), "cina_person_id")
    return out.with_columns(
        ctx.team_names("cina_assessment_team").alias("cina_assessment_team"),
        ctx.worker_names("cina_assessment_worker_id").alias("cina_assessment_worker_id"),
    )


def _list5(ctx: _Context) -> pl.DataFrame:
    s47 = ctx.data["ssd_s47_enquiry"].filter(ctx.in_window("s47e_s47_start_date"))
    icpc = (
        ctx.data["ssd_initial_cp_conference"]
        .select("icpc_s47_enquiry_id", "icpc_icpc_date", "icpc_icpc_outcome_cp_flag")
        .unique("icpc_s47_enquiry_id", keep="first", maintain_order=True)
    )
    s47 = s47.join(icpc, left_on="s47e_s47_enquiry_id", right_on="icpc_s47_enquiry_id", how="left")
    n47 = ctx.count_in_window("ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date", "n47")
    nicpc = ctx.count_in_window("ssd_initial_cp_conference", "icpc_person_id", "icpc_icpc_date", "nicpc")
    out = _people(ctx, s47.sort("s47e_s47_start_date", "s47e_s47_enquiry_id"), "s47e_person_id")
    out = out.join(n47, on="pers_person_id", how="left").join(nicpc, on="pers_person_id", how="left")
    return out.with_columns(
        pl.col("n47").fill_null(0).alias("Number of Section 47 Enquiries in the last 12 months"),
        pl.col("nicpc").fill_null(0).alias("Number of ICPCs in the last 12 months"),
        ctx.team_names("s47e_s47_completed_by_team").alias("s47e_s47_completed_by_team"),
        ctx.worker_names("s47e_s47_completed_by_worker_id").alias("s47e_s47_completed_by_worker_id"),
    )


def _list6(ctx: _Context) -> pl.DataFrame:
    cin = ctx.data["ssd_cin_episodes"].filter(
        ctx.open_in_window("cine_referral_date", "cine_close_date")
        & pl.col("cine_referral_nfa").fill_null("N").ne("Y")
    )
    seen = ctx.latest("ssd_cin_visits", "cinv_person_id", "cinv_cin_visit_date", ["cinv_cin_visit_date"])
    out = _people(ctx, cin.sort("cine_referral_date", "cine_referral_id"), "cine_person_id")
    out = out.join(seen, on="pers_person_id", how="left")
    return out.with_columns(
        ctx.team_names("cine_referral_team").alias("cine_referral_team"),
        ctx.worker_names("cine_referral_worker_id").alias("cine_referral_worker_id"),
    )


def _allocation(ctx: _Context) -> pl.DataFrame:
    invo = ctx.data["ssd_involvements"].filter(
        (pl.col("invo_professional_role_id").fill_null("SW") == "SW")
        & ctx.open_in_window("invo_involvement_start_date", "invo_involvement_end_date")
    )
    return (
        invo.sort("invo_involvement_start_date")
        .group_by("invo_person_id", maintain_order=True)
        .last()
        .select(
            pl.col("invo_person_id").alias("pers_person_id"),
            ctx.team_names("invo_professional_team").alias("invo_professional_team"),
            ctx.worker_names("invo_professional_id").alias("invo_professional_id"),
        )
    )


def _list7(ctx: _Context) -> pl.DataFrame:
    plans = ctx.data["ssd_cp_plans"].filter(
        ctx.open_in_window("cppl_cp_plan_start_date", "cppl_cp_plan_end_date")
    )
    visits = ctx.latest(
        "ssd_cp_visits",
        "cppv_person_id",
        "cppv_cp_visit_date",
        ["cppv_cp_visit_date", "cppv_cp_visit_seen_alone"],
    )
    reviews = ctx.latest("ssd_cp_reviews", "cppr_person_id", "cppr_cp_review_date", ["cppr_cp_review_date"])
    earlier = (
        ctx.data["ssd_cp_plans"]
        .filter(pl.col("cppl_cp_plan_end_date") < pl.lit(ctx.start))
        .group_by("cppl_person_id")
        .agg(pl.len().cast(pl.Int64).alias("prev"))
        .rename({"cppl_person_id": "pers_person_id"})
    )
    out = _people(ctx, plans.sort("cppl_cp_plan_start_date", "cppl_cp_plan_id"), "cppl_person_id")
    out = out.join(visits, on="pers_person_id", how="left").join(reviews, on="pers_person_id", how="left")
    out = out.join(earlier, on="pers_person_id", how="left").join(
        _allocation(ctx), on="pers_person_id", how="left"
    )
    return out.with_columns(pl.col("prev").fill_null(0).alias("Number of Previous Child Protection Plans"))


def _list8(ctx: _Context) -> pl.DataFrame:
    eps = ctx.data["ssd_cla_episodes"].filter(
        ctx.open_in_window("clae_cla_episode_start_date", "clae_cla_episode_ceased_date")
    )
    # one row per child: the latest episode of the window, with its period's start
    eps = eps.sort("clae_cla_episode_start_date").group_by("clae_person_id", maintain_order=True).last()
    place = ctx.data["ssd_cla_placement"].select(
        "clap_cla_placement_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_type",
        "clap_cla_placement_provider",
        "clap_cla_placement_postcode",
        "clap_cla_placement_urn",
    )
    legal = ctx.latest(
        "ssd_legal_status",
        "lega_person_id",
        "lega_legal_status_start_date",
        ["lega_legal_status", "lega_legal_status_start_date"],
    )
    reviews = (
        ctx.data["ssd_cla_reviews"]
        .filter(pl.col("clar_cla_review_date") <= pl.lit(ctx.as_at))
        .group_by("clar_cla_id")
        .agg(pl.col("clar_cla_review_date").max())
    )
    visits = ctx.latest("ssd_cla_visits", "clav_person_id", "clav_cla_visit_date", ["clav_cla_visit_date"])
    health = ctx.data["ssd_cla_health"].filter(
        (pl.col("clah_health_check_date") <= pl.lit(ctx.as_at))
        & (pl.col("clah_health_check_status").fill_null("COMPLETED") == "COMPLETED")
    )
    assessments = (
        health.filter(pl.col("clah_health_check_type").is_in(["IHA", "RHA"]))
        .group_by("clah_person_id")
        .agg(pl.col("clah_health_check_date").max().alias("clah_health_check_date@RHA"))
        .rename({"clah_person_id": "pers_person_id"})
    )
    dental = (
        health.filter(pl.col("clah_health_check_type") == "DENTAL")
        .group_by("clah_person_id")
        .agg(pl.col("clah_health_check_date").max().alias("clah_health_check_date@DENTAL"))
        .rename({"clah_person_id": "pers_person_id"})
    )
    out = eps.join(place, left_on="clae_cla_placement_id", right_on="clap_cla_placement_id", how="left")
    out = out.join(reviews, left_on="clae_cla_id", right_on="clar_cla_id", how="left")
    out = _people(ctx, out.sort("clae_entered_care_date", "clae_person_id"), "clae_person_id")
    for extra in (legal, visits, assessments, dental, _allocation(ctx)):
        out = out.join(extra, on="pers_person_id", how="left")
    return out


def _list9(ctx: _Context) -> pl.DataFrame:
    leavers = ctx.data["ssd_care_leavers"].filter(
        pl.col("clea_care_leaver_latest_contact") <= pl.lit(ctx.as_at)
    )
    latest = (
        leavers.sort("clea_care_leaver_latest_contact").group_by("clea_person_id", maintain_order=True).last()
    )
    out = _people(ctx, latest.sort("clea_person_id"), "clea_person_id")
    return out.with_columns(
        ctx.team_names("clea_care_leaver_allocated_team").alias("clea_care_leaver_allocated_team"),
        ctx.worker_names("clea_care_leaver_worker_id").alias("clea_care_leaver_worker_id"),
        ctx.worker_names("clea_care_leaver_personal_advisor").alias("clea_care_leaver_personal_advisor"),
    )


def _list10(ctx: _Context) -> pl.DataFrame:
    perm = ctx.data["ssd_permanence"].filter(
        pl.col("perm_adm_decision_date").is_not_null()
        & (pl.col("perm_adm_decision_date") <= pl.lit(ctx.as_at))
        & (
            pl.col("perm_permanence_order_date").is_null()
            | (pl.col("perm_permanence_order_date") >= pl.lit(ctx.start))
        )
        & (pl.col("perm_permanence_order_type").fill_null("ADOPTION") == "ADOPTION")
    )
    entered = (
        ctx.data["ssd_cla_episodes"]
        .group_by("clae_cla_id")
        .agg(pl.col("clae_entered_care_date").min().alias("Date the Child Entered Care"))
    )
    out = perm.join(entered, left_on="perm_cla_id", right_on="clae_cla_id", how="left")
    return _people(ctx, out.sort("perm_adm_decision_date", "perm_table_id"), "perm_person_id")


def _list11(ctx: _Context) -> pl.DataFrame:
    return pl.DataFrame()

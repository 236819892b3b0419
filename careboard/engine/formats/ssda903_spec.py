"""What an SSDA903 return is made of: its tables, their columns, and the codes each year allows.

The DfE identifies a 903 CSV file by its columns, not its name (``lac_validator.config``); so do
we. Columns are in the order the DfE's own tools write them. A collection year is named by the
year it ends in: 2025 is 2024/25 (1 April 2024 - 31 March 2025), whose ruleset is ``lac2024_25``.
"""

from __future__ import annotations

from datetime import date

COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_for_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "previous_permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "dolo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

DATE_COLUMNS: frozenset[str] = frozenset(
    {
        "DOB",
        "MC_DOB",
        "DECOM",
        "DEC",
        "REVIEW",
        "DUC",
        "DATE_INT",
        "DATE_MATCH",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "MIS_START",
        "MIS_END",
        "SW_DECOM",
        "SW_DEC",
        "DOLO_START",
        "DOLO_END",
    }
)

# The tables written for a collection year, in this order (sw_episodes and dolo are read only).
WRITTEN = (
    "header",
    "episodes",
    "reviews",
    "uasc",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "missing",
)

FIRST_YEAR = 2023  # 2022/23, the oldest collection year read without a warning

# Codes any supported year (2022/23 onward) accepts, in that year's spelling. A value outside
# these is kept but reported, so a council sees it before the DfE does.
_PLACE = "A3 A4 A5 A6 H5 K1 K2 K3 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1 Z11 Z12 Z13 Z14"
CODES: dict[tuple[str, str], frozenset[str]] = {
    (t, c): frozenset(v.split())
    for (t, c), v in {
        ("header", "SEX"): "M F U 1 2",
        ("uasc", "SEX"): "M F U 1 2",
        ("header", "ETHNIC"): "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR "
        "BOTH CHNE OOTH REFU NOBT",
        ("header", "MOTHER"): "0 1",
        ("episodes", "RNE"): "S L P T B U",
        ("episodes", "LS"): "C1 C2 D1 E1 V2 V3 V4 L1 L2 L3 J1 J2 J3",
        ("episodes", "CIN"): "N1 N2 N3 N4 N5 N6 N7 N8",
        ("episodes", "PLACE"): _PLACE,
        ("episodes", "PLACE_PROVIDER"): "PR0 PR1 PR2 PR3 PR4 PR5",
        ("episodes", "REC"): "X1 E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E9 E14 E15 E16 "
        "E17 E8",
        ("episodes", "REASON_PLACE_CHANGE"): "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE "
        "CUSTOD OTHER",
        ("reviews", "REVIEW_CODE"): "PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7",
        ("oc2", "SDQ_REASON"): "SDQ1 SDQ2 SDQ3 SDQ4 SDQ5",
        ("oc3", "IN_TOUCH"): "YES NO DIED REFU NREQ RHOM",
        ("oc3", "ACTIV"): "F1 P1 F2 P2 F4 P4 F5 P5 G4 G5 G6 0",
        ("oc3", "ACCOM"): "B1 B2 C1 C2 D1 D2 E1 E2 G1 G2 H1 H2 K1 K2 R1 R2 S1 S2 T1 T2 U1 U2 V1 V2 W1 W2 "
        "X1 X2 Y1 Y2 Z1 Z2 0",
        ("ad1", "FOSTER_CARE"): "0 1",
        ("ad1", "SEX_ADOPTR"): "M1 F1 MM FF MF",
        ("ad1", "LS_ADOPTR"): "L0 L11 L12 L2 L3 L4",
        ("placed_for_adoption", "REASON_PLACED_CEASED"): "RD1 RD2 RD3 RD4",
        ("previous_permanence", "PREV_PERM"): "P1 P2 P3 P4 Z1",
        ("missing", "MISSING"): "M A",
        ("sw_episodes", "SW_REASON"): "MANAGE FCONTA LEFTRL ORGRST TSPROC ABSENC CHCHAN PCCHAN SWDIED OTHERS",
    }.items()
}

# Placement types that have no provider (the DfE rejects PLACE_PROVIDER on them).
NO_PROVIDER = frozenset({"T0", "T1", "T2", "T3", "Z1", "Z11", "Z12", "Z13", "Z14"})


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of collection year ``year`` (the year it ends in)."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def year_containing(day: date) -> int:
    """The collection year (named by the year it ends in) that ``day`` falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def ruleset(year: int) -> str:
    """The DfE validator ruleset for collection year ``year``: 2025 -> 'lac2024_25'."""
    return f"lac{year - 1}_{year % 100:02d}"


SEX_NUMERIC = {"1": "M", "2": "F"}  # the 903's sex codes up to 2023/24, as today's M / F


def sex_codes_numeric(year: int) -> bool:
    """Before 2024/25 the 903 spelt sex 1 (male) / 2 (female); from 2024/25 M / F / U."""
    return year < 2025

"""Journey parameters: monthly practice quality, demand flows and the shapes of durations.

Quality is a set of probabilities (e.g. the chance an assessment is authorised within 45 working
days) given for three states: ``england`` (near the national figure), ``poor`` (a council judged
inadequate) and ``good`` (better than England). A journey interpolates month by month between
them; every timeliness draw in the generator reads the value for the month the event falls due.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from careboard.engine.generate.days import FloatArray, IntArray

Journey = Literal["steady", "improving", "declining"]

# name: (england, poor, good). Probabilities unless the name says otherwise.
QUALITY: dict[str, tuple[float, float, float]] = {
    "contact_24h": (0.82, 0.55, 0.95),  # contact decision within 24 hours
    "seen_5wd": (0.80, 0.55, 0.93),  # child seen within 5 working days of referral
    "assessment_45wd": (0.857, 0.65, 0.93),  # CIN05
    "icpc_15wd": (0.814, 0.60, 0.92),  # CIN08
    "cp_visit": (0.85, 0.60, 0.95),  # CP visit within 10 working days of the last
    "cin_visit": (0.80, 0.55, 0.93),  # CIN visit within 20 working days
    "cla_visit": (0.88, 0.62, 0.96),  # CLA visit within 6 weeks
    "review": (0.90, 0.70, 0.97),  # CP, CLA and CIN plan reviews on time
    "oversight": (0.80, 0.35, 0.96),  # management oversight within 8 weeks of the last
    "supervision": (0.80, 0.40, 0.95),  # supervision within 6 weeks of the last
    "iha_20wd": (0.45, 0.20, 0.80),  # initial health assessment within 20 working days
    "rha": (0.88, 0.65, 0.95),  # review health assessment on time
    "dental": (0.80, 0.60, 0.90),
    "immunised": (0.85, 0.70, 0.93),
    "pep": (0.85, 0.60, 0.95),
    "rhi_offered": (0.85, 0.60, 0.95),
    "rhi_72h": (0.80, 0.45, 0.92),
    "iro_notice": (0.60, 0.15, 0.97),  # placement move notified to the IRO within 2 working days
    "pathway_plan": (0.85, 0.60, 0.95),  # pathway plan reviewed within 6 months
    "in_touch": (0.91, 0.82, 0.95),
    "suitable": (0.95, 0.80, 0.97),
    "eet": (0.55, 0.45, 0.62),
    "plo_16wk": (0.60, 0.35, 0.82),  # pre-proceedings concluded within 16 weeks
    "proceedings_26wk": (0.35, 0.20, 0.55),
    # rates and multipliers (not probabilities)
    "turnover": (0.14, 0.26, 0.11),  # annual leaving hazard of permanent social workers
    "vacancy_gap_years": (1.40, 1.80, 0.65),  # mean time a post stays vacant after a leaver
    "agency_cover": (1.0, 1.0, 0.9),  # chance a vacancy is covered by an agency worker
    "move_rate": (1.00, 1.40, 0.80),  # placement moves hazard multiplier
    "residential": (1.00, 1.70, 0.75),  # residential placement choice multiplier
    "cp_length": (1.00, 1.25, 0.90),  # CP plan duration multiplier
}

# Demand per 10,000 children aged 0-17 per year (England, DfE 2025; see calibration targets).
REFERRALS_PER_10K = 519.4
CONTACTS_PER_REFERRAL = 3.2
REREFERRAL_P = 0.45
REREFERRAL_AFTER_CP_P = 0.6  # chance a closed case is referred again
REREFERRAL_GAP_DAYS = 200.0  # mean gap between closure and the next referral
P_NFA = 0.065  # referral NFA
P_S47 = 0.364  # s47 enquiries per referral
P_ICPC_GIVEN_S47 = 0.28
P_S47_AGAIN = 0.6  # s47 enquiries on re-referral of a child who was on a plan before
P_ICPC_AGAIN = 0.55
P_CP_GIVEN_ICPC = 0.80
P_TRANSFER_IN = 0.01  # CP plans that arrive as transfer-in conferences
P_DIRECT_CLA = 0.03  # referrals leading straight into care (emergency, UASC)
P_NOT_IN_NEED_S47 = 0.40
P_NOT_IN_NEED_OTHER = 0.37
P_NFA_EARLY_HELP = 0.35  # of closures after assessment, referred to early help (RC9)
P_CIN_TO_CLA = 0.035
P_CP_TO_CLA = 0.18
P_CP_TO_CIN = 0.50
P_PLO_GIVEN_CP = 0.22
CP_MEDIAN_DAYS = 200.0
CP_SIGMA = 0.6
CP_LONG_SHARE = 0.045  # plans that run on past two years (CIN11)
CIN_PLAN_MEDIAN_DAYS = 140.0
STEP_DOWN_MEDIAN_DAYS = 110.0
CIN_PLAN_SIGMA = 0.75
CLA_ENTRIES_PER_10K = 21.0  # used for the history of children already in care when the run starts

WARMUP_YEARS = 2  # history simulated before the start so stocks are settled

# The synthetic council keeps its own name but borrows a real council's geography (London Borough
# of Richmond upon Thames) so that DfE validators, which look placement postcodes up in the ONS
# postcode directory, find its postcodes inside and outside the council's area.
LA_NAME = "Synthetic Borough Council"
LA_ONS_CODE = "E09000027"  # ONS code of Richmond upon Thames
LA_NUMBER = "318"  # DfE LA number of Richmond upon Thames

# Age at a child's first referral, years 0..17 (unborn counted as 0).
AGE_WEIGHTS = np.array([10, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6.5, 7, 7.5, 8, 7.5, 6], dtype=np.float64)

SOURCES = (
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
)
SOURCE_WEIGHTS = np.array(
    [3, 1.5, 0.5, 1, 19, 1.5, 4, 2, 0.5, 2, 3, 3, 2, 5, 2, 1, 2, 29, 2, 10, 1, 5], dtype=np.float64
)
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
NEED_WEIGHTS = np.array([57, 9, 3, 8, 16, 2, 0.3, 4.7], dtype=np.float64)
CP_CATEGORIES = ("NEG", "EMO", "PHY", "SAB", "MUL")
CP_CATEGORY_WEIGHTS = np.array([50, 36, 6, 4, 4], dtype=np.float64)
ETHNICITIES = (
    "WBRI",
    "WIRI",
    "WOTH",
    "WIRT",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
ETHNICITY_WEIGHTS = np.array(
    [66, 0.5, 6, 0.3, 0.7, 2.5, 1, 1.5, 2.5, 1.5, 2.5, 1.5, 1, 1, 3.5, 1, 0.3, 2.5, 0.7, 3.5],
    dtype=np.float64,
)


@dataclass(frozen=True)
class Quality:
    """Monthly quality values, month 0 = the month the simulation (including warm-up) starts."""

    values: dict[str, FloatArray]

    def at(self, name: str, month: IntArray) -> FloatArray:
        series = self.values[name]
        return series[np.clip(month, 0, len(series) - 1)]


def quality_curve(journey: Journey, warmup_months: int, run_months: int) -> Quality:
    """Quality for each month: flat during warm-up, then the journey's path over the run."""
    total = warmup_months + run_months
    share = np.zeros(total, dtype=np.float64)
    if run_months > 1:
        # a smooth S-shaped path: improvement is slow to start, then quicker, then levels off
        x = np.linspace(0.0, 1.0, run_months)
        share[warmup_months:] = x * x * (3 - 2 * x)
    values: dict[str, FloatArray] = {}
    for name, (england, poor, good) in QUALITY.items():
        if journey == "steady":
            values[name] = np.full(total, england, dtype=np.float64)
        elif journey == "improving":
            values[name] = poor + (good - poor) * share
        else:
            values[name] = good + (poor - good) * share
    return Quality(values)

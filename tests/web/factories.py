"""A tiny synthetic council for the web tests: three teams, four workers, three children, and a
two-indicator catalogue (one child-level, one about staff) written for these tests only.

Teams T1 and T2 form service area A1; T3 is in A2. Child C1 is held by worker W1 in T1 (and has
IRO1 as IRO), C2 by W2 in T2, C3 by W3 in T3. The data runs to 15 March 2026.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from careboard.engine.indicators.core import Indicator, Period, Settings, allocation_at, finish_rows
from careboard.engine.store import Dataset

AS_AT = date(2026, 3, 15)


def tables() -> dict[str, pl.DataFrame]:
    return {
        "ssd_department": pl.DataFrame(
            {
                "dept_team_id": ["T1", "T2", "T3"],
                "dept_team_name": ["North one", "North two", "South"],
                "dept_team_parent_id": ["A1", "A1", "A2"],
                "dept_team_parent_name": ["North", "North", "South"],
            }
        ),
        "ssd_professionals": pl.DataFrame(
            {
                "prof_professional_id": ["W1", "W2", "W3", "IRO1"],
                "prof_professional_name": ["Ann Worker", "Bob Worker", "Cat Worker", "Ira Reviewer"],
                "prof_team_id": ["T1", "T2", "T3", "T3"],
            }
        ),
        "ssd_person": pl.DataFrame(
            {
                "pers_person_id": ["C1", "C2", "C3"],
                "pers_forename": ["Alex", "Blake", "Casey"],
                "pers_surname": ["One", "Two", "Three"],
                "pers_dob": [date(2015, 1, 1), date(2016, 2, 2), date(2017, 3, 3)],
            }
        ),
        "ssd_involvements": pl.DataFrame(
            {
                "invo_involvements_id": ["I1", "I2", "I3", "I4"],
                "invo_person_id": ["C1", "C2", "C3", "C1"],
                "invo_professional_id": ["W1", "W2", "W3", "IRO1"],
                "invo_professional_role_id": ["SW", "SW", "SW", "IRO"],
                "invo_professional_team": ["T1", "T2", "T3", "T3"],
                "invo_involvement_start_date": [date(2025, 1, 1)] * 4,
                "invo_involvement_end_date": [None, None, None, None],
            },
            schema_overrides={"invo_involvement_end_date": pl.Date},
        ),
        "ssd_cin_visits": pl.DataFrame(
            {
                "cinv_cin_visit_id": ["V1", "V2"],
                "cinv_person_id": ["C1", "C1"],
                "cinv_cin_visit_date": [date(2026, 1, 20), date(2026, 3, 10)],
            }
        ),
        "ssd_contacts": pl.DataFrame(
            {
                "cont_contact_id": ["K1"],
                "cont_person_id": ["C1"],
                "cont_contact_date": [AS_AT],
            }
        ).with_columns(pl.col("cont_contact_date").cast(pl.Datetime("us"))),
    }


def visits_rows(data: Dataset, period: Period, settings: Settings) -> pl.DataFrame:
    """Each allocated child counts; met when visited in the 30 days to the period's end."""
    alloc = allocation_at(data, period.end)
    visits = (
        data["ssd_cin_visits"]
        .filter(pl.col("cinv_cin_visit_date") <= period.end)
        .group_by("cinv_person_id")
        .agg(pl.col("cinv_cin_visit_date").max().alias("last"))
        .rename({"cinv_person_id": "person_id"})
    )
    rows = alloc.join(visits, on="person_id", how="left").with_columns(
        due_date=(pl.col("last").fill_null(pl.lit(date(2025, 1, 1))) + pl.duration(days=30)),
    )
    met = pl.col("due_date") >= pl.lit(period.end)
    return finish_rows(
        rows.select(
            "person_id",
            "team_id",
            "worker_id",
            in_numerator=met,
            due_date="due_date",
            done_date=pl.when(met).then(pl.col("last")),
            days_overdue=pl.when(~met).then((pl.lit(period.end) - pl.col("due_date")).dt.total_days()),
        )
    )


def staff_rows(data: Dataset, period: Period, settings: Settings) -> pl.DataFrame:
    prof = data["ssd_professionals"]
    return finish_rows(
        prof.select(person_id="prof_professional_id", team_id="prof_team_id", in_numerator=pl.lit(True))
    )


VISITS = Indicator(
    id="TV01",
    title="Children visited in the last 30 days",
    area="Children in need",
    definition="Allocated children seen in the 30 days to the month's end.",
    numerator="children visited in the 30 days",
    denominator="allocated children",
    unit="percent",
    polarity="higher_is_better",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=60.0,
    upper=90.0,
    rows=visits_rows,
)
STAFF = Indicator(
    id="TW01",
    title="Workers",
    area="Workforce",
    definition="Workers in post.",
    numerator="workers",
    denominator="",
    unit="count",
    polarity="context",
    period_kind="snapshot",
    timescale="",
    timescale_ref=None,
    national_ref=None,
    lower=None,
    upper=None,
    rows=staff_rows,
    child_level=False,
)
CATALOGUE = {VISITS.id: VISITS, STAFF.id: STAFF}

from datetime import date

import polars as pl

from tests.engine.generate.test_invariants import (
    _periods_of_care,
    check_missing_periods_are_closed_by_the_time_care_ends,
    check_sdq_convictions_and_substance_misuse_only_while_looked_after,
)

YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)


def test_rows_only_for_children_looked_after_and_while_they_are(big_council):
    check_sdq_convictions_and_substance_misuse_only_while_looked_after(big_council)
    check_missing_periods_are_closed_by_the_time_care_ends(big_council)


def test_every_child_looked_after_for_a_year_aged_4_to_16_has_one_sdq_in_the_year(big_council):
    periods = _periods_of_care(big_council).join(
        big_council["ssd_person"].select("pers_person_id", "pers_dob"),
        left_on="person",
        right_on="pers_person_id",
    )
    cohort = periods.filter(
        # the DfE's "continuously looked after": in care on 1 April, not left before 31 March
        (pl.col("start") <= YEAR_START)
        & (pl.col("end").is_null() | (pl.col("end") >= YEAR_END))
        & (pl.col("pers_dob").dt.offset_by("4y") <= YEAR_END)
        & (pl.col("pers_dob").dt.offset_by("17y") >= YEAR_START)
    )
    sdq = big_council["ssd_sdq_scores"].filter(
        pl.col("csdq_sdq_completed_date").is_between(YEAR_START, YEAR_END)
    )
    per_child = cohort.join(
        sdq.group_by("csdq_person_id").len(), left_on="person", right_on="csdq_person_id", how="left"
    )
    assert cohort.height > 50
    assert (per_child["len"].fill_null(0) == 1).all()
    no_score = sdq["csdq_sdq_score"].is_null().mean()
    assert 0.1 < no_score < 0.35, no_score


def test_convictions_and_substance_misuse_are_a_few_percent_of_older_children_in_care(big_council):
    periods = _periods_of_care(big_council).join(
        big_council["ssd_person"].select("pers_person_id", "pers_dob"),
        left_on="person",
        right_on="pers_person_id",
    )
    older = periods.filter(
        (pl.col("start") <= YEAR_END)
        & (pl.col("end").is_null() | (pl.col("end") >= YEAR_START))
        & (pl.col("pers_dob").dt.offset_by("10y") <= YEAR_END)
    )["person"].unique()
    for name, person, day in (
        ("ssd_cla_convictions", "clac_person_id", "clac_cla_conviction_date"),
        ("ssd_cla_substance_misuse", "clas_person_id", "clas_substance_misuse_date"),
    ):
        rows = big_council[name].filter(pl.col(day).is_between(YEAR_START, YEAR_END))
        share = rows[person].n_unique() / older.len()
        assert 0.005 < share < 0.08, (name, share)

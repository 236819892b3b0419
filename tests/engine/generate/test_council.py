from datetime import date

import polars as pl
import pytest

from careboard.engine.generate import generate_council
from careboard.engine.schema import TABLES


@pytest.fixture(scope="module")
def small() -> dict[str, pl.DataFrame]:
    return generate_council(
        seed=3, population=2000, start=date(2024, 4, 1), end=date(2026, 3, 31), journey="steady"
    )


def test_it_returns_every_canonical_table_conformed(small):
    assert set(small) == set(TABLES)
    for name, df in small.items():
        assert df.schema == TABLES[name].schema, name


def test_the_same_seed_gives_the_same_council():
    kw = dict(population=1500, start=date(2025, 1, 1), end=date(2025, 12, 31), journey="improving")
    a = generate_council(seed=11, **kw)
    b = generate_council(seed=11, **kw)
    for name in TABLES:
        assert a[name].equals(b[name]), name


def test_a_different_seed_gives_a_different_council():
    kw = dict(population=1500, start=date(2025, 1, 1), end=date(2025, 12, 31), journey="steady")
    assert not generate_council(seed=1, **kw)["ssd_cin_episodes"].equals(
        generate_council(seed=2, **kw)["ssd_cin_episodes"]
    )


def test_it_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="before start"):
        generate_council(
            seed=1, population=1000, start=date(2025, 1, 1), end=date(2024, 1, 1), journey="steady"
        )


def test_nothing_happens_after_the_end(small):
    end = date(2026, 3, 31)
    for name, df in small.items():
        for col, dtype in df.schema.items():
            if dtype == pl.Date and not col.startswith(
                (
                    "pers_",
                    "staf_dob",
                    "staf_qual",
                    "icpc_icpc_target",
                    "cppr_cp_review_due",
                    "clar_cla_review_due",
                    "immi_immigration_status_end",
                )
            ):
                assert df.filter(pl.col(col) > end).height == 0, f"{name}.{col}"

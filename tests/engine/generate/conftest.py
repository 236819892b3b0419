from datetime import date

import polars as pl
import pytest

from careboard.engine.generate import generate_council

BIG_END = date(2026, 3, 31)


@pytest.fixture(scope="session")
def big_council() -> dict[str, pl.DataFrame]:
    """A council large enough for shares and rare events: 20,000 children over five years."""
    return generate_council(
        seed=2025, population=20_000, start=date(2021, 4, 1), end=BIG_END, journey="steady"
    )

"""A million-row SSD file reads with bounded memory (peak RSS measured, not time)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

ROWS = 1_000_000
PEAK_RSS_LIMIT_MB = 1500  # the file is ~55 MB; the canonical frame ~100 MB

MEASURE = """
import json, resource, sys
from pathlib import Path
from careboard.engine.formats import ssd
result = ssd.read([Path(sys.argv[1])])
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"placed": result.tables["ssd_contacts"].height, "errors": len(result.errors),
                  "issues": len(result.issues), "peak_mb": peak_mb}))
"""


def _million_contacts(path: Path) -> None:
    rng = np.random.default_rng(7)
    days = pl.date_range(pl.date(2020, 1, 1), pl.date(2024, 12, 31), eager=True)
    pl.DataFrame(
        {
            "cont_contact_id": pl.int_range(ROWS, eager=True).cast(pl.String),
            "cont_person_id": rng.integers(1, 65_000, ROWS).astype(str),
            "cont_contact_date": days.sample(ROWS, with_replacement=True, seed=7).dt.strftime("%d/%m/%Y"),
            "cont_contact_source_code": rng.choice(["1A", "2A", "6", "8"], ROWS),
            "cont_contact_outcome_json": ['{"outcome": "NFA"}'] * ROWS,
        }
    ).write_csv(path)
    # two bad rows among a million: both are found and located, the rest are placed
    with path.open("a") as fh:
        fh.write("x1,5,31/02/2024,6,\n")
        fh.write("x2,5,never,6,\n")


@pytest.mark.slow
def test_a_million_row_csv_reads_with_bounded_memory(tmp_path: Path):
    path = tmp_path / "ssd_contacts.csv"
    _million_contacts(path)
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
    )
    figures = json.loads(out.stdout)
    assert figures["placed"] == ROWS
    assert figures["errors"] == 2
    assert figures["peak_mb"] < PEAK_RSS_LIMIT_MB, figures

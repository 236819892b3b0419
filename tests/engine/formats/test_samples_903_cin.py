"""Every public SSDA903 and CIN census sample reads without a crash; its issue counts match the
table in docs/formats.md. A 903 sample folder is read as one return (its files together)."""

import re
from pathlib import Path

from careboard.engine.formats import cin_census, ssda903
from careboard.engine.formats.common import ReadResult
from tests.conftest import SHARED, require_shared

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = SHARED / "samples"
DOC = ROOT / "docs" / "formats.md"


def _documented() -> dict[str, tuple[str, int, int, int, int]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"(ssda903|cin_census)/[\w.-]+", cells[0]) and cells[2].isdigit():
            rows[cells[0]] = (cells[1], *(int(c) for c in cells[2:]))
    return rows


def _counts(fmt: str, result: ReadResult) -> tuple[str, int, int, int, int]:
    errors = len(result.errors)
    placed = sum(df.height for df in result.tables.values())
    return (fmt, sum(result.rows_read.values()), placed, errors, len(result.issues) - errors)


def test_every_903_and_cin_sample_reads_and_its_counts_are_documented():
    require_shared("samples")
    measured = {}
    for path in sorted((SAMPLES / "ssda903").iterdir()):
        measured[f"ssda903/{path.name}"] = _counts("ssda903", ssda903.read([path]))
    for path in sorted((SAMPLES / "cin_census").glob("*.xml")):
        measured[f"cin_census/{path.name}"] = _counts("cin-census", cin_census.read([path]))
    table = "\n".join(f"| {name} | {' | '.join(map(str, v))} |" for name, v in measured.items())
    assert _documented() == measured, f"update docs/formats.md:\n{table}"

"""Every public sample file of the formats-A formats reads without a crash; its issue counts match
the table in docs/formats.md."""

import re
from pathlib import Path

from careboard.engine.formats.registry import detect, read_any
from tests.conftest import SHARED, require_shared

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = SHARED / "samples"
DOC = ROOT / "docs" / "formats.md"
FOLDERS = ("annex_a", "csww")


def _documented() -> dict[str, tuple[str, int, int, int, int]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"[\w.-]+/[\w.-]+", cells[0]) and cells[2].isdigit():
            rows[cells[0]] = (cells[1], *(int(c) for c in cells[2:]))
    return rows


def _samples() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (SAMPLES / folder).glob("*") if p.is_file())


def test_every_sample_reads_and_its_counts_are_documented():
    require_shared("samples")
    documented = _documented()
    measured = {}
    for path in _samples():
        result = read_any([path])
        errors = len(result.errors)
        measured[f"{path.parent.name}/{path.name}"] = (
            detect(path),
            sum(result.rows_read.values()),
            sum(df.height for df in result.tables.values()),
            errors,
            len(result.issues) - errors,
        )
    table = "\n".join(f"| {name} | {' | '.join(map(str, v))} |" for name, v in measured.items())
    assert {k: documented.get(k) for k in measured} == measured, f"update docs/formats.md:\n{table}"

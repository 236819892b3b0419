"""Running the DfE's own validators, which live in a venv of their own (scripts/validators.sh).

They pin pandas 1.x, so they are never careboard dependencies: each run is a subprocess of the
validators' python on a driver script in ``drivers/`` that prints JSON after a marker line.
Locally, a missing venv skips the conformance tests with the command that installs it; in CI
(``CI=true``) a missing venv fails them, so conformance can never silently stop being checked.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DRIVERS = Path(__file__).parent / "drivers"
MARK = "@@careboard-json@@"


def venv_python() -> Path:
    venv = Path(os.environ.get("CAREBOARD_VALIDATORS_VENV", ROOT / ".venv-validators"))
    return venv / "bin" / "python"


def require_validators() -> Path:
    python = venv_python()
    if python.exists():
        return python
    message = f"the DfE validators are not installed at {python.parent.parent}: run scripts/validators.sh"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _run(args: list[str]) -> dict:
    python = require_validators()
    done = subprocess.run([str(python), *args], capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if done.returncode != 0 or MARK not in done.stdout:
        raise AssertionError(f"validator driver failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.split(MARK, 1)[1])


def run_903(
    year: int,
    this: list[Path],
    last: list[Path] | None = None,
    select: list[str] | None = None,
    la: str | None = None,
) -> dict:
    """Validate 903 files for collection ``year`` (named by the year it ends in) as returned by
    the council with ONS code ``la`` (the driver's default, E09000027, when not given): the
    validator compares placement postcodes' LA with it (1015, 411)."""
    args = [
        str(DRIVERS / "dfe_903.py"),
        f"lac{year - 1}_{year % 100:02d}",
        str(year),
        "--this",
        *map(str, this),
    ]
    if la:
        args += ["--la", la]
    if last:
        args += ["--last", *map(str, last)]
    if select:
        args += ["--select", *select]
    return _run(args)


def run_cin(year: int, path: Path) -> dict:
    return _run([str(DRIVERS / "dfe_cin.py"), f"cin{year - 1}_{year % 100:02d}", str(path)])

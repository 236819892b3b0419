"""SSDA903 and CIN census rows of scripts/bench_formats.py.

careboard writes the return for a collection year from canonical data and reads it back (files
to canonical tables with located issues). Beside it, on the same files, the open tools' readers
that run here, each timed inside its own process around the read only:

- the DfE validators' own readers (``lac_validator.ingress.read_from_text`` for the 903 CSVs,
  ``ElementTree`` + ``cin_validator.convert_data`` / ``process_data`` for the census), in the
  validators' venv (scripts/validators.sh);
- liiatools 0.2.0 ``cleanfile`` (903: each CSV file in turn; CIN: the XML), in its own venv.

The ratio is the fastest tool's time over careboard's read.

With ``--full-validation`` the script makes a second, different comparison instead: reading AND
checking the return, what a council does with either tool. careboard's side is ``careboard
validate PATH...`` in-process (``registry.read_any``: the reader with every check it makes); the
DfE's is the full validator (``lac_validator.LacValidator`` with every rule of the ruleset
``lac2024_25``, given last year's 903 files too, as tests/conformance does, metadata
collectionYear 2025 and localAuthority E09000027; ``cin_validator.CinValidator`` with
``cin2024_25`` after its reader), timed inside its own process around reading + validation,
imports excluded. Usage::

    .venv/bin/python scripts/bench_903_cin.py --data /work/tmp/bench/council-65000 \\
        [--national-copies 10 | --national-cin-episodes 400000] [--national-903-episodes 250000] \\
        [--formats 903,cin] [--repeat 3] \\
        [--liiatools /work/tmp/liiatools-venv/bin/python] [--full-validation]

The national 903 is the large council's 903 children (everything the writer reads about them)
copied with distinct identifiers until the return holds ``--national-903-episodes`` episodes,
England's scale (about 115,000 children looked after in a year, each with two or more episodes);
the national CIN census is ``--national-copies`` copies of the whole council, or with
``--national-cin-episodes`` the council's census children copied until the census holds that many
CIN episodes (England's holds about 400,000).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polars as pl

from careboard.engine.formats import cin_census, ssda903
from careboard.engine.formats.registry import read_any
from careboard.engine.schema import TABLES
from careboard.engine.store import Dataset, read_dataset

YEAR = 2025  # 2024/25
LIIA_YEAR = 2024  # liiatools 0.2.0 has schemas up to 2024 and finds the year in the file name
VALIDATORS = Path(__file__).resolve().parents[1] / ".venv-validators" / "bin" / "python"

DFE_903 = """
import json, logging, sys, time
logging.disable(logging.CRITICAL)
from lac_validator.ingress import read_files, read_from_text
files = read_files(sys.argv[1:])
t = time.perf_counter()
read_from_text(files)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

DFE_CIN = """
import json, sys, time, xml.etree.ElementTree as ET
from cin_validator import cin_validator
t = time.perf_counter()
cin_validator.process_data(cin_validator.convert_data(ET.parse(sys.argv[1]).getroot()))
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

DFE_903_FULL = """
import contextlib, importlib, io, json, logging, sys, time
logging.disable(logging.CRITICAL)
with contextlib.redirect_stdout(io.StringIO()):
    from lac_validator import lac_validator
    from lac_validator.ingress import read_files
ruleset, year, n_this, *paths = sys.argv[1:]
files = read_files(paths[: int(n_this)])
for f in read_files(paths[int(n_this) :]):
    f.description = "Prev year"
    files.append(f)
registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
with contextlib.redirect_stdout(io.StringIO()):
    t = time.perf_counter()
    v = lac_validator.LacValidator(
        metadata={"collectionYear": year, "localAuthority": "E09000027"}, files=files, registry=registry
    )
    seconds = time.perf_counter() - t
flagged = sum(
    int(df[c].fillna(False).astype(bool).sum())
    for name, df in v.ds_results.items() if name != "metadata"
    for c in df.columns if str(c).startswith("ERR_")
)
print(json.dumps({"seconds": seconds, "rules": len(registry), "failed": len(v.fails),
                  "skipped": len(v.skips), "flagged": flagged}))
"""

DFE_CIN_FULL = """
import contextlib, importlib, io, json, sys, time, xml.etree.ElementTree as ET
with contextlib.redirect_stdout(io.StringIO()):
    from cin_validator import cin_validator
registry = importlib.import_module(f"cin_validator.rules.{sys.argv[1]}").registry
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    t = time.perf_counter()
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(sys.argv[2]).getroot()))
    v = cin_validator.CinValidator(data, registry)
    seconds = time.perf_counter() - t
failed = [x for x in printed.getvalue().splitlines() if x.startswith("Error with rule")]
print(json.dumps({"seconds": seconds, "rules": len(registry), "failed": len(failed),
                  "flagged": len(v.full_issue_df) + len(v.multichild_issues)}))
"""

LIIA = """
import json, logging, sys, time
logging.disable(logging.CRITICAL)
kind, out, log, *paths = sys.argv[1:]
if kind == "903":
    from liiatools.datasets.s903.s903_main_functions import cleanfile
else:
    from liiatools.datasets.cin_census.cin_cli import cleanfile
    cleanfile = cleanfile.callback
t = time.perf_counter()
for p in paths:
    cleanfile(p, "BAR", log, out)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


TOOL_TIMEOUT_S = 600.0  # a tool still reading after this is recorded as taking at least this long


def _run_tool(
    python: Path | str | None, code: str, args: list[str], cwd: Path, timeout: float = TOOL_TIMEOUT_S
) -> dict[str, float] | None:
    """The JSON the tool prints last (``seconds`` and any counts); ``{"seconds": timeout}`` when it
    was stopped at the timeout; None when it is not installed or failed."""
    if python is None or not Path(python).exists():
        return None
    try:
        done = subprocess.run(
            [str(python), "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"seconds": timeout}
    if done.returncode != 0:
        print(f"tool failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _timed(
    python: Path | str | None, code: str, args: list[str], cwd: Path, timeout: float = TOOL_TIMEOUT_S
) -> float | None:
    found = _run_tool(python, code, args, cwd, timeout)
    return None if found is None else found["seconds"]


def _liia_dirs(work: Path) -> tuple[Path, Path]:
    out, log = work / "liia-out", work / "liia-log"
    for d in (out, log):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    return out, log


def tools_903(paths: list[Path], work: Path, liia: str | None, timeout: float) -> dict[str, float]:
    found: dict[str, float] = {}
    dfe = _timed(VALIDATORS, DFE_903, [str(p) for p in paths], work, timeout)
    if dfe is not None:
        found["DfE csc-validator-be-903 reader"] = dfe
    # liiatools finds the year in the file name
    named = []
    for p in paths:
        copy = work / f"SSDA903_{LIIA_YEAR}_{p.stem}.csv"
        shutil.copy(p, copy)
        named.append(str(copy))
    out, log = _liia_dirs(work)
    liia_s = _timed(liia, LIIA, ["903", str(out), str(log), *named], work, timeout)
    if liia_s is not None:
        found["liiatools s903 cleanfile"] = liia_s
    return found


def tools_cin(path: Path, work: Path, liia: str | None, timeout: float) -> dict[str, float]:
    found: dict[str, float] = {}
    dfe = _timed(VALIDATORS, DFE_CIN, [str(path)], work, timeout)
    if dfe is not None:
        found["DfE csc-validator-be-cin reader"] = dfe
    named = work / f"CIN_Census_{LIIA_YEAR}.xml"
    shutil.copy(path, named)
    out, log = _liia_dirs(work)
    liia_s = _timed(liia, LIIA, ["cin", str(out), str(log), str(named)], work, timeout)
    if liia_s is not None:
        found["liiatools cin cleanfile"] = liia_s
    return found


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def national(data: Dataset, copies: int) -> Dataset:
    """``copies`` councils like ``data`` with identifiers made distinct per copy (throughput, not
    realism)."""
    out: dict[str, list[pl.DataFrame]] = {}
    for k in range(copies):
        for name in data:
            df = data[name]
            ids = [c for c, t in df.schema.items() if t == pl.String and c.endswith("_id")]
            out.setdefault(name, []).append(
                df.with_columns((pl.lit(f"c{k}-") + pl.col(c)).alias(c) for c in ids)
            )
    return Dataset({name: pl.concat(frames) for name, frames in out.items()})


def children_903(data: Dataset, year: int) -> Dataset:
    """The council's data about the children of its 903 return for ``year`` only (what the 903
    writer reads), so that it can be copied to national scale without copying every child."""
    ids = ssda903.tables_for_year(data, year)["header"]["CHILD"].implode()
    out: dict[str, pl.DataFrame] = {}
    for name in data:
        df = data[name]
        person = [c for c in df.columns if c.endswith("_person_id") and not c.startswith("moth_childs")]
        if person:
            out[name] = df.filter(pl.col(person[0]).is_in(ids))
    cla = out["ssd_cla_episodes"]["clae_cla_id"].implode()
    out["ssd_cla_reviews"] = data["ssd_cla_reviews"].filter(pl.col("clar_cla_id").is_in(cla))
    return Dataset(out)


def national_903(data: Dataset, episodes: int) -> tuple[Dataset, int]:
    """Copies of the council's 903 children until the return holds at least ``episodes`` episodes."""
    subset = children_903(data, YEAR)
    per_copy = ssda903.tables_for_year(subset, YEAR)["episodes"].height
    copies = max(1, -(-episodes // max(per_copy, 1)))
    return national(subset, copies), copies


def bench_903(data: Dataset, scale: str, repeat: int, liia: str | None, timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-903-") as tmp:
        work = Path(tmp)
        write_s = median_time(lambda: ssda903.write(data, work / "903", year=YEAR), repeat)
        paths = ssda903.write(data, work / "903", year=YEAR)
        counted = ssda903.read(paths)
        rows = sum(counted.rows_read.values())
        print(f"{scale}: {counted.rows_read}", flush=True)
        read_s = median_time(lambda: ssda903.read(paths), repeat)
        tools = tools_903(paths, work, liia, timeout)
        line = _line("ssda903 (10 CSV files)", scale, rows, write_s, read_s, tools, timeout)
        print(line, flush=True)
        return line


def children_cin(data: Dataset, year: int) -> Dataset:
    """The council's data about the children of its CIN census for ``year`` (what the CIN writer
    reads, and the council's population rows for its LA number), to copy to national scale."""
    ids = cin_census.tables_for_year(data, year)["child"]["LAchildID"].implode()
    out: dict[str, pl.DataFrame] = {"cb_population": data["cb_population"]}
    for name in data:
        df = data[name]
        person = [c for c in df.columns if c.endswith("_person_id") and not c.startswith("moth_childs")]
        if person:
            out[name] = df.filter(pl.col(person[0]).is_in(ids))
    return Dataset(out)


def national_cin(data: Dataset, episodes: int) -> tuple[Dataset, int]:
    """Copies of the council's CIN census children until the census holds at least ``episodes``
    CIN episodes (England's census holds about 400,000 episodes of need open in a year)."""
    subset = children_cin(data, YEAR)
    per_copy = cin_census.tables_for_year(subset, YEAR)["cin"].height
    copies = max(1, -(-episodes // max(per_copy, 1)))
    return national(subset, copies), copies


def bench(data: Dataset, scale: str, repeat: int, liia: str | None, timeout: float) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-cin-") as tmp:
        work = Path(tmp)
        write_s = median_time(lambda: cin_census.write(data, work / "cin.xml", year=YEAR), repeat)
        path = cin_census.write(data, work / "cin.xml", year=YEAR)[0]
        counted = cin_census.read([path])
        rows = sum(counted.rows_read.values())
        episodes = counted.rows_read.get(f"{path.name}:cin", 0)
        print(f"{scale}: {path.stat().st_size:,} bytes, {counted.rows_read}", flush=True)
        scale = f"{scale}, {episodes:,} CIN episodes"
        read_s = median_time(lambda: cin_census.read([path]), repeat)
        tools = tools_cin(path, work, liia, timeout)
        lines.append(_line("cin-census (XML)", scale, rows, write_s, read_s, tools, timeout))
        print(lines[-1], flush=True)
    return lines


def _line(
    fmt: str, scale: str, rows: int, write_s: float, read_s: float, tools: dict[str, float], timeout: float
) -> str:
    def shown(v: float) -> str:
        return f"> {v:.0f} (stopped)" if v >= timeout else f"{v:.2f}"

    listed = "; ".join(f"{k} {shown(v)}" for k, v in tools.items()) or "none that runs here"
    fastest = min(tools.values()) if tools else None
    ratio = "-" if fastest is None else f"{'> ' if fastest >= timeout else ''}{fastest / read_s:.0f}x"
    return f"| {fmt} | {scale} | {rows:,} | {write_s:.2f} | {read_s:.2f} | {listed} | {ratio} |"


def _validate(paths: list[Path], repeat: int) -> tuple[float, int, str]:
    """``careboard validate PATHS`` in-process: median seconds, rows read, errors / warnings."""
    result = read_any(paths)
    levels = Counter(i.level for i in result.issues)
    seconds = median_time(lambda: read_any(paths), repeat)
    counts = f"{levels.get('error', 0):,} / {levels.get('warning', 0):,}"
    return seconds, sum(result.rows_read.values()), counts


def _full_line(
    fmt: str, scale: str, rows: int, cb_s: float, cb_counts: str, dfe: dict[str, float] | None, timeout: float
) -> str:
    if dfe is None:
        return f"| {fmt} | {scale} | {rows:,} | {cb_s:.2f} | {cb_counts} | did not run | - | - |"
    stopped = dfe["seconds"] >= timeout
    dfe_s = f"> {dfe['seconds']:.0f} (stopped)" if stopped else f"{dfe['seconds']:.2f}"
    counts = (
        "-"
        if stopped
        else f"{dfe['rules']:.0f} / {dfe['failed']:.0f} / {dfe.get('skipped', 0):.0f} / {dfe['flagged']:,.0f}"
    )
    ratio = f"{'> ' if stopped else ''}{dfe['seconds'] / cb_s:.0f}x"
    return f"| {fmt} | {scale} | {rows:,} | {cb_s:.2f} | {cb_counts} | {dfe_s} | {counts} | {ratio} |"


def full_903(data: Dataset, scale: str, repeat: int, timeout: float) -> str:
    """careboard validate against the DfE 903 validator's full run (with last year's files)."""
    with tempfile.TemporaryDirectory(prefix="bench-903-full-") as tmp:
        work = Path(tmp)
        this = ssda903.write(data, work / "903", year=YEAR)
        last = ssda903.write(data, work / "903-last", year=YEAR - 1)
        cb_s, rows, cb_counts = _validate(this, repeat)
        print(f"{scale}: careboard validate {cb_s:.2f} s, {rows:,} rows, {cb_counts}", flush=True)
        ruleset = f"lac{YEAR - 1}_{YEAR % 100:02d}"
        args = [ruleset, str(YEAR), str(len(this)), *map(str, this), *map(str, last)]
        dfe = _run_tool(VALIDATORS, DFE_903_FULL, args, work, timeout)
        line = _full_line("ssda903 (10 CSV files)", scale, rows, cb_s, cb_counts, dfe, timeout)
        print(line, flush=True)
        return line


def full_cin(data: Dataset, scale: str, repeat: int, timeout: float) -> str:
    """careboard validate against the DfE CIN census validator's full run."""
    with tempfile.TemporaryDirectory(prefix="bench-cin-full-") as tmp:
        work = Path(tmp)
        path = cin_census.write(data, work / "cin.xml", year=YEAR)[0]
        cb_s, rows, cb_counts = _validate([path], repeat)
        print(f"{scale}: careboard validate {cb_s:.2f} s, {rows:,} rows, {cb_counts}", flush=True)
        ruleset = f"cin{YEAR - 1}_{YEAR % 100:02d}"
        dfe = _run_tool(VALIDATORS, DFE_CIN_FULL, [ruleset, str(path)], work, timeout)
        line = _full_line("cin-census (XML)", scale, rows, cb_s, cb_counts, dfe, timeout)
        print(line, flush=True)
        return line


FULL_HEAD = (
    "| return | scale | rows read | careboard validate (s) | careboard errors / warnings "
    "| DfE full validation (s) | DfE rules / failed to run / skipped / issues flagged "
    "| DfE / careboard |\n|---|---|---:|---:|---:|---:|---:|---:|"
)

HEAD = (
    "| format | scale | rows read | careboard write (s) | careboard read (s) | open tools' readers (s) "
    "| fastest tool / careboard read |\n|---|---|---:|---:|---:|---|---:|"
)


def full_main(large: Dataset, formats: set[str], args: argparse.Namespace) -> None:
    lines = []
    if "903" in formats:
        lines.append(full_903(large, "large council", args.repeat, args.tool_timeout))
        if args.national_903_episodes > 0:
            data, copies = national_903(large, args.national_903_episodes)
            scale = f"{copies} copies of the council's 903 children"
            lines.append(full_903(data, scale, args.repeat, args.tool_timeout))
    if "cin" in formats:
        lines.append(full_cin(large, "large council", args.repeat, args.tool_timeout))
        if args.national_cin_episodes > 0:
            data, copies = national_cin(large, args.national_cin_episodes)
            scale = f"{copies} copies of the council's census children"
            lines.append(full_cin(data, scale, args.repeat, args.tool_timeout))
        elif args.national_copies > 1:
            scale = f"{args.national_copies} large councils"
            lines.append(
                full_cin(national(large, args.national_copies), scale, args.repeat, args.tool_timeout)
            )
    print()
    print(FULL_HEAD)
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", required=True, help="canonical folder of a large council")
    parser.add_argument(
        "--national-copies", type=int, default=10, help="CIN census: whole copies of the council"
    )
    parser.add_argument(
        "--national-cin-episodes",
        type=int,
        default=0,
        help="CIN census: instead of whole copies, copy the census children until this many episodes",
    )
    parser.add_argument(
        "--national-903-episodes", type=int, default=250_000, help="903: episodes in the national return"
    )
    parser.add_argument("--formats", default="903,cin", help="which formats to run: 903, cin or both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--liiatools", default="/work/tmp/liiatools-venv/bin/python")
    parser.add_argument("--tool-timeout", type=float, default=TOOL_TIMEOUT_S)
    parser.add_argument(
        "--full-validation",
        action="store_true",
        help="instead: careboard validate against the DfE validators' full runs (read + every rule)",
    )
    args = parser.parse_args()
    large = read_dataset(args.data, list(TABLES))
    formats = set(args.formats.split(","))
    lines = []
    if args.full_validation:
        full_main(large, formats, args)
        return
    if "903" in formats:
        lines.append(bench_903(large, "large council", args.repeat, args.liiatools, args.tool_timeout))
        if args.national_903_episodes > 0:
            data, copies = national_903(large, args.national_903_episodes)
            scale = f"national ({copies} copies of the council's 903 children)"
            lines.append(bench_903(data, scale, args.repeat, args.liiatools, args.tool_timeout))
    if "cin" in formats:
        scales = [("large council", large)]
        if args.national_cin_episodes > 0:
            data, copies = national_cin(large, args.national_cin_episodes)
            scales.append((f"national ({copies} copies of the council's census children)", data))
        elif args.national_copies > 1:
            scales.append(
                (f"national ({args.national_copies} large councils)", national(large, args.national_copies))
            )
        for scale, data in scales:
            lines += bench(data, scale, args.repeat, args.liiatools, args.tool_timeout)
    print()
    print(HEAD)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Benchmark careboard's format readers and writers against the open tools that do the same job.

For each format: careboard's writer (canonical tables -> file) and reader (file -> canonical
tables with located issues), for a large council and at national scale, median of --repeat runs;
beside them the open tool that does the same job on the same file, where it runs here:

- Annex A: liiatools ``annex-a cleanfile`` (reads the workbook, matches headings and values,
  writes a cleaned workbook): compared with careboard's read.
- Workforce census: liiatools ``csww cleanfile`` (parses and validates the XML, writes cleaned
  CSVs): compared with careboard's read.
- SSD: no open tool reads an SSD folder into a validated model; careboard's figures only.

liiatools pins pandas 1.x, so it runs in a venv of its own (never a careboard dependency), made
with e.g.::

    python3.11 -m venv /work/tmp/liiatools-venv
    /work/tmp/liiatools-venv/bin/pip install liiatools==0.2.0   # or, where cchardet will not
    # build, its requirements with faust-cchardet in place of cchardet, then --no-deps liiatools,
    # and "numpy<2" for its pandas

The liiatools time is measured inside its own process around the cleanfile call only (not the
interpreter start or imports). Usage::

    .venv/bin/python scripts/bench_formats.py --data /work/tmp/bench/council-65000 \\
        [--national-copies 10] [--repeat 3] [--liiatools /work/tmp/liiatools-venv/bin/python] \\
        [--formats ssd annex-a workforce] [--json out.json]
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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import polars as pl

from careboard.engine.formats import annex_a, ssd, workforce_census
from careboard.engine.schema import TABLES
from careboard.engine.store import Dataset, read_dataset

AS_AT = date(2025, 3, 31)
CENSUS_YEAR = 2024

LIIATOOLS_DRIVER = """
import json, sys, time, logging
logging.disable(logging.CRITICAL)
kind, src, out, log = sys.argv[1:5]
if kind == "annex-a":
    from liiatools.datasets.annex_a.annex_a_cli import cleanfile
else:
    from liiatools.datasets.social_work_workforce.csww_cli import cleanfile
t = time.perf_counter()
cleanfile.callback(src, "BAR", log, out)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


@dataclass
class Row:
    format: str
    scale: str
    rows: int
    careboard_write_s: float
    careboard_read_s: float
    tool: str | None = None
    tool_s: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.tool_s / self.careboard_read_s if self.tool_s else None


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def national(data: Dataset, copies: int) -> Dataset:
    """``copies`` councils like ``data``, ids made distinct per copy (the volume of a region or
    of England's largest returns; the benchmark measures throughput, not realism)."""
    out: dict[str, list[pl.DataFrame]] = {}
    for k in range(copies):
        for name in data:
            df = data[name]
            ids = [
                c
                for c, t in df.schema.items()
                if t == pl.String and (c.endswith("_id") or c.endswith("_team"))
            ]
            exprs = [(pl.lit(f"c{k}-") + pl.col(c)).alias(c) for c in ids]
            if name == "cb_staff":
                number = pl.col("staf_swe_registration").str.slice(2).cast(pl.Int64, strict=False)
                exprs.append(
                    (pl.lit("SW") + (number + k * 10_000_000).cast(pl.String)).alias("staf_swe_registration")
                )
            out.setdefault(name, []).append(df.with_columns(exprs))
    return Dataset({name: pl.concat(frames) for name, frames in out.items()})


def liiatools(python: str | None, kind: str, src: Path, work: Path) -> float | None:
    if python is None or not Path(python).exists():
        return None
    out, log = work / "liia-out", work / "liia-log"
    for d in (out, log):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    done = subprocess.run(
        [python, "-c", LIIATOOLS_DRIVER, kind, str(src), str(out), str(log)],
        capture_output=True,
        text=True,
        cwd=work,
    )
    if done.returncode != 0:
        print(f"liiatools {kind} failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def bench_ssd(data: Dataset, scale: str, work: Path, repeat: int, _tool: str | None) -> Row:
    folder = work / "ssd"
    write_s = median_time(lambda: ssd.write(data, folder), repeat)
    read_s = median_time(lambda: ssd.read([folder]), repeat)
    return Row("ssd", scale, sum(data.row_counts().values()), write_s, read_s)


def bench_annex_a(data: Dataset, scale: str, work: Path, repeat: int, tool: str | None) -> Row:
    path = work / "annex_a.xlsx"
    write_s = median_time(lambda: annex_a.write(data, path, as_at=AS_AT), repeat)
    rows = sum(f.height for f in annex_a.lists(data, as_at=AS_AT, start=date(2024, 4, 1)).values())
    read_s = median_time(lambda: annex_a.read([path]), repeat)
    tool_s = liiatools(tool, "annex-a", path, work) if scale == "large council" else None
    return Row(
        "annex-a", scale, rows, write_s, read_s, "liiatools annex-a cleanfile" if tool_s else None, tool_s
    )


def bench_workforce(data: Dataset, scale: str, work: Path, repeat: int, tool: str | None) -> Row:
    # liiatools takes the census year from the file name and has a schema for 2022 only; the
    # file content follows that XSD whatever the year
    path = work / "csww_2022.xml"
    write_s = median_time(lambda: workforce_census.write(data, path, year=CENSUS_YEAR), repeat)
    rows = workforce_census.census_workers(data, date(CENSUS_YEAR, 9, 30)).height
    read_s = median_time(lambda: workforce_census.read([path]), repeat)
    tool_s = liiatools(tool, "csww", path, work)
    return Row(
        "workforce", scale, rows, write_s, read_s, "liiatools csww cleanfile" if tool_s else None, tool_s
    )


BENCHES: dict[str, Callable[[Dataset, str, Path, int, str | None], Row]] = {
    "ssd": bench_ssd,
    "annex-a": bench_annex_a,
    "workforce": bench_workforce,
}


def table_markdown(rows: list[Row]) -> str:
    lines = [
        "| format | scale | rows | careboard write (s) | careboard read (s) | open tool | tool (s) "
        "| tool / careboard read |",
        "|---|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        tool = r.tool or "none that runs here"
        tool_s = f"{r.tool_s:.2f}" if r.tool_s else "-"
        ratio = f"{r.ratio:.0f}x" if r.ratio else "-"
        lines.append(
            f"| {r.format} | {r.scale} | {r.rows:,} | {r.careboard_write_s:.2f} | {r.careboard_read_s:.2f} "
            f"| {tool} | {tool_s} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", required=True, help="canonical folder of a large council")
    parser.add_argument("--national-copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--liiatools", default="/work/tmp/liiatools-venv/bin/python")
    parser.add_argument("--formats", nargs="*", default=list(BENCHES))
    parser.add_argument("--json")
    args = parser.parse_args()
    large = read_dataset(args.data, [n for n in TABLES])
    scales = [("large council", large)]
    if args.national_copies > 1:
        scales.append(
            (f"national ({args.national_copies} large councils)", national(large, args.national_copies))
        )
    rows: list[Row] = []
    for scale, data in scales:
        for name in args.formats:
            with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
                row = BENCHES[name](data, scale, Path(tmp), args.repeat, args.liiatools)
            rows.append(row)
            print(table_markdown([row]).splitlines()[-1], flush=True)
    print()
    print(table_markdown(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in rows], indent=2))


if __name__ == "__main__":
    main()

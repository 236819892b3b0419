"""Time the monthly report for a council of 65,000 children: indicators, model and file together.

    .venv/bin/python scripts/bench_report.py [--data DIR] [--runs 5] [--as-at 2026-10-31]

Without --data it generates the synthetic council once (seed 7, 65,000 children, five years to
October 2026) into .cache/bench-council and reuses it. Each run reads the folder afresh, so no
cache survives from one run to the next: a run costs what a download costs after a new load.
Prints, for each format and audience, the median time of each step (read the folder, compute
the indicators and build the report, write the file), the median CPU time, and every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from careboard.engine.reports import rendered
from careboard.engine.reports.model import Audience, Format
from careboard.engine.reports.monthly import build_monthly_report
from careboard.engine.store import read_dataset, write_dataset

CACHE = Path(".cache/bench-council")
CASES: tuple[tuple[Format, Audience], ...] = (("docx", "board"), ("pdf", "board"), ("html", "public"))


def council(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    if not CACHE.exists():
        from careboard.engine.generate import generate_council

        started = time.perf_counter()
        tables = generate_council(
            seed=7, population=65_000, start=date(2021, 11, 1), end=date(2026, 10, 31), journey="improving"
        )
        write_dataset(tables, CACHE)
        print(f"generated {CACHE} in {time.perf_counter() - started:.1f} s")
    return CACHE


@dataclass(frozen=True)
class Run:
    read: float
    build: float
    render: float
    cpu: float
    size: int

    @property
    def total(self) -> float:
        return self.read + self.build + self.render


def once(folder: Path, as_at: date, fmt: Format, audience: Audience) -> Run:
    cpu = time.process_time()
    t0 = time.perf_counter()
    data = read_dataset(folder)
    t1 = time.perf_counter()
    report = build_monthly_report(data, as_at, audience=audience)
    t2 = time.perf_counter()
    size = len(rendered(report, fmt).content)
    t3 = time.perf_counter()
    return Run(t1 - t0, t2 - t1, t3 - t2, time.process_time() - cpu, size)


def median(runs: list[Run], part: str) -> float:
    return statistics.median(getattr(r, part) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-at", default="2026-10-31")
    args = parser.parse_args()
    folder = council(args.data)
    as_at = date.fromisoformat(args.as_at)
    children = read_dataset(folder, ["ssd_person"])["ssd_person"].height
    print(f"council: {folder} ({children:,} children in ssd_person), as at {as_at}")
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print("format audience | median: read  build  render  total (wall, s) | CPU s | runs (total) | size")
    for fmt, audience in CASES:
        runs = [once(folder, as_at, fmt, audience) for _ in range(args.runs)]
        parts = "  ".join(f"{median(runs, p):5.2f}" for p in ("read", "build", "render", "total"))
        every = ", ".join(f"{r.total:.2f}" for r in runs)
        print(
            f"{fmt:6} {audience:8} | {parts} | {median(runs, 'cpu'):5.2f} | {every} | {runs[-1].size:,} bytes"
        )


if __name__ == "__main__":
    main()

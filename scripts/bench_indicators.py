"""Benchmark the indicator engine: every indicator, 24 monthly points, by team.

Generates each council once into a cache folder (the synthetic generator, fixed seed), then times
``series(ind, data, as_at, 24, by="team")`` for the whole catalogue, several runs, on a fresh
Dataset object each run (so nothing cached from an earlier run is reused), and reports the median.

    .venv/bin/python scripts/bench_indicators.py                      # 6,500 and 65,000 children
    .venv/bin/python scripts/bench_indicators.py --population 650000 --runs 3

The machine's load matters: the script prints the load average before each council so a noisy
measurement can be recognised.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from pathlib import Path

from careboard.engine.generate import generate_council
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.core import Settings, series
from careboard.engine.store import Dataset, read_dataset, write_dataset

AS_AT = date(2026, 3, 31)
START = date(2021, 4, 1)  # 5 years of history to the as-at date


def council(cache: Path, population: int) -> Path:
    folder = cache / f"council-{population}"
    if not folder.is_dir():
        tables = generate_council(seed=1, population=population, start=START, end=AS_AT, journey="steady")
        write_dataset(tables, folder)
    return folder


def time_catalogue(data: Dataset, months: int, by: str | None) -> tuple[float, float, dict[str, float]]:
    """Wall-clock seconds, CPU seconds (all threads) and seconds per indicator."""
    settings = Settings()
    per: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    for ind in catalogue().values():
        t0 = time.perf_counter()
        series(ind, data, AS_AT, months, settings, by=by)  # type: ignore[arg-type]
        per[ind.id] = time.perf_counter() - t0
    return time.perf_counter() - started, time.process_time() - cpu, per


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("var/bench"))
    parser.add_argument("--population", type=int, nargs="+", default=[6500, 65000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--by", choices=["team", "worker", "council"], default="team")
    parser.add_argument("--slowest", type=int, default=5, help="Show the N slowest indicators.")
    args = parser.parse_args()
    by = None if args.by == "council" else args.by
    medians: dict[int, float] = {}
    for population in args.population:
        folder = council(args.cache, population)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        tables = dict(read_dataset(folder).items())
        rows = sum(df.height for df in tables.values())
        runs, cpus = [], []
        per: dict[str, float] = {}
        for _ in range(args.runs):
            elapsed, cpu, per = time_catalogue(Dataset(tables), args.months, by)
            runs.append(elapsed)
            cpus.append(cpu)
        medians[population] = statistics.median(runs)
        print(
            f"{population:>9,} children ({rows:,} rows): {len(catalogue())} indicators"
            f" x {args.months} months "
            f"by {args.by}: median {medians[population]:.2f} s over {args.runs} runs "
            f"(min {min(runs):.2f}, max {max(runs):.2f}); CPU median {statistics.median(cpus):.2f} s"
        )
        slowest = sorted(per.items(), key=lambda kv: -kv[1])[: args.slowest]
        print("    slowest: " + ", ".join(f"{k} {v:.2f}s" for k, v in slowest))
    base = min(medians)
    for population, median in medians.items():
        if population != base:
            print(f"ratio {population:,} / {base:,} children: {median / medians[base]:.1f}x")


if __name__ == "__main__":
    main()

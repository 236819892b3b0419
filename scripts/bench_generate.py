"""Benchmark the synthetic council generator; prints a markdown section for docs/benchmarks.md.

Each run is a fresh process (so its peak memory is its own) that generates a council over five
years and writes it as parquet to a temporary folder, as ``careboard generate`` does. The national
figure runs a sample of councils two at a time (one per core) and scales by children.

    .venv/bin/python scripts/bench_generate.py [--runs 3] [--national-sample 8]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

NATIONAL_CHILDREN = 12_180_000
NATIONAL_COUNCILS = 152

_CHILD = """
import json, resource, sys, tempfile, time
from datetime import date
from careboard.engine.generate import generate_council
from careboard.engine.store import write_dataset
pop, seed = int(sys.argv[1]), int(sys.argv[2])
t = time.perf_counter()
span = dict(start=date(2021, 4, 1), end=date(2026, 3, 31))
tables = generate_council(seed=seed, population=pop, journey="steady", **span)
with tempfile.TemporaryDirectory() as d:
    write_dataset(tables, d + "/council")
rows = sum(df.height for df in tables.values())
use = resource.getrusage(resource.RUSAGE_SELF)
cpu = use.ru_utime + use.ru_stime
wall = time.perf_counter() - t
print(json.dumps({"seconds": wall, "cpu": cpu, "peak_mb": use.ru_maxrss / 1024, "rows": rows}))
"""


def run_one(population: int, seed: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(population), str(seed)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(population: int, runs: int) -> dict[str, float]:
    results = [run_one(population, seed) for seed in range(1, runs + 1)]
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "cpu": statistics.median(r["cpu"] for r in results),
        "peak_mb": max(r["peak_mb"] for r in results),
        "rows": statistics.median(r["rows"] for r in results),
    }


def national(sample: int) -> dict[str, float]:
    # council sizes spread like England's (about 80,000 children on average)
    sizes = [20_000 + (i * 180_000) // max(sample - 1, 1) for i in range(sample)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run_one, sizes, range(100, 100 + sample)))
    wall = time.perf_counter() - start
    children = sum(sizes)
    return {
        "sample_councils": sample,
        "sample_children": children,
        "sample_wall": wall,
        "peak_mb_per_worker": max(r["peak_mb"] for r in results),
        "sample_cpu": sum(r["cpu"] for r in results),
        "national_wall": wall * NATIONAL_CHILDREN / children,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--national-sample", type=int, default=8)
    args = parser.parse_args()
    base = measure(6_500, args.runs)
    full = measure(65_000, args.runs)
    nat = national(args.national_sample)
    print("| run | children | median wall (s) | median CPU (s) | CPU ratio to 6,500 | peak RSS (MB) | rows |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, n, r in (("baseline, 5 years", 6_500, base), ("one council, 5 years", 65_000, full)):
        ratio = r["cpu"] / base["cpu"]
        cells = f"{r['seconds']:.1f} | {r['cpu']:.1f} | {ratio:.1f} | {r['peak_mb']:.0f} | {r['rows']:,.0f}"
        print(f"| {label} | {n:,} | {cells} |")
    print()
    print(
        f"National scale (extrapolated): a sample of {nat['sample_councils']} councils "
        f"({nat['sample_children']:,.0f} children, 20,000 to 200,000 each) generated two at a time took "
        f"{nat['sample_wall']:.0f} s wall ({nat['sample_cpu']:.0f} s CPU), "
        f"peak {nat['peak_mb_per_worker']:.0f} MB per worker process. Scaled by "
        f"children to England ({NATIONAL_CHILDREN:,} children, {NATIONAL_COUNCILS} councils): about "
        f"{nat['national_wall'] / 60:.0f} minutes wall on 2 cores "
        f"({nat['sample_cpu'] * NATIONAL_CHILDREN / nat['sample_children'] / 2 / 60:.0f} minutes if both "
        "cores were free), peak about "
        f"{2 * nat['peak_mb_per_worker']:.0f} MB (two workers)."
    )


if __name__ == "__main__":
    main()

"""Generate every council in England, for real: 152 councils, about 12.2 million children.

Councils of 20,000 to 140,000 children (about 80,000 on average, as in England) over five years,
two at a time (one per core), each written as Parquet to a temporary folder and removed. Prints the
measured wall time, total CPU and the peak memory of any worker, with a 6,500-child council timed
in the same run as the baseline.

    .venv/bin/python scripts/bench_national.py [--councils 152]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

from bench_generate import run_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--councils", type=int, default=152)
    args = parser.parse_args()
    n = args.councils
    sizes = [20_000 + (i * 120_000) // max(n - 1, 1) for i in range(n)]
    base = run_one(6_500, 1)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run_one, sizes, range(1000, 1000 + n)))
    wall = time.perf_counter() - start
    cpu = sum(r["cpu"] for r in results)
    print(
        f"National run: {n} councils, {sum(sizes):,} children, "
        f"{sum(r['rows'] for r in results):,.0f} rows: {wall / 60:.1f} minutes wall on 2 cores, "
        f"{cpu / 60:.1f} minutes CPU in all, peak {max(r['peak_mb'] for r in results):.0f} MB per worker "
        f"(two workers). Baseline in the same run: a 6,500-child council {base['seconds']:.1f} s wall, "
        f"{base['cpu']:.1f} s CPU; national CPU / baseline CPU = {cpu / base['cpu']:.0f}."
    )


if __name__ == "__main__":
    main()

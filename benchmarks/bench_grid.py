"""Scenarios per second of `run_grid`, serial against a process pool (and Dask if installed).

Grids:

* Simon (1989) Tables 1 and 2: p0 = 0.05..0.70 by 0.05, p1 = p0 + 0.20 (Table 1) and p0 + 0.15
  (Table 2), (alpha, beta) in {(0.10, 0.10), (0.05, 0.20), (0.05, 0.10)}, Simon designs: 84 scenarios.
* A finer grid where each search is slower: p0 = 0.05..0.90 by 0.05, delta 0.05 and 0.10, the same
  error pairs, Simon designs: 105 scenarios (p1 >= 1 skipped).

Every timing is after JIT warm-up (the numba kernels are compiled once and cached on disk), best of
several repeats, wall-clock.  "processes" includes starting the pool (fork on Linux) each time, as a
command-line run would; "in memory" writes no file, "to file" writes the CSV with its journal.  All
backends are checked to give identical rows.

Run:  python benchmarks/bench_grid.py
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import simon_design  # noqa: E402
from phase2design.grid.runner import SIMON_TABLE_ERRORS, run_grid  # noqa: E402

TABLES = dict(p0=[round(0.05 * i, 12) for i in range(1, 15)], delta=[0.20, 0.15], errors=SIMON_TABLE_ERRORS,
              family="simon")
FINE = dict(p0=[round(0.05 * i, 12) for i in range(1, 19)], delta=[0.10, 0.05], errors=SIMON_TABLE_ERRORS,
            family="simon")


def best_of(fn, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def _one_search(_):
    t = time.perf_counter()
    simon_design(0.5, 0.55, 0.05, 0.1)
    return time.perf_counter() - t


def parallel_capacity(workers):
    """How many searches this machine really runs at once: one alone vs `workers` side by side."""
    import concurrent.futures as cf
    import multiprocessing as mp

    alone = min(_one_search(0) for _ in range(3))
    with cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as ex:
        list(ex.map(_one_search, range(workers)))  # start the workers
        t = time.perf_counter()
        list(ex.map(_one_search, range(workers)))
        together = time.perf_counter() - t
    return alone, together, workers * alone / together


def bench(label, grid, repeat, cases):
    print(f"{label}:")
    rows = None
    for name, kw in cases:
        secs, res = best_of(lambda: run_grid(**grid, **kw), repeat)
        assert rows is None or res.rows == rows, "backends disagree"
        rows = res.rows
        with tempfile.TemporaryDirectory() as d:
            def to_file():
                return run_grid(**grid, **kw, output=os.path.join(d, "g.csv"), resume=False)

            fsecs, _ = best_of(to_file, repeat)
        print(f"    {name:50s} {res.scenarios} scenarios  in memory {secs:7.3f} s "
              f"({res.scenarios / secs:7.1f}/s)   to file {fsecs:7.3f} s ({res.scenarios / fsecs:7.1f}/s)")


def main():
    t = time.perf_counter()
    simon_design(0.1, 0.3, 0.05, 0.2)
    print(f"warm-up (JIT compile or cache load): {time.perf_counter() - t:.2f} s")
    import numpy as np

    cores = os.cpu_count()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cores {cores}")
    alone, together, cap = parallel_capacity(cores)
    print(f"machine check: one search (0.5/0.55) alone {alone:.3f} s, {cores} side by side {together:.3f} s: "
          f"the machine runs about {cap:.2f} searches at once")
    local = [("serial", dict(backend="serial")), (f"processes ({cores} workers)", dict(backend="processes"))]
    bench("Simon 1989 Tables 1 + 2 (p0 0.05..0.70, delta 0.20 and 0.15, 3 error pairs)", TABLES, 5, local)
    bench("finer grid (p0 0.05..0.90, delta 0.10 and 0.05, 3 error pairs)", FINE, 2, local)
    try:
        from distributed import LocalCluster
    except ImportError:
        print("(distributed not installed: no Dask timing)")
        return
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = [(f"dask LocalCluster ({cores} workers, started beforehand)",
                 dict(scheduler=cluster.scheduler_address))]
        bench("Simon 1989 Tables 1 + 2 on Dask", TABLES, 5, dask)
        bench("finer grid on Dask", FINE, 2, dask)


if __name__ == "__main__":
    main()

"""Time the Simon search against a straightforward reference search, in one run.

The engine (phase2design.simon_design) is timed with compiled kernels
(PHASE2DESIGN_JIT=1 in this process) after JIT warm-up, best of several repeats.  The reference is the textbook search compiled with the same
numba and the same binomial tables: plain loops over n, n1, r1 and r, each
alpha and power summed afresh, r raised from r1 until alpha is met.  Both
report the minimum-EN0 design for each n; the script checks they agree.

For the large problems the reference would run for hours, so it is timed on a
few values of n and its time per n is scaled to the engine's n range; those
lines say "estimated".

Run:  python benchmarks/bench_simon.py
"""

import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import simon_design  # noqa: E402
from phase2design.families import _search_kernels as S  # noqa: E402
from phase2design.numerics import _binomial as K  # noqa: E402
from phase2design.numerics import _jit  # noqa: E402

# the engine's figures are for compiled kernels (the CLI line at the end runs the default, auto)
_jit.set_mode("1")


@_jit.kernel
def _reference_best_at_n(n, alpha, beta, pmf0, sf0, pmf1, sf1):
    """Plain loops over n1, r1, r: the minimum-EN0 feasible design with total n."""
    best = np.inf
    out = np.array([-1, -1, -1])
    for n1 in range(1, n):
        n2 = n - n1
        for r1 in range(0, n1):
            for r in range(r1, n):
                a, b = S._stage_sums(n1, r1, n2, r, pmf0, sf0, pmf1, sf1)
                if a <= alpha:
                    if b >= 1.0 - beta:
                        en0 = n1 + sf0[K._tri_offset(n1) + r1] * n2
                        if en0 < best:
                            best = en0
                            out[0] = r1
                            out[1] = n1
                            out[2] = r
                    break
    return out, best


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def reference_per_n(p0, p1, alpha, beta, ns):
    t = time.perf_counter()
    m = max(ns)
    pmf0, sf0 = K._triangular_tables(m, p0)
    pmf1, sf1 = K._triangular_tables(m, p1)
    rows = {}
    for n in ns:
        des, en0 = _reference_best_at_n.jit(n, alpha, beta, pmf0, sf0, pmf1, sf1)
        if des[1] > 0:
            rows[n] = (int(des[0]), int(des[1]), int(des[2]), en0)
    return time.perf_counter() - t, rows


def case(label, p0, p1, alpha, beta, nmax=None, sample=None, repeat=5):
    res = simon_design(p0, p1, alpha, beta, nmax=nmax)
    engine = best_of(lambda: simon_design(p0, p1, alpha, beta, nmax=nmax), repeat)
    n_lo, n_hi = res.best_by_n[0].n, res.n_searched
    all_ns = list(range(n_lo, n_hi + 1))
    ns = all_ns if sample is None else sample
    ref_time, ref_rows = reference_per_n(p0, p1, alpha, beta, ns)
    eng_rows = {d.n: (d.r1, d.n1, d.r, d.en0) for d in res.best_by_n}
    for n in ns:
        e, r = eng_rows.get(n), ref_rows.get(n)
        assert (e is None) == (r is None), (n, e, r)
        if e is not None:
            # same design, or a different one with the same EN0 (exact tie)
            assert e[:3] == r[:3] or math.isclose(e[3], r[3], rel_tol=1e-13), (n, e, r)
    estimated = sample is not None
    # the cost per n grows with n, so scaling from sampled n is an estimate, not a bound
    ref_total = ref_time * len(all_ns) / len(ns)
    print(f"{label}: optimal {res.optimal.label()} (EN0 {res.optimal.en0:.3f}), "
          f"minimax {res.minimax.label()}, {len(res.admissible)} admissible, n {n_lo}..{n_hi}")
    print(f"    engine {engine * 1e3:9.2f} ms   reference {'~' if estimated else ' '}{ref_total * 1e3:11.2f} ms"
          f"{' (estimated from n=' + ','.join(map(str, ns)) + ')' if estimated else ''}   "
          f"ratio {'~' if estimated else ''}{ref_total / engine:,.0f}x")
    return engine


def cli_time(args, repeat=5):
    cmd = [sys.executable, "-m", "phase2design"] + args
    subprocess.run(cmd, check=True, capture_output=True)  # populates the numba cache if it compiles
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def main():
    t = time.perf_counter()
    simon_design(0.1, 0.3, 0.05, 0.2)
    reference_per_n(0.1, 0.3, 0.05, 0.2, [25])
    print(f"warm-up (JIT compile or cache load): {time.perf_counter() - t:.2f} s")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cores {os.cpu_count()}")
    case("p0=0.10 p1=0.30 a=0.05 b=0.20", 0.1, 0.3, 0.05, 0.2, repeat=20)
    case("p0=0.20 p1=0.40 a=0.10 b=0.10", 0.2, 0.4, 0.1, 0.1, repeat=20)
    case("p0=0.25 p1=0.45 a=0.05 b=0.10", 0.25, 0.45, 0.05, 0.1, repeat=20)
    e1 = case("p0=0.50 p1=0.60 a=0.05 b=0.10 nmax=1000", 0.5, 0.6, 0.05, 0.1, nmax=1000,
              sample=[213, 250, 292], repeat=10)
    e2 = case("p0=0.50 p1=0.55 a=0.05 b=0.10 (no nmax)", 0.5, 0.55, 0.05, 0.1, sample=[853, 1000], repeat=3)
    med, best = cli_time(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"])
    print(f"CLI 'phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2' (whole process, default "
          f"auto mode: plain-Python kernels at this size): median {med:.3f} s, best {best:.3f} s")
    print("targets: 0.5/0.6 nmax 1000 < 0.1 s: {}; 0.5/0.55 < 5 s: {}; CLI < 1 s: {}".format(
        "met" if e1 < 0.1 else "MISSED", "met" if e2 < 5 else "MISSED", "met" if med < 1 else "MISSED"))


if __name__ == "__main__":
    main()

"""Time the efficacy-stopping search (Mander & Thompson 2010) against a straightforward reference search.

The engine (phase2design.efficacy_design: optimal and minimax under H0 and H1, admissible designs, exact OC
of every reported design) is timed with compiled kernels (PHASE2DESIGN_JIT=1 in this process) after JIT
warm-up, best of several repeats.  The reference is the textbook search, compiled with the same numba and
the same binomial tables: plain loops over n1, r1, e1 and r for each n, alpha and power summed afresh for
each candidate, r raised from r1 until alpha is met, the minimum EN0 and minimum EN1 feasible design kept.
It covers the same n range as the engine (the Neyman-Pearson start to where the engine's bound stopped);
the script checks that both find the same minimum-EN0 and minimum-EN1 design for every n it runs.  For the
larger problems the reference is run on a few values of n and its time scaled to the number of n values
searched (an estimate, marked "~"; its cost per n grows like n^5, so the scaling favours the reference).

Run:  python benchmarks/bench_efficacy.py
"""

import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import efficacy_design  # noqa: E402
from phase2design.families import efficacy as E  # noqa: E402
from phase2design.numerics import _binomial as K  # noqa: E402
from phase2design.numerics import _jit  # noqa: E402

_jit.set_mode("1")


@_jit.kernel
def _ref_reject(n1, r1, e1, n2, r, pmf, sf):
    """P(promising) of r1:e1/n1, r/n (e1 = n1: no efficacy stop), every term summed afresh."""
    o1 = K._tri_offset(n1)
    o2 = K._tri_offset(n2)
    s = 0.0
    for x in range(e1 + 1, n1 + 1):
        s += pmf[o1 + x]
    for x in range(r1 + 1, e1 + 1):
        k = r - x
        if k < 0:
            s += pmf[o1 + x]
        elif k < n2:
            s += pmf[o1 + x] * sf[o2 + k]
    return s


@_jit.kernel
def _reference_best_at_n(n, alpha, beta, pmf0, sf0, pmf1, sf1):
    """Plain loops over n1, r1, e1, r: the minimum-EN0 and minimum-EN1 feasible designs with total n."""
    best0 = np.inf
    best1 = np.inf
    out = np.full(8, -1)
    for n1 in range(1, n):
        n2 = n - n1
        o1 = K._tri_offset(n1)
        for r1 in range(0, n1):
            for e1 in range(r1 + 1, n1 + 1):
                for r in range(r1, n):
                    if _ref_reject(n1, r1, e1, n2, r, pmf0, sf0) <= alpha:
                        if _ref_reject(n1, r1, e1, n2, r, pmf1, sf1) >= 1.0 - beta:
                            c0 = 0.0
                            c1 = 0.0
                            for x in range(r1 + 1, e1 + 1):
                                c0 += pmf0[o1 + x]
                                c1 += pmf1[o1 + x]
                            en0 = n1 + c0 * n2
                            en1 = n1 + c1 * n2
                            if en0 < best0:
                                best0 = en0
                                out[0] = n1
                                out[1] = r1
                                out[2] = e1
                                out[3] = r
                            if en1 < best1:
                                best1 = en1
                                out[4] = n1
                                out[5] = r1
                                out[6] = e1
                                out[7] = r
                        break
    return out, best0, best1


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
        des, en0, en1 = _reference_best_at_n.jit(n, alpha, beta, pmf0, sf0, pmf1, sf1)
        if des[0] > 0:
            rows[n] = (tuple(int(v) for v in des[:4]), en0, tuple(int(v) for v in des[4:]), en1)
    return time.perf_counter() - t, rows


def engine_per_n(p0, p1, alpha, beta, ns):
    """The engine's minimum-EN0 and minimum-EN1 design at each n (its own per-n step, for the check)."""
    ex = E._Exact(p0, p1, alpha, beta)
    tab = E._EffTables(p0, p1, alpha, beta, max(ns) + 1, ex)
    rows = {}
    for n in ns:
        b0, b1 = E._best_at_n(n, alpha, beta, tab, ex, [])
        if b0 is not None:
            rows[n] = ((b0.n1, b0.r1, b0.e1, b0.r), b0.en0, (b1.n1, b1.r1, b1.e1, b1.r), b1.en1)
    return rows


def case(label, p0, p1, alpha, beta, sample=None, repeat=5):
    res = efficacy_design(p0, p1, alpha, beta)
    engine = best_of(lambda: efficacy_design(p0, p1, alpha, beta), repeat)
    n_lo = E._smallest_n_ump(p0, p1, alpha * (1 + E._SLACK), beta + E._SLACK * (1 - beta))
    all_ns = list(range(n_lo, res.n_searched + 1))
    ns = all_ns if sample is None else sample
    ref_time, ref_rows = reference_per_n(p0, p1, alpha, beta, ns)
    eng_rows = engine_per_n(p0, p1, alpha, beta, ns)
    for n in ns:
        e, r = eng_rows.get(n), ref_rows.get(n)
        assert (e is None) == (r is None), (n, e, r)
        if e is not None:
            # the same designs, or others with the same EN (an exact tie, broken differently)
            assert e[0] == r[0] or math.isclose(e[1], r[1], rel_tol=1e-13), (n, e, r)
            assert e[2] == r[2] or math.isclose(e[3], r[3], rel_tol=1e-13), (n, e, r)
    estimated = sample is not None
    ref_total = ref_time * len(all_ns) / len(ns)
    k = {d.kind: d for d in res.designs()}
    print(f"{label}: optimal {k['optimal'].label()} (EN0 {k['optimal'].en0:.3f}), optimal-h1 "
          f"{k['optimal-h1'].label()} (EN1 {k['optimal-h1'].en1:.3f}), minimax {k['minimax'].label()}, "
          f"n {n_lo}..{res.n_searched}")
    print(f"    engine {engine * 1e3:9.2f} ms   reference {'~' if estimated else ' '}{ref_total * 1e3:11.2f} ms"
          f"{' (estimated from n=' + ','.join(map(str, ns)) + ')' if estimated else ''}   "
          f"ratio {'~' if estimated else ''}{ref_total / engine:,.0f}x")
    return engine


def main():
    t = time.perf_counter()
    efficacy_design(0.2, 0.4, 0.1, 0.1)
    reference_per_n(0.2, 0.4, 0.1, 0.1, [20])
    print(f"warm-up (JIT compile or cache load): {time.perf_counter() - t:.2f} s")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cores {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    main_case = case("p0=0.20 p1=0.40 a=0.10 b=0.10", 0.2, 0.4, 0.1, 0.1, repeat=20)
    case("p0=0.10 p1=0.30 a=0.05 b=0.20", 0.1, 0.3, 0.05, 0.2, repeat=20)
    case("p0=0.05 p1=0.25 a=0.05 b=0.20", 0.05, 0.25, 0.05, 0.2, repeat=20)
    case("p0=0.30 p1=0.45 a=0.05 b=0.20", 0.3, 0.45, 0.05, 0.2, sample=[64, 81, 105], repeat=5)
    case("p0=0.10 p1=0.20 a=0.05 b=0.20", 0.1, 0.2, 0.05, 0.2, sample=[77, 105], repeat=5)
    print("target: 0.2/0.4/0.10/0.10 under 0.1 s compiled: {}".format("met" if main_case < 0.1 else "MISSED"))


if __name__ == "__main__":
    main()

"""Time the three-stage search against a straightforward reference search, in one run.

The engine (phase2design.families.threestage.three_stage_design: optimal, minimax and admissible designs, the
search bound included) is timed with compiled kernels (PHASE2DESIGN_JIT=1 in this process) after JIT warm-up,
best of several repeats, on the grid of Chen (1997): p1 - p0 = 0.20, p0 = 0.05 to 0.70, (alpha, beta) =
(0.10, 0.10), (0.05, 0.20), (0.05, 0.10); then on cases with p1 - p0 = 0.15 and 0.10.

The reference is the textbook search compiled with the same numba and the same binomial tables: for a total
N, plain loops over N1 < N2 < N, r1 and r2 (r2 = r1 is the two-stage design), the distribution of S2 on
reaching stage 3 convolved afresh, and r raised from r2 until alpha is met; the minimum-EN0 feasible design
at N.  It would take hours over a whole search, so it is timed on a few values of N and its time per N is
scaled to the number of N the engine examines ("estimated"); the script checks that both find the same
minimum EN0 at the sampled N where the engine reports a design.

Run:  python benchmarks/bench_threestage.py [--quick]
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design.families.threestage import three_stage_design  # noqa: E402
from phase2design.numerics import _binomial as K  # noqa: E402
from phase2design.numerics import _jit  # noqa: E402

_jit.set_mode("1")


@_jit.kernel
def _reference_best_at_n(N, alpha, beta, pmf0, sf0, pmf1, sf1):
    """Plain loops: the minimum-EN0 feasible three-stage (or two-stage) design with total N."""
    best = np.inf
    out = np.array([-1, -1, -1, -1, -1])
    R0 = np.zeros(N + 1)
    R1 = np.zeros(N + 1)
    for N1 in range(1, N - 1):
        o1 = K._tri_offset(N1)
        for r1 in range(0, N1):
            for N2 in range(N1 + 1, N):
                n2 = N2 - N1
                o2 = K._tri_offset(n2)
                # S2 on continuing after stage 1, convolved afresh
                for s in range(N2 + 1):
                    R0[s] = 0.0
                    R1[s] = 0.0
                for x1 in range(r1 + 1, N1 + 1):
                    for x2 in range(n2 + 1):
                        R0[x1 + x2] += pmf0[o1 + x1] * pmf0[o2 + x2]
                        R1[x1 + x2] += pmf1[o1 + x1] * pmf1[o2 + x2]
                n3 = N - N2
                o3 = K._tri_offset(n3)
                for r2 in range(r1, N2):
                    c2 = 0.0
                    for s in range(r2 + 1, N2 + 1):
                        c2 += R0[s]
                    en0 = N1 + sf0[o1 + r1] * (N2 - N1) + c2 * n3
                    for r in range(r2, N):
                        a = 0.0
                        b = 0.0
                        for s in range(r2 + 1, N2 + 1):
                            k = r - s
                            if k < 0:
                                a += R0[s]
                                b += R1[s]
                            elif k < n3:
                                a += R0[s] * sf0[o3 + k]
                                b += R1[s] * sf1[o3 + k]
                        if a <= alpha:
                            if b >= 1.0 - beta and en0 < best:
                                best = en0
                                out[0] = N1
                                out[1] = r1
                                out[2] = N2
                                out[3] = r2
                                out[4] = r
                            break
    return out, best


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def case(p0, p1, alpha, beta, sample, repeat):
    res = three_stage_design(p0, p1, alpha, beta)
    t_engine = best_of(lambda: three_stage_design(p0, p1, alpha, beta), repeat)
    n_examined = res.n_searched - res.minimax.n + 1
    ns = [res.minimax.n + i for i in sample if res.minimax.n + i <= res.optimal.n] or [res.minimax.n]
    m = max(ns)
    pmf0, sf0 = K._triangular_tables(m, p0)
    pmf1, sf1 = K._triangular_tables(m, p1)
    t = time.perf_counter()
    ref = {N: _reference_best_at_n.jit(N, alpha, beta, pmf0, sf0, pmf1, sf1) for N in ns}
    t_ref = (time.perf_counter() - t) / len(ns) * n_examined
    by_n = {d.n: d for d in res.best_by_n}
    agree = all(abs(ref[N][1] - by_n[N].en0) <= 1e-9 * by_n[N].en0 for N in ns if N in by_n)
    print(f"{p0:4.2f} {p1:4.2f} {alpha:4.2f} {beta:4.2f} | {res.optimal.label():24s} {res.optimal.en0:8.3f} | "
          f"{res.minimax.label():24s} | {t_engine:8.3f} s | {t_ref:10.1f} s (estimated from {len(ns)} N) | "
          f"{t_ref / t_engine:9.0f}x | {'agree' if agree else 'DIFFER'}", flush=True)
    return t_engine, agree


def main():
    quick = "--quick" in sys.argv
    three_stage_design(0.1, 0.3, 0.05, 0.2)  # JIT warm-up (engine)
    pmf, sf = K._triangular_tables(12, 0.2)
    _reference_best_at_n.jit(12, 0.1, 0.1, pmf, sf, pmf, sf)  # JIT warm-up (reference)
    pairs = [(0.10, 0.10), (0.05, 0.20), (0.05, 0.10)]
    grids = [("p1 - p0 = 0.20 (Chen 1997 grid)", 0.20, [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], 1.0),
             ("p1 - p0 = 0.15", 0.15, [0.05, 0.2, 0.35, 0.5], 5.0),
             ("p1 - p0 = 0.10", 0.10, [0.05, 0.2, 0.3], 60.0)]
    if quick:
        grids = [(t, g, ps[:2], lim) for t, g, ps, lim in grids[:2]]
    ok = True
    for title, gap, p0s, limit in grids:
        print(f"\n{title}: target under {limit:g} s per case")
        print("  p0   p1 alpha beta | optimal                  EN0      | minimax                  | engine     | "
              "reference                          | ratio     | check")
        worst = 0.0
        for p0 in p0s:
            for alpha, beta in pairs:
                p1 = round(p0 + gap, 10)
                sample = [0, 3] if gap >= 0.15 else [0]
                t, agree = case(p0, p1, alpha, beta, sample, 3 if gap >= 0.15 else 1)
                worst = max(worst, t)
                ok = ok and agree
        print(f"  slowest case {worst:.3f} s: {'met' if worst < limit else 'MISSED'} (target {limit:g} s)")
    print("\nall sampled N agree with the reference" if ok else "\nSOME SAMPLED N DIFFER")


if __name__ == "__main__":
    main()

"""Time Bayesian monitoring (issue 11) against straightforward references, in one run.

1. Continuous monitoring up to N_max = 100 (a look after every patient): the cut-offs of the predictive
   rule (Lee & Liu 2008) at every look plus its exact OC at p0 and p1.  phase2design: one compiled
   beta-binomial tail matrix per look, the rule -> Design conversion and the engine's OC.  Reference:
   the textbook computation -- for every look and count the predictive probability summed term by term
   from scipy.stats.betabinom and scipy.special.betainc, then the OC by a forward recursion over the
   looks with numpy (convolution with the binomial step).  Both must give the same cut-offs and OC.
2. The Lee & Liu-style search for p0 0.2, p1 0.4, alpha 0.1, beta 0.1, looks every 5 patients from 10
   (default N_max range and threshold ranges).  phase2design: bisection over the threshold breakpoints.
   Reference: every final cut-off and every futility breakpoint evaluated (no bisection, no cache),
   with the same probabilities and the same engine OC.  Both must find the same best design per N_max.

phase2design's kernels are compiled (PHASE2DESIGN_JIT=1) and warmed up; best of several repeats.

Run:  python benchmarks/bench_bayes.py
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design.bayes import bayes_design, monitoring_rule  # noqa: E402
from phase2design.engine import bayes as EB  # noqa: E402
from phase2design.engine.samplespace import SampleSpace  # noqa: E402
from phase2design.numerics import _jit  # noqa: E402

_jit.set_mode("1")

P0, P1 = 0.2, 0.4


def best_of(fn, repeat):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


# -- 1. continuous monitoring ---------------------------------------------------------------------------

def engine_continuous():
    rule = monitoring_rule(P0, nmax=100, every=1, theta_t=0.9, theta_l=0.05, theta_u=0.99, prior=(1, 1))
    return rule, rule.oc([P0, P1])


def reference_continuous():
    from scipy.special import betainc
    from scipy.stats import betabinom, binom

    nmax, a, b = 100, 1.0, 1.0
    post = [betainc(b + nmax - s, a + s, 1 - P0) for s in range(nmax + 1)]
    r = max(s for s in range(nmax + 1) if not post[s] > 0.9)
    fut, eff = [], []
    for n in range(1, nmax):
        m = nmax - n
        pps = []
        for x in range(n + 1):
            pmf = betabinom.pmf(np.arange(m + 1), m, a + x, b + n - x)
            pps.append(sum(pmf[y] for y in range(m + 1) if x + y > r))
        f = [x for x in range(n + 1) if pps[x] < 0.05]
        e = [x for x in range(n + 1) if pps[x] > 0.99]
        fut.append(f[-1] if f else -1)
        eff.append(e[0] if e else None)
    out = []
    for p in (P0, P1):
        reach = np.array([1.0])
        reject = en = 0.0
        for n in range(1, nmax + 1):
            reach = np.convolve(reach, binom.pmf([0, 1], 1, p))
            if n == nmax:
                reject += reach[r + 1:].sum()
                en += nmax * reach.sum()
                break
            stop_f = reach[:fut[n - 1] + 1].sum()
            stop_e = reach[eff[n - 1]:].sum() if eff[n - 1] is not None else 0.0
            reject += stop_e
            en += n * (stop_f + stop_e)
            reach = reach.copy()
            reach[:fut[n - 1] + 1] = 0.0
            if eff[n - 1] is not None:
                reach[eff[n - 1]:] = 0.0
        out.append((reject, en))
    return r, fut, eff, out


# -- 2. the search -------------------------------------------------------------------------------------

def engine_search():
    return bayes_design(P0, P1, 0.1, 0.1)


def reference_search():
    from phase2design.families.bayes import _bounds, _design_or_none, _Thresholds, _default_nrange, look_schedule

    lo, hi = _default_nrange(P0, P1, 0.1, 0.1, 10)
    prior = EB.mixture_prior(None, P0)
    best = {}
    for n in range(lo, hi + 1):
        sched = look_schedule(n, every=5, first=10)
        post = EB.posterior_tail(prior, n, P0)
        tails = [EB.predictive_tails(prior, m, n) for m in sched[:-1]]
        tT = _Thresholds(post, (0.8, 0.99), "strict", upper=True)
        for u in range(1, len(tT)):
            if tT.pick(u)[0] is None:
                continue
            r = int(np.searchsorted(post, tT.cut(u), side="left")) - 1
            if not 0 <= r < n:
                continue
            fv = [T[:, r + 1] for T in tails]
            tl = _Thresholds(np.concatenate(fv), (0.001, 0.2), "strict")
            for k in tl.allowed():
                d = _design_or_none(sched, _bounds(fv, tl.cut(k), False), [None] * len(fv), r)
                if d is None:
                    continue
                o = SampleSpace(d).oc_arrays([P0, P1])
                if o["reject"][0] <= 0.1 and o["reject"][1] >= 0.9:
                    if n not in best or o["en"][0] < best[n][0]:
                        best[n] = (float(o["en"][0]), d)
    return best


def main():
    engine_continuous()
    engine_search()  # warm-up: compile or load every kernel
    t_e, (rule, oc) = best_of(engine_continuous, 20)
    t_r, (r, fut, eff, ref) = best_of(reference_continuous, 2)
    interim = rule.table[:-1]
    assert r == rule.r and [lk.futility for lk in interim] == fut and [lk.efficacy for lk in interim] == eff
    for i, (rej, en) in enumerate(ref):
        assert abs(rej - oc.reject[i]) < 1e-12 and abs(en - oc.en[i]) < 1e-9
    print("continuous monitoring, N_max = 100 (cut-offs at 99 looks + exact OC at p0, p1):")
    print(f"  phase2design {1e3 * t_e:8.2f} ms   reference {1e3 * t_r:8.1f} ms   ratio {t_r / t_e:6.0f}x"
          f"   (same cut-offs; OC agree to 1e-12)")
    t_e, res = best_of(engine_search, 3)
    t_r, best = best_of(reference_search, 1)
    assert {d.n for d in res.best_by_n} == set(best)
    for d in res.best_by_n:
        assert abs(best[d.n][0] - d.en0) <= 1e-12 * d.en0 and best[d.n][1] == d.design
    print(f"Lee & Liu-style search, p0 0.2 p1 0.4 alpha 0.1 beta 0.1, looks every 5 from 10, "
          f"{res.stop_reason}:")
    print(f"  phase2design {t_e:8.2f} s    reference {t_r:8.2f} s    ratio {t_r / t_e:6.1f}x"
          f"   (same best design at every N_max; {res.notes[-1].split(' distinct')[0]} designs evaluated)")
    print(f"  optimal {res.optimal.label()} (EN0 {res.optimal.en0:.2f}); minimax {res.minimax.label()} "
          f"(EN0 {res.minimax.en0:.2f})")


if __name__ == "__main__":
    main()

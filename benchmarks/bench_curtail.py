"""Curtailing a design and computing its exact OC: the engine against straightforward reference code.

For each design the script times, after JIT warm-up (``PHASE2DESIGN_JIT=1``: compiled kernels), best of
several repeats, wall-clock:

* ``curtail(design)`` followed by ``.oc([p0, p1])`` (deterministic curtailment), and
* ``curtail(design, method="stochastic", p1=p1, theta_f=0.05, theta_e=0.99)`` followed by ``.oc([p0, p1])``,

and, in the same run, a straightforward pure-Python reference of the same work: the backward pass over
every (patient m, responses s) in Python lists (booleans, or float conditional power), then a forward pass
over (m, s) carrying the probability of reaching each point, in plain float sums.  For the smallest design
it also times the same reference in ``fractions.Fraction`` (exact).  The script checks that the
reference gives the same stopping bounds and the same OC (to 1e-11) before it prints a ratio.

Run:  python benchmarks/bench_curtail.py
"""

import os
import sys
import time
from fractions import Fraction

os.environ.setdefault("PHASE2DESIGN_JIT", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import Design, curtail  # noqa: E402

CASES = [  # (design, p0, p1)
    ("1/10,5/29", 0.1, 0.3),
    ("3:9/40,20/100", 0.15, 0.25),
    ("7/43,34/260,60/300", 0.15, 0.25),
    ("60:110/250,150/500", 0.25, 0.33),
]


def best_of(fn, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


# ---------------------------------------------------------------------------
# Reference: plain Python over (m, s)
# ---------------------------------------------------------------------------

def planned(d):
    """{m: (a, b)} of the design's looks before the last (b = m: no efficacy stop)."""
    return {d.n[j]: (d.futility[j], d.n[j] if d.efficacy[j] is None else d.efficacy[j]) for j in range(d.stages - 1)}


def ref_deterministic(d):
    """Per patient (f, e): stop not promising if S <= f, promising if S >= e (backward over every (m, s))."""
    N, r, looks = d.n_max, d.r, planned(d)
    can_p = [s > r for s in range(N + 1)]
    can_n = [s <= r for s in range(N + 1)]
    bounds = {N: (r, r + 1)}
    for m in range(N - 1, 0, -1):
        a, b = looks.get(m, (-1, m))
        can_p = [False if s <= a else True if s > b else can_p[s] or can_p[s + 1] for s in range(m + 1)]
        can_n = [True if s <= a else False if s > b else can_n[s] or can_n[s + 1] for s in range(m + 1)]
        f = max([s for s in range(m + 1) if not can_p[s]], default=-1)
        e = min([s for s in range(m + 1) if not can_n[s]], default=m + 1)
        bounds[m] = (f, e)
    return bounds


def ref_stochastic(d, p1, tf, te, one=1.0, zero=0.0):
    """Per patient (f, e) of stochastic curtailment: CP backwards, stops setting it to 0 or 1."""
    N, r, looks = d.n_max, d.r, planned(d)
    cp = [one if s > r else zero for s in range(N + 1)]
    bounds = {N: (r, r + 1)}
    for m in range(N - 1, 0, -1):
        a, b = looks.get(m, (-1, m))
        new, f, e = [], -1, m + 1
        for s in range(m + 1):
            if s <= a:
                v, f = zero, s
            elif s > b:
                v, e = one, min(e, s)
            else:
                v = p1 * cp[s + 1] + (one - p1) * cp[s]
                if v < tf:
                    v, f = zero, s
                elif v > te:
                    v, e = one, min(e, s)
            new.append(v)
        cp = new
        bounds[m] = (f, e)
    return bounds


def ref_oc(d, bounds, p, one=1.0, zero=0.0):
    """reject, EN, {m: P(N = m)}: forward over (m, s) with the probability of reaching each point."""
    reach = {0: one}
    reject, dist = zero, {}
    for m in range(1, d.n_max + 1):
        new = {}
        for s, w in reach.items():
            new[s] = new.get(s, zero) + w * (one - p)
            new[s + 1] = new.get(s + 1, zero) + w * p
        f, e = bounds[m]
        stop = zero
        reach = {}
        for s, w in new.items():
            if s <= f:
                stop += w
            elif s >= e:
                stop += w
                reject += w
            else:
                reach[s] = w
        dist[m] = stop
        if not reach:
            break
    en = sum(m * q for m, q in dist.items())
    return reject, en, dist


def engine_bounds(cd):
    """The engine's rule as per-patient (f, e) over the reachable totals, for the comparison."""
    out = {}
    for m in range(1, cd.n_max + 1):
        a, b = cd.futility[m - 1], cd.efficacy[m - 1]
        out[m] = (a, m + 1 if b is None else b + 1)
    out[cd.n_max] = (cd.design.r, cd.design.r + 1)
    return out


def same_rule(cd, bounds):
    """The reference's bounds act as the engine's on every total the curtailed trial can reach."""
    for m in range(1, cd.n_max + 1):
        lo, hi = cd.reach[m - 1]
        fe, ee = engine_bounds(cd)[m]
        fr, er = bounds[m]
        for s in range(lo, hi + 1):
            if (s <= fe, s >= ee) != (s <= fr, s >= er):
                return False
    return True


def check(cd, bounds, ps, oc):
    assert same_rule(cd, bounds), cd.original.label()
    for i, p in enumerate(ps):
        rej, en, dist = ref_oc(cd.original, bounds, p)
        assert abs(rej - oc.reject[i]) < 1e-11 and abs(en - oc.en[i]) < 1e-9 * en, (rej, oc.reject[i], en, oc.en[i])


def main():
    print(f"{'design':<24} {'N':>4}  {'method':<13} {'engine':>9} {'reference':>10} {'ratio':>7}")
    for text, p0, p1 in CASES:
        d = Design.parse(text)
        ps = [p0, p1]
        # warm-up: compile or load the kernels once
        curtail(d).oc(ps)
        curtail(d, method="stochastic", p1=p1, theta_f=0.05, theta_e=0.99).oc(ps)
        rep = 20 if d.n_max <= 300 else 5
        t_eng, oc = best_of(lambda: curtail(d).oc(ps), rep)
        t_ref, bounds = best_of(lambda: [ref_deterministic(d)] + [ref_oc(d, ref_deterministic(d), p) for p in ps],
                                3)
        check(curtail(d), bounds[0], ps, oc)
        print(f"{text:<24} {d.n_max:>4}  {'deterministic':<13} {1e3 * t_eng:>7.2f}ms {1e3 * t_ref:>8.1f}ms "
              f"{t_ref / t_eng:>6.0f}x")
        t_eng, oc = best_of(lambda: curtail(d, method="stochastic", p1=p1, theta_f=0.05, theta_e=0.99).oc(ps), rep)
        t_ref, bounds = best_of(lambda: [ref_stochastic(d, p1, 0.05, 0.99)]
                                + [ref_oc(d, ref_stochastic(d, p1, 0.05, 0.99), p) for p in ps], 3)
        check(curtail(d, method="stochastic", p1=p1, theta_f=0.05, theta_e=0.99), bounds[0], ps, oc)
        print(f"{'':<24} {'':>4}  {'stochastic':<13} {1e3 * t_eng:>7.2f}ms {1e3 * t_ref:>8.1f}ms "
              f"{t_ref / t_eng:>6.0f}x")
        if d.n_max <= 30:
            # the same reference in exact rational arithmetic
            q0, q1 = Fraction(str(p0)), Fraction(str(p1))
            one, zero = Fraction(1), Fraction(0)

            def exact():
                b = ref_stochastic(d, q1, Fraction(5, 100), Fraction(99, 100), one, zero)
                return [ref_oc(d, b, q, one, zero) for q in (q0, q1)]

            t_fr, _ = best_of(exact, 3)
            print(f"{'':<24} {'':>4}  {'stoch. exact':<13} {1e3 * t_eng:>7.2f}ms {1e3 * t_fr:>8.1f}ms "
                  f"{t_fr / t_eng:>6.0f}x  (reference in Fractions)")


if __name__ == "__main__":
    main()

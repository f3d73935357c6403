"""Brute-force oracle for designs with any number of stages, in exact rational arithmetic.

Independent of phase2design: it walks every vector of stage-wise response counts
``(x_1, ..., x_J)``, follows the design's rule literally (stop for futility if
``S_j <= a_j``, for efficacy if ``S_j > b_j``, promising at the end if ``S_J > r``)
and weighs each path with ``prod_j C(n_j, x_j)``, using ``math.comb`` and
``fractions.Fraction`` only.  The stage-wise ordering is implemented from its
pairwise definition (Jennison & Turnbull 2000, section 8.4), not as a list.

A design is ``(N, a, b)``: cumulative sizes, futility bounds (``-1`` none) and
efficacy bounds (``None`` none), the last entries being ``r`` and ``None``.
"""

import functools
import math
from fractions import Fraction


def outcomes(design):
    """{(stage, s): (count, count with first patient responding, promising)}, walking every path."""
    N, a, b = design
    J = len(N)
    sizes = [N[0]] + [N[j] - N[j - 1] for j in range(1, J)]
    out = {}

    def walk(j, s, count, first):
        for x in range(sizes[j] + 1):
            c = count * math.comb(sizes[j], x)
            # sequences whose first patient responded: C(n1 - 1, x1 - 1) = C(n1, x1) x1 / n1
            f = c * x // sizes[0] if j == 0 else first * math.comb(sizes[j], x)
            t = s + x
            if j == J - 1:
                end, promising = (j + 1, t), t > a[j]
            elif t <= a[j]:
                end, promising = (j + 1, t), False
            elif b[j] is not None and t > b[j]:
                end, promising = (j + 1, t), True
            else:
                walk(j + 1, t, c, f)
                continue
            c0, f0, _ = out.get(end, (0, 0, promising))
            out[end] = (c0 + c, f0 + f, promising)

    walk(0, 0, 1, 0)
    return out


def _above(design, o1, o2):
    """True if outcome o1 ranks above o2 on the stage-wise ordering."""
    N, a, b = design
    J = len(N)
    (j1, s1), (j2, s2) = o1, o2

    def efficacy_stop(j, s):
        return j < J and b[j - 1] is not None and s > b[j - 1]

    def futility_stop(j, s):
        return j < J and s <= a[j - 1]

    if j1 == j2:
        return s1 > s2
    if j1 < j2:
        return efficacy_stop(j1, s1)
    return futility_stop(j2, s2)


def ordered(design):
    """Outcomes sorted lowest first on the stage-wise ordering."""
    outs = list(outcomes(design))

    def cmp(x, y):
        if x == y:
            return 0
        return 1 if _above(design, x, y) else -1

    return sorted(outs, key=functools.cmp_to_key(cmp))


def probabilities(design, p):
    """{outcome: P_p(outcome)} as Fractions, for a rational p."""
    p = Fraction(p)
    N = design[0]
    return {o: c * p ** o[1] * (1 - p) ** (N[o[0] - 1] - o[1]) for o, (c, _, _) in outcomes(design).items()}


def _rising(c, k):
    v = Fraction(1)
    for i in range(k):
        v *= c + i
    return v


def predictive(design, a, b):
    """{outcome: probability} with p ~ Beta(a, b): count * (a)_s (b)_{N-s} / (a+b)_N."""
    a, b = Fraction(a), Fraction(b)
    N = design[0]
    out = {}
    for o, (c, _, _) in outcomes(design).items():
        n, s = N[o[0] - 1], o[1]
        out[o] = c * _rising(a, s) * _rising(b, n - s) / _rising(a + b, n)
    return out


def oc(design, prob):
    """reject, stop probabilities per stage and EN from {outcome: probability}."""
    N = design[0]
    J = len(N)
    outs = outcomes(design)
    reject = sum((q for o, q in prob.items() if outs[o][2]), Fraction(0))
    stop = [sum((q for o, q in prob.items() if o[0] == j + 1), Fraction(0)) for j in range(J)]
    fut = [sum((q for o, q in prob.items() if o[0] == j + 1 and not outs[o][2]), Fraction(0)) for j in range(J)]
    eff = [sum((q for o, q in prob.items() if o[0] == j + 1 and outs[o][2]), Fraction(0)) for j in range(J)]
    en = sum((N[j] * stop[j] for j in range(J)), Fraction(0))
    return {"reject": reject, "stop": stop, "futility": fut, "efficacy": eff, "en": en}


def umvue(design, outcome):
    c, c1, _ = outcomes(design)[outcome]
    return Fraction(c1, c)


def tail_at_least(design, outcome, p, midp=False):
    order = ordered(design)
    t = order.index(outcome)
    prob = probabilities(design, p)
    above = sum((prob[o] for o in order[t + 1:]), Fraction(0))
    return above + (prob[outcome] / 2 if midp else prob[outcome])


def tail_at_most(design, outcome, p, midp=False):
    order = ordered(design)
    t = order.index(outcome)
    prob = probabilities(design, p)
    below = sum((prob[o] for o in order[:t]), Fraction(0))
    return below + (prob[outcome] / 2 if midp else prob[outcome])


def solve(func, target, increasing=True, iterations=60):
    """Bisection on floats for func(p) = target with func monotone; exact evaluation at each point."""
    lo, hi = 0.0, 1.0
    sign = 1 if increasing else -1
    if sign * (func(lo) - target) >= 0:
        return 0.0
    if sign * (func(hi) - target) <= 0:
        return 1.0
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if sign * (func(mid) - target) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

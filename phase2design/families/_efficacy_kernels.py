"""Kernels of the two-stage search with a stage-1 efficacy stop (Mander & Thompson 2010).

Plain numbers and arrays in and out, no validation: :mod:`phase2design.families.efficacy` checks its
inputs before calling in.  The binomial rows and upper tails are the flat triangular tables of
:func:`phase2design.numerics._binomial._triangular_tables` (row ``m`` starts at ``_tri_offset(m)``,
``sf[o + k] = P(X > k)``).

A design ``r1:e1/n1, r/n`` stops after ``n1`` patients not promising if ``X1 <= r1``, promising if
``X1 > e1``, and otherwise treats ``n2 = n - n1`` more and is promising if ``X1 + X2 > r``; ``e1 = n1``
stands for "no efficacy stop" (Simon's design).  Its probability of declaring the drug promising is

    P(e1) + sum_{x = r1 + 1}^{e1} b(x; n1, p) P(X2 > r - x; n2, p),    P(e1) = P(X1 > e1),

and its expected sample size ``n1 + n2 P(r1 < X1 <= e1)`` does not depend on ``r``.
"""

import numpy as np

from ..numerics._binomial import _neumaier, _tri_offset
from ..numerics._jit import kernel

#: Absolute rounding allowance, per unit of the total of the positive terms a probability is summed
#: from: every table entry is within a few units in the last place of its exact value and every sum is
#: compensated, so 1e-14 (about 45 ulp) is far above the error and far below any tolerance used.
_ABS = 1e-14


@kernel(cost=lambda mmax, alpha, tol, sf0: 0.5 * mmax * mmax + 5.0)
def _e1_limits(mmax, alpha, tol, sf0):
    """For each n1 = m, the smallest e1 with P0(X1 > e1) <= alpha (1 + tol), widened so it is never above
    the exact limit: an efficacy bound below it stops for efficacy too often under H0 for any r."""
    out = np.zeros(mmax + 1, dtype=np.int64)
    lim = alpha * (1.0 + tol) + _ABS
    for m in range(1, mmax + 1):
        o = _tri_offset(m)
        e = m
        while e > 0 and sf0[o + e - 1] <= lim:
            e -= 1
        out[m] = e
    return out


@kernel(cost=lambda mmax, beta, pmf0, sf0, pmf1, sf1, r1max, e1lo: 0.8 * mmax * mmax + 5.0)
def _continuation_bounds(mmax, beta, pmf0, sf0, pmf1, sf1, r1max, e1lo):
    """Lower limits c0[m], c1[m] of the continuation probability P(r1 < X1 <= e1) at p0 and p1 of any
    feasible design with n1 = m (-1 where no design has n1 = m).

    A feasible design has r1 <= r1max[m] (power needs P1(X1 > r1) >= 1 - beta) and e1 >= e1lo[m] (alpha
    needs P0(X1 > e1) <= alpha) with r1 < e1 <= m, so its continuation interval (r1, e1] contains
    (r1, max(e1lo, r1 + 1)]; the smallest such probability over r1 bounds it at either rate.  At p1 the
    power also gives P1(r1 < X1 <= e1) >= 1 - beta - P1(X1 > e1) >= 1 - beta - P1(X1 > e1lo[m]).
    The values are lowered by the rounding allowance, so they are never above the exact limits.
    """
    c0 = np.full(mmax + 1, -1.0)
    c1 = np.full(mmax + 1, -1.0)
    for m in range(1, mmax + 1):
        top = min(r1max[m], m - 1)
        if top < 0:
            continue
        o = _tri_offset(m)
        lo0 = np.inf
        lo1 = np.inf
        for r1 in range(top + 1):
            e = max(e1lo[m], r1 + 1)
            v0 = sf0[o + r1] - sf0[o + e]
            v1 = sf1[o + r1] - sf1[o + e]
            if v0 < lo0:
                lo0 = v0
            if v1 < lo1:
                lo1 = v1
        power_part = 1.0 - beta - sf1[o + e1lo[m]]
        if power_part > lo1:
            lo1 = power_part
        c0[m] = max(lo0 - 4.0 * _ABS, 0.0)
        c1[m] = max(lo1 - 4.0 * _ABS, 0.0)
    return c0, c1


@kernel(cost=lambda n, en_star, c: 0.3 * n + 5.0)
def _en_lower_bound(n, en_star, c):
    """Smallest EN (at the rate of ``c``) any feasible design with total n could have, for n1 <= en_star:
    ``min over n1 of n1 + c[n1] (n - n1)``.  Designs with n1 > en_star have EN > n1 > en_star."""
    lo = np.inf
    top = min(n - 1, int(np.floor(en_star)))
    for n1 in range(1, top + 1):
        if c[n1] < 0.0:
            continue
        v = n1 + c[n1] * (n - n1)
        if v < lo:
            lo = v
    return lo


@kernel
def _prefix_table(n, n1, rlo, rhi, pmf, sf, out):
    """out[r - rlo, k + 1] = sum_{x <= k} b(x; n1, p) P(X2 > r - x; n - n1, p) for r = rlo..rhi, k = 0..n1,
    compensated (out[., 0] = 0), so the total of its positive terms is out[r - rlo, n1 + 1]."""
    n2 = n - n1
    o1 = _tri_offset(n1)
    o2 = _tri_offset(n2)
    for r in range(rlo, rhi + 1):
        s = 0.0
        c = 0.0
        i = r - rlo
        out[i, 0] = 0.0
        for x in range(n1 + 1):
            k = r - x
            if k < 0:
                v = pmf[o1 + x]
            elif k < n2:
                v = pmf[o1 + x] * sf[o2 + k]
            else:
                v = 0.0
            s, c = _neumaier(s, c, v)
            out[i, x + 1] = s + c


@kernel
def _reject_direct(n, n1, r1, e, r, pmf, sf):
    """P(promising) of r1:e/n1, r/n summed term by term (e = n1: no efficacy stop)."""
    n2 = n - n1
    o1 = _tri_offset(n1)
    o2 = _tri_offset(n2)
    s = sf[o1 + e]
    for x in range(r1 + 1, e + 1):
        k = r - x
        if k < 0:
            s += pmf[o1 + x]
        elif k < n2:
            s += pmf[o1 + x] * sf[o2 + k]
    return s


@kernel
def _smallest_r(n, n1, r1, e, lim, pmf, sf):
    """Smallest r in [r1, n - 1] with P(promising) <= lim by bisection (n - 1 when none): P falls as r rises."""
    lo = r1
    hi = n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _reject_direct(n, n1, r1, e, mid, pmf, sf) <= lim:
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel(cost=lambda n, *rest: 0.1 * n * n * n + 50.0)
def _candidates_at_n(n, alpha, beta, tol, pmf0, sf0, pmf1, sf1, r1max, e1lo):
    """For every (n1, r1) with total n, the designs that exact arithmetic might make its best one.

    For fixed (n, n1, r1) both EN0 and EN1 rise strictly with e1 (the continuation interval (r1, e1]
    grows), so the best design of the pair is its smallest feasible e1, with the smallest r meeting
    alpha (it has the most power; EN does not depend on r).  Raising e1 moves x1 = e1 + 1 from the
    efficacy stop, where it counts b(x1) towards P(promising), to the continuation, where it counts
    b(x1) P(X2 > r - x1) <= b(x1): at fixed r alpha and power fall as e1 rises, so the smallest r
    meeting alpha never rises with e1 and r moves one way (two pointers).  Raising r1 removes
    continuation terms, so alpha also falls with r1: every r the scan of one n1 visits lies between the
    smallest r meeting alpha of (the smallest r1 searched, its smallest e1) and that of (the largest r1,
    e1 = n1), or the largest r1 itself (r >= r1), and the prefix tables are built for that window only
    (with two cut-offs of margin; should rounding ever take the pointer out of it, the n1 is scanned again
    with the full range).

    Every comparison is widened by a relative ``tol`` plus the absolute rounding allowance of its sum:
    r is the smallest cut-off with attained alpha a within the widened alpha, a candidate is kept when
    its power b is within the widened target, and it is *certain* when a and b clear alpha and
    1 - beta by the same margin on the other side (then this r is exactly the smallest r meeting alpha
    and the design is exactly feasible).  For each (n1, r1), e1 rises until the first certain
    candidate; every candidate before it is one exact arithmetic might accept first.

    Branches are cut against the best certain candidates so far at this n, ``cut0 = EN0 (1 + tol)`` and
    ``cut1 = EN1 (1 + tol)`` (so exact ties survive): a branch goes only when it can beat neither.  A
    design with first stage n1 has EN > n1; one with (n1, r1) has EN_p >= n1 + n2 P_p(r1 < X1 <= e)
    with e = max(r1 + 1, e1lo[n1]), and at p1 also >= n1 + n2 (1 - beta - P1(X1 > e)).

    Returns rows (n1, r1, e1, r, en0, en1, a, b, certain), e1 = n1 meaning no efficacy stop.
    """
    cap = 256
    out = np.empty((cap, 9))
    k = 0
    target = 1.0 - beta
    a_lim = alpha * (1.0 + tol)
    t0 = np.empty((n + 1, n + 2))
    t1 = np.empty((n + 1, n + 2))
    cut0 = np.inf
    cut1 = np.inf
    for n1 in range(1, n):
        if n1 >= cut0 and n1 >= cut1:
            break
        top = min(r1max[n1], n1 - 1)
        if top < 0:
            continue
        n2 = n - n1
        o1 = _tri_offset(n1)
        # the r1 that can still beat an incumbent
        r1_first = -1
        r1_last = -1
        for r1 in range(top + 1):
            e = max(r1 + 1, e1lo[n1])
            lb0 = n1 + (sf0[o1 + r1] - sf0[o1 + e]) * n2
            c1 = sf1[o1 + r1] - sf1[o1 + e]
            if target - sf1[o1 + e] > c1:
                c1 = target - sf1[o1 + e]
            lb1 = n1 + c1 * n2
            if lb0 <= cut0 or lb1 <= cut1:
                if r1_first < 0:
                    r1_first = r1
                r1_last = r1
        if r1_first < 0:
            continue
        # r >= r1 always (the design's domain), so the window reaches r1_last even where alpha would allow
        # a smaller cut-off (a first stage that alone meets alpha and power)
        r_hi = _smallest_r(n, n1, r1_first, max(r1_first + 1, e1lo[n1]), a_lim, pmf0, sf0) + 2
        r_hi = min(max(r_hi, r1_last), n - 1)
        r_lo = max(_smallest_r(n, n1, r1_last, n1, a_lim, pmf0, sf0) - 2, 0)
        full = False
        cut0_in = cut0
        cut1_in = cut1
        while True:
            if full:
                r_lo = 0
                r_hi = n - 1
            _prefix_table(n, n1, r_lo, r_hi, pmf0, sf0, t0)
            _prefix_table(n, n1, r_lo, r_hi, pmf1, sf1, t1)
            k_start = k
            escaped = False
            for r1 in range(r1_first, r1_last + 1):
                e = max(r1 + 1, e1lo[n1])
                lb0 = n1 + (sf0[o1 + r1] - sf0[o1 + e]) * n2
                c1 = sf1[o1 + r1] - sf1[o1 + e]
                if target - sf1[o1 + e] > c1:
                    c1 = target - sf1[o1 + e]
                if lb0 > cut0 and n1 + c1 * n2 > cut1:
                    continue
                r = r_hi
                while e <= n1:
                    en0 = n1 + (sf0[o1 + r1] - sf0[o1 + e]) * n2
                    en1 = n1 + (sf1[o1 + r1] - sf1[o1 + e]) * n2
                    if en0 > cut0 and en1 > cut1:
                        break
                    tail0 = sf0[o1 + e]
                    # a(r) falls as r rises: move r down while the next smaller cut-off still meets alpha
                    while r > r1 and r - 1 >= r_lo:
                        i = r - 1 - r_lo
                        a2 = tail0 + (t0[i, e + 1] - t0[i, r1 + 1])
                        if a2 > a_lim + _ABS * (t0[i, n1 + 1] + tail0):
                            break
                        r -= 1
                    if r > r1 and r - 1 < r_lo:
                        escaped = True
                        break
                    i = r - r_lo
                    a = tail0 + (t0[i, e + 1] - t0[i, r1 + 1])
                    slack_a = alpha * tol + _ABS * (t0[i, n1 + 1] + tail0)
                    if a > alpha + slack_a:
                        if r < n - 1:
                            escaped = True
                            break
                        # even r = n - 1 misses alpha: a larger e1 lowers it
                        e += 1
                        continue
                    tail1 = sf1[o1 + e]
                    b = tail1 + (t1[i, e + 1] - t1[i, r1 + 1])
                    slack_b = target * tol + _ABS * (t1[i, n1 + 1] + tail1)
                    if b >= target - slack_b:
                        certain = a <= alpha - slack_a and b >= target + slack_b
                        if en0 <= cut0 or en1 <= cut1:
                            if k == cap:
                                cap *= 2
                                bigger = np.empty((cap, 9))
                                bigger[:k] = out[:k]
                                out = bigger
                            out[k, 0] = n1
                            out[k, 1] = r1
                            out[k, 2] = e
                            out[k, 3] = r
                            out[k, 4] = en0
                            out[k, 5] = en1
                            out[k, 6] = a
                            out[k, 7] = b
                            out[k, 8] = 1.0 if certain else 0.0
                            k += 1
                        if certain:
                            if en0 * (1.0 + tol) < cut0:
                                cut0 = en0 * (1.0 + tol)
                            if en1 * (1.0 + tol) < cut1:
                                cut1 = en1 * (1.0 + tol)
                            break
                    e += 1
                if escaped:
                    break
            if not escaped or full:
                break
            # rounding took the pointer out of the window: drop this n1's rows and scan it in full
            k = k_start
            cut0 = cut0_in
            cut1 = cut1_in
            full = True
    return out[:k]

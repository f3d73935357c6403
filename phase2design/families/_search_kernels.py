"""Numba kernels of the single-stage and Simon two-stage design searches.

Plain numbers and arrays in and out, no validation: :mod:`phase2design.families.single`
and :mod:`phase2design.families.simon` check their inputs before calling in.  The
binomial rows and tails come from :mod:`phase2design.numerics._binomial`.
"""

import math

import numpy as np

from ..numerics._binomial import _binom_tables, _tri_offset
from ..numerics._jit import kernel


@kernel(cost=lambda nlo, nhi, p0, p1, alpha, beta, rounded, want:
        15.0 * (nlo + 10) * min(nhi - nlo + 1, 3 * want + 20))
def _single_scan(nlo, nhi, p0, p1, alpha, beta, rounded, want):
    """Feasible single-stage designs with nlo <= n <= nhi, smallest n first.

    For each n the cut-off is the smallest r with P0(X > r) <= alpha, which
    maximises power among all cut-offs meeting alpha.  With ``rounded`` the
    comparison uses A'Hern's rounding (alpha to 4, power to 3 decimals).
    Stops after ``want`` feasible designs.  Rows: n, r, attained alpha, power.
    """
    res = np.empty((want, 4))
    found = 0
    for n in range(nlo, nhi + 1):
        pmf0, cdf0, sf0 = _binom_tables(n, p0)
        r = -1
        for k in range(n + 1):
            a = sf0[k]
            if rounded:
                a = np.round(a, 4)
            if a <= alpha:
                r = k
                break
        if r < 0:
            continue
        pmf1, cdf1, sf1 = _binom_tables(n, p1)
        pw = sf1[r]
        pwc = np.round(pw, 3) if rounded else pw
        if pwc >= 1.0 - beta:
            res[found, 0] = n
            res[found, 1] = r
            res[found, 2] = sf0[r]
            res[found, 3] = pw
            found += 1
            if found == want:
                break
    return res[:found]


# ---------------------------------------------------------------------------
# Simon two-stage search
# ---------------------------------------------------------------------------

@kernel(cost=lambda n, p0, p1, alpha: 11.0 * n + 5.0)
def _ump_power(n, p0, p1, alpha):
    """Power at p1 of the randomised most powerful level-alpha test on n patients.

    By the Neyman-Pearson lemma no design with n patients in total, in any
    number of stages, has more power; the power never falls as n grows (the
    test may ignore a patient), so it gives a lower limit for any search.
    """
    pmf0, cdf0, sf0 = _binom_tables(n, p0)
    pmf1, cdf1, sf1 = _binom_tables(n, p1)
    for k in range(n + 1):
        if sf0[k] <= alpha:
            gamma = (alpha - sf0[k]) / pmf0[k]
            if gamma > 1.0:
                gamma = 1.0
            return sf1[k] + gamma * pmf1[k]
    return 0.0


@kernel(cost=lambda mmax, beta, pmf1: 0.1 * mmax * mmax + 5.0)
def _r1_limits(mmax, beta, pmf1):
    """Largest r1 with P1(X1 <= r1) <= beta for each n1 (-1 when none)."""
    out = np.full(mmax + 1, -1, dtype=np.int64)
    for m in range(1, mmax + 1):
        o = _tri_offset(m)
        s = 0.0
        for k in range(m + 1):
            s += pmf1[o + k]
            if s <= beta:
                out[m] = k
            else:
                break
    return out


@kernel(cost=lambda r1max, beta, tol, sf1: 0.3 * len(r1max) + 5.0)
def _r1_limits_near(r1max, beta, tol, sf1):
    """Values of m whose ``r1max[m]`` may differ from the exact limit (an int array, usually empty).

    ``r1max[m]`` (from :func:`_r1_limits`) is exact unless ``P1(X1 <= r1max[m])`` or
    ``P1(X1 <= r1max[m] + 1)`` lies within a relative ``tol`` of beta; both are read as
    ``1 - P1(X1 > k)`` from the upper tails, O(1) per m.
    """
    out = np.empty(len(r1max), dtype=np.int64)
    k = 0
    for m in range(1, len(r1max)):
        o = _tri_offset(m)
        r = r1max[m]
        near = False
        if r >= 0 and abs(1.0 - sf1[o + r] - beta) <= tol * beta:
            near = True
        if r + 1 <= m and abs(1.0 - sf1[o + r + 1] - beta) <= tol * beta:
            near = True
        if near:
            out[k] = m
            k += 1
    return out[:k]


@kernel
def _stage_sums(n1, r1, n2, r, pmf0, sf0, pmf1, sf1):
    """P0 and P1 of (X1 > r1 and X1 + X2 > r), summed from the small end."""
    o1 = _tri_offset(n1)
    o2 = _tri_offset(n2)
    a = 0.0
    b = 0.0
    for x1 in range(r1 + 1, n1 + 1):
        da, db = _stage_term(x1, r - x1, n2, o1, o2, pmf0, sf0, pmf1, sf1)
        a += da
        b += db
    return a, b


@kernel
def _stage_term(x1, k, n2, o1, o2, pmf0, sf0, pmf1, sf1):
    """P0 and P1 of (X1 = x1 and X2 > k): the x1 term of the two-stage rejection sums."""
    if k < 0:
        return pmf0[o1 + x1], pmf1[o1 + x1]
    if k < n2:
        return pmf0[o1 + x1] * sf0[o2 + k], pmf1[o1 + x1] * sf1[o2 + k]
    return 0.0, 0.0


@kernel
def _near(value, bound):
    """Whether value lies within a relative 1e-12 of bound (a possible exact tie)."""
    return abs(value - bound) <= 1e-12 * bound


@kernel(cost=lambda n, *tables: 0.6 * n * n + 5.0)
def _best_at_n(n, alpha, beta, pmf0, sf0, pmf1, sf1, r1max, en0_cap):
    """Minimum-EN0 Simon design with total sample size n.

    For fixed (n1, r1) the smallest r meeting alpha also maximises power, so
    it is the only r that needs checking.  For fixed n1, EN0 falls as r1
    rises, so r1 is scanned downwards from the largest value power allows and
    the first feasible r1 is the best for that n1.  As r1 falls the smallest
    feasible r can only rise, so r moves one way (two pointers).  Branches
    whose EN0 cannot beat the incumbent (or ``en0_cap``) are cut.

    Returns (found, r1, n1, r, en0, attained alpha, power, near): ``near`` is
    True when any type I error or power that decided a comparison lay within
    a relative 1e-12 of alpha or 1 - beta, or an EN0 that decided a cut or a
    new incumbent lay within a relative 1e-12 of the incumbent's, i.e. when
    an exact tie (possible for "round" inputs such as p0 = 1/2, alpha = 1/16)
    may have been decided by rounding.  The caller then re-decides this n
    with :func:`_contenders_at_n` and rational arithmetic.
    """
    best_en0 = en0_cap
    b_r1 = -1
    b_n1 = -1
    b_r = -1
    b_a = 0.0
    b_p = 0.0
    on = _tri_offset(n)
    target = 1.0 - beta
    near = False
    r_hint = -1
    for n1 in range(1, n):
        if n1 >= best_en0:
            # every design from here on has EN0 > n1 >= the incumbent's; only this n1's smallest EN0
            # can tie an incumbent that lies within rounding of n1
            top = r1max[n1]
            if top >= 0:
                top = min(top, n1 - 1)
                near = near or _near(n1 + sf0[_tri_offset(n1) + top] * (n - n1), best_en0)
            break
        top = r1max[n1]
        if top < 0:
            continue
        top = min(top, n1 - 1)
        n2 = n - n1
        o1 = _tri_offset(n1)
        o2 = _tri_offset(n2)
        if n1 + sf0[o1 + top] * n2 >= best_en0:
            near = near or _near(n1 + sf0[o1 + top] * n2, best_en0)
            continue
        # smallest r >= top with P0(reject) <= alpha, searched from a hint
        r = r_hint
        if r < top:
            r = top
        a, b = _stage_sums(n1, top, n2, r, pmf0, sf0, pmf1, sf1)
        near = near or _near(a, alpha)
        if a <= alpha:
            while r > top:
                a2, b2 = _stage_sums(n1, top, n2, r - 1, pmf0, sf0, pmf1, sf1)
                near = near or _near(a2, alpha)
                if a2 > alpha:
                    break
                r -= 1
                a = a2
                b = b2
        else:
            while a > alpha:
                r += 1
                a, b = _stage_sums(n1, top, n2, r, pmf0, sf0, pmf1, sf1)
                near = near or _near(a, alpha)
        r_hint = r
        r1 = top
        while r1 >= 0:
            en0 = n1 + sf0[o1 + r1] * n2
            if en0 >= best_en0:
                # an equal EN0 loses to the incumbent (smaller n1) only if the tie is exact
                near = near or _near(en0, best_en0)
                break
            # power can never exceed P1(X > r) of the pooled sample
            near = near or _near(sf1[on + r], target) or _near(b, target)
            if sf1[on + r] < target:
                break
            if b >= target:
                near = near or (best_en0 < np.inf and _near(en0, best_en0))
                best_en0 = en0
                b_r1 = r1
                b_n1 = n1
                b_r = r
                b_a = a
                b_p = b
                break
            # next r1 down: add the x1 = r1 terms, then restore alpha
            r1 -= 1
            if r1 < 0:
                break
            da, db = _stage_term(r1 + 1, r - r1 - 1, n2, o1, o2, pmf0, sf0, pmf1, sf1)
            a += da
            b += db
            near = near or _near(a, alpha)
            while a > alpha:
                r += 1
                a, b = _stage_sums(n1, r1, n2, r, pmf0, sf0, pmf1, sf1)
                near = near or _near(a, alpha)
    found = b_n1 > 0
    return found, b_r1, b_n1, b_r, best_en0, b_a, b_p, near


@kernel(cost=lambda n, *tables: 1.2 * n * n + 5.0)
def _contenders_at_n(n, alpha, beta, tol, pmf0, sf0, pmf1, sf1, r1max):
    """Every design with total n that could, in exact arithmetic, be the minimum-EN0 one.

    The search of :func:`_best_at_n` with each comparison widened by a
    relative ``tol`` (far above the rounding error of the double-precision
    values, about 1e-13): r is the smallest cut-off with attained alpha
    ``a <= alpha (1 + tol)``, a candidate is kept if its power
    ``b >= (1 - beta)(1 - tol)``, and it is *certain* if moreover
    ``a <= alpha (1 - tol)`` and ``b >= (1 - beta)(1 + tol)`` (then it is
    feasible exactly with exactly this r).  For each n1, r1 goes down from
    ``r1max[n1]`` until the first certain candidate, so every candidate that
    exact arithmetic might accept instead is kept; branches are cut only
    when their EN0 exceeds ``EN0c (1 + tol)``, EN0c the smallest EN0 of a
    certain candidate, so exact ties with it survive.

    Returns rows (n1, r1, r, en0, a, b, certain), which the caller settles in
    rational arithmetic.
    """
    cap = 64
    out = np.empty((cap, 7))
    k = 0
    cut = np.inf
    on = _tri_offset(n)
    target = 1.0 - beta
    a_hi = alpha * (1.0 + tol)
    a_lo = alpha * (1.0 - tol)
    t_hi = target * (1.0 + tol)
    t_lo = target * (1.0 - tol)
    r_hint = -1
    for n1 in range(1, n):
        if n1 > cut:
            break
        top = r1max[n1]
        if top < 0:
            continue
        top = min(top, n1 - 1)
        n2 = n - n1
        o1 = _tri_offset(n1)
        o2 = _tri_offset(n2)
        if n1 + sf0[o1 + top] * n2 > cut:
            continue
        r = max(r_hint, top)
        a, b = _stage_sums(n1, top, n2, r, pmf0, sf0, pmf1, sf1)
        if a <= a_hi:
            while r > top:
                a2, b2 = _stage_sums(n1, top, n2, r - 1, pmf0, sf0, pmf1, sf1)
                if a2 > a_hi:
                    break
                r -= 1
                a = a2
                b = b2
        else:
            while a > a_hi:
                r += 1
                a, b = _stage_sums(n1, top, n2, r, pmf0, sf0, pmf1, sf1)
        r_hint = r
        r1 = top
        while r1 >= 0:
            en0 = n1 + sf0[o1 + r1] * n2
            if en0 > cut or sf1[on + r] < t_lo:
                break
            if b >= t_lo:
                if k == cap:
                    cap *= 2
                    bigger = np.empty((cap, 7))
                    bigger[:k] = out[:k]
                    out = bigger
                certain = a <= a_lo and b >= t_hi
                out[k, 0] = n1
                out[k, 1] = r1
                out[k, 2] = r
                out[k, 3] = en0
                out[k, 4] = a
                out[k, 5] = b
                out[k, 6] = 1.0 if certain else 0.0
                k += 1
                if certain:
                    if en0 * (1.0 + tol) < cut:
                        cut = en0 * (1.0 + tol)
                    break
            r1 -= 1
            if r1 < 0:
                break
            da, db = _stage_term(r1 + 1, r - r1 - 1, n2, o1, o2, pmf0, sf0, pmf1, sf1)
            a += da
            b += db
            while a > a_hi:
                r += 1
                a, b = _stage_sums(n1, r1, n2, r, pmf0, sf0, pmf1, sf1)
    return out[:k]


@kernel(cost=lambda n, *tables: 0.3 * n + 5.0)
def _en0_lower_bound(n, en0_star, pmf0, sf0, r1max):
    """Smallest EN0 any feasible design with total n could have.

    A design needs P1(X1 > r1) >= 1 - beta, so r1 <= r1max[n1] and
    EN0 = n1 + P0(X1 > r1) (n - n1) >= n1 + P0(X1 > r1max[n1]) (n - n1).
    Designs with n1 >= en0_star cannot beat en0_star and are left out.
    """
    lo = np.inf
    top = min(n - 1, int(math.floor(en0_star)))
    for n1 in range(1, top + 1):
        r1 = r1max[n1]
        if r1 < 0:
            continue
        if r1 > n1 - 1:
            r1 = n1 - 1
        v = n1 + sf0[_tri_offset(n1) + r1] * (n - n1)
        if v < lo:
            lo = v
    return lo


@kernel(cost=lambda nlo, nhi, n1lo, n1hi, *tables:
        0.5 * nhi * nhi * max(nhi - nlo + 1, 0) * max(min(n1hi, nhi) - n1lo + 1, 0) + 5.0)
def _feasible_designs(nlo, nhi, n1lo, n1hi, alpha, beta, pmf0, sf0, pmf1, sf1, r1max):
    """Every feasible (r1, n1, r, n) with r the smallest cut-off meeting alpha.

    Plain loops over n, n1 and r1 with a bisection on r (P0(reject) falls as r
    rises).  Rows: r1, n1, r, n, EN0, PET0, attained alpha, power, EN1, PET1,
    every probability summed from its small end.
    """
    cap = 1024
    out = np.empty((cap, 10))
    k = 0
    target = 1.0 - beta
    for n in range(nlo, nhi + 1):
        for n1 in range(max(1, n1lo), min(n - 1, n1hi) + 1):
            n2 = n - n1
            o1 = _tri_offset(n1)
            top = min(r1max[n1], n1 - 1)
            for r1 in range(0, top + 1):
                lo = r1
                hi = n
                while lo < hi:
                    mid = (lo + hi) // 2
                    a, b = _stage_sums(n1, r1, n2, mid, pmf0, sf0, pmf1, sf1)
                    if a <= alpha:
                        hi = mid
                    else:
                        lo = mid + 1
                a, b = _stage_sums(n1, r1, n2, lo, pmf0, sf0, pmf1, sf1)
                if b >= target:
                    if k == cap:
                        cap *= 2
                        bigger = np.empty((cap, 10))
                        bigger[:k] = out[:k]
                        out = bigger
                    pet0 = 0.0
                    pet1 = 0.0
                    for x1 in range(r1 + 1):
                        pet0 += pmf0[o1 + x1]
                        pet1 += pmf1[o1 + x1]
                    out[k, 0] = r1
                    out[k, 1] = n1
                    out[k, 2] = lo
                    out[k, 3] = n
                    out[k, 4] = n1 + sf0[o1 + r1] * n2
                    out[k, 5] = min(pet0, 1.0)
                    out[k, 6] = a
                    out[k, 7] = b
                    out[k, 8] = n1 + sf1[o1 + r1] * n2
                    out[k, 9] = min(pet1, 1.0)
                    k += 1
    return out[:k]

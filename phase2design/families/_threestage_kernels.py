"""Kernels of the exhaustive three-stage design search (:mod:`phase2design.families.threestage`).

Plain numbers and arrays in and out, no validation.  A design is ``r1/N1, r2/N2, r/N`` (cumulative sizes):
stop after stage 1 if ``S1 <= r1``, after stage 2 if ``S2 <= r2``, promising if ``S3 > r``.  Binomial rows
and upper tails come from the flat triangular tables of :mod:`phase2design.numerics._binomial`
(``sf[o(m) + k] = P(X > k)`` for ``X ~ Bin(m, p)``).
"""

import numpy as np

from ..numerics._binomial import _tri_offset
from ..numerics._jit import kernel


@kernel
def _tail(sf, o, m, k):
    """``P(X > k)`` for ``X ~ Bin(m, p)`` and any integer ``k`` (1 below 0, 0 from m on)."""
    if k < 0:
        return 1.0
    if k >= m:
        return 0.0
    return sf[o + k]


@kernel
def _final_sums(R0, R1, lo, hi, r, n3, o3, sf0, sf1):
    """P0 and P1 of reaching stage 3 and ending with ``S3 > r``: ``sum_s R(s) P(X3 > r - s)``, s = lo..hi."""
    a = 0.0
    b = 0.0
    for s in range(lo, hi + 1):
        k = r - s
        if k < 0:
            a += R0[s]
            b += R1[s]
        elif k < n3:
            a += R0[s] * sf0[o3 + k]
            b += R1[s] * sf1[o3 + k]
    return a, b


@kernel
def _final_alpha(R0, lo, hi, r, n3, o3, sf0):
    a = 0.0
    for s in range(lo, hi + 1):
        k = r - s
        if k < 0:
            a += R0[s]
        elif k < n3:
            a += R0[s] * sf0[o3 + k]
    return a


@kernel
def _is_near(value, bound, tol):
    """Whether value lies within a relative tol of a finite bound (a possible exact tie)."""
    if bound == np.inf:
        return False
    return abs(value - bound) <= tol * abs(bound)


@kernel(cost=lambda n1_a, n1_b, nlo, nhi, *rest: 0.02 * (n1_b - n1_a) * nhi ** 3 + 50.0)
def _three_stage_scan(n1_a, n1_b, nlo, nhi, p0, p1, alpha, beta, pmf0, sf0, pmf1, sf1, r1max, g, run, best, bi, bf,
                      near, r1_only, widen, tol, out):
    """Minimum-EN0 three-stage designs with first stage N1 in [n1_a, n1_b) and total N in nlo..nhi.

    ``EN0 = N1 + P0(S1 > r1)(N2 - N1) + P0(S1 > r1, S2 > r2)(N - N2)`` does not depend on ``r``, and for
    fixed (N1, r1, N2, r2, N) the smallest ``r`` meeting alpha maximises power, so it is the only ``r``
    checked.  EN0 falls as ``r2`` rises, so ``r2`` is scanned downwards from the largest value power allows
    (``P1(S1 > r1, S2 > r2) >= 1 - beta``) and the first feasible ``r2`` is the best of its prefix at N; the
    smallest feasible ``r`` can only rise as ``r2`` falls.  ``run[N]`` is the running minimum of the best
    EN0 over all totals up to N (seeded with the Simon designs, which belong to the family): a design whose
    EN0 is not below it is dominated by one with no more patients.  Cuts, all proven:

    * ``EN0 > N1``: a first stage of ``N1 >= run[N1 + 2]`` can beat no cap (caps never rise with N);
    * ``EN0 > N1 + P0(S1 > r1)(N2 - N1)``, which grows with N2;
    * ``EN0 >= N1 + P0(S1 > r1)(N2 - N1) + g(N2)(N - N2)`` with ``g(m)`` the smallest type I error of any
      test on ``m`` patients with power ``1 - beta`` (Neyman-Pearson), since the event of reaching stage 3
      is such a test; cut only when the bound clears the cap by a relative 1e-9;
    * for fixed (N1, r1, N2) EN0 grows with N while caps fall: once the smallest EN0 (at the largest r2)
      reaches the cap, no larger N can help;
    * the power of any design is at most ``P1(S_N > r)``.

    State arrays are updated in place: ``best[N]`` (EN0, inf where nothing beat the cap), ``bi[N]`` (N1,
    r1, N2, r2, r), ``bf[N]`` (alpha, power), ``run`` and ``near[N]`` (True where a deciding comparison came
    within a relative ``tol`` of a tie: re-decide that N exactly).  With ``widen > 0`` (re-deciding one N,
    nlo == nhi) every comparison is widened by that relative amount, caps are not lowered, every r2 of a
    prefix is visited, and each candidate becomes a row of ``out`` (N1, r1, N2, r2, r, EN0, alpha, power).
    ``r1_only >= 0`` fixes r1 (Ensign et al. 1994: r1 = 0).

    Returns (rows written to ``out``, overflow, done): ``done`` when no larger N1 can beat any cap.
    """
    target = 1.0 - beta
    size = nhi + 1
    max_out = out.shape[0]
    n_out = 0
    overflow = False
    up = 1.0 + widen
    a_lim = alpha * (1.0 + widen)
    t_lim = target * (1.0 - widen)
    R0 = np.zeros(size + 1)
    R1 = np.zeros(size + 1)
    T0 = np.zeros(size + 2)
    T1 = np.zeros(size + 2)
    for N1 in range(n1_a, min(n1_b, nhi - 1)):
        if N1 >= run[N1 + 2] * up:
            if _is_near(N1, run[N1 + 2], tol):
                _flag_from(near, N1 + 2)
            return n_out, overflow, True
        top = r1max[N1]
        if top > N1 - 1:
            top = N1 - 1
        lo1 = 0
        if r1_only >= 0:
            lo1 = r1_only
            if top > r1_only:
                top = r1_only
        o1 = _tri_offset(N1)
        for r1 in range(lo1, top + 1):
            c1 = sf0[o1 + r1]
            for s in range(size + 1):
                R0[s] = 0.0
                R1[s] = 0.0
            for s in range(r1 + 1, N1 + 1):
                R0[s] = pmf0[o1 + s]
                R1[s] = pmf1[o1 + s]
            for N2 in range(N1 + 1, nhi):
                # one more patient in stage 2: R(s) <- R(s)(1 - p) + R(s - 1) p, R(r1) stays 0
                for s in range(N2, r1, -1):
                    R0[s] = R0[s] * (1.0 - p0) + R0[s - 1] * p0
                    R1[s] = R1[s] * (1.0 - p1) + R1[s - 1] * p1
                A = N1 + c1 * (N2 - N1)
                if A >= run[N2 + 1] * up:
                    if _is_near(A, run[N2 + 1], tol):
                        _flag_from(near, N2 + 1)
                    break
                if A + g[N2] >= run[N2 + 1] * (1.0 + 1e-9) * up:
                    continue
                T0[N2 + 1] = 0.0
                T1[N2 + 1] = 0.0
                for s in range(N2, r1, -1):
                    T0[s] = T0[s + 1] + R0[s]
                    T1[s] = T1[s + 1] + R1[s]
                # largest r2 (r1 < r2 < N2) whose stage-3 reach has P1 >= 1 - beta
                r2max = -1
                for r2 in range(N2 - 1, r1, -1):
                    if _is_near(T1[r2 + 1], target, tol):
                        # the exact limit may differ by one: every N of this prefix is re-decided exactly
                        _flag_from(near, N2 + 1)
                    if T1[r2 + 1] >= t_lim:
                        r2max = r2
                        break
                if r2max < 0:
                    continue
                r_hint = r2max
                for N in range(N2 + 1, nhi + 1):
                    if N < nlo:
                        continue
                    n3 = N - N2
                    o3 = _tri_offset(n3)
                    oN = _tri_offset(N)
                    cap_n = run[N] * up
                    e_min = A + T0[r2max + 1] * n3
                    if e_min >= cap_n:
                        near[N] = near[N] or _is_near(e_min, run[N], tol)
                        break
                    if A + g[N2] * n3 >= run[N] * (1.0 + 1e-9) * up:
                        break
                    r = r_hint
                    first = True
                    for r2 in range(r2max, r1, -1):
                        e = A + T0[r2 + 1] * n3
                        if e >= cap_n:
                            near[N] = near[N] or _is_near(e, run[N], tol)
                            break
                        lo = r2 + 1
                        if r < r2:
                            r = r2
                        a = _final_alpha(R0, lo, N2, r, n3, o3, sf0)
                        near[N] = near[N] or _is_near(a, alpha, tol)
                        if first and a <= a_lim:
                            while r > r2:
                                a2 = _final_alpha(R0, lo, N2, r - 1, n3, o3, sf0)
                                near[N] = near[N] or _is_near(a2, alpha, tol)
                                if a2 > a_lim:
                                    break
                                r -= 1
                                a = a2
                        while a > a_lim and r < N - 1:
                            r += 1
                            a = _final_alpha(R0, lo, N2, r, n3, o3, sf0)
                            near[N] = near[N] or _is_near(a, alpha, tol)
                        if first:
                            r_hint = r
                            first = False
                        if a > a_lim:
                            break
                        pooled = _tail(sf1, oN, N, r)
                        near[N] = near[N] or _is_near(pooled, target, tol)
                        if pooled < t_lim:
                            break
                        a, b = _final_sums(R0, R1, lo, N2, r, n3, o3, sf0, sf1)
                        near[N] = near[N] or _is_near(b, target, tol)
                        if b >= t_lim:
                            if widen > 0:
                                if n_out < max_out:
                                    out[n_out, 0] = N1
                                    out[n_out, 1] = r1
                                    out[n_out, 2] = N2
                                    out[n_out, 3] = r2
                                    out[n_out, 4] = r
                                    out[n_out, 5] = e
                                    out[n_out, 6] = a
                                    out[n_out, 7] = b
                                    n_out += 1
                                else:
                                    overflow = True
                                continue
                            near[N] = near[N] or (best[N] < np.inf and _is_near(e, best[N], tol)) \
                                or _is_near(e, run[N], tol)
                            best[N] = e
                            bi[N, 0] = N1
                            bi[N, 1] = r1
                            bi[N, 2] = N2
                            bi[N, 3] = r2
                            bi[N, 4] = r
                            bf[N, 0] = a
                            bf[N, 1] = b
                            for k in range(N, size):
                                if run[k] > e:
                                    run[k] = e
                            cap_n = e
                            break
    return n_out, overflow, False


@kernel
def _flag_from(near, k):
    for i in range(k, len(near)):
        near[i] = True

"""Numba kernels of the sample-space engine: the forward recursion over the stages of a design.

Plain numbers and arrays in and out, no validation; :mod:`phase2design.engine.samplespace`
checks its inputs first.

For a design with cumulative sizes ``N_1 < ... < N_J`` that continues after
stage ``j`` exactly while ``lo_j <= S_j <= hi_j``, the probability of reaching
the look after stage ``j`` with ``S_j = s`` is

.. math::

    R_1(s) = b(s; N_1, p), \\qquad
    R_j(s) = \\sum_{k = lo_{j-1}}^{hi_{j-1}} R_{j-1}(k)\\, b(s - k; N_j - N_{j-1}, p),

that is the number of response sequences that reach ``(j, s)`` (which does
not depend on ``p``) times ``p^s (1 - p)^{N_j - s}``.  Every entry is a sum of
non-negative products of binomial probabilities from Loader's saddle-point
rows (:mod:`phase2design.numerics._binomial`), accumulated with Neumaier's
compensated summation, so tiny probabilities keep their relative precision.

Under a Beta(a, b) distribution of ``p`` the same recursion holds with the
stage-``j`` row replaced by the beta-binomial row of the posterior after
``k`` responses in ``N_{j-1}`` patients, Beta(a + k, b + N_{j-1} - k): the
joint predictive probability of a path is then the number of sequences times
``B(a + s, b + N_j - s) / B(a, b)``.
"""

import numpy as np

from ..numerics._betabinomial import _betabinom_pmf_row
from ..numerics._binomial import _binom_pmf_row, _binom_tables, _neumaier
from ..numerics._jit import kernel


def _pairs(N, lo, hi):
    """Pairs (total so far, responses in the stage) the recursion visits: its plain-Python work."""
    return float(sum(max(int(hi[j - 1]) - int(lo[j - 1]) + 1, 0) * (int(N[j]) - int(N[j - 1]) + 1)
                     for j in range(1, len(N))))


# cost: predicted plain-Python microseconds (see numerics/_jit.py), measured at about 0.9 us per pair
@kernel(cost=lambda N, lo, hi, p: 0.9 * _pairs(N, lo, hi) + 6.0 * float(N[-1]) + 5.0)
def _reach(N, lo, hi, p):
    """R[j, s] = P_p(the look after stage j is reached with S_j = s), for s = 0..N_J (0 beyond N_j)."""
    J = N.shape[0]
    R = np.zeros((J, N[J - 1] + 1))
    _binom_pmf_row(N[0], p, R[0, :N[0] + 1])
    for j in range(1, J):
        row = np.empty(N[j] - N[j - 1] + 1)
        _binom_pmf_row(N[j] - N[j - 1], p, row)
        _step(R, j, N, lo, hi, row)
    return R


@kernel
def _step(R, j, N, lo, hi, row):
    """R[j, s] = sum over continuing k of R[j-1, k] row[s - k]: one stage of the recursion (row: stage j's pmf)."""
    m = N[j] - N[j - 1]
    klo = lo[j - 1]
    khi = hi[j - 1]
    for s in range(klo, khi + m + 1):
        acc = 0.0
        comp = 0.0
        for k in range(max(klo, s - m), min(khi, s) + 1):
            acc, comp = _neumaier(acc, comp, R[j - 1, k] * row[s - k])
        R[j, s] = acc + comp


@kernel(cost=lambda N, lo, hi, a, b: 8.0 * _pairs(N, lo, hi) + 10.0 * float(N[-1]) + 5.0)
def _reach_predictive(N, lo, hi, a, b):
    """R[j, s] as in :func:`_reach` with p ~ Beta(a, b) integrated out (beta-binomial steps)."""
    J = N.shape[0]
    R = np.zeros((J, N[J - 1] + 1))
    _betabinom_pmf_row(N[0], a, b, R[0, :N[0] + 1])
    for j in range(1, J):
        m = N[j] - N[j - 1]
        prev = N[j - 1]
        row = np.empty(m + 1)
        acc = np.zeros(N[j] + 1)
        comp = np.zeros(N[j] + 1)
        for k in range(lo[j - 1], hi[j - 1] + 1):
            w = R[j - 1, k]
            if w == 0.0:
                continue
            _betabinom_pmf_row(m, a + k, b + prev - k, row)
            for x in range(m + 1):
                acc[k + x], comp[k + x] = _neumaier(acc[k + x], comp[k + x], w * row[x])
        for s in range(N[j] + 1):
            R[j, s] = acc[s] + comp[s]
    return R



@kernel(cost=lambda R, N, fut, upper: 1.5 * float(R.shape[0]) * float(R.shape[1]) + 5.0)
def _stop_sums(R, N, fut, upper):
    """(futility, efficacy): for each stage, the compensated sum of R[j, s] over s <= fut[j] and s > upper[j].

    At the last stage ``fut = upper = r``: not promising and promising.  Entries of R outside the totals
    that can reach a look are zero, so the sums may run over 0..N_j.
    """
    J = N.shape[0]
    f = np.zeros(J)
    e = np.zeros(J)
    for j in range(J):
        acc = 0.0
        comp = 0.0
        for s in range(0, min(fut[j], N[j]) + 1):
            acc, comp = _neumaier(acc, comp, R[j, s])
        f[j] = acc + comp
        acc = 0.0
        comp = 0.0
        for s in range(max(upper[j] + 1, 0), N[j] + 1):
            acc, comp = _neumaier(acc, comp, R[j, s])
        e[j] = acc + comp
    return f, e


@kernel(cost=lambda N, lo, hi, fut, upper, p: 0.9 * _pairs(N[:-1], lo, hi) + 2.0 * float(N[-1]) + 12.0 *
        float(N[-1] - (N[-2] if N.shape[0] > 1 else 0)) + 5.0)
def _oc_sums(N, lo, hi, fut, upper, p):
    """(futility, efficacy) per stage at p, as :func:`_stop_sums` of :func:`_reach`, but cheaper.

    The last stage is never expanded: with X_J ~ Bin(N_J - N_{J-1}, p) its two outcomes are
    ``sum_k R_{J-1}(k) P(X_J <= r - k)`` and ``sum_k R_{J-1}(k) P(X_J > r - k)`` over the continuing
    totals k, both tails taken from compensated binomial tails (never one minus the other), so a
    two-stage design costs O(N) instead of O(N_1 (N - N_1)).
    """
    J = N.shape[0]
    f = np.zeros(J)
    e = np.zeros(J)
    if J == 1:
        pmf, cdf, sf = _binom_tables(N[0], p)
        r = fut[0]
        f[0] = cdf[r] if r >= 0 else 0.0
        e[0] = sf[r] if r >= 0 else 1.0
        return f, e
    R = _reach(N[:-1], lo[:-1], hi[:-1], p)
    f0, e0 = _stop_sums(R, N[:-1], fut[:-1], upper[:-1])
    f[:J - 1] = f0
    e[:J - 1] = e0
    m = N[J - 1] - N[J - 2]
    pmf, cdf, sf = _binom_tables(m, p)
    r = fut[J - 1]
    fa = 0.0
    fc = 0.0
    ea = 0.0
    ec = 0.0
    for k in range(lo[J - 2], hi[J - 2] + 1):
        w = R[J - 2, k]
        need = r - k  # fail iff X_J <= need
        if need < 0:
            ea, ec = _neumaier(ea, ec, w)
        elif need >= m:
            fa, fc = _neumaier(fa, fc, w)
        else:
            fa, fc = _neumaier(fa, fc, w * cdf[need])
            ea, ec = _neumaier(ea, ec, w * sf[need])
    f[J - 1] = fa + fc
    e[J - 1] = ea + ec
    return f, e


@kernel(cost=lambda N, lo, hi, fut, upper, ps: float(len(ps)) * (0.9 * _pairs(N[:-1], lo, hi) + 2.0 * float(N[-1])
                                                                  + 12.0 * float(N[-1]) + 5.0))
def _oc_sums_grid(N, lo, hi, fut, upper, ps):
    """:func:`_oc_sums` at every p in ps, with what follows from it.

    Returns F, E (futility and efficacy stops, shape (len(ps), J)), S (stops, F + E), P(reject) and EN
    (length len(ps)), with EN = N_1 + sum_j (N_j - N_{j-1}) P(stage j reached) and P(stage j reached)
    the sum of the stops at stages j..J (never one minus the earlier ones); every value at most 1.
    """
    J = N.shape[0]
    P = ps.shape[0]
    F = np.empty((P, J))
    E = np.empty((P, J))
    S = np.empty((P, J))
    reject = np.empty(P)
    en = np.empty(P)
    for i in range(P):
        f, e = _oc_sums(N, lo, hi, fut, upper, ps[i])
        rej = 0.0
        for j in range(J):
            F[i, j] = min(f[j], 1.0)
            E[i, j] = min(e[j], 1.0)
            S[i, j] = min(F[i, j] + E[i, j], 1.0)
            rej += E[i, j]
        reject[i] = min(rej, 1.0)
        total = float(N[0])
        reached = 0.0
        for j in range(J - 1, 0, -1):
            reached += S[i, j]
            total += (N[j] - N[j - 1]) * min(reached, 1.0)
        en[i] = total
    return F, E, S, reject, en


@kernel(cost=lambda r1, n1, r, n, ps: float(len(ps)) * (0.9 * (n1 + 1) + 20.0 * n + 5.0))
def _two_stage_summary(r1, n1, r, n, ps):
    """Rows [P(reject), P(stop after stage 1), EN] of the Simon design r1/n1, r/n at each p in ps.

    The same recursion and sums as :func:`_oc_sums_grid`, called with four integers instead of five
    arrays: the design searches call it for every design they report, where the dispatch on array
    arguments would cost more than the sums.
    """
    N = np.empty(2, dtype=np.int64)
    lo = np.empty(2, dtype=np.int64)
    hi = np.empty(2, dtype=np.int64)
    fut = np.empty(2, dtype=np.int64)
    upper = np.empty(2, dtype=np.int64)
    N[0], N[1] = n1, n
    lo[0], lo[1] = r1 + 1, 0
    hi[0], hi[1] = n1, -1
    fut[0], fut[1] = r1, r
    upper[0], upper[1] = n1, r
    F, E, S, reject, en = _oc_sums_grid(N, lo, hi, fut, upper, ps)
    out = np.empty((ps.shape[0], 3))
    for i in range(ps.shape[0]):
        out[i, 0] = reject[i]
        out[i, 1] = S[i, 0]
        out[i, 2] = en[i]
    return out


@kernel(cost=lambda N, lo, hi, p: 0.9 * _pairs(N, lo, hi) + 6.0 * float(N[-1]) + 5.0)
def _reach_first(N, lo, hi, p):
    """R'[j, s] = P_p(the look after stage j is reached with S_j = s and the first patient responded).

    Stage 1 is p b(s - 1; N_1 - 1, p); later stages follow the recursion of :func:`_reach`.  R'/R is
    the UMVUE of p (it does not depend on p).
    """
    J = N.shape[0]
    R = np.zeros((J, N[J - 1] + 1))
    row1 = np.empty(N[0])
    _binom_pmf_row(N[0] - 1, p, row1)
    for s in range(1, N[0] + 1):
        R[0, s] = p * row1[s - 1]
    for j in range(1, J):
        row = np.empty(N[j] - N[j - 1] + 1)
        _binom_pmf_row(N[j] - N[j - 1], p, row)
        _step(R, j, N, lo, hi, row)
    return R

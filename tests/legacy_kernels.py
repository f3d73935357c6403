"""The two-stage kernels phase2design used before its sample-space engine, kept as a reference.

They were numba kernels in phase2design 0.1.0 (``_kernels._twostage_oc``, ``_kernels._single_oc``,
``_inference_kernels._stagewise_dist``, ``_planning_kernels._predictive_single`` and
``_predictive_twostage``); here they run as plain Python on the package's binomial and
beta-binomial rows, so that tests/test_engine_legacy.py can show that the engine reproduces every
number they gave (rtol 1e-12).
"""

import numpy as np

from phase2design.numerics._betabinomial import _betabinom_pmf_row, _sum_range
from phase2design.numerics._binomial import _binom_tables, _neumaier, _sf_at


def _twostage_oc(r1, n1, r, n, ps):
    """Operating characteristics of r1/n1, r/n at each p in ps.

    Columns: P(reject H0), P(stop at stage 1), P(continue and fail),
    P(continue and succeed), expected sample size.
    Reject iff X1 > r1 and X1 + X2 > r (Simon 1989).
    """
    n2 = n - n1
    out = np.empty((ps.shape[0], 5))
    for i in range(ps.shape[0]):
        p = ps[i]
        pmf1, cdf1, sf1 = _binom_tables(n1, p)
        pmf2, cdf2, sf2 = _binom_tables(n2, p)
        s = 0.0
        c = 0.0
        for x1 in range(n1, r1, -1):
            v = pmf1[x1] * _sf_at(sf2, n2, r - x1)
            s, c = _neumaier(s, c, v)
        reject = min(s + c, 1.0)
        # "continue and fail" is summed in its own right, not as P(continue) - P(reject),
        # so that it keeps its relative precision when it is tiny.
        s = 0.0
        c = 0.0
        for x1 in range(n1, r1, -1):
            k = r - x1
            if k < 0:
                continue
            v = pmf1[x1] * (cdf2[k] if k < n2 else 1.0)
            s, c = _neumaier(s, c, v)
        fail = min(s + c, 1.0)
        pet = cdf1[r1] if r1 >= 0 else 0.0
        cont = sf1[r1] if r1 >= 0 else 1.0
        out[i, 0] = reject
        out[i, 1] = pet
        out[i, 2] = fail
        out[i, 3] = reject
        out[i, 4] = n1 + cont * n2
    return out


def _single_oc(r, n, ps):
    """P(X > r) and P(X <= r) at each p in ps, both summed from their small ends."""
    out = np.empty((ps.shape[0], 2))
    for i in range(ps.shape[0]):
        pmf, cdf, sf = _binom_tables(n, ps[i])
        out[i, 0] = _sf_at(sf, n, r)
        out[i, 1] = cdf[r] if r >= 0 else 0.0
    return out


def _predictive_single(r, n, a, b):
    """P(X > r) and P(X <= r) for X ~ BetaBin(n, a, b): the single-stage design r/n under Beta(a, b)."""
    pm = np.empty(n + 1)
    _betabinom_pmf_row(n, a, b, pm)
    out = np.empty(2)
    out[0] = min(_sum_range(pm, r + 1, n), 1.0)
    out[1] = min(_sum_range(pm, 0, r), 1.0)
    return out


def _predictive_twostage(r1, n1, r, n, a, b):
    """Predictive operating characteristics of r1/n1, r/n when p ~ Beta(a, b).

    Returns [P(reject H0), PET, P(continue and fail), P(continue), EN].
    Given X1 = x1 the rate is Beta(a + x1, b + n1 - x1), so
    P(reject) = sum_{x1 > r1} BB(x1; n1, a, b) P(X2 > r - x1), X2 ~ BetaBin(n2, a + x1, b + n1 - x1),
    which is the joint predictive C(n1, x1) C(n2, x2) B(a + s, b + n - s) / B(a, b) summed over the
    rejection region.
    """
    n2 = n - n1
    pm1 = np.empty(n1 + 1)
    _betabinom_pmf_row(n1, a, b, pm1)
    row = np.empty(n2 + 1)
    rs = 0.0
    rc = 0.0
    fs = 0.0
    fc = 0.0
    for x1 in range(r1 + 1, n1 + 1):
        w = pm1[x1]
        need = r - x1
        if need < 0:
            tail = 1.0
            low = 0.0
        else:
            _betabinom_pmf_row(n2, a + x1, b + n1 - x1, row)
            tail = _sum_range(row, need + 1, n2) if need < n2 else 0.0
            low = _sum_range(row, 0, need) if need < n2 else 1.0
        rs, rc = _neumaier(rs, rc, w * tail)
        fs, fc = _neumaier(fs, fc, w * low)
    out = np.empty(5)
    out[0] = min(rs + rc, 1.0)
    out[1] = min(_sum_range(pm1, 0, r1), 1.0)
    out[2] = min(fs + fc, 1.0)
    cont = min(_sum_range(pm1, r1 + 1, n1), 1.0)
    out[3] = cont
    out[4] = n1 + cont * n2
    return out


def _stagewise_dist(r1, n1, n2, p):
    """pmf, P(T >= t) and P(T <= t) on t = 0..n1+n2 for the stage-wise statistic T."""
    n = n1 + n2
    pmf1, cdf1, sf1 = _binom_tables(n1, p)
    pmf2, cdf2, sf2 = _binom_tables(n2, p)
    pmf = np.zeros(n + 1)
    ge = np.zeros(n + 1)
    le = np.zeros(n + 1)
    # Stage-1 stops: T = X1 <= r1.  Every continued outcome lies above them.
    for t in range(r1 + 1):
        pmf[t] = pmf1[t]
        ge[t] = sf1[t - 1] if t > 0 else 1.0
        le[t] = cdf1[t]
    pet = cdf1[r1]
    # Continued: T = X1 + X2 with X1 > r1.
    for t in range(r1 + 1, n + 1):
        f = 0.0
        g = 0.0
        h = 0.0
        for x1 in range(r1 + 1, n1 + 1):
            k = t - x1
            w = pmf1[x1]
            # P(X2 = k)
            if 0 <= k <= n2:
                f += w * pmf2[k]
            # P(X2 >= k) = P(X2 > k - 1)
            if k <= 0:
                g += w
            elif k <= n2:
                g += w * sf2[k - 1]
            # P(X2 <= k)
            if k >= n2:
                h += w
            elif k >= 0:
                h += w * cdf2[k]
        pmf[t] = f
        ge[t] = min(g, 1.0)
        le[t] = min(pet + h, 1.0)
    return pmf, ge, le

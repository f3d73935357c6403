"""Numba kernels for planning: beta-binomial (predictive) probabilities of a design.

Plain numbers and arrays only, no validation: :mod:`phase2design.planning`
checks its inputs before calling in.

If the response rate has a Beta(a, b) distribution, the number of responses
``X`` among ``n`` patients is beta-binomial,

.. math::

    P(X = k) = \\binom{n}{k} \\frac{B(a + k, b + n - k)}{B(a, b)}
             = \\binom{n}{k} \\frac{(a)_k (b)_{n-k}}{(a + b)_n},

with the rising factorial ``(c)_k = c (c + 1) ... (c + k - 1)``.  Writing
``(c)_k = c^k exp(G_c(k))`` with ``G_c(k) = sum_{j<k} log1p(j / c)`` and
``mu = a / (a + b)`` splits the probability into a binomial one and a
correction that vanishes as ``a + b`` grows:

.. math::

    P(X = k) = b(k; n, \\mu)\\, \\exp\\{G_a(k) + G_b(n - k) - G_{a+b}(n)\\}.

``log b(k; n, mu)`` comes from Loader's saddle-point form (``_kernels``), the
``G`` sums are accumulated with Neumaier's compensated summation, and nothing
is formed as a difference of large ``lgamma`` values, so the relative error
stays near 1e-13 for n in the hundreds whether the Beta distribution is
diffuse (a = b = 1/2) or concentrated (a + b = 1e9).  The row is computed
with ``mu <= 1/2`` (mirrored when ``a > b``), so ``1 - mu`` is never formed
from a ``mu`` close to 1.
"""

import math

import numpy as np

from ._binomial import _binom_logpmf, _neumaier
from ._jit import kernel


@kernel
def _log_rising_excess(c, m, out):
    """out[k] = log((c)_k / c^k) = sum_{j<k} log1p(j / c) for k = 0..m (compensated sum)."""
    s = 0.0
    comp = 0.0
    out[0] = 0.0
    for j in range(m):
        s, comp = _neumaier(s, comp, math.log1p(j / c))
        out[j + 1] = s + comp


@kernel(cost=lambda n, a, b, out: 6.0 * n + 5.0)
def _betabinom_pmf_row(n, a, b, out):
    """Fill out[0..n] with the beta-binomial probabilities P(X = k), X ~ BetaBin(n, a, b)."""
    flip = a > b
    if flip:
        a, b = b, a
    ga = np.empty(n + 1)
    gb = np.empty(n + 1)
    gab = np.empty(n + 1)
    _log_rising_excess(a, n, ga)
    _log_rising_excess(b, n, gb)
    _log_rising_excess(a + b, n, gab)
    mu = a / (a + b)
    for k in range(n + 1):
        v = math.exp(_binom_logpmf(k, n, mu) + ga[k] + gb[n - k] - gab[n])
        if flip:
            out[n - k] = v
        else:
            out[k] = v


@kernel
def _sum_range(v, lo, hi):
    """Compensated sum of v[lo..hi] (inclusive), added from the smaller end of the indices given."""
    s = 0.0
    comp = 0.0
    for k in range(lo, hi + 1):
        x = v[k]
        t = s + x
        if abs(s) >= abs(x):
            comp += (s - t) + x
        else:
            comp += (x - t) + s
        s = t
    return s + comp


@kernel(cost=lambda r, n, a, b: 6.0 * n + 5.0)
def _predictive_single(r, n, a, b):
    """P(X > r) and P(X <= r) for X ~ BetaBin(n, a, b): the single-stage design r/n under Beta(a, b)."""
    pm = np.empty(n + 1)
    _betabinom_pmf_row(n, a, b, pm)
    out = np.empty(2)
    out[0] = min(_sum_range(pm, r + 1, n), 1.0)
    out[1] = min(_sum_range(pm, 0, r), 1.0)
    return out


@kernel(cost=lambda r1, n1, r, n, a, b: 7.0 * (n1 + 1) * (n - n1 + 1) + 6.0 * n)
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

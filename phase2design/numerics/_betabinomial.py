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

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
from ..numerics._binomial import _binom_pmf_row, _neumaier
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
        m = N[j] - N[j - 1]
        row = np.empty(m + 1)
        _binom_pmf_row(m, p, row)
        klo = lo[j - 1]
        khi = hi[j - 1]
        for s in range(klo, khi + m + 1):
            a = max(klo, s - m)
            b = min(khi, s)
            acc = 0.0
            comp = 0.0
            for k in range(a, b + 1):
                acc, comp = _neumaier(acc, comp, R[j - 1, k] * row[s - k])
            R[j, s] = acc + comp
    return R


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


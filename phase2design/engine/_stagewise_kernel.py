"""Numba kernel for inference after a Simon two-stage trial.

Plain numbers and arrays in, arrays out: no validation here; the public
functions in :mod:`phase2design.twostage_inference` check their inputs first.

The stage-wise sample space of a two-stage design with futility bound ``r1``
after ``n1`` patients and ``n2`` further patients is indexed by one integer

    t = x1        if the trial stopped after stage 1 (x1 <= r1),
    t = x1 + x2   if it continued (then t >= r1 + 1),

so that the stage-wise ordering (Koyama & Chen 2008) is the natural order of
``t`` on ``0 .. n1 + n2``.  The kernel returns, for one response rate ``p``,
``P(T = t)``, ``P(T >= t)`` and ``P(T <= t)`` for every ``t``.  Each entry is
a sum of non-negative products of binomial probabilities and binomial tails
(Loader's saddle-point pmf and compensated tails from
:mod:`phase2design._kernels`); no tail is formed as ``1 - (other tail)``, so
tiny tail probabilities keep their relative precision.
"""

import numpy as np

from ..numerics._binomial import _binom_tables
from ..numerics._jit import kernel


@kernel(cost=lambda r1, n1, n2, p: (12.0 + 1.2 * n1) * (n1 + n2 + 1))
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

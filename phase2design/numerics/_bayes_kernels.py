"""Kernels for Bayesian monitoring: posterior mixture weights and predictive tails.

Plain numbers and arrays only, no validation: :mod:`phase2design.engine.bayes`
checks its inputs before calling in.

With a beta-mixture prior ``sum_k w_k Beta(a_k, b_k)`` and ``x`` responses in
``n`` patients the posterior is the mixture ``sum_k w_k(x) Beta(a_k + x,
b_k + n - x)`` with

.. math::

    w_k(x) \\propto w_k \\frac{B(a_k + x, b_k + n - x)}{B(a_k, b_k)}
          = w_k \\frac{(a_k)_x (b_k)_{n-x}}{(a_k + b_k)_n},

and the number ``Y`` of responses among the ``m = N_max - n`` patients still
to come is the same mixture of beta-binomials ``BetaBin(m, a_k + x, b_k + n -
x)``.  The rising factorials are taken in logarithms as ``x log a + G_a(x)``
with the compensated sums ``G`` of :mod:`._betabinomial`, not as differences
of ``lgamma`` values.
"""

import math

import numpy as np

from ._betabinomial import _betabinom_pmf_row, _log_rising_excess
from ._jit import kernel


@kernel
def _log_beta_ratio_row(a, b, n, out):
    """out[x] = log(B(a + x, b + n - x) / B(a, b)) = log((a)_x (b)_{n-x} / (a + b)_n), x = 0..n."""
    ga = np.empty(n + 1)
    gb = np.empty(n + 1)
    gab = np.empty(n + 1)
    _log_rising_excess(a, n, ga)
    _log_rising_excess(b, n, gb)
    _log_rising_excess(a + b, n, gab)
    la, lb, lab = math.log(a), math.log(b), math.log(a + b)
    tail = n * lab + gab[n]
    for x in range(n + 1):
        out[x] = x * la + ga[x] + (n - x) * lb + gb[n - x] - tail


@kernel(cost=lambda n, w, a, b, out: 3.0 * (n + 1) * len(w) + 5.0)
def _posterior_weights(n, w, a, b, out):
    """out[x, k] = posterior weight of component k after x responses in n (rows sum to 1)."""
    K = len(w)
    logr = np.empty((K, n + 1))
    row = np.empty(n + 1)
    for k in range(K):
        _log_beta_ratio_row(a[k], b[k], n, row)
        for x in range(n + 1):
            logr[k, x] = math.log(w[k]) + row[x]
    for x in range(n + 1):
        top = logr[0, x]
        for k in range(1, K):
            if logr[k, x] > top:
                top = logr[k, x]
        s = 0.0
        for k in range(K):
            out[x, k] = math.exp(logr[k, x] - top)
            s += out[x, k]
        for k in range(K):
            out[x, k] /= s


@kernel(cost=lambda n, nmax, w, a, b, out: 1.0 * (n + 1) * (nmax - n + 2) * len(w) + 10.0)
def _predictive_tails(n, nmax, w, a, b, out):
    """out[x, s] = P(S_Nmax >= s | S_n = x) for x = 0..n, s = 0..nmax + 1 (prior: mixture w, a, b).

    The future responses ``Y = S_Nmax - x`` are a mixture of beta-binomials; each component's upper
    tails are summed from ``Y = m`` down (small terms first, compensated), never as one minus a lower
    tail.  Entries with ``s <= x`` are exactly 1 and those with ``s > x + m`` exactly 0, so that "success
    is certain" and "success is impossible" are exact ties with the thresholds 1 and 0.
    """
    m = nmax - n
    K = len(w)
    wx = np.empty((n + 1, K))
    _posterior_weights(n, w, a, b, wx)
    pmf = np.empty(m + 1)
    tail = np.empty(m + 2)
    acc = np.empty(m + 2)
    for x in range(n + 1):
        for t in range(m + 2):
            acc[t] = 0.0
        for k in range(K):
            _betabinom_pmf_row(m, a[k] + x, b[k] + n - x, pmf)
            s = 0.0
            comp = 0.0
            tail[m + 1] = 0.0
            for y in range(m, -1, -1):
                v = pmf[y]
                t = s + v
                if abs(s) >= abs(v):
                    comp += (s - t) + v
                else:
                    comp += (v - t) + s
                s = t
                tail[y] = s + comp
            for y in range(m + 2):
                acc[y] += wx[x, k] * tail[y]
        for s_ in range(nmax + 2):
            if s_ <= x:
                out[x, s_] = 1.0
            elif s_ > x + m:
                out[x, s_] = 0.0
            else:
                v = acc[s_ - x]
                out[x, s_] = 1.0 if v > 1.0 else v


@kernel(cost=lambda nmax, r, looks, w, a, b, out: (0.3 + 1.5 * (len(w) > 1)) * (nmax + 1) ** 2 * len(w) + 10.0)
def _pp_backward(nmax, r, looks, w, a, b, out):
    """out[j, x] = P(S_Nmax > r | S_{looks[j]} = x) for x = 0..looks[j], by backward induction.

    The next patient responds with the posterior mean ``mu(n, x) = sum_k w_k(x) (a_k + x) / (a_k + b_k +
    n)`` (any prior), so the predictive probability of success satisfies

        PP(n, x) = mu(n, x) PP(n + 1, x + 1) + (1 - mu(n, x)) PP(n + 1, x),   PP(N_max, s) = 1[s > r],

    which gives every look in O(N_max^2) operations, each a convex combination (rounding errors add up
    to about N_max units in the last place).  Totals above ``r`` (success certain) are exactly 1 and
    totals that cannot pass ``r`` exactly 0.  ``looks`` is increasing; rows of ``out`` follow it.
    """
    K = len(w)
    cur = np.empty(nmax + 2)
    nxt = np.empty(nmax + 2)
    for s in range(nmax + 1):
        nxt[s] = 1.0 if s > r else 0.0
    nxt[nmax + 1] = 1.0
    j = len(looks) - 1
    if j >= 0 and looks[j] == nmax:
        for s in range(nmax + 1):
            out[j, s] = nxt[s]
        j -= 1
    wx = np.empty((nmax + 1, K))
    for n in range(nmax - 1, -1, -1):
        if j < 0:
            break
        if K > 1:
            _posterior_weights(n, w, a, b, wx)
        m = nmax - n
        for x in range(n + 1):
            if x > r:
                cur[x] = 1.0
            elif x + m <= r:
                cur[x] = 0.0
            else:
                if K == 1:
                    mu = (a[0] + x) / (a[0] + b[0] + n)
                else:
                    mu = 0.0
                    for k in range(K):
                        mu += wx[x, k] * (a[k] + x) / (a[k] + b[k] + n)
                cur[x] = mu * nxt[x + 1] + (1.0 - mu) * nxt[x]
        if looks[j] == n:
            for x in range(n + 1):
                out[j, x] = cur[x]
            j -= 1
        tmp = cur
        cur = nxt
        nxt = tmp

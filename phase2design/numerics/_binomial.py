"""Numba kernels: exact binomial tables and the design-search inner loops.

Everything here works on plain numbers and arrays.  There is no validation,
no pandas and no printing: the public wrappers in :mod:`phase2design.designs`
and :mod:`phase2design.oc` check their inputs before calling in.

Binomial probabilities start from Loader's (2000) saddle-point expansion

.. math::

    b(x; n, p) = \\sqrt{\\frac{n}{2\\pi x (n-x)}}
        \\exp\\{\\delta(n) - \\delta(x) - \\delta(n-x)
                - D(x, np) - D(n-x, nq)\\}

with Stirling's error :math:`\\delta` and the deviance term
:math:`D(x, m) = x\\log(x/m) + m - x`, both evaluated without cancellation.
It is used at the mode of each row, where it is accurate to a few units in
the last place; the rest of the row follows from the ratios of consecutive
probabilities multiplied in double-double arithmetic, so far-tail entries
keep that precision too (``exp`` of a log-pmf near -600 would lose three
digits, and ``lgamma`` differences lose about ``log10(n!)`` digits).

Tails are summed from the small end with Neumaier's compensated summation, so
a tail probability of 1e-200 is as precise as one of 0.3; an upper tail is
never formed as ``1 - cdf``.

Reference: Loader C (2000). Fast and accurate computation of binomial
probabilities.
"""

import math

import numpy as np

from ._jit import kernel

_LN_2PI = math.log(2.0 * math.pi)
_LN_SQRT_2PI = 0.5 * _LN_2PI


@kernel
def _stirlerr(n):
    """Stirling's error log(n!) - log(sqrt(2 pi n) (n/e)^n) for integer n >= 1."""
    if n <= 15.0:
        # lgamma(n + 1) is below 28.4 here, so the absolute error of this
        # difference stays near 1e-14, which is all exp() of the sum needs.
        return math.lgamma(n + 1.0) - (n + 0.5) * math.log(n) + n - _LN_SQRT_2PI
    s0 = 1.0 / 12.0
    s1 = 1.0 / 360.0
    s2 = 1.0 / 1260.0
    s3 = 1.0 / 1680.0
    s4 = 1.0 / 1188.0
    nn = n * n
    if n > 500.0:
        return (s0 - s1 / nn) / n
    if n > 80.0:
        return (s0 - (s1 - s2 / nn) / nn) / n
    if n > 35.0:
        return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n


@kernel
def _bd0(x, m):
    """Deviance term x log(x/m) + m - x, by its series when x is close to m."""
    if abs(x - m) < 0.1 * (x + m):
        v = (x - m) / (x + m)
        s = (x - m) * v
        ej = 2.0 * x * v
        v = v * v
        j = 1
        while j < 1000:
            ej *= v
            s1 = s + ej / (2 * j + 1)
            if s1 == s:
                return s1
            s = s1
            j += 1
        return s
    return x * math.log(x / m) + m - x


@kernel(cost=lambda x, n, p: 2.0)
def _binom_logpmf(x, n, p):
    """log b(x; n, p) for integers 0 <= x <= n and 0 <= p <= 1."""
    q = 1.0 - p
    if p == 0.0:
        return 0.0 if x == 0 else -np.inf
    if q == 0.0:
        return 0.0 if x == n else -np.inf
    if x == 0:
        if n == 0:
            return 0.0
        if p < 0.1:
            return -_bd0(float(n), n * q) - n * p
        return n * math.log(q)
    if x == n:
        if q < 0.1:
            return -_bd0(float(n), n * p) - n * q
        return n * math.log(p)
    fx = float(x)
    fn = float(n)
    lc = (_stirlerr(fn) - _stirlerr(fx) - _stirlerr(fn - fx)
          - _bd0(fx, fn * p) - _bd0(fn - fx, fn * q))
    lf = _LN_2PI + math.log(fx) + math.log1p(-fx / fn)
    return lc - 0.5 * lf


# Double-double arithmetic (Dekker 1971; Knuth TAOCP 4.2.2): a value is hi + lo
# with |lo| <= ulp(hi)/2, about 32 significant digits.  Numba compiles these
# without fastmath, so no operation is reassociated.

@kernel
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@kernel
def _split(a):
    c = 134217729.0 * a  # 2**27 + 1
    hi = c - (c - a)
    return hi, a - hi


@kernel
def _two_prod(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@kernel
def _dd_mul(ah, al, bh, bl):
    p, e = _two_prod(ah, bh)
    e += ah * bl + al * bh
    s = p + e
    return s, e - (s - p)


@kernel
def _dd_div(ah, al, bh, bl):
    q1 = ah / bh
    p1, p2 = _two_prod(q1, bh)
    s, e = _two_sum(ah, -p1)
    e = e - p2 + al - q1 * bl
    q2 = (s + e) / bh
    s = q1 + q2
    return s, q2 - (s - q1)


@kernel
def _binom_pmf_row(n, p, out):
    """Fill out[0..n] with b(k; n, p).

    The mode is computed with Loader's expansion (its deviance terms are small
    there, so it is accurate to a few ulp); every other entry is the mode times
    a product of the ratios b(k+1)/b(k) = (n-k) p / ((k+1) q), accumulated in
    double-double with q = 1 - p held exactly.  Far tails (1e-250 at n = 5000)
    therefore keep the mode's relative precision, where exp() of a log-pmf of
    several hundred would lose about three digits.
    """
    if p == 0.0 or p == 1.0:
        for k in range(n + 1):
            out[k] = 0.0
        out[0 if p == 0.0 else n] = 1.0
        return
    mode = int(math.floor((n + 1) * p))
    if mode > n:
        mode = n
    anchor = math.exp(_binom_logpmf(mode, n, p))
    out[mode] = anchor
    qh, ql = _two_sum(1.0, -p)
    # upwards: b(k+1) = b(k) (n - k) p / ((k + 1) q)
    ph, pl = 1.0, 0.0
    for k in range(mode, n):
        nh, nl = _two_prod(float(n - k), p)
        dh, dl = _dd_mul(float(k + 1), 0.0, qh, ql)
        rh, rl = _dd_div(nh, nl, dh, dl)
        ph, pl = _dd_mul(ph, pl, rh, rl)
        out[k + 1] = anchor * ph + anchor * pl
    # downwards: b(k-1) = b(k) k q / ((n - k + 1) p)
    ph, pl = 1.0, 0.0
    for k in range(mode, 0, -1):
        nh, nl = _dd_mul(float(k), 0.0, qh, ql)
        dh, dl = _two_prod(float(n - k + 1), p)
        rh, rl = _dd_div(nh, nl, dh, dl)
        ph, pl = _dd_mul(ph, pl, rh, rl)
        out[k - 1] = anchor * ph + anchor * pl


@kernel
def _neumaier(s, c, v):
    """One step of Neumaier's compensated sum: returns the new sum and correction."""
    t = s + v
    if abs(s) >= abs(v):
        c += (s - t) + v
    else:
        c += (v - t) + s
    return t, c


@kernel
def _lower_tail(pmf, n, out):
    """out[k] = P(X <= k), summed upwards from k = 0 with compensation."""
    s = 0.0
    c = 0.0
    for k in range(n + 1):
        v = pmf[k]
        s, c = _neumaier(s, c, v)
        out[k] = min(s + c, 1.0)


@kernel
def _upper_tail(pmf, n, out):
    """out[k] = P(X > k), summed downwards from k = n with compensation."""
    s = 0.0
    c = 0.0
    out[n] = 0.0
    for k in range(n, 0, -1):
        v = pmf[k]
        s, c = _neumaier(s, c, v)
        out[k - 1] = min(s + c, 1.0)


@kernel(cost=lambda n, p: 6.0 * n + 5.0)
def _binom_tables(n, p):
    """pmf, cdf P(X <= k) and sf P(X > k) for k = 0..n."""
    pmf = np.empty(n + 1)
    cdf = np.empty(n + 1)
    sf = np.empty(n + 1)
    _binom_pmf_row(n, p, pmf)
    _lower_tail(pmf, n, cdf)
    _upper_tail(pmf, n, sf)
    return pmf, cdf, sf


@kernel
def _tri_offset(m):
    """Start of row m in a flat triangular table holding rows 0..M, row m having m+1 entries."""
    return m * (m + 1) // 2


@kernel(cost=lambda mmax, p: 4.0 * (mmax + 1) * (mmax + 2))
def _triangular_tables(mmax, p):
    """pmf and sf P(X > k) for every m = 0..mmax, as flat triangular arrays."""
    size = _tri_offset(mmax + 1)
    pmf = np.empty(size)
    sf = np.empty(size)
    for m in range(mmax + 1):
        o = _tri_offset(m)
        _binom_pmf_row(m, p, pmf[o:o + m + 1])
        _upper_tail(pmf[o:o + m + 1], m, sf[o:o + m + 1])
    return pmf, sf


# ---------------------------------------------------------------------------
# Operating characteristics
# ---------------------------------------------------------------------------

@kernel
def _sf_at(sf, n, k):
    """P(X > k) from an sf row of length n+1, for any integer k."""
    if k < 0:
        return 1.0
    if k >= n:
        return 0.0
    return sf[k]

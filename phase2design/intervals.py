r"""Confidence intervals for one binomial proportion and exact binomial tests.

``X ~ Binomial(n, p)`` responses are observed in ``n`` patients.  This module
gives

* :func:`proportion_ci` -- a confidence interval for ``p`` by one of eight
  methods, three of them exact (Clopper-Pearson, mid-p, Blaker);
* :func:`binom_pvalue` -- the exact binomial test p-value;
* :func:`posterior_prob_at_least` -- ``P(p >= threshold | data)`` under a
  beta prior.

Notation
--------
``S(k; p) = P(X >= k)`` and ``F(k; p) = P(X <= k)`` are the binomial tails,
evaluated as regularized incomplete beta functions,
``S(k; p) = I_p(k, n - k + 1)`` and ``F(k; p) = 1 - I_p(k + 1, n - k)``.
The complement is computed directly (``scipy.special.betaincc``), never as
``1 - I``, so tails of 1e-300 keep their relative precision.

With confidence level ``1 - alpha`` the two-sided methods put ``alpha / 2`` in
each tail; a one-sided bound (``alternative="greater"`` for a lower bound,
``"less"`` for an upper bound) puts all of ``alpha`` in its one tail.  ``z``
below is the standard normal quantile ``z = Phi^{-1}(1 - tail)``, evaluated as
``-Phi^{-1}(tail)`` so that levels such as ``1 - 1e-10`` keep their precision.

Exact intervals are computed to full double precision (root finding with a
relative tolerance of a few ulps, or the boost incomplete-beta inverses behind
``scipy.special.betaincinv``), never on a grid.  Approximate intervals are
evaluated from their closed forms and clipped to ``[0, 1]``.

Requires scipy; it is imported inside the functions so that importing this
module stays cheap.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice, check_int, check_prior, check_probability, check_rate

__all__ = [
    "METHODS",
    "ALTERNATIVES",
    "ConfidenceInterval",
    "proportion_ci",
    "binom_pvalue",
    "posterior_prob_at_least",
    "EXACT_N_LIMIT",
    "BLAKER_N_LIMIT",
    "FLOAT_N_LIMIT",
]

#: Interval methods accepted by :func:`proportion_ci`.
METHODS = (
    "clopper-pearson",
    "mid-p",
    "blaker",
    "wilson",
    "wilson-cc",
    "jeffreys",
    "agresti-coull",
    "wald",
)

#: Alternatives accepted by :func:`proportion_ci` and :func:`binom_pvalue`.
ALTERNATIVES = ("two-sided", "greater", "less")

#: Largest ``n`` of the computations that hold the whole binomial distribution (:func:`binom_pvalue`, and
#: :func:`phase2design.evaluation.evaluate`): tables of ``n + 1`` doubles, about 0.3 s and 24 MB at 10**6
#: (10**9 would need 24 GB).
EXACT_N_LIMIT = 10 ** 6
#: Largest ``n`` for Blaker's interval: each acceptability count sums over every count on one side, about
#: 0.5 s at 10**5 and growing linearly.
BLAKER_N_LIMIT = 10 ** 5
#: Largest ``n`` for the closed-form and beta-quantile methods (and the posterior probability): up to
#: 2**53 every count is a double exactly; beyond it ``n - x`` is rounded and the limits mean nothing.
FLOAT_N_LIMIT = 2 ** 53


def _check_n(n, limit, what, why, minimum=1):
    """n as a whole number in [minimum, limit]; the message names n, the rule and its reason."""
    n = check_int("n", n, minimum=minimum)
    if n > limit:
        raise ValueError(f"n must be at most {limit} for {what} ({why}), got {n}")
    return n


def _unsigned(v):
    """``v`` with a float -0.0 made 0.0, anything else unchanged: no output or message prints -0.0."""
    return v + 0.0 if isinstance(v, float) and v == 0 else v

# Root finding: stop when the bracket is a few ulps wide, relative to the
# root (brentq's smallest allowed rtol is 4 * machine epsilon).  xtol is
# tiny so that limits near 0 are also found to full relative precision.
_RTOL = 4.0 * np.finfo(float).eps
_XTOL = 1e-300
_MAXITER = 500

# Relative tolerance used when comparing binomial probabilities in the
# two-sided exact test, as R's binom.test and scipy.stats.binomtest do.
_PVALUE_RELERR = 1.0 + 1e-7


@dataclass(frozen=True)
class ConfidenceInterval:
    """A confidence interval ``[low, high]`` for a binomial proportion.

    Attributes
    ----------
    low, high : float
        The limits, ``0 <= low <= high <= 1``.  A one-sided lower bound
        (``alternative="greater"``) has ``high = 1``; a one-sided upper bound
        (``alternative="less"``) has ``low = 0``.
    confidence_level : float
        Nominal confidence level ``1 - alpha``.
    method : str
        One of :data:`METHODS`.
    alternative : str
        ``"two-sided"``, ``"greater"`` or ``"less"``.
    x, n : int
        Responses and patients.
    """

    low: float
    high: float
    confidence_level: float
    method: str
    alternative: str
    x: int
    n: int

    def to_dict(self):
        """The fields as a dict of plain Python floats, strings and ints."""
        return {
            "low": float(self.low),
            "high": float(self.high),
            "confidence_level": float(self.confidence_level),
            "method": str(self.method),
            "alternative": str(self.alternative),
            "x": int(self.x),
            "n": int(self.n),
        }


# ---------------------------------------------------------------------------
# Binomial tails as functions of p (vectorised over k).
# ---------------------------------------------------------------------------


def _sf(k, n, p):
    """S(k; p) = P(X >= k) for integer k (array or scalar)."""
    from scipy import special

    k = np.asarray(k)
    kk = np.clip(k, 1, n)
    out = special.betainc(kk, n - kk + 1.0, p)
    return np.where(k <= 0, 1.0, np.where(k > n, 0.0, out))


def _cdf(k, n, p):
    """F(k; p) = P(X <= k) for integer k (array or scalar)."""
    from scipy import special

    k = np.asarray(k)
    kk = np.clip(k, 0, n - 1)
    out = special.betaincc(kk + 1.0, n - kk, p)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, out))


def _brentq(f, a, b):
    from scipy import optimize

    lo, hi = (a, b) if a <= b else (b, a)
    return optimize.brentq(f, lo, hi, xtol=_XTOL, rtol=_RTOL, maxiter=_MAXITER)


# ---------------------------------------------------------------------------
# Exact limits.  ``tail`` is the probability put in the tail being bounded.
# ---------------------------------------------------------------------------


def _cp_lower(x, n, tail):
    """Clopper-Pearson lower limit: S(x; p) = tail, i.e. the Beta(x, n-x+1) quantile."""
    from scipy import special

    if x == 0:
        return 0.0
    return float(special.betaincinv(x, n - x + 1.0, tail))


def _cp_upper(x, n, tail):
    """Clopper-Pearson upper limit: F(x; p) = tail, i.e. the Beta(x+1, n-x) upper quantile."""
    from scipy import special

    if x == n:
        return 1.0
    return float(special.betainccinv(x + 1.0, n - x, tail))


def _midp_lower(x, n, tail):
    """Mid-p lower limit: P(X > x) + P(X = x) / 2 = tail."""
    if x == 0:
        return 0.0

    def f(p):
        return float(0.5 * (_sf(x, n, p) + _sf(x + 1, n, p))) - tail

    # S(x)/2 <= mid-p tail <= S(x), so the root lies between the
    # Clopper-Pearson limits for tail and 2 * tail.
    lo = _cp_lower(x, n, tail)
    hi = _cp_lower(x, n, 2.0 * tail) if 2.0 * tail < 1.0 else 1.0
    if f(lo) >= 0.0:
        return lo
    if f(hi) <= 0.0:
        # Only possible for a one-sided bound at a level below 1/2 with
        # x = n: no p is accepted, the bound is 1.
        return hi
    return _brentq(f, lo, hi)


def _midp_upper(x, n, tail):
    """Mid-p upper limit: P(X < x) + P(X = x) / 2 = tail."""
    if x == n:
        return 1.0

    def f(p):
        return float(0.5 * (_cdf(x, n, p) + _cdf(x - 1, n, p))) - tail

    hi = _cp_upper(x, n, tail)
    lo = _cp_upper(x, n, 2.0 * tail) if 2.0 * tail < 1.0 else 0.0
    if f(hi) >= 0.0:
        return hi
    if f(lo) <= 0.0:
        return lo
    return _brentq(f, lo, hi)


def _blaker_limit(x, n, alpha, side):
    """One Blaker (2000) limit, exact to a few ulps.  Requires alpha <= 1/2.

    Lower limit (the upper limit is the mirror image).  On the interval
    ``[a, b]`` between the Clopper-Pearson lower limits for ``alpha/2`` and
    ``alpha`` the observed tail ``S(x; p) <= alpha <= 1/2`` is the smaller
    one, so the acceptability is

        gamma(p) = S(x; p) + F(c(p) - 1; p),
        c(p) = #{k < x : F(k; p) <= S(x; p)},

    (``F(-1) = 0``).  Below ``a`` gamma <= 2 S(x) < alpha and above ``b``
    gamma >= S(x) > alpha, so the limit ``inf{p : gamma(p) > alpha}`` lies in
    ``[a, b]``.  ``c(p)`` is non-decreasing in ``p``; its jumps (where
    ``F(c; p) = S(x; p)``) are found by root finding and split ``[a, b]`` into
    pieces.  On a piece with fixed ``c``,
    ``gamma' = n [b(x-1; n-1, p) - b(c-1; n-1, p)]`` changes sign at most
    once, from - to +, so gamma is quasi-convex there: either gamma > alpha at
    the start of the piece, or it crosses alpha upwards at most once (found by
    root finding), or not at all.  Scanning the pieces from ``a`` gives the
    infimum of the acceptance set, i.e. the lower end of its convex hull.
    """
    from scipy import special

    if side == "lower":
        if x == 0:
            return 0.0
        m = x

        def small(p):
            return float(_sf(x, n, p))

        def other(c, p):
            # the c most extreme outcomes on the other side: 0, ..., c-1
            return _cdf(np.asarray(c) - 1, n, p)

        a = float(special.betaincinv(x, n - x + 1.0, 0.5 * alpha))
        b = float(special.betaincinv(x, n - x + 1.0, alpha))
    else:
        if x == n:
            return 1.0
        m = n - x

        def small(p):
            return float(_cdf(x, n, p))

        def other(c, p):
            # the c most extreme outcomes on the other side: n-c+1, ..., n
            return _sf(n - np.asarray(c) + 1, n, p)

        a = float(special.betainccinv(x + 1.0, n - x, 0.5 * alpha))
        b = float(special.betainccinv(x + 1.0, n - x, alpha))

    cs = np.arange(1, m + 1)

    def count(p):
        return int(np.count_nonzero(other(cs, p) <= small(p)))

    c_a, c_b = count(a), count(b)
    breaks = []
    for c in range(c_a + 1, c_b + 1):
        breaks.append(_brentq(lambda p, c=c: float(other(c, p)) - small(p), a, b))
    starts = [a] + breaks
    ends = breaks + [b]
    for c, s, e in zip(range(c_a, c_b + 1), starts, ends):

        def g(p, c=c):
            return small(p) + float(other(c, p)) - alpha

        if g(s) > 0.0:
            return s
        if g(e) > 0.0:
            return _brentq(g, s, e)
    return b


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def proportion_ci(x, n, confidence_level=0.95, method="clopper-pearson", alternative="two-sided"):
    r"""Confidence interval for a binomial proportion.

    Parameters
    ----------
    x : int
        Number of responses, ``0 <= x <= n``.
    n : int
        Number of patients, ``n >= 1``.
    confidence_level : float, default 0.95
        Nominal level ``1 - alpha``, strictly between 0 and 1 (at least 0.5
        for ``method="blaker"``).
    method : str, default "clopper-pearson"
        One of ``"clopper-pearson"``, ``"mid-p"``, ``"blaker"``,
        ``"wilson"``, ``"wilson-cc"``, ``"jeffreys"``, ``"agresti-coull"``,
        ``"wald"``.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` gives a one-sided lower bound, the interval
        ``[low, 1]``; ``"less"`` gives a one-sided upper bound ``[0, high]``
        (the convention of ``scipy.stats.binomtest(...).proportion_ci``).

    Returns
    -------
    ConfidenceInterval

    Raises
    ------
    TypeError, ValueError
        For invalid arguments; also ``ValueError`` for ``method="blaker"``
        with a one-sided alternative (Blaker's interval is defined two-sided
        only) or a confidence level below 0.5, and for ``n`` above
        :data:`BLAKER_N_LIMIT` (Blaker) or :data:`FLOAT_N_LIMIT` (the other
        methods), so that every call finishes in about a second.

    Notes
    -----
    ``tail`` is ``alpha / 2`` for a two-sided interval and ``alpha`` for a
    one-sided bound; :math:`S(k; p) = P(X \ge k)`, :math:`F(k; p) = P(X \le k)`
    and :math:`z = \Phi^{-1}(1 - \mathrm{tail})`.

    **clopper-pearson** (exact; Clopper & Pearson 1934).  The lower limit
    solves :math:`S(x; p) = \mathrm{tail}`, the upper limit
    :math:`F(x; p) = \mathrm{tail}`, i.e. beta quantiles
    :math:`B(\mathrm{tail}; x, n - x + 1)` and
    :math:`B(1 - \mathrm{tail}; x + 1, n - x)`, computed with
    ``scipy.special.betaincinv`` / ``betainccinv`` to near machine precision.
    ``low = 0`` at ``x = 0`` and ``high = 1`` at ``x = n``.  Coverage is at
    least ``1 - alpha`` for every ``p``.

    **mid-p** (Lancaster 1961).  The lower limit solves
    :math:`P(X > x) + \tfrac12 P(X = x) = \mathrm{tail}`, the upper
    :math:`P(X < x) + \tfrac12 P(X = x) = \mathrm{tail}`, by Brent's method
    bracketed by the Clopper-Pearson limits for ``tail`` and ``2 tail`` and
    run to a relative tolerance of ``4 eps``.  ``low = 0`` at ``x = 0``,
    ``high = 1`` at ``x = n``.  Not guaranteed to cover at ``1 - alpha``;
    its coverage is close to nominal on average.  (A one-sided bound at a
    level below 1/2 can accept no ``p`` at all -- ``x = n`` with
    ``"greater"``, ``x = 0`` with ``"less"``; the bound is then 1, resp. 0.)

    **blaker** (exact; Blaker 2000).  With
    :math:`T(k; p) = \min\{S(k; p), F(k; p)\}` the acceptability function is
    :math:`\gamma(p; x) = P_p\{T(X; p) \le T(x; p)\}`, and the confidence set
    is :math:`\{p : \gamma(p; x) > \alpha\}`.  The set is contained in the
    two-sided Clopper-Pearson interval, has coverage at least ``1 - alpha``
    and is nested in the level.  :math:`\gamma` is not monotone in ``p``,
    so the set can in principle have gaps; as in Blaker's own algorithm the
    interval returned is its hull, ``[inf, sup]``.  Each limit is found
    exactly, not on a grid: between the Clopper-Pearson limits for
    ``alpha/2`` and ``alpha`` the acceptability is a sum of two binomial
    tails whose other-side cut-off jumps at points found by root finding;
    between jumps it is quasi-convex in ``p``, so the first crossing of
    ``alpha`` is bracketed and solved by Brent's method to ``4 eps``.
    Defined for two-sided intervals only, and implemented for
    ``confidence_level >= 0.5``.

    **wilson** (score interval; Wilson 1927).

    .. math::

        \frac{x + z^2/2}{n + z^2} \pm \frac{z\sqrt{n}}{n + z^2}
        \sqrt{\hat p \hat q + \frac{z^2}{4n}},
        \qquad \hat p = x/n,\ \hat q = 1 - \hat p,

    with ``low = 0`` at ``x = 0`` and ``high = 1`` at ``x = n`` (where the
    formula gives these values up to rounding).

    **wilson-cc** (score interval with continuity correction; Newcombe 1998,
    method 4).

    .. math::

        L = \frac{2n\hat p + z^2 - 1
                  - z\sqrt{z^2 - 2 - 1/n + 4\hat p(n\hat q + 1)}}{2(n + z^2)},
        \qquad
        U = \frac{2n\hat p + z^2 + 1
                  + z\sqrt{z^2 + 2 - 1/n + 4\hat p(n\hat q - 1)}}{2(n + z^2)},

    with ``L = 0`` at ``x = 0`` and ``U = 1`` at ``x = n`` (as Newcombe
    specifies), clipped to ``[0, 1]``.  This is the same formula as scipy's
    ``method="wilsoncc"``; the two agree to rounding.

    **jeffreys** (equal-tailed Jeffreys-prior interval; Brown, Cai & DasGupta
    2001).  The ``tail`` and ``1 - tail`` quantiles of
    Beta(x + 1/2, n - x + 1/2), except, following Brown, Cai & DasGupta,
    ``low = 0`` at ``x = 0`` and ``high = 1`` at ``x = n`` (the quantile
    there would exclude a neighbourhood of the observed boundary value).
    ``statsmodels.stats.proportion.proportion_confint(method="jeffreys")``
    does not apply this convention and differs at exactly those two limits.

    **agresti-coull** (Agresti & Coull 1998, in the general-``z`` form of
    Brown, Cai & DasGupta 2001).  With :math:`\tilde n = n + z^2` and
    :math:`\tilde p = (x + z^2/2)/\tilde n`, the interval is
    :math:`\tilde p \pm z\sqrt{\tilde p(1 - \tilde p)/\tilde n}`, clipped to
    ``[0, 1]``.  (At 95% this is close to "add two successes and two
    failures", which uses 2 in place of :math:`z^2/2 = 1.92`.)

    **wald** :math:`\hat p \pm z\sqrt{\hat p \hat q / n}`, clipped to
    ``[0, 1]``.  Shown for comparison only: it collapses to the single point
    ``[0, 0]`` at ``x = 0`` and ``[1, 1]`` at ``x = n`` and its coverage can
    be far below nominal (Brown, Cai & DasGupta 2001).

    One-sided bounds use the same formulas with ``tail = alpha``; the other
    end is set to 0 or 1.  For every method except Blaker, the one-sided
    bound at level ``1 - alpha`` is the corresponding limit of the two-sided
    interval at level ``1 - 2 alpha``.

    References
    ----------
    Agresti A, Coull BA (1998). Approximate is better than "exact" for
    interval estimation of binomial proportions. The American Statistician
    52(2):119-126.

    Blaker H (2000). Confidence curves and improved exact confidence
    intervals for discrete distributions. Canadian Journal of Statistics
    28(4):783-798.

    Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
    proportion. Statistical Science 16(2):101-133.

    Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika 26(4):404-413.

    Lancaster HO (1961). Significance tests in discrete distributions.
    Journal of the American Statistical Association 56(294):223-234.

    Newcombe RG (1998). Two-sided confidence intervals for the single
    proportion: comparison of seven methods. Statistics in Medicine
    17(8):857-872.

    Wilson EB (1927). Probable inference, the law of succession, and
    statistical inference. Journal of the American Statistical Association
    22(158):209-212.

    Examples
    --------
    >>> ci = proportion_ci(3, 9, confidence_level=0.90)
    >>> round(ci.low, 3), round(ci.high, 3)
    (0.098, 0.655)
    """
    method = check_choice("method", method, METHODS)
    if method == "blaker":
        n = _check_n(n, BLAKER_N_LIMIT, "method 'blaker'", "its acceptability sums over every count")
    else:
        n = _check_n(n, FLOAT_N_LIMIT, f"method {method!r}", "counts above 2**53 are not exact in floating point")
    x = check_int("x", x, minimum=0, maximum=n)
    confidence_level = check_probability("confidence_level", confidence_level)
    alternative = check_choice("alternative", alternative, ALTERNATIVES)
    if method == "blaker":
        if alternative != "two-sided":
            raise ValueError(
                f"method 'blaker' is defined for two-sided intervals only, got alternative={alternative!r}"
            )
        if confidence_level < 0.5:
            raise ValueError(f"confidence_level must be at least 0.5 for method 'blaker', got {confidence_level!r}")

    alpha = 1.0 - confidence_level
    tail = 0.5 * alpha if alternative == "two-sided" else alpha
    want_low = alternative != "less"
    want_high = alternative != "greater"

    if method == "clopper-pearson":
        low = _cp_lower(x, n, tail) if want_low else 0.0
        high = _cp_upper(x, n, tail) if want_high else 1.0
    elif method == "mid-p":
        low = _midp_lower(x, n, tail) if want_low else 0.0
        high = _midp_upper(x, n, tail) if want_high else 1.0
    elif method == "blaker":
        low = _blaker_limit(x, n, alpha, "lower")
        high = _blaker_limit(x, n, alpha, "upper")
    elif method == "jeffreys":
        from scipy import special

        low = float(special.betaincinv(x + 0.5, n - x + 0.5, tail)) if x > 0 else 0.0
        high = float(special.betainccinv(x + 0.5, n - x + 0.5, tail)) if x < n else 1.0
    else:
        low, high = _normal_interval(x, n, tail, method)
    if not want_low:
        low = 0.0
    if not want_high:
        high = 1.0
    return ConfidenceInterval(
        low=_unsigned(float(low)),
        high=_unsigned(float(high)),
        confidence_level=confidence_level,
        method=method,
        alternative=alternative,
        x=x,
        n=n,
    )


def _normal_interval(x, n, tail, method):
    """Wilson, Wilson-cc, Agresti-Coull and Wald limits, clipped to [0, 1]."""
    from scipy import special

    z = -float(special.ndtri(tail))
    z2 = z * z
    p = x / n
    q = (n - x) / n
    if method == "wilson":
        denom = n + z2
        centre = (x + 0.5 * z2) / denom
        half = z * math.sqrt(n) / denom * math.sqrt(p * q + z2 / (4.0 * n))
        low = centre - half if x > 0 else 0.0
        high = centre + half if x < n else 1.0
    elif method == "wilson-cc":
        denom = 2.0 * (n + z2)
        if x > 0:
            low = (2.0 * x + z2 - 1.0 - z * math.sqrt(z2 - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0))) / denom
        else:
            low = 0.0
        if x < n:
            high = (2.0 * x + z2 + 1.0 + z * math.sqrt(z2 + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0))) / denom
        else:
            high = 1.0
    elif method == "agresti-coull":
        n_t = n + z2
        p_t = (x + 0.5 * z2) / n_t
        half = z * math.sqrt(p_t * (1.0 - p_t) / n_t)
        low, high = p_t - half, p_t + half
    else:  # wald
        half = z * math.sqrt(p * q / n)
        low, high = p - half, p + half
    return min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)


def binom_pvalue(x, n, p, alternative="two-sided"):
    r"""Exact binomial test p-value for ``H0: response rate = p``.

    Parameters
    ----------
    x : int
        Number of responses, ``0 <= x <= n``.
    n : int
        Number of patients, ``n >= 1``.
    p : float
        Response rate under the null hypothesis, strictly between 0 and 1.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    float
        ``"greater"``: :math:`P(X \ge x)`; ``"less"``: :math:`P(X \le x)`;
        ``"two-sided"``: the total probability of the outcomes that are no
        more likely than the one observed,
        :math:`\sum_k P(X = k)\,[P(X = k) \le (1 + 10^{-7}) P(X = x)]`,
        capped at 1.  The relative tolerance ``1e-7`` keeps outcomes whose
        probability equals ``P(X = x)`` mathematically but not in floating
        point; R's ``binom.test`` and ``scipy.stats.binomtest`` use the same
        rule.  As they do, the outcomes on the observed side of ``np`` are
        counted as the tail beyond ``x`` (``P(X <= x)`` or ``P(X >= x)``) and
        the tolerance is applied to the opposite tail; the two readings differ
        only if the binomial probabilities next to ``x`` differ by less than
        one part in 10^7, which needs ``n`` of order 10^7.  At ``x = np`` the
        p-value is 1.  The result agrees with
        ``scipy.stats.binomtest(x, n, p, alternative).pvalue`` to rounding.

    Raises
    ------
    ValueError
        For invalid arguments, and for ``n`` above :data:`EXACT_N_LIMIT`
        (the exact tables hold every count ``0..n``).

    Notes
    -----
    Tails are binomial distribution functions (regularized incomplete beta
    functions), summed from the tail end, so small p-values keep their
    relative precision.
    """
    n = _check_n(n, EXACT_N_LIMIT, "binom_pvalue", "its exact tables hold every count 0..n")
    x = check_int("x", x, minimum=0, maximum=n)
    p = check_rate("p", p)
    alternative = check_choice("alternative", alternative, ALTERNATIVES)
    # The engine's exact tables (pmf, P(X <= k), P(X > k), each tail summed from its small end);
    # importing scipy.stats for this would add a third of a second to every CLI call.
    from .numerics._binomial import _binom_tables

    pmf, cdf, sf = _binom_tables(n, p)

    def upper(k):  # P(X >= k)
        return 1.0 if k <= 0 else (0.0 if k > n else float(sf[k - 1]))

    def lower(k):  # P(X <= k)
        return 0.0 if k < 0 else (1.0 if k >= n else float(cdf[k]))

    if alternative == "greater":
        return min(1.0, upper(x))
    if alternative == "less":
        return min(1.0, lower(x))
    mean = n * p
    if x == mean:
        return 1.0
    cut = float(pmf[x]) * _PVALUE_RELERR
    if x < mean:
        # opposite tail: ceil(np), ..., n, where the pmf is non-increasing
        m = int(np.count_nonzero(pmf[math.ceil(mean):] <= cut))
        pval = lower(x) + upper(n - m + 1)
    else:
        # opposite tail: 0, ..., floor(np), where the pmf is non-decreasing
        m = int(np.count_nonzero(pmf[:math.floor(mean) + 1] <= cut))
        pval = lower(m - 1) + upper(x)
    return _unsigned(float(min(1.0, pval)))


def posterior_prob_at_least(x, n, threshold, prior=(0.5, 0.5)):
    r"""Posterior probability that the response rate is at least ``threshold``.

    With a Beta(a, b) prior and ``x`` responses in ``n`` patients the
    posterior is Beta(a + x, b + n - x), and

    .. math::

        P(p \ge t \mid x) = 1 - I_t(a + x, b + n - x),

    evaluated directly as the complemented regularized incomplete beta
    function (``scipy.special.betaincc``), so probabilities far in either tail
    keep their relative precision.

    Parameters
    ----------
    x : int
        Number of responses, ``0 <= x <= n``.
    n : int
        Number of patients, ``n >= 0`` (``n = 0`` gives the prior
        probability).
    threshold : float
        Rate ``t`` in ``[0, 1]``.
    prior : (float, float), default (0.5, 0.5)
        Beta prior parameters ``(a, b)``, both positive; the default is the
        Jeffreys prior.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For invalid arguments, and for ``n`` above :data:`FLOAT_N_LIMIT`.
    """
    n = _check_n(n, FLOAT_N_LIMIT, "posterior_prob_at_least", "counts above 2**53 are not exact in floating point",
                 minimum=0)
    x = check_int("x", x, minimum=0, maximum=n)
    threshold = check_rate("threshold", threshold, closed=True)
    a, b = check_prior(prior)
    from scipy import special

    return _unsigned(float(special.betaincc(a + x, b + n - x, threshold)))

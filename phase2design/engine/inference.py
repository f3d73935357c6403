"""Exact inference after a trial run to any :class:`~phase2design.engine.design.Design`.

Let ``T`` be the rank of the outcome on the stage-wise ordering of the
design's sample space (:mod:`phase2design.engine.samplespace`), ``t`` the
observed rank and ``a = 1 - confidence_level``.

* p-value for H0: p <= p0 against p > p0: ``P_p0(T >= t)``; mid-p:
  ``P_p0(T > t) + P_p0(T = t) / 2``.
* Exact interval: ``P_pL(T >= t) = a/2`` and ``P_pU(T <= t) = a/2`` (``pL = 0``
  when no outcome ranks below ``t``, ``pU = 1`` when none ranks above).  Both
  tails include the observed outcome, so coverage is at least the nominal
  level for every ``p`` (the Clopper-Pearson-type convention of R desmon's
  ``twocon``).
* Mid-p interval: ``P_pL(T > t) + P_pL(T = t)/2 = a/2`` and
  ``P_pU(T < t) + P_pU(T = t)/2 = a/2``.
* Median-unbiased estimate: ``P_p(T >= t) = 1/2`` (and its mid-p twin).
* UMVUE (Jung & Kim 2004): ``E[Y_1 | outcome]``, the Rao-Blackwellised
  response ``Y_1`` of the first patient given the sufficient statistic (stopping
  stage, total), i.e. the share of the response sequences reaching the
  outcome whose first patient responded: a ratio of exact integers.

Every tail is non-decreasing (or non-increasing) in ``p``, so each equation
has one root; roots are found with Brent's method on ``[0, 1]`` to a relative
tolerance of ``4 eps``.
"""

from fractions import Fraction

import numpy as np

from .samplespace import SampleSpace

__all__ = ["stagewise_estimates", "stagewise_test", "umvue"]

#: Brent's method tolerances: the roots are interior points of (0, 1), so the
#: relative tolerance governs; the absolute one only guards against p -> 0.
_XTOL = 1e-300
_RTOL = 4.0 * np.finfo(float).eps


def _root_increasing(func, target):
    """The p in [0, 1] with func(p) = target, func continuous and non-decreasing.

    Returns 0 if ``func(0) >= target`` and 1 if ``func(1) <= target``.
    """
    from scipy.optimize import brentq

    if func(0.0) >= target:
        return 0.0
    if func(1.0) <= target:
        return 1.0
    return float(brentq(lambda p: func(p) - target, 0.0, 1.0, xtol=_XTOL, rtol=_RTOL, maxiter=500))


class _Tails:
    """``P_p(T >= t)`` and ``P_p(T <= t)`` for one observed rank, caching the last p."""

    def __init__(self, space, t):
        self.space = space
        self.t = t
        self._p = None
        self._prob = None

    def prob(self, p):
        if p != self._p:
            self._prob = self.space.probabilities(p)
            self._p = p
        return self._prob

    def at_least(self, p, midp=False):
        return SampleSpace.tail_at_least(self.prob(p), self.t, midp)

    def at_most(self, p, midp=False):
        return SampleSpace.tail_at_most(self.prob(p), self.t, midp)

    def lower_limit(self, tail, midp=False):
        """``p_L`` with ``P(T >= t) = tail`` (mid-p: ``P(T > t) + P(T = t)/2 = tail``)."""
        return _root_increasing(lambda p: self.at_least(p, midp), tail)

    def upper_limit(self, tail, midp=False):
        """``p_U`` with ``P(T <= t) = tail`` (mid-p: ``P(T < t) + P(T = t)/2 = tail``)."""
        return _root_increasing(lambda p: -self.at_most(p, midp), -tail)


#: Largest N_j at which a stage-3-or-later UMVUE is taken from exact integer path counts by default;
#: beyond it the counts have thousands of digits and the O(N^2) big-integer recursion takes seconds.
EXACT_UMVUE_N = 600


def umvue(space, stage, s, exact=False):
    """UMVUE of p at outcome ``(stage, s)``: (sequences with a first responder) / (all sequences).

    .. math::

        \\hat p(j, s) = \\frac{c'_j(s)}{c_j(s)},

    with ``c_j(s)`` the number of response sequences that reach the look after
    stage ``j`` with ``S_j = s`` and ``c'_j(s)`` those among them whose first
    patient responded (Jung & Kim 2004).  After a stage-1 stop it is
    ``s / N_1``.  Exactly unbiased over the design's sample space.

    The counts are exact integers (a Fraction with ``exact=True``) after stage 1 or 2, and at later stages
    while ``N_j <= EXACT_UMVUE_N``; beyond that the float result is the same ratio taken from the
    floating-point recursion at ``p = s / N_j``, ``p R'_j(s) / R_j(s)`` with ``R'`` the recursion whose
    first patient responded: a ratio of two compensated sums of positive terms, accurate to about
    1e-14 (``exact=True`` still counts exactly, however long it takes).
    """
    space.rank(stage, s)
    n = space.design.n[stage - 1]
    if exact or stage <= 2 or n <= EXACT_UMVUE_N:
        value = Fraction(space.path_count(stage, s, first_responds=True), space.path_count(stage, s))
        return value if exact else float(value)
    if s == 0:
        return 0.0
    if s == n:
        return 1.0
    from ._kernels import _reach, _reach_first

    p = s / n
    top = _reach_first(space._N[:stage], space._lo[:stage], space._hi[:stage], p)[stage - 1, s]
    bottom = _reach(space._N[:stage], space._lo[:stage], space._hi[:stage], p)[stage - 1, s]
    return float(min(top / bottom, 1.0))


def stagewise_estimates(design, stage, s, p0=None, confidence_level=0.95, *, space=None):
    """Stage-wise-ordering p-value, exact and mid-p intervals, UMVUE and median-unbiased estimates.

    Parameters
    ----------
    design : Design or text
        The sample space (the stage sizes actually run and the bounds).
    stage, s : int
        Outcome: the trial ended after ``stage`` (1-based) with ``s`` responses in all.
    p0 : float or None
        Null rate for the p-values (validated by the caller).
    confidence_level : float
        Two-sided level of both intervals (validated by the caller).

    Returns
    -------
    dict
        ``t`` (rank), ``naive_estimate`` (``s / N_stage``), ``umvue``,
        ``median_unbiased``, ``median_unbiased_midp``, ``pvalue``,
        ``pvalue_midp``, ``ci_lower``, ``ci_upper``, ``ci_midp_lower``,
        ``ci_midp_upper``.
    """
    space = space if space is not None else SampleSpace(design)
    t = space.rank(stage, s)
    tails = _Tails(space, t)
    tail = (1.0 - confidence_level) / 2.0
    pvalue = pvalue_midp = None
    if p0 is not None:
        pvalue = float(min(tails.at_least(p0), 1.0))
        pvalue_midp = float(tails.at_least(p0, True))
    return dict(
        t=t,
        naive_estimate=float(s / space.design.n[stage - 1]),
        umvue=umvue(space, stage, s),
        median_unbiased=tails.lower_limit(0.5),
        median_unbiased_midp=tails.lower_limit(0.5, True),
        pvalue=pvalue,
        pvalue_midp=pvalue_midp,
        ci_lower=tails.lower_limit(tail),
        ci_upper=tails.upper_limit(tail),
        ci_midp_lower=tails.lower_limit(tail, True),
        ci_midp_upper=tails.upper_limit(tail, True),
    )


def stagewise_test(design, stage, s, p0, alpha, *, space=None):
    """The exact one-sided level-``alpha`` test of H0: p <= p0 on the stage-wise ordering, and its bound.

    The test rejects iff ``P_p0(T >= t) <= alpha``.  The one-sided ``1 - alpha`` lower confidence bound
    ``p_L`` solves ``P_pL(T >= t) = alpha`` (0 when ``t`` is the lowest outcome); it is the lower limit of
    the two-sided ``1 - 2 alpha`` exact interval.  ``P_p(T >= t)`` increases strictly in ``p`` (``t > 0``),
    so ``p0 < p_L`` iff ``P_p0(T >= t) < alpha``: inverted, the test's acceptance region is ``p > p_L``
    and the interval excludes p0 exactly when the test rejects (``p0 <= p_L``; equality only at an exact
    tie ``P_p0(T >= t) = alpha``, where the test rejects).

    Parameters
    ----------
    design : Design or text, or None with ``space``
    stage, s : int
        The outcome (stopping stage, total responses).
    p0 : float or None
        Null rate; None gives no test (``rejects`` None).
    alpha : float
        One-sided level in (0, 1/2).

    Returns
    -------
    dict
        ``lower_bound`` (float) and ``rejects`` (bool or None).  A p-value within 1e-9 relative of
        ``alpha`` is re-decided in exact rational arithmetic (p0 and alpha read as the decimals typed).
    """
    from .._validation import exact_decimal
    from .exact import exact_stagewise_at_least

    space = space if space is not None else SampleSpace(design)
    t = space.rank(stage, s)
    tails = _Tails(space, t)
    rejects = None
    if p0 is not None:
        pvalue = float(min(tails.at_least(p0), 1.0))
        if abs(pvalue - alpha) > 1e-9 * alpha:
            rejects = pvalue <= alpha
        else:
            rejects = exact_stagewise_at_least(space, t, exact_decimal(p0)) <= exact_decimal(alpha)
    return {"lower_bound": tails.lower_limit(alpha), "rejects": rejects}

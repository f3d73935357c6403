"""Exact inference after a Simon two-stage trial.

Design convention (Simon 1989): ``r1/n1, r/n`` stops after ``n1`` patients if
``X1 <= r1``; otherwise ``n2 = n - n1`` more patients are treated and H0 is
rejected (the drug declared promising) if ``X1 + X2 > r``.

Sample space and ordering
-------------------------
An outcome is the stage at which the trial ended with its total number of
responses.  Write it as one integer ``t``::

    t = x1        stopped after stage 1 (x1 <= r1)
    t = x1 + x2   continued to stage 2 (then t >= r1 + 1)

The *stage-wise ordering* (Armitage 1957; Fairbanks & Madsen 1982; Tsiatis,
Rosner & Mehta 1984; Jennison & Turnbull 2000, chapter 8), proposed for
Simon designs by Koyama & Chen (2008), ranks every stage-1 stop below every
stage-2 outcome, stage-1 stops by ``x1`` and stage-2 outcomes by the total
``s = x1 + x2``.  It is exactly the natural order of ``t`` on
``0 .. n1 + n2``, with

.. math::

    P_p(T = t) = b(t; n_1, p)                                   \\quad (t \\le r_1)

    P_p(T = t) = \\sum_{x_1 = r_1 + 1}^{n_1} b(x_1; n_1, p)\\, b(t - x_1; n_2, p)
                                                                \\quad (t > r_1)

``P_p(T >= t)`` is increasing in ``p`` for every ``t >= 1`` (the event is
increasing in every patient's response), so tail equations in ``p`` have one
root each.  Nothing here depends on the final boundary ``r``: ``r`` only
enters the accept/reject decision.

All quantities are exact: probabilities are sums of non-negative products of
binomial probabilities and binomial tails in double precision (no tail is
formed as one minus another), roots are found by bracketing (Brent's method)
to a relative tolerance of a few units in the last place, and the UMVUE is a
ratio of exact integers.

References
----------
Jennison C, Turnbull BW (2000). *Group Sequential Methods with Applications to
Clinical Trials*. Chapman & Hall/CRC, chapter 8.

Jung SH, Kim KM (2004). On the estimation of the binomial probability in
multistage clinical trials. *Statistics in Medicine* 23(6):881-896.

Jung SH, Owzar K, George SL, Lee T (2006). P-value calculation for
multistage phase II cancer clinical trials. *Journal of Biopharmaceutical
Statistics* 16(6):765-775.

Koyama T, Chen H (2008). Proper inference from Simon's two-stage designs.
*Statistics in Medicine* 27(16):3145-3154.

Porcher R, Desseaux K (2012). What inference for two-stage phase II trials?
*BMC Medical Research Methodology* 12:117.

Simon R (1989). Optimal two-stage designs for phase II clinical trials.
*Controlled Clinical Trials* 10:1-10.
"""

import math
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from typing import Optional

import numpy as np

from .engine.design import Design
from .engine.inference import stagewise_estimates, umvue
from .engine.samplespace import SampleSpace
from ._validation import (N_LIMIT, check_int, check_probability, check_rate,
                          check_two_stage, exact_decimal)

__all__ = [
    "StagewiseInference",
    "TwoStageAnalysis",
    "analyze_two_stage",
    "stagewise_inference",
    "two_stage_umvue",
]

ORDERING = "stage-wise (Koyama & Chen 2008)"



def _space(r1, n1, n2):
    """The sample space r1/n1 then n2 patients; the final bound plays no part in the ordering."""
    return SampleSpace(Design.simon(r1, n1, r1, n1 + n2))


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------

def _check_stage_sizes(r1, n1, n2):
    n1 = check_int("n1", n1, minimum=1)
    r1 = check_int("r1", r1, minimum=0)
    n2 = check_int("n2", n2, minimum=1)
    if r1 >= n1:
        raise ValueError(f"r1 must be smaller than n1 (else the trial always stops), got r1={r1}, n1={n1}")
    if n1 + n2 > N_LIMIT:
        raise ValueError(f"n1 + n2 must be <= {N_LIMIT}, got n1={n1}, n2={n2}")
    return r1, n1, n2


def _check_data(r1, n1, n2, x1, x2, *, n2_name="n2"):
    """Observed counts; returns (x1, x2, stage, t).  n2 may be None after an early stop."""
    x1 = check_int("x1", x1, minimum=0)
    if x1 > n1:
        raise ValueError(f"x1 must lie between 0 and n1={n1}, got {x1}")
    if x1 <= r1:
        if x2 is not None:
            raise ValueError(f"x2 must be omitted: the trial stopped after stage 1 "
                             f"(x1={x1} <= r1={r1}), got x2={x2!r}")
        return x1, None, 1, x1
    if x2 is None:
        raise ValueError(f"x2 is required: the trial continued to stage 2 (x1={x1} > r1={r1}), got None")
    x2 = check_int("x2", x2, minimum=0)
    if x2 > n2:
        raise ValueError(f"x2 must lie between 0 and {n2_name}={n2}, got {x2}")
    return x1, x2, 2, x1 + x2


def _check_level(confidence_level):
    return check_probability("confidence_level", confidence_level)


# ---------------------------------------------------------------------------
# Public: UMVUE
# ---------------------------------------------------------------------------

def two_stage_umvue(r1, n1, n2, x1, x2=None, *, exact=False):
    """Uniformly minimum variance unbiased estimate of p after a two-stage trial.

    Jung & Kim (2004): the Rao-Blackwellisation of the stage-1 proportion
    ``X1 / n1`` on the sufficient statistic (stage, total responses):

    .. math::

        \\hat p = \\frac{x_1}{n_1}  \\quad\\text{(stopped, } x_1 \\le r_1\\text{)}

        \\hat p = \\frac{\\sum_{x = \\max(r_1 + 1,\\, s - n_2)}^{\\min(n_1, s)}
                     \\binom{n_1 - 1}{x - 1}\\binom{n_2}{s - x}}
                    {\\sum_{x = \\max(r_1 + 1,\\, s - n_2)}^{\\min(n_1, s)}
                     \\binom{n_1}{x}\\binom{n_2}{s - x}}
            \\quad\\text{(continued, } s = x_1 + x_2\\text{)}

    i.e. ``E[X1 / n1 | stage 2, S = s]``.  It is unbiased over the whole sample
    space of the design ``r1/n1`` with ``n2`` stage-2 patients (whatever the
    final boundary ``r``).  Every continued outcome has ``X1 >= r1 + 1``, so the
    UMVUE of any continued outcome exceeds that of any stage-1 stop: the UMVUE
    ordering of Jung et al. (2006) agrees with the stage-wise ordering (up to
    ties when ``r1 = n1 - 1``, where the UMVUE is 1 for every continued outcome).

    Parameters
    ----------
    r1, n1 : int
        Stop after ``n1`` patients if ``X1 <= r1``.
    n2 : int
        Number of stage-2 patients actually treated (ignored after an early stop,
        but it must still be a valid size).
    x1 : int
        Stage-1 responses.
    x2 : int or None
        Stage-2 responses; ``None`` if and only if ``x1 <= r1``.
    exact : bool
        Return a :class:`fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        Computed with exact integers, then rounded once to the nearest double.
    """
    r1, n1, n2 = _check_stage_sizes(r1, n1, n2)
    x1, x2, stage, t = _check_data(r1, n1, n2, x1, x2)
    return umvue(_space(r1, n1, n2), stage, t, exact=exact)


# ---------------------------------------------------------------------------
# Public: inference on the stage-wise ordering
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StagewiseInference:
    """Estimates, p-value and confidence intervals on the stage-wise ordering.

    Attributes
    ----------
    r1, n1, n2 : int
        Sample space: stop after ``n1`` if ``X1 <= r1``, else ``n2`` more patients
        (the actual stage-2 size).
    x1, x2 : int, int or None
        Observed responses (``x2`` is None after an early stop).
    stage : int
        1 if the trial stopped after stage 1, 2 if it continued.
    t : int
        Position in the stage-wise ordering: ``x1`` (stage 1) or ``x1 + x2``.
    p0 : float or None
        Null response rate for the p-value.
    confidence_level : float
        Two-sided level of both intervals.
    naive_estimate : float
        ``(x1 + x2) / (n1 + n2)`` (``x1 / n1`` after a stop): the observed
        proportion, biased by the interim look; reported for contrast only.
    umvue : float
        Jung & Kim (2004) UMVUE; see :func:`two_stage_umvue`.
    median_unbiased : float
        ``p`` with ``P_p(T >= t) = 1/2`` (0 when ``t = 0``): the p-value
        function's median point (Koyama & Chen 2008; Jennison & Turnbull 2000,
        chapter 8), equal to the lower limit of a two-sided 0% interval.
        With a discrete ``T`` it satisfies ``P_p(estimate <= p) >= 1/2``.
    median_unbiased_midp : float
        ``p`` with ``P_p(T > t) + P_p(T = t)/2 = 1/2`` (0 for ``t = 0``, 1 for
        ``t = n1 + n2``): the centre of the mid-p intervals.
    pvalue : float or None
        ``P_p0(T >= t)``: exact one-sided p-value for H0: p <= p0 against
        p > p0 (Koyama & Chen 2008).  After a stop it is ``P_p0(X1 >= x1)``;
        after stage 2 it is ``sum_{x > r1} b(x; n1, p0) P_p0(X2 >= s - x)``.
    pvalue_midp : float or None
        ``P_p0(T > t) + P_p0(T = t) / 2``.
    ci_lower, ci_upper : float
        Exact (Clopper-Pearson-type) interval with ``a = 1 - confidence_level``:
        ``P_{ci_lower}(T >= t) = a/2`` (0 if ``t = 0``) and
        ``P_{ci_upper}(T <= t) = a/2`` (1 if ``t = n1 + n2``).  Both tails
        include the observed outcome, so coverage is at least the nominal level
        for every ``p``.
    ci_midp_lower, ci_midp_upper : float
        Mid-p interval: ``P(T > t) + P(T = t)/2 = a/2`` at the lower limit and
        ``P(T < t) + P(T = t)/2 = a/2`` at the upper one (Porcher & Desseaux
        2012); coverage is close to, not guaranteed above, the nominal level.
    ordering : str
        Always ``"stage-wise (Koyama & Chen 2008)"``.
    """

    r1: int
    n1: int
    n2: int
    x1: int
    x2: Optional[int]
    stage: int
    t: int
    p0: Optional[float]
    confidence_level: float
    naive_estimate: float
    umvue: float
    median_unbiased: float
    median_unbiased_midp: float
    pvalue: Optional[float]
    pvalue_midp: Optional[float]
    ci_lower: float
    ci_upper: float
    ci_midp_lower: float
    ci_midp_upper: float
    ordering: str = ORDERING

    def to_dict(self):
        return _plain(asdict(self))

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


def _plain(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, (np.generic,)):
            v = v.item()
        out[k] = v
    return out


def _infer(r1, n1, n2, x1, x2, stage, t, p0, level):
    """Validated inputs -> StagewiseInference."""
    est = stagewise_estimates(None, stage, t, p0, level, space=_space(r1, n1, n2))
    naive = (x1 / n1) if stage == 1 else (x1 + x2) / (n1 + n2)
    keys = ("umvue", "median_unbiased", "median_unbiased_midp", "pvalue", "pvalue_midp", "ci_lower",
            "ci_upper", "ci_midp_lower", "ci_midp_upper")
    return StagewiseInference(
        r1=r1, n1=n1, n2=n2, x1=x1, x2=x2, stage=stage, t=t, p0=p0, confidence_level=level,
        naive_estimate=float(naive), **{k: est[k] for k in keys})


def stagewise_inference(r1, n1, n2, x1, x2=None, p0=None, confidence_level=0.95):
    """Exact inference on the stage-wise ordering from ``r1``, ``n1``, ``n2`` alone.

    The p-value, intervals and estimates depend on the sample space (``r1``,
    ``n1`` and the stage-2 size ``n2``) but not on the final boundary ``r``;
    :func:`analyze_two_stage` adds the decision.

    Let ``T = x1`` after a stop (``x1 <= r1``) and ``T = x1 + x2`` otherwise
    (the stage-wise ordering; see the module docstring) and ``a = 1 - level``.

    * p-value: ``P_p0(T >= t)``; mid-p: ``P_p0(T > t) + P_p0(T = t)/2``.
    * Exact interval: ``P_pL(T >= t) = a/2`` and ``P_pU(T <= t) = a/2``,
      ``pL = 0`` at ``t = 0`` and ``pU = 1`` at ``t = n1 + n2``.
    * Mid-p interval: ``P_pL(T > t) + P_pL(T = t)/2 = a/2`` and
      ``P_pU(T < t) + P_pU(T = t)/2 = a/2``.
    * Median-unbiased estimate: ``P_p(T >= t) = 1/2``; mid-p version
      ``P_p(T > t) + P_p(T = t)/2 = 1/2``.
    * UMVUE of Jung & Kim (2004) and the naive proportion.

    After a stage-1 stop every one of these reduces to the single-stage
    (Clopper-Pearson) quantity for ``x1`` of ``n1``, since
    ``P_p(T >= x1) = P_p(X1 >= x1)`` and ``P_p(T <= x1) = P_p(X1 <= x1)``.

    Roots are found with :func:`scipy.optimize.brentq` on ``[0, 1]`` to a
    relative tolerance of ``4 eps``; every tail is monotone in ``p``, so each
    root is unique.

    Parameters
    ----------
    r1, n1 : int
        Stop after ``n1`` patients if ``X1 <= r1`` (``0 <= r1 < n1``).
    n2 : int
        Stage-2 sample size actually treated (``>= 1``); it defines the sample
        space of continued outcomes.
    x1 : int
        Stage-1 responses, ``0 <= x1 <= n1``.
    x2 : int or None
        Stage-2 responses, ``0 <= x2 <= n2``; must be None when ``x1 <= r1``
        and given otherwise.
    p0 : float or None
        Null response rate in (0, 1); None skips the p-values.
    confidence_level : float
        Two-sided confidence level in (0, 1).

    Returns
    -------
    StagewiseInference

    Raises
    ------
    ValueError, TypeError
        One-line messages naming the offending argument.

    Examples
    --------
    UnplanSimon vignette, example 4.1 (r1 = 2, n1 = 11, n2 = 30, s = 20):

    >>> res = stagewise_inference(2, 11, 30, x1=5, x2=15, p0=0.25)
    >>> round(res.umvue, 3), round(res.ci_midp_lower, 3), round(res.ci_midp_upper, 3)
    (0.494, 0.339, 0.641)
    """
    r1, n1, n2 = _check_stage_sizes(r1, n1, n2)
    x1, x2, stage, t = _check_data(r1, n1, n2, x1, x2)
    if p0 is not None:
        p0 = check_rate("p0", p0)
    level = _check_level(confidence_level)
    return _infer(r1, n1, n2, x1, x2, stage, t, p0, level)


# ---------------------------------------------------------------------------
# Public: analysis of a Simon trial, with the decision
# ---------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class TwoStageAnalysis(StagewiseInference):
    """The analysis of a completed Simon two-stage trial.

    Holds the planned design, the data, the decision by the design's rule and
    every field of :class:`StagewiseInference` computed on the sample space of
    the trial as run (``r1/n1`` with the actual stage-2 size ``n2``).

    Attributes
    ----------
    r1, n1, r, n : int
        Planned design (Simon 1989 convention).
    n2_planned : int
        ``n - n1``.
    n2 : int or None
        Stage-2 patients actually treated (None after an early stop).
    outcome : str
        ``"stopped_at_stage1"``, ``"continued_failed"`` or ``"continued_succeeded"``.
    reject_h0 : bool
        True if the drug is declared promising.
    r_used : int or None
        The cut-off applied to the total ``x1 + x2`` (reject if the total
        exceeds it): ``r`` when ``n2 == n2_planned``, the adjusted value
        otherwise; None after an early stop.
    adjustment : str
        ``"none"`` or ``"conditional_error"`` (see :func:`analyze_two_stage`).
    conditional_error_planned, conditional_error_actual : float or None
        With ``"conditional_error"``: ``P_p0(X2 > r - x1)`` with the planned
        ``n2`` and ``P_p0(X2 > r_used - x1)`` with the actual one (never larger).
    decision : str
        The decision in words, with the adjustment if any.
    alpha : float or None
        The one-sided level of the exact test (the design's nominal alpha), if given.
    lower_bound : float or None
        With ``alpha``: the exact one-sided ``1 - alpha`` lower confidence bound, ``P_pL(T >= t) = alpha``;
        it excludes p0 (``p0 <= lower_bound``) exactly when ``test_rejects``.
    test_rejects : bool or None
        With ``alpha`` and ``p0``: whether the exact stage-wise test rejects H0 at level ``alpha``
        (``pvalue <= alpha``).
    design_alpha : float or None
        With ``p0``: the planned design's own exact type I error ``P_p0(X1 > r1, X1 + X2 > r)``.
    level_source : str
        Where ``confidence_level`` came from: ``"alpha"`` (``1 - 2 alpha``, the two-sided interval that
        matches the one-sided level-alpha test), ``"given"`` or ``"default"`` (0.95, no alpha).
    stage1_redesign : dict or None
        When stage 1 had another size than planned (``n1`` of :func:`analyze_two_stage`): the
        :class:`phase2design.overrun.Stage1Redesign` as a dict.  ``r1, n1, r, n`` are then those of the
        re-derived design, the planned one is under ``"planned"``.
    (all fields of StagewiseInference)
    """

    r: int
    n: int
    n2_planned: int
    n2: Optional[int]
    outcome: str
    reject_h0: bool
    r_used: Optional[int]
    adjustment: str
    conditional_error_planned: Optional[float]
    conditional_error_actual: Optional[float]
    decision: str
    alpha: Optional[float] = None
    lower_bound: Optional[float] = None
    test_rejects: Optional[bool] = None
    design_alpha: Optional[float] = None
    level_source: str = "default"
    stage1_redesign: Optional[dict] = None

    def label(self):
        return f"{self.r1}/{self.n1}, {self.r}/{self.n}"

    def to_dict(self):
        d = _plain({f.name: getattr(self, f.name) for f in fields(self)})
        d["design"] = self.label()
        d["rule"] = (f"stop after {self.n1} patients if at most {self.r1} respond; otherwise treat "
                     f"{self.n2_planned} more and declare the drug promising (reject H0) if more "
                     f"than {self.r} of {self.n} respond")
        return d

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


def _exact_sf_numerators(m, p):
    """Integers N[c + 1] with P_p(Bin(m, p) > c) = N[c + 1] / den for c = -1..m, and den."""
    a, b = p.numerator, p.denominator
    terms = [math.comb(m, j) * a ** j * (b - a) ** (m - j) for j in range(m + 1)]
    num = [0] * (m + 2)
    acc = 0
    for c in range(m, -2, -1):  # num[c + 1] = sum_{j > c} terms[j]
        num[c + 1] = acc
        if c >= 0:
            acc += terms[c]
    return num, b ** m


def _conditional_error_cutoff(r, x1, n2_planned, n2, p0):
    """Adjusted stage-2 cut-off c (reject if X2 > c) by the conditional error principle.

    c is the smallest integer in [-1, n2] with
    P_p0(X2' > c | n2) <= P_p0(X2 > r - x1 | n2_planned).  The tails are
    compared in double precision; only when the deciding comparison is within
    a relative 1e-9 (an exact tie is possible) is it settled in exact rational
    arithmetic, which for large n2 and a p0 such as 0.3333333333333333 would
    otherwise take tens of seconds.  Returns (c, planned conditional error,
    attained conditional error).
    """
    from .numerics._binomial import _binom_tables

    k = r - x1
    sf_plan = _binom_tables(n2_planned, p0)[2]
    planned = 1.0 if k < 0 else (0.0 if k >= n2_planned else float(sf_plan[k]))
    sf_act = _binom_tables(n2, p0)[2]

    def tail(c):
        return 1.0 if c < 0 else (0.0 if c >= n2 else float(sf_act[c]))

    if k < 0:  # the planned design had already rejected: conditional error exactly 1, any cut-off keeps it
        return -1, 1.0, 1.0
    if k >= n2_planned:  # the planned design could no longer reject: conditional error exactly 0
        return n2, 0.0, 0.0
    c = next(c for c in range(-1, n2 + 1) if tail(c) <= planned)
    close = [abs(tail(v) - planned) <= 1e-9 * planned for v in (c - 1, c) if v >= -1]
    if not any(close):
        return c, planned, tail(c)
    c, planned_q, actual_q = _conditional_error_cutoff_exact(r, x1, n2_planned, n2, p0)
    return c, float(planned_q), float(actual_q)


def _conditional_error_cutoff_exact(r, x1, n2_planned, n2, p0):
    """The same cut-off compared exactly, with p0 as the decimal it was given as (0.1 is 1/10)."""
    p = exact_decimal(p0)
    num_p, den_p = _exact_sf_numerators(n2_planned, p)
    k = r - x1
    if k < 0:
        a_num = den_p
    elif k >= n2_planned:
        a_num = 0
    else:
        a_num = num_p[k + 1]
    planned = Fraction(a_num, den_p)
    num_a, den_a = _exact_sf_numerators(n2, p)
    for c in range(-1, n2 + 1):
        # num_a[c+1]/den_a <= a_num/den_p, cross-multiplied with positive integers
        if num_a[c + 1] * den_p <= a_num * den_a:
            return c, planned, Fraction(num_a[c + 1], den_a)
    raise AssertionError("unreachable: P(X2 > n2) = 0")  # pragma: no cover


def _unpack_design(design):
    if all(hasattr(design, a) for a in ("r1", "n1", "r", "n")):
        values = (design.r1, design.n1, design.r, design.n)
    else:
        try:
            values = tuple(design)
        except TypeError:
            raise TypeError(f"design must be (r1, n1, r, n), got {design!r}") from None
        if len(values) != 4:
            raise ValueError(f"design must be (r1, n1, r, n), got {design!r}")
    return check_two_stage(*values)


def level_for_alpha(alpha, confidence_level):
    """(two-sided level, source): ``confidence_level`` if given, else ``1 - 2 alpha``, else 0.95.

    ``1 - 2 alpha`` is computed in decimal from alpha as typed (0.05 gives exactly 0.9).
    """
    from decimal import Decimal

    if confidence_level is not None:
        return _check_level(confidence_level), "given"
    if alpha is None:
        return 0.95, "default"
    return float(Decimal(1) - 2 * Decimal(repr(float(alpha)))), "alpha"


def check_alpha(alpha):
    """A one-sided level below 1/2 (so that ``1 - 2 alpha`` is a level), or None."""
    if alpha is None:
        return None
    alpha = check_probability("alpha", alpha)
    if not alpha < 0.5:
        raise ValueError(f"alpha must be below 0.5 (a one-sided type I error; the matching two-sided "
                         f"interval has level 1 - 2 alpha), got {alpha!r}")
    return alpha


def analyze_two_stage(design, x1, x2=None, *, n2=None, p0=None, confidence_level=None, alpha=None, n1=None,
                      n1_method="keep"):
    """Decision and exact inference after a Simon two-stage trial.

    Parameters
    ----------
    design : tuple (r1, n1, r, n) or object with attributes r1, n1, r, n
        The planned design (e.g. a :class:`phase2design.results.TwoStageDesign`):
        stop after ``n1`` if ``X1 <= r1``; else treat ``n - n1`` more and reject
        H0 if ``X1 + X2 > r``.
    x1 : int
        Stage-1 responses.
    x2 : int or None
        Stage-2 responses: None if and only if the trial stopped (``x1 <= r1``).
    n2 : int or None
        Stage-2 patients actually evaluated, if different from ``n - n1``.  Must
        be omitted after an early stop.
    p0 : float or None
        Null response rate for the p-values; required when ``n2`` differs from
        the plan (the cut-off is then adjusted under H0).
    confidence_level : float, optional
        Two-sided level of the intervals.  Default: ``1 - 2 alpha`` when
        ``alpha`` is given (the interval that matches the one-sided level-alpha
        test, as R clinfun's ``twostage.inference`` reports), else 0.95.
    alpha : float, optional
        The design's one-sided level: adds the exact stage-wise test at
        ``alpha`` (``test_rejects``) and the one-sided ``1 - alpha`` lower bound.
        With ``n1``, the re-derived design keeps its type I error at most
        ``alpha`` (without it: at most the planned design's exact type I error).
    n1 : int or None
        Stage-1 patients actually evaluated, if different from the planned ``n1`` (over- or
        under-running): the rule is first re-derived for the trial as run by
        :func:`phase2design.overrun.stage1_redesign` (keeping the planned total ``n``; needs ``p0``), and
        ``x1`` and ``n2`` are then read against the re-derived design.
    n1_method : {"keep", "ats"}
        How ``n1`` re-derives the rule (see :mod:`phase2design.overrun`).

    Returns
    -------
    TwoStageAnalysis

    Notes
    -----
    **Decision.**  Stopped (``x1 <= r1``): H0 is not rejected.  Continued with
    the planned ``n2``: reject iff ``x1 + x2 > r``.

    **Actual stage-2 size different from the plan** (``adjustment =
    "conditional_error"``).  Following the conditional error principle invoked
    by Koyama & Chen (2008), the stage-2 test keeps at most the conditional
    type I error the planned design had given the observed ``x1``:

    .. math::

        A(x_1) = P_{p_0}(X_2 > r - x_1), \\quad X_2 \\sim \\mathrm{Bin}(n_2^{plan}, p_0)

        c^* = \\min\\{c \\ge -1 : P_{p_0}(X_2^* > c) \\le A(x_1)\\},
              \\quad X_2^* \\sim \\mathrm{Bin}(n_2, p_0)

    and H0 is rejected iff ``x2 > c*``, i.e. iff ``x1 + x2 > r_used`` with
    ``r_used = x1 + c*``.  The conditional type I error never exceeds ``A(x1)``
    for any ``x1``, so the overall type I error stays at most that of the
    planned design, even if the new ``n2`` was chosen after seeing ``x1``.
    Both sides of the inequality are
    compared in exact rational arithmetic, taking ``p0`` as its shortest
    decimal representation (``0.1`` is 1/10), so ties are resolved exactly.

    The p-value, intervals and estimates are then computed on the sample
    space of the trial as run, ``r1/n1`` followed by the actual ``n2``, with
    the stage-wise ordering, as if the actual ``n2`` had been fixed in advance
    (valid when the change is non-informative, i.e. unrelated to ``x1``;
    Porcher & Desseaux 2012 study this choice).  In that case the p-value need not agree
    exactly with the adjusted decision.  Koyama & Chen's own p-value for a
    changed ``n2``, which maps the stage-2 conditional p-value back onto the
    planned design, is *not* implemented.

    With the planned ``n2``, ``pvalue <= attained alpha`` of the design if and
    only if H0 is rejected, because the design rejects exactly on
    ``T >= r + 1``.

    Examples
    --------
    >>> res = analyze_two_stage((1, 10, 5, 29), x1=1, p0=0.1, confidence_level=0.90)
    >>> res.outcome, round(res.ci_upper, 3)
    ('stopped_at_stage1', 0.394)
    """
    redesign = None
    if n1 is not None:
        planned = _unpack_design(design)
        n1 = check_int("n1", n1, minimum=1)
        if n1 != planned[1]:
            from .overrun import stage1_redesign

            if p0 is None:
                raise ValueError(f"p0 is required when the actual n1={n1} differs from the planned "
                                 f"n1={planned[1]}: the rule is re-derived under H0, got None")
            redesign = stage1_redesign(planned, n1, p0=p0, alpha=alpha, method=n1_method)
            design = redesign.design.as_simon()
    r1, n1, r, n = _unpack_design(design)
    n2_planned = n - n1
    x1 = check_int("x1", x1, minimum=0)
    if x1 > n1:
        raise ValueError(f"x1 must lie between 0 and n1={n1}, got {x1}")
    stopped = x1 <= r1
    if stopped and n2 is not None:
        raise ValueError(f"n2 must be omitted: the trial stopped after stage 1 "
                         f"(x1={x1} <= r1={r1}), got n2={n2!r}")
    n2_actual = n2_planned if n2 is None else check_int("n2", n2, minimum=1, maximum=N_LIMIT - n1)
    x1, x2, stage, t = _check_data(r1, n1, n2_actual, x1, x2)
    if p0 is not None:
        p0 = check_rate("p0", p0)
    alpha = check_alpha(alpha)
    level, source = level_for_alpha(alpha, confidence_level)

    adjustment = "none"
    ce_planned = ce_actual = None
    if stopped:
        outcome, reject, r_used = "stopped_at_stage1", False, None
        decision = (f"stopped after stage 1: {x1} of {n1} responded (at most r1={r1}); "
                    f"H0 not rejected")
    else:
        if n2_actual == n2_planned:
            r_used = r
            how = f"more than r = {r} of n = {n}"
        else:
            if p0 is None:
                raise ValueError(f"p0 is required when the actual n2={n2_actual} differs from the "
                                 f"planned n2={n2_planned}: the cut-off is adjusted under H0, got None")
            c, a_plan, a_act = _conditional_error_cutoff(r, x1, n2_planned, n2_actual, p0)
            r_used = x1 + c
            adjustment = "conditional_error"
            ce_planned, ce_actual = float(a_plan), float(a_act)
            how = (f"more than {r_used} of {n1 + n2_actual} (cut-off adjusted from r={r} for "
                   f"n2={n2_actual} instead of {n2_planned}: stage-2 conditional type I error "
                   f"{ce_actual:.4g} <= planned {ce_planned:.4g} given x1={x1})")
        reject = t > r_used
        outcome = "continued_succeeded" if reject else "continued_failed"
        decision = (f"continued to stage 2: {t} responses in total; "
                    f"H0 {'rejected' if reject else 'not rejected'} "
                    f"(the design's rule: reject if {how})")

    if redesign is not None:
        decision += (f" [stage 1 had {n1} patients instead of the planned {redesign.planned.n[0]}: rule "
                     f"re-derived as {redesign.design.label()} from {redesign.planned.label()}]")
    inf = _infer(r1, n1, n2_actual, x1, x2, stage, t, p0, level)
    values = asdict(inf)
    values["n2"] = None if stopped else n2_actual
    extra = {"alpha": alpha, "level_source": source,
             "stage1_redesign": None if redesign is None else redesign.to_dict()}
    if alpha is not None:
        from .engine.inference import stagewise_test

        test = stagewise_test(None, stage, t, p0, alpha, space=_space(r1, n1, n2_actual))
        extra.update(lower_bound=test["lower_bound"], test_rejects=test["rejects"])
    if p0 is not None:
        from .engine.oc import design_oc

        extra["design_alpha"] = float(design_oc(Design.simon(r1, n1, r, n), [p0]).reject[0])
    return TwoStageAnalysis(
        r=r, n=n, n2_planned=n2_planned, outcome=outcome, reject_h0=bool(reject),
        r_used=r_used, adjustment=adjustment,
        conditional_error_planned=ce_planned, conditional_error_actual=ce_actual,
        decision=decision, **extra, **values)

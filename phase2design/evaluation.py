"""Where an observed response count stands against a predefined threshold.

``evaluate(3, 9, 0.5)`` answers the questions a reader of a small single-arm
trial asks: what are the exact confidence limits, was the criterion met and
what would have met it, how surprising are the data if the true rate equals
the threshold, what a Bayesian would say, and (given ``p0`` and the design)
what the trial's own rule decided.

Conventions: the threshold criterion is met when the observed proportion
``x / n`` is at least the threshold.  Designs follow Simon (1989): a
single-stage ``r/n`` declares the drug promising if ``X > r``; a two-stage
``r1/n1, r/n`` stops after stage 1 if ``X1 <= r1`` and succeeds if
``X1 + X2 > r``.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple

import numpy as np

from .numerics import _binomial as K
from ._validation import (check_choice, check_int, check_prior, check_probability, check_rate, exact_decimal)
from .engine.design import Design
from .intervals import (EXACT_N_LIMIT, METHODS, ConfidenceInterval, _check_n, _unsigned, binom_pvalue,
                        posterior_prob_at_least, proportion_ci)
from .results import _plain


def _exact_tail(x, n, rate, lower):
    """Exact P(X <= x) (or P(X >= x)) as a Fraction, for a rational rate."""
    q = 1 - rate
    ks = range(0, x + 1) if lower else range(x, n + 1)
    return sum(math.comb(n, k) * rate ** k * q ** (n - k) for k in ks)


def _as_counts(prob, n, rate):
    """'130/512' when the rate's denominator d makes d**n small enough to read, else None."""
    d = rate.denominator
    if d ** n > 10 ** 7:
        return None
    num = prob * d ** n
    if num.denominator != 1:
        return None
    return f"{num.numerator}/{d ** n}"


@dataclass(frozen=True)
class ThresholdComparison:
    """The observed count against the threshold rate.

    Attributes
    ----------
    threshold : float
        The predefined rate (criterion met if ``x / n >= threshold``).
    met : bool
        Whether ``x / n >= threshold``.
    responses_needed : int
        Smallest ``k`` with ``k / n >= threshold`` (exact rational comparison).
    prob_at_most_x, prob_at_least_x : float
        ``P(X <= x | p = threshold)`` and ``P(X >= x | p = threshold)``, exact.
    prob_at_most_x_fraction : str or None
        The former as counts over ``d**n`` (e.g. ``"130/512"``) when readable.
    pvalue_two_sided : float
        Exact two-sided binomial test of ``p = threshold`` (outcomes no more
        probable than the observed one).
    inside_ci : tuple of bool
        Whether the threshold lies inside each confidence interval.
    posterior_prob_at_least : float
        ``P(p >= threshold | data)`` under the Beta prior.
    """

    threshold: float
    met: bool
    responses_needed: int
    prob_at_most_x: float
    prob_at_least_x: float
    prob_at_most_x_fraction: Optional[str]
    pvalue_two_sided: float
    inside_ci: Tuple[bool, ...]
    posterior_prob_at_least: float


@dataclass(frozen=True)
class DesignDecision:
    """What the design the trial followed decided for the observed data."""

    design: str
    kind: str
    boundary: int
    outcome: str
    reject_h0: bool
    decision: str


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`; ``to_dict()`` is what ``--format json`` prints."""

    x: int
    n: int
    estimate: float
    ci_method: str
    intervals: Tuple[ConfidenceInterval, ...]
    threshold: ThresholdComparison
    prior: Tuple[float, float]
    p0: Optional[float]
    pvalue_vs_p0: Optional[float]
    alpha: float
    p0_boundary: Optional[int]
    design: Optional[DesignDecision]

    def summary(self):
        """The findings in sentences."""
        t = self.threshold
        pct = f"{100 * t.threshold:.10g}%"
        out = [f"{self.x}/{self.n} responded ({100 * self.estimate:.1f}%)."]
        for ci in self.intervals:
            out.append(f"{100 * ci.confidence_level:.10g}% {ci.method} CI {100 * ci.low:.1f}-{100 * ci.high:.1f}%"
                       f" ({'contains' if t.inside_ci[self.intervals.index(ci)] else 'excludes'} {pct}).")
        need = f"{t.responses_needed} of {self.n}"
        out.append(f"The {pct} criterion was {'met' if t.met else 'not met'}: it needs at least {need} "
                   f"responses (x/n >= {t.threshold:.10g}).")
        frac = f" (= {t.prob_at_most_x_fraction})" if t.prob_at_most_x_fraction else ""
        out.append(f"If the true rate were {pct}: P(X <= {self.x}) = {t.prob_at_most_x:.4f}{frac}, "
                   f"P(X >= {self.x}) = {t.prob_at_least_x:.4f}, exact two-sided p = {t.pvalue_two_sided:.4f}.")
        a, b = self.prior
        out.append(f"Posterior P(p >= {t.threshold:.10g}) = {t.posterior_prob_at_least:.4f} "
                   f"(Beta({a:.10g}, {b:.10g}) prior{', Jeffreys' if (a, b) == (0.5, 0.5) else ''}).")
        if self.p0 is not None:
            out.append(f"Against p0 = {self.p0:.10g}: exact one-sided p = P(X >= {self.x} | p0) = "
                       f"{self.pvalue_vs_p0:.4f}; at alpha = {self.alpha:.10g} the exact test needs at least "
                       f"{self.p0_boundary} of {self.n}.")
        if self.design is not None:
            out.append(f"Design {self.design.design}: {self.design.decision}")
        return out

    def to_dict(self):
        return _plain({
            "x": self.x, "n": self.n, "estimate": self.estimate, "ci_method": self.ci_method,
            "intervals": [ci.to_dict() for ci in self.intervals],
            "threshold": dict(vars(self.threshold)),
            "prior": list(self.prior), "p0": self.p0, "pvalue_vs_p0": self.pvalue_vs_p0,
            "alpha": self.alpha, "p0_boundary": self.p0_boundary,
            "design": None if self.design is None else dict(vars(self.design)),
            "convention": "threshold met if x/n >= threshold; designs: reject H0 if X > r "
                          "(two-stage: stop if X1 <= r1, succeed if X1 + X2 > r)",
        })

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([ci.to_dict() for ci in self.intervals])


def _design_decision(design, x, n):
    kind, values = design
    if kind == "single":
        r, nd = values
        if n != nd:
            raise ValueError(f"n must equal the design's n to apply its rule, got n={n} for design {r}/{nd}")
        reject = x > r
        label = f"{r}/{nd}"
        text = (f"{x} > {r}: declare the drug promising (reject H0)." if reject else
                f"{x} <= {r}: not promising (H0 not rejected); at least {r + 1} of {nd} were needed.")
        return DesignDecision(label, "single-stage", r + 1, "succeeded" if reject else "failed", reject, text)
    r1, n1, r, nd = values
    label = f"{r1}/{n1}, {r}/{nd}"
    if n == n1:
        if x <= r1:
            return DesignDecision(label, "two-stage", r1 + 1, "stopped_at_stage1", False,
                                  f"{x} <= {r1} after {n1} patients: stop at stage 1 (not promising); "
                                  f"at least {r1 + 1} were needed to continue.")
        return DesignDecision(label, "two-stage", r1 + 1, "continue", False,
                              f"{x} > {r1} after {n1} patients: continue to stage 2 ({nd - n1} more patients); "
                              f"at least {r + 1} of {nd} in total will be needed.")
    if n == nd:
        reject = x > r
        text = (f"continued to stage 2; {x} > {r} of {nd}: declare the drug promising (reject H0)." if reject else
                f"continued to stage 2; {x} <= {r} of {nd}: not promising; at least {r + 1} were needed.")
        return DesignDecision(label, "two-stage", r + 1, "continued_succeeded" if reject else "continued_failed",
                              reject, text)
    raise ValueError(f"n must be the design's n1 ({n1}) or n ({nd}) to apply its rule, got n={n}; "
                     f"for stage-wise data use 'analyze'")


def evaluate(x, n, threshold, *, p0=None, design=None, confidence_level=(0.90, 0.95),
             ci_method="clopper-pearson", prior=(0.5, 0.5), alpha=0.05):
    """Exact evaluation of ``x`` responses in ``n`` patients against a threshold rate.

    Parameters
    ----------
    x, n : int
        Responses and patients, ``0 <= x <= n``.
    threshold : float
        Predefined response rate in (0, 1); the criterion is met if ``x / n >= threshold``.
    p0 : float, optional
        Uninteresting rate: adds the exact one-sided p-value ``P(X >= x | p0)``
        and the smallest count the exact level-``alpha`` test would accept.
    design : str or tuple, optional
        The design the trial followed: ``"r/n"`` (single stage) or
        ``"r1/n1,r/n"`` (Simon two-stage), or the equivalent tuple.
    confidence_level : float or sequence of float
        Two-sided levels (default 0.90 and 0.95).
    ci_method : str
        Any method of :func:`phase2design.intervals.proportion_ci`
        (default exact Clopper-Pearson).
    prior : "jeffreys", "uniform" or (float, float)
        Beta prior for the posterior probability (default Jeffreys Beta(1/2, 1/2)).
    alpha : float
        Level used only to report the exact test's critical count against ``p0``.

    Returns
    -------
    Evaluation

    Notes
    -----
    ``P(X <= x | p = t) = sum_{k <= x} C(n, k) t^k (1 - t)^(n - k)`` is also
    computed in exact rational arithmetic from the decimal typed for ``t``
    (0.5 is 1/2), which gives the count form ``130/512`` for 3/9 at 50%.

    Examples
    --------
    >>> ev = evaluate(3, 9, 0.5)
    >>> [(round(c.low, 3), round(c.high, 3)) for c in ev.intervals]
    [(0.098, 0.655), (0.075, 0.701)]
    >>> ev.threshold.met, ev.threshold.responses_needed, ev.threshold.prob_at_most_x_fraction
    (False, 5, '130/512')
    """
    n = _check_n(n, EXACT_N_LIMIT, "evaluate", "its exact tables hold every count 0..n")
    x = check_int("x", x, minimum=0)
    if x > n:
        raise ValueError(f"x must be at most n (responses cannot exceed patients), got x={x}, n={n}")
    # -0.0 typed as "-0" is made 0.0 first, so that no message quotes "-0.0"
    threshold = check_rate("threshold", _unsigned(threshold))
    levels = confidence_level if isinstance(confidence_level, (list, tuple)) else (confidence_level,)
    if not levels:
        raise ValueError("confidence_level must hold at least one level, got an empty sequence")
    levels = tuple(check_probability("confidence_level", _unsigned(c)) for c in levels)
    ci_method = check_choice("ci_method", ci_method, METHODS)
    alpha = check_probability("alpha", _unsigned(alpha))
    if isinstance(prior, (tuple, list)) and any(isinstance(v, float) and v == 0 for v in prior):
        prior = type(prior)(_unsigned(v) for v in prior)
    prior = check_prior(prior)
    if p0 is not None:
        p0 = check_rate("p0", _unsigned(p0))
    parsed = None if design is None else Design.parse(design).simple_form("evaluate")

    intervals = tuple(proportion_ci(x, n, c, method=ci_method) for c in levels)
    t_exact = exact_decimal(threshold)
    # the smallest k with k / n >= t, exactly (one ceiling, not a loop over every count)
    needed = math.ceil(t_exact * n) if t_exact <= 1 else n + 1
    at_most = _exact_tail(x, n, t_exact, lower=True) if n <= 1000 else None
    prob_le = float(at_most) if at_most is not None else binom_pvalue(x, n, threshold, "less")
    comparison = ThresholdComparison(
        threshold=threshold, met=Fraction(x, n) >= t_exact, responses_needed=needed,
        prob_at_most_x=prob_le, prob_at_least_x=binom_pvalue(x, n, threshold, "greater"),
        prob_at_most_x_fraction=None if at_most is None else _as_counts(at_most, n, t_exact),
        pvalue_two_sided=binom_pvalue(x, n, threshold, "two-sided"),
        inside_ci=tuple(bool(ci.low <= threshold <= ci.high) for ci in intervals),
        posterior_prob_at_least=posterior_prob_at_least(x, n, threshold, prior))
    pvalue_vs_p0 = p0_boundary = None
    if p0 is not None:
        pvalue_vs_p0 = binom_pvalue(x, n, p0, "greater")
        _, _, sf = K._binom_tables(n, p0)
        # P(X >= k) = sf[k - 1]; the smallest k at level alpha (n + 1: no count suffices)
        hits = np.flatnonzero(sf[:n] <= alpha)
        p0_boundary = int(hits[0]) + 1 if hits.size else n + 1
    return Evaluation(
        x=x, n=n, estimate=x / n, ci_method=ci_method, intervals=intervals, threshold=comparison,
        prior=prior, p0=p0, pvalue_vs_p0=pvalue_vs_p0, alpha=alpha,
        p0_boundary=p0_boundary, design=None if parsed is None else _design_decision(parsed, x, n))

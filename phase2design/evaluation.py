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
    """What the design the trial followed decided for the observed data.

    Attributes
    ----------
    design, kind : str
        The design's label (``"2/9"``, ``"1/10, 5/29"``) and ``"single-stage"`` or ``"two-stage"``.
    boundary : int
        Smallest count that continues (after stage 1) or declares the drug promising.
    outcome : str
        ``"succeeded"``, ``"failed"``, ``"stopped_at_stage1"``, ``"continue"``, ``"continued_succeeded"`` or
        ``"continued_failed"``.
    reject_h0 : bool
        True if the design's rule declares the drug promising.
    decision : str
        The decision in words.
    attained_alpha : float or None
        The design's own exact type I error ``P(declared promising | p0)`` over all its stages (with p0).
    power : float or None
        ``P(declared promising | p1)`` (with p1).
    exceeds_alpha : bool or None
        Whether ``attained_alpha`` exceeds the nominal ``alpha`` (decided in exact arithmetic near a tie).
    r1, n1 : int or None
        The stage-1 bound and size of a two-stage design.
    """

    design: str
    kind: str
    boundary: int
    outcome: str
    reject_h0: bool
    decision: str
    attained_alpha: Optional[float] = None
    power: Optional[float] = None
    exceeds_alpha: Optional[bool] = None
    r1: Optional[int] = None
    n1: Optional[int] = None


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`; ``to_dict()`` is what ``--format json`` prints.

    ``threshold`` is None when no criterion was given; ``design`` is None without a design.
    """

    x: int
    n: int
    estimate: float
    ci_method: str
    intervals: Tuple[ConfidenceInterval, ...]
    threshold: Optional[ThresholdComparison]
    prior: Tuple[float, float]
    p0: Optional[float]
    pvalue_vs_p0: Optional[float]
    alpha: float
    p0_boundary: Optional[int]
    design: Optional[DesignDecision]
    p1: Optional[float] = None
    test_rejects: Optional[bool] = None

    def data_words(self):
        """Which data every verdict uses: the sample as one, or the stage(s) of the design it covers."""
        if self.design is not None and self.design.kind == "two-stage":
            if self.n == self.design.n1:
                return f"stage 1, {self.n} patients"
            return f"both stages, {self.n} patients pooled"
        return f"these {self.n} patients"

    def verdicts(self, data=None, criterion=None):
        """The verdict lines: each names its question and the data it uses; a line says why two differ.

        Parameters
        ----------
        data : str, optional
            How the data are described (default :meth:`data_words`), e.g. ``"earlier data: 9 patients"``.
        criterion : str, optional
            How the criterion is named (default ``"x/n >= threshold"``; the report writes its option).

        Returns
        -------
        list of str
        """
        data = self.data_words() if data is None else data
        out = []
        t = self.threshold
        if t is not None:
            name = f"x/n >= {t.threshold:.10g}" if criterion is None else criterion
            out.append(f"Criterion you gave ({name}; {data}): {'met' if t.met else 'not met'}: "
                       f"{self.x}/{self.n} = {100 * self.estimate:.1f}%; the criterion needs at least "
                       f"{t.responses_needed} of {self.n}.")
        two = self.design is not None and self.design.kind == "two-stage"
        if self.p0 is not None:
            what = (f"Exact single-stage test of H0: p <= {self.p0:.10g} at one-sided alpha = {self.alpha:.10g} "
                    f"({data}; ignores the two-stage design)" if two else
                    f"Exact test of H0: p <= {self.p0:.10g} at one-sided alpha = {self.alpha:.10g} ({data})")
            rel = "<=" if self.test_rejects else ">"
            if self.p0_boundary <= self.n:
                out.append(f"{what}: p = P(X >= {self.x} | p0) {_eq(self.pvalue_vs_p0)} {rel} "
                           f"{self.alpha:.10g}, {'H0 rejected' if self.test_rejects else 'H0 not rejected'}; the "
                           f"test rejects from {self.p0_boundary} of {self.n}.")
            else:
                out.append(f"{what}: p = P(X >= {self.x} | p0) {_eq(self.pvalue_vs_p0)}, H0 not rejected; no "
                           f"count of {self.n} reaches this level.")
        dd = self.design
        if dd is not None:
            line = f"Design rule {dd.design} ({data}): {dd.decision}"
            if dd.attained_alpha is not None:
                over = "over both stages " if two else ""
                line += (f" The rule's own exact type I error {over}at p0 = {self.p0:.10g} is "
                         f"{_prob(dd.attained_alpha)}"
                         + (f", ABOVE the nominal alpha = {self.alpha:.10g}" if dd.exceeds_alpha else
                            f" (nominal alpha {self.alpha:.10g})")
                         + ("" if dd.power is None else f"; its power at p1 = {self.p1:.10g} is {_prob(dd.power)}")
                         + ".")
            out.append(line)
        out.extend(self._why_differ())
        if t is not None:
            a, b = self.prior
            out.append(f"Bayesian statement (Beta({a:.10g}, {b:.10g}) prior"
                       f"{', Jeffreys' if (a, b) == (0.5, 0.5) else ''}; {data}): P(p >= {t.threshold:.10g} | data) "
                       f"{_eq(t.posterior_prob_at_least)}.")
        return out

    def _why_differ(self):
        """One sentence for each pair of verdicts that disagree, saying why."""
        out = []
        t, dd = self.threshold, self.design
        decided = dd is not None and dd.outcome not in ("continue",)
        if decided and self.test_rejects is not None and dd.reject_h0 != self.test_rejects:
            if dd.kind == "two-stage":
                r1, n1 = dd.r1, dd.n1
                out.append(f"Why the design rule and the exact test differ: the test treats the {self.n} patients as "
                           f"one sample and ignores the two-stage design. The design declares the drug promising "
                           f"from {dd.boundary} of {self.n}, and its exact type I error over both stages, which "
                           f"counts the stop after stage 1 when {r1} or fewer of {n1} respond, is "
                           f"{_prob(dd.attained_alpha)}; the single-stage level-{self.alpha:.10g} test needs "
                           f"{self.p0_boundary}. The stage-wise analysis (analyze --x1 --x2) gives the p-value "
                           f"that matches the design.")
            elif dd.reject_h0:
                out.append(f"Why the design rule and the exact test differ: the rule {dd.design} declares the drug "
                           f"promising from {dd.boundary} responses, where the type I error is "
                           f"{_prob(dd.attained_alpha)} > {self.alpha:.10g}; a level-{self.alpha:.10g} test needs "
                           f"{self.p0_boundary}.")
            else:
                out.append(f"Why the design rule and the exact test differ: the rule {dd.design} needs "
                           f"{dd.boundary} responses (type I error {_prob(dd.attained_alpha)}), more than the "
                           f"{self.p0_boundary} that the level-{self.alpha:.10g} test needs.")
        if t is not None:
            others = []
            if self.test_rejects is not None and t.met != self.test_rejects:
                others.append("exact test")
            if decided and dd.outcome != "stopped_at_stage1" and t.met != dd.reject_h0:
                others.append("design rule")
            if others:
                verb = "ask" if len(others) > 1 else "asks"
                null = "under H0" if self.p0 is None else f"if the true rate were p0 = {self.p0:.10g}"
                out.append(f"Why the criterion and the {' and the '.join(others)} differ: they answer different "
                           f"questions. The criterion compares the observed rate with {t.threshold:.10g}, a rate you "
                           f"chose; the {' and the '.join(others)} {verb} whether {self.x} or more responses of "
                           f"{self.n} would be rare {null} (a test of H0), so an observed rate below "
                           f"{t.threshold:.10g} can reject H0 and one above it need not.")
        return out

    def summary(self, data=None, criterion=None):
        """The findings in sentences: the estimate, the intervals, then every verdict (see :meth:`verdicts`)."""
        t = self.threshold
        out = [f"{self.x}/{self.n} responded ({100 * self.estimate:.1f}%)."]
        for i, ci in enumerate(self.intervals):
            where = "" if t is None else (f" ({'contains' if t.inside_ci[i] else 'excludes'} "
                                          f"{100 * t.threshold:.10g}%)")
            out.append(f"{100 * ci.confidence_level:.10g}% {_method_name(ci.method)} CI "
                       f"{100 * ci.low:.1f}-{100 * ci.high:.1f}%{where}.")
        if t is not None:
            frac = f" (= {t.prob_at_most_x_fraction})" if t.prob_at_most_x_fraction else ""
            out.append(f"If the true rate were {100 * t.threshold:.10g}%: P(X <= {self.x}) "
                       f"{_eq(t.prob_at_most_x)}{frac}, P(X >= {self.x}) {_eq(t.prob_at_least_x)}, exact "
                       f"two-sided p {_eq(t.pvalue_two_sided)}.")
        return out + self.verdicts(data, criterion)

    def to_dict(self):
        return _plain({
            "x": self.x, "n": self.n, "estimate": self.estimate, "ci_method": self.ci_method,
            "intervals": [ci.to_dict() for ci in self.intervals],
            "threshold": None if self.threshold is None else dict(vars(self.threshold)),
            "prior": list(self.prior), "p0": self.p0, "p1": self.p1, "pvalue_vs_p0": self.pvalue_vs_p0,
            "alpha": self.alpha, "p0_boundary": self.p0_boundary, "test_rejects": self.test_rejects,
            "design": None if self.design is None else dict(vars(self.design)),
            "convention": "threshold met if x/n >= threshold; exact test rejects H0 if P(X >= x | p0) <= alpha; "
                          "designs: reject H0 if X > r (two-stage: stop if X1 <= r1, succeed if X1 + X2 > r)",
        })

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([ci.to_dict() for ci in self.intervals])


def _method_name(method):
    from .present.texts import METHOD_NAMES

    return METHOD_NAMES.get(method, method)


def _eq(value):
    """``"= 0.0530"`` or ``"< 0.0001"`` (:func:`phase2design.present.render.equals`)."""
    from .present.render import equals

    return equals(float(value), 4)


def _prob(value):
    """A probability in a sentence, as the tables print it (:func:`phase2design.present.render.fmt`, 4 decimals)."""
    from .present.render import fmt

    return fmt(float(value), 4)


def _at_most(value, bound, exact_value):
    """``value <= bound`` for doubles, re-decided exactly when within 1e-9 relative of a tie.

    ``exact_value`` is a callable giving the value as a Fraction; ``bound`` is read as the decimal it was
    typed as (0.05 is 1/20).
    """
    if abs(value - bound) > 1e-9 * abs(bound):
        return value <= bound
    return exact_value() <= exact_decimal(bound)


def _design_decision(design, x, n, p0=None, p1=None, alpha=0.05):
    parsed = design.simple_form("evaluate")
    kind, values = parsed
    attained = power = exceeds = None
    if p0 is not None:
        from .engine.exact import exact_oc
        from .engine.oc import design_oc

        oc = design_oc(design, [p0] if p1 is None else [p0, p1])
        attained = float(oc.reject[0])
        power = None if p1 is None else float(oc.reject[1])
        exceeds = not _at_most(attained, alpha, lambda: exact_oc(design, exact_decimal(p0))["reject"])
    extra = {"attained_alpha": attained, "power": power, "exceeds_alpha": exceeds}
    if kind == "single":
        r, nd = values
        if n != nd:
            raise ValueError(f"n must equal the design's n to apply its rule, got n={n} for design {r}/{nd}")
        reject = x > r
        label = f"{r}/{nd}"
        text = (f"{x} > {r}: declare the drug promising (reject H0)." if reject else
                f"{x} <= {r}: not promising (H0 not rejected); at least {r + 1} of {nd} were needed.")
        return DesignDecision(label, "single-stage", r + 1, "succeeded" if reject else "failed", reject, text,
                              **extra)
    r1, n1, r, nd = values
    label = f"{r1}/{n1}, {r}/{nd}"
    extra.update(r1=r1, n1=n1)
    if n == n1:
        if x <= r1:
            return DesignDecision(label, "two-stage", r1 + 1, "stopped_at_stage1", False,
                                  f"{x} <= {r1} after {n1} patients: stop at stage 1 (not promising); "
                                  f"at least {r1 + 1} were needed to continue.", **extra)
        return DesignDecision(label, "two-stage", r1 + 1, "continue", False,
                              f"{x} > {r1} after {n1} patients: continue to stage 2 ({nd - n1} more patients); "
                              f"at least {r + 1} of {nd} in total will be needed.", **extra)
    if n == nd:
        reject = x > r
        text = (f"continued to stage 2; {x} > {r} of {nd}: declare the drug promising (reject H0)." if reject else
                f"continued to stage 2; {x} <= {r} of {nd}: not promising; at least {r + 1} were needed.")
        return DesignDecision(label, "two-stage", r + 1, "continued_succeeded" if reject else "continued_failed",
                              reject, text, **extra)
    raise ValueError(f"n must be the design's n1 ({n1}) or n ({nd}) to apply its rule, got n={n}; "
                     f"for stage-wise data use 'analyze'")


def evaluate(x, n, threshold=None, *, p0=None, p1=None, design=None, confidence_level=(0.90, 0.95),
             ci_method="clopper-pearson", prior=(0.5, 0.5), alpha=0.05):
    """Exact evaluation of ``x`` responses in ``n`` patients, against a threshold rate if one is given.

    Parameters
    ----------
    x, n : int
        Responses and patients, ``0 <= x <= n``.
    threshold : float, optional
        A criterion the user gave, a rate in (0, 1); met if ``x / n >= threshold``.  Without it no
        criterion is judged (the intervals, the distribution and the test against ``p0`` remain).
    p0 : float, optional
        Uninteresting rate: adds the exact one-sided test of H0: p <= p0 at level ``alpha``, whose
        p-value is ``P(X >= x | p0)``, the smallest count it rejects from, and (with a design) the
        design rule's own exact type I error at p0.
    p1 : float, optional
        Rate worth pursuing: adds the design rule's power at p1 (it is not a criterion).
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
        One-sided level of the exact test against ``p0`` (default 0.05).

    Returns
    -------
    Evaluation

    Notes
    -----
    ``P(X <= x | p = t) = sum_{k <= x} C(n, k) t^k (1 - t)^(n - k)`` is also
    computed in exact rational arithmetic from the decimal typed for ``t``
    (0.5 is 1/2), which gives the count form ``130/512`` for 3/9 at 50%.

    The test rejects iff ``P(X >= x | p0) <= alpha``, i.e. iff ``x`` is at least
    the boundary ``k*`` (the smallest ``k`` with ``P(X >= k | p0) <= alpha``).  A
    design rule ``r/n`` rejects iff ``x > r``; the two agree for every ``x``
    exactly when ``r + 1 = k*``.  When the rule's own type I error
    ``P(X > r | p0)`` exceeds ``alpha`` the rule rejects for some counts the
    level-``alpha`` test does not, and the output says so.  Comparisons with
    ``alpha`` within 1e-9 relative of a tie are decided in exact rational
    arithmetic (``alpha`` and ``p0`` taken as the decimals typed).

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
    if p1 is not None:
        p1 = check_rate("p1", _unsigned(p1))
    parsed = None if design is None else Design.parse(design)
    if parsed is not None:
        parsed.simple_form("evaluate")

    intervals = tuple(proportion_ci(x, n, c, method=ci_method) for c in levels)
    comparison = None
    if threshold is not None:
        # -0.0 typed as "-0" is made 0.0 first, so that no message quotes "-0.0"
        threshold = check_rate("threshold", _unsigned(threshold))
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
    pvalue_vs_p0 = p0_boundary = rejects = None
    if p0 is not None:
        pvalue_vs_p0 = binom_pvalue(x, n, p0, "greater")
        _, _, sf = K._binom_tables(n, p0)
        # P(X >= k) = sf[k - 1], non-increasing in k: the smallest k at level alpha (n + 1: no count
        # suffices) is where sf crosses alpha; only the counts next to the crossing can be a rounding tie,
        # and those are re-decided in exact arithmetic (up to n = 1000, where the Fraction sums stay fast)
        hits = np.flatnonzero(sf[:n] <= alpha)
        p0_boundary = int(hits[0]) + 1 if hits.size else n + 1
        if n <= 1000:
            p_exact = exact_decimal(p0)
            first = p0_boundary
            for k in (first - 1, first):
                if 1 <= k <= n and _at_most(float(sf[k - 1]), alpha, lambda k=k: _exact_tail(k, n, p_exact, False)):
                    p0_boundary = k
                    break
            else:
                if first <= n:  # the float tail was at most alpha only by rounding
                    p0_boundary = first + 1
        # P(X >= k) decreases in k, so the test rejects exactly from the boundary on
        rejects = x >= p0_boundary
    decision = None if parsed is None else _design_decision(parsed, x, n, p0=p0, p1=p1, alpha=alpha)
    return Evaluation(
        x=x, n=n, estimate=x / n, ci_method=ci_method, intervals=intervals, threshold=comparison,
        prior=prior, p0=p0, pvalue_vs_p0=pvalue_vs_p0, alpha=alpha,
        p0_boundary=p0_boundary, design=decision, p1=p1, test_rejects=rejects)

"""Bayesian monitoring: posterior and predictive probabilities, rules, their exact OC, search and analysis.

The library's entry points for Bayesian single-arm rules (Lee & Liu 2008; Thall & Simon 1994):

* :func:`posterior_probability` -- ``P(p > rate | x of n)`` under a Beta or beta-mixture prior;
* :func:`predictive_probability` -- the predictive probability that a trial continued to ``nmax`` ends
  with ``P(p > p0 | data)`` reaching ``theta_T``, with the table of future outcomes;
* :func:`monitoring_rule` -- the cut-offs in responses at every look and the rule as a multi-stage design
  (its exact OC via ``rule.oc(p)`` / ``rule.evaluate(p0, p1)``);
* :func:`bayes_design` -- the search for optimal and minimax designs meeting alpha and power exactly;
* :func:`analyze_rule` -- the engine's frequentist inference after a trial run to such a rule.

Every probability is an exact finite sum (beta-binomial terms) or a regularised incomplete beta
function in double precision; nothing is simulated.  Both equality conventions are available
(``equality="strict"``, the default, or ``"inclusive"``; see :mod:`phase2design.engine.bayes`).
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from ._validation import check_int, check_probability, check_rate
from .engine import bayes as EB
from .families.bayes import (BayesianDesign, Look, MonitoringRule, bayes_design, look_schedule,  # noqa: F401
                             monitoring_rule)  # re-exported: the library's Bayesian entry points
from .results import _frame, _plain


def _patients(k):
    return "1 patient" if k == 1 else f"{k} patients"

__all__ = ["posterior_probability", "predictive_probability", "PredictiveProbability", "monitoring_rule",
           "MonitoringRule", "bayes_design", "BayesianDesign", "analyze_rule", "RuleAnalysis", "look_schedule", "Look"]


def _check_data(x, n, nmax=None):
    n = check_int("n", n, minimum=0, maximum=5000)
    x = check_int("x", x, minimum=0)
    if x > n:
        raise ValueError(f"x must lie between 0 and n={n} (responses among n patients), got x={x}")
    if nmax is not None:
        nmax = check_int("nmax", nmax, minimum=1, maximum=5000)
        if nmax < n:
            raise ValueError(f"nmax must be at least n={n} (the planned maximum includes the patients seen), "
                             f"got nmax={nmax}")
    return x, n, nmax


def posterior_probability(x, n, rate, prior=None):
    """``P(p > rate | x responses in n patients)`` under a Beta or beta-mixture prior.

    .. math::

        P(p > q \\mid x) = \\sum_k w_k(x) \\{1 - I_q(a_k + x, b_k + n - x)\\},\\qquad
        w_k(x) \\propto w_k \\frac{B(a_k + x, b_k + n - x)}{B(a_k, b_k)}.

    Parameters
    ----------
    x, n : int
    rate : float in [0, 1]
    prior : None, "uniform", "jeffreys", (a, b) or list of (weight, a, b)
        Default ``Beta(rate, 1 - rate)`` (mean ``rate``, worth one patient).

    Examples
    --------
    >>> round(posterior_probability(16, 23, 0.6, prior=(0.6, 0.4)), 7)   # phase1b's test value 0.8359808
    0.8359808
    """
    x, n, _ = _check_data(x, n)
    rate = check_rate("rate", rate, closed=True)
    pr = EB.mixture_prior(prior, rate if prior is None else None)
    return float(EB.posterior_tail(pr, n, rate, [x])[0])


@dataclass(frozen=True)
class PredictiveProbability:
    """The predictive probability of success of a trial continued from ``x/n`` to ``nmax`` patients.

    Attributes
    ----------
    x, n, nmax : int
    p0, theta_t : float
    prior : tuple of (weight, a, b)
    equality : str
    predictive_probability : float
        ``PP = P(S_nmax > r | x, n) = sum_y P(Y = y | x) 1[P(p > p0 | x + y, nmax) reaches theta_T]``.
    posterior_now : float
        ``P(p > p0 | x, n)``.
    r : int
        Largest final total that is not a success (success iff at least ``r + 1`` of ``nmax``).
    needed : int or None
        Responses still needed among the ``nmax - n`` to come (0: success is certain; None: impossible).
    future : tuple of (y, total, P(Y = y | x), P(p > p0 | total, nmax), success)
    """

    x: int
    n: int
    nmax: int
    p0: float
    theta_t: float
    prior: Tuple[Tuple[float, float, float], ...]
    equality: str
    predictive_probability: float
    posterior_now: float
    r: int
    needed: Optional[int]
    future: Tuple[Tuple[int, int, float, float, bool], ...]

    def prior_text(self):
        return EB.prior_text(self.prior)

    def criterion(self):
        ge = ">=" if self.equality == "inclusive" else ">"
        return f"P(p > {self.p0:.10g} | data at {self.nmax} patients) {ge} {self.theta_t:.10g}"

    def words(self):
        m = self.nmax - self.n
        if self.needed is None:
            return (f"success needs at least {self.r + 1} responses of {self.nmax}: out of reach with {m} patients "
                    f"to come, so PP = 0")
        if self.needed == 0:
            return f"success needs at least {self.r + 1} responses of {self.nmax}: already reached, so PP = 1"
        return (f"success needs at least {self.r + 1} responses of {self.nmax}, i.e. at least {self.needed} of the "
                f"{m} patients still to come")

    def rows(self):
        return [{"y": y, "total": t, "prob_y": p, "posterior_at_end": q, "success": s}
                for y, t, p, q, s in self.future]

    def to_dict(self):
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "future"}
        d["prior"] = [list(c) for c in self.prior]
        d["prior_text"] = self.prior_text()
        d["criterion"] = self.criterion()
        d["rule"] = self.words()
        d["future"] = self.rows()
        return _plain(d)

    def to_frame(self):
        return _frame(self.rows())


def predictive_probability(x, n, nmax, p0, theta_t, prior=None, equality="strict"):
    """Predictive probability that a trial at ``x/n``, continued to ``nmax`` patients, ends in success.

    Success at the end means ``P(p > p0 | data) > theta_t`` (``equality="strict"``, as Lee & Liu 2008) or
    ``>= theta_t`` (``"inclusive"``, as R ph2bayes).  The posterior probability increases with the final
    total, so success is ``S_nmax > r`` and

    .. math::

        PP = \\sum_{y=0}^{m} P(Y = y \\mid x)\\, 1[x + y > r] = P(Y \\ge r + 1 - x \\mid x),

    where ``Y``, the responses among the ``m = nmax - n`` patients to come, is beta-binomial (a mixture of
    them for a mixture prior).  The tail is a compensated sum of exact terms, no simulation.

    Examples
    --------
    >>> res = predictive_probability(16, 23, 40, 0.6, 0.9, prior=(0.6, 0.4))   # Lee & Liu (2008)
    >>> round(res.predictive_probability, 4)
    0.5656
    """
    x, n, nmax = _check_data(x, n, nmax)
    p0 = check_rate("p0", p0)
    theta_t = EB.check_threshold("theta_t", theta_t)
    equality = EB.check_equality(equality)
    pr = EB.mixture_prior(prior, p0)
    r, post = EB.final_cut(pr, nmax, p0, theta_t, equality)
    T = EB.predictive_tails(pr, n, nmax)
    pp = float(T[x, r + 1]) if r + 1 <= nmax + 1 else 0.0
    m = nmax - n
    pmf = EB.predictive_pmf(pr, x, n, nmax)
    success = EB.reaches(post, theta_t, equality)
    future = tuple((y, x + y, float(pmf[y]), float(post[x + y]), bool(success[x + y])) for y in range(m + 1))
    need = r + 1 - x
    needed = None if need > m else max(need, 0)
    return PredictiveProbability(x=x, n=n, nmax=nmax, p0=p0, theta_t=theta_t, prior=pr, equality=equality,
                                 predictive_probability=pp,
                                 posterior_now=float(EB.posterior_tail(pr, n, p0, [x])[0]), r=r, needed=needed,
                                 future=future)


@dataclass(frozen=True)
class RuleAnalysis:
    """Frequentist inference after a trial run to a Bayesian rule (stage-wise ordering of its design).

    The p-value, intervals and estimates are computed on the sample space of the rule's multi-stage
    design: frequentist summaries of a Bayesian rule, valid whatever the prior, given the rule was followed.
    """

    rule: MonitoringRule
    s: int
    n: int
    stage: int
    stopped_for: str
    promising: bool
    decision: str
    posterior: float
    p0: float
    confidence_level: float
    pvalue: float
    pvalue_midp: float
    ci_lower: float
    ci_upper: float
    ci_midp_lower: float
    ci_midp_upper: float
    umvue: float
    median_unbiased: float
    median_unbiased_midp: float
    naive_estimate: float
    ordering: str = "stage-wise (Jennison & Turnbull 2000, section 8.4)"
    statement: str = ("frequentist summaries of a Bayesian rule: exact p-value, intervals and estimates on the "
                      "sample space of the rule's design (stage-wise ordering), valid whatever the prior")

    def to_dict(self):
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "rule"}
        d["design"] = self.rule.design.label()
        d["rule"] = self.rule.bayes_words()
        return _plain(d)

    def to_frame(self):
        return _frame([self.to_dict()])


def analyze_rule(rule, s, n, *, confidence_level=0.95):
    """The rule's decision and exact frequentist inference after the trial ended with ``s`` of ``n``.

    Parameters
    ----------
    rule : MonitoringRule
    s, n : int
        The trial ended at the look after ``n`` patients (a look where the rule stopped it, or ``nmax``)
        with ``s`` responses in all.
    confidence_level : float
        Two-sided level of the intervals.

    Returns
    -------
    RuleAnalysis
        The p-value is ``P_p0(T >= t)`` on the stage-wise ordering of the rule's design.
    """
    from .engine.inference import stagewise_estimates

    if not isinstance(rule, MonitoringRule):
        raise TypeError(f"rule must be a MonitoringRule (from monitoring_rule), got {type(rule).__name__}")
    s, n, _ = _check_data(s, n)
    level = check_probability("confidence_level", confidence_level)
    d = rule.design
    if n not in d.n:
        why = ("it is not one of the looks " + ", ".join(str(v) for v in rule.looks)) if n not in rule.looks else \
            "no count that can reach that look stops there"
        raise ValueError(f"n must be a look at which the rule can end the trial; the rule cannot stop after {n} "
                         f"patients ({why}), got n={n}")
    stage = d.n.index(n) + 1
    J = d.stages
    lo, hi = d.reachable()[stage - 1]
    if not lo <= s <= hi:
        raise ValueError(f"s must lie between {lo} and {hi}: only those totals can reach the look after {n} "
                         f"patients under the rule, got s={s}")
    if stage == J:
        why = "final"
    elif s <= d.futility[stage - 1]:
        why = "futility"
    elif d.efficacy[stage - 1] is not None and s > d.efficacy[stage - 1]:
        why = "efficacy"
    else:
        raise ValueError(f"the rule does not stop after {_patients(n)} with {s} responses (it continues while "
                         f"{d.futility[stage - 1]} < S <= {d.upper(stage - 1)}), got s={s}")
    promising = why == "efficacy" or (why == "final" and s > d.r)
    est = stagewise_estimates(d, stage, s, rule.p0, level)
    est.pop("t")
    post = float(EB.posterior_tail(rule.prior, n, rule.p0, [s])[0])
    if why == "futility":
        words = f"stopped for futility after {_patients(n)} with {s} responses: not promising by the rule"
    elif why == "efficacy":
        words = f"stopped for efficacy after {_patients(n)} with {s} responses: promising by the rule"
    else:
        words = (f"ran to {n} patients with {s} responses: " + ("promising" if promising else "not promising")
                 + f" by the rule (promising with at least {d.r + 1})")
    return RuleAnalysis(rule=rule, s=s, n=n, stage=stage, stopped_for=why, promising=promising, decision=words,
                        posterior=post, p0=rule.p0, confidence_level=level, **est)


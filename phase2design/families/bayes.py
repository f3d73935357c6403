"""Bayesian monitoring designs with exact frequentist operating characteristics.

Two families of rules for a single arm monitored at looks ``n_1 < ... < n_J = N_max`` against a fixed
``p0``, with a Beta or beta-mixture prior (see :mod:`phase2design.engine.bayes` for the probabilities and
the two equality conventions):

* ``"predictive"`` (Lee & Liu 2008): at a look before the last, stop for futility if the predictive
  probability ``PP`` that the trial, run to ``N_max``, ends in success is below ``theta_L``, and (if
  wanted) stop for efficacy if it exceeds ``theta_U``; at ``N_max`` the trial is a success if
  ``P(p > p0 | data)`` reaches ``theta_T``.
* ``"posterior"`` (Thall & Simon 1994, single arm against a fixed ``p0``): at a look before the last,
  stop for futility if ``P(p > p_F | data) < theta_L`` (``p_F``, the futility rate, is ``p1`` by default:
  the drug is unlikely to reach the rate worth pursuing), stop for efficacy if ``P(p > p0 | data) >
  theta_U``; at ``N_max`` success as above.

Each rule is a multi-stage :class:`~phase2design.engine.design.Design` (the probabilities are
non-decreasing in the number of responses), so its type I error, power, stopping probabilities and the
distribution of the sample size are exact sums of the engine.  :func:`bayes_design` searches ``N_max``
and the thresholds for the designs that meet alpha and power exactly, as Lee & Liu (2008) did, over
exactly the finitely many threshold values at which a boundary changes.

References
----------
Lee JJ, Liu DD (2008). A predictive probability design for phase II cancer clinical trials. Clinical
Trials 5:93-106.
Thall PF, Simon R (1994). Practical Bayesian guidelines for phase IIB clinical trials. Biometrics
50:337-349.
"""

import math
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_CEILING, Decimal
from typing import Optional, Tuple

import numpy as np

from .._validation import N_LIMIT, check_choice, check_int, check_rate, check_rates_ordered
from ..engine import bayes as EB
from ..engine.design import Design
from ..engine.oc import NoFeasibleDesignError, _check_errors, design_oc
from ..results import MultiStageDesign, MultiStageResult, _frame, _plain
from .base import Family

__all__ = ["MonitoringRule", "Look", "BayesianDesign", "monitoring_rule", "look_schedule", "bayes_design",
           "PredictiveFamily", "PosteriorFamily", "MONITORING"]

MONITORING = ("predictive", "posterior")

#: Default look schedule of the families (the generic interface carries none): every 5 patients from 10.
DEFAULT_EVERY, DEFAULT_FIRST = 5, 10
#: Default threshold ranges searched (widen them with the ``*_range`` arguments).
DEFAULT_THETA_T, DEFAULT_THETA_L, DEFAULT_THETA_U = (0.8, 0.99), (0.001, 0.2), (0.9, 1.0)
#: Without ``nmax`` the search covers N_max up to this multiple of the single-stage (A'Hern) n.
DEFAULT_NMAX_FACTOR = 1.5

_REL = 1e-9   # comparisons this close (relative) to a tie are re-decided in exact arithmetic


def _patients(k):
    return "1 patient" if k == 1 else f"{k} patients"


# ---------------------------------------------------------------------------
# Looks
# ---------------------------------------------------------------------------

def look_schedule(nmax, looks=None, every=None, first=None):
    """The cumulative looks ``n_1 < ... < n_J = nmax``.

    Parameters
    ----------
    nmax : int
    looks : sequence of int, optional
        The interim looks (``nmax`` is added if missing; looks beyond ``nmax`` are refused).
    every, first : int, optional
        Instead of ``looks``: a look every ``every`` patients from ``first`` (default ``first = every``);
        ``every = 1, first = 1`` is continuous monitoring.
    """
    nmax = check_int("nmax", nmax, minimum=1, maximum=N_LIMIT)
    if looks is not None:
        if every is not None or first is not None:
            raise ValueError("give looks or every (and first), not both")
        if isinstance(looks, (str, bytes)) or not hasattr(looks, "__iter__"):
            raise TypeError(f"looks must be a list of whole numbers (cumulative patients), got {looks!r}")
        out = [check_int("looks", v, minimum=1, maximum=nmax) for v in looks]
        for a, b in zip(out, out[1:]):
            if b <= a:
                raise ValueError(f"looks must increase (cumulative patients), got {list(looks)!r}")
        if not out or out[-1] != nmax:
            out.append(nmax)
        return tuple(out)
    if every is None:
        raise ValueError("give the looks (a list) or every (a look every k patients, from first)")
    every = check_int("every", every, minimum=1, maximum=nmax)
    first = every if first is None else check_int("first", first, minimum=1, maximum=nmax)
    return tuple(range(first, nmax, every)) + (nmax,)


# ---------------------------------------------------------------------------
# One rule
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    """One row of the table of looks.

    ``futility``: stop (not promising) if ``S <= futility`` (-1: no futility stop possible);
    ``efficacy``: stop (promising) if ``S >= efficacy`` (None: none).  At the last look ``futility`` is
    ``r`` and ``efficacy`` is ``r + 1``: promising iff ``S >= r + 1``.  ``futility_prob`` and
    ``efficacy_prob`` are the monitored probabilities at those counts; ``status`` says whether the look
    can stop at all given the earlier stops (``"cannot stop"`` looks are left out of the design).
    """

    n: int
    futility: int
    efficacy: Optional[int]
    futility_prob: Optional[float]
    efficacy_prob: Optional[float]
    status: str

    def words(self):
        if self.status == "final":
            return (f"after {_patients(self.n)}: promising (success) if at least {self.futility + 1} "
                    f"responded, not promising if {self.futility} or fewer")
        bits = []
        if self.futility >= 0:
            bits.append(f"stop (not promising) if {self.futility} or fewer responded" if self.futility else
                        "stop (not promising) if none responded")
        if self.efficacy is not None:
            bits.append(f"stop (promising) if {self.efficacy} or more responded")
        text = "; ".join(bits) if bits else "continue whatever the count"
        if self.status == "cannot stop":
            text += " (no count that can reach this look stops: the look changes nothing)"
        elif self.status == "not reached":
            text += " (never reached: an earlier look always stops)"
        elif self.status == "ends":
            text += " (every count that reaches this look stops)"
        return f"after {_patients(self.n)}: {text}"


@dataclass(frozen=True)
class MonitoringRule:
    """A Bayesian monitoring rule, its cut-offs at every look and its multi-stage design.

    Attributes
    ----------
    monitoring : {"predictive", "posterior"}
    p0 : float
        Null response rate: success at the end iff ``P(p > p0 | data)`` reaches ``theta_t``.
    futility_rate : float or None
        Posterior monitoring: futility stop iff ``P(p > futility_rate | data) < theta_l``.
    nmax : int
    looks : tuple of int
    prior : tuple of (weight, a, b)
    theta_t, theta_l, theta_u : float or None
    equality : {"strict", "inclusive"}
    r : int
        Final bound: success iff ``S_Nmax > r``.
    table : tuple of Look
    design : Design
        The rule as a design of the multi-stage model (looks that cannot stop left out).
    notes : tuple of str
    """

    monitoring: str
    p0: float
    futility_rate: Optional[float]
    nmax: int
    looks: Tuple[int, ...]
    prior: Tuple[Tuple[float, float, float], ...]
    theta_t: float
    theta_l: Optional[float]
    theta_u: Optional[float]
    equality: str
    r: int
    table: Tuple[Look, ...]
    design: Design
    notes: Tuple[str, ...] = ()

    def prior_text(self):
        return EB.prior_text(self.prior)

    def comparison_text(self):
        if self.equality == "inclusive":
            return ("equality convention 'inclusive' (as R ph2bayes): a probability equal to a threshold crosses "
                    "it (>= theta_T, <= theta_L, >= theta_U)")
        return ("equality convention 'strict' (as Lee & Liu 2008, MD Anderson's program, phase1b): a probability "
                "must pass a threshold strictly (> theta_T, < theta_L, > theta_U)")

    def bayes_words(self):
        """The Bayesian rule in words, with the prior and the equality convention."""
        ge = ">=" if self.equality == "inclusive" else ">"
        le = "<=" if self.equality == "inclusive" else "<"
        final = f"at {self.nmax} patients the trial is a success if P(p > {self.p0:.10g} | data) {ge} {self.theta_t:.10g}"
        parts = []
        if self.monitoring == "predictive":
            if self.theta_l is not None:
                parts.append(f"stop for futility if the predictive probability of success PP {le} {self.theta_l:.10g}")
            if self.theta_u is not None:
                parts.append(f"stop for efficacy if PP {ge} {self.theta_u:.10g}")
        else:
            if self.theta_l is not None:
                parts.append(f"stop for futility if P(p > {self.futility_rate:.10g} | data) {le} {self.theta_l:.10g}")
            if self.theta_u is not None:
                parts.append(f"stop for efficacy if P(p > {self.p0:.10g} | data) {ge} {self.theta_u:.10g}")
        interim = self.looks[:-1]
        where = ("at the looks after " + ", ".join(str(n) for n in interim) + " patients") if interim else ""
        head = (f"{where}: " + "; ".join(parts) + "; " if parts and interim else "")
        return f"Prior {self.prior_text()}; {head}{final} ({self.comparison_text()})."

    def words(self):
        """The cut-offs in responses, look by look (phase2design's convention, every boundary stated)."""
        return [look.words() for look in self.table]

    def rows(self):
        return [{"n": lk.n, "futility_stop_if_at_most": lk.futility if lk.futility >= 0 else None,
                 "efficacy_stop_if_at_least": lk.efficacy, "futility_prob": lk.futility_prob,
                 "efficacy_prob": lk.efficacy_prob, "status": lk.status} for lk in self.table]

    def oc(self, p):
        """Exact OC of the rule at each rate in ``p`` (:func:`phase2design.engine.oc.design_oc`)."""
        return design_oc(self.design, p)

    def evaluate(self, p0, p1, **extra):
        """The rule as a :class:`BayesianDesign` with its exact OC at ``p0`` and ``p1``."""
        return BayesianDesign.evaluate(self.design, p0, p1, **self._bayes_fields(), **extra)

    def _bayes_fields(self):
        return dict(monitoring=self.monitoring, looks=self.looks, prior=self.prior, theta_t=self.theta_t,
                    theta_l=self.theta_l, theta_u=self.theta_u, equality=self.equality,
                    futility_rate=self.futility_rate, bayes_rule=self.bayes_words(), looks_table=self.table)

    def to_dict(self):
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("table", "design")}
        d["prior"] = [list(c) for c in self.prior]
        d["prior_text"] = self.prior_text()
        d["rule_bayes"] = self.bayes_words()
        d["looks_table"] = self.rows()
        d["design"] = self.design.label()
        d["rule"] = self.design.rule()
        return _plain(d)

    def to_frame(self):
        return _frame(self.rows())


def _look_values(monitoring, prior, looks, nmax, p0, fut_rate, r):
    """For each look before the last: (futility values, efficacy values) over x = 0..n_j."""
    if monitoring == "predictive":
        return [(v, v) for v in EB.predictive_at_looks(prior, looks[:-1], nmax, r)]
    return [(EB.posterior_tail(prior, n, fut_rate), EB.posterior_tail(prior, n, p0)) for n in looks[:-1]]


def _check_common(p0, monitoring, equality, prior, p1, futility_rate):
    monitoring = check_choice("monitoring", monitoring, MONITORING)
    equality = EB.check_equality(equality)
    p0 = check_rate("p0", p0)
    if p1 is not None:
        p1 = check_rate("p1", p1)
        if not p0 < p1:
            raise ValueError(f"p0 must be smaller than p1, got p0={p0!r} and p1={p1!r}")
    prior = EB.mixture_prior(prior, p0)
    fut_rate = None
    if monitoring == "posterior":
        fut_rate = check_rate("futility_rate", futility_rate) if futility_rate is not None else (
            p1 if p1 is not None else p0)
    elif futility_rate is not None:
        raise ValueError("futility_rate applies to posterior monitoring only (predictive monitoring stops on the "
                         "predictive probability of success)")
    return p0, monitoring, equality, prior, p1, fut_rate


def monitoring_rule(p0, *, nmax, theta_t, theta_l=None, theta_u=None, looks=None, every=None, first=None,
                    prior=None, monitoring="predictive", equality="strict", p1=None, futility_rate=None):
    """The cut-offs of a Bayesian monitoring rule at its looks, and the rule as a design.

    Parameters
    ----------
    p0 : float
        Null rate: success at ``nmax`` iff ``P(p > p0 | data)`` reaches ``theta_t``.
    nmax : int
        Planned maximum number of patients.
    theta_t : float
        Posterior threshold of success at the end.
    theta_l, theta_u : float, optional
        Futility and efficacy thresholds at the looks before the last (None: no such stop).
        Predictive monitoring compares the predictive probability of success with them; posterior
        monitoring compares ``P(p > futility_rate | data)`` with ``theta_l`` and ``P(p > p0 | data)`` with
        ``theta_u``.
    looks, every, first
        The look schedule (:func:`look_schedule`); required.
    prior : see :func:`phase2design.engine.bayes.mixture_prior` (default ``Beta(p0, 1 - p0)``)
    monitoring : {"predictive", "posterior"}
    equality : {"strict", "inclusive"}
        How a probability equal to a threshold counts (see :mod:`phase2design.engine.bayes`).
    p1 : float, optional
        Alternative rate; for posterior monitoring the default futility rate.
    futility_rate : float, optional
        Posterior monitoring: the rate in the futility probability (default ``p1``, else ``p0``).

    Returns
    -------
    MonitoringRule

    Examples
    --------
    >>> rule = monitoring_rule(0.2, nmax=40, looks=[10, 20, 30], theta_t=0.8, theta_l=0.1, theta_u=0.9,
    ...                        prior=(1, 1))
    >>> [(lk.n, lk.futility, lk.efficacy) for lk in rule.table]
    [(10, 0, 4), (20, 2, 7), (30, 5, 9), (40, 9, 10)]
    """
    p0, monitoring, equality, prior, p1, fut_rate = _check_common(p0, monitoring, equality, prior, p1,
                                                                  futility_rate)
    schedule = look_schedule(nmax, looks, every, first)
    nmax = schedule[-1]
    theta_t = EB.check_threshold("theta_t", theta_t)
    theta_l = EB.check_threshold("theta_l", theta_l, optional=True)
    theta_u = EB.check_threshold("theta_u", theta_u, optional=True)
    if monitoring == "predictive" and theta_l is not None and theta_u is not None and not theta_l < theta_u:
        raise ValueError(f"theta_l must be smaller than theta_u (stop for futility below theta_l, for efficacy "
                         f"above theta_u), got theta_l={theta_l!r}, theta_u={theta_u!r}")
    r, post = EB.final_cut(prior, nmax, p0, theta_t, equality)
    if r < 0:
        raise ValueError(f"theta_t={theta_t!r} is so low that every outcome at {nmax} patients, even 0 responses, "
                         f"is a success (P(p > p0 | 0 of {nmax}) = {post[0]:.6g}); raise theta_t")
    if r >= nmax:
        raise ValueError(f"theta_t={theta_t!r} is never reached at {nmax} patients (P(p > p0 | {nmax} of {nmax}) = "
                         f"{post[-1]:.6g}); lower theta_t or raise nmax")
    notes = []
    if EB.near_threshold(post, theta_t):
        notes.append(f"a posterior probability at {nmax} patients lies within {EB.NEAR:g} of theta_t: the final "
                     f"cut-off depends on rounding; move theta_t slightly")
    values = _look_values(monitoring, prior, schedule, nmax, p0, fut_rate, r)
    fut, eff = [], []
    for j, (fv, ev) in enumerate(values):
        a = EB.stops_below(fv, theta_l, equality) if theta_l is not None else -1
        top = EB.stops_above(ev, theta_u, equality) if theta_u is not None else None
        if top is not None and top <= a:
            raise ValueError(f"at the look after {_patients(schedule[j])} {top} to {a} responses would stop both for "
                             f"futility and for efficacy; choose theta_l and theta_u that separate them")
        for name, th, vals in (("theta_l", theta_l, fv), ("theta_u", theta_u, ev)):
            if th is not None and EB.near_threshold(vals, th):
                notes.append(f"at the look after {_patients(schedule[j])} a monitored probability lies within "
                             f"{EB.NEAR:g} of {name}: that cut-off depends on rounding; move {name} slightly")
        fut.append(a)
        eff.append(top)
    design, status = EB.rule_design(schedule, fut, eff, r)
    table = []
    for j, n in enumerate(schedule):
        if j == len(schedule) - 1:
            table.append(Look(n, r, r + 1, float(post[r]), float(post[r + 1]), status[j]))
            continue
        fv, ev = values[j]
        table.append(Look(n, fut[j], eff[j], float(fv[fut[j]]) if fut[j] >= 0 else None,
                          float(ev[eff[j]]) if eff[j] is not None else None, status[j]))
    return MonitoringRule(monitoring=monitoring, p0=p0, futility_rate=fut_rate, nmax=nmax, looks=schedule,
                          prior=prior, theta_t=theta_t, theta_l=theta_l, theta_u=theta_u, equality=equality,
                          r=r, table=tuple(table), design=design, notes=tuple(dict.fromkeys(notes)))


# ---------------------------------------------------------------------------
# The result type: a multi-stage design with its Bayesian rule
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BayesianDesign(MultiStageDesign):
    """A :class:`~phase2design.results.MultiStageDesign` that is a Bayesian monitoring rule.

    Extra attributes: ``monitoring``, ``looks``, ``prior``, ``theta_t``, ``theta_l``, ``theta_u`` (the
    thresholds the rule states; None: no such stop), ``theta_intervals`` (for designs found by the
    search: every threshold in these ranges gives the same boundaries, as ``(name, range text)``),
    ``equality``, ``futility_rate``, ``bayes_rule`` (the rule in words) and ``looks_table``.
    """

    monitoring: str = ""
    looks: Tuple[int, ...] = ()
    prior: Tuple[Tuple[float, float, float], ...] = ()
    theta_t: Optional[float] = None
    theta_l: Optional[float] = None
    theta_u: Optional[float] = None
    theta_intervals: Tuple[Tuple[str, str], ...] = ()
    equality: str = "strict"
    futility_rate: Optional[float] = None
    bayes_rule: str = ""
    looks_table: Tuple[Look, ...] = field(default=(), repr=False)

    def rule(self):
        """The Bayesian rule, then the same rule as cut-offs in responses."""
        return f"{self.bayes_rule} As cut-offs: {self.design.rule()}"

    def protocol(self):
        """A paragraph for a protocol: the rule, the prior, the cut-offs and the exact OC."""
        method = ("a Bayesian predictive-probability rule (Lee & Liu 2008)" if self.monitoring == "predictive"
                  else "a Bayesian posterior-probability rule (after Thall & Simon 1994)")
        interim = [str(v) for v in self.looks[:-1]]
        looks = f"with interim looks after {', '.join(interim)} patients" if interim else "without interim looks"
        cuts = "; ".join(lk.words() for lk in self.looks_table)
        nominal = ""
        if self.alpha is not None:
            nominal = f" (at most {self.alpha:.10g})"
        power_nominal = f" (at least {1.0 - self.beta:.10g})" if self.beta is not None else ""
        return (f"Up to {self.n} patients will be enrolled, {looks}, and monitored with {method}. "
                f"{self.bayes_rule} In numbers of responses: {cuts}. The thresholds were chosen so that the "
                f"exact frequentist operating characteristics of this rule, computed by summing over every "
                f"possible outcome (no simulation), are: type I error {self.attained_alpha:.4f} at p = "
                f"{self.p0:.10g}{nominal} and power {self.power:.4f} at p = {self.p1:.10g}{power_nominal}; "
                f"the expected number of patients is {self.en0:.1f} at p = {self.p0:.10g} (probability of "
                f"stopping early {self.pet0:.3f}) and {self.en1:.1f} at p = {self.p1:.10g}.")

    def thresholds_text(self):
        bits = [f"theta_T = {self.theta_t:.10g}"]
        bits.append("theta_L = " + (f"{self.theta_l:.10g}" if self.theta_l is not None else "none"))
        if self.theta_u is not None or self.monitoring:
            bits.append("theta_U = " + (f"{self.theta_u:.10g}" if self.theta_u is not None else "none"))
        return ", ".join(bits)

    def to_dict(self):
        d = MultiStageDesign.to_dict(self)
        for k in ("looks_table", "theta_intervals"):
            d.pop(k, None)
        d["prior"] = [list(c) for c in self.prior]
        d["prior_text"] = EB.prior_text(self.prior) if self.prior else ""
        d["theta_intervals"] = {name: text for name, text in self.theta_intervals}
        d["looks_table"] = [{"n": lk.n, "futility_stop_if_at_most": lk.futility if lk.futility >= 0 else None,
                             "efficacy_stop_if_at_least": lk.efficacy, "status": lk.status}
                            for lk in self.looks_table]
        d["rule_boundaries"] = self.design.rule()
        d["rule"] = self.rule()
        return _plain(d)


# ---------------------------------------------------------------------------
# Threshold breakpoints
# ---------------------------------------------------------------------------

def _simplest_between(lo, lo_open, hi, hi_open):
    """The decimal with fewest digits in the interval (lo, hi) (ends open or closed), or None if empty."""
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return None
    dlo, dhi = Decimal(lo), Decimal(hi)
    for digits in range(1, 18):
        q = Decimal(1).scaleb(-digits)
        c = (dlo / q).to_integral_value(rounding=ROUND_CEILING) * q
        if lo_open and c == dlo:
            c += q
        if c < dhi or (c == dhi and not hi_open):
            v = float(c)
            if (v > lo or (v == lo and not lo_open)) and (v < hi or (v == hi and not hi_open)):
                return v
    mid = (lo + hi) / 2.0
    return mid if lo < mid < hi else None


def _interval_text(lo, hi, lo_open, hi_open):
    return f"{'(' if lo_open else '['}{lo:.6g}, {hi:.6g}{')' if hi_open else ']'}"


class _Thresholds:
    """The threshold intervals between consecutive distinct probabilities, and one value in each.

    ``values`` are the sorted distinct probabilities a threshold is compared with.  For futility,
    choice ``k`` (0..K) stops exactly the counts whose probability is at most ``values[k-1]`` (k = 0: none);
    for efficacy (``upper``), choice ``u`` stops the counts whose probability is at least
    ``values[K-u]`` (u = 0: none).  A choice is offered if its interval of thresholds meets ``rng``.
    """

    def __init__(self, values, rng, equality, upper=False):
        self.v = np.unique(np.asarray(values, dtype=float))
        self.rng = rng
        self.equality = equality
        self.upper = upper

    def __len__(self):
        return len(self.v) + 1

    def interval(self, k):
        """(lo, hi, lo_open, hi_open) of the thresholds that make choice k, in the convention."""
        v, K = self.v, len(self.v)
        incl = self.equality == "inclusive"
        if not self.upper:
            lo = -math.inf if k == 0 else v[k - 1]
            hi = math.inf if k == K else v[k]
            # strict: stop iff value < theta: theta in (v[k-1], v[k]];  inclusive: [v[k-1], v[k])
            return lo, hi, not incl, incl
        lo = -math.inf if k == K else v[K - k - 1]
        hi = math.inf if k == 0 else v[K - k]
        # strict: stop iff value > theta: theta in [v[K-k-1], v[K-k]);  inclusive: (v[K-k-1], v[K-k]]
        return lo, hi, incl, not incl

    def pick(self, k):
        """A threshold giving choice k inside the range (None if there is none), and the interval text."""
        lo, hi, lo_open, hi_open = self.interval(k)
        r_lo, r_hi = self.rng
        # a value strictly inside the interval gives the same choice in both conventions
        L, L_open = (lo, True) if lo >= r_lo else (r_lo, False)
        H, H_open = (hi, True) if hi <= r_hi else (r_hi, False)
        value = _simplest_between(L, L_open, H, H_open)
        if value is None:
            # no double strictly inside (neighbouring doubles): a closed end of the convention's interval
            L, L_open = (lo, lo_open) if lo >= r_lo else (r_lo, False)
            H, H_open = (hi, hi_open) if hi <= r_hi else (r_hi, False)
            value = _simplest_between(L, L_open, H, H_open)
        if value is None:
            return None, ""
        a = max(lo, 0.0)
        b = min(hi, 1.0)
        return value, _interval_text(a, b, lo_open and a == lo, hi_open and b == hi)

    def allowed(self):
        """The choices whose threshold interval meets the range: a contiguous run of k.

        The open interval (lo, hi) between consecutive values meets [r_lo, r_hi] iff lo < r_hi and
        hi > r_lo; with lo, hi consecutive sorted values that is a range of indices (searchsorted).
        """
        v, K = self.v, len(self.v)
        r_lo, r_hi = self.rng
        first = int(np.searchsorted(v, r_lo, side="right"))   # hi = v[i] > r_lo  (i = K: hi = inf)
        last = int(np.searchsorted(v, r_hi, side="left"))     # lo = v[i - 1] < r_hi  (i = 0: lo = -inf)
        if first > last:
            return range(0)
        return range(first, last + 1) if not self.upper else range(K - last, K - first + 1)

    def cut(self, k):
        """The probability at or below which counts stop (futility), or at or above which (efficacy)."""
        K = len(self.v)
        if not self.upper:
            return None if k == 0 else self.v[k - 1]
        return None if k == 0 else self.v[K - k]


# ---------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------

class _Evaluator:
    """Exact OC at p0 and p1 of candidate designs, cached, with near ties settled in rational arithmetic."""

    def __init__(self, p0, p1, alpha, beta):
        from .._validation import exact_decimal

        self.p0, self.p1, self.alpha, self.beta = p0, p1, alpha, beta
        self.cache = {}
        self.fr = tuple(exact_decimal(v) for v in (p0, p1, alpha, beta))
        self.near = False
        self.count = 0

    def oc(self, design):
        """(alpha_ok, power_ok, attained alpha, power, en0)."""
        hit = self.cache.get(design)
        if hit is not None:
            return hit
        from ..engine.samplespace import SampleSpace

        self.count += 1
        o = SampleSpace(design).oc_arrays([self.p0, self.p1])
        a, pw, en0 = float(o["reject"][0]), float(o["reject"][1]), float(o["en"][0])
        a_ok, p_ok = a <= self.alpha, pw >= 1.0 - self.beta
        if abs(a - self.alpha) <= _REL * self.alpha or abs(pw - (1.0 - self.beta)) <= _REL:
            from ..engine.exact import exact_oc

            fp0, fp1, fa, fb = self.fr
            a_ok = exact_oc(design, fp0)["reject"] <= fa
            p_ok = exact_oc(design, fp1)["reject"] >= 1 - fb
            self.near = True
        out = (a_ok, p_ok, a, pw, en0)
        self.cache[design] = out
        return out


def _bounds(values, cut, upper):
    """Per look: the futility bound (largest x with value <= cut) or the smallest x with value >= cut."""
    out = []
    for v in values:
        if cut is None:
            out.append(None if upper else -1)
        elif upper:
            # as engine.bayes.stops_above / stops_below decide (the same sets even if rounding broke the
            # monotonicity in x that the probabilities have exactly)
            idx = np.nonzero(v >= cut)[0]
            out.append(int(idx[0]) if len(idx) else None)
        else:
            idx = np.nonzero(v <= cut)[0]
            out.append(int(idx[-1]) if len(idx) else -1)
    return out


def _design_or_none(schedule, fut, eff, r):
    for a, top in zip(fut, eff):
        if top is not None and top <= a:
            return None
    try:
        return EB.rule_design(schedule, fut, eff, r)[0]
    except ValueError:
        return None


def _default_nrange(p0, p1, alpha, beta, schedule_first):
    from .single import _smallest_n_ump, single_stage_design

    lo = _smallest_n_ump(p0, p1, alpha, beta, n_min=1) or N_LIMIT
    try:
        n_single = single_stage_design(p0, p1, alpha, beta).design.n
    except NoFeasibleDesignError:
        n_single = N_LIMIT
    return lo, min(N_LIMIT, int(math.ceil(DEFAULT_NMAX_FACTOR * n_single)))


def bayes_design(p0, p1, alpha, beta, *, monitoring="predictive", looks=None, every=None, first=None,
                 nmax=None, nmin=None, prior=None, efficacy=False, theta_t_range=DEFAULT_THETA_T,
                 theta_l_range=DEFAULT_THETA_L, theta_u_range=DEFAULT_THETA_U, equality="strict",
                 futility_rate=None, progress=None):
    """Bayesian monitoring designs meeting alpha and power exactly: optimal (min EN0) and minimax (min N_max).

    For each ``N_max`` from ``nmin`` to ``nmax`` the rule's boundaries are step functions of ``theta_T``,
    ``theta_L`` and ``theta_U`` that change only where a threshold passes one of the finitely many
    probabilities the rule compares it with (the posterior probabilities at ``N_max`` for ``theta_T``; the
    predictive or posterior probabilities at every ``(look, x)`` for ``theta_L`` and ``theta_U``).  The
    search takes exactly one threshold from each interval between consecutive breakpoints that meets the
    allowed range, so it examines every distinct rule (see docs/methods.md, "Bayesian monitoring").

    With the final cut-off ``r`` (i.e. ``theta_T``) and ``theta_U`` fixed, raising ``theta_L`` enlarges
    every futility set, which on every path stops no later and never turns not-promising into promising:
    alpha, power and EN0 all fall.  So the best ``theta_L`` for given ``(r, theta_U)`` is the largest whose
    power still reaches ``1 - beta``, found by bisection over the breakpoints, and the design is feasible
    iff its alpha is at most ``alpha``.  Lowering ``theta_U`` raises power, so the best ``theta_L`` tends to
    move up with it and the previous answer is the first probe of the next bisection (only a probe: rules
    whose futility and efficacy sets meet are refused).  Rules that end every trial before ``N_max`` are
    left out (they are rules of a smaller size with other looks).

    Parameters
    ----------
    p0, p1, alpha, beta : float
    monitoring : {"predictive", "posterior"}
    looks, every, first
        Look schedule for every ``N_max``: a list of interim looks (those below ``N_max`` are used), or a
        look every ``every`` patients from ``first``; default every 5 from 10.
    nmax, nmin : int, optional
        Range of ``N_max`` searched.  Default ``nmin``: the smallest n at which the most powerful test of
        ``p0`` against ``p1`` reaches the power (no design with a smaller maximum can); default ``nmax``:
        1.5 times the A'Hern single-stage n, rounded up.
    prior : default ``Beta(p0, 1 - p0)``
    efficacy : bool
        Also search ``theta_U`` (efficacy stopping); by default futility stopping only (``theta_U`` none).
    theta_t_range, theta_l_range, theta_u_range : (float, float)
        Thresholds allowed (closed ranges).
    equality : {"strict", "inclusive"}
    futility_rate : float, optional
        Posterior monitoring's futility rate (default ``p1``).
    progress : callable, optional
        Called with each ``N_max`` searched.

    Returns
    -------
    MultiStageResult
        ``optimal``, ``minimax``, ``admissible`` and ``best_by_n`` are :class:`BayesianDesign` objects
        with the thresholds, the threshold intervals and the table of looks.
    """
    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    p0, monitoring, equality, prior, p1, fut_rate = _check_common(p0, monitoring, equality, prior, p1,
                                                                  futility_rate)
    ranges = {}
    for name, rng in (("theta_t_range", theta_t_range), ("theta_l_range", theta_l_range),
                      ("theta_u_range", theta_u_range)):
        try:
            lo, hi = rng
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a pair (low, high) of probabilities, got {rng!r}") from None
        lo, hi = check_rate(name, lo, closed=True), check_rate(name, hi, closed=True)
        if lo > hi:
            raise ValueError(f"{name} must have low <= high, got {rng!r}")
        ranges[name] = (lo, hi)
    if looks is None and every is None:
        every, first = DEFAULT_EVERY, DEFAULT_FIRST if first is None else first
    if looks is not None:
        looks = look_schedule(N_LIMIT, looks)[:-1]
    lo_default, hi_default = _default_nrange(p0, p1, alpha, beta, first)
    n_hi = hi_default if nmax is None else check_int("nmax", nmax, minimum=2, maximum=N_LIMIT)
    n_lo = lo_default if nmin is None else check_int("nmin", nmin, minimum=2, maximum=N_LIMIT)
    n_lo = max(n_lo, 2)
    if n_lo > n_hi:
        raise NoFeasibleDesignError(
            f"no design with N_max <= {n_hi} can meet alpha={alpha:.10g} and beta={beta:.10g} for p0={p0:.10g}, "
            f"p1={p1:.10g}: even the most powerful test needs {n_lo} patients; use nmax >= {n_lo}")
    ev = _Evaluator(p0, p1, alpha, beta)
    best = []
    near_ties = []
    for n in range(n_lo, n_hi + 1):
        if progress is not None:
            progress(n)
        if looks is not None:
            schedule = tuple(v for v in looks if v < n) + (n,)
        else:
            schedule = look_schedule(n, every=every, first=min(first, n) if first is not None else None)
        ev.near = False
        found = _best_at_n(n, schedule, monitoring, prior, p0, fut_rate, equality, ranges, efficacy, ev)
        if ev.near:
            near_ties.append(n)
        best.extend(found)
    if not best:
        raise NoFeasibleDesignError(
            f"no {monitoring} monitoring design with N_max in {n_lo}..{n_hi} meets alpha={alpha:.10g} and "
            f"beta={beta:.10g} for p0={p0:.10g}, p1={p1:.10g} with theta_T in {ranges['theta_t_range']}, "
            f"theta_L in {ranges['theta_l_range']}: raise nmax, widen the threshold ranges or relax alpha or beta")
    # a rule planned for N_max can end every trial at an earlier look (every count reaching it stops): its
    # design's largest sample size is then that look, and it competes with the designs of that size
    by_size = {}
    for c in best:
        size = c["design"].n_max
        if size not in by_size or c["en0"] < by_size[size]["en0"]:
            by_size[size] = c
    designs = [_as_design(by_size[size], p0, p1, alpha, beta, monitoring, prior, equality, fut_rate)
               for size in sorted(by_size)]
    optimal = min(designs, key=lambda d: (d.en0, d.n))
    close = [d for d in designs if d.en0 <= optimal.en0 * (1 + _REL)]
    if len(close) > 1:
        from ..engine.exact import exact_oc

        f0 = ev.fr[0]
        optimal = min(close, key=lambda d: (exact_oc(d.design, f0)["en"], d.n))
        near_ties.extend(d.n for d in close)
    minimax = designs[0]
    from .simon import _admissible

    adm = []
    for d, q_low, q_high in _admissible(designs, optimal.n):
        kind = "admissible"
        if d is minimax:
            kind = "minimax"
        if d is optimal:
            kind = "optimal" if d is not minimax else "minimax+optimal"
        adm.append(replace(d, kind=kind, q_low=q_low, q_high=q_high))
    by = {x.design: x for x in adm}
    notes = _search_notes(monitoring, schedule_text(looks, every, first), prior, equality, ranges, efficacy,
                          fut_rate, ev.count)
    return MultiStageResult(
        family=monitoring, p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax, n_searched=n_hi,
        stop_reason=f"N_max searched from {n_lo} to {n_hi}" + (" (default range)" if nmax is None else ""),
        optimal=by.get(optimal.design, replace(optimal, kind="optimal")),
        minimax=by.get(minimax.design, replace(minimax, kind="minimax")),
        admissible=tuple(adm), best_by_n=tuple(designs), near_ties=tuple(sorted(set(near_ties))),
        notes=notes)


def schedule_text(looks, every, first):
    if looks is not None:
        return "looks after " + ", ".join(str(v) for v in looks) + " patients (those below N_max) and at N_max"
    if every == 1 and (first or 1) == 1:
        return "continuous monitoring (a look after every patient)"
    return f"a look every {every} patients from {first or every}, and at N_max"


def _search_notes(monitoring, schedule, prior, equality, ranges, efficacy, fut_rate, count):
    t, l, u = ranges["theta_t_range"], ranges["theta_l_range"], ranges["theta_u_range"]
    what = ("the predictive probability of success" if monitoring == "predictive"
            else f"P(p > {fut_rate:.10g} | data) (futility) and P(p > p0 | data) (efficacy)")
    return (f"Rule: {schedule}; prior {EB.prior_text(prior)}; {equality} equality convention.",
            f"Thresholds searched: theta_T in [{t[0]:.10g}, {t[1]:.10g}], theta_L in [{l[0]:.10g}, {l[1]:.10g}]"
            + (f", theta_U in [{u[0]:.10g}, {u[1]:.10g}] or none" if efficacy else "; no efficacy stop (theta_U none)")
            + ".",
            f"The boundaries change only where a threshold passes one of the probabilities it is compared with "
            f"(the posterior probabilities at N_max for theta_T, {what} at each look and count for theta_L"
            + (" and theta_U" if efficacy else "") + "): one threshold from each interval between consecutive "
            "values covers every distinct rule, and any threshold in a design's intervals gives the same design.",
            f"{count} distinct designs evaluated exactly; alpha and power are exact frequentist OC of the rule. "
            f"Ties in EN0 at one N_max (designs that differ only in the final cut-off have the same EN0) keep the "
            f"larger final cut-off, i.e. the smaller type I error; EN0 within a relative 1e-9 is compared in "
            f"rational arithmetic.")


def _best_at_n(n, schedule, monitoring, prior, p0, fut_rate, equality, ranges, efficacy, ev):
    """The minimum-EN0 feasible candidates of the rules planned for N_max = n, one per largest sample size.

    Usually one, of size n; a rule whose every trial ends by an earlier look has that look's size.
    """
    post = EB.posterior_tail(prior, n, p0)
    # theta_T choice: final cut r, success iff S > r; theta_T interval between post[r] and post[r + 1]
    tT = _Thresholds(post, ranges["theta_t_range"], equality, upper=True)
    interim = schedule[:-1]
    # the interim posterior probabilities do not depend on N_max: posterior_tail caches them per look
    post_vals = (None if monitoring == "predictive" else
                 [(EB.posterior_tail(prior, m, fut_rate), EB.posterior_tail(prior, m, p0)) for m in interim])
    best = {}   # the design's largest sample size -> the minimum-EN0 candidate
    for u_t in tT.allowed():
        if u_t == 0:
            continue
        # choice u_t: the totals whose posterior probability is at least the u_t-th largest value succeed
        r = int(np.searchsorted(post, tT.cut(u_t), side="left")) - 1
        if r < 0 or r >= n:
            continue
        if monitoring == "predictive":
            fv = evv = EB.predictive_at_looks(prior, interim, n, r) if interim else []
        else:
            fv = [v[0] for v in post_vals]
            evv = [v[1] for v in post_vals]
        if not interim:
            fv = evv = []
        tl = _Thresholds(np.concatenate(fv) if fv else [], ranges["theta_l_range"], equality)
        ks = tl.allowed()
        if not ks:
            continue
        if efficacy and interim:
            tu = _Thresholds(np.concatenate(evv), ranges["theta_u_range"], equality, upper=True)
            us = [0] + [u for u in tu.allowed() if u > 0]
        else:
            tu, us = None, [0]
        k_hint = 0
        for u in us:
            eff_cut = None if tu is None else tu.cut(u)
            eff = _bounds(evv, eff_cut, True) if interim else []

            def design_at(k):
                d = _design_or_none(schedule, _bounds(fv, tl.cut(k), False), eff, r)
                # a rule that ends every trial before N_max (every count reaching some look stops) is a rule
                # of a smaller size with other looks: left out, so that each N_max is searched exactly
                return d if d is not None and d.n_max == n else None

            def power_ok(k):
                d = design_at(k)
                return d is not None and ev.oc(d)[1]

            # power_ok holds on an initial segment of ks: power falls as theta_L rises, and a choice whose
            # futility set meets the efficacy set (posterior monitoring can do that) or that ends every trial
            # early stays so for larger k
            i, j = ks[0], ks[-1]
            if not power_ok(i):
                continue
            # the previous theta_U's answer is a good first probe (power rises as theta_U falls), but
            # not a bound: the overlap with the larger efficacy sets can push the answer down
            if i < k_hint <= j:
                if power_ok(k_hint):
                    i = k_hint
                else:
                    j = k_hint - 1
            while i < j:
                mid = (i + j + 1) // 2
                if power_ok(mid):
                    i = mid
                else:
                    j = mid - 1
            k = i
            k_hint = k
            d = design_at(k)
            a_ok, p_ok, a, pw, en0 = ev.oc(d)
            if not a_ok:
                continue
            size = d.n_max
            if size not in best or _smaller_en0(d, en0, best[size], ev):
                th_t, txt_t = tT.pick(u_t)
                th_l, txt_l = tl.pick(k)
                th_u, txt_u = (None, "") if tu is None or u == 0 else tu.pick(u)
                best[size] = dict(n=n, schedule=schedule, design=d, en0=en0, r=r, theta_t=th_t, theta_l=th_l,
                            theta_u=th_u, intervals=(("theta_t", txt_t), ("theta_l", txt_l))
                            + ((("theta_u", txt_u),) if th_u is not None else ()))
    return list(best.values())


def _smaller_en0(d, en0, incumbent, ev):
    """EN0 of ``d`` below the incumbent's; within a relative 1e-9 decided in rational arithmetic."""
    other = incumbent["en0"]
    inc = incumbent["design"]
    if d == inc or abs(en0 - other) > _REL * other:
        return en0 < other
    if d.n == inc.n and d.futility[:-1] == inc.futility[:-1] and d.efficacy == inc.efficacy:
        return False   # the same stops before the last look: the same EN0 exactly, whatever the final cut-off
    from ..engine.exact import exact_oc

    ev.near = True
    return exact_oc(d, ev.fr[0])["en"] < exact_oc(incumbent["design"], ev.fr[0])["en"]


def _as_design(c, p0, p1, alpha, beta, monitoring, prior, equality, fut_rate):
    theta_l = c["theta_l"]
    # k = 0 (no futility stop) is stated as theta_L none when no count can stop
    rule = monitoring_rule(p0, nmax=c["n"], looks=c["schedule"][:-1], theta_t=c["theta_t"], theta_l=theta_l,
                           theta_u=c["theta_u"], prior=prior, monitoring=monitoring, equality=equality,
                           futility_rate=fut_rate if monitoring == "posterior" else None)
    if rule.design != c["design"]:
        raise AssertionError(f"internal: thresholds {c['theta_t']}, {theta_l}, {c['theta_u']} give "
                             f"{rule.design.label()}, the search found {c['design'].label()}")
    return rule.evaluate(p0, p1, alpha=alpha, beta=beta, family=monitoring, theta_intervals=c["intervals"])


# ---------------------------------------------------------------------------
# Families
# ---------------------------------------------------------------------------

class _BayesFamily(Family):
    monitoring = ""
    kinds = ("optimal", "minimax")
    # a search takes seconds: consumers use these families when named (--family predictive,posterior)
    default = False

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        return bayes_design(p0, p1, alpha, beta, monitoring=self.monitoring, nmax=nmax, progress=progress)

    def cost(self, p0, p1, alpha, beta):
        n = super().cost(p0, p1, alpha, beta)
        return 4 * n * n

    def report_blocks(self, result, p0, p1, alpha, beta):
        """The optimal and minimax rules with thresholds and exact OC, the optimal one's table of looks."""
        from ..present.blocks import Items, Paragraph, Table
        from ..present.render import fmt

        inputs = f"p0={p0:.10g}, p1={p1:.10g}, alpha={alpha:.10g}, beta={beta:.10g}"
        if result is None:
            return [Paragraph(f"No {self.title} design meets alpha={alpha:.10g} and beta={beta:.10g} with the "
                              f"default look schedule, prior and threshold ranges.")]
        rows = [[p.kind, p.result.label(), p.result.thresholds_text(), fmt(p.result.en0, 2),
                 fmt(p.result.pet0, 3), fmt(p.result.attained_alpha, 4), fmt(p.result.power, 4)]
                for p in self.proposals(result)]
        opt = result.optimal
        return [Paragraph(f"{self.title} designs for {inputs}: {self.method}. Defaults of the family: "
                          f"{result.notes[0]} Type I error and power are exact frequentist operating "
                          f"characteristics of the Bayesian rule."),
                Table(["kind", "design (a:b/N, cumulative)", "thresholds", "EN0", "PET0", "alpha", "power"], rows,
                      ["l", "l", "l", "r", "r", "r", "r"]),
                Paragraph(f"Optimal rule: {opt.bayes_rule} Cut-offs in responses, look by look:"),
                Items([lk.words() for lk in opt.looks_table]),
                Paragraph(f"Protocol paragraph if the optimal {self.name} design is chosen: {opt.protocol()}",
                          cls="protocol"),
                Items(list(result.notes[1:]) + [result.stop_reason + "."])]


class PredictiveFamily(_BayesFamily):
    """Lee & Liu's (2008) predictive-probability design (futility stopping; optimal and minimax)."""

    name = "predictive"
    monitoring = "predictive"
    title = "Bayesian predictive-probability monitoring (Lee & Liu 2008)"
    method = ("a Bayesian rule that stops for futility when the predictive probability that the trial, run to "
              "its maximum N_max, ends with P(p > p0 | data) above theta_T falls below theta_L; N_max, theta_T and "
              "theta_L are searched exactly so that the exact type I error is at most alpha and the exact power "
              "at least 1 - beta; optimal minimises EN0, minimax N_max (Lee & Liu 2008)")


class PosteriorFamily(_BayesFamily):
    """Posterior-probability monitoring against a fixed p0 (Thall & Simon 1994 type; futility stopping)."""

    name = "posterior"
    monitoring = "posterior"
    title = "Bayesian posterior-probability monitoring (Thall & Simon 1994)"
    method = ("a Bayesian rule that stops for futility when the posterior probability P(p > p1 | data) falls "
              "below theta_L and at N_max declares the drug promising if P(p > p0 | data) exceeds theta_T; "
              "N_max, theta_T and theta_L are searched exactly so that the exact type I error is at most alpha "
              "and the exact power at least 1 - beta; optimal minimises EN0, minimax N_max (after Thall & Simon "
              "1994)")

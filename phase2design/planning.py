r"""Planning a follow-up trial from a pilot: candidate p1 values, designs and assurance.

After a pilot with ``x`` responses in ``n`` patients (e.g. 3/9) two questions
remain: is a follow-up single-arm trial worth running, and how large must it
be under each response rate ``p1`` one might defend?  :func:`plan_followup`
answers both: for each candidate ``p1`` it gives the single-stage (A'Hern
2001), Simon optimal and Simon minimax designs with their exact frequentist
operating characteristics, and their *assurance* (O'Hagan, Stevens and
Campbell 2005): the probability that the design declares the drug promising
when the true rate is drawn from the pilot's posterior.

Posterior
---------
With a Beta(a, b) prior (default Jeffreys, a = b = 1/2, as in
:func:`phase2design.evaluate`) and a power prior weight ``w`` in (0, 1]
(Ibrahim and Chen 2000) that discounts the pilot,

.. math::

    p \mid \text{pilot} \sim \mathrm{Beta}(a + w x,\; b + w (n - x)).

``w = 1`` uses the pilot at face value; ``w = 0.5`` counts each pilot patient
as half a patient (pilots are often optimistic).

Predictive operating characteristics
------------------------------------
For a design with rejection region R, ``assurance = E[P(reject | p)]`` over
the posterior.  It is computed exactly as a sum of beta-binomial
probabilities, not by simulation: for a single-stage design ``r/n``

.. math::

    A = \sum_{x > r} \binom{n}{x} \frac{B(a' + x, b' + n - x)}{B(a', b')},

and for a Simon design ``r1/n1, r/n`` (``n2 = n - n1``)

.. math::

    A = \sum_{x_1 > r_1} \sum_{x_2 > r - x_1} \binom{n_1}{x_1}\binom{n_2}{x_2}
        \frac{B(a' + x_1 + x_2,\; b' + n - x_1 - x_2)}{B(a', b')},

evaluated as ``sum_{x1 > r1} BB(x1; n1, a', b') P(X2 > r - x1)`` with
``X2 ~ BetaBin(n2, a' + x1, b' + n1 - x1)``.  The predictive probability of
stopping early is ``sum_{x1 <= r1} BB(x1; n1, a', b')`` and the predictive
expected sample size ``n1 + P(X1 > r1) n2``.  See
:mod:`phase2design._planning_kernels` for the numerics (relative error near
1e-13).

References
----------
A'Hern RP (2001). Sample size tables for exact single-stage phase II designs.
Statistics in Medicine 20:859-866.
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
illustrated in the case of the binomial. Biometrika 26:404-413.
Ibrahim JG, Chen MH (2000). Power prior distributions for regression models.
Statistical Science 15:46-60.
O'Hagan A, Stevens JW, Campbell MJ (2005). Assurance in clinical trial
design. Pharmaceutical Statistics 4:187-201.
Simon R (1989). Optimal two-stage designs for phase II clinical trials.
Controlled Clinical Trials 10:1-10.
"""

import math
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Tuple

from ._validation import check_beta_parameter, check_int, check_prior, check_probability, check_rate, is_count
from .results import _frame, _plain

__all__ = ["pilot_posterior", "predictive_oc", "assurance", "plan_followup", "PredictiveOC", "CandidateRate",
           "PlannedDesign", "FollowupPlan", "NoCandidateRateError", "DEFAULT_LEVELS"]

#: One-sided confidence levels of the Clopper-Pearson lower limits used as default candidates.
DEFAULT_LEVELS = (0.8, 0.9)



class NoCandidateRateError(ValueError):
    """The pilot supports no default p1 above p0 (the CLI exits with 1; give p1 explicitly)."""


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def _check_pilot(pilot):
    if isinstance(pilot, str):
        parts = pilot.replace(" ", "").split("/")
        if len(parts) != 2 or not all(is_count(p) for p in parts):
            raise ValueError(f"pilot must look like x/n with whole numbers (e.g. 3/9), got {pilot!r}")
        pilot = (int(parts[0]), int(parts[1]))
    try:
        x, n = pilot
    except (TypeError, ValueError):
        raise TypeError(f"pilot must be 'x/n' or a pair (x, n) of whole numbers, got {pilot!r}") from None
    n = check_int("pilot n", n, minimum=1)
    x = check_int("pilot x", x, minimum=0, maximum=n)
    return x, n


def _check_weight(weight):
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
        raise TypeError(f"pilot_weight must be a number in (0, 1], got {weight!r}")
    weight = float(weight)
    if not (0.0 < weight <= 1.0):
        raise ValueError(f"pilot_weight must lie in (0, 1] (1 = pilot at face value), got {weight!r}")
    return weight


def _check_beta_params(a, b):
    return check_beta_parameter("a", a), check_beta_parameter("b", b)


def pilot_posterior(x, n, prior="jeffreys", weight=1.0):
    """Beta posterior of the response rate after a pilot of ``x`` responses in ``n`` patients.

    .. math::

        p \\mid x \\sim \\mathrm{Beta}(a + w x,\\; b + w (n - x))

    with prior Beta(a, b) and power prior weight ``w`` (Ibrahim and Chen 2000).

    Parameters
    ----------
    x, n : int
        Pilot responses and patients, ``0 <= x <= n``, ``n >= 1``.
    prior : "jeffreys", "uniform" or (float, float), default "jeffreys"
        Beta prior: Jeffreys Beta(1/2, 1/2), uniform Beta(1, 1), or (a, b).
    weight : float, default 1
        Power prior weight in (0, 1]: each pilot patient counts as ``w``.

    Returns
    -------
    (float, float)
        The posterior parameters ``(a', b')``.

    Examples
    --------
    >>> pilot_posterior(3, 9)
    (3.5, 6.5)
    >>> pilot_posterior(3, 9, prior="uniform", weight=0.5)
    (2.5, 4.0)
    """
    x, n = _check_pilot((x, n))
    a, b = check_prior(prior)
    w = _check_weight(weight)
    return a + w * x, b + w * (n - x)


# ---------------------------------------------------------------------------
# Predictive operating characteristics
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PredictiveOC:
    """Operating characteristics of a design averaged over p ~ Beta(a, b) (exact beta-binomial sums).

    Attributes
    ----------
    design : str
        ``"r/n"`` or ``"r1/n1, r/n"``.
    kind : str
        ``"single-stage"`` or ``"two-stage"``.
    a, b : float
        Beta parameters of the distribution of the true rate.
    assurance : float
        ``P(declare the drug promising)`` = ``E[P(reject H0 | p)]``.
    pet : float
        Probability of stopping after stage 1 (0 for a single-stage design).
    expected_n : float
        Expected number of patients ``n1 + P(X1 > r1) n2`` (``n`` for a
        single-stage design).
    continue_fail : float
        Probability of completing the trial without declaring the drug
        promising; ``pet + continue_fail + assurance = 1``.
    """

    design: str
    kind: str
    a: float
    b: float
    assurance: float
    pet: float
    expected_n: float
    continue_fail: float

    def to_dict(self):
        d = _plain(dict(vars(self)))
        d["convention"] = ("r/n: reject H0 if X > r; r1/n1, r/n: stop after stage 1 if X1 <= r1, "
                           "reject H0 if X1 + X2 > r")
        return d

    def to_frame(self):
        return _frame([self.to_dict()])


def predictive_oc(design, a, b):
    """Exact predictive operating characteristics of a design when p ~ Beta(a, b).

    Parameters
    ----------
    design : str, tuple or design object
        ``"r/n"`` (reject H0 if X > r), ``"r1/n1,r/n"`` (stop after n1 if
        X1 <= r1, reject H0 if X1 + X2 > r), a tuple of 2 or 4 whole numbers,
        or a :class:`~phase2design.SingleStageDesign` /
        :class:`~phase2design.TwoStageDesign`.
    a, b : float
        Beta parameters, e.g. from :func:`pilot_posterior`.

    Returns
    -------
    PredictiveOC

    Notes
    -----
    The assurance of a two-stage design is

    .. math::

        \\sum_{x_1 > r_1} \\sum_{x_2 > r - x_1} \\binom{n_1}{x_1}\\binom{n_2}{x_2}
        \\frac{B(a + x_1 + x_2, b + n - x_1 - x_2)}{B(a, b)},

    the posterior mean of the power function; as the Beta distribution
    concentrates at p it tends to the power at p.

    Examples
    --------
    >>> oc = predictive_oc("1/10,5/29", 3.5, 6.5)
    >>> round(oc.assurance, 4), round(oc.pet, 4)
    (0.7589, 0.1752)
    """
    from .engine.design import Design
    from .engine.samplespace import SampleSpace

    d = Design.parse(design)
    a, b = _check_beta_params(a, b)
    space = SampleSpace(d)
    o = space.predictive_oc(a, b)
    return PredictiveOC(design=d.label(), kind=d.family, a=a, b=b, assurance=o["reject"],
                        pet=math.fsum(o["stop"][:-1]), expected_n=o["en"], continue_fail=o["final_fail"])


def assurance(design, a, b):
    """Probability that ``design`` declares the drug promising when p ~ Beta(a, b) (exact).

    Shorthand for ``predictive_oc(design, a, b).assurance``; see
    :func:`predictive_oc`.

    Examples
    --------
    >>> round(assurance("5/25", *pilot_posterior(3, 9)), 4)
    0.7551
    """
    return predictive_oc(design, a, b).assurance


# ---------------------------------------------------------------------------
# Follow-up plan
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CandidateRate:
    """A response rate p1 considered for the follow-up design.

    Attributes
    ----------
    p1 : float
        The rate (rounded to 0.01 for a default candidate).
    source : str
        Where it came from, in words.
    value : float
        The unrounded value (equal to ``p1`` for a rate given by the caller).
    posterior_prob_at_least : float
        ``P(p >= p1 | pilot)`` under the posterior.
    plausible : bool
        Whether that probability is at least the plan's ``plausibility`` level.
    used : bool
        Whether designs were computed for it (a default candidate is dropped
        when it is below ``p0 + min_difference``, above 0.99, or a repeat).
    note : str
        Why it was dropped, or "".
    """

    p1: float
    source: str
    value: float
    posterior_prob_at_least: float
    plausible: bool
    used: bool = True
    note: str = ""


@dataclass(frozen=True)
class PlannedDesign:
    """A follow-up design for one candidate p1, with frequentist and predictive characteristics.

    ``r1`` and ``n1`` are None for the single-stage design (reject H0 if
    X > r).  A two-stage design stops after ``n1`` if ``X1 <= r1`` and
    rejects H0 if ``X1 + X2 > r``.  ``en0``, ``pet0``, ``attained_alpha`` and
    ``power`` are exact at p0 and p1; ``assurance``, ``expected_n`` and
    ``pet`` are exact under the pilot's posterior.
    """

    p1: float
    kind: str
    r1: Optional[int]
    n1: Optional[int]
    r: int
    n: int
    en0: float
    pet0: float
    attained_alpha: float
    power: float
    assurance: float
    expected_n: float
    pet: float
    family: str = ""
    bounds: Optional[str] = None

    def label(self):
        if self.bounds is not None:
            return self.bounds
        if self.r1 is None:
            return f"{self.r}/{self.n}"
        return f"{self.r1}/{self.n1}, {self.r}/{self.n}"

    def rule(self):
        if self.bounds is not None:
            from .engine.design import Design

            return Design.parse(self.bounds).rule()
        if self.r1 is None:
            return (f"treat {self.n} patients; declare the drug promising (reject H0) if more than {self.r} "
                    f"respond, i.e. at least {self.r + 1} of {self.n}")
        return (f"stop after {self.n1} patients if {self.r1} or fewer respond; otherwise treat "
                f"{self.n - self.n1} more and declare the drug promising (reject H0) if more than "
                f"{self.r} of all {self.n} respond, i.e. at least {self.r + 1}")

    def to_dict(self):
        d = _plain(dict(vars(self)))
        d["design"] = self.label()
        d["rule"] = self.rule()
        return d


_PLAN_COLUMNS = ["p1", "kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "assurance",
                 "expected_n", "pet"]


@dataclass(frozen=True)
class FollowupPlan:
    """Result of :func:`plan_followup`; ``to_dict()`` is what ``phase2design plan --format json`` prints.

    Attributes
    ----------
    pilot_x, pilot_n : int
        The pilot result.
    p0, alpha, beta : float
        Design constraints of the follow-up.
    prior : (float, float)
        Beta prior parameters.
    pilot_weight : float
        Power prior weight of the pilot.
    posterior : (float, float)
        ``(a + w x, b + w (n - x))``.
    posterior_prob_above_p0 : float
        ``P(p > p0 | pilot)``.
    plausibility : float
        A p1 with ``P(p >= p1 | pilot)`` below this level is flagged implausible.
    candidate_rule : str
        How the candidate p1 values were chosen, in words.
    candidates : tuple of CandidateRate
        Every rate considered, used or dropped.
    designs : tuple of PlannedDesign
        For each used p1 (in the order of ``candidates``): single-stage,
        Simon optimal and Simon minimax.
    warnings : tuple of str
        One sentence per implausible p1.
    """

    pilot_x: int
    pilot_n: int
    p0: float
    alpha: float
    beta: float
    prior: Tuple[float, float]
    pilot_weight: float
    posterior: Tuple[float, float]
    posterior_prob_above_p0: float
    plausibility: float
    candidate_rule: str
    candidates: Tuple[CandidateRate, ...]
    designs: Tuple[PlannedDesign, ...]
    warnings: Tuple[str, ...]

    @property
    def p1_values(self):
        return tuple(c.p1 for c in self.candidates if c.used)

    def posterior_text(self):
        a, b = self.prior
        name = {(0.5, 0.5): "Jeffreys ", (1.0, 1.0): "uniform "}.get((a, b), "")
        w = "" if self.pilot_weight == 1.0 else f" at weight {self.pilot_weight:.10g} (power prior)"
        pa, pb = self.posterior
        return (f"Beta({pa:.10g}, {pb:.10g}) = {name}Beta({a:.10g}, {b:.10g}) prior + pilot "
                f"{self.pilot_x}/{self.pilot_n}{w}")

    def to_dict(self):
        return _plain({
            "pilot": {"x": self.pilot_x, "n": self.pilot_n},
            "p0": self.p0, "alpha": self.alpha, "beta": self.beta,
            "prior": list(self.prior), "pilot_weight": self.pilot_weight, "posterior": list(self.posterior),
            "posterior_prob_above_p0": self.posterior_prob_above_p0,
            "plausibility": self.plausibility,
            "candidate_rule": self.candidate_rule,
            "candidates": [dict(vars(c)) for c in self.candidates],
            "designs": [d.to_dict() for d in self.designs],
            "warnings": list(self.warnings),
            "convention": ("r/n: reject H0 if X > r; r1/n1, r/n: stop after stage 1 if X1 <= r1, "
                           "reject H0 if X1 + X2 > r; assurance, expected_n and pet are exact under "
                           "the posterior Beta(a + w x, b + w (n - x))"),
        })

    def rows(self):
        return [{c: getattr(d, c) for c in _PLAN_COLUMNS} for d in self.designs]

    def to_frame(self):
        """One row per design (p1, kind, boundaries, exact and predictive characteristics)."""
        df = _frame(self.rows(), _PLAN_COLUMNS)
        for c in ("r1", "n1"):
            df[c] = df[c].astype("Int64")
        return df


def _round2(v):
    """To the nearest 0.01, halves up (on the decimal the float prints as)."""
    return float(Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _check_p1_list(p1, p0):
    if isinstance(p1, (str, bytes)):
        raise TypeError(f"p1 must be a number or a sequence of numbers, got {p1!r}")
    if isinstance(p1, numbers.Real) and not isinstance(p1, bool):
        p1 = [p1]
    try:
        vals = list(p1)
    except TypeError:
        raise TypeError(f"p1 must be a number or a sequence of numbers, got {p1!r}") from None
    if not vals:
        raise ValueError("p1 must hold at least one rate, got an empty sequence")
    out = []
    for v in vals:
        v = check_rate("p1", v)
        if not v > p0:
            raise ValueError(f"p1 must be larger than p0, got p0={p0!r} and p1={v!r}")
        if v in out:
            raise ValueError(f"p1 lists {v!r} twice")
        out.append(v)
    return out


def plan_followup(pilot, p0, alpha, beta, *, p1=None, prior="jeffreys", pilot_weight=1.0, plausibility=0.2,
                  levels=DEFAULT_LEVELS, min_difference=0.05, progress=None, families=None):
    """Follow-up designs after a pilot, for each candidate p1, with their assurance.

    For each candidate ``p1``: the single-stage design (A'Hern 2001, strict
    comparison), the Simon (1989) optimal and minimax designs, each with n,
    EN0, PET0, attained alpha and power (exact, at p0 and p1), and under the
    pilot's posterior Beta(a + w x, b + w (n - x)) the assurance (probability
    of declaring the drug promising), the expected sample size and the
    probability of stopping early, all exact beta-binomial sums (see the
    module docstring).

    Default candidates (``p1=None``): the pilot estimate ``x/n`` and the
    lower limits of the one-sided ``levels`` (default 80% and 90%) exact
    Clopper-Pearson intervals, each rounded to the nearest 0.01 (halves up),
    kept if ``p0 + min_difference <= p1 <= 0.99`` and not a repeat.  These
    span what the pilot supports, from its point estimate down to rates it
    cannot rule out.  The limits come from the pilot data alone (the prior and
    ``pilot_weight`` affect only the posterior).

    A candidate is flagged implausible (a warning) when
    ``P(p >= p1 | pilot) < plausibility``.

    Parameters
    ----------
    pilot : str or (int, int)
        ``"x/n"`` or ``(x, n)``.
    p0 : float
        Uninteresting response rate (H0).
    alpha, beta : float
        Largest type I and type II error of the follow-up designs.
    p1 : float or sequence of float, optional
        Rates to design for, each above p0; default: chosen from the pilot.
    prior : "jeffreys", "uniform" or (float, float), default "jeffreys"
        Beta prior for the posterior.
    pilot_weight : float, default 1
        Power prior weight in (0, 1]; below 1 discounts the pilot.
    plausibility : float, default 0.2
        Level below which ``P(p >= p1 | pilot)`` flags p1 as implausible.
    levels : sequence of float, default (0.8, 0.9)
        One-sided confidence levels of the default candidates' lower limits.
    min_difference : float, default 0.05
        A default candidate must be at least ``p0 + min_difference``.
    progress : callable, optional
        Called with the total sample size n each design search has reached (for a progress note).
    families : str or sequence of str, optional
        Design families to propose (see :func:`phase2design.families.base.select_families`): default the
        single-stage and Simon designs; ``"all"`` or names such as ``"simon,three-stage"``.

    Returns
    -------
    FollowupPlan

    Raises
    ------
    NoCandidateRateError
        When no default candidate is left (the message says to give p1 or
        lower p0).
    NoFeasibleDesignError
        When a p1 has no feasible design with n <= 5000.

    Examples
    --------
    >>> plan = plan_followup("3/9", 0.1, 0.05, 0.2)
    >>> plan.p1_values
    (0.33, 0.18)
    >>> [d.label() for d in plan.designs if d.p1 == 0.33]
    ['4/19', '1/9, 4/22', '1/13, 4/19']
    """
    from scipy import special

    from .intervals import proportion_ci

    from .engine.oc import _check_errors

    x, n = _check_pilot(pilot)
    p0 = check_rate("p0", p0)
    alpha, beta = _check_errors(alpha, beta)
    a, b = check_prior(prior)
    w = _check_weight(pilot_weight)
    plausibility = check_probability("plausibility", plausibility)
    try:
        if isinstance(levels, (str, bytes)):
            raise TypeError
        levels = tuple(levels)
    except TypeError:
        raise TypeError(f"levels must be a sequence of confidence levels, got {levels!r}") from None
    levels = tuple(check_probability("levels", v) for v in levels)
    if isinstance(min_difference, bool) or not isinstance(min_difference, numbers.Real) or \
            not (0.0 <= float(min_difference) < 1.0):
        raise ValueError(f"min_difference must be a number in [0, 1), got {min_difference!r}")
    min_difference = float(min_difference)
    pa, pb = a + w * x, b + w * (n - x)

    def prob_at_least(v):
        return float(special.betaincc(pa, pb, v))

    candidates = []
    if p1 is not None:
        rule = "given by the caller"
        for v in _check_p1_list(p1, p0):
            pr = prob_at_least(v)
            candidates.append(CandidateRate(p1=v, source="given", value=v, posterior_prob_at_least=pr,
                                            plausible=pr >= plausibility))
    else:
        lv = " and ".join(f"{100 * v:.10g}%" for v in levels)
        rule = (f"from the pilot {x}/{n}: its estimate x/n and the lower limits of the one-sided {lv} exact "
                f"Clopper-Pearson intervals, rounded to the nearest 0.01, kept if at least p0 + "
                f"{min_difference:.10g} = {p0 + min_difference:.4g} and at most 0.99")
        raw = [("pilot estimate x/n", x / n)]
        for lev in levels:
            ci = proportion_ci(x, n, lev, method="clopper-pearson", alternative="greater")
            raw.append((f"lower limit of the one-sided {100 * lev:.10g}% Clopper-Pearson interval", ci.low))
        seen = []
        floor = round(p0 + min_difference, 12)
        for source, value in raw:
            v = _round2(value)
            note = ""
            if v < floor:
                note = f"below p0 + {min_difference:.10g} = {floor:.10g}"
            elif v > 0.99:
                note = "above 0.99"
            elif v in seen:
                note = "same rate as an earlier candidate"
            used = not note
            if used:
                seen.append(v)
            pr = prob_at_least(v) if 0.0 < v < 1.0 else (1.0 if v <= 0.0 else 0.0)
            candidates.append(CandidateRate(p1=v, source=source, value=float(value), posterior_prob_at_least=pr,
                                            plausible=pr >= plausibility, used=used, note=note))
        if not seen:
            raise NoCandidateRateError(
                f"the pilot {x}/{n} supports no p1 of at least p0 + {min_difference:.10g} = {floor:.10g} (estimate "
                f"{x / n:.3f}; candidates {', '.join(f'{c.p1:.10g}' for c in candidates)}): give p1 "
                f"explicitly (--p1) or lower p0")
    designs = []
    warnings = []
    for c in candidates:
        if not c.used:
            continue
        if not c.plausible:
            warnings.append(f"p1 = {c.p1:.10g} is implausible given the pilot: P(p >= {c.p1:.10g} | pilot) = "
                            f"{c.posterior_prob_at_least:.3f} < {plausibility:.10g}; designs powered for it are "
                            f"likely to miss a drug with a lower rate (see their assurance)")
        designs.extend(_designs_for(p0, c.p1, alpha, beta, pa, pb, progress, families))
    return FollowupPlan(
        pilot_x=x, pilot_n=n, p0=p0, alpha=alpha, beta=beta, prior=(a, b), pilot_weight=w, posterior=(pa, pb),
        posterior_prob_above_p0=prob_at_least(p0), plausibility=plausibility, candidate_rule=rule,
        candidates=tuple(candidates), designs=tuple(designs), warnings=tuple(warnings))


def _designs_for(p0, p1, alpha, beta, pa, pb, progress=None, families=None):
    """The chosen families' proposals for p1, each with its assurance under Beta(pa, pb)."""
    from .families.base import select_families

    out = []
    for family in select_families(families):
        for prop in family.propose(p0, p1, alpha, beta, progress=progress):
            t = prop.result
            oc = predictive_oc(prop.design, pa, pb)
            simple = prop.design.is_single or prop.design.is_simon
            out.append(PlannedDesign(p1=p1, kind=prop.kind, r1=getattr(t, "r1", None), n1=getattr(t, "n1", None),
                                     r=t.r, n=t.n, en0=t.en0, pet0=t.pet0, attained_alpha=t.attained_alpha,
                                     power=t.power, assurance=oc.assurance, expected_n=oc.expected_n, pet=oc.pet,
                                     family=family.name, bounds=None if simple else prop.design.label()))
    return out

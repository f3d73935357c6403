r"""A stage 1 of another size than planned: the Simon rule re-derived, exactly, before stage 1 is looked at.

A Simon design ``r1/n1, r/n`` (stop after ``n1`` if ``X1 <= r1``; promising if ``X1 + X2 > r``) is planned,
but stage 1 ends up with ``m1 != n1`` evaluable patients: accrual went on while the stage-1 patients were
followed up (over-running), or fewer were evaluable (under-running).  The planned ``r1`` and ``r`` then no
longer have the planned meaning.  :func:`stage1_redesign` derives the rule for the trial as run from the
sizes alone, so it can be fixed (and written down) before ``X1`` is counted:

1. **Stage-1 bound** (as the ATS method of the R package UnplanSimon): ``r1*`` is the bound whose
   probability of early termination under H0 is closest to the planned one,

   .. math:: r_1^* = \arg\min_{0 \le c < m_1} |P_{p_0}(\mathrm{Bin}(m_1, p_0) \le c) - \mathrm{PET}_0|,

   ties to the smaller ``c`` (the one that stops less often).
2. **Type I error kept**: the final bound is the smallest ``r*`` whose exact type I error on the trial as
   run (stage 1 of ``m1``, total ``m``) is at most the target level ``alpha*``:

   .. math:: r^* = \min\{c : \sum_{x_1 > r_1^*} b(x_1; m_1, p_0)\, P_{p_0}(X_2 > c - x_1) \le \alpha^*\},
             \quad X_2 \sim \mathrm{Bin}(m - m_1, p_0).

   ``method="keep"`` (default): ``alpha*`` is the nominal alpha when it is known (a design file records
   it), else the planned design's own exact type I error, so the trial keeps the level it was planned
   with.  ``method="ats"`` reproduces UnplanSimon's ATS, whose target shrinks when the total falls short,
   ``alpha* = 2 - 2 Phi(z_{1 - alpha/2} / sqrt(m / n))`` for ``m <= n`` (a normal-approximation rule of
   thumb of that package; ``alpha`` for ``m > n``); the probabilities themselves stay exact.

Because ``r1*`` and ``r*`` depend on ``m1``, ``m``, ``p0`` and the planned design only, the re-derived
design is a fixed Simon design whose exact type I error is at most ``alpha*`` -- valid as long as the
stage-1 size itself was not chosen from the responses (accrual, not results, made it differ).  A stage 2
that then also differs from ``m - m1`` is handled on top by the conditional-error rule of
:func:`phase2design.analyze_two_stage` (``n2``), which is valid even if that size was chosen after seeing
``X1``.  Comparisons within a relative 1e-9 of a tie are re-decided in exact rational arithmetic
(:func:`phase2design.engine.exact.exact_oc`, rates as the decimals given).

References
----------
Koyama T, Chen H (2008). Proper inference from Simon's two-stage designs. Statistics in Medicine
27:3145-3154.
Green SJ, Dahlberg S (1992). Planned versus attained design in phase II clinical trials. Statistics in
Medicine 11:853-862.
UnplanSimon: R package (CRAN), adaptive threshold search (ATS) for Simon designs whose stage sizes differ
from the plan; its vignette examples 2.1-2.3 are the tests of this module.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from ._validation import N_LIMIT, check_choice, check_int, check_probability, check_rate, exact_decimal
from .engine.design import Design

__all__ = ["Stage1Redesign", "stage1_redesign", "ats_alpha", "METHODS"]

METHODS = ("keep", "ats")


@dataclass(frozen=True)
class Stage1Redesign:
    """The rule re-derived for a stage 1 of another size (see :func:`stage1_redesign`).

    Attributes
    ----------
    planned : Design
        The planned Simon design ``r1/n1, r/n``.
    design : Design
        The re-derived design ``r1*/m1, r*/m`` for the trial as run.
    method : str
        ``"keep"`` (keep the level) or ``"ats"`` (UnplanSimon).
    target_alpha : float
        The level ``alpha*`` the new design's type I error must not exceed.
    target_source : str
        Where ``alpha*`` comes from, in words.
    attained_alpha : float
        Exact type I error of the new design at p0.
    planned_alpha : float
        Exact type I error of the planned design at p0.
    pet0, planned_pet0 : float
        Probability of stopping after stage 1 under H0, new and planned.
    p0 : float
    p1 : float or None
    power, planned_power : float or None
        Exact power at ``p1`` (when given) of the new and of the planned design.
    """

    planned: Design
    design: Design
    method: str
    target_alpha: float
    target_source: str
    attained_alpha: float
    planned_alpha: float
    pet0: float
    planned_pet0: float
    p0: float
    p1: Optional[float] = None
    power: Optional[float] = None
    planned_power: Optional[float] = None

    @property
    def r1(self):
        return self.design.futility[0]

    @property
    def n1(self):
        return self.design.n[0]

    @property
    def r(self):
        return self.design.r

    @property
    def n(self):
        return self.design.n_max

    def sentence(self):
        """The re-derivation in one sentence, with its numbers."""
        p, d = self.planned, self.design
        return (f"Stage 1 had {self.n1} evaluable patients instead of the planned {p.n[0]}: the rule was re-derived "
                f"from the sizes alone, so it does not depend on the stage-1 responses"
                f"{' (UnplanSimon ATS)' if self.method == 'ats' else ''}: stop after "
                f"stage 1 if at most r1* = {self.r1} of {self.n1} respond (probability of stopping under H0 "
                f"{self.pet0:.4f}, planned {self.planned_pet0:.4f}); at the end declare the drug promising if more "
                f"than r* = {self.r} of {self.n} respond, the smallest bound with exact type I error "
                f"{self.attained_alpha:.4f} <= {self.target_alpha:.4f} ({self.target_source}); re-derived design "
                f"{d.label()} (planned {p.label()}).")

    def to_dict(self):
        return {"planned": self.planned.label(), "design": self.design.label(), "r1": self.r1, "n1": self.n1,
                "r": self.r, "n": self.n, "method": self.method, "target_alpha": self.target_alpha,
                "target_source": self.target_source, "attained_alpha": self.attained_alpha,
                "planned_alpha": self.planned_alpha, "pet0": self.pet0, "planned_pet0": self.planned_pet0,
                "p0": self.p0, "p1": self.p1, "power": self.power, "planned_power": self.planned_power,
                "rule": self.design.rule(), "sentence": self.sentence()}


def ats_alpha(alpha, n_actual, n_planned):
    """UnplanSimon's ATS level: ``2 - 2 Phi(z_{1-alpha/2} / sqrt(n_actual / n_planned))`` if the total falls
    short (``n_actual <= n_planned``), else ``alpha`` (a normal-approximation rule of thumb)."""
    from scipy.stats import norm

    if n_actual > n_planned:
        return float(alpha)
    z = norm.isf(alpha / 2.0)
    return float(2.0 * norm.sf(z / math.sqrt(n_actual / n_planned)))


def _pet_cdf(m1, p0):
    from .numerics._binomial import _binom_tables

    return _binom_tables(m1, p0)[1]


def _closest_r1(m1, p0, target, exact_target):
    """r1* in [0, m1 - 1]: PET0 closest to ``target``; near ties settled with Fractions, ties to the smaller."""
    cdf = _pet_cdf(m1, p0)
    dist = [abs(float(cdf[c]) - target) for c in range(m1)]
    best = min(range(m1), key=lambda c: (dist[c], c))
    rivals = [c for c in range(m1) if c != best and abs(dist[c] - dist[best]) <= 1e-9 * max(target, 1e-300)]
    if not rivals:
        return best
    p = exact_decimal(p0)
    u, d = p.numerator, p.denominator

    def exact_cdf(c):
        return Fraction(sum(math.comb(m1, x) * u ** x * (d - u) ** (m1 - x) for x in range(c + 1)), d ** m1)

    return min([best] + rivals, key=lambda c: (abs(exact_cdf(c) - exact_target), c))


def _alpha_of(r1, m1, r, m, p0):
    from .engine.samplespace import SampleSpace

    return SampleSpace(Design.simon(r1, m1, r, m)).oc(p0)["reject"]


def _meets(r1, m1, r, m, p0, target, exact_target):
    """alpha(r1*/m1, r/m) <= target, re-decided exactly when within 1e-9 of it."""
    a = _alpha_of(r1, m1, r, m, p0)
    if abs(a - target) > 1e-9 * target:
        return a <= target
    from .engine.exact import exact_oc

    return exact_oc(Design.simon(r1, m1, r, m), p0)["reject"] <= exact_target


def stage1_redesign(design, n1, *, n=None, p0, p1=None, alpha=None, method="keep"):
    """Re-derive a Simon rule for a stage 1 of ``n1`` patients instead of the planned size.

    Parameters
    ----------
    design : anything :meth:`Design.parse` reads
        The planned Simon design ``r1/n1, r/n`` (no efficacy stop, two stages).
    n1 : int
        The actual number of evaluable stage-1 patients ``m1`` (different from the planned ``n1``, or the
        same: then the bounds are re-derived all the same).
    n : int, optional
        The total ``m`` of the trial as run (default: the planned total ``n``, the extra stage-1 patients
        counting towards it).  Must exceed ``n1``.
    p0 : float
        Null response rate.
    p1 : float, optional
        Alternative rate: the power of both designs is reported.
    alpha : float, optional
        Nominal one-sided level.  ``method="keep"``: the target (default: the planned design's exact
        type I error).  ``method="ats"``: required.
    method : {"keep", "ats"}
        See the module docstring.

    Returns
    -------
    Stage1Redesign

    Examples
    --------
    UnplanSimon vignette, example 2.1: planned 3/14, 14/44 for p0 = 0.25, alpha = 0.1; 11 stage-1 and 41
    patients in all:

    >>> s = stage1_redesign("3/14,14/44", 11, n=41, p0=0.25, p1=0.45, alpha=0.1, method="ats")
    >>> s.design.label(), round(s.target_alpha, 3), round(s.attained_alpha, 2), round(s.power, 3)
    ('2/11, 14/41', 0.088, 0.06, 0.854)
    """
    planned = Design.parse(design)
    if not planned.is_simon:
        raise ValueError(f"design must be a Simon two-stage design r1/n1,r/n for a changed stage-1 size, "
                         f"got {planned.label()!r}")
    method = check_choice("method", method, METHODS)
    p0 = check_rate("p0", p0)
    p1 = None if p1 is None else check_rate("p1", p1)
    r1, pn1, r, pn = planned.as_simon()
    m = pn if n is None else check_int("n", n, minimum=2, maximum=N_LIMIT)
    m1 = check_int("n1", n1, minimum=1)
    if m1 >= m:
        raise ValueError(f"n1 (the actual stage-1 size) must be smaller than the total n={m} so that a stage 2 "
                         f"remains, got n1={m1}; with no stage 2 left analyse the trial as a single stage")
    from .engine.exact import exact_oc
    from .engine.samplespace import SampleSpace

    o_plan = SampleSpace(planned).oc(p0)
    planned_alpha, planned_pet0 = o_plan["reject"], o_plan["stop"][0]
    exact_pet0 = None
    if alpha is not None:
        alpha = check_probability("alpha", alpha)
    if method == "ats":
        if alpha is None:
            raise ValueError("alpha (the nominal level) is required for method 'ats', got None")
        target = ats_alpha(alpha, m, pn)
        exact_target = exact_decimal(alpha) if m > pn else Fraction(target)
        source = (f"nominal alpha = {alpha:.10g}" if m > pn else
                  f"UnplanSimon's ATS level 2 - 2 Phi(z(1 - alpha/2) / sqrt({m}/{pn})) from alpha = {alpha:.10g}")
    elif alpha is not None:
        target, exact_target = alpha, exact_decimal(alpha)
        source = f"nominal alpha = {alpha:.10g}"
    else:
        ex = exact_oc(planned, p0)
        exact_target = ex["reject"]
        target = planned_alpha
        source = f"the planned design's exact type I error {planned_alpha:.4f}"
        exact_pet0 = ex["stop"][0]
    if exact_pet0 is None:
        exact_pet0 = exact_oc(planned, p0)["stop"][0] if pn1 <= 400 else Fraction(planned_pet0)
    r1s = _closest_r1(m1, p0, planned_pet0, exact_pet0)
    # alpha(r) falls as r grows: bisect for the smallest r in [r1*, m - 1] that meets the target
    lo, hi = r1s, m - 1
    if not _meets(r1s, m1, hi, m, p0, target, exact_target):
        raise ValueError(f"no final bound keeps the type I error at most {target:.4g} with stage 1 of {m1} "
                         f"(r1*={r1s}) and {m} patients in all; alpha is too small for this size")
    while lo < hi:
        mid = (lo + hi) // 2
        if _meets(r1s, m1, mid, m, p0, target, exact_target):
            hi = mid
        else:
            lo = mid + 1
    new = Design.simon(r1s, m1, lo, m)
    o_new = SampleSpace(new).oc(p0)
    power = planned_power = None
    if p1 is not None:
        power = SampleSpace(new).oc(p1)["reject"]
        planned_power = SampleSpace(planned).oc(p1)["reject"]
    return Stage1Redesign(planned=planned, design=new, method=method, target_alpha=float(target),
                          target_source=source, attained_alpha=float(o_new["reject"]),
                          planned_alpha=float(planned_alpha), pet0=float(o_new["stop"][0]),
                          planned_pet0=float(planned_pet0), p0=p0, p1=p1,
                          power=None if power is None else float(power),
                          planned_power=None if planned_power is None else float(planned_power))

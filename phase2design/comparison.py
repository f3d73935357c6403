"""Designs side by side: any designs of any family, in one table at p0 and p1.

:func:`compare_designs` evaluates each design with the engine
(:meth:`phase2design.results.MultiStageDesign.evaluate`: exact OC at ``p0`` and ``p1``) and returns them in
the order given, with the rule of each in words.  For a design of ``J`` stages

* ``n`` is the largest sample size ``N_J``;
* ``EN0``/``EN1`` is the expected number of patients, ``sum_j N_j P(N = N_j)``, at ``p0``/``p1``;
* ``PET0``/``PET1`` is the probability of stopping before the last stage (for futility or, where the
  design allows it, for efficacy), ``1 - P(N = N_J)``; 0 for a single-stage design;
* attained alpha is ``P(promising | p0)`` and power ``P(promising | p1)``.

Boundaries count as everywhere in phase2design: after stage ``j`` stop (not promising) if
``S_j <= a_j``, stop (promising) if ``S_j > b_j``; at the end promising if ``S_J > r``.  With ``alpha`` and
``beta`` each design is also checked against ``attained alpha <= alpha`` and ``power >= 1 - beta``, a
comparison within a relative 1e-9 of a tie being re-decided in exact rational arithmetic
(:func:`phase2design.engine.exact.exact_oc`, rates as the decimals given).
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from ._validation import check_probability, check_rate, exact_decimal
from .engine.design import Design
from .results import MultiStageDesign

__all__ = ["DesignComparison", "compare_designs"]


@dataclass(frozen=True)
class DesignComparison:
    """Several designs evaluated at the same p0 and p1.

    Attributes
    ----------
    p0, p1 : float
    alpha, beta : float or None
        Nominal constraints the designs are checked against (None: not checked).
    designs : tuple of MultiStageDesign
        In the order given, each with its ``kind`` and ``family`` where the input said them.
    meets_alpha, meets_power : tuple of bool or None
        Per design, ``attained alpha <= alpha`` and ``power >= 1 - beta`` (decided exactly); None without
        alpha / beta.
    """

    p0: float
    p1: float
    alpha: Optional[float]
    beta: Optional[float]
    designs: Tuple[MultiStageDesign, ...]
    meets_alpha: Optional[Tuple[bool, ...]] = None
    meets_power: Optional[Tuple[bool, ...]] = None

    def rows(self):
        out = []
        for i, d in enumerate(self.designs):
            row = {"design": d.label(), "kind": d.kind, "family": d.family, "stages": d.stages, "n": d.n,
                   "en0": d.en0, "en1": d.en1, "pet0": d.pet0, "pet1": d.pet1,
                   "attained_alpha": d.attained_alpha, "power": d.power}
            if self.meets_alpha is not None:
                row["meets_alpha"] = self.meets_alpha[i]
            if self.meets_power is not None:
                row["meets_power"] = self.meets_power[i]
            row["rule"] = d.rule()
            out.append(row)
        return out

    def to_dict(self):
        return {"p0": self.p0, "p1": self.p1, "alpha": self.alpha, "beta": self.beta,
                "convention": ("cumulative a_j/N_j: stop (not promising) after stage j if S_j <= a_j; a:b/N also "
                               "stops (promising) if S_j > b; promising at the end if S_J > r"),
                "designs": self.rows()}

    def to_frame(self):
        from .results import _frame

        return _frame(self.rows())


def _as_design(obj):
    """(Design, kind, family) of anything that names a design: text, JSON, dict, tuple or a result object."""
    inner = getattr(obj, "design", None)
    if isinstance(inner, Design):
        return inner, getattr(obj, "kind", "") or "", getattr(obj, "family", "") or ""
    return Design.parse(obj), "", ""


def _meets(design, value, nominal, exact_nominal, p, above):
    """value <= nominal (above=False) or value >= nominal (above=True), decided exactly near a tie."""
    if abs(value - nominal) > 1e-9 * nominal:
        return value >= nominal if above else value <= nominal
    from .engine.exact import exact_oc

    exact = exact_oc(design, p)["reject"]
    return exact >= exact_nominal if above else exact <= exact_nominal


def compare_designs(designs, p0, p1, *, alpha=None, beta=None):
    """Put designs of any family side by side: n, EN and PET at p0 and p1, attained alpha, power, rule.

    Parameters
    ----------
    designs : iterable
        Each anything :meth:`Design.parse` reads (``"1/10,5/29"``, ``"3:6/16,11/41"``, JSON, a dict, a
        tuple) or a result object with a ``design`` (``TwoStageDesign``, ``MultiStageDesign``, a family's
        proposal); a result object's ``kind`` and ``family`` are kept.
    p0, p1 : float
        The response rates of H0 and H1 at which every design is evaluated.
    alpha, beta : float, optional
        Check each design against ``attained alpha <= alpha`` and ``power >= 1 - beta``.

    Returns
    -------
    DesignComparison

    Examples
    --------
    >>> c = compare_designs(["1/10,5/29", "1/15,5/25", "5/25"], 0.1, 0.3, alpha=0.05, beta=0.2)
    >>> [(r["design"], r["n"], round(r["en0"], 2), r["meets_alpha"]) for r in c.rows()]
    [('1/10, 5/29', 29, 15.01, True), ('1/15, 5/25', 25, 19.51, True), ('5/25', 25, 25.0, True)]
    """
    p0 = check_rate("p0", p0)
    p1 = check_rate("p1", p1)
    if isinstance(designs, (str, dict)) or not hasattr(designs, "__iter__"):
        designs = [designs]
    parsed = []
    for i, obj in enumerate(designs):
        try:
            parsed.append(_as_design(obj))
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"designs[{i}]: {exc}") from None
    if not parsed:
        raise ValueError("designs must name at least one design, got none")
    alpha = None if alpha is None else check_probability("alpha", alpha)
    beta = None if beta is None else check_probability("beta", beta)
    evaluated = tuple(MultiStageDesign.evaluate(d, p0, p1, alpha=alpha, beta=beta, kind=kind, family=family)
                      for d, kind, family in parsed)
    meets_a = meets_b = None
    if alpha is not None:
        meets_a = tuple(_meets(d.design, d.attained_alpha, alpha, exact_decimal(alpha), p0, False)
                        for d in evaluated)
    if beta is not None:
        meets_b = tuple(_meets(d.design, d.power, 1.0 - beta, 1 - exact_decimal(beta), p1, True)
                        for d in evaluated)
    return DesignComparison(p0=p0, p1=p1, alpha=alpha, beta=beta, designs=evaluated, meets_alpha=meets_a,
                            meets_power=meets_b)

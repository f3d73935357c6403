"""Exact operating characteristics of single-stage and Simon two-stage designs.

Conventions (Simon 1989)
------------------------
* Single stage ``r/n``: reject H0 (declare the drug promising) if more than
  ``r`` of ``n`` respond.  A'Hern (2001) prints ``r + 1``.
* Two stage ``r1/n1, r/n``: stop after ``n1`` patients if ``X1 <= r1``;
  otherwise treat ``n2 = n - n1`` more and reject H0 if ``X1 + X2 > r``.

All probabilities are exact binomial sums in double precision.
"""

import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .._validation import (N_LIMIT, check_int, check_probability, check_rate, check_rates_ordered,
                           check_single_stage, check_two_stage)
from ..results import OperatingCharacteristics, SingleStageDesign, TwoStageDesign, _frame, _plain
from .design import Design
from .samplespace import SampleSpace, two_stage_summary


class NoFeasibleDesignError(ValueError):
    """No design meets the constraints within the allowed sample size."""


def _check_errors(alpha, beta):
    alpha = check_probability("alpha", alpha)
    beta = check_probability("beta", beta)
    if alpha + beta >= 1.0:
        raise ValueError(f"alpha + beta must be below 1 (else a trial with no patients meets them), "
                         f"got alpha={alpha!r}, beta={beta!r}")
    # beta = 0.8 nearly always means power 0.8: a design with power 0.2 is no design anyone wants
    if beta >= 0.5:
        raise ValueError(f"beta must be below 0.5: it is the type II error, power = 1 - beta; for power "
                         f"{beta:.10g} give beta={1 - beta:.10g} (CLI: --power {beta:.10g}), got beta={beta!r}")
    if alpha >= 0.5:
        raise ValueError(f"alpha must be below 0.5: it is the largest one-sided type I error, got alpha={alpha!r}")
    return alpha, beta


def _check_nmax(nmax):
    if nmax is None:
        return None
    return check_int("nmax", nmax, minimum=2, maximum=N_LIMIT)


def _approx_single_n(p0, p1, alpha, beta):
    """Normal-approximation sample size, used only to size tables."""
    from statistics import NormalDist

    # upper quantiles as -inv_cdf(tail): 1 - alpha rounds to 1 for alpha below 1e-16
    za = -NormalDist().inv_cdf(alpha)
    zb = -NormalDist().inv_cdf(beta)
    v = (za * math.sqrt(p0 * (1 - p0)) + zb * math.sqrt(p1 * (1 - p1))) / (p1 - p0)
    return int(math.ceil(v * v))


# ---------------------------------------------------------------------------
# Operating characteristics
# ---------------------------------------------------------------------------

def _grid(p):
    """Response rates in [0, 1]: one number or a non-empty 1-d sequence of numbers."""
    if isinstance(p, np.ndarray):
        if p.ndim > 1:
            raise ValueError(f"p must be a number or a 1-d sequence of numbers, got an array of shape {p.shape}")
        values = p.tolist()
    elif isinstance(p, (list, tuple, range)):
        values = list(p)
    else:
        values = [p]  # a single rate; check_rate names anything else
    if not values:
        raise ValueError("p must hold at least one rate, got an empty sequence")
    return np.array([check_rate("p", v, closed=True) for v in values])


@dataclass(frozen=True)
class DesignOC:
    """Exact operating characteristics of any design over a grid of response rates.

    Attributes
    ----------
    design : Design
    p : tuple of float
    reject : tuple of float
        ``P_p(the design declares the drug promising)``.
    en : tuple of float
        Expected number of patients, ``sum_j N_j P_p(N = N_j)``.
    stop : tuple of tuple of float
        For each p, ``P_p(N = N_j)`` for ``j = 1..J``: the distribution of the
        sample size (the trial ends after stage ``j``).
    futility, efficacy : tuple of tuple of float
        For each p and stage, the probability of ending there not promising
        (``S_j <= a_j``) and promising (``S_j > b_j``); at the last stage,
        ``S_J <= r`` and ``S_J > r``.
    """

    design: Design
    p: Tuple[float, ...]
    reject: Tuple[float, ...]
    en: Tuple[float, ...]
    stop: Tuple[Tuple[float, ...], ...]
    futility: Tuple[Tuple[float, ...], ...]
    efficacy: Tuple[Tuple[float, ...], ...]

    @property
    def final_fail(self):
        return tuple(f[-1] for f in self.futility)

    @property
    def final_success(self):
        return tuple(e[-1] for e in self.efficacy)

    def columns(self):
        """Column names of :meth:`rows`: p, reject, en, the stops each stage can make, then ``complete``.

        ``stopJ_futility`` is P(stop after stage J, not promising), ``stopJ_efficacy`` P(stop after stage J,
        promising) and ``complete`` P(every stage is run), so that with the stops it gives the distribution
        of the sample size.
        """
        d = self.design
        cols = ["p", "reject", "en"]
        for j in range(d.stages - 1):
            if d.futility[j] >= 0:
                cols.append(f"stop{j + 1}_futility")
            if d.efficacy[j] is not None:
                cols.append(f"stop{j + 1}_efficacy")
        return cols + ["complete"]

    def rows(self):
        out = []
        for i, p in enumerate(self.p):
            row = {"p": p, "reject": self.reject[i], "en": self.en[i]}
            for j in range(self.design.stages - 1):
                row[f"stop{j + 1}_futility"] = self.futility[i][j]
                row[f"stop{j + 1}_efficacy"] = self.efficacy[i][j]
            row["complete"] = self.stop[i][-1]
            out.append({c: row[c] for c in self.columns()})
        return out

    def to_dict(self):
        d = self.design.to_dict()
        return _plain({"design": d["label"], "stages": self.design.stages, "n": d["n"], "futility_bounds": d["futility"],
                       "efficacy_bounds": d["efficacy"], "rule": d["rule"], "p": self.p, "reject": self.reject,
                       "en": self.en, "sample_size_distribution": self.stop, "stop_futility": self.futility,
                       "stop_efficacy": self.efficacy})

    def to_frame(self):
        return _frame(self.rows(), self.columns())


def design_oc(design, p):
    """Exact operating characteristics of any design at each response rate in ``p``.

    Sums of the outcome probabilities of the design's sample space
    (:class:`phase2design.engine.samplespace.SampleSpace`):

    .. math::

        P_p(\\text{promising}) = \\sum_{j<J} P_p(S_j > b_j \\text{ at } j) + P_p(S_J > r),
        \\qquad EN = N_1 + \\sum_{j \\ge 2} (N_j - N_{j-1}) P_p(\\text{stage } j \\text{ is reached}).

    Parameters
    ----------
    design : Design or text such as ``"0/6,2/17,5/29"`` (see :class:`Design`)
    p : float or sequence of float in [0, 1]

    Examples
    --------
    >>> oc = design_oc("0/6,2/17,5/29", [0.1, 0.3])
    >>> [round(v, 4) for v in oc.reject]
    [0.0469, 0.8016]
    """
    space = SampleSpace(design)
    ps = _grid(p)
    reject, en, stop, fut, eff = [], [], [], [], []
    for o in space.oc_grid(ps):
        reject.append(o["reject"])
        en.append(o["en"])
        stop.append(tuple(o["stop"]))
        fut.append(tuple(o["futility"]))
        eff.append(tuple(o["efficacy"]))
    return DesignOC(design=space.design, p=tuple(ps.tolist()), reject=tuple(reject), en=tuple(en),
                    stop=tuple(stop), futility=tuple(fut), efficacy=tuple(eff))


def single_stage_oc(r, n, p):
    """Exact operating characteristics of the single-stage design ``r/n``.

    Parameters
    ----------
    r, n : int
        Reject H0 if more than ``r`` of ``n`` respond.
    p : float or sequence of float
        True response rates in [0, 1].

    Returns
    -------
    OperatingCharacteristics
        ``reject[i] = P(X > r | p[i]) = sum_{x > r} C(n, x) p^x (1-p)^(n-x)``.

    Examples
    --------
    >>> oc = single_stage_oc(4, 9, [0.2, 0.5])
    >>> round(oc.reject[1], 4)
    0.5
    """
    r, n = check_single_stage(r, n)
    oc = design_oc(Design.single(r, n), p)
    zeros = tuple(0.0 for _ in oc.p)
    return OperatingCharacteristics(
        design="single-stage", label=oc.design.label(), p=oc.p, reject=oc.reject, pet=zeros,
        en=tuple(float(n) for _ in oc.p), stop_stage1=zeros, continue_fail=oc.final_fail,
        continue_success=oc.reject, rule=oc.design.rule())


def two_stage_oc(r1, n1, r, n, p):
    """Exact operating characteristics of the Simon design ``r1/n1, r/n``.

    .. math::

        P(\\text{reject}) = \\sum_{x_1 = r_1 + 1}^{n_1} b(x_1; n_1, p)\\,
                          P(X_2 > r - x_1;\\, n - n_1, p),\\qquad
        PET = P(X_1 \\le r_1),\\qquad EN = n_1 + (1 - PET)(n - n_1).

    Parameters
    ----------
    r1, n1, r, n : int
        Stop after ``n1`` if ``X1 <= r1``; reject H0 if ``X1 + X2 > r``.
    p : float or sequence of float
        True response rates in [0, 1].

    Examples
    --------
    >>> oc = two_stage_oc(1, 10, 5, 29, [0.1, 0.3])
    >>> [round(v, 4) for v in oc.pet]
    [0.7361, 0.1493]
    """
    r1, n1, r, n = check_two_stage(r1, n1, r, n)
    oc = design_oc(Design.simon(r1, n1, r, n), p)
    pet = tuple(stop[0] for stop in oc.stop)
    return OperatingCharacteristics(
        design="two-stage", label=oc.design.label(), p=oc.p, reject=oc.reject, pet=pet, en=oc.en,
        stop_stage1=pet, continue_fail=oc.final_fail, continue_success=oc.final_success, rule=oc.design.rule())


def two_stage_design(r1, n1, r, n, p0, p1, *, alpha=None, beta=None, kind="", q_low=None, q_high=None):
    """The design ``r1/n1, r/n`` with its exact error rates, EN and PET at p0 and p1.

    Examples
    --------
    >>> d = two_stage_design(1, 10, 5, 29, 0.1, 0.3)
    >>> round(d.en0, 1), round(d.pet0, 3)
    (15.0, 0.736)
    """
    r1, n1, r, n = check_two_stage(r1, n1, r, n)
    p0, p1 = check_rates_ordered(p0, p1)
    return _two_stage(r1, n1, r, n, p0, p1, alpha, beta, kind, q_low, q_high)


def _two_stage(r1, n1, r, n, p0, p1, alpha, beta, kind="", q_low=None, q_high=None):
    # the search's own designs are valid by construction: no checks, no SampleSpace (this runs for every n
    # the search reports)
    (a, pet0, en0), (pw, pet1, en1) = two_stage_summary(r1, n1, r, n, (p0, p1)).tolist()
    return TwoStageDesign(
        r1=int(r1), n1=int(n1), r=int(r), n=int(n), p0=p0, p1=p1, attained_alpha=a, power=pw, en0=en0,
        pet0=pet0, en1=en1, pet1=pet1, alpha=alpha, beta=beta, kind=kind, q_low=q_low, q_high=q_high)


def single_stage_design_oc(r, n, p0, p1):
    """The single-stage design ``r/n`` with its exact type I error and power."""
    r, n = check_single_stage(r, n)
    p0, p1 = check_rates_ordered(p0, p1)
    a, pw = design_oc(Design.single(r, n), [p0, p1]).reject
    return SingleStageDesign(r=r, n=n, p0=p0, p1=p1, attained_alpha=a, power=pw)

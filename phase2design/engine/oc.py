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

import numpy as np

from ..numerics import _binomial as K
from .._validation import (N_LIMIT, check_int, check_probability, check_rate, check_rates_ordered,
                           check_single_stage, check_two_stage)
from ..results import OperatingCharacteristics, SingleStageDesign, TwoStageDesign


class NoFeasibleDesignError(ValueError):
    """No design meets the constraints within the allowed sample size."""


def _check_errors(alpha, beta):
    alpha = check_probability("alpha", alpha)
    beta = check_probability("beta", beta)
    if alpha + beta >= 1.0:
        raise ValueError(f"alpha + beta must be below 1 (else a trial with no patients meets them), "
                         f"got alpha={alpha!r}, beta={beta!r}")
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
    ps = _grid(p)
    m = K._single_oc(r, n, ps)
    zeros = tuple(0.0 for _ in ps)
    return OperatingCharacteristics(
        design="single-stage", label=f"{r}/{n}", p=tuple(ps.tolist()), reject=tuple(m[:, 0].tolist()),
        pet=zeros, en=tuple(float(n) for _ in ps), stop_stage1=zeros,
        continue_fail=tuple(m[:, 1].tolist()), continue_success=tuple(m[:, 0].tolist()),
        rule=SingleStageDesign(r, n, 0.0, 0.0, 0.0, 0.0).rule())


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
    ps = _grid(p)
    m = K._twostage_oc(r1, n1, r, n, ps)
    d = TwoStageDesign(r1, n1, r, n, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return OperatingCharacteristics(
        design="two-stage", label=d.label(), p=tuple(ps.tolist()), reject=tuple(m[:, 0].tolist()),
        pet=tuple(m[:, 1].tolist()), en=tuple(m[:, 4].tolist()), stop_stage1=tuple(m[:, 1].tolist()),
        continue_fail=tuple(m[:, 2].tolist()), continue_success=tuple(m[:, 3].tolist()), rule=d.rule())


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
    m = K._twostage_oc(r1, n1, r, n, np.array([p0, p1]))
    return TwoStageDesign(
        r1=int(r1), n1=int(n1), r=int(r), n=int(n), p0=p0, p1=p1,
        attained_alpha=float(m[0, 0]), power=float(m[1, 0]),
        en0=float(m[0, 4]), pet0=float(m[0, 1]), en1=float(m[1, 4]), pet1=float(m[1, 1]),
        alpha=alpha, beta=beta, kind=kind, q_low=q_low, q_high=q_high)


def single_stage_design_oc(r, n, p0, p1):
    """The single-stage design ``r/n`` with its exact type I error and power."""
    r, n = check_single_stage(r, n)
    p0, p1 = check_rates_ordered(p0, p1)
    (a, _), (pw, _) = K._single_oc(r, n, np.array([p0, p1]))
    return SingleStageDesign(r=r, n=n, p0=p0, p1=p1, attained_alpha=float(a), power=float(pw))

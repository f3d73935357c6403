"""Exact single-stage designs (A'Hern 2001) and the table of every cut-off of a fixed n.

Convention: ``r/n`` declares the drug promising (rejects H0) if more than ``r``
of ``n`` respond; A'Hern (2001) prints ``r + 1``.
"""

import math
from fractions import Fraction

import numpy as np

from .._validation import N_LIMIT, check_choice, check_int, check_rate, check_rates_ordered, exact_decimal
from ..engine.design import Design
from ..engine.oc import NoFeasibleDesignError, design_oc, _approx_single_n, _check_errors, _check_nmax
from ..numerics import _binomial as B
from ..results import CutoffTable, SingleStageDesign, SingleStageResult
from . import _search_kernels as S
from .base import Family, Proposal


# ---------------------------------------------------------------------------
# Single stage
# ---------------------------------------------------------------------------

def single_stage_design(p0, p1, alpha, beta, *, comparison="strict", candidates=5, nmax=None):
    """Exact single-stage design (A'Hern 2001).

    Finds the smallest ``n`` (then the smallest ``r``) with

    .. math::

        P(X > r \\mid n, p_0) \\le \\alpha, \\qquad P(X > r \\mid n, p_1) \\ge 1 - \\beta .

    For each ``n`` the smallest ``r`` meeting alpha has the largest power, so
    it is the only cut-off checked.

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 and H1, ``0 < p0 < p1 < 1``.
    alpha, beta : float
        Largest type I and type II error rates.
    comparison : {"strict", "ahern-rounded"}
        ``"strict"`` compares exact values.  ``"ahern-rounded"`` reproduces
        A'Hern's published table, which compared attained alpha rounded to 4
        decimals and power rounded to 3; designs found that way may exceed
        alpha or miss 1 - beta in the unrounded digits.
    candidates : int
        How many feasible designs to list (smallest ``n`` first).
    nmax : int, optional
        Largest ``n`` to consider (default 5000, the engine's limit).

    Returns
    -------
    SingleStageResult

    References
    ----------
    A'Hern RP (2001). Sample size tables for exact single-stage phase II
    designs. Statistics in Medicine 20:859-866.

    Examples
    --------
    >>> res = single_stage_design(0.2, 0.4, 0.05, 0.2)
    >>> res.design.r, res.design.n, res.design.r_min
    (11, 35, 12)
    """
    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    comparison = check_choice("comparison", comparison, ("strict", "ahern-rounded"))
    candidates = check_int("candidates", candidates, minimum=1, maximum=100)
    nmax = _check_nmax(nmax)
    limit = N_LIMIT if nmax is None else nmax
    rounded = comparison == "ahern-rounded"
    # No test on n patients beats the randomised most powerful one, so start where it reaches the
    # power; A'Hern's rounding admits alpha up to alpha + 0.00005 and power down to 1 - beta - 0.0005.
    slack_a, slack_b = (0.00005, 0.0005) if rounded else (0.0, 0.0)
    start = _smallest_n_ump(p0, p1, min(alpha + slack_a, 0.999), min(beta + slack_b, 0.999), n_min=1)
    if start is None:
        start = N_LIMIT + 1
    rows = _single_rows(start, limit, p0, p1, alpha, beta, rounded, candidates)
    if rows.shape[0] == 0:
        hint = ""
        if nmax is not None and nmax < N_LIMIT:
            more = _single_rows(max(nmax + 1, start), N_LIMIT, p0, p1, alpha, beta, rounded, 1)
            if more.shape[0]:
                hint = f"; the smallest feasible n is {int(more[0, 0])}: use nmax >= {int(more[0, 0])}"
        raise NoFeasibleDesignError(
            f"no single-stage design with n <= {limit} meets alpha={alpha:.10g} and beta={beta:.10g} "
            f"for p0={p0:.10g}, p1={p1:.10g}{hint or ': widen p1 - p0 or relax alpha or beta'}")
    designs = tuple(
        SingleStageDesign(r=int(row[1]), n=int(row[0]), p0=p0, p1=p1, attained_alpha=float(row[2]),
                          power=float(row[3]), alpha=alpha, beta=beta, comparison=comparison)
        for row in rows)
    return SingleStageResult(p0=p0, p1=p1, alpha=alpha, beta=beta, comparison=comparison,
                             design=designs[0], candidates=designs)


def _exact_sf(r, n, rate):
    """P(X > r) for X ~ Bin(n, rate), rate a Fraction, as an exact Fraction."""
    a, d = rate.numerator, rate.denominator
    return Fraction(sum(math.comb(n, k) * a ** k * (d - a) ** (n - k) for k in range(r + 1, n + 1)), d ** n)


def _single_rows(nlo, nhi, p0, p1, alpha, beta, rounded, want):
    """Feasible single-stage designs (rows n, r, alpha, power), exact ties resolved exactly.

    The kernel decides in double precision.  Attained values within a
    relative 1e-9 of alpha or 1 - beta (in practice only exact ties, which
    "round" inputs such as p0 = 1/2 and alpha = 1/16 produce) are re-decided
    in rational arithmetic, taking each rate as the decimal it was given as
    (0.1 is 1/10).  A'Hern's rounded comparison is left as he defined it.
    """
    if rounded:
        return S._single_scan(nlo, nhi, p0, p1, alpha, beta, True, want)
    tol = 1e-9
    # a relaxed scan keeps every design that could be feasible exactly, then each is settled
    raw = S._single_scan(nlo, nhi, p0, p1, alpha * (1 + tol), beta + tol, False, want + 10)
    exact = None
    out = []
    for n, r, a, pw in raw:
        n, r = int(n), int(r)
        if a > alpha * (1 - tol) or pw < (1.0 - beta) + tol:
            if exact is None:
                exact = tuple(exact_decimal(v) for v in (p0, p1, alpha, beta))
            fp0, fp1, falpha, fbeta = exact
            while _exact_sf(r, n, fp0) > falpha:
                r += 1
            if _exact_sf(r, n, fp1) < 1 - fbeta:
                continue
            a, pw = design_oc(Design.single(r, n), [p0, p1]).reject
        out.append((n, r, a, pw))
        if len(out) == want:
            break
    return np.array(out, dtype=float).reshape(-1, 4)


def cutoff_table(n, p0, p1=None):
    """Type I error and power of every rule "reject H0 if X > r", r = 0..n.

    Shows every decision rule a trial of ``n`` patients could have used, e.g.
    for a 9-patient trial judged against p0 = 0.1 or 0.2 and p1 = 0.5.

    Parameters
    ----------
    n : int
        Sample size.
    p0 : float or sequence of float
        One or more null response rates.
    p1 : float, optional
        Alternative response rate for the power column.

    Examples
    --------
    >>> t = cutoff_table(9, [0.1, 0.2], 0.5)
    >>> round(t.alpha[0][2], 4), round(t.power[2], 4)   # reject if >= 3 of 9
    (0.0530, 0.9102)
    """
    n = check_int("n", n, minimum=1, maximum=N_LIMIT)
    p0s = [check_rate("p0", v) for v in np.atleast_1d(np.asarray(p0, dtype=object)).tolist()]
    if not p0s:
        raise ValueError("p0 must hold at least one rate, got an empty sequence")
    if p1 is not None:
        p1 = check_rate("p1", p1)
        for v in p0s:
            if not v < p1:
                raise ValueError(f"p0 must be smaller than p1, got p0={v!r} and p1={p1!r}")
    rs = np.arange(n + 1)
    alphas = []
    for v in p0s:
        _, _, sf = B._binom_tables(n, v)
        alphas.append(tuple(float(x) for x in sf))
    power = None
    if p1 is not None:
        _, _, sf1 = B._binom_tables(n, p1)
        power = tuple(float(x) for x in sf1)
    return CutoffTable(n=n, p0=tuple(p0s), p1=p1, r=tuple(int(r) for r in rs), alpha=tuple(alphas), power=power)


# ---------------------------------------------------------------------------
# Simon two stage
# ---------------------------------------------------------------------------


def _smallest_n_ump(p0, p1, alpha, beta, n_min=2):
    """Smallest n whose most powerful level-alpha test reaches power 1 - beta (None if > N_LIMIT).

    That power never decreases with n, so a doubling search followed by
    bisection finds it.
    """
    target = 1.0 - beta
    lo, hi = 1, min(max(_approx_single_n(p0, p1, alpha, beta), 2), N_LIMIT)
    while S._ump_power(hi, p0, p1, alpha) < target:
        if hi == N_LIMIT:
            return None
        lo, hi = hi + 1, min(2 * hi, N_LIMIT)
    while lo < hi:
        mid = (lo + hi) // 2
        if S._ump_power(mid, p0, p1, alpha) >= target:
            hi = mid
        else:
            lo = mid + 1
    return max(lo, n_min)


class SingleStageFamily(Family):
    """A'Hern's (2001) exact single-stage design: the smallest n, then the cut-off meeting alpha."""

    name = "single"
    title = "single stage (A'Hern 2001)"
    kinds = ("single-stage",)
    method = ("the smallest sample size n, with the smallest cut-off r, for which the exact binomial test that "
              "declares the drug promising if more than r of n respond has type I error at most alpha and power "
              "at least 1 - beta (A'Hern 2001)")

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        return single_stage_design(p0, p1, alpha, beta, nmax=nmax)

    def proposals(self, result, *, admissible=False):
        return [Proposal(self.name, "single-stage", result.design)]

    def report_blocks(self, result, p0, p1, alpha, beta):
        """The A'Hern design and the feasible single-stage designs, smallest n first."""
        from dataclasses import replace

        from ..present import tables, texts
        from ..present.blocks import Paragraph

        if result is None:
            return [Paragraph(f"No single-stage design meets alpha={alpha:.10g} and beta={beta:.10g} in the range "
                              f"searched.")]
        s = result.design
        inputs = texts.design_inputs(p0, p1, alpha, beta)
        # the command line right-aligns the design labels as it does every column; the report left-aligns
        # them, as in its other design tables
        return [Paragraph(f"Single-stage design for {inputs} (A'Hern 2001; strict comparison of exact values). "
                          f"Convention: r/n = declare the drug promising (reject H0) if X > r, i.e. at least r + 1 "
                          f"of n respond. Design: {s.label()}: {s.rule()}; attained alpha {s.attained_alpha:.4f}, "
                          f"power {s.power:.4f}. Smallest feasible n first (a larger n is not always feasible):"),
                replace(tables.single_stage_table(result.candidates), aligns=("l", "r", "r", "r"))]

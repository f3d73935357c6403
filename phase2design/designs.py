"""Exact single-stage and Simon two-stage designs.

Conventions (Simon 1989)
------------------------
* Single stage ``r/n``: reject H0 (declare the drug promising) if more than
  ``r`` of ``n`` respond.  A'Hern (2001) prints ``r + 1``.
* Two stage ``r1/n1, r/n``: stop after ``n1`` patients if ``X1 <= r1``;
  otherwise treat ``n2 = n - n1`` more and reject H0 if ``X1 + X2 > r``.

All probabilities are exact binomial sums in double precision.
"""

import math
from fractions import Fraction

import numpy as np

from . import _kernels as K
from ._validation import (N_LIMIT, check_choice, check_int, check_probability, check_rate,
                          check_rates_ordered, check_single_stage, check_two_stage, exact_decimal)
from .results import (CutoffTable, OperatingCharacteristics, SimonResult, SingleStageDesign,
                      SingleStageResult, TwoStageDesign)


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
        return K._single_scan(nlo, nhi, p0, p1, alpha, beta, True, want)
    tol = 1e-9
    # a relaxed scan keeps every design that could be feasible exactly, then each is settled
    raw = K._single_scan(nlo, nhi, p0, p1, alpha * (1 + tol), beta + tol, False, want + 10)
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
            a, pw = K._single_oc(r, n, np.array([p0, p1]))[:, 0]
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
        _, _, sf = K._binom_tables(n, v)
        alphas.append(tuple(float(x) for x in sf))
    power = None
    if p1 is not None:
        _, _, sf1 = K._binom_tables(n, p1)
        power = tuple(float(x) for x in sf1)
    return CutoffTable(n=n, p0=tuple(p0s), p1=p1, r=tuple(int(r) for r in rs), alpha=tuple(alphas), power=power)


# ---------------------------------------------------------------------------
# Simon two stage
# ---------------------------------------------------------------------------

class _Tables:
    """Triangular binomial tables at p0 and p1 for m = 0..size, grown on demand."""

    def __init__(self, p0, p1, beta, size):
        self.p0, self.p1, self.beta = p0, p1, beta
        self.size = -1
        self.grow(size)

    def grow(self, size):
        size = min(max(size, 8), N_LIMIT)
        if size <= self.size:
            return
        self.pmf0, self.sf0 = K._triangular_tables(size, self.p0)
        self.pmf1, self.sf1 = K._triangular_tables(size, self.p1)
        self.r1max = K._r1_limits(size, self.beta, self.pmf1)
        self.size = size

    def ensure(self, n):
        if n > self.size:
            self.grow(max(2 * self.size, n))


def _smallest_n_ump(p0, p1, alpha, beta, n_min=2):
    """Smallest n whose most powerful level-alpha test reaches power 1 - beta (None if > N_LIMIT).

    That power never decreases with n, so a doubling search followed by
    bisection finds it.
    """
    target = 1.0 - beta
    lo, hi = 1, min(max(_approx_single_n(p0, p1, alpha, beta), 2), N_LIMIT)
    while K._ump_power(hi, p0, p1, alpha) < target:
        if hi == N_LIMIT:
            return None
        lo, hi = hi + 1, min(2 * hi, N_LIMIT)
    while lo < hi:
        mid = (lo + hi) // 2
        if K._ump_power(mid, p0, p1, alpha) >= target:
            hi = mid
        else:
            lo = mid + 1
    return max(lo, n_min)


def _admissible(best, n_opt):
    """Designs on the lower convex hull of (n, EN0), with their q ranges.

    A design minimises ``q n + (1 - q) EN0`` for ``q`` in ``[q_low, q_high]``;
    between consecutive hull designs a (smaller n) and b the switch happens at
    ``q = (EN0_a - EN0_b) / ((n_b - n_a) + (EN0_a - EN0_b))``.
    """
    pts = [d for d in best if d.n <= n_opt]
    hull = [pts[0]]
    q_bounds = [1.0]
    cur = pts[0]
    while cur.n < n_opt:
        best_q, nxt = -1.0, None
        for d in pts:
            if d.n <= cur.n or d.en0 >= cur.en0:
                continue
            gain = cur.en0 - d.en0
            q = gain / ((d.n - cur.n) + gain)
            # on ties take the larger n: it carries on to smaller q
            if q > best_q or (q == best_q and d.n > nxt.n):
                best_q, nxt = q, d
        if nxt is None:
            break
        hull.append(nxt)
        q_bounds.append(best_q)
        cur = nxt
    q_bounds.append(0.0)
    return [(d, q_bounds[i + 1], q_bounds[i]) for i, d in enumerate(hull)]


def simon_design(p0, p1, alpha, beta, *, nmax=None, progress=None):
    """Simon two-stage designs: optimal, minimax, admissible and the best per n.

    A design ``r1/n1, r/n`` stops after ``n1`` patients if ``X1 <= r1`` and
    declares the drug promising if ``X1 + X2 > r``.  It is feasible if

    .. math::

        \\alpha(d) = \\sum_{x_1 > r_1} b(x_1; n_1, p_0) P(X_2 > r - x_1; n_2, p_0) \\le \\alpha,
        \\qquad 1 - \\beta(d) \\ge 1 - \\beta .

    The *optimal* design minimises ``EN0 = n1 + (1 - PET0) n2`` with
    ``PET0 = P(X1 <= r1 | p0)``; the *minimax* design minimises ``n`` (ties:
    smallest EN0); *admissible* designs (Jung et al. 2004) minimise
    ``q n + (1 - q) EN0`` for some ``q`` in [0, 1].

    Search and its limits
    ---------------------
    ``n`` starts at the smallest size whose randomised most powerful test
    (Neyman-Pearson) reaches power ``1 - beta``: no design of any kind with
    fewer patients can.  For each ``n`` the search finds the minimum-EN0
    design exactly (all ``n1``, ``r1``; for each the smallest ``r`` meeting
    alpha, which maximises power).  Without ``nmax`` it stops at the first
    ``n`` beyond which every design has EN0 above the best found so far,
    ``EN0*``: since power needs ``P(X1 > r1 | p1) >= 1 - beta``, i.e.
    ``r1 <= r1max(n1)``,

    .. math::

        EN_0 \\ge L(n) = \\min_{n_1 \\le EN_0^*} \\{ n_1 + P(X_1 > r_{1\\max}(n_1) \\mid p_0)(n - n_1) \\},

    which grows with ``n``.  Once ``L(n) > EN0*`` no larger ``n`` can hold the
    optimal design, and no admissible design has ``n`` above the optimal
    design's, so the bound excludes neither.

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 and H1, ``0 < p0 < p1 < 1``.
    alpha, beta : float
        Largest type I and type II error rates (compared exactly, no tolerance).
    nmax : int, optional
        Largest total sample size to consider (at most 5000).
    progress : callable, optional
        Called as ``progress(n)`` after each ``n``.

    Returns
    -------
    SimonResult

    Raises
    ------
    NoFeasibleDesignError
        When no design has ``n <= nmax``; the message names a sufficient nmax.

    References
    ----------
    Simon R (1989). Optimal two-stage designs for phase II clinical trials.
    Controlled Clinical Trials 10:1-10.
    Jung SH, Lee T, Kim K, George SL (2004). Admissible two-stage designs for
    phase II cancer clinical trials. Statistics in Medicine 23:561-569.

    Examples
    --------
    >>> res = simon_design(0.1, 0.3, 0.05, 0.2)
    >>> res.optimal.label(), res.minimax.label()
    ('1/10, 5/29', '1/15, 5/25')
    """
    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    nmax = _check_nmax(nmax)
    limit = N_LIMIT if nmax is None else nmax
    n = _smallest_n_ump(p0, p1, alpha, beta)
    if n is None:
        raise NoFeasibleDesignError(
            f"no design with n <= {N_LIMIT} (the engine's limit) meets alpha={alpha:.10g}, beta={beta:.10g} "
            f"for p0={p0:.10g}, p1={p1:.10g}: widen p1 - p0 or relax alpha or beta")
    n_lo = n
    tab = _Tables(p0, p1, beta, max(int(1.6 * _approx_single_n(p0, p1, alpha, beta)), n) + 20)
    rows = []
    near_ties = []
    en0_star = math.inf
    stop_reason = (f"nmax={limit} reached" if nmax is not None else
                   f"the engine's limit n={N_LIMIT} reached before the EN0 bound applied")
    while n <= limit:
        tab.ensure(n)
        found, r1, n1, r, en0, a, pw, near = K._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1,
                                                          tab.sf1, tab.r1max, np.inf)
        if near:
            near_ties.append(n)
        if found:
            rows.append((r1, n1, r, n))
            en0_star = min(en0_star, en0)
        if progress is not None:
            progress(n)
        if rows and n + 1 > en0_star + 1:
            tab.ensure(n + 1)
            if K._en0_lower_bound(n + 1, en0_star, tab.pmf0, tab.sf0, tab.r1max) > en0_star:
                stop_reason = (f"bound: every design with n > {n} has EN0 > {en0_star:.6f} "
                               f"(the optimal design's)")
                break
        n += 1
    n_searched = min(n, limit)
    if not rows:
        raise NoFeasibleDesignError(_sufficient_nmax_message(tab, p0, p1, alpha, beta, limit, n_lo))
    best = [_two_stage(r1, n1, r, nn, p0, p1, alpha, beta) for (r1, n1, r, nn) in rows]
    optimal = min(best, key=lambda d: (d.en0, d.n))
    minimax = best[0]
    adm = _admissible(best, optimal.n)
    admissible = []
    for d, q_low, q_high in adm:
        kind = "admissible"
        if d is minimax:
            kind = "minimax"
        if d is optimal:
            kind = "optimal" if d is not minimax else "minimax+optimal"
        admissible.append(_with(d, kind=kind, q_low=q_low, q_high=q_high))
    by_key = {(d.r1, d.n1, d.r, d.n): d for d in admissible}
    return SimonResult(
        p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax, n_searched=n_searched, stop_reason=stop_reason,
        optimal=by_key.get((optimal.r1, optimal.n1, optimal.r, optimal.n), _with(optimal, kind="optimal")),
        minimax=by_key.get((minimax.r1, minimax.n1, minimax.r, minimax.n), _with(minimax, kind="minimax")),
        admissible=tuple(admissible), best_by_n=tuple(best), near_ties=tuple(near_ties))


def _with(d, **changes):
    from dataclasses import replace

    return replace(d, **changes)


def _sufficient_nmax_message(tab, p0, p1, alpha, beta, limit, n_lo):
    n = max(limit + 1, n_lo)
    while n <= N_LIMIT:
        tab.ensure(n)
        found = K._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1, tab.r1max, np.inf)[0]
        if found:
            return (f"no two-stage design with n <= {limit} meets alpha={alpha:.10g}, beta={beta:.10g} for "
                    f"p0={p0:.10g}, p1={p1:.10g}; the smallest n with a feasible design is {n}: use nmax >= {n} "
                    f"(or omit nmax to search until the optimal design is proven)")
        n += 1
    return (f"no two-stage design with n <= {N_LIMIT} (the engine's limit) meets alpha={alpha:.10g}, "
            f"beta={beta:.10g} for p0={p0:.10g}, p1={p1:.10g}: widen p1 - p0 or relax alpha or beta")


#: Most (n, n1, r1) triples simon_feasible_designs examines in one call (about 10 s and 1 GB).
FEASIBLE_LIMIT = 2_000_000


def simon_feasible_designs(p0, p1, alpha, beta, *, n_range, n1_range=None):
    """Every feasible Simon design with ``n`` (and ``n1``) in the given ranges.

    For each ``(n, n1, r1)`` only the smallest ``r`` meeting alpha is listed:
    it has the most power, and a larger ``r`` with the same ``(n, n1, r1)``
    has the same EN0 and n with less power, so it is never preferable.

    Parameters
    ----------
    n_range : (int, int)
        Inclusive range of total sample sizes.
    n1_range : (int, int), optional
        Inclusive range of stage-1 sizes.

    Returns
    -------
    pandas.DataFrame
        Columns r1, n1, r, n, en0, pet0, attained_alpha, power, en1, pet1.
    """
    import pandas as pd

    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    nlo, nhi = _check_range("n_range", n_range, 2, N_LIMIT)
    n1lo, n1hi = (1, nhi - 1) if n1_range is None else _check_range("n1_range", n1_range, 1, N_LIMIT)
    tab = _Tables(p0, p1, beta, nhi)
    # every (n, n1, r1) is examined and may be listed: refuse ranges that would take minutes and GBs
    r1_counts = np.minimum(tab.r1max[1:nhi + 1], np.arange(nhi)) + 1
    work = sum(int(r1_counts[max(1, n1lo) - 1:min(n - 1, n1hi)].sum()) for n in range(nlo, nhi + 1))
    if work > FEASIBLE_LIMIT:
        raise ValueError(f"n_range and n1_range hold {work:,} candidate (n, n1, r1) triples, more than "
                         f"{FEASIBLE_LIMIT:,}: narrow n_range or give n1_range")
    raw = K._feasible_designs(nlo, nhi, n1lo, n1hi, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1,
                              tab.r1max)
    cols = ["r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1"]
    frame = pd.DataFrame(raw, columns=cols)
    for c in ("r1", "n1", "r", "n"):
        frame[c] = frame[c].astype(int)
    return frame


def _check_range(name, value, lo, hi):
    try:
        a, b = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (low, high) of whole numbers, got {value!r}") from None
    a = check_int(f"{name}[0]", a, minimum=lo, maximum=hi)
    b = check_int(f"{name}[1]", b, minimum=lo, maximum=hi)
    if a > b:
        raise ValueError(f"{name} must have low <= high, got {value!r}")
    return a, b

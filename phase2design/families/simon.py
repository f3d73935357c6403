"""Simon (1989) two-stage designs: optimal, minimax and admissible, by exhaustive exact search.

Convention: ``r1/n1, r/n`` stops after ``n1`` patients if ``X1 <= r1``;
otherwise ``n2 = n - n1`` more are treated and the drug is declared promising
(H0 rejected) if ``X1 + X2 > r``.
"""

import math

import numpy as np

from .._validation import N_LIMIT, check_int, check_rates_ordered
from ..engine.oc import NoFeasibleDesignError, _approx_single_n, _check_errors, _check_nmax, _two_stage
from ..numerics import _binomial as B
from ..results import SimonResult
from . import _search_kernels as S
from .base import Family, Proposal
from .single import _smallest_n_ump


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
        self.pmf0, self.sf0 = B._triangular_tables(size, self.p0)
        self.pmf1, self.sf1 = B._triangular_tables(size, self.p1)
        self.r1max = S._r1_limits(size, self.beta, self.pmf1)
        self.size = size

    def ensure(self, n):
        if n > self.size:
            self.grow(max(2 * self.size, n))


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
        found, r1, n1, r, en0, a, pw, near = S._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1,
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
            if S._en0_lower_bound(n + 1, en0_star, tab.pmf0, tab.sf0, tab.r1max) > en0_star:
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
        found = S._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1, tab.r1max, np.inf)[0]
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
    raw = S._feasible_designs(nlo, nhi, n1lo, n1hi, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1,
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


class SimonFamily(Family):
    """Simon's (1989) optimal (minimum EN0) and minimax (minimum n) two-stage designs."""

    name = "simon"
    title = "Simon two-stage (optimal and minimax)"
    kinds = ("optimal", "minimax")
    method = ("an exhaustive exact search over all two-stage designs r1/n1, r/n with type I error at most alpha "
              "and power at least 1 - beta: the optimal design minimises the expected sample size under H0, the "
              "minimax design the maximum sample size (Simon 1989); admissible designs minimise "
              "q n + (1 - q) EN0 for some q (Jung et al. 2004)")

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        return simon_design(p0, p1, alpha, beta, nmax=nmax, progress=progress)

    def proposals(self, result, *, admissible=False):
        out = [Proposal(self.name, "optimal", result.optimal), Proposal(self.name, "minimax", result.minimax)]
        if admissible:
            ends = {result.optimal.design, result.minimax.design}
            out.extend(Proposal(self.name, "admissible", d) for d in result.admissible if d.design not in ends)
        return out

    def cost(self, p0, p1, alpha, beta):
        n = super().cost(p0, p1, alpha, beta)
        return n * n

    def report_blocks(self, result, p0, p1, alpha, beta):
        """Every admissible design from minimax to optimal, with the notes on q ranges and the search."""
        from ..present import tables, texts
        from ..present.blocks import Items, Paragraph

        inputs = texts.design_inputs(p0, p1, alpha, beta)
        return [Paragraph(f"Simon two-stage designs for {inputs}: the admissible designs (Jung et al. 2004), from "
                          f"minimax to optimal. {texts.CONVENTION_2}"),
                tables.simon_design_table(result.admissible),
                Items(texts.simon_notes(result, "q n + (1 - q) EN0"))]

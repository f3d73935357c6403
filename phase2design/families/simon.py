"""Simon (1989) two-stage designs: optimal, minimax and admissible, by exhaustive exact search.

Convention: ``r1/n1, r/n`` stops after ``n1`` patients if ``X1 <= r1``;
otherwise ``n2 = n - n1`` more are treated and the drug is declared promising
(H0 rejected) if ``X1 + X2 > r``.
"""

import math
from fractions import Fraction

import numpy as np

from .._validation import N_LIMIT, check_int, check_rates_ordered, exact_decimal
from ..engine.oc import NoFeasibleDesignError, _approx_single_n, _check_errors, _check_nmax, _two_stage
from ..numerics import _binomial as B
from ..results import SimonResult
from . import _search_kernels as S
from .base import Family
from .single import _smallest_n_ump


#: Relative slack of the exact re-decisions.  Every double-precision value the search compares (attained
#: alpha, power, EN0, P1(X1 <= r1)) is within a relative 1e-12 of its exact value at the rates as given
#: (rounding about 1e-14, plus at most n * 1.1e-16 from p0 = 0.1 not being 1/10 in binary), so a float
#: comparison further than this from a tie is the exact decision; nearer ones are re-decided in Fractions.
_SLACK = 1e-9


class _Exact:
    """Exact rational probabilities at the rates taken as the decimals they were given as (0.1 is 1/10).

    ``b(k; m, p) = C(m, k) a^k (d - a)^(m - k) / d^m`` for ``p = a/d`` is kept as its integer numerator
    over ``d^m``, so a tail or a two-stage rejection probability is an integer sum over a power of ``d``.
    The Fractions are made on first use: an ordinary search never needs them.
    """

    def __init__(self, p0, p1, alpha, beta):
        self._given = (p0, p1, alpha, beta)
        self._ready = False
        self._rows = {}
        self._en = {}

    def _init(self):
        if not self._ready:
            self.p0, self.p1, self.alpha, self.beta = (exact_decimal(v) for v in self._given)
            self.target = 1 - self.beta
            self._ready = True

    def _row(self, p, m):
        """(pmf, tail) numerators over d^m: pmf[k] = C(m, k) a^k (d - a)^(m - k), tail[k] = sum_{j >= k} pmf[j]."""
        key = (p, m)
        row = self._rows.get(key)
        if row is None:
            a, d = p.numerator, p.denominator
            pmf = [math.comb(m, k) * a ** k * (d - a) ** (m - k) for k in range(m + 1)]
            tail = [0] * (m + 2)
            for k in range(m, -1, -1):
                tail[k] = tail[k + 1] + pmf[k]
            row = self._rows[key] = (pmf, tail)
        return row

    def _sf_num(self, p, m, k):
        """Numerator over d^m of P(X > k), X ~ Bin(m, p), for any integer k."""
        tail = self._row(p, m)[1]
        return tail[min(max(k + 1, 0), m + 1)]

    def reject(self, which, r1, n1, r, n, e1=None):
        """P(promising) at p0 (which = 0) or p1, exactly: with no efficacy stop (``e1`` None or ``>= n1``)
        ``sum_{x1 > r1} b(x1; n1, p) P(X2 > r - x1; n - n1, p)``; with a stage-1 efficacy stop
        ``X1 > e1`` the sum runs over ``r1 < x1 <= e1`` and ``P(X1 > e1)`` is added."""
        self._init()
        p = self.p0 if which == 0 else self.p1
        pmf = self._row(p, n1)[0]
        n2 = n - n1
        top = n1 if e1 is None else min(e1, n1)
        num = sum(pmf[x1] * self._sf_num(p, n2, r - x1) for x1 in range(r1 + 1, top + 1))
        if top < n1:
            num += self._sf_num(p, n1, top) * p.denominator ** n2
        return Fraction(num, p.denominator ** n)

    def en(self, which, r1, n1, n, e1=None):
        """``EN = n1 + P(r1 < X1 <= e1) (n - n1)`` at p0 (which = 0) or p1, exactly (``e1`` None: no
        efficacy stop)."""
        key = (which, r1, n1, n, e1)
        v = self._en.get(key)
        if v is None:
            self._init()
            p = self.p0 if which == 0 else self.p1
            cont = self._sf_num(p, n1, r1)
            if e1 is not None and e1 < n1:
                cont -= self._sf_num(p, n1, e1)
            v = self._en[key] = n1 + Fraction(cont * (n - n1), p.denominator ** n1)
        return v

    def en0(self, r1, n1, n):
        """``EN0 = n1 + P0(X1 > r1) (n - n1)``, exactly."""
        return self.en(0, r1, n1, n)

    def cdf1(self, k, m):
        """P(X <= k) for X ~ Bin(m, p1), exactly."""
        self._init()
        p = self.p1
        return 1 - Fraction(self._sf_num(p, m, k), p.denominator ** m)


class _Tables:
    """Triangular binomial tables at p0 and p1 for m = 0..size, grown on demand.

    ``r1max[m]`` is the largest ``r1`` with ``P1(X1 <= r1) <= beta`` (-1 when none), decided exactly:
    where a cumulative probability lies within rounding of beta (``p1 = 1/2``, ``beta = 1/16``,
    ``m = 4``: ``P1(X1 <= 0) = 1/16``) the comparison is redone with :class:`_Exact`.
    """

    def __init__(self, p0, p1, beta, size, exact):
        self.p0, self.p1, self.beta = p0, p1, beta
        self.exact = exact
        self.size = -1
        self.grow(size)

    def grow(self, size):
        size = min(max(size, 8), N_LIMIT)
        if size <= self.size:
            return
        self.pmf0, self.sf0 = B._triangular_tables(size, self.p0)
        self.pmf1, self.sf1 = B._triangular_tables(size, self.p1)
        self.r1max = S._r1_limits(size, self.beta, self.pmf1)
        self._settle_r1max(size)
        self.size = size

    def _settle_r1max(self, size):
        # a P1(X1 <= r1) within rounding of beta at r1max or just above it is the only way the
        # double-precision r1max can differ from the exact one
        near = S._r1_limits_near(self.r1max, self.beta, _SLACK, self.sf1)
        if not len(near):
            return
        ex = self.exact
        ex._init()
        for m in near:
            m = int(m)
            # P1(X1 <= r) rises with r: step to the largest r meeting beta exactly
            r = int(self.r1max[m])
            while r + 1 <= m and ex.cdf1(r + 1, m) <= ex.beta:
                r += 1
            while r >= 0 and ex.cdf1(r, m) > ex.beta:
                r -= 1
            self.r1max[m] = r

    def ensure(self, n):
        if n > self.size:
            self.grow(max(2 * self.size, n))


def _admissible(best, n_opt):
    """Designs on the lower convex hull of (n, EN0), with their q ranges, in double precision.

    A design minimises ``q n + (1 - q) EN0`` for ``q`` in ``[q_low, q_high]``;
    between consecutive hull designs a (smaller n) and b the switch happens at
    ``q = (EN0_a - EN0_b) / ((n_b - n_a) + (EN0_a - EN0_b))``.  Exact when no
    point lies within rounding of the hull (see :func:`_hull_near_tie`);
    :func:`_admissible_exact` decides the other cases.
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


def hull_kinds(adm, optimal, minimax):
    """``[(design, kind, q_low, q_high)]`` for the admissible list ``adm`` of ``(design, q_low, q_high)``.

    The kind is "minimax", "optimal", "minimax+optimal" for the ends (compared by identity) and
    "admissible" for the designs between them.
    """
    out = []
    for d, q_low, q_high in adm:
        kind = "admissible"
        if d is minimax:
            kind = "minimax"
        if d is optimal:
            kind = "optimal" if d is not minimax else "minimax+optimal"
        out.append((d, kind, q_low, q_high))
    return out


def _hull_near_tie(pts, hull):
    """Candidates for the exact hull and the n of the near ties, or None if the float hull is exact.

    With ``h`` the piecewise-linear float hull through ``hull``, a point's gap is ``EN0 - h(n)``, and a
    vertex's gap is its height below the chord of its two neighbours.  The float EN0 values are within
    ``eps``, about 1e-13 EN0, of the exact ones, and a lower hull moves by at most ``eps`` when its points
    do, so a point whose gap exceeds ``2 eps`` is strictly above the exact hull and a vertex whose gap
    exceeds it is strictly below the chord: the float hull is then the exact one.  Otherwise the
    candidates for the exact hull are the vertices and every point with a gap under the slack
    ``1e-9 n_opt`` (every EN0 is at most its n, hence at most the optimal design's n).
    """
    slack = _SLACK * pts[-1].n
    verts = [d for d, _, _ in hull]
    on = {d.n for d in verts}
    cand = []
    near = []
    j = 0
    for d in pts:
        if d.n in on:
            cand.append(d)
            continue
        while verts[j + 1].n < d.n:
            j += 1
        a, b = verts[j], verts[j + 1]
        if d.en0 - (a.en0 + (b.en0 - a.en0) * (d.n - a.n) / (b.n - a.n)) <= slack:
            near.append(d.n)
            cand.append(d)
    for a, v, b in zip(verts, verts[1:], verts[2:]):
        if (a.en0 + (b.en0 - a.en0) * (v.n - a.n) / (b.n - a.n)) - v.en0 <= slack:
            near.append(v.n)
    return (cand, near) if near else None


def _admissible_exact(cand, en0_exact):
    """The lower convex hull of (n, EN0) over ``cand`` (sorted by n) in rational arithmetic.

    ``en0_exact(d)`` gives a candidate's exact EN0 (a Fraction); any family's designs with ``.n`` work.

    Monotone chain on exact EN0: a point is dropped only when it lies strictly above the line through its
    neighbours (cross product < 0), so points *on* an edge stay.  Such a point minimises
    ``q n + (1 - q) EN0`` at the single weight of that edge, together with both ends of it, and is
    reported with ``q_low == q_high``.  Returns ``[(design, q_low, q_high)]`` with exact Fraction bounds.
    """
    e = {d.n: en0_exact(d) for d in cand}

    def cross(o, a, b):
        return (a.n - o.n) * (e[b.n] - e[o.n]) - (e[a.n] - e[o.n]) * (b.n - o.n)

    hull = []
    for d in cand:
        while len(hull) >= 2 and cross(hull[-2], hull[-1], d) < 0:
            hull.pop()
        hull.append(d)
    bounds = [Fraction(1)]
    for a, b in zip(hull, hull[1:]):
        gain = e[a.n] - e[b.n]
        bounds.append(gain / ((b.n - a.n) + gain))
    bounds.append(Fraction(0))
    return [(d, bounds[i + 1], bounds[i]) for i, d in enumerate(hull)]


def _settle_at_n(n, alpha, beta, tab):
    """The minimum-EN0 design with total n, every near tie decided in rational arithmetic.

    :func:`_search_kernels._contenders_at_n` lists every (n1, r1) that exact arithmetic might make the
    best, with the smallest r meeting a slightly widened alpha.  Candidates it marks certain are feasible
    as they stand.  For the others the exact smallest r is found (raise r while the exact attained alpha
    exceeds alpha) and the exact power checked.  Among feasible candidates whose EN0 lies within the
    slack of the smallest, the smallest exact EN0 wins; on an exact tie, the smallest n1 (at fixed n and
    n1, EN0 falls strictly as r1 rises, so no two r1 tie).

    Returns (found, r1, n1, r, en0) like the first fields of :func:`_search_kernels._best_at_n`.
    """
    ex = tab.exact
    rows = S._contenders_at_n(n, alpha, beta, _SLACK, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1, tab.r1max)
    feas = []
    for n1, r1, r, en0, _, _, certain in rows:
        n1, r1, r = int(n1), int(r1), int(r)
        if not certain:
            ex._init()
            while r < n and ex.reject(0, r1, n1, r, n) > ex.alpha:
                r += 1
            if r >= n or ex.reject(1, r1, n1, r, n) < ex.target:
                continue
        feas.append((float(en0), n1, r1, r))
    if not feas:
        return False, -1, -1, -1, math.inf
    lo = min(f[0] for f in feas)
    close = [f for f in feas if f[0] <= lo * (1 + _SLACK)]
    en0, n1, r1, r = min(close, key=lambda f: (ex.en0(f[2], f[1], n), f[1])) if len(close) > 1 else close[0]
    return True, r1, n1, r, en0


def _settled_best_at_n(n, alpha, beta, tab):
    """The kernel's minimum-EN0 design at n, re-decided exactly when it flags a near tie."""
    found, r1, n1, r, en0, _, _, near = S._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1, tab.sf1,
                                                     tab.r1max, np.inf)
    if near:
        found, r1, n1, r, en0 = _settle_at_n(n, alpha, beta, tab)
    return found, r1, n1, r, en0


def _bound_exceeds_exactly(n, en0_star, star, tab):
    """Whether ``L(n) > EN0*`` (docs/methods.md) in rational arithmetic, for a bound within rounding of EN0*.

    ``L(n) = min over n1 <= EN0* of {n1 + P0(X1 > r1max(n1)) (n - n1)}``; each term is the exact EN0 of
    the design with ``r1 = r1max(n1)``.  Terms more than the slack above the float ``en0_star`` exceed the
    exact ``star`` for certain; the others are compared exactly.
    """
    ex = tab.exact
    for n1 in range(1, min(n - 1, math.floor(star)) + 1):
        r1 = min(int(tab.r1max[n1]), n1 - 1)
        if r1 < 0:
            continue
        v = n1 + tab.sf0[n1 * (n1 + 1) // 2 + r1] * (n - n1)
        if v <= en0_star * (1 + _SLACK) and ex.en0(r1, n1, n) <= star:
            return False
    return True


def search_start(p0, p1, alpha, beta, nmax):
    """The checked inputs of a design search, its n limit and the smallest n worth examining.

    Returns ``(p0, p1, alpha, beta, nmax, limit, n_start)``.  ``n_start`` is the smallest n whose
    randomised most powerful test (Neyman-Pearson) reaches power 1 - beta: no design of any kind with fewer
    patients can.  It is found in double precision with alpha and beta widened by the slack, which can only
    move it down, so no n that could hold a design in exact arithmetic is skipped.
    """
    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    nmax = _check_nmax(nmax)
    limit = N_LIMIT if nmax is None else nmax
    n = _smallest_n_ump(p0, p1, alpha * (1 + _SLACK), beta + _SLACK * (1 - beta))
    if n is None:
        raise NoFeasibleDesignError(
            f"no design with n <= {N_LIMIT} (the engine's limit) meets alpha={alpha:.10g}, beta={beta:.10g} "
            f"for p0={p0:.10g}, p1={p1:.10g}: widen p1 - p0 or relax alpha or beta")
    return p0, p1, alpha, beta, nmax, limit, n


def simon_design(p0, p1, alpha, beta, *, nmax=None, progress=None):
    """Simon two-stage designs: optimal, minimax, admissible and the best per n.

    A design ``r1/n1, r/n`` stops after ``n1`` patients if ``X1 <= r1`` and
    declares the drug promising if ``X1 + X2 > r``.  It is feasible if

    .. math::

        \\alpha(d) = \\sum_{x_1 > r_1} b(x_1; n_1, p_0) P(X_2 > r - x_1; n_2, p_0) \\le \\alpha,
        \\qquad 1 - \\beta(d) \\ge 1 - \\beta .

    The *optimal* design minimises ``EN0 = n1 + (1 - PET0) n2`` with
    ``PET0 = P(X1 <= r1 | p0)`` (ties: smaller ``n``); the *minimax* design
    minimises ``n`` (ties: smallest EN0); *admissible* designs (Jung et al.
    2004) minimise ``q n + (1 - q) EN0`` for some ``q`` in [0, 1]: the
    points of the lower convex hull of (n, EN0), including points on an
    edge, which minimise it at a single ``q`` (``q_low == q_high``).  Among
    designs with equal ``n`` and equal EN0 the smallest ``n1`` is reported.

    Exact ties
    ----------
    The search runs in double precision.  Every comparison that decides the
    result and comes within rounding of a tie (attained alpha against alpha,
    power against ``1 - beta``, EN0 against EN0, the stopping bound, the
    hull) is re-decided in rational arithmetic at the rates taken as the
    decimals given (0.1 is 1/10); ``near_ties`` lists where.  See
    docs/methods.md, "Exact ties in the Simon search".

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
    p0, p1, alpha, beta, nmax, limit, n = search_start(p0, p1, alpha, beta, nmax)
    n_lo = n
    ex = _Exact(p0, p1, alpha, beta)
    tab = _Tables(p0, p1, beta, max(int(1.6 * _approx_single_n(p0, p1, alpha, beta)), n) + 20, ex)
    rows = []
    row_en0 = []
    near_ties = []
    en0_star = math.inf

    stop_reason = (f"nmax={limit} reached" if nmax is not None else
                   f"the engine's limit n={N_LIMIT} reached before the EN0 bound applied")
    while n <= limit:
        tab.ensure(n)
        found, r1, n1, r, en0, _, _, near = S._best_at_n(n, alpha, beta, tab.pmf0, tab.sf0, tab.pmf1,
                                                         tab.sf1, tab.r1max, np.inf)
        if near:
            near_ties.append(n)
            found, r1, n1, r, en0 = _settle_at_n(n, alpha, beta, tab)
        if found:
            rows.append((r1, n1, r, n))
            row_en0.append(en0)
            en0_star = min(en0_star, en0)
        if progress is not None:
            progress(n)
        if rows and n + 1 > en0_star + 1:
            tab.ensure(n + 1)
            bound = S._en0_lower_bound(n + 1, en0_star, tab.pmf0, tab.sf0, tab.r1max)
            exceeds = bound > en0_star
            if abs(bound - en0_star) <= _SLACK * en0_star:
                near_ties.append(n)
                # EN0* in rational arithmetic: the smallest exact EN0 of the designs within rounding of it
                star = min(ex.en0(r1_, n1_, n_) for (r1_, n1_, _, n_), e in zip(rows, row_en0)
                           if e <= en0_star * (1 + _SLACK))
                exceeds = _bound_exceeds_exactly(n + 1, en0_star, star, tab)
            if exceeds:
                stop_reason = (f"bound: every design with n > {n} has EN0 > {en0_star:.6f} "
                               f"(the optimal design's)")
                break
        n += 1
    n_searched = min(n, limit)
    if not rows:
        raise NoFeasibleDesignError(_sufficient_nmax_message(tab, p0, p1, alpha, beta, limit, n_lo))
    best = [_two_stage(r1, n1, r, nn, p0, p1, alpha, beta) for (r1, n1, r, nn) in rows]
    optimal = min(best, key=lambda d: (d.en0, d.n))
    close = [d for d in best if d.en0 <= optimal.en0 * (1 + _SLACK)]
    if len(close) > 1:
        # EN0 within rounding of the smallest: the exact minimum wins, an exact tie goes to the smaller n
        optimal = min(close, key=lambda d: (ex.en0(d.r1, d.n1, d.n), d.n))
        near_ties.extend(d.n for d in close)
    minimax = best[0]
    adm = _admissible(best, optimal.n)
    pts = [d for d in best if d.n <= optimal.n]
    # the float hull can only miss the optimal design when an exact re-decision moved it
    near = (pts, [optimal.n]) if adm[-1][0].n != optimal.n else _hull_near_tie(pts, adm)
    if near is not None:
        hull = _admissible_exact(near[0], lambda d: ex.en0(d.r1, d.n1, d.n))
        adm = [(d, float(lo), float(hi)) for d, lo, hi in hull]
        near_ties.extend(near[1])
    admissible = [_with(d, kind=kind, q_low=lo, q_high=hi) for d, kind, lo, hi in hull_kinds(adm, optimal, minimax)]
    by_key = {(d.r1, d.n1, d.r, d.n): d for d in admissible}
    return SimonResult(
        p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax, n_searched=n_searched, stop_reason=stop_reason,
        optimal=by_key.get((optimal.r1, optimal.n1, optimal.r, optimal.n), _with(optimal, kind="optimal")),
        minimax=by_key.get((minimax.r1, minimax.n1, minimax.r, minimax.n), _with(minimax, kind="minimax")),
        admissible=tuple(admissible), best_by_n=tuple(best), near_ties=tuple(sorted(set(near_ties))))


def _with(d, **changes):
    from dataclasses import replace

    return replace(d, **changes)


def _sufficient_nmax_message(tab, p0, p1, alpha, beta, limit, n_lo):
    n = max(limit + 1, n_lo)
    while n <= N_LIMIT:
        tab.ensure(n)
        if _settled_best_at_n(n, alpha, beta, tab)[0]:
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
    tab = _Tables(p0, p1, beta, nhi, _Exact(p0, p1, alpha, beta))
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

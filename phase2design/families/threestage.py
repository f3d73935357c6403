"""Three-stage designs (Chen 1997; Ensign et al. 1994): optimal, minimax and admissible, by exhaustive exact search.

Convention (cumulative sizes): ``r1/N1, r2/N2, r/N`` stops after ``N1`` patients if ``S1 <= r1``, after
``N2`` patients in all if ``S2 <= r2``, and declares the drug promising (H0 rejected) if ``S3 > r`` after
``N``.  A two-stage Simon design is a three-stage design with an empty stage, so it belongs to the family:
the search starts from the Simon designs and reports one where no third look improves it.
"""

import numpy as np

from .._validation import N_LIMIT, check_rates_ordered
from ..engine.design import Design
from ..engine.exact import exact_oc, exact_rate
from ..engine.oc import NoFeasibleDesignError, _check_errors, _check_nmax
from ..results import MultiStageDesign, MultiStageResult
from . import _threestage_kernels as K
from .base import Family
from .simon import _SLACK, _admissible, _admissible_exact, _hull_near_tie, hull_kinds, simon_design
from .single import _smallest_n_ump

__all__ = ["three_stage_design", "ThreeStageFamily", "ENSIGN_N1_MIN"]

#: Ensign et al. (1994) require at least 5 patients in stage 1 ("the practical constraint that the minimum
#: stage 1 sample size is at least 5") besides stopping after stage 1 only on zero responses.
ENSIGN_N1_MIN = 5

_TOL = 1e-12          # relative distance to a tie below which a float decision is re-decided exactly
_CHUNK = 8            # first-stage sizes per kernel call: progress and Ctrl-C between calls


def _np_min_size(pmf0, sf0, pmf1, sf1, size, beta):
    """``g[m]``: the smallest type I error of any test on m patients with power >= 1 - beta.

    By the Neyman-Pearson lemma it is the randomised test on the total S rejecting if ``S > k`` and with
    probability ``gamma`` if ``S = k``, with ``k`` the largest value with ``P1(S >= k) >= 1 - beta``.
    """
    target = 1.0 - beta
    g = np.zeros(size + 1)
    for m in range(size + 1):
        o = m * (m + 1) // 2
        k = 0
        while k < m and sf1[o + k] >= target:  # P1(S >= k + 1) = P1(S > k)
            k += 1
        above1 = sf1[o + k] if k < m else 0.0
        above0 = sf0[o + k] if k < m else 0.0
        gamma = 0.0 if pmf1[o + k] == 0 else min(max((target - above1) / pmf1[o + k], 0.0), 1.0)
        g[m] = above0 + gamma * pmf0[o + k]
    return g


def _size_bound(tab, g, en0_star, start):
    """Smallest N with ``L(N) > EN0*`` (docs/methods.md, "Three-stage designs"), or None within the tables.

    ``L(N) = min over N1 <= N2 <= N of N1 + h(N1)(N2 - N1) + g(N2)(N - N2)`` with ``h(N1) = P0(S1 >
    r1max(N1))``: every three-stage (or two- or one-stage) design with total N has ``EN0 >= L(N)``, and L
    never falls as N grows.
    """
    size = tab.size
    h = np.ones(size + 1)
    for m in range(1, size + 1):
        r = int(tab.r1max[m])
        if r >= 0:
            h[m] = tab.sf0[m * (m + 1) // 2 + min(r, m - 1)]
    n1 = np.arange(size + 1, dtype=float)
    M = np.full(size + 1, np.inf)
    for n2 in range(1, size + 1):
        M[n2] = np.min(n1[1:n2 + 1] + h[1:n2 + 1] * (n2 - n1[1:n2 + 1]))
    for N in range(max(start, 2), size + 1):
        L = np.min(M[1:N + 1] + g[1:N + 1] * (N - n1[1:N + 1]))
        if L > en0_star * (1 + _SLACK):
            return N
    return None


class _Scan:
    """State of the three-stage scan: tables, Neyman-Pearson bounds, seeds and the best design per N.

    Arrays are indexed by the total N and grow when the scan is extended to larger N.
    """

    def __init__(self, p0, p1, alpha, beta, tab, n_lo, ensign):
        self.p0, self.p1, self.alpha, self.beta = p0, p1, alpha, beta
        self.tab = tab
        self.n_lo = n_lo
        self.r1_only = 0 if ensign else -1
        self.n1_a = ENSIGN_N1_MIN if ensign else 1
        self.scanned = n_lo - 1
        self.bound_n = None
        self.size = -1
        self.cap = np.full(0, np.inf)
        self.design = {}
        self.best = np.full(0, np.inf)
        self.bi = np.full((0, 5), -1, dtype=np.int64)
        self.bf = np.zeros((0, 2))
        self.near = np.zeros(0, dtype=np.bool_)
        self.ensure(64)

    def ensure(self, n):
        if n <= self.size:
            return
        n = min(max(n, 2 * self.size), N_LIMIT)
        self.tab.grow(n)
        self.g = _np_min_size(self.tab.pmf0, self.tab.sf0, self.tab.pmf1, self.tab.sf1, n, self.beta)
        self.r1max = np.asarray(self.tab.r1max[:n + 1], dtype=np.int64)

        def grown(a, fill):
            out = np.full((n + 1,) + a.shape[1:], fill, dtype=a.dtype)
            out[:len(a)] = a
            return out

        self.cap = grown(self.cap, np.inf)
        self.best = grown(self.best, np.inf)
        self.bi = grown(self.bi, -1)
        self.bf = grown(self.bf, 0.0)
        self.near = grown(self.near, False)
        self.size = n

    def seed(self, n, en0, design):
        self.ensure(n)
        self.cap[n] = en0
        self.design[n] = design

    def star(self):
        """The smallest EN0 of any member known so far (inf when none)."""
        v = np.minimum(self.cap, self.best)
        return float(v.min()) if len(v) else np.inf

    def bound(self, limit):
        """The largest N that can hold a design with EN0 <= star() (at most ``limit``)."""
        star = self.star()
        while True:
            n = _size_bound(self.tab, self.g, star, self.n_lo)
            if n is not None:
                self.bound_n = n - 1
                return min(n - 1, limit)
            if self.size >= min(limit, N_LIMIT):
                self.bound_n = None
                return min(limit, N_LIMIT)
            self.ensure(2 * self.size)

    def run(self, nhi, progress):
        """Scan every design with total N in (scanned, nhi]."""
        if nhi <= self.scanned:
            return
        self.ensure(nhi)
        nlo = max(self.scanned + 1, self.n_lo)
        sl = slice(0, nhi + 1)
        run = np.minimum.accumulate(np.minimum(self.cap[sl], self.best[sl]))
        best, bi, bf, near = self.best[sl], self.bi[sl], self.bf[sl], self.near[sl]
        out = np.empty((1, 8))
        total = max(nhi - 2 - self.n1_a + 1, 1)
        a = self.n1_a
        done = False
        while a < nhi - 1 and not done:
            b = min(a + _CHUNK, nhi - 1)
            _, _, done = K._three_stage_scan(a, b, nlo, nhi, self.p0, self.p1, self.alpha, self.beta,
                                             self.tab.pmf0, self.tab.sf0, self.tab.pmf1, self.tab.sf1,
                                             self.r1max[sl], self.g[sl], run, best, bi, bf, near, self.r1_only,
                                             0.0, _TOL, out)
            if progress is not None:
                progress(min(b - self.n1_a, total), total)
            a = b
        self.scanned = nhi


def three_stage_design(p0, p1, alpha, beta, *, nmax=None, ensign=False, progress=None):
    """Three-stage designs: optimal (minimum EN0), minimax (minimum N) and admissible, exactly.

    A design ``r1/N1, r2/N2, r/N`` (cumulative sizes) stops after stage 1 if ``S1 <= r1``, after stage 2
    if ``S2 <= r2`` and declares the drug promising if ``S3 > r``.  It is feasible if its exact type I error
    ``P(promising | p0) <= alpha`` and power ``P(promising | p1) >= 1 - beta``;

    .. math::

        EN_0 = N_1 + P_0(S_1 > r_1)(N_2 - N_1) + P_0(S_1 > r_1, S_2 > r_2)(N - N_2).

    The search is exhaustive over ``N1 < N2 < N``, ``0 <= r1 < r2 <= r`` (for each prefix and N only the
    smallest r meeting alpha, which maximises power), with cuts that are proven lower bounds on EN0
    (see :func:`_threestage_kernels._three_stage_scan`).  Simon's two-stage designs belong to the family
    (a three-stage design with an empty stage), so the three-stage optimum is never worse than Simon's;
    where no third look improves a Simon design, that two-stage design is reported.  Without ``nmax`` the
    search stops at the first N with ``L(N) > EN0*`` (docs/methods.md): no design with a larger N can have
    an EN0 as small as the Simon optimum's, so neither the optimal nor an admissible design is excluded.

    Ties: between designs with the same N and exactly equal EN0 the two-stage design wins, then the
    smallest N1, N2, r1, r2 in that order; the optimal design is the smallest N among exactly equal EN0.
    Every comparison that comes within rounding of a tie (relative 1e-12) is re-decided in rational
    arithmetic at the rates taken as the decimals given (``near_ties`` lists where).

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 and H1, ``0 < p0 < p1 < 1``.
    alpha, beta : float
        Largest type I and type II error rates (compared exactly).
    nmax : int, optional
        Largest total sample size to consider.
    ensign : bool
        Ensign et al. (1994): stage 1 stops only on zero responses (``r1 = 0``) and has at least
        :data:`ENSIGN_N1_MIN` patients.  Simon seeds are then those with ``r1 = 0`` only in the
        sense of the family: the two-stage designs reported are Simon designs whose first look is
        ``0/N1`` with ``N1 >= 5``.
    progress : callable, optional
        Called as ``progress(done, total)`` with first-stage sizes examined.

    Returns
    -------
    MultiStageResult
        ``family == "three-stage"`` (or ``"ensign"``).

    References
    ----------
    Chen TT (1997). Optimal three-stage designs for phase II cancer clinical trials. Statistics in
    Medicine 16:2701-2711.
    Ensign LG, Gehan EA, Kamen DS, Thall PF (1994). An optimal three-stage design for phase II clinical
    trials. Statistics in Medicine 13:1727-1736.

    Examples
    --------
    >>> res = three_stage_design(0.1, 0.3, 0.05, 0.2)
    >>> res.optimal.stages, res.optimal.en0 < 15.01
    (3, True)
    """
    p0, p1 = check_rates_ordered(p0, p1)
    alpha, beta = _check_errors(alpha, beta)
    nmax = _check_nmax(nmax)
    if not isinstance(ensign, bool):
        raise TypeError(f"ensign must be True or False (Ensign et al. 1994 first stage or not), got {ensign!r}")
    family = "ensign" if ensign else "three-stage"
    limit = N_LIMIT if nmax is None else nmax
    n_lo = _smallest_n_ump(p0, p1, alpha * (1 + _SLACK), beta + _SLACK * (1 - beta))
    if n_lo is None or n_lo > limit:
        raise NoFeasibleDesignError(
            f"no design with n <= {limit} meets alpha={alpha:.10g}, beta={beta:.10g} for p0={p0:.10g}, "
            f"p1={p1:.10g} (the most powerful test needs more patients): widen p1 - p0, relax alpha or beta"
            + ("" if nmax is None else ", or raise nmax"))
    try:
        simon = simon_design(p0, p1, alpha, beta, nmax=nmax)
    except NoFeasibleDesignError:
        simon = None
    from .simon import _Exact, _Tables

    scan = _Scan(p0, p1, alpha, beta, _Tables(p0, p1, beta, 64, _Exact(p0, p1, alpha, beta)), n_lo, ensign)
    for d in _member_seeds(simon, ensign):
        if d.n <= limit:
            scan.seed(d.n, d.en0, d.design)
    # Scan up to the size bound of the best EN0 known; for the general family the Simon optimum is a
    # member, so one pass suffices.  For Ensign designs the bound is recomputed from the best member found
    # and the scan extended until it covers it.
    nhi = scan.bound(limit) if scan.star() < np.inf else min(max(2 * n_lo, 40), limit)
    while True:
        scan.run(nhi, progress)
        if scan.star() == np.inf:
            if nhi >= limit:
                break
            nhi = min(2 * nhi, limit)
            continue
        more = scan.bound(limit)
        if more <= scan.scanned:
            break
        nhi = more
    nhi = scan.scanned
    if nmax is not None and scan.bound_n is not None and scan.bound_n > nmax:
        stop_reason = f"nmax={nmax} reached"
    elif scan.bound_n is None:
        stop_reason = (f"nmax={nmax} reached" if nmax is not None else
                       f"the engine's limit n={N_LIMIT} reached before the EN0 bound applied")
    else:
        stop_reason = (f"bound: every design with n > {nhi} has EN0 > {scan.star():.6f}, so no larger n holds "
                       f"the optimal or an admissible design")
    tab, g, r1max, seeds = scan.tab, scan.g, scan.r1max, scan
    r1_only, n1_a = scan.r1_only, scan.n1_a
    best, bi, near = scan.best, scan.bi, scan.near
    # per N: (float EN0, Design) of the best member of the family
    at_n = {}
    near_ties = []
    for N in range(n_lo, nhi + 1):
        if best[N] < np.inf:
            N1, r1, N2, r2, r = (int(v) for v in bi[N])
            at_n[N] = (float(best[N]), Design((N1, N2, N), (r1, r2, r), (None, None, None)))
        elif N in seeds.design:
            at_n[N] = (float(seeds.cap[N]), seeds.design[N])
    flagged = [N for N in range(n_lo, nhi + 1) if near[N]]
    if flagged:
        near_ties.extend(flagged)
        cap = seeds.cap[:nhi + 1].copy()
        for N, (e, _) in at_n.items():
            cap[N] = min(cap[N], e)
        cap = np.minimum.accumulate(cap)
        for N in flagged:
            settled = _settle(N, p0, p1, alpha, beta, tab, g[:nhi + 1], r1max[:nhi + 1], cap, r1_only, n1_a,
                              seeds, at_n)
            if settled is None:
                at_n.pop(N, None)
            else:
                at_n[N] = settled
    if not at_n:
        raise NoFeasibleDesignError(
            f"no three-stage design with n <= {nhi} meets alpha={alpha:.10g}, beta={beta:.10g} for "
            f"p0={p0:.10g}, p1={p1:.10g}: raise nmax (or omit it), widen p1 - p0 or relax alpha or beta")
    # the designs that improve on every smaller n, exact where EN0 values come within rounding
    pareto = []
    for N in sorted(at_n):
        e, d = at_n[N]
        if pareto:
            prev_e, prev_d = pareto[-1][1], pareto[-1][2]
            if e > prev_e * (1 + _SLACK):
                continue
            if e >= prev_e * (1 - _SLACK):
                near_ties.append(N)
                if exact_oc(d, exact_rate(p0))["en"] >= exact_oc(prev_d, exact_rate(p0))["en"]:
                    continue
        pareto.append((N, e, d))
    kw = dict(alpha=alpha, beta=beta, family=family)
    by_n = [MultiStageDesign.evaluate(d, p0, p1, **kw) for _, _, d in pareto]
    optimal, minimax = by_n[-1], by_n[0]
    adm = _admissible(by_n, optimal.n)
    near_hull = _hull_near_tie(by_n, adm) if len(by_n) > 2 else None
    if near_hull is not None:
        p0x = exact_rate(p0)
        adm = [(d, float(lo), float(hi)) for d, lo, hi in
               _admissible_exact(near_hull[0], lambda d: exact_oc(d.design, p0x)["en"])]
        near_ties.extend(near_hull[1])
    from dataclasses import replace

    admissible = [replace(d, kind=kind, q_low=lo, q_high=hi) for d, kind, lo, hi in hull_kinds(adm, optimal, minimax)]
    by_design = {d.design: d for d in admissible}
    notes = []
    if ensign:
        notes.append(f"Ensign et al. (1994): stage 1 stops only if none of at least {ENSIGN_N1_MIN} patients "
                     f"responds (r1 = 0, N1 >= {ENSIGN_N1_MIN})")
    for d, what in ((optimal, "optimal"), (minimax, "minimax")):
        if d.stages == 2:
            notes.append(f"the {what} design has two stages: no third look improves on it")
    return MultiStageResult(
        family=family, p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax, n_searched=nhi, stop_reason=stop_reason,
        optimal=by_design.get(optimal.design, replace(optimal, kind="optimal")),
        minimax=by_design.get(minimax.design, replace(minimax, kind="minimax")),
        admissible=tuple(admissible), best_by_n=tuple(by_n), near_ties=tuple(sorted(set(near_ties))),
        notes=tuple(notes))


def _member_seeds(simon, ensign):
    """The Simon designs that belong to the family: all of them, or with ``ensign`` those of the form
    ``0/N1, r/N`` with ``N1 >= 5`` (Simon's per-n best designs only: a valid, possibly weaker, start)."""
    if simon is None:
        return []
    if not ensign:
        return list(simon.best_by_n)
    return [d for d in simon.best_by_n if d.r1 == 0 and d.n1 >= ENSIGN_N1_MIN]


def _settle(N, p0, p1, alpha, beta, tab, g, r1max, cap, r1_only, n1_a, seeds, at_n):
    """The best design at total N decided in rational arithmetic; None if nothing at N beats smaller N.

    The scan at this N alone with every comparison widened by a relative 1e-9 lists every candidate that
    exact arithmetic could make the best; each is re-decided exactly (smallest r meeting alpha, then power)
    and the smallest exact EN0 wins (ties as documented in :func:`three_stage_design`).
    """
    p0x, p1x = exact_rate(p0), exact_rate(p1)
    ax, bx = exact_rate(alpha), exact_rate(beta)
    run = cap.copy()
    best = np.full(len(run), np.inf)
    bi = np.full((len(run), 5), -1, dtype=np.int64)
    bf = np.zeros((len(run), 2))
    near = np.zeros(len(run), dtype=np.bool_)
    rows = np.empty((0, 8))
    size = 4096
    while True:
        out = np.empty((size, 8))
        n_out, overflow, _ = K._three_stage_scan(n1_a, N - 1, N, N, p0, p1, alpha, beta, tab.pmf0, tab.sf0,
                                                 tab.pmf1, tab.sf1, r1max, g, run, best, bi, bf, near, r1_only,
                                                 _SLACK, _TOL, out)
        if not overflow:
            rows = out[:n_out]
            break
        size *= 4
    contenders = []
    if N in seeds.design:
        contenders.append((exact_oc(seeds.design[N], p0x)["en"], 0, seeds.design[N]))
    for N1, r1, N2, r2, r, _, _, _ in rows[np.argsort(rows[:, 5], kind="stable")]:
        N1, r1, N2, r2, r = int(N1), int(r1), int(N2), int(r2), int(r)
        while r < N - 1:
            d = Design((N1, N2, N), (r1, r2, r), (None, None, None))
            if exact_oc(d, p0x)["reject"] <= ax:
                break
            r += 1
        d = Design((N1, N2, N), (r1, r2, r), (None, None, None))
        o0 = exact_oc(d, p0x)
        if o0["reject"] > ax or exact_oc(d, p1x)["reject"] < 1 - bx:
            continue
        contenders.append((o0["en"], 1, d))
    if not contenders:
        return None
    en, _, d = min(contenders, key=lambda c: (c[0], c[1], c[2].n, c[2].futility))
    # it must also beat every smaller N exactly
    smaller = [v for k, v in at_n.items() if k < N]
    if smaller:
        prev = min(smaller, key=lambda v: v[0])
        if prev[0] <= float(en) * (1 + _SLACK) and exact_oc(prev[1], p0x)["en"] <= en:
            return None
    return float(en), d


class ThreeStageFamily(Family):
    """Optimal (minimum EN0) and minimax (minimum N) three-stage designs (Chen 1997)."""

    name = "three-stage"
    title = "Three-stage (optimal and minimax)"
    kinds = ("optimal", "minimax")
    method = ("an exhaustive exact search over all three-stage designs r1/N1, r2/N2, r/N (cumulative sizes; stop "
              "after stage j if at most r_j have responded; promising if more than r respond in all) with type I "
              "error at most alpha and power at least 1 - beta, two-stage designs included as designs with an "
              "empty stage: the optimal design minimises the expected sample size under H0, the minimax design "
              "the maximum sample size (Chen 1997; Ensign et al. 1994)")
    default = False
    ensign = False

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        prog = None if progress is None else (lambda done, total: progress(done))
        return three_stage_design(p0, p1, alpha, beta, nmax=nmax, ensign=self.ensign, progress=prog)

    def cost(self, p0, p1, alpha, beta):
        n = super().cost(p0, p1, alpha, beta)
        return n ** 4


class EnsignFamily(ThreeStageFamily):
    """Three-stage designs whose first stage stops only on zero responses (Ensign et al. 1994)."""

    name = "ensign"
    title = "Three-stage, stage 1 stops on no response (Ensign et al. 1994)"
    method = ("an exhaustive exact search over three-stage designs whose first stage of at least 5 patients "
              "stops only if none responds (Ensign et al. 1994), otherwise as for the three-stage family")
    ensign = True

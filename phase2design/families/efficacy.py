"""Two-stage designs with a stage-1 efficacy stop (Mander & Thompson 2010), by exhaustive exact search.

Convention (phase2design's multi-stage notation, :class:`~phase2design.engine.design.Design`):
``r1:e1/n1, r/n`` stops after ``n1`` patients, the drug **not promising**, if ``X1 <= r1``; stops, the drug
**promising** (H0 rejected), if ``X1 > e1``; otherwise treats ``n2 = n - n1`` more and declares the drug
promising if ``X1 + X2 > r``.  ``r1/n1, r/n`` (no efficacy bound) is Simon's design, a member of the family.

R mtdesign writes ``rFutility = r1``, ``rSuccess = e1`` (stop if ``X1 > rSuccess``), ``rTotal = r``;
PhIIdesign writes the efficacy bound as ``a = e1 + 1`` with "stop if ``X1 >= a``".
"""

import math
from dataclasses import dataclass, replace

from .._validation import N_LIMIT
from ..engine.design import Design
from ..engine.oc import NoFeasibleDesignError, _approx_single_n
from ..results import MultiStageDesign, MultiStageResult
from . import _efficacy_kernels as K
from .base import Family
from .simon import (_SLACK, _admissible, _admissible_exact, _Exact, _hull_near_tie, _Tables, hull_kinds,
                    search_start)

FAMILY = "efficacy"

#: The tie rule, in words, for the result's notes and the docs.
TIE_RULE = ("ties: equal expected sample size (decided in exact arithmetic) goes to the smaller n, then the "
            "smaller n1, then the larger r1; for fixed n, n1 and r1 the smallest e1 that can meet alpha and power "
            "(EN rises with e1) and the smallest r meeting alpha (most power; EN does not depend on r) are taken")

CONVENTION = ("r1:e1/n1, r/n: after n1 patients stop (not promising) if X1 <= r1, stop (promising, H0 rejected) "
              "if X1 > e1, i.e. at least e1 + 1; otherwise treat n - n1 more and declare the drug promising if "
              "X1 + X2 > r. R mtdesign: rFutility = r1, rSuccess = e1, rTotal = r; PhIIdesign: a = e1 + 1. "
              "A design written r1/n1, r/n has no efficacy stop (Simon 1989)")


@dataclass(frozen=True)
class _Cand:
    """One searched design ``r1:e1/n1, r/n`` (``e1 == n1``: no efficacy stop) with its float EN0 and EN1."""

    n: int
    n1: int
    r1: int
    e1: int
    r: int
    en0: float
    en1: float

    @property
    def e1_or_none(self):
        return None if self.e1 >= self.n1 else self.e1

    def design(self):
        return Design((self.n1, self.n), (self.r1, self.r), (self.e1_or_none, None))

    def exact_en(self, ex, which):
        return ex.en(which, self.r1, self.n1, self.n, self.e1_or_none)


class _EffTables:
    """Simon's binomial tables (with the exactly settled ``r1max``) plus the efficacy family's limits:
    ``e1lo[m]`` (smallest efficacy bound alpha allows) and ``c0[m], c1[m]`` (lower limits of the
    continuation probability at p0 and p1, for the stopping bound)."""

    def __init__(self, p0, p1, alpha, beta, size, exact):
        self.alpha, self.beta = alpha, beta
        self.t = _Tables(p0, p1, beta, size, exact)
        self.size = -1
        self._limits()

    def _limits(self):
        t = self.t
        if t.size != self.size:
            self.e1lo = K._e1_limits(t.size, self.alpha, _SLACK, t.sf0)
            self.c0, self.c1 = K._continuation_bounds(t.size, self.beta, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max,
                                                      self.e1lo)
            self.size = t.size

    def ensure(self, n):
        self.t.ensure(n)
        self._limits()


def _settle_rows(n, rows, ex):
    """Rows of :func:`_efficacy_kernels._candidates_at_n` with uncertain ones decided in rational arithmetic.

    For each (n1, r1) the rows come with e1 ascending, the last one possibly certain.  An uncertain row
    gets its exact smallest r (raise r while the exact attained alpha exceeds alpha) and its exact power;
    the first row of the pair that is exactly feasible is its best design (EN rises with e1).
    """
    ex._init()
    out = []
    done = None
    for row in rows:
        n1, r1, e1, r = (int(v) for v in row[:4])
        if (n1, r1) == done:
            continue
        if row[8] != 1.0:
            e = None if e1 >= n1 else e1
            while r < n and ex.reject(0, r1, n1, r, n, e) > ex.alpha:
                r += 1
            if r >= n or ex.reject(1, r1, n1, r, n, e) < ex.target:
                continue
        out.append((n1, r1, e1, r, row[4], row[5]))
        done = (n1, r1)
    return out


def _pick(cands, which, ex, near):
    """The minimum-EN design (EN0 for which = 0, EN1 otherwise) among candidates at one n.

    Candidates within the slack of the float minimum are compared in exact arithmetic; an exact tie goes
    to the smaller n1, then the larger r1 (each (n1, r1) has one candidate)."""
    vals = [c.en0 if which == 0 else c.en1 for c in cands]
    lo = min(vals)
    close = [c for c, v in zip(cands, vals) if v <= lo * (1 + _SLACK)]
    if len(close) == 1:
        return close[0]
    near.append(cands[0].n)
    return min(close, key=lambda c: (c.exact_en(ex, which), c.n1, -c.r1))


def _best_at_n(n, alpha, beta, tab, ex, near):
    """(best EN0 design, best EN1 design) with total n, or (None, None) when none is feasible."""
    t = tab.t
    rows = K._candidates_at_n(n, alpha, beta, _SLACK, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max, tab.e1lo)
    if not len(rows):
        return None, None
    if (rows[:, 8] == 1.0).all():
        # each (n1, r1) stopped at its first candidate, which is exactly feasible as it stands
        raw = rows[:, :6]
    else:
        near.append(n)
        raw = _settle_rows(n, rows, ex)
        if not raw:
            return None, None
    cands = [_Cand(n, int(n1), int(r1), int(e1), int(r), float(en0), float(en1)) for n1, r1, e1, r, en0, en1 in raw]
    return _pick(cands, 0, ex, near), _pick(cands, 1, ex, near)


def _overall(best, which, ex, near):
    """The minimum-EN design over every n (ties within the slack decided exactly; exact tie: smaller n)."""
    vals = [c.en0 if which == 0 else c.en1 for c in best]
    lo = min(vals)
    close = [c for c, v in zip(best, vals) if v <= lo * (1 + _SLACK)]
    if len(close) == 1:
        return close[0]
    near.extend(c.n for c in close)
    return min(close, key=lambda c: (c.exact_en(ex, which), c.n))


def efficacy_design(p0, p1, alpha, beta, *, nmax=None, progress=None):
    """Two-stage designs with a stage-1 efficacy stop (Mander & Thompson 2010): optimal and minimax under
    H0 and under H1, and the admissible designs.

    A design ``r1:e1/n1, r/n`` stops after ``n1`` patients not promising if ``X1 <= r1``, promising if
    ``X1 > e1`` (at least ``e1 + 1`` responses), and otherwise treats ``n2 = n - n1`` more and declares
    the drug promising if ``X1 + X2 > r``.  With ``b(x; m, p)`` the binomial probability,

    .. math::

        P_p(\\text{promising}) = P_p(X_1 > e_1)
            + \\sum_{x = r_1 + 1}^{e_1} b(x; n_1, p) \\, P_p(X_2 > r - x),
        \\qquad EN_p = n_1 + P_p(r_1 < X_1 \\le e_1) \\, n_2 .

    A design is feasible if ``P_p0(promising) <= alpha`` and ``P_p1(promising) >= 1 - beta``, compared
    exactly (no tolerance).  The domain is ``1 <= n1 < n``, ``0 <= r1 < e1 <= n1`` (``e1 = n1``: no
    efficacy stop, Simon's design, so the family is never worse than Simon's), ``r1 <= r < n``.

    * *optimal*: minimum ``EN0``; *optimal-h1*: minimum ``EN1``;
    * *minimax*: minimum ``n``, then minimum ``EN0``; *minimax-h1*: minimum ``n``, then minimum ``EN1``;
    * *admissible*: the lower convex hull of (n, EN0) of the minimum-EN0 design at each n, from minimax to
      optimal (Jung et al. 2004), with q ranges.

    Ties (see docs/methods.md, "Two-stage designs with an efficacy stop"): equal EN decided in exact
    arithmetic goes to the smaller ``n``, then the smaller ``n1``, then the larger ``r1``.

    Search and its limits
    ---------------------
    For each ``(n, n1, r1)`` EN0 and EN1 both rise with ``e1``, so only the smallest feasible ``e1`` is
    a candidate, with the smallest ``r`` meeting alpha.  ``n`` starts at the Neyman-Pearson bound (no
    design of any kind with fewer patients reaches the power).  Without ``nmax`` the search stops at the
    first ``n`` beyond which no design can have EN0 below the optimal one's *nor* EN1 below the
    optimal-h1 one's: with ``c_p(n1)`` the smallest continuation probability ``P_p(r1 < X1 <= e1)`` that
    alpha and power allow at first-stage size ``n1``,

    .. math::

        EN_p \\ge L_p(n) = \\min_{n_1 \\le EN_p^*} \\{ n_1 + c_p(n_1) (n - n_1) \\},

    which grows with ``n`` (proof in docs/methods.md).

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 and H1, ``0 < p0 < p1 < 1``.
    alpha, beta : float
        Largest type I and type II error rates (compared exactly).
    nmax : int, optional
        Largest total sample size to consider (at most 5000).
    progress : callable, optional
        Called as ``progress(n)`` after each ``n``.

    Returns
    -------
    MultiStageResult
        ``optimal`` (kind ``"optimal"``), ``minimax``, ``others`` = (optimal-h1, minimax-h1),
        ``admissible``, ``best_by_n`` (the minimum-EN0 design of each n that improves on every smaller n).

    Raises
    ------
    NoFeasibleDesignError
        When no design has ``n <= nmax``; the message names a sufficient nmax.

    References
    ----------
    Mander AP, Thompson SG (2010). Two-stage designs optimal under the alternative hypothesis for phase II
    cancer clinical trials. Contemporary Clinical Trials 31:572-578.
    Jung SH, Lee T, Kim K, George SL (2004). Admissible two-stage designs for phase II cancer clinical
    trials. Statistics in Medicine 23:561-569.

    Examples
    --------
    >>> res = efficacy_design(0.2, 0.4, 0.1, 0.1)
    >>> res.optimal.label(), res.others[0].label()
    ('3:6/16, 11/41', '1:5/15, 11/38')
    """
    p0, p1, alpha, beta, nmax, limit, n = search_start(p0, p1, alpha, beta, nmax)
    n_lo = n
    ex = _Exact(p0, p1, alpha, beta)
    tab = _EffTables(p0, p1, alpha, beta, max(int(1.6 * _approx_single_n(p0, p1, alpha, beta)), n) + 20, ex)
    best0, best1 = [], []
    near = []
    en0_star = en1_star = math.inf
    stop_reason = (f"nmax={limit} reached" if nmax is not None else
                   f"the engine's limit n={N_LIMIT} reached before the EN bounds applied")
    while n <= limit:
        tab.ensure(n)
        b0, b1 = _best_at_n(n, alpha, beta, tab, ex, near)
        if b0 is not None:
            best0.append(b0)
            best1.append(b1)
            en0_star = min(en0_star, b0.en0)
            en1_star = min(en1_star, b1.en1)
        if progress is not None:
            progress(n)
        if best0 and n >= math.floor(en0_star) and n >= math.floor(en1_star):
            tab.ensure(n + 1)
            # a bound within rounding of EN* is not trusted: the search goes on (the bounds grow with n)
            l0 = K._en_lower_bound(n + 1, en0_star, tab.c0)
            l1 = K._en_lower_bound(n + 1, en1_star, tab.c1)
            if l0 > en0_star * (1 + _SLACK) and l1 > en1_star * (1 + _SLACK):
                stop_reason = (f"bound: every design with n > {n} has EN0 > {en0_star:.6f} (the optimal design's) "
                               f"and EN1 > {en1_star:.6f} (the optimal-h1 design's)")
                break
        n += 1
    n_searched = min(n, limit)
    if not best0:
        raise NoFeasibleDesignError(_sufficient_nmax_message(tab, ex, p0, p1, alpha, beta, limit, n_lo))

    opt0 = _overall(best0, 0, ex, near)
    opt1 = _overall(best1, 1, ex, near)
    mm0, mm1 = best0[0], best1[0]

    adm = _admissible(best0, opt0.n)
    pts = [c for c in best0 if c.n <= opt0.n]
    hull_near = (pts, [opt0.n]) if adm[-1][0].n != opt0.n else _hull_near_tie(pts, adm)
    if hull_near is not None:
        adm = [(c, float(lo), float(hi))
               for c, lo, hi in _admissible_exact(hull_near[0], lambda c: c.exact_en(ex, 0))]
        near.extend(hull_near[1])

    cache = {}

    def ms(c, **extra):
        key = c.design()
        if key not in cache:
            cache[key] = MultiStageDesign.evaluate(key, p0, p1, alpha=alpha, beta=beta, family=FAMILY)
        return replace(cache[key], **extra)

    admissible = [ms(c, kind=kind, q_low=lo, q_high=hi) for c, kind, lo, hi in hull_kinds(adm, opt0, mm0)]
    q_of = {d.design: (d.q_low, d.q_high) for d in admissible}
    improving = []
    for c in best0:
        if not improving or c.en0 < improving[-1].en0:
            improving.append(c)
    best_by_n = tuple(ms(c, kind="", q_low=q_of.get(c.design(), (None, None))[0],
                         q_high=q_of.get(c.design(), (None, None))[1]) for c in improving)
    notes = (CONVENTION, TIE_RULE,
             ("the search covers every first-stage size, futility bound r1 >= 0, efficacy bound e1 (e1 = n1: no "
              "efficacy stop, i.e. Simon's design) and final bound r"))
    q0 = q_of.get(opt0.design(), (None, None))
    qm = q_of.get(mm0.design(), (None, None))
    return MultiStageResult(
        family=FAMILY, p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax, n_searched=n_searched,
        stop_reason=stop_reason,
        optimal=ms(opt0, kind="optimal", q_low=q0[0], q_high=q0[1]),
        minimax=ms(mm0, kind="minimax", q_low=qm[0], q_high=qm[1]),
        admissible=tuple(admissible), best_by_n=best_by_n,
        others=(ms(opt1, kind="optimal-h1"), ms(mm1, kind="minimax-h1")),
        near_ties=tuple(sorted(set(near))), notes=notes)


def _sufficient_nmax_message(tab, ex, p0, p1, alpha, beta, limit, n_lo):
    n = max(limit + 1, n_lo)
    while n <= N_LIMIT:
        tab.ensure(n)
        if _best_at_n(n, alpha, beta, tab, ex, [])[0] is not None:
            return (f"no two-stage design with n <= {limit} meets alpha={alpha:.10g}, beta={beta:.10g} for "
                    f"p0={p0:.10g}, p1={p1:.10g}; the smallest n with a feasible design is {n}: use nmax >= {n} "
                    f"(or omit nmax to search until the optimal designs are proven)")
        n += 1
    return (f"no two-stage design with n <= {N_LIMIT} (the engine's limit) meets alpha={alpha:.10g}, "
            f"beta={beta:.10g} for p0={p0:.10g}, p1={p1:.10g}: widen p1 - p0 or relax alpha or beta")


class EfficacyFamily(Family):
    """Two-stage designs with a stage-1 stop for futility and for efficacy (Mander & Thompson 2010)."""

    name = FAMILY
    title = "Two-stage with a stage-1 efficacy stop (Mander & Thompson 2010)"
    kinds = ("optimal", "minimax", "optimal-h1", "minimax-h1")
    # O(n^4) work against Simon's O(n^3): chosen by name (--family efficacy, or all), not by default
    default = False
    method = ("an exhaustive exact search over all two-stage designs that stop after stage 1 for futility "
              "(X1 <= r1) or for efficacy (X1 > e1), with type I error at most alpha and power at least 1 - beta: "
              "the optimal and minimax designs minimise the expected sample size under H0 and the maximum sample "
              "size (then EN0), the optimal-h1 and minimax-h1 designs the same under H1 (Mander & Thompson 2010)")

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        return efficacy_design(p0, p1, alpha, beta, nmax=nmax, progress=progress)

    def cost(self, p0, p1, alpha, beta):
        n = super().cost(p0, p1, alpha, beta)
        return n ** 3

    def report_blocks(self, result, p0, p1, alpha, beta):
        """The four named designs and the admissible ones, with EN and stopping at p0 and p1, and the rules."""
        from ..present import texts
        from ..present.blocks import Items, Paragraph, Table
        from ..present.render import fmt

        if result is None:
            return super().report_blocks(result, p0, p1, alpha, beta)
        named = list(result.designs())
        seen = {d.design for d in named}
        rows = []
        for d in named + [a for a in result.admissible if a.design not in seen]:
            rows.append([d.kind, d.label(), fmt(d.en0, 2), fmt(d.pet0, 3), fmt(d.en1, 2), fmt(d.pet1, 3),
                         fmt(d.attained_alpha, 4), fmt(d.power, 4), d.q_range_text()])
        notes = [f"{d.kind}: {d.label()}: {d.rule()}." for d in named]
        notes.append("EN and PET (stop after stage 1, for futility or efficacy) at p0 and p1; alpha and power are "
                     "exact attained values; q range as for Simon's admissible designs (q n + (1 - q) EN0).")
        notes.append(f"{TIE_RULE}.")
        notes.append(f"Searched n up to {result.n_searched}; stopped by {result.stop_reason}.")
        if result.tie_note():
            notes.append(result.tie_note())
        return [Paragraph(f"{self.title} designs for {texts.design_inputs(p0, p1, alpha, beta)}: {self.method}. "
                          f"Convention: {CONVENTION}."),
                Table(["kind", "design", "EN0", "PET0", "EN1", "PET1", "alpha", "power", "q range"], rows,
                      ["l", "l", "r", "r", "r", "r", "r", "r", "l"]),
                Items(notes)]

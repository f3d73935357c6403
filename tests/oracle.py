"""Brute-force exact reference for single-stage and Simon two-stage designs.

Everything here is exact rational arithmetic (``fractions.Fraction`` and
``math.comb``); nothing is imported from phase2design.  It is meant to be
obviously correct rather than clever:

* a response rate ``p`` is a rational ``a/d`` (decimal strings such as
  ``"0.1"`` are read exactly; a float is taken at its exact binary value);
* ``b(k; m, p) = C(m, k) a^k (d - a)^(m - k) / d^m`` is kept as the integer
  numerator over the common denominator ``d^m``, so sums and products of
  probabilities are sums and products of Python ints;
* the design search enumerates EVERY Simon design ``(n1, r1, r, n)`` with
  ``1 <= n1 < n <= nmax``, ``0 <= r1 < n1`` and ``r1 <= r < n`` (every ``r``,
  not just the smallest one meeting alpha) and keeps the feasible ones:
  attained alpha ``<= alpha`` and power ``>= 1 - beta``, compared exactly.

Conventions (Simon 1989): stop after stage 1 if ``X1 <= r1``; reject H0 if
``X1 + X2 > r``.  Single stage ``r/n``: reject H0 if ``X > r``.
"""

from dataclasses import dataclass
from fractions import Fraction
from math import comb

__all__ = [
    "as_fraction", "binom_pmf", "binom_cdf", "binom_sf", "BinomTable", "two_stage_oc", "single_stage_oc",
    "Design", "enumerate_designs", "optimal", "minimax", "best_by_n", "admissible", "single_stage_search",
]


def as_fraction(x):
    """Exact rational value: Fraction as is, str as a decimal, int/float exactly."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (str, int, float)):
        return Fraction(x)
    raise TypeError(f"cannot make an exact rational of {x!r}")


# ---------------------------------------------------------------------------
# Binomial distribution, exact
# ---------------------------------------------------------------------------

def binom_pmf(k, m, p):
    """P(X = k) for X ~ Bin(m, p), exact (0 outside 0..m)."""
    p = as_fraction(p)
    if k < 0 or k > m:
        return Fraction(0)
    return comb(m, k) * p ** k * (1 - p) ** (m - k)


def binom_cdf(k, m, p):
    """P(X <= k), exact."""
    return sum((binom_pmf(j, m, p) for j in range(0, min(k, m) + 1)), Fraction(0))


def binom_sf(k, m, p):
    """P(X > k), exact."""
    return sum((binom_pmf(j, m, p) for j in range(max(k + 1, 0), m + 1)), Fraction(0))


class BinomTable:
    """Exact Bin(m, p) tables for m = 0..mmax as integer numerators over d**m, p = a/d.

    ``pmf[m][k] = C(m, k) a^k (d - a)^(m - k)`` and ``sf[m][k] = sum_{j > k} pmf[m][j]``;
    the probabilities are these over ``den[m] = d**m``.
    """

    def __init__(self, p, mmax):
        p = as_fraction(p)
        if not 0 <= p <= 1:
            raise ValueError(f"p must lie in [0, 1], got {p}")
        self.p = p
        self.mmax = mmax
        a, d = p.numerator, p.denominator
        b = d - a
        apow = [a ** k for k in range(mmax + 1)]
        bpow = [b ** k for k in range(mmax + 1)]
        self.den = [d ** m for m in range(mmax + 1)]
        self.pmf = []
        self.sf = []
        for m in range(mmax + 1):
            row = [comb(m, k) * apow[k] * bpow[m - k] for k in range(m + 1)]
            assert sum(row) == self.den[m]  # binomial theorem: the row sums to 1 exactly
            sf = [0] * (m + 1)
            s = 0
            for k in range(m, 0, -1):
                s += row[k]
                sf[k - 1] = s
            self.pmf.append(row)
            self.sf.append(sf)

    def sf_num(self, m, k):
        """Numerator (over d**m) of P(X > k) for X ~ Bin(m, p), any integer k."""
        if k < 0:
            return self.den[m]
        if k >= m:
            return 0
        return self.sf[m][k]

    def cdf_num(self, m, k):
        """Numerator (over d**m) of P(X <= k)."""
        return self.den[m] - self.sf_num(m, k)

    def pmf_frac(self, m, k):
        return Fraction(self.pmf[m][k], self.den[m]) if 0 <= k <= m else Fraction(0)

    def cdf_frac(self, m, k):
        return Fraction(self.cdf_num(m, k), self.den[m])

    def sf_frac(self, m, k):
        return Fraction(self.sf_num(m, k), self.den[m])


def _table(p, m, table):
    if table is not None:
        if table.p != as_fraction(p) or table.mmax < m:
            raise ValueError("table does not match p or is too small")
        return table
    return BinomTable(p, m)


# ---------------------------------------------------------------------------
# Operating characteristics, exact
# ---------------------------------------------------------------------------

def two_stage_oc(r1, n1, r, n, p, table=None):
    """Exact operating characteristics of r1/n1, r/n at rate p.

    Sums over every outcome (x1, x2) of the two stages:
    stop after stage 1 if x1 <= r1; else reject H0 iff x1 + x2 > r.
    Returns a dict of Fractions: reject, pet, en, stop_stage1, continue_fail,
    continue_success.
    """
    assert 1 <= n1 < n and 0 <= r1 < n1 and r1 <= r < n
    n2 = n - n1
    t = _table(p, max(n1, n2), table)
    stop = 0
    fail = 0
    success = 0
    for x1 in range(n1 + 1):
        w1 = t.pmf[n1][x1]
        if x1 <= r1:
            stop += w1 * t.den[n2]
            continue
        for x2 in range(n2 + 1):
            w = w1 * t.pmf[n2][x2]
            if x1 + x2 > r:
                success += w
            else:
                fail += w
    den = t.den[n1] * t.den[n2]
    assert stop + fail + success == den
    pet = Fraction(stop, den)
    return {
        "reject": Fraction(success, den),
        "pet": pet,
        "en": n1 + (1 - pet) * n2,
        "stop_stage1": pet,
        "continue_fail": Fraction(fail, den),
        "continue_success": Fraction(success, den),
    }


def single_stage_oc(r, n, p, table=None):
    """Exact operating characteristics of the single-stage design r/n at rate p."""
    assert 0 <= r < n
    t = _table(p, n, table)
    rej = t.sf_frac(n, r)
    return {
        "reject": rej,
        "pet": Fraction(0),
        "en": Fraction(n),
        "stop_stage1": Fraction(0),
        "continue_fail": 1 - rej,
        "continue_success": rej,
    }


# ---------------------------------------------------------------------------
# Simon two-stage designs by complete enumeration
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Design:
    r1: int
    n1: int
    r: int
    n: int
    attained_alpha: Fraction
    power: Fraction
    en0: Fraction
    pet0: Fraction
    en1: Fraction
    pet1: Fraction

    @property
    def key(self):
        return (self.r1, self.n1, self.r, self.n)


def enumerate_designs(p0, p1, alpha, beta, nmax, nmin=2):
    """Every feasible Simon design with nmin <= n <= nmax, exact.

    Loops over every n in nmin..nmax, n1 in 1..n-1, r in 0..n-1 and r1 in
    0..min(n1 - 1, r); for fixed (n, n1, r) the rejection probability
    ``sum_{x1 > r1} b(x1; n1, p) P(X2 > r - x1; n - n1, p)`` is formed for all
    r1 at once as a suffix sum over x1 (integer numerators over d**n).
    """
    p0, p1, alpha, beta = (as_fraction(v) for v in (p0, p1, alpha, beta))
    t0 = BinomTable(p0, nmax)
    t1 = BinomTable(p1, nmax)
    target = 1 - beta
    out = []
    for n in range(max(nmin, 2), nmax + 1):
        # attained alpha = A / d0**n <= alpha  <=>  A * alpha.den <= alpha.num * d0**n
        lim0 = alpha.numerator * t0.den[n]
        lim1 = target.numerator * t1.den[n]
        for n1 in range(1, n):
            n2 = n - n1
            pet0 = [t0.cdf_frac(n1, r1) for r1 in range(n1)]
            pet1 = [t1.cdf_frac(n1, r1) for r1 in range(n1)]
            for r in range(0, n):
                # suffix sums: s[x] = sum_{x1 >= x} b(x1; n1, p) P(X2 > r - x1)
                s0 = [0] * (n1 + 2)
                s1 = [0] * (n1 + 2)
                for x1 in range(n1, -1, -1):
                    s0[x1] = s0[x1 + 1] + t0.pmf[n1][x1] * t0.sf_num(n2, r - x1)
                    s1[x1] = s1[x1 + 1] + t1.pmf[n1][x1] * t1.sf_num(n2, r - x1)
                for r1 in range(0, min(n1 - 1, r) + 1):
                    a_num = s0[r1 + 1]
                    b_num = s1[r1 + 1]
                    if a_num * alpha.denominator > lim0:
                        continue
                    if b_num * target.denominator < lim1:
                        continue
                    out.append(Design(
                        r1=r1, n1=n1, r=r, n=n,
                        attained_alpha=Fraction(a_num, t0.den[n]),
                        power=Fraction(b_num, t1.den[n]),
                        en0=n1 + (1 - pet0[r1]) * n2, pet0=pet0[r1],
                        en1=n1 + (1 - pet1[r1]) * n2, pet1=pet1[r1]))
    return out


def optimal(designs):
    """Minimum EN0; ties: smaller n, then smaller n1, then smaller r."""
    return min(designs, key=lambda d: (d.en0, d.n, d.n1, d.r))


def minimax(designs):
    """Minimum n; ties: minimum EN0, then smaller n1, then smaller r."""
    return min(designs, key=lambda d: (d.n, d.en0, d.n1, d.r))


def best_by_n(designs):
    """{n: the minimum-EN0 design with that n} (ties: smaller n1, then smaller r)."""
    best = {}
    for d in designs:
        cur = best.get(d.n)
        if cur is None or (d.en0, d.n1, d.r) < (cur.en0, cur.n1, cur.r):
            best[d.n] = d
    return dict(sorted(best.items()))


def ties(designs, d, by):
    """Designs other than d's (n, n1, r1) that tie with d on the given attributes."""
    return [e for e in designs
            if all(getattr(e, a) == getattr(d, a) for a in by) and (e.n, e.n1, e.r1) != (d.n, d.n1, d.r1)]


def admissible(designs):
    """Admissible designs (Jung et al. 2004) with exact q ranges.

    Returns [(design, q_low, q_high)] from minimax (q_high = 1) to optimal
    (q_low = 0): the designs on the lower convex hull of (n, EN0) over the
    per-n minimum-EN0 designs with minimax n <= n <= optimal n, decided in
    exact arithmetic (EN0 are Fractions).  A point on a hull edge between
    two vertices minimises q n + (1 - q) EN0 at the single q of that edge
    (together with the edge's ends): it is kept, with q_low == q_high.
    """
    opt = optimal(designs)
    mm = minimax(designs)
    per_n = best_by_n(designs)
    pts = [d for n, d in per_n.items() if mm.n <= n <= opt.n]
    assert pts[0] == mm and pts[-1] == opt

    def cross(o, a, b):
        return (a.n - o.n) * (b.en0 - o.en0) - (a.en0 - o.en0) * (b.n - o.n)

    hull = []
    for d in pts:
        # pop only a point strictly above the line from hull[-2] to d; a collinear one lies on the edge
        while len(hull) >= 2 and cross(hull[-2], hull[-1], d) < 0:
            hull.pop()
        hull.append(d)
    bounds = [Fraction(1)]
    for a, b in zip(hull, hull[1:]):
        gain = a.en0 - b.en0
        bounds.append(gain / ((b.n - a.n) + gain))
    bounds.append(Fraction(0))
    return [(d, bounds[i + 1], bounds[i]) for i, d in enumerate(hull)]


def weighted_loss_minimisers(designs, q):
    """Every design minimising q*n + (1-q)*EN0 at weight q (a direct check of admissibility)."""
    q = as_fraction(q)
    vals = [(q * d.n + (1 - q) * d.en0, d) for d in designs]
    lo = min(v for v, _ in vals)
    return [d for v, d in vals if v == lo]


# ---------------------------------------------------------------------------
# Single stage
# ---------------------------------------------------------------------------

def single_stage_search(p0, p1, alpha, beta, nmax, count=1):
    """The first ``count`` feasible single-stage designs: smallest n, then smallest r.

    Checks every n in 1..nmax and every r in 0..n-1.  Returns a list of
    (r, n, attained alpha, power) with exact Fractions.
    """
    p0, p1, alpha, beta = (as_fraction(v) for v in (p0, p1, alpha, beta))
    t0 = BinomTable(p0, nmax)
    t1 = BinomTable(p1, nmax)
    out = []
    for n in range(1, nmax + 1):
        for r in range(0, n):
            a = t0.sf_frac(n, r)
            pw = t1.sf_frac(n, r)
            if a <= alpha and pw >= 1 - beta:
                out.append((r, n, a, pw))
                break
        if len(out) == count:
            break
    return out

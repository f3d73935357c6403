"""Brute-force exact reference for two-stage designs with a stage-1 efficacy stop.

Nothing here comes from phase2design: ``math.comb``, integers and ``fractions.Fraction`` only.  Every
design ``r1:e1/n1, r/n`` with ``n <= nmax`` (``1 <= n1 < n``, ``0 <= r1 < e1 <= n1``, ``e1 = n1``
meaning no efficacy stop, ``r1 <= r < n``) is enumerated and decided exactly; none is skipped by a
monotonicity argument.  With ``p = u/d`` every outcome probability times ``d^n`` is an integer:

    P(promising) d^n = d^{n2} sum_{x1 > e1} w1(x1) + sum_{r1 < x1 <= e1} w1(x1) t2(r - x1),

``w1(x) = C(n1, x) u^x (d - u)^(n1 - x)`` and ``t2(k) = sum_{x2 > k} C(n2, x2) u^x2 (d - u)^(n2 - x2)``;
the running sums over e1 are only a way of adding the same terms.
"""

import math
from dataclasses import dataclass
from fractions import Fraction


def as_fraction(x):
    return x if isinstance(x, Fraction) else Fraction(str(x))


@dataclass(frozen=True)
class Found:
    n: int
    n1: int
    r1: int
    e1: int  # e1 == n1: no efficacy stop
    r: int
    en0: Fraction
    en1: Fraction
    alpha: Fraction
    power: Fraction

    @property
    def label(self):
        first = f"{self.r1}/{self.n1}" if self.e1 >= self.n1 else f"{self.r1}:{self.e1}/{self.n1}"
        return f"{first}, {self.r}/{self.n}"


def _weights(m, u, d):
    return [math.comb(m, x) * u ** x * (d - u) ** (m - x) for x in range(m + 1)]


def _tails(w):
    """t[k + 1] = sum_{x > k} w[x] for k = -1..m (t[0] = total, t[m + 1] = 0); index with k + 1 clipped."""
    m = len(w) - 1
    t = [0] * (m + 2)
    for k in range(m, -1, -1):
        t[k] = t[k + 1] + w[k]
    return t


def enumerate_feasible(p0, p1, alpha, beta, nmax, nmin=2, efficacy=True):
    """Every feasible design with nmin <= n <= nmax (every r, not only the smallest), exactly.

    ``efficacy=False`` enumerates Simon's designs only (e1 = n1)."""
    p0, p1, alpha, beta = (as_fraction(v) for v in (p0, p1, alpha, beta))
    rates = [(p.numerator, p.denominator) for p in (p0, p1)]
    out = []
    for n in range(max(nmin, 2), nmax + 1):
        for n1 in range(1, n):
            n2 = n - n1
            w = [_weights(n1, u, d) for u, d in rates]
            t2 = [_tails(_weights(n2, u, d)) for u, d in rates]
            s1 = [_tails(x) for x in w]  # s1[i][x] = sum_{x1 >= x} w1(x1)
            scale = [d ** n for _, d in rates]
            dn2 = [d ** n2 for _, d in rates]
            a_lim = alpha * scale[0]
            b_lim = (1 - beta) * scale[1]

            def t2_at(i, k, t2=t2, n2=n2):
                return t2[i][min(max(k + 1, 0), n2 + 1)]

            for r1 in range(n1):
                for r in range(r1, n):
                    cont = [0, 0]
                    for e1 in range(r1 + 1, n1 + 1):
                        for i in (0, 1):
                            cont[i] += w[i][e1] * t2_at(i, r - e1)
                        a = cont[0] + dn2[0] * s1[0][e1 + 1]
                        b = cont[1] + dn2[1] * s1[1][e1 + 1]
                        if e1 < n1 and not efficacy:
                            continue
                        if a <= a_lim and b >= b_lim:
                            c0 = s1[0][r1 + 1] - s1[0][e1 + 1]
                            c1 = s1[1][r1 + 1] - s1[1][e1 + 1]
                            d0, d1 = rates[0][1] ** n1, rates[1][1] ** n1
                            out.append(Found(n, n1, r1, e1, r, n1 + Fraction(c0 * n2, d0), n1 + Fraction(c1 * n2, d1),
                                             Fraction(a, scale[0]), Fraction(b, scale[1])))
    return out


def _tie(f):
    # smaller n1, larger r1; then the smallest e1 and r (EN rises with e1, does not depend on r)
    return (f.n1, -f.r1, f.e1, f.r)


def optimal(found, which=0):
    return min(found, key=lambda f: ((f.en0 if which == 0 else f.en1), f.n) + _tie(f))


def minimax(found, which=0):
    return min(found, key=lambda f: (f.n, (f.en0 if which == 0 else f.en1)) + _tie(f))


def best_by_n(found, which=0):
    """{n: minimum-EN design with that n}."""
    out = {}
    for f in found:
        cur = out.get(f.n)
        key = ((f.en0 if which == 0 else f.en1),) + _tie(f)
        if cur is None or key < ((cur.en0 if which == 0 else cur.en1),) + _tie(cur):
            out[f.n] = f
    return dict(sorted(out.items()))

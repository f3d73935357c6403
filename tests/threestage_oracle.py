"""Brute-force oracle for three-stage designs, in exact integer and rational arithmetic.

Independent of phase2design.  It enumerates every design of the three-stage family with total N <= nmax:

* proper three-stage designs ``r1/N1, r2/N2, r/N`` with ``N1 < N2 < N``, ``0 <= r1 < r2 <= r < N``: stop after
  stage 1 if ``S1 <= r1``, after stage 2 if ``S2 <= r2``, promising if ``S3 > r``;
* two-stage designs ``r1/N1, r/N`` (a three-stage design with an empty stage), ``0 <= r1 <= r < N``,

and every cut-off r of each.  With ``p = u/d`` a sequence of N patients with t responses has probability
``u^t (d - u)^(N - t) / d^N``; the number of sequences that reach stage 3 with S2 = s and end with total t is
a sum of products of binomial coefficients, so type I error, power and EN0 are exact Fractions.

Ties, as the search documents them: at equal N and exactly equal EN0 a two-stage design wins, then the
smallest (N1, N2, r1, r2), then the smallest r; the optimal design is the smallest N among equal EN0.
"""

import math
from fractions import Fraction


def _weights(p, N):
    u, d = p.numerator, p.denominator
    return [u ** t * (d - u) ** (N - t) for t in range(N + 1)], d ** N


def _conv(c, m, lo):
    """Counts after m more patients, starting from counts c[s] for s >= lo (others dropped)."""
    out = [0] * (len(c) + m)
    binom = [math.comb(m, x) for x in range(m + 1)]
    for s in range(lo, len(c)):
        if c[s]:
            for x in range(m + 1):
                out[s + x] += c[s] * binom[x]
    return out


def _feasible_rs(final, N, w0, d0, w1, d1, alpha, target, rmin):
    """(r, alpha, power) for every cut-off r > rmin with exact alpha <= alpha and power >= target.

    ``final[t]`` counts the sequences that reach the last look with total t.  The comparisons are made on
    integers: ``a / d0 <= alpha`` iff ``a * den(alpha) <= num(alpha) * d0``.
    """
    out = []
    a = b = 0
    an, ad = alpha.numerator, alpha.denominator
    tn, td = target.numerator, target.denominator
    for t in range(N, rmin + 1, -1):  # a, b = tails over totals > r after adding t, for r = t - 1
        a += final[t] * w0[t]
        b += final[t] * w1[t]
        if a * ad > an * d0:
            break  # alpha only grows as r falls
        if b * td >= tn * d1:
            out.append((t - 1, Fraction(a, d0), Fraction(b, d1)))
    return out


def _step(c):
    """Counts after one more patient: c'(s) = c(s) + c(s - 1)."""
    return [(c[s] if s < len(c) else 0) + (c[s - 1] if s >= 1 else 0) for s in range(len(c) + 1)]


def designs(p0, p1, alpha, beta, nmax):
    """Every feasible design with N <= nmax: dicts with key, N, en0 (Fraction), alpha, power, stages."""
    p0, p1, alpha, beta = (Fraction(str(v)) for v in (p0, p1, alpha, beta))
    target = 1 - beta
    W = {N: (_weights(p0, N), _weights(p1, N)) for N in range(1, nmax + 1)}
    found = []
    for N1 in range(1, nmax):
        c1 = [math.comb(N1, s) for s in range(N1 + 1)]
        (w0, d0), _ = W[N1]
        for r1 in range(0, N1):
            pc1 = Fraction(sum(c1[s] * w0[s] for s in range(r1 + 1, N1 + 1)), d0)
            # two-stage r1/N1, r/N
            final = [c if s > r1 else 0 for s, c in enumerate(c1)]
            for N in range(N1 + 1, nmax + 1):
                final = _step(final)
                (wN0, dN0), (wN1, dN1) = W[N]
                en0 = N1 + pc1 * (N - N1)
                for r, A, P in _feasible_rs(final, N, wN0, dN0, wN1, dN1, alpha, target, r1 - 1):
                    found.append({"key": (0, N1, 0, r1, 0, r), "stages": 2, "N": N, "en0": en0, "alpha": A,
                                  "power": P, "label": f"{r1}/{N1}, {r}/{N}"})
            for N2 in range(N1 + 1, nmax):
                c2 = _conv(c1, N2 - N1, r1 + 1)
                (w20, d20), _ = W[N2]
                for r2 in range(r1 + 1, N2):
                    pc2 = Fraction(sum(c2[s] * w20[s] for s in range(r2 + 1, N2 + 1)), d20)
                    if pc2 == 0:
                        continue
                    final = [c if s > r2 else 0 for s, c in enumerate(c2)]
                    for N in range(N2 + 1, nmax + 1):
                        final = _step(final)
                        (wN0, dN0), (wN1, dN1) = W[N]
                        en0 = N1 + pc1 * (N2 - N1) + pc2 * (N - N2)
                        for r, A, P in _feasible_rs(final, N, wN0, dN0, wN1, dN1, alpha, target, r2 - 1):
                            found.append({"key": (1, N1, N2, r1, r2, r), "stages": 3, "N": N, "en0": en0,
                                          "alpha": A, "power": P, "label": f"{r1}/{N1}, {r2}/{N2}, {r}/{N}"})
    return found


def best_by_n(found):
    """The minimum-EN0 design per N (ties as documented), then those improving on every smaller N."""
    per = {}
    for d in found:
        k = (d["en0"], d["key"])
        if d["N"] not in per or k < (per[d["N"]]["en0"], per[d["N"]]["key"]):
            per[d["N"]] = d
    out = []
    for N in sorted(per):
        if not out or per[N]["en0"] < out[-1]["en0"]:
            out.append(per[N])
    return out


def hull(points):
    """Lower convex hull of (N, EN0) over the per-N designs (sorted by N), points on an edge kept."""
    h = []
    for d in points:
        while len(h) >= 2:
            o, a = h[-2], h[-1]
            cross = (a["N"] - o["N"]) * (d["en0"] - o["en0"]) - (a["en0"] - o["en0"]) * (d["N"] - o["N"])
            if cross < 0:
                h.pop()
            else:
                break
        h.append(d)
    return h

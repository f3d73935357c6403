"""Operating characteristics of any design in exact rational arithmetic.

The design searches run in double precision and re-decide here every comparison that comes within rounding
of a tie (attained alpha against alpha, power against 1 - beta, one expected sample size against another).
With ``p = u/d`` a response sequence of ``N`` patients with ``s`` responses has probability
``u^s (d - u)^(N - s) / d^N``, so every outcome probability is an integer path count times that weight:

.. math::

    P_p(\\text{reach look } j \\text{ with } S_j = s) = c_j(s) \\frac{u^s (d-u)^{N_j - s}}{d^{N_j}},
    \\qquad c_j(s) = \\sum_{k \\text{ continues}} c_{j-1}(k) \\binom{n_j}{s - k},

the same recursion as the engine's, on integers.  The rates are taken as the decimals they were given as
(``0.1`` is ``1/10``), as :func:`phase2design._validation.exact_decimal` reads them.
"""

import math
from fractions import Fraction

from .._validation import exact_decimal
from .design import Design

__all__ = ["exact_oc", "exact_rate"]


def exact_rate(p):
    """``p`` as a Fraction: a Fraction or int as it is, a float or string as the decimal it prints as."""
    if isinstance(p, Fraction):
        return p
    if isinstance(p, int):
        return Fraction(p)
    return exact_decimal(p)


def _reach_counts(design):
    """``[c_1, ..., c_J]``: dicts ``s -> number of sequences reaching look j with S_j = s``."""
    sizes = design.stage_sizes
    rows = [{s: math.comb(sizes[0], s) for s in range(sizes[0] + 1)}]
    for j in range(1, design.stages):
        lo, hi = design.continuation(j - 1)
        m = sizes[j]
        binom = [math.comb(m, x) for x in range(m + 1)]
        new = {}
        for k, c in rows[-1].items():
            if lo <= k <= hi:
                for x in range(m + 1):
                    new[k + x] = new.get(k + x, 0) + c * binom[x]
        rows.append(new)
    return rows


def exact_oc(design, p):
    """Exact ``reject``, ``en``, ``stop``, ``futility`` and ``efficacy`` of ``design`` at rate ``p``.

    Returns a dict of Fractions with the same keys and meaning as
    :meth:`phase2design.engine.samplespace.SampleSpace.oc`: ``reject`` is
    ``P(promising)``, ``stop[j]`` is ``P(N = N_j)``, ``futility[j]`` and ``efficacy[j]``
    the probabilities of ending after stage ``j`` not promising and promising, ``en`` the
    expected number of patients.

    Examples
    --------
    >>> exact_oc("1/10,5/29", "0.1")["reject"] < Fraction(5, 100)
    True
    """
    d = Design.parse(design)
    p = exact_rate(p)
    u, den = p.numerator, p.denominator
    J = d.stages
    fut, eff = [], []
    for j, row in enumerate(_reach_counts(d)):
        N = d.n[j]
        lo, hi = (d.continuation(j) if j < J - 1 else (d.r + 1, d.r))
        f = e = 0
        for s, c in row.items():
            w = c * u ** s * (den - u) ** (N - s)
            if j == J - 1:
                if s > d.r:
                    e += w
                else:
                    f += w
            elif s < lo:
                f += w
            elif s > hi:
                e += w
        scale = den ** N
        fut.append(Fraction(f, scale))
        eff.append(Fraction(e, scale))
    stop = [fut[j] + eff[j] for j in range(J)]
    reached = Fraction(1)
    en = Fraction(0)
    for j, m in enumerate(d.stage_sizes):
        en += m * reached
        reached -= stop[j]
    return {"reject": sum(eff), "en": en, "stop": stop, "futility": fut, "efficacy": eff}


def exact_stagewise_at_least(space, t, p):
    """``P_p(T >= t)`` on the stage-wise ordering of ``space`` (a SampleSpace), as a Fraction.

    Outcome ``i`` of the ordering is the stop at look ``stage[i]`` with ``S = s[i]``; every sequence that
    reaches it ends there, so its probability is ``c_j(s) p^s (1 - p)^(N_j - s)`` with the integer path
    count ``c_j(s)`` of :func:`_reach_counts`.  Used to re-decide a p-value that lies within rounding of
    alpha.
    """
    d = space.design
    p = exact_rate(p)
    u, den = p.numerator, p.denominator
    counts = _reach_counts(d)
    total = Fraction(0)
    for j, s in zip(space.stage[t:], space.s[t:]):
        j, s = int(j), int(s)
        N = d.n[j - 1]
        total += Fraction(counts[j - 1][s] * u ** s * (den - u) ** (N - s), den ** N)
    return total

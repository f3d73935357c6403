"""Bayesian monitoring rules as multi-stage designs: posterior and predictive probabilities, cut-offs.

A Bayesian rule monitored at looks ``n_1 < ... < n_J = N_max`` decides at each look from the number of
responses ``x`` so far.  With a beta-mixture prior ``pi(p) = sum_k w_k Beta(a_k, b_k)``:

* the posterior probability that ``p`` exceeds a rate ``q`` is
  ``P(p > q | x, n) = sum_k w_k(x) (1 - I_q(a_k + x, b_k + n - x))``, with the updated weights
  ``w_k(x)`` of :mod:`phase2design.numerics._bayes_kernels` and the regularised incomplete beta function
  ``I`` (the complement computed directly by ``scipy.special.betaincc``, without a subtraction);
* the predictive probability of success (Lee & Liu 2008) is
  ``PP(x, n) = P(S_Nmax > r | x, n) = sum_y P(Y = y | x) 1[x + y > r]``, a beta-binomial tail, where
  ``r`` is the largest final count that is *not* a success, i.e. at which ``P(p > p0 | r, N_max)`` does not
  reach ``theta_T``.

Both are non-decreasing in ``x`` for any prior (the binomial likelihood has a monotone likelihood ratio,
so the posterior given ``x + 1`` dominates that given ``x`` stochastically, and so does the predictive
distribution of the final total).  Every stopping set is therefore an interval of ``x`` at the bottom
(futility) or at the top (efficacy), i.e. a bound of the multi-stage model, and the rule *is* a
:class:`~phase2design.engine.design.Design` whose exact OC the engine computes.

Comparisons with thresholds (two conventions, ``equality``):

* ``"strict"`` (Lee & Liu 2008's text, MD Anderson's program, phase1b's boundaries): success at the end iff
  ``P(p > p0 | data) > theta_T``; stop for futility iff the monitored probability is ``< theta_L``; stop
  for efficacy iff it is ``> theta_U``;
* ``"inclusive"`` (R ph2bayes): a probability equal to a threshold crosses it: ``>= theta_T``,
  ``<= theta_L``, ``>= theta_U``.

The probabilities are double-precision values accurate to about 1e-14; a threshold within 1e-12 of one of
them makes a boundary depend on rounding, which :func:`near_threshold` reports.
"""

import functools
import math
import numbers

import numpy as np

from .._validation import check_beta_parameter, check_choice, check_prior, check_rate
from .design import Design


def _patients(k):
    return "1 patient" if k == 1 else f"{k} patients"

__all__ = ["mixture_prior", "posterior_tail", "predictive_tails", "final_cut", "stops_below", "stops_above",
           "rule_design", "EQUALITIES", "prior_text"]

EQUALITIES = ("strict", "inclusive")

#: A threshold this close (absolute) to a computed probability is reported as a near tie.
NEAR = 1e-12


def mixture_prior(prior, p0=None):
    """A prior as a tuple of ``(weight, a, b)`` with weights summing to 1.

    Parameters
    ----------
    prior : None, "uniform", "jeffreys", (a, b) or sequence of (weight, a, b)
        ``None`` is ``Beta(p0, 1 - p0)``: mean ``p0``, worth one patient (the form of Lee & Liu's (2008)
        example prior Beta(0.6, 0.4) for p0 = 0.6).  Mixture weights must be positive; they are
        normalised.
    p0 : float, optional
        Needed for the default prior.
    """
    if prior is None:
        if p0 is None:
            raise ValueError("prior must be given (a pair (a, b), 'uniform', 'jeffreys' or a mixture) when p0 is "
                             "not, got None")
        return ((1.0, float(p0), 1.0 - float(p0)),)
    if isinstance(prior, str) or (isinstance(prior, (tuple, list)) and len(prior) == 2
                                  and all(isinstance(v, numbers.Real) for v in prior)):
        a, b = check_prior(prior)
        return ((1.0, a, b),)
    try:
        comps = [tuple(c) for c in prior]
    except TypeError:
        raise TypeError(f"prior must be 'uniform', 'jeffreys', a pair (a, b) or a list of (weight, a, b), "
                        f"got {prior!r}") from None
    if not comps or any(len(c) != 3 for c in comps):
        raise ValueError(f"prior mixture must be a non-empty list of (weight, a, b) triples, got {prior!r}")
    out = []
    for w, a, b in comps:
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not (math.isfinite(w) and w > 0):
            raise ValueError(f"prior mixture weights must be positive finite numbers, got {w!r} in {prior!r}")
        out.append((float(w), check_beta_parameter("prior", a, prior), check_beta_parameter("prior", b, prior)))
    total = math.fsum(w for w, _, _ in out)
    return tuple((w / total, a, b) for w, a, b in out)


def prior_text(prior):
    """``Beta(0.6, 0.4)`` or ``0.75 Beta(1, 1) + 0.25 Beta(25, 15)``."""
    if len(prior) == 1:
        return f"Beta({prior[0][1]:.10g}, {prior[0][2]:.10g})"
    return " + ".join(f"{w:.10g} Beta({a:.10g}, {b:.10g})" for w, a, b in prior)


def _arrays(prior):
    w = np.array([c[0] for c in prior], dtype=float)
    a = np.array([c[1] for c in prior], dtype=float)
    b = np.array([c[2] for c in prior], dtype=float)
    return w, a, b


def posterior_weights(prior, n):
    """``W[x, k]``: posterior weight of component ``k`` after ``x`` responses in ``n`` (x = 0..n)."""
    from ..numerics._bayes_kernels import _posterior_weights

    w, a, b = _arrays(prior)
    out = np.empty((n + 1, len(w)))
    _posterior_weights(int(n), w, a, b, out)
    return out


def posterior_tail(prior, n, rate, x=None):
    """``P(p > rate | x responses in n)`` for ``x = 0..n`` (or the counts ``x`` given).

    ``rate`` may be 0 or 1 (probabilities 1 and 0).  Values are clipped to [0, 1].  Whole rows are cached
    (read-only arrays): a search asks for the same look and rate for every maximum sample size.
    """
    if x is None:
        return _posterior_row(tuple(prior), int(n), float(rate))
    return _posterior_tail(prior, n, rate, x)


@functools.lru_cache(maxsize=4096)
def _posterior_row(prior, n, rate):
    out = _posterior_tail(prior, n, rate, None)
    out.flags.writeable = False
    return out


def _posterior_tail(prior, n, rate, x):
    from scipy.special import betaincc

    xs = np.arange(n + 1) if x is None else np.atleast_1d(np.asarray(x, dtype=np.int64))
    if rate <= 0.0:
        return np.ones(len(xs))
    if rate >= 1.0:
        return np.zeros(len(xs))
    W = posterior_weights(prior, n)[xs]
    _, a, b = _arrays(prior)
    # P(Beta(a', b') > q): the complemented incomplete beta function itself, never 1 - I_q(a', b')
    tails = betaincc(a[None, :] + xs[:, None], b[None, :] + (n - xs)[:, None], rate)
    return np.clip((W * tails).sum(axis=1), 0.0, 1.0)


def predictive_tails(prior, n, nmax):
    """``T[x, s] = P(S_Nmax >= s | S_n = x)`` for ``x = 0..n``, ``s = 0..nmax + 1`` (beta-binomial sums)."""
    from ..numerics._bayes_kernels import _predictive_tails

    w, a, b = _arrays(prior)
    out = np.empty((n + 1, nmax + 2))
    _predictive_tails(int(n), int(nmax), w, a, b, out)
    return out


def predictive_at_looks(prior, looks, nmax, r):
    """``PP[j][x] = P(S_Nmax > r | S_{looks[j]} = x)``, ``x = 0..looks[j]``: every look in one backward pass.

    Equals the beta-binomial tails of :func:`predictive_tails` (column ``r + 1``) to rounding; it is
    computed by backward induction on the posterior mean (see
    :func:`phase2design.numerics._bayes_kernels._pp_backward`), O(N_max^2) for all looks together.
    """
    from ..numerics._bayes_kernels import _pp_backward

    w, a, b = _arrays(prior)
    L = np.asarray(looks, dtype=np.int64)
    out = np.zeros((len(L), int(nmax) + 1))
    _pp_backward(int(nmax), int(r), L, w, a, b, out)
    return [out[j, :n + 1] for j, n in enumerate(L.tolist())]


def reaches(values, threshold, equality):
    """Boolean array: ``values`` reach ``threshold`` (``>=`` inclusive, ``>`` strict)."""
    return values >= threshold if equality == "inclusive" else values > threshold


def final_cut(prior, nmax, p0, theta_t, equality):
    """``(r, post)``: the largest final total that is not a success, and ``P(p > p0 | s, Nmax)`` for all s.

    Success at the end iff ``P(p > p0 | s, N_max)`` reaches ``theta_T``; the probability increases with
    ``s``, so the successes are ``s > r``.  ``r = -1`` means every total succeeds, ``r = N_max`` none.
    """
    post = posterior_tail(prior, nmax, p0)
    fail = np.nonzero(~reaches(post, theta_t, equality))[0]
    return (int(fail[-1]) if len(fail) else -1), post


def stops_below(values, threshold, equality):
    """Largest ``x`` whose (non-decreasing in x) probability stops for futility, or -1.

    Futility: the probability does not reach ``theta_L``: ``< theta_L`` (strict), ``<= theta_L``
    (inclusive).  The largest such ``x`` is the bound ``a`` (stop if ``S <= a``).
    """
    stop = values <= threshold if equality == "inclusive" else values < threshold
    idx = np.nonzero(stop)[0]
    return int(idx[-1]) if len(idx) else -1


def stops_above(values, threshold, equality):
    """Smallest ``x`` whose probability stops for efficacy (reaches ``theta_U``), or None."""
    idx = np.nonzero(reaches(values, threshold, equality))[0]
    return int(idx[0]) if len(idx) else None


def near_threshold(values, threshold):
    """True if some value lies within :data:`NEAR` of ``threshold`` without being equal to it."""
    d = np.abs(np.asarray(values, dtype=float) - threshold)
    return bool(np.any((d > 0) & (d <= NEAR)))


def rule_design(looks, futility, efficacy, r):
    """The :class:`Design` of a rule, and what each look can do.

    Parameters
    ----------
    looks : sequence of int
        Cumulative sizes ``n_1 < ... < n_J`` (the last is ``N_max``).
    futility : sequence of int
        For each look before the last, the largest total that stops for futility (-1: none).
    efficacy : sequence of int or None
        For each look before the last, the smallest total that stops for efficacy (None: none).
    r : int
        The final bound: promising at ``N_max`` iff ``S > r``.

    Returns
    -------
    design : Design
        Looks at which no total that can reach them stops are dropped (the Design refuses them); bounds
        outside the reachable range are dropped too.  They change no decision.
    status : tuple of str
        Per look: ``"stops"``, ``"cannot stop"`` (dropped), ``"ends"`` (every total that reaches it stops,
        so the trial never goes beyond it) or ``"not reached"``; the last look ``"final"``.

    Raises
    ------
    ValueError
        If at some look every total that can reach it stops for futility and none for efficacy: the rule
        then ends there without ever declaring the drug promising from that look, which no design of the
        model (promising at the end iff ``S > r`` with ``r < n``) expresses; such a rule is useless.
    """
    J = len(looks)
    ns, fut, eff, status = [], [], [], []
    lo, hi = 0, looks[0]
    ended = False
    for j in range(J):
        if ended:
            status.append("not reached")
            continue
        n = looks[j]
        if j == J - 1:
            r_end = max(int(r), lo - 1)
            ns.append(n)
            fut.append(r_end)
            eff.append(None)
            status.append("final")
            break
        a = int(futility[j])
        top = efficacy[j]
        a_eff = a if a >= lo else -1
        b_eff = None if top is None or top > hi else int(top) - 1
        c_lo = max(lo, a_eff + 1)
        c_hi = hi if b_eff is None else min(hi, b_eff)
        if c_lo > c_hi:
            # every total that reaches this look stops: the trial ends here
            if b_eff is None:
                raise ValueError(f"at the look after {_patients(n)} every total that can reach it ({lo} to {hi}) "
                                 f"stops for futility: the rule never continues and never declares the drug "
                                 f"promising from there; lower theta_L")
            ns.append(n)
            fut.append(max(b_eff, lo - 1))
            eff.append(None)
            status.append("ends")
            ended = True
            continue
        if c_lo == lo and c_hi == hi:
            status.append("cannot stop")
        else:
            ns.append(n)
            fut.append(a_eff)
            eff.append(b_eff)
            status.append("stops")
        lo, hi = c_lo, c_hi + looks[j + 1] - n
    return Design(tuple(ns), tuple(fut), tuple(eff)), tuple(status)


def check_equality(equality):
    return check_choice("equality", equality, EQUALITIES)


def check_threshold(name, value, *, optional=False):
    """A probability threshold in [0, 1] (None allowed with ``optional``)."""
    if value is None and optional:
        return None
    return check_rate(name, value, closed=True)


def predictive_pmf(prior, x, n, nmax):
    """``P(Y = y | x of n)``, ``y = 0..nmax - n``: the responses still to come (a beta-binomial mixture)."""
    from ..numerics._betabinomial import _betabinom_pmf_row

    m = nmax - n
    W = posterior_weights(prior, n)[x]
    out = np.zeros(m + 1)
    row = np.empty(m + 1)
    for wk, (_, a, b) in zip(W, prior):
        _betabinom_pmf_row(int(m), float(a + x), float(b + n - x), row)
        out += wk * row
    return out

"""Curtailment of any design: monitor patient by patient and stop once the outcome is certain or unlikely.

Conventions (the design's, :mod:`phase2design.engine.design`): after stage ``j`` stop not promising if
``S_j <= a_j``, stop promising if ``S_j > b_j``; at the end promising if ``S_J > r``.  ``S_m`` below is the
number of responses among the first ``m`` patients.

* **Non-stochastic (deterministic) curtailment** stops after patient ``m`` as soon as the final decision of
  the original design is certain: not promising when no continuation can end promising, promising when
  every continuation ends promising.  Certainty is decided by integer reachability logic, backwards over
  ``(m, s)``.  Every response sequence gets the decision the original design gives it, so ``P(promising)``
  (alpha, power) is unchanged at every ``p``, exactly; only the number of patients falls.
* **Stochastic curtailment** (Lan, Simon & Halperin 1982) stops for futility after patient ``m`` when the
  conditional probability under ``p1`` that the trial ends promising is below ``theta_f``
  (``CP < theta_f``, strict), for efficacy when it is above ``theta_e`` (``CP > theta_e``, strict), and at
  the original design's planned looks by its own bounds.  The conditional power is computed backwards
  *on the curtailed rule*: a point where the rule stops has ``CP = 0`` (not promising) or ``1``
  (promising), so each stop changes the conditional power of the points before it.  Alpha and power
  change; they are reported exactly by the engine.

Both rules are monotone in ``s`` (docs/methods.md, "Curtailment"), so the curtailed trial is a futility
bound and an efficacy bound per patient: a :class:`~phase2design.engine.design.Design` with a look at
every patient where a stop can happen, to which the whole engine (OC, sample-size distribution,
inference) applies unchanged.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple

import numpy as np

from .._validation import check_rate
from ..results import _frame, _plain
from .design import Design

__all__ = ["CurtailedDesign", "CurtailedOC", "curtail", "curtailed_oc", "METHODS"]

#: The curtailment methods :func:`curtail` knows.
METHODS = ("deterministic", "stochastic")

#: Relative machine epsilon of double precision, 2^-52.
_EPS = float(np.finfo(float).eps)


def near_tie_tolerance(n):
    """Distance from a threshold within which a float conditional power is re-decided exactly.

    ``1e-12 + 8 n eps``: the backward recursion adds at most about ``2 eps`` of rounding per patient to a
    value in [0, 1] (one product and one sum of non-negative terms), and the float ``p1`` differs from the
    decimal it was typed as by half an ulp, so a float ``CP`` differs from the exact one by less than
    ``3 n eps``; the tolerance leaves a margin of more than two.
    """
    return 1e-12 + 8.0 * n * _EPS


def _patient_looks(design):
    """``(look_a, look_b)``, length ``N_J + 1``: the design's bounds after each patient (no look: -1, m)."""
    N = design.n_max
    look_a = np.full(N + 1, -1, dtype=np.int64)
    look_b = np.arange(N + 1, dtype=np.int64)
    for j in range(design.stages - 1):
        m = design.n[j]
        look_a[m] = design.futility[j]
        if design.efficacy[j] is not None:
            look_b[m] = design.efficacy[j]
    return look_a, look_b


def _check_theta(name, value):
    if value is None:
        return None
    return check_rate(name, value, closed=True)


def _check_args(method, p1, theta_f, theta_e):
    """The arguments of :func:`curtail`, checked; ValueError/TypeError naming the argument."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    theta_f = _check_theta("theta_f", theta_f)
    theta_e = _check_theta("theta_e", theta_e)
    if method == "deterministic":
        if theta_f is not None or theta_e is not None:
            raise ValueError(f"theta_f and theta_e are the thresholds of method='stochastic'; deterministic "
                             f"curtailment has none, got theta_f={theta_f!r}, theta_e={theta_e!r}")
        if p1 is not None:
            raise ValueError(f"p1 is the rate of the conditional power of method='stochastic'; deterministic "
                             f"curtailment does not use it, got p1={p1!r}")
        return None, None, None
    if p1 is None:
        raise ValueError("p1 must be given for method='stochastic': the conditional power is computed under p1")
    p1 = check_rate("p1", p1)
    if theta_f is None and theta_e is None:
        raise ValueError("method='stochastic' needs theta_f (stop for futility if CP < theta_f) and/or theta_e "
                         "(stop for efficacy if CP > theta_e), got neither")
    if theta_f is not None and theta_e is not None and not theta_f < theta_e:
        raise ValueError(f"theta_f must be smaller than theta_e (stop for futility if CP < theta_f, for "
                         f"efficacy if CP > theta_e), got theta_f={theta_f!r}, theta_e={theta_e!r}")
    return p1, theta_f, theta_e


def _exact_stochastic(look_a, look_b, r, p1, theta_f, theta_e):
    """The stochastic rule of :func:`~._curtail_kernels._stochastic_bounds` in exact integer arithmetic.

    With ``p1 = u/d`` (the decimal as typed) ``C(m, s) = CP(m, s) d^(N - m)`` is an integer:
    ``C(m, s) = u C(m+1, s+1) + (d - u) C(m+1, s)``, a stop sets it to 0 or ``d^(N - m)``, and
    ``CP < theta = t/w`` is ``C w < t d^(N - m)``.  Returns ``(f, e, ok, cp0)`` as the kernel does, with
    ``cp0`` a Fraction.
    """
    from .exact import exact_rate

    p = exact_rate(p1)
    u, d = p.numerator, p.denominator
    tf = exact_rate(theta_f) if theta_f is not None else None
    te = exact_rate(theta_e) if theta_e is not None else None
    N = len(look_a) - 1
    C = [1 if s > r else 0 for s in range(N + 2)]
    f = [0] * (N + 1)
    e = [0] * (N + 1)
    f[N], e[N] = min(r, N), r + 1
    ok = True
    scale = 1  # d^(N - m)
    for m in range(N - 1, -1, -1):
        scale *= d
        a, b = int(look_a[m]), int(look_b[m])
        stop_f = [False] * (m + 1)
        stop_e = [False] * (m + 1)
        for s in range(m + 1):
            if s <= a:
                v, stop_f[s] = 0, True
            elif s > b:
                v, stop_e[s] = scale, True
            else:
                v = u * C[s + 1] + (d - u) * C[s]
                if m >= 1:
                    if tf is not None and v * tf.denominator < tf.numerator * scale:
                        v, stop_f[s] = 0, True
                    elif te is not None and v * te.denominator > te.numerator * scale:
                        v, stop_e[s] = scale, True
            C[s] = v
        fm = -1
        while fm + 1 <= m and stop_f[fm + 1]:
            fm += 1
        em = m + 1
        while em - 1 >= 0 and stop_e[em - 1]:
            em -= 1
        ok = ok and not any(stop_f[fm + 1:]) and not any(stop_e[:em])
        f[m], e[m] = fm, em
    return f, e, ok, Fraction(C[0], scale)


def _rule_design(original, f, e, degenerate):
    """The curtailed trial as a Design, with its per-patient bounds and reachable totals.

    ``f[m]``, ``e[m]``: stop not promising after patient ``m`` if ``S_m <= f[m]``, promising if
    ``S_m >= e[m]``.  Walking forwards, a bound no reachable total can cross is dropped (``-1`` / None), a
    patient where nothing can stop is no look, and the trial ends at the first patient ``M`` where every
    reachable total stops.  ``degenerate(kind)`` returns the error for a rule whose decision never varies.
    """
    lo, hi = 0, 0
    fut, eff, reach = [], [], []
    looks = []  # (m, a, b)
    any_f = any_e = False
    for m in range(1, original.n_max + 1):
        hi += 1
        reach.append((lo, hi))
        fm, em = int(f[m]), int(e[m])
        a = fm if fm >= lo else -1
        b = em - 1 if em <= hi else None
        fut.append(a)
        eff.append(b)
        any_f = any_f or a >= 0
        any_e = any_e or b is not None
        c_lo, c_hi = max(lo, fm + 1), min(hi, em - 1)
        if c_lo > c_hi:  # every reachable total stops: the last look
            if not any_e:
                raise degenerate("futility")
            if not any_f:
                raise degenerate("efficacy")
            # not promising for s <= r, promising above, over the reachable totals lo..hi
            r = min(fm, hi) if fm >= lo else lo - 1
            looks.append((m, r, None))
            break
        if a >= 0 or b is not None:
            looks.append((m, a, b))
        lo, hi = c_lo, c_hi
    n, a, b = zip(*looks)
    return Design(tuple(n), tuple(a), tuple(b)), tuple(fut), tuple(eff), tuple(reach)


def curtail(design, *, method="deterministic", p1=None, theta_f=None, theta_e=None, exact=False):
    """Curtail ``design``: monitor patient by patient, stop once its outcome is certain (or unlikely).

    Parameters
    ----------
    design : Design or anything :meth:`Design.parse` reads (``"1/10,5/29"``, ``"3:6/16,11/41"``, ...)
    method : {"deterministic", "stochastic"}
        ``"deterministic"``: stop after patient ``m`` as soon as the original design's decision is
        certain.  ``"stochastic"``: stop when the conditional power under ``p1`` is below ``theta_f`` or
        above ``theta_e``, and at the design's planned looks by its bounds.
    p1 : float in (0, 1), only for ``"stochastic"``
        The response rate under which the conditional power is computed.
    theta_f, theta_e : float in [0, 1] or None, only for ``"stochastic"``
        Futility and efficacy thresholds, ``theta_f < theta_e``; at least one.  None: no stochastic stop of
        that kind (``theta_f = 0`` and ``theta_e = 1`` have the same effect, the comparisons being strict).
    exact : bool
        Decide every stochastic comparison in exact integer arithmetic, not only the near ties.

    Returns
    -------
    CurtailedDesign

    Notes
    -----
    Conditional power is computed backwards on the curtailed rule,

    .. math::

        CP(N_J, s) = [s > r], \\qquad cp(m, s) = p_1 CP(m+1, s+1) + (1 - p_1) CP(m+1, s),

    ``CP(m, s) = 0`` if the trial stops there not promising (``s <= a_j`` at a planned look, or
    ``cp(m, s) < theta_f``), ``1`` if it stops promising (``s > b_j``, or ``cp(m, s) > theta_e``),
    ``cp(m, s)`` otherwise, for ``1 <= m < N_J`` (no stop before the first patient).  The recursion runs
    in double precision; if any thresholded value lies within :func:`near_tie_tolerance` of a threshold,
    the whole rule is recomputed in exact integer arithmetic with ``p1`` and the thresholds read as the
    decimals they print as (``0.3`` is ``3/10``), so every stop is decided exactly.

    Examples
    --------
    >>> c = curtail("1/10,5/29")
    >>> c.design.n[:4], c.futility[9 - 1], c.efficacy[6 - 1]
    ((6, 7, 8, 9), 0, 5)

    After 9 patients without a response the trial stops (it could not pass its look at 10); after 6
    responses it stops promising (more than 5 of 29 is certain).
    """
    d = Design.parse(design)
    p1, theta_f, theta_e = _check_args(method, p1, theta_f, theta_e)
    look_a, look_b = _patient_looks(d)
    cp0 = None
    exactly = False
    tol = None
    if method == "deterministic":
        from ._curtail_kernels import _certain_bounds

        f, e, ok = _certain_bounds(look_a, look_b, d.r)
    else:
        from ._curtail_kernels import _stochastic_bounds

        # theta_f = 0 and theta_e = 1 can never be crossed strictly: switched off, so the exact zeros and
        # ones of certain outcomes are not taken for near ties
        tf = -1.0 if theta_f is None or theta_f == 0.0 else theta_f
        te = 2.0 if theta_e is None or theta_e == 1.0 else theta_e
        tol = near_tie_tolerance(d.n_max)
        ties = 0
        if not exact:
            f, e, ok, ties, cp0 = _stochastic_bounds(look_a, look_b, d.r, p1, tf, te, tol)
        if exact or ties:
            f, e, ok, cp0 = _exact_stochastic(look_a, look_b, d.r, p1, None if tf < 0 else tf,
                                              None if te > 1 else te)
            exactly = True
        cp0 = float(cp0)
    if not ok:  # pragma: no cover - impossible for a valid Design (monotonicity, docs/methods.md)
        raise RuntimeError(f"curtailment of {d.label()} gave stop sets that are not intervals; please report")

    def degenerate(kind):
        if method == "deterministic":  # pragma: no cover - a valid Design can end either way
            return ValueError(f"design {d.label()} always ends the same way; it cannot be curtailed")
        if kind == "futility":
            return ValueError(f"theta_f={theta_f!r} stops every trial for futility, so the curtailed design "
                              f"could never declare the drug promising; use a smaller theta_f")
        return ValueError(f"theta_e={theta_e!r} stops every trial for efficacy, so the curtailed design could "
                          f"never end not promising; use a larger theta_e")

    curtailed, fut, eff, reach = _rule_design(d, f, e, degenerate)
    return CurtailedDesign(original=d, design=curtailed, method=method, p1=p1, theta_f=theta_f, theta_e=theta_e,
                           futility=fut, efficacy=eff, reach=reach, conditional_power=cp0,
                           decided_exactly=exactly if method == "stochastic" else True, tolerance=tol)


@dataclass(frozen=True)
class CurtailedDesign:
    """A design curtailed patient by patient, with the design it came from.

    Attributes
    ----------
    original : Design
        The design as planned.
    design : Design
        The curtailed trial: a look after every patient at which a stop can happen (the engine's OC,
        sample-size distribution and inference apply to it unchanged).
    method : str
        ``"deterministic"`` or ``"stochastic"``.
    p1, theta_f, theta_e : float or None
        The conditional-power rate and thresholds (stochastic only): stop for futility if
        ``CP < theta_f``, for efficacy if ``CP > theta_e``.
    futility : tuple of int
        Per patient ``m = 1..n_max``: stop, not promising, if ``S_m <= futility[m-1]`` (``-1``: no
        reachable total stops for futility there).
    efficacy : tuple of int or None
        Per patient: stop, promising, if ``S_m > efficacy[m-1]``, i.e. ``S_m >= efficacy[m-1] + 1``
        (None: no reachable total stops for efficacy there).
    reach : tuple of (int, int)
        Per patient: the totals ``S_m`` the curtailed trial can show after patient ``m``.
    conditional_power : float or None
        ``CP(0, 0)`` under ``p1`` (stochastic): the power of the curtailed design at ``p1``.
    decided_exactly : bool
        Every stop decided in integer arithmetic (always for deterministic; for stochastic, when a
        conditional power came within ``tolerance`` of a threshold, or ``exact=True``).
    tolerance : float or None
        The near-tie tolerance of the stochastic comparisons (:func:`near_tie_tolerance`).
    """

    original: Design
    design: Design
    method: str
    p1: Optional[float]
    theta_f: Optional[float]
    theta_e: Optional[float]
    futility: Tuple[int, ...]
    efficacy: Tuple[Optional[int], ...]
    reach: Tuple[Tuple[int, int], ...]
    conditional_power: Optional[float] = None
    decided_exactly: bool = True
    tolerance: Optional[float] = None

    @property
    def n_max(self):
        """Largest number of patients the curtailed trial can treat."""
        return self.design.n_max

    def label(self):
        return self.design.label()

    def describe(self):
        """How the curtailed rule was made, in one sentence."""
        o = self.original.label()
        if self.method == "deterministic":
            return (f"deterministic curtailment of {o}: after each patient, stop as soon as the final decision of "
                    f"{o} is certain (alpha and power unchanged)")
        parts = []
        if self.theta_f is not None:
            parts.append(f"for futility if CP < {self.theta_f:.10g}")
        if self.theta_e is not None:
            parts.append(f"for efficacy if CP > {self.theta_e:.10g}")
        return (f"stochastic curtailment of {o}: after each patient, stop {' and '.join(parts)}, CP being the "
                f"conditional probability under p1 = {self.p1:.10g} that the curtailed trial ends promising; "
                f"and at the planned looks of {o} by its bounds")

    def rule(self):
        """The curtailed rule in words."""
        return (f"{self.describe()}. After patient m with S_m responses so far: stop (not promising) if "
                f"S_m <= a_m; stop and declare the drug promising (reject H0) if S_m > b_m, i.e. "
                f"S_m >= b_m + 1; the bounds per patient are in the table")

    def rule_rows(self):
        """One dict per patient at which the curtailed trial can stop.

        ``patient``; ``stop_if_at_most`` (stop, not promising, if ``S <= `` it; None if no futility stop);
        ``promising_if_at_least`` (stop, promising, if ``S >= `` it; None if none); ``continue_from`` and
        ``continue_to`` (the totals that go on; None after the last patient); ``totals`` the reachable range.
        """
        out = []
        last = self.design.n_max
        for m in self.design.n:
            a, b = self.futility[m - 1], self.efficacy[m - 1]
            lo, hi = self.reach[m - 1]
            if m == last:
                a = self.design.r
                b = self.design.r
            c_lo, c_hi = max(lo, a + 1), min(hi, hi if b is None else b)
            out.append({"patient": m, "stop_if_at_most": a if a >= lo else None,
                        "promising_if_at_least": None if b is None or b + 1 > hi else b + 1,
                        "continue_from": c_lo if m < last else None, "continue_to": c_hi if m < last else None,
                        "totals": [lo, hi]})
        return out

    def oc(self, p):
        """Exact OC of the curtailed and the original design at each rate in ``p`` (:class:`CurtailedOC`)."""
        from .oc import _grid
        from .samplespace import SampleSpace

        ps = _grid(p)
        cur = SampleSpace(self.design).oc_arrays(ps)
        org = SampleSpace(self.original).oc_arrays(ps)
        N = self.original.n_max

        def per_patient(design, rows):
            out = []
            for row in rows:
                full = [0.0] * N
                for j, m in enumerate(design.n):
                    full[m - 1] = float(row[j])
                out.append(tuple(full))
            return tuple(out)

        return CurtailedOC(curtailed=self, p=tuple(float(v) for v in ps),
                           reject=tuple(float(v) for v in cur["reject"]), en=tuple(float(v) for v in cur["en"]),
                           distribution=per_patient(self.design, cur["stop"]),
                           stop_futility=per_patient(self.design, cur["futility"]),
                           stop_efficacy=per_patient(self.design, cur["efficacy"]),
                           reject_original=tuple(float(v) for v in org["reject"]),
                           en_original=tuple(float(v) for v in org["en"]),
                           distribution_original=per_patient(self.original, org["stop"]))

    def exact_oc(self, p):
        """:func:`phase2design.engine.exact.exact_oc` of the curtailed design at ``p`` (Fractions)."""
        from .exact import exact_oc

        return exact_oc(self.design, p)

    def to_dict(self):
        # "label" is the curtailed trial, so Design.parse reads this dict (and the CLI's JSON) back as it
        return _plain({"method": self.method, "original": self.original.label(), "design": self.design.label(),
                       "label": self.design.label(),
                       "curtailed": self.design.to_dict(), "n_max": self.n_max, "p1": self.p1,
                       "theta_f": self.theta_f, "theta_e": self.theta_e, "futility_bounds": self.futility,
                       "efficacy_bounds": self.efficacy, "rule": self.rule(), "per_patient": self.rule_rows(),
                       "conditional_power": self.conditional_power, "decided_exactly": self.decided_exactly,
                       "tolerance": self.tolerance})

    def to_frame(self):
        """The per-patient rule as a DataFrame (one row per patient at which a stop can happen)."""
        return _frame(self.rule_rows())


@dataclass(frozen=True)
class CurtailedOC:
    """Exact operating characteristics of a curtailed design and its original over response rates.

    Attributes
    ----------
    curtailed : CurtailedDesign
    p : tuple of float
    reject, en : tuple of float
        ``P_p(promising)`` and the expected number of patients of the curtailed design.
    distribution : tuple of tuple of float
        For each p, ``P_p(N = m)`` for ``m = 1..N_J`` (``N_J`` of the original design; zero where the
        curtailed trial cannot stop).
    stop_futility, stop_efficacy : tuple of tuple of float
        For each p and patient ``m``, ``P_p(the trial stops after patient m, not promising / promising)``.
    reject_original, en_original, distribution_original :
        The same for the original design (its ``P(N = m)`` is zero except at its looks).
    """

    curtailed: CurtailedDesign
    p: Tuple[float, ...]
    reject: Tuple[float, ...]
    en: Tuple[float, ...]
    distribution: Tuple[Tuple[float, ...], ...]
    stop_futility: Tuple[Tuple[float, ...], ...]
    stop_efficacy: Tuple[Tuple[float, ...], ...]
    reject_original: Tuple[float, ...]
    en_original: Tuple[float, ...]
    distribution_original: Tuple[Tuple[float, ...], ...]

    def sd_n(self, i):
        """Standard deviation of the number of patients at ``p[i]``: ``sqrt(sum_m P(N = m) (m - EN)^2)``."""
        en = self.en[i]
        return math.sqrt(math.fsum(q * (m - en) ** 2 for m, q in enumerate(self.distribution[i], start=1)))

    def quantile_n(self, i, q):
        """The smallest ``m`` with ``P_p(N <= m) >= q`` at ``p[i]`` (sums of the distribution from below)."""
        acc = 0.0
        dist = self.distribution[i]
        for m, v in enumerate(dist, start=1):
            acc += v
            if acc >= q * (1.0 - 1e-12):
                return m
        return len(dist)

    def p_complete(self, i):
        """``P_p(N = N_J)``: the curtailed trial treats every planned patient."""
        return self.distribution[i][-1]

    def columns(self):
        return ["p", "reject", "reject_original", "en", "en_original", "sd_n", "median_n", "p_full_n"]

    def rows(self):
        return [{"p": p, "reject": self.reject[i], "reject_original": self.reject_original[i], "en": self.en[i],
                 "en_original": self.en_original[i], "sd_n": self.sd_n(i), "median_n": self.quantile_n(i, 0.5),
                 "p_full_n": self.p_complete(i)} for i, p in enumerate(self.p)]

    def to_dict(self):
        d = self.curtailed.to_dict()
        d.update({"p": self.p, "reject": self.reject, "en": self.en, "reject_original": self.reject_original,
                  "en_original": self.en_original, "sd_n": [self.sd_n(i) for i in range(len(self.p))],
                  "median_n": [self.quantile_n(i, 0.5) for i in range(len(self.p))],
                  "sample_size_distribution": self.distribution, "stop_futility": self.stop_futility,
                  "stop_efficacy": self.stop_efficacy, "sample_size_distribution_original": self.distribution_original})
        return _plain(d)

    def to_frame(self):
        return _frame(self.rows(), self.columns())


def curtailed_oc(design, p, *, method="deterministic", p1=None, theta_f=None, theta_e=None):
    """:func:`curtail` then :meth:`CurtailedDesign.oc`: exact OC of the curtailed and original design.

    Examples
    --------
    >>> oc = curtailed_oc("1/10,5/29", [0.1, 0.3])
    >>> [round(v, 4) for v in oc.reject], [round(v, 4) for v in oc.reject_original]
    ([0.0471, 0.8051], [0.0471, 0.8051])
    >>> [round(v, 2) for v in oc.en], [round(v, 2) for v in oc.en_original]
    ([14.07, 17.14], [15.01, 26.16])
    """
    return curtail(design, method=method, p1=p1, theta_f=theta_f, theta_e=theta_e).oc(p)

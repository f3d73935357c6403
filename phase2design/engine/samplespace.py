"""The exact sample space of any :class:`~phase2design.engine.design.Design`.

A trial ends at one *outcome* ``(j, s)``: the stage ``j`` after which it
stopped and the cumulative number of responses ``S_j = s`` then.  Outcomes are

* futility stops ``(j, s)``, ``j < J``, ``s <= a_j`` (not promising);
* efficacy stops ``(j, s)``, ``j < J``, ``s > b_j`` (promising);
* final outcomes ``(J, s)``, promising iff ``s > r``;

restricted to those that can occur (``s`` between the smallest and largest
total that can reach stage ``j``).  Their probabilities at a response rate
``p`` come from one forward recursion over the stages
(:func:`phase2design.engine._kernels._reach`), and under a Beta prior from
its beta-binomial twin; every operating characteristic, predictive
probability and stage-wise inference of phase2design is a sum over these
outcome probabilities.

Stage-wise ordering
-------------------
Outcomes are ranked from least to most favourable to a high response rate
(Armitage 1957; Fairbanks & Madsen 1982; Jennison & Turnbull 2000, section
8.4): ``(j', s') > (j, s)`` if ``j' = j`` and ``s' > s``; or ``j' < j`` and
``(j', s')`` is an efficacy stop; or ``j' > j`` and ``(j, s)`` is a futility
stop.  As a list, lowest first::

    futility stops of stage 1 (by s), ..., futility stops of stage J-1,
    final outcomes (by s),
    efficacy stops of stage J-1 (by s), ..., efficacy stops of stage 1.

Turning a non-response into a response never moves an outcome down this
order (an earlier continuation region can only be left upwards), so
``P_p(T >= t)`` is non-decreasing in ``p`` for every rank ``t`` and tail
equations in ``p`` have one root.  Without efficacy stops this is the
ordering Koyama & Chen (2008) use for Simon designs: every stage-1 stop below
every continued outcome.
"""

import math

import numpy as np

from .design import Design

__all__ = ["SampleSpace", "two_stage_summary", "FUTILITY", "FINAL", "EFFICACY"]

FUTILITY, FINAL, EFFICACY = "futility", "final", "efficacy"


class SampleSpace:
    """Outcomes of a design in stage-wise order, with their exact probabilities.

    Parameters
    ----------
    design : Design or anything :meth:`Design.parse` accepts

    Attributes
    ----------
    design : Design
    stage : ndarray of int
        Stage (1-based) of each outcome, in stage-wise order (lowest first).
    s : ndarray of int
        Cumulative responses at that stage.
    kind : tuple of str
        ``"futility"``, ``"final"`` or ``"efficacy"`` for each outcome.
    promising : ndarray of bool
        Whether the design declares the drug promising at that outcome.
    """

    def __init__(self, design):
        d = Design.parse(design)
        self.design = d
        J = d.stages
        self._N = np.array(d.n, dtype=np.int64)
        cont = [d.continuation(j) for j in range(J - 1)] + [(0, -1)]
        self._lo = np.array([c[0] for c in cont], dtype=np.int64)
        self._hi = np.array([c[1] for c in cont], dtype=np.int64)
        self._fut = np.array(d.futility, dtype=np.int64)
        self._upper = np.array([d.upper(j) for j in range(J)], dtype=np.int64)
        self._outcomes = None
        self._rank = None

    @property
    def reachable(self):
        return self.design.reachable()

    def _build(self):
        """The outcome arrays, built on first use (OC alone never needs them)."""
        if self._outcomes is not None:
            return self._outcomes
        d = self.design
        J = d.stages
        low, high = zip(*self.reachable)
        # Outcomes come in contiguous blocks, lowest first: futility stops of stages 1..J-1, the last
        # stage's not-promising then promising totals, efficacy stops of stages J-1..1.
        blocks = []  # (stage 1-based, first s, last s, kind)
        for j in range(J - 1):
            blocks.append((j + 1, low[j], min(d.futility[j], high[j]), FUTILITY))
        blocks.append((J, low[J - 1], min(d.r, high[J - 1]), FINAL))
        blocks.append((J, max(d.r + 1, low[J - 1]), high[J - 1], FINAL))
        for j in range(J - 2, -1, -1):
            if d.efficacy[j] is not None:
                blocks.append((j + 1, max(d.efficacy[j] + 1, low[j]), high[j], EFFICACY))
        stage, s, kind = [], [], []
        self._slices = []  # (stage, promising, slice) per non-empty block
        start = 0
        for j, first, last, k in blocks:
            if last < first:
                continue
            size = last - first + 1
            stage.append(np.full(size, j, dtype=np.int64))
            s.append(np.arange(first, last + 1, dtype=np.int64))
            kind.extend([k] * size)
            promising = k == EFFICACY or (k == FINAL and first > d.r)
            self._slices.append((j, promising, slice(start, start + size)))
            start += size
        promising_arr = np.zeros(start, dtype=bool)
        for _, promising, sl in self._slices:
            promising_arr[sl] = promising
        self._outcomes = (np.concatenate(stage), np.concatenate(s), tuple(kind), promising_arr)
        return self._outcomes

    stage = property(lambda self: self._build()[0])
    s = property(lambda self: self._build()[1])
    kind = property(lambda self: self._build()[2])
    promising = property(lambda self: self._build()[3])

    def __len__(self):
        return len(self.kind)

    # -- probabilities -------------------------------------------------------------------------------

    def reach(self, p):
        """``R[j-1, s] = P_p(the look after stage j is reached with S_j = s)``."""
        from ._kernels import _reach

        return _reach(self._N, self._lo, self._hi, float(p))

    def probabilities(self, p):
        """``P_p(outcome)`` for every outcome, in stage-wise order."""
        return self.reach(p)[self.stage - 1, self.s]

    def predictive_probabilities(self, a, b):
        """Outcome probabilities when ``p ~ Beta(a, b)`` (beta-binomial, exact sums)."""
        from ._kernels import _reach_predictive

        R = _reach_predictive(self._N, self._lo, self._hi, float(a), float(b))
        return R[self.stage - 1, self.s]

    def oc(self, p):
        """The same dict as :meth:`summarise`, straight from the recursion at ``p`` (compiled sums).

        The last stage's two outcomes come from binomial tails rather than from its expanded
        distribution, so the cost is that of the earlier stages plus O(N).
        """
        from ._kernels import _oc_sums

        return self._oc_from(*_oc_sums(self._N, self._lo, self._hi, self._fut, self._upper, float(p)))

    def oc_arrays(self, ps):
        """OC at every rate in ``ps`` as arrays: one compiled call, no per-rate Python.

        Returns a dict of ``futility``, ``efficacy`` and ``stop`` (shape ``(len(ps), J)``),
        ``reject`` and ``en`` (length ``len(ps)``); the same numbers as :meth:`oc`.
        """
        from ._kernels import _oc_sums_grid

        F, E, S, reject, en = _oc_sums_grid(self._N, self._lo, self._hi, self._fut, self._upper,
                                            np.asarray(ps, dtype=float))
        return {"futility": F, "efficacy": E, "stop": S, "reject": reject, "en": en}

    def oc_grid(self, ps):
        """:meth:`oc` at every rate in ``ps`` (one compiled call for the whole grid)."""
        o = self.oc_arrays(ps)
        out = []
        for i in range(len(o["reject"])):
            fut, eff = o["futility"][i].tolist(), o["efficacy"][i].tolist()
            out.append({"reject": float(o["reject"][i]), "futility": fut, "efficacy": eff,
                        "stop": o["stop"][i].tolist(), "en": float(o["en"][i]), "final_fail": fut[-1],
                        "final_success": eff[-1]})
        return out

    def predictive_oc(self, a, b):
        """:meth:`oc` with ``p ~ Beta(a, b)`` integrated out."""
        from ._kernels import _reach_predictive, _stop_sums

        R = _reach_predictive(self._N, self._lo, self._hi, float(a), float(b))
        return self._oc_from(*_stop_sums(R, self._N, self._fut, self._upper))

    def _oc_from(self, fut, eff):
        futility = [min(float(v), 1.0) for v in fut]
        efficacy = [min(float(v), 1.0) for v in eff]
        return self._finish(futility, efficacy, [[v] for v in futility], [[v] for v in efficacy])

    # -- outcomes ------------------------------------------------------------------------------------

    def rank(self, stage, s):
        """Position of outcome ``(stage, s)`` in the stage-wise order; ValueError if it cannot occur."""
        if self._rank is None:
            self._rank = {(int(j), int(v)): i for i, (j, v) in enumerate(zip(self.stage, self.s))}
        key = (int(stage), int(s))
        if key not in self._rank:
            raise ValueError(self._impossible(stage, s))
        return self._rank[key]

    def _impossible(self, stage, s):
        d = self.design
        if not 1 <= stage <= d.stages:
            return f"stage must lie between 1 and {d.stages}, got {stage}"
        lo, hi = self.reachable[stage - 1]
        if not lo <= s <= hi:
            return (f"the trial cannot be at stage {stage} with {s} responses under design {d.label()}: "
                    f"totals from {lo} to {hi} can reach it, got {s}")
        a, b = d.futility[stage - 1], d.upper(stage - 1)
        return (f"the trial does not stop after stage {stage} with {s} responses under design {d.label()} "
                f"(it continues while {a} < S <= {b}), got stage {stage}")

    def summarise(self, prob):
        """Operating characteristics from outcome probabilities ``prob`` (stage-wise order).

        Returns a dict: ``reject`` (P(promising)), ``futility`` and ``efficacy``
        (per stage ``1..J``: probability of stopping there for that reason; the
        last stage counts its not-promising and promising outcomes),
        ``stop`` (``P(N = N_j)``), ``en`` (the expected number of patients),
        ``final_fail`` and ``final_success``.  Each is a compensated sum of
        non-negative terms (:func:`math.fsum`), never one minus another.
        """
        J = self.design.stages
        prob = np.asarray(prob, dtype=float)
        self._build()
        fut = [[] for _ in range(J)]
        eff = [[] for _ in range(J)]
        for j, promising, sl in self._slices:
            (eff if promising else fut)[j - 1].append(math.fsum(prob[sl]))
        futility = [min(math.fsum(v), 1.0) for v in fut]
        efficacy = [min(math.fsum(v), 1.0) for v in eff]
        return self._finish(futility, efficacy, fut, eff)

    def _finish(self, futility, efficacy, fut, eff):
        J = self.design.stages
        stop = [min(math.fsum(fut[j] + eff[j]), 1.0) for j in range(J)]
        reject = min(math.fsum(v for e in eff for v in e), 1.0)
        # EN = N_1 + sum_j n_j P(stage j reached), P(stage j reached) = the stops at stages j..J added from
        # the last (never 1 - the earlier ones), so N_1 <= EN <= N_J however the sums round; O(J)
        sizes = self.design.stage_sizes
        en = 0.0
        reached = 0.0
        for j in range(J - 1, 0, -1):
            reached += stop[j]
            en += sizes[j] * min(reached, 1.0)
        en += sizes[0]
        return {"reject": reject, "futility": futility, "efficacy": efficacy, "stop": stop, "en": en,
                "final_fail": futility[-1], "final_success": efficacy[-1]}

    # -- tails on the stage-wise order ---------------------------------------------------------------

    @staticmethod
    def tail_at_least(prob, t, midp=False):
        """``P(T >= t)``, or the mid-p ``P(T > t) + P(T = t) / 2``."""
        if midp:
            return math.fsum(prob[t + 1:]) + 0.5 * prob[t]
        return math.fsum(prob[t:])

    @staticmethod
    def tail_at_most(prob, t, midp=False):
        """``P(T <= t)``, or the mid-p ``P(T < t) + P(T = t) / 2``."""
        if midp:
            return math.fsum(prob[:t]) + 0.5 * prob[t]
        return math.fsum(prob[:t + 1])

    # -- exact path counts ---------------------------------------------------------------------------

    def path_count(self, stage, s, first_responds=False):
        """Number of response sequences that reach the look after ``stage`` with ``S = s`` (exact int).

        With ``first_responds`` only the sequences whose first patient responded
        are counted.  Both are polynomial coefficients independent of ``p``:
        ``P_p(reach (j, s)) = count * p^s (1 - p)^(N_j - s)``.
        """
        d = self.design
        N1 = d.n[0]
        if first_responds:
            row = {v: (math.comb(N1 - 1, v - 1) if v >= 1 else 0) for v in range(N1 + 1)}
        else:
            row = {v: math.comb(N1, v) for v in range(N1 + 1)}
        sizes = d.stage_sizes
        for j in range(1, stage):
            lo, hi = d.continuation(j - 1)
            m = sizes[j]
            if j == stage - 1:
                # the last step needs one entry only: O(N) big-integer products instead of O(N^2)
                return sum(row.get(k, 0) * math.comb(m, s - k) for k in range(max(lo, s - m), min(hi, s) + 1))
            new = {}
            for k in range(lo, hi + 1):
                c = row.get(k, 0)
                if c:
                    for x in range(m + 1):
                        new[k + x] = new.get(k + x, 0) + c * math.comb(m, x)
            row = new
        return row.get(s, 0)


def two_stage_summary(r1, n1, r, n, ps):
    """Rows ``[P(reject), P(stop after stage 1), EN]`` of the Simon design ``r1/n1, r/n`` at each p in ``ps``.

    The same numbers as :meth:`SampleSpace.oc_arrays`, without building the space: the design searches
    call this for every n they report (hundreds of designs).  Arguments must already be valid.
    """
    from ._kernels import _two_stage_summary

    return _two_stage_summary(int(r1), int(n1), int(r), int(n), np.asarray(ps, dtype=float))

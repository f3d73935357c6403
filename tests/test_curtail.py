"""Curtailment (engine/curtail.py) against a brute-force oracle over every patient sequence, and properties.

The oracle below knows nothing of phase2design's recursions: it walks the binary tree of every response
sequence of up to N_J <= 12 patients (a prefix is a tuple of 0/1), applies the original design's rule
literally, and

* deterministic: the set of decisions reachable from a prefix is the union over its two children; the
  curtailed trial stops at the first prefix (after at least one patient) whose set has one element;
* stochastic: the conditional power of a prefix is computed in Fractions on the tree, with the stops
  (planned, CP < theta_f, CP > theta_e) setting it to 0 or 1, children first.

Every full sequence then has a stopping patient and a decision; P(N = m), P(promising) and EN are sums of
p^s (1 - p)^(N - s) over the sequences, in Fractions.
"""

import functools
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import multistage_oracle as O
from phase2design import CurtailedDesign, Design, analyze_curtailed, analyze_design, curtail, curtailed_oc
from phase2design.engine.exact import exact_oc

# ---------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------


def planned(design, m, s):
    """The original design's verdict after patient m with s responses: 'F', 'E' or None (go on / no look)."""
    N, a, b = design.n, design.futility, design.efficacy
    if m == N[-1]:
        return "E" if s > a[-1] else "F"
    if m in N:
        j = N.index(m)
        if s <= a[j]:
            return "F"
        if b[j] is not None and s > b[j]:
            return "E"
    return None


class Oracle:
    """Stops and decisions of a curtailed design on every patient sequence (prefix tuples of 0/1)."""

    def __init__(self, design, method, p1=None, theta_f=None, theta_e=None):
        assert design.n[-1] <= 14, "the oracle walks 2^N sequences: keep N small"
        self.d = design
        self.N = design.n[-1]
        self.method = method
        self.p1 = Fraction(repr(p1)) if p1 is not None else None
        self.tf = Fraction(repr(theta_f)) if theta_f is not None else None
        self.te = Fraction(repr(theta_e)) if theta_e is not None else None

    @functools.lru_cache(maxsize=None)
    def decisions(self, prefix):
        """Decisions of the ORIGINAL design reachable from prefix (its rule applied literally)."""
        m, s = len(prefix), sum(prefix)
        v = planned(self.d, m, s) if m else None
        if v is not None:
            return frozenset(v)
        return self.decisions(prefix + (0,)) | self.decisions(prefix + (1,))

    @functools.lru_cache(maxsize=None)
    def node(self, prefix):
        """(stop verdict at this prefix or None, conditional power after the verdict) for stochastic."""
        m, s = len(prefix), sum(prefix)
        v = planned(self.d, m, s) if m else None
        if v is not None:
            return v, Fraction(int(v == "E"))
        cp = self.p1 * self.node(prefix + (1,))[1] + (1 - self.p1) * self.node(prefix + (0,))[1]
        if m >= 1 and self.tf is not None and cp < self.tf:
            return "F", Fraction(0)
        if m >= 1 and self.te is not None and cp > self.te:
            return "E", Fraction(1)
        return None, cp

    def verdict(self, prefix):
        if self.method == "deterministic":
            dec = self.decisions(prefix)
            return next(iter(dec)) if len(prefix) >= 1 and len(dec) == 1 else None
        return self.node(prefix)[0]

    def ends(self):
        """{(m, s): verdict} of every point where a curtailed trial stops, checking that the verdict at a
        point does not depend on which sequence led there; and the reachable points where it goes on."""
        if getattr(self, "_ends", None) is not None:
            return self._ends
        stops, goes_on = {}, set()

        def walk(prefix):
            m, s = len(prefix), sum(prefix)
            v = self.verdict(prefix)
            if v is None:
                goes_on.add((m, s))
                walk(prefix + (0,))
                walk(prefix + (1,))
                return
            assert stops.setdefault((m, s), v) == v
            assert (m, s) not in goes_on

        walk(())
        assert not goes_on & set(stops)
        self._ends = stops, goes_on
        return self._ends

    def oc(self, p):
        """reject, en, distribution {m: P(N = m)} in Fractions: sums over the stopping points with path counts."""
        p = Fraction(p)
        stops, _ = self.ends()
        counts = {}

        def walk(prefix):
            key = (len(prefix), sum(prefix))
            if key in stops:
                counts[key] = counts.get(key, 0) + 1
                return
            walk(prefix + (0,))
            walk(prefix + (1,))

        walk(())
        reject, dist = Fraction(0), {}
        for (m, s), c in counts.items():
            w = c * p ** s * (1 - p) ** (m - s)
            dist[m] = dist.get(m, 0) + w
            if stops[(m, s)] == "E":
                reject += w
        en = sum((m * q for m, q in dist.items()), Fraction(0))
        return {"reject": reject, "en": en, "distribution": dist}


def exact_distribution(cd, p):
    """{m: P(N = m)} of a CurtailedDesign from the engine's exact OC (Fractions)."""
    ex = cd.exact_oc(p)
    return {m: q for m, q in zip(cd.design.n, ex["stop"]) if q}, ex


def check_against_oracle(cd, oracle, rates=("0.1", "0.3", "0.55")):
    stops, goes_on = oracle.ends()
    # the bounds per patient, at every point a curtailed trial can reach
    for (m, s), v in stops.items():
        a, b = cd.futility[m - 1], cd.efficacy[m - 1]
        if m == cd.n_max:
            assert (s > cd.design.r) == (v == "E"), (m, s, v)
        else:
            assert (s <= a) == (v == "F") and (b is not None and s > b) == (v == "E"), (m, s, v, a, b)
    for m, s in goes_on:
        if m >= 1:
            assert m < cd.n_max and cd.futility[m - 1] < s and (cd.efficacy[m - 1] is None or s <= cd.efficacy[m - 1])
    assert max(m for m, _ in stops) == cd.n_max
    for p in rates:
        want = oracle.oc(Fraction(p))
        dist, ex = exact_distribution(cd, p)
        assert dist == {m: q for m, q in want["distribution"].items() if q}
        assert ex["reject"] == want["reject"] and ex["en"] == want["en"]
        flt = cd.oc(float(p))
        assert flt.reject[0] == pytest.approx(float(want["reject"]), rel=1e-12, abs=1e-15)
        assert flt.en[0] == pytest.approx(float(want["en"]), rel=1e-12)
        for m in range(1, cd.original.n_max + 1):
            assert flt.distribution[0][m - 1] == pytest.approx(float(want["distribution"].get(m, 0)), rel=1e-12,
                                                               abs=1e-15)


# ---------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------

SMALL = ["3/8", "0/4,3/11", "1/5,3:5/9,6/12", "-:2/4,1:4/8,5/11", "0:3/5,4/10", "1/6,2/9,4/12"]


@pytest.mark.parametrize("text", SMALL)
def test_deterministic_against_every_sequence(text):
    d = Design.parse(text)
    cd = curtail(d)
    check_against_oracle(cd, Oracle(d, "deterministic"))
    # the decision of every sequence is the original's: alpha and power unchanged exactly
    for p in ("0.1", "0.3", Fraction(1, 3)):
        assert cd.exact_oc(p)["reject"] == exact_oc(d, p)["reject"]


@pytest.mark.parametrize("text", SMALL)
@pytest.mark.parametrize("p1, tf, te", [(0.3, 0.1, None), (0.4, 0.2, 0.9), (0.5, None, 0.8), (0.3, 0.05, 0.95)])
def test_stochastic_against_every_sequence(text, p1, tf, te):
    d = Design.parse(text)
    try:
        cd = curtail(d, method="stochastic", p1=p1, theta_f=tf, theta_e=te)
    except ValueError as e:  # a rule that always ends the same way is refused; the oracle must agree
        stops, _ = Oracle(d, "stochastic", p1, tf, te).ends()
        assert len(set(stops.values())) == 1, e
        return
    oracle = Oracle(d, "stochastic", p1, tf, te)
    check_against_oracle(cd, oracle)
    assert cd.conditional_power == pytest.approx(float(oracle.node(())[1]), rel=1e-13)
    exact = curtail(d, method="stochastic", p1=p1, theta_f=tf, theta_e=te, exact=True)
    assert exact.design == cd.design and exact.decided_exactly


def test_simon_example_rule():
    """1/10, 5/29 curtailed: the bounds follow from counting what is still possible."""
    cd = curtail("1/10,5/29")
    # promising is certain with 6 responses (more than 5 of 29) from patient 6 on
    assert [cd.efficacy[m - 1] for m in range(1, 29)] == [None] * 5 + [5] * 23
    # no responder in 9: the look at 10 must stop; 1 in 10 stops there as planned
    assert cd.futility[:10] == (-1,) * 8 + (0, 1)
    # in stage 2 (totals 2..5 reach it), not promising is certain once S + (29 - m) <= 5
    assert cd.futility[10:28] == tuple(m - 24 if m - 24 >= 2 else -1 for m in range(11, 29))
    assert cd.design.n == tuple(range(6, 30)) and cd.design.r == 5


def test_single_stage_curtailment_closed_form():
    """r/n: stop promising once S > r, not promising once S + (n - m) <= r; P(N = m) is a sum of two
    negative-binomial terms (patient m is the (r+1)-th responder, or the (n-r)-th non-responder)."""
    r, n = 4, 15
    cd = curtail(f"{r}/{n}")
    for m in range(1, n):
        assert cd.efficacy[m - 1] == (r if m > r else None)
        assert cd.futility[m - 1] == (r - (n - m) if r - (n - m) >= 0 else -1)
    assert cd.n_max == n and cd.design.r == r
    for p in (Fraction(3, 10), Fraction(1, 2)):
        dist, ex = exact_distribution(cd, p)
        for m in range(1, n + 1):
            e = math.comb(m - 1, r) * p ** (r + 1) * (1 - p) ** (m - r - 1) if m >= r + 1 else 0
            f = math.comb(m - 1, n - r - 1) * (1 - p) ** (n - r) * p ** (m - n + r) if m >= n - r else 0
            assert dist.get(m, 0) == e + f
        assert ex["reject"] == exact_oc(f"{r}/{n}", p)["reject"]


def test_stochastic_pitfall_cp_recomputed_after_stops():
    """Thresholding the uncurtailed design's conditional power once gives another rule than recomputing
    CP after the stops it creates (the pitfall in the reference notes); the engine gives the latter."""
    d = Design.parse("3/10")
    p1, tf = 0.5, 0.25
    q, theta = Fraction(1, 2), Fraction(1, 4)

    @functools.lru_cache(maxsize=None)
    def cp_uncurtailed(m, s):
        v = planned(d, m, s)
        if v is not None:
            return Fraction(int(v == "E"))
        return q * cp_uncurtailed(m + 1, s + 1) + (1 - q) * cp_uncurtailed(m + 1, s)

    class Naive(Oracle):
        def verdict(self, prefix):
            m, s = len(prefix), sum(prefix)
            v = planned(self.d, m, s) if m else None
            return v or ("F" if m >= 1 and cp_uncurtailed(m, s) < theta else None)

    right = Oracle(d, "stochastic", p1, tf)
    naive = Naive(d, "stochastic", p1, tf)
    assert set(naive.ends()[0].items()) != set(right.ends()[0].items())
    assert naive.oc(q)["en"] > right.oc(q)["en"]  # recomputed CP is lower: more stops
    cd = curtail(d, method="stochastic", p1=p1, theta_f=tf)
    check_against_oracle(cd, right)


def test_stochastic_near_tie_is_decided_exactly():
    """theta_f = p1^2 as decimals: in floats 0.7 * 0.7 = 0.48999999999999994 < 0.49, exactly CP = 49/100 is
    not below theta_f = 49/100, so the trial must go on."""
    from phase2design.engine._curtail_kernels import _stochastic_bounds
    from phase2design.engine.curtail import _patient_looks

    d = Design.parse("3/8")
    # after 6 patients with 2 responses, promising needs both of the last two: CP = p1^2
    assert 0.7 * 0.7 < 0.49
    look_a, look_b = _patient_looks(d)
    float_only = _stochastic_bounds(look_a, look_b, d.r, 0.7, 0.49, 2.0, 0.0)[0]
    assert float_only[6] == 2  # the float comparison alone would stop at (6, 2)
    cd = curtail(d, method="stochastic", p1=0.7, theta_f=0.49)
    assert cd.decided_exactly and cd.futility[5] < 2 and cd.reach[5][0] <= 2  # (6, 2) is reached and goes on
    check_against_oracle(cd, Oracle(d, "stochastic", 0.7, 0.49))
    far = curtail(d, method="stochastic", p1=0.7, theta_f=0.4901)
    assert not far.decided_exactly and far.futility[5] >= 2


# ---------------------------------------------------------------------------
# Properties over random designs
# ---------------------------------------------------------------------------


@st.composite
def designs(draw, nmax=11):
    J = draw(st.integers(1, 3))
    sizes = sorted(draw(st.sets(st.integers(1, nmax), min_size=J, max_size=J)))
    assume(sizes[-1] >= 2)
    fut, eff = [], []
    for j, n in enumerate(sizes):
        if j == J - 1:
            fut.append(draw(st.integers(0, n - 1)))
            eff.append(None)
        else:
            a = draw(st.integers(-1, n - 1))
            b = draw(st.one_of(st.none(), st.integers(max(a + 1, 0), n)))
            fut.append(a)
            eff.append(None if b is None or b >= n else b)
    try:
        return Design(tuple(sizes), tuple(fut), tuple(eff))
    except ValueError:
        assume(False)


RATES = st.sampled_from(["0.05", "0.2", "0.35", "0.5", "0.8"])
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


@PROPS
@given(designs(), RATES)
def test_deterministic_keeps_alpha_power_exactly_and_never_adds_patients(d, p):
    cd = curtail(d)
    a, b = cd.exact_oc(p), exact_oc(d, p)
    assert a["reject"] == b["reject"]
    assert a["en"] <= b["en"]
    # the curtailed trial never runs past the original's stop on any sequence: P(N <= m) is at least the original's
    for m in d.n:
        assert sum((q for n, q in zip(cd.design.n, a["stop"]) if n <= m), Fraction(0)) >= \
            sum((q for n, q in zip(d.n, b["stop"]) if n <= m), Fraction(0))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(designs(nmax=9), st.sampled_from([0.2, 0.3, 0.5, 0.7]), st.sampled_from([None, 0.05, 0.2, 0.4]),
       st.sampled_from([None, 0.6, 0.85, 0.99]))
def test_random_designs_against_every_sequence(d, p1, tf, te):
    check_against_oracle(curtail(d), Oracle(d, "deterministic"), rates=("0.25",))
    assume(tf is not None or te is not None)
    try:
        cd = curtail(d, method="stochastic", p1=p1, theta_f=tf, theta_e=te)
    except ValueError:
        stops, _ = Oracle(d, "stochastic", p1, tf, te).ends()
        assert len(set(stops.values())) == 1
        return
    check_against_oracle(cd, Oracle(d, "stochastic", p1, tf, te), rates=("0.25",))


@PROPS
@given(designs(), st.sampled_from([0.2, 0.3, 0.6]), RATES)
def test_theta_f_zero_is_the_original_rule(d, p1, p):
    """CP < 0 never happens: with theta_f = 0 (and no theta_e, or theta_e = 1) only the planned looks stop."""
    for te in (None, 1.0):
        cd = curtail(d, method="stochastic", p1=p1, theta_f=0.0, theta_e=te)
        a, b = cd.exact_oc(p), exact_oc(d, p)
        assert a["reject"] == b["reject"] and a["en"] == b["en"]
        assert {n: q for n, q in zip(cd.design.n, a["stop"])} == {n: q for n, q in zip(d.n, b["stop"])}


@PROPS
@given(designs(nmax=10), st.sampled_from([0.2, 0.35, 0.5, 0.65, 0.8]))
def test_thresholds_at_the_certain_values_are_deterministic_curtailment(d, p1):
    """With theta_f below the smallest positive CP and theta_e above the largest CP below 1, stochastic
    curtailment stops exactly where the outcome is certain (CP = 0 or 1): min(p1, 1 - p1)^N > 1e-10 here."""
    assert min(p1, 1 - p1) ** d.n_max > 1e-10
    cd = curtail(d, method="stochastic", p1=p1, theta_f=1e-10, theta_e=1 - 1e-10)
    assert cd.design == curtail(d).design


@PROPS
@given(designs(), st.sampled_from([0.25, 0.4, 0.6]), st.lists(st.sampled_from([0.02, 0.1, 0.2, 0.3, 0.5]),
                                                               min_size=2, max_size=2, unique=True), RATES)
def test_larger_theta_f_stops_more(d, p1, thetas, p):
    """A larger theta_f lowers every CP (induction), so it stops for futility wherever a smaller one did:
    EN and P(promising) can only fall."""
    lo, hi = sorted(thetas)
    try:
        a = curtail(d, method="stochastic", p1=p1, theta_f=lo)
        b = curtail(d, method="stochastic", p1=p1, theta_f=hi)
    except ValueError:
        assume(False)
    ea, eb = a.exact_oc(p), b.exact_oc(p)
    assert eb["en"] <= ea["en"] and eb["reject"] <= ea["reject"] <= exact_oc(d, p)["reject"]
    assert ea["en"] <= exact_oc(d, p)["en"]


@PROPS
@given(designs(), st.sampled_from([0.2, 0.4, 0.6]), st.sampled_from([None, 0.1, 0.3]),
       st.sampled_from([None, 0.7, 0.9]))
def test_conditional_power_at_start_is_the_power_and_float_equals_exact(d, p1, tf, te):
    assume(tf is not None or te is not None)
    try:
        cd = curtail(d, method="stochastic", p1=p1, theta_f=tf, theta_e=te)
    except ValueError:
        assume(False)
    ex = curtail(d, method="stochastic", p1=p1, theta_f=tf, theta_e=te, exact=True)
    assert ex.design == cd.design
    assert ex.conditional_power == float(cd.exact_oc(repr(p1))["reject"])
    assert cd.conditional_power == pytest.approx(ex.conditional_power, rel=1e-13, abs=1e-300)


# ---------------------------------------------------------------------------
# Inference after a curtailed trial
# ---------------------------------------------------------------------------


def test_inference_after_a_curtailed_trial_against_the_path_oracle():
    cd = curtail("1/5,3/9")
    N, a, b = cd.design.n, cd.design.futility, cd.design.efficacy
    oracle = (N, a, b)
    # patients 0 1 0 1 1: 3 responses of 5 -- is it stopped? walk the rule to find a sequence that stops
    seqs = {"futility": [0, 0, 0, 0, 0], "efficacy": [1, 1, 0, 1, 1]}
    for why, outcomes in seqs.items():
        # cut each sequence where the curtailed rule stops it
        for k in range(1, len(outcomes) + 1):
            try:
                res = analyze_curtailed(cd, outcomes[:k], p0=0.1)
                break
            except ValueError:
                continue
        assert res.stopped_for in (why, "final")
        outcome = (res.stage, res.total)
        assert res.patients == N[res.stage - 1]
        want_p = O.tail_at_least(oracle, outcome, Fraction(1, 10))
        assert res.pvalue == pytest.approx(float(want_p), rel=1e-12)
        assert res.umvue == pytest.approx(float(O.umvue(oracle, outcome)), rel=1e-12)
        lo = O.solve(lambda p: float(O.tail_at_least(oracle, outcome, Fraction(p))), 0.025, increasing=True)
        hi = O.solve(lambda p: float(O.tail_at_most(oracle, outcome, Fraction(p))), 0.025, increasing=False)
        assert res.ci_lower == pytest.approx(lo, abs=1e-9) and res.ci_upper == pytest.approx(hi, abs=1e-9)
        # the same analysis from the per-look counts
        per_look = analyze_design(cd, _per_look(cd, outcomes[:res.patients]), p0=0.1)
        assert per_look.pvalue == res.pvalue


def _per_look(cd, outcomes):
    out, prev = [], 0
    for n in cd.design.n:
        if n > len(outcomes):
            break
        out.append(sum(outcomes[prev:n]))
        prev = n
    return out


def test_analyze_curtailed_errors():
    cd = curtail("1/10,5/29")
    with pytest.raises(ValueError, match="stopped after patient 9"):
        analyze_curtailed(cd, [0] * 10)
    with pytest.raises(ValueError, match="continues after patient 3"):
        analyze_curtailed(cd, [0, 1, 0])
    with pytest.raises(ValueError, match=r"outcomes\[1\] must be <= 1"):
        analyze_curtailed(cd, [0, 2])
    with pytest.raises(TypeError, match="CurtailedDesign"):
        analyze_curtailed("1/10,5/29", [0])
    with pytest.raises(ValueError, match="at least one patient"):
        analyze_curtailed(cd, [])


# ---------------------------------------------------------------------------
# Arguments, results
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="bayes"), "method must be one of deterministic, stochastic"),
    (dict(method="stochastic", theta_f=0.1), "p1 must be given"),
    (dict(method="stochastic", p1=0.3), "needs theta_f"),
    (dict(method="stochastic", p1=0.3, theta_f=1.5), r"theta_f must lie in \[0, 1\], got 1.5"),
    (dict(method="stochastic", p1=0.3, theta_e=-0.1), r"theta_e must lie in \[0, 1\]"),
    (dict(method="stochastic", p1=0.3, theta_f=0.5, theta_e=0.5), "theta_f must be smaller than theta_e"),
    (dict(method="stochastic", p1=1.0, theta_f=0.1), "p1 must lie strictly between 0 and 1"),
    (dict(theta_f=0.1), "thresholds of method='stochastic'"),
    (dict(p1=0.3), "p1 is the rate"),
    (dict(method="stochastic", p1=0.3, theta_f=1.0), "theta_f=1.0 stops every trial for futility"),
    (dict(method="stochastic", p1=0.3, theta_e=0.0), "theta_e=0.0 stops every trial for efficacy"),
])
def test_bad_arguments_one_line(kwargs, match):
    with pytest.raises(ValueError, match=match) as info:
        curtail("1/10,5/29", **kwargs)
    assert "\n" not in str(info.value)


def test_result_objects():
    import json

    cd = curtail("0/6,2/17,5/29", method="stochastic", p1=0.3, theta_f=0.1, theta_e=0.95)
    assert isinstance(cd, CurtailedDesign)
    d = cd.to_dict()
    assert d["original"] == "0/6, 2/17, 5/29" and Design.parse(d["curtailed"]) == cd.design
    assert "CP < 0.1" in d["rule"] and "CP > 0.95" in d["rule"]
    assert Design.parse(cd) == cd.design
    assert Design.parse(json.dumps(cd.to_dict())) == cd.design  # the CLI's JSON reads back as the curtailed trial
    oc = curtailed_oc("0/6,2/17,5/29", [0.1, 0.3], method="stochastic", p1=0.3, theta_f=0.1, theta_e=0.95)
    assert oc.reject == cd.oc([0.1, 0.3]).reject
    for i in range(2):
        assert math.fsum(oc.distribution[i]) == pytest.approx(1.0, abs=1e-14)
        assert math.fsum(m * q for m, q in enumerate(oc.distribution[i], 1)) == pytest.approx(oc.en[i], rel=1e-13)
        assert math.fsum(oc.distribution_original[i]) == pytest.approx(1.0, abs=1e-14)
        assert oc.en[i] <= oc.en_original[i]
    frame = oc.to_frame()
    assert list(frame.columns) == oc.columns() and len(frame) == 2
    assert len(cd.to_frame()) == len(cd.design.n)
    assert Design.parse(json.dumps(oc.to_dict())) == cd.design


def test_large_design_fast_and_consistent():
    """N near 300: the rule, its OC and alpha/power unchanged (float, to rounding)."""
    d = Design.parse("7/43,34/260,60/300")
    cd = curtail(d)
    oc = cd.oc([0.15, 0.25])
    assert oc.reject == pytest.approx(oc.reject_original, rel=1e-12)
    assert all(a < b for a, b in zip(oc.en, oc.en_original))
    sc = curtail(d, method="stochastic", p1=0.25, theta_f=0.05, theta_e=0.99)
    assert sc.oc(0.25).reject[0] == pytest.approx(sc.conditional_power, rel=1e-12)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def test_cli_oc_curtail_deterministic_table(capsys):
    from conftest import run_main

    code, out, err = run_main(["oc", "--design", "1/10,5/29", "--curtail", "deterministic", "--p", "0.1,0.3",
                               "--p0", "0.1", "--p1", "0.3"], capsys)
    assert code == 0, err
    oc = curtailed_oc("1/10,5/29", [0.1, 0.3])
    assert "stop, not promising, if S_m <=" in out and "stop, promising, if S_m >=" in out
    for i in range(2):
        assert f"{oc.en[i]:.2f}" in out and f"{oc.en_original[i]:.2f}" in out and f"{oc.reject[i]:.4f}" in out
    assert f"alpha at p0 = 0.1: {oc.reject[0]:.4f} curtailed, {oc.reject_original[0]:.4f} uncurtailed" in out
    # the rule row of patient 9: stop if no response so far, promising if 6
    assert any(line.split()[:5] == ["9", "0-6", "0", "6", "1-5"] for line in out.splitlines())


def test_cli_oc_curtail_json_csv_and_r_n_form(capsys):
    import csv
    import io
    import json

    from conftest import run_main

    args = ["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.1,0.3", "--curtail", "stochastic",
            "--p1", "0.3", "--theta-f", "0.1", "--theta-e", "0.99"]
    code, out, err = run_main(args + ["--format", "json"], capsys)
    assert code == 0, err
    got = json.loads(out)
    want = curtail("1/10,5/29", method="stochastic", p1=0.3, theta_f=0.1, theta_e=0.99).oc([0.1, 0.3, 0.3])
    assert got["design"] == want.curtailed.label() and got["reject"] == list(want.reject)
    assert len(got["sample_size_distribution"]) == 3 and got["theta_f"] == 0.1
    code, out, err = run_main(args + ["--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [float(r["en"]) for r in rows] == list(want.en[:2])


@pytest.mark.parametrize("extra, contains", [
    (["--curtail", "stochastic", "--theta-f", "0.1"], "needs --p1"),
    (["--curtail", "stochastic", "--p1", "0.3"], "needs --theta-f"),
    (["--curtail", "stochastic", "--p1", "0.3", "--theta-f", "1.5"], "--theta-f must lie in [0, 1]"),
    (["--curtail", "stochastic", "--p1", "0.3", "--theta-e", "-0.2"], "--theta-e must lie in [0, 1]"),
    (["--curtail", "stochastic", "--p1", "0.3", "--theta-f", "0.5", "--theta-e", "0.5"], "smaller than --theta-e"),
    (["--curtail", "stochastic", "--p1", "0.3", "--theta-f", "nan"], "--theta-f must lie in [0, 1]"),
    (["--curtail", "deterministic", "--theta-f", "0.1"], "thresholds of --curtail stochastic"),
    (["--theta-e", "0.9"], "thresholds of --curtail stochastic"),
    (["--curtail", "stochastic", "--p1", "1.2", "--theta-f", "0.1"], "p1 must lie strictly between 0 and 1"),
    (["--curtail", "stochastic", "--p1", "0.3", "--theta-f", "1"], "stops every trial for futility"),
    (["--curtail", "sometimes"], "--curtail"),
    (["--curtail", "deterministic", "--plot", "x.png"], "do not draw curtailed designs"),
])
def test_cli_curtail_bad_input_one_line_exit_2(capsys, extra, contains):
    from conftest import run_main
    from test_cli import assert_one_line_error

    code, out, err = run_main(["oc", "--design", "1/10,5/29", "--p", "0.1"] + extra, capsys)
    assert_one_line_error(code, out, err, 2, contains)

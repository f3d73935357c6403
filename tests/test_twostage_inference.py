"""Tests for phase2design.twostage_inference.

The oracle enumerates every outcome (x1, x2) of a small two-stage trial with
exact rational probabilities (fractions.Fraction, math.comb) and orders the
outcomes stage-wise without using the library's t = x1 / x1 + x2 encoding.
"""

import json
import math
from fractions import Fraction
from functools import lru_cache

import pytest
from hypothesis import given, settings, strategies as st

from phase2design.twostage_inference import (
    TwoStageAnalysis,
    analyze_two_stage,
    stagewise_inference,
    two_stage_umvue,
)

# ---------------------------------------------------------------------------
# Exact oracle
# ---------------------------------------------------------------------------


def _binom_pmf(n, p):
    q = 1 - p
    return [math.comb(n, k) * p ** k * q ** (n - k) for k in range(n + 1)]


def oracle_outcomes(r1, n1, n2, p):
    """Every outcome as (key, x1, x2, probability); key orders stage-wise.

    key = (1, x1) for a stop after stage 1 and (2, x1 + x2) for a continued
    trial: tuples compare stage first, then the count.
    """
    p = Fraction(p)
    b1 = _binom_pmf(n1, p)
    b2 = _binom_pmf(n2, p)
    out = []
    for x1 in range(n1 + 1):
        if x1 <= r1:
            out.append(((1, x1), x1, None, b1[x1]))
        else:
            for x2 in range(n2 + 1):
                out.append(((2, x1 + x2), x1, x2, b1[x1] * b2[x2]))
    return out


def _key(r1, x1, x2):
    return (1, x1) if x1 <= r1 else (2, x1 + x2)


def oracle_tails(r1, n1, n2, p, key):
    """Exact P(K > key), P(K = key), P(K < key) under the stage-wise ordering."""
    gt = eq = lt = Fraction(0)
    for k, _, _, pr in oracle_outcomes(r1, n1, n2, p):
        if k > key:
            gt += pr
        elif k == key:
            eq += pr
        else:
            lt += pr
    return gt, eq, lt


def all_data(r1, n1, n2):
    """One (x1, x2) representative of every point of the stage-wise ordering."""
    data = [(x1, None) for x1 in range(r1 + 1)]
    for s in range(r1 + 1, n1 + n2 + 1):
        x1 = max(r1 + 1, s - n2)
        data.append((x1, s - x1))
    return data


SMALL_DESIGNS = [  # (r1, n1, n2) with n1 + n2 <= 20
    (0, 1, 1),
    (0, 3, 4),
    (1, 5, 6),
    (3, 6, 5),
    (4, 5, 3),     # r1 = n1 - 1: continue only if every stage-1 patient responds
    (2, 8, 10),
    (1, 10, 9),    # 1/10, 5/29 has n2 = 19; this is a shortened version
]

RATES = [Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), Fraction(7, 10)]
FLOAT_P0 = [0.1, 0.125, 1 / 3, 0.5, 0.7]


# ---------------------------------------------------------------------------
# Published values
# ---------------------------------------------------------------------------

# Source: R package UnplanSimon (Liu & Pan), vignette Examples 4.1 and 4.2 and
# the examples of SimonAnalysis() in its documentation (printed to 3
# decimals).  The trial continued to stage 2 with n2 stage-2 patients and s
# responses in total; stop after stage 1 if X1 <= r1.  UnplanSimon orders
# outcomes by the UMVUE, which for Simon designs is the stage-wise ordering.
# midp_*: two-sided mid-p interval; pvalue: exact one-sided p-value against p0.
PUBLISHED = [
    # example,          s,  n1, n2, r1, p0,   level, umvue, midp_low, midp_high, pvalue
    ("unplan-4.1",      20, 11, 30, 2, 0.25, 0.95, 0.494, 0.339, 0.641, 0.001),
    ("unplan-4.2",      22, 11, 36, 2, 0.25, 0.95, 0.478, 0.330, 0.615, 0.001),
    ("simonanalysis-1",  7, 13, 30, 3, 0.40, 0.95, 0.322, 0.108, 0.538, 0.831),
    ("simonanalysis-2", 16, 11, 28, 2, 0.25, 0.95, 0.429, None, None, 0.019),
]

TOL3 = 5e-4 + 1e-12  # half a unit in the third decimal


@pytest.mark.parametrize("row", PUBLISHED, ids=[r[0] for r in PUBLISHED])
def test_published_unplansimon(row):
    _, s, n1, n2, r1, p0, level, umvue, lo, hi, pvalue = row
    x1 = r1 + 1
    res = stagewise_inference(r1, n1, n2, x1, s - x1, p0=p0, confidence_level=level)
    assert abs(res.umvue - umvue) <= TOL3
    assert abs(res.pvalue - pvalue) <= TOL3
    if lo is not None:
        assert abs(res.ci_midp_lower - lo) <= TOL3
        assert abs(res.ci_midp_upper - hi) <= TOL3
    # The results depend on the total s only, not on how it splits by stage.
    other = stagewise_inference(r1, n1, n2, min(n1, s), s - min(n1, s), p0=p0,
                                confidence_level=level)
    assert other.pvalue == res.pvalue and other.ci_midp_upper == res.ci_midp_upper


def test_simonanalysis_2_jung_interval_excludes_observed_outcome():
    # SimonAnalysis(2,16,11,28,2,13,0.077,c(0.025,0.975),"Jung",0.25) prints the
    # interval (0.257, 0.568).  Its lower limit is the exact one; its upper
    # limit solves P(T >= t) = 0.975, i.e. P(T <= t - 1) = 0.025, which leaves
    # the observed outcome out.  The exact upper limit solves P(T <= t) = 0.025.
    r1, n1, n2, s = 2, 11, 28, 16
    res = stagewise_inference(r1, n1, n2, 3, s - 3, p0=0.25, confidence_level=0.95)
    assert abs(res.ci_lower - 0.257) <= TOL3
    _, _, below = oracle_tails(r1, n1, n2, Fraction(0.568), (2, s))
    assert abs(float(below) - 0.025) < 2e-3  # 0.568 is that (too narrow) root
    assert res.ci_upper > 0.58


def test_stopped_stage1_upper_limit_1_of_10():
    # Design 1/10, 5/29 stopped after stage 1 with 1 response in 10.  The exact
    # one-sided 95% upper limit solves P_pU(T <= 1) = P_pU(X1 <= 1) = 0.05:
    # 0.394 (Clopper-Pearson for 1/10).  Solving P(T >= 1) = 0.95 instead
    # gives 1 - 0.05 ** 0.1 = 0.2589, which excludes the observed outcome.
    res = analyze_two_stage((1, 10, 5, 29), x1=1, p0=0.1, confidence_level=0.90)
    assert res.outcome == "stopped_at_stage1" and not res.reject_h0
    assert abs(res.ci_upper - 0.394) <= TOL3
    _, eq, below = oracle_tails(1, 10, 19, Fraction(res.ci_upper), (1, 1))
    assert abs(float(eq + below) - 0.05) < 1e-13
    assert res.ci_upper > 1 - 0.05 ** 0.1 + 0.1


def test_stage1_stop_is_clopper_pearson():
    from scipy.stats import beta

    for x1, level in [(0, 0.95), (1, 0.9), (2, 0.8), (3, 0.99)]:
        res = stagewise_inference(3, 12, 20, x1, None, p0=0.2, confidence_level=level)
        a = 1 - level
        lo = 0.0 if x1 == 0 else beta.ppf(a / 2, x1, 12 - x1 + 1)
        hi = beta.ppf(1 - a / 2, x1 + 1, 12 - x1)
        assert res.ci_lower == pytest.approx(lo, rel=1e-10, abs=1e-300)
        assert res.ci_upper == pytest.approx(hi, rel=1e-10)
        assert res.umvue == res.naive_estimate == x1 / 12


# ---------------------------------------------------------------------------
# Exact oracle comparisons
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("design", SMALL_DESIGNS)
def test_pvalues_match_oracle(design):
    r1, n1, n2 = design
    for p0 in FLOAT_P0:
        for x1, x2 in all_data(r1, n1, n2):
            res = stagewise_inference(r1, n1, n2, x1, x2, p0=p0)
            gt, eq, _ = oracle_tails(r1, n1, n2, Fraction(p0), _key(r1, x1, x2))
            assert res.pvalue == pytest.approx(float(gt + eq), rel=1e-12, abs=0)
            assert res.pvalue_midp == pytest.approx(float(gt + eq / 2), rel=1e-12, abs=0)


@pytest.mark.parametrize("design", SMALL_DESIGNS)
def test_umvue_exactly_unbiased(design):
    r1, n1, n2 = design
    for p in RATES:
        mean = sum(two_stage_umvue(r1, n1, n2, x1, x2, exact=True) * pr
                   for _, x1, x2, pr in oracle_outcomes(r1, n1, n2, p))
        assert mean == p


def test_umvue_float_and_fraction_agree():
    u = two_stage_umvue(2, 11, 30, 3, 17, exact=True)
    assert isinstance(u, Fraction)
    assert two_stage_umvue(2, 11, 30, 3, 17) == float(u)
    assert two_stage_umvue(2, 11, 30, 1) == 1 / 11


def _bracket(value, func, target):
    """func(value - h) and func(value + h) lie on either side of target (h relative)."""
    h = max(abs(value), 1e-300) * 1e-12
    lo, hi = func(Fraction(value - h)), func(Fraction(value + h))
    return min(lo, hi) <= target <= max(lo, hi)


@pytest.mark.parametrize("design", [(1, 5, 6), (4, 5, 3), (2, 8, 10), (1, 10, 9)])
def test_roots_solve_defining_equations(design):
    r1, n1, n2 = design
    n = n1 + n2
    half = Fraction(1, 2)
    for x1, x2 in all_data(r1, n1, n2):
        key = _key(r1, x1, x2)
        res = stagewise_inference(r1, n1, n2, x1, x2, confidence_level=0.9)
        a2 = (1 - Fraction(0.9)) / 2

        def ge(p):
            gt, eq, _ = oracle_tails(r1, n1, n2, p, key)
            return gt + eq

        def mid(p):
            gt, eq, _ = oracle_tails(r1, n1, n2, p, key)
            return gt + eq / 2

        def le(p):
            _, eq, lt = oracle_tails(r1, n1, n2, p, key)
            return lt + eq

        def mid_le(p):
            _, eq, lt = oracle_tails(r1, n1, n2, p, key)
            return lt + eq / 2

        t = x1 if x2 is None else x1 + x2
        if t == 0:
            assert res.median_unbiased == res.ci_lower == res.ci_midp_lower == 0.0
            assert res.median_unbiased_midp == 0.0
        else:
            # median-unbiased estimate: P_p(T >= t) = 1/2
            assert _bracket(res.median_unbiased, ge, half)
            assert _bracket(res.ci_lower, ge, a2)
            assert _bracket(res.ci_midp_lower, mid, a2)
            if t < n:
                assert _bracket(res.median_unbiased_midp, mid, half)
        if t == n:
            assert res.ci_upper == res.ci_midp_upper == 1.0
            assert res.median_unbiased_midp == 1.0
        else:
            assert _bracket(res.ci_upper, le, a2)
            assert _bracket(res.ci_midp_upper, mid_le, a2)


# ---------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------

COVERAGE_DESIGNS = [(0, 3, 4), (1, 5, 6), (3, 6, 5), (2, 8, 10), (1, 10, 9), (4, 5, 3)]


@lru_cache(maxsize=None)
def _intervals(design, level):
    r1, n1, n2 = design
    out = {}
    for x1, x2 in all_data(r1, n1, n2):
        res = stagewise_inference(r1, n1, n2, x1, x2, confidence_level=level)
        out[_key(r1, x1, x2)] = (res.ci_lower, res.ci_upper)
    return out


@settings(max_examples=30, deadline=None)
@given(design=st.sampled_from(COVERAGE_DESIGNS),
       level=st.sampled_from([0.8, 0.9, 0.95]),
       p=st.floats(min_value=1e-6, max_value=1 - 1e-6))
def test_exact_interval_coverage(design, level, p):
    # Coverage summed exactly over the sample space (Fraction probabilities at
    # the float p); the 1e-12 slack only absorbs the rounding of the computed
    # limits, which are roots to a few ulps.
    r1, n1, n2 = design
    limits = _intervals(design, level)
    cover = Fraction(0)
    for key, _, _, pr in oracle_outcomes(r1, n1, n2, Fraction(p)):
        lo, hi = limits[key]
        if lo <= p <= hi:
            cover += pr
    assert cover >= Fraction(level) - Fraction(1, 10 ** 12)


@pytest.mark.parametrize("design", COVERAGE_DESIGNS)
def test_exact_interval_coverage_next_to_limits(design):
    # Coverage is a step function of p that is smallest just outside a
    # confidence limit: check the doubles on either side of every limit.
    r1, n1, n2 = design
    level = 0.9
    limits = _intervals(design, level)
    points = set()
    for lo, hi in limits.values():
        for v in (lo, hi):
            points.update(x for x in (math.nextafter(v, 0.0), math.nextafter(v, 1.0)) if 0 < x < 1)
    for p in sorted(points):
        cover = sum((pr for key, _, _, pr in oracle_outcomes(r1, n1, n2, Fraction(p))
                     if limits[key][0] <= p <= limits[key][1]), Fraction(0))
        assert cover >= Fraction(level) - Fraction(1, 10 ** 12), p


@st.composite
def design_and_outcome(draw):
    n1 = draw(st.integers(1, 25))
    r1 = draw(st.integers(0, n1 - 1))
    n2 = draw(st.integers(1, 30))
    x1 = draw(st.integers(0, n1))
    x2 = None if x1 <= r1 else draw(st.integers(0, n2))
    return r1, n1, n2, x1, x2


@settings(max_examples=30, deadline=None)
@given(case=design_and_outcome(),
       levels=st.lists(st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]), min_size=2, max_size=2,
                       unique=True))
def test_intervals_nested_across_levels(case, levels):
    r1, n1, n2, x1, x2 = case
    lo_level, hi_level = sorted(levels)
    a = stagewise_inference(r1, n1, n2, x1, x2, confidence_level=lo_level)
    b = stagewise_inference(r1, n1, n2, x1, x2, confidence_level=hi_level)
    assert b.ci_lower <= a.ci_lower <= a.ci_upper <= b.ci_upper
    assert b.ci_midp_lower <= a.ci_midp_lower <= a.ci_midp_upper <= b.ci_midp_upper
    # mid-p limits lie inside the exact ones; both medians inside both intervals
    for r in (a, b):
        assert r.ci_lower <= r.ci_midp_lower <= r.ci_midp_upper <= r.ci_upper
        assert r.ci_lower <= r.median_unbiased <= r.ci_upper
        assert r.ci_midp_lower <= r.median_unbiased_midp <= r.ci_midp_upper


@settings(max_examples=30, deadline=None)
@given(n1=st.integers(1, 20), n2=st.integers(1, 25), data=st.data(),
       p0=st.floats(min_value=0.01, max_value=0.99))
def test_pvalue_monotone_in_ordering(n1, n2, data, p0):
    r1 = data.draw(st.integers(0, n1 - 1))
    prev = prev_mid = None
    for x1, x2 in all_data(r1, n1, n2):
        res = stagewise_inference(r1, n1, n2, x1, x2, p0=p0, confidence_level=0.9)
        if prev is not None:
            # P(T >= t) and P(T > t) + P(T = t)/2 are sums rounded once each: allow their last bit
            assert res.pvalue <= prev * (1 + 1e-14) and res.pvalue_midp <= prev_mid * (1 + 1e-14)
            # limits are roots found to a relative 4 eps; neighbouring outcomes can give limits
            # that agree to the last bits (e.g. upper limits at t = 13 and 14 for 11/17 then 25)
            assert res.ci_lower >= prev_ci[0] * (1 - 1e-14) and res.ci_upper >= prev_ci[1] * (1 - 1e-14)
        prev, prev_mid, prev_ci = res.pvalue, res.pvalue_midp, (res.ci_lower, res.ci_upper)
    assert 0.0 < prev <= 1.0


# ---------------------------------------------------------------------------
# Decision, adjustment for an unplanned n2, serialisation
# ---------------------------------------------------------------------------

def test_decision_with_planned_n2_agrees_with_pvalue():
    # Design 1/10, 5/29, p0 = 0.1: with the planned n2 the design rejects exactly
    # on T >= r + 1, so pvalue <= attained alpha iff H0 is rejected.
    r1, n1, r, n = 1, 10, 5, 29
    gt, eq, _ = oracle_tails(r1, n1, n - n1, Fraction(0.1), (2, r + 1))
    alpha = float(gt + eq)
    for x1, x2 in all_data(r1, n1, n - n1):
        res = analyze_two_stage((r1, n1, r, n), x1, x2, p0=0.1)
        assert res.adjustment == "none"
        assert res.reject_h0 == (res.pvalue <= alpha * (1 + 1e-12))
        if x2 is None:
            assert res.outcome == "stopped_at_stage1" and res.r_used is None and res.n2 is None
        else:
            assert res.r_used == r
            assert res.outcome == ("continued_succeeded" if x1 + x2 > r else "continued_failed")


@pytest.mark.parametrize("n2_actual", [12, 15, 18, 20, 24])
def test_conditional_error_adjustment(n2_actual):
    r1, n1, r, n = 1, 10, 5, 29
    p0 = Fraction(1, 10)
    n2p = n - n1
    b1 = _binom_pmf(n1, p0)
    b2p = _binom_pmf(n2p, p0)
    b2a = _binom_pmf(n2_actual, p0)

    def sf(pmf, c):
        return sum(pmf[c + 1:]) if c >= -1 else Fraction(1)

    alpha_planned = alpha_adjusted = Fraction(0)
    for x1 in range(r1 + 1, n1 + 1):
        res = analyze_two_stage((r1, n1, r, n), x1, 0, n2=n2_actual, p0=0.1)
        assert res.adjustment == "conditional_error" and res.n2 == n2_actual
        c = res.r_used - x1
        planned = sf(b2p, r - x1)
        assert sf(b2a, c) <= planned                      # keeps the conditional error
        assert c == -1 or sf(b2a, c - 1) > planned        # smallest such cut-off
        # the cut-off is exact (ties are settled in rationals); the reported tails are doubles
        assert res.conditional_error_actual == pytest.approx(float(sf(b2a, c)), rel=1e-12)
        assert res.conditional_error_planned == pytest.approx(float(planned), rel=1e-12)
        alpha_planned += b1[x1] * planned
        alpha_adjusted += b1[x1] * sf(b2a, c)
        # inference on the actual sample space r1/n1 then n2_actual
        same = stagewise_inference(r1, n1, n2_actual, x1, 0, p0=0.1)
        assert res.pvalue == same.pvalue and res.umvue == same.umvue
    assert alpha_adjusted <= alpha_planned


def test_conditional_error_decision_example():
    # 1/10, 5/29 continued with x1 = 2 but only 17 stage-2 patients (19 planned):
    # planned conditional error P(Bin(19, .1) > 3) = 0.1150; with 17 patients
    # P(Bin(17, .1) > 3) = 0.0826 <= 0.1150 < P(Bin(17, .1) > 2), so r stays 5.
    res = analyze_two_stage((1, 10, 5, 29), x1=2, x2=4, n2=17, p0=0.1)
    assert res.r_used == 5 and res.reject_h0 and res.outcome == "continued_succeeded"
    assert abs(res.conditional_error_planned - 0.1150) < 5e-5
    assert abs(res.conditional_error_actual - 0.0826) < 5e-5
    assert "adjusted" in res.decision
    # the planned n2 passed explicitly is no adjustment
    same = analyze_two_stage((1, 10, 5, 29), x1=2, x2=4, n2=19, p0=0.1)
    assert same.adjustment == "none" and same.r_used == 5


def test_design_object_and_to_dict_json():
    class Design:
        r1, n1, r, n = 1, 10, 5, 29

    res = analyze_two_stage(Design(), 3, 4, p0=0.1)
    assert isinstance(res, TwoStageAnalysis)
    d = res.to_dict()
    json.dumps(d)
    assert d["design"] == "1/10, 5/29" and d["outcome"] == "continued_succeeded"
    assert d["naive_estimate"] == 7 / 29
    json.dumps(stagewise_inference(1, 10, 19, 1).to_dict())
    assert stagewise_inference(1, 10, 19, 1).pvalue is None


# ---------------------------------------------------------------------------
# Invalid input
# ---------------------------------------------------------------------------

D = (1, 10, 5, 29)
INVALID = [
    (dict(x1=11), "x1"),
    (dict(x1=-1), "x1"),
    (dict(x1=2.5, x2=1), "x1"),
    (dict(x1=True), "x1"),
    (dict(x1=1, x2=0), "x2"),           # x2 after an early stop
    (dict(x1=3), "x2"),                 # continued without x2
    (dict(x1=3, x2=-1), "x2"),
    (dict(x1=3, x2=20), "x2"),          # more than the planned 19
    (dict(x1=3, x2=16, n2=15, p0=0.1), "x2"),
    (dict(x1=1, n2=19), "n2"),          # n2 after an early stop
    (dict(x1=3, x2=1, n2=0, p0=0.1), "n2"),
    (dict(x1=3, x2=1, n2=15), "p0"),    # adjustment needs p0
    (dict(x1=3, x2=1, p0=0.0), "p0"),
    (dict(x1=3, x2=1, p0=1.0), "p0"),
    (dict(x1=3, x2=1, p0=1.5), "p0"),
    (dict(x1=3, x2=1, p0=float("nan")), "p0"),
    (dict(x1=3, x2=1, confidence_level=0.0), "confidence_level"),
    (dict(x1=3, x2=1, confidence_level=1.0), "confidence_level"),
    (dict(x1=3, x2=1, confidence_level=95), "confidence_level"),
]


@pytest.mark.parametrize("kwargs,name", INVALID)
def test_invalid_input_analyze(kwargs, name):
    with pytest.raises((ValueError, TypeError)) as err:
        analyze_two_stage(D, **kwargs)
    msg = str(err.value)
    assert msg.startswith(name) and "\n" not in msg


@pytest.mark.parametrize("design,name", [((1, 10, 5), "design"), (5, "design"),
                                         ((10, 10, 12, 29), "r1"), ((1, 10, 5, 10), "n1")])
def test_invalid_design(design, name):
    with pytest.raises((ValueError, TypeError)) as err:
        analyze_two_stage(design, 0)
    assert str(err.value).startswith(name)


@pytest.mark.parametrize("args,name", [
    ((3, 3, 5, 1), "r1"),
    ((1, 0, 5, 0), "n1"),
    ((1, 5, 0, 2, 0), "n2"),
    ((1, 5, 4, 6, 0), "x1"),
    ((1, 5, 4, 2, 5), "x2"),
    ((1, 5, 4, 0, 0), "x2"),
])
def test_invalid_input_stagewise(args, name):
    with pytest.raises((ValueError, TypeError)) as err:
        stagewise_inference(*args)
    msg = str(err.value)
    assert msg.startswith(name) and "\n" not in msg


def test_invalid_input_umvue():
    with pytest.raises(ValueError, match="^x2"):
        two_stage_umvue(1, 10, 19, 3)

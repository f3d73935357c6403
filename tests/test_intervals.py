"""Tests for phase2design.intervals: one-proportion intervals, exact p-values."""

import dataclasses
import json
import math
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from phase2design.intervals import (
    ALTERNATIVES,
    METHODS,
    ConfidenceInterval,
    binom_pvalue,
    posterior_prob_at_least,
    proportion_ci,
)

EXACT = ("clopper-pearson", "blaker")
NOT_BLAKER = tuple(m for m in METHODS if m != "blaker")


# ---------------------------------------------------------------------------
# Exact (rational) oracles.  p is a float, so Fraction(p) is exact and every
# binomial probability below is an exact rational number.
# ---------------------------------------------------------------------------


def _pmf_numerators(n, p):
    """Integers N_k with P(X = k) = N_k / D**n, D the denominator of p."""
    num, den = Fraction(p).as_integer_ratio()
    return [math.comb(n, k) * num**k * (den - num) ** (n - k) for k in range(n + 1)], den**n


def exact_tails(n, p):
    """Exact pmf, P(X <= k) and P(X >= k) as Fractions, k = 0..n."""
    nums, d = _pmf_numerators(n, p)
    pmf = [Fraction(v, d) for v in nums]
    cdf, acc = [], 0
    for v in nums:
        acc += v
        cdf.append(Fraction(acc, d))
    sf, acc = [], 0
    for v in reversed(nums):
        acc += v
        sf.append(Fraction(acc, d))
    return pmf, cdf, sf[::-1]


def bisect_increasing(g, lo, hi):
    """Root of g (increasing in p, evaluated exactly) by float bisection.

    Stops when the bracket is narrower than 1e-14 relative to its upper end
    (or cannot be split further in floating point).
    """
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi) or hi - lo <= 1e-14 * hi:
            break
        if g(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def oracle_limits(x, n, tail, mid):
    """Clopper-Pearson (mid=False) or mid-p (mid=True) limits by bisection."""
    t = Fraction(tail)
    half = Fraction(1, 2) if mid else Fraction(0)

    def upper_tail(p):  # P(X > x) + half P(X = x): increasing in p
        pmf, _, sf = exact_tails(n, p)
        return sf[x] - half * pmf[x] - t

    def lower_tail(p):  # P(X < x) + half P(X = x): decreasing in p
        pmf, cdf, _ = exact_tails(n, p)
        return t - (cdf[x] - half * pmf[x])

    low = 0.0 if x == 0 else bisect_increasing(upper_tail, 0.0, 1.0)
    high = 1.0 if x == n else bisect_increasing(lower_tail, 0.0, 1.0)
    return low, high


def exact_blaker_acceptability(x, n, p):
    """Blaker's gamma(p; x) = P(min(F(X), S(X)) <= min(F(x), S(x))), exactly."""
    pmf, cdf, sf = exact_tails(n, p)
    t = [min(c, s) for c, s in zip(cdf, sf)]
    return sum(pk for pk, tk in zip(pmf, t) if tk <= t[x])


def exact_two_sided_pvalue(x, n, p):
    pmf, _, _ = exact_tails(n, p)
    cut = pmf[x] * Fraction(1 + 1e-7)
    return min(Fraction(1), sum(v for v in pmf if v <= cut))


# ---------------------------------------------------------------------------
# Published values
# ---------------------------------------------------------------------------


def test_harada_2021_clopper_pearson():
    # Harada D et al. Thoracic Cancer 2021;12(5):643-649 (crizotinib after
    # alectinib): 3 responses in 9 patients, Clopper-Pearson 90% CI
    # 9.8%-65.5% and 95% CI 7.5%-70.1%, printed in percent to one decimal.
    ci90 = proportion_ci(3, 9, confidence_level=0.90)
    assert (round(100 * ci90.low, 1), round(100 * ci90.high, 1)) == (9.8, 65.5)
    ci95 = proportion_ci(3, 9, confidence_level=0.95)
    assert (round(100 * ci95.low, 1), round(100 * ci95.high, 1)) == (7.5, 70.1)


def test_scipy_documentation_example():
    # scipy.stats.binomtest documentation: binomtest(k=7, n=50, p=0.1)
    # .proportion_ci() -> ConfidenceInterval(low=0.05819170033997342,
    # high=0.26739600249700846).
    ci = proportion_ci(7, 50)
    assert ci.high == pytest.approx(0.26739600249700846, rel=1e-12)
    # The documented lower limit is scipy's brentq root with its default
    # xtol=2e-12 (absolute), and it is 4.0e-13 below the exact quantile
    # (relative error 6.9e-12): rtol=1e-12 against it would test scipy's
    # solver error, not ours.  We check it to scipy's documented solver
    # tolerance, and our value to full precision against the exact oracle.
    assert abs(ci.low - 0.05819170033997342) <= 2e-12
    exact_low, exact_high = oracle_limits(7, 50, (1 - 0.95) / 2, mid=False)
    assert ci.low == pytest.approx(exact_low, rel=1e-13)
    assert ci.high == pytest.approx(exact_high, rel=1e-13)


def test_rsomics_readme_example():
    # rsomics README: exact two-sided binomial test of 3 successes in 15
    # trials against p = 0.1: p-value 0.18406106910639083, Clopper-Pearson
    # 95% interval (0.04331200510583664, 0.48089113380685317).
    assert binom_pvalue(3, 15, 0.1) == pytest.approx(0.18406106910639083, rel=1e-12)
    ci = proportion_ci(3, 15)
    assert ci.low == pytest.approx(0.04331200510583664, rel=1e-12)
    assert ci.high == pytest.approx(0.48089113380685317, rel=1e-12)


@pytest.mark.parametrize(
    ("x", "n", "method", "expected"),
    [
        # Fagerland MW, Lydersen S, Laake P (2017). Statistical Analysis of
        # Contingency Tables, Chapter 2 (CRC Press), as printed to 4 decimals
        # by its companion R package contingencytables (tests/testthat/
        # test-ch2.R).  Ligarden et al. (2010): 13 of 16, 95% intervals.
        (13, 16, "clopper-pearson", (0.5435, 0.9595)),
        (13, 16, "mid-p", (0.5699, 0.9500)),
        (13, 16, "jeffreys", (0.5792, 0.9442)),
        (13, 16, "wilson", (0.5699, 0.9341)),
        (13, 16, "wilson-cc", (0.5369, 0.9503)),
        # Same source: Blaker exact 95% interval for 1 of 100.
        (1, 100, "blaker", (0.0005, 0.0513)),
    ],
)
def test_fagerland_2017_values(x, n, method, expected):
    ci = proportion_ci(x, n, 0.95, method)
    assert (round(ci.low, 4), round(ci.high, 4)) == expected


# ---------------------------------------------------------------------------
# Closed forms at the boundary
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 50, 1000])
@pytest.mark.parametrize("level", [0.8, 0.95, 0.999])
def test_boundary_closed_forms(n, level):
    t = (1 - level) / 2
    cp0 = proportion_ci(0, n, level)
    assert cp0.low == 0.0
    assert cp0.high == pytest.approx(-math.expm1(math.log(t) / n), rel=1e-13)  # 1 - t^(1/n)
    cpn = proportion_ci(n, n, level)
    assert cpn.high == 1.0
    assert cpn.low == pytest.approx(math.exp(math.log(t) / n), rel=1e-13)  # t^(1/n)
    mid0 = proportion_ci(0, n, level, "mid-p")
    assert mid0.low == 0.0
    assert mid0.high == pytest.approx(-math.expm1(math.log(2 * t) / n), rel=1e-12)  # (1-p)^n / 2 = t
    for method in METHODS:
        assert proportion_ci(0, n, level, method).low == 0.0
        assert proportion_ci(n, n, level, method).high == 1.0


def test_wald_degenerate_at_boundary():
    # Documented failure of the Wald interval (Brown, Cai & DasGupta 2001).
    assert proportion_ci(0, 20, method="wald").high == 0.0
    assert proportion_ci(20, 20, method="wald").low == 1.0


# ---------------------------------------------------------------------------
# Agreement with scipy and statsmodels
# ---------------------------------------------------------------------------

GRID_N = [1, 2, 3, 5, 12, 40]
GRID_LEVELS = [0.5, 0.9, 0.95, 0.999]


def _grid():
    for n in GRID_N:
        for x in range(n + 1):
            yield x, n
    for x in (0, 1, 2, 17, 500, 998, 999, 1000):
        yield x, 1000


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_agrees_with_scipy_binomtest(alternative):
    for x, n in _grid():
        result = stats.binomtest(x, n, 0.5, alternative=alternative)
        for level in GRID_LEVELS:
            # 'exact': scipy finds the limit with brentq(xtol=2e-12), so its
            # value is within 2e-12 (absolute) of the exact quantile; scipy's
            # brentq documentation gives this bound.
            ref = result.proportion_ci(level, "exact")
            ours = proportion_ci(x, n, level, "clopper-pearson", alternative)
            assert np.isclose(ours.low, ref.low, rtol=1e-13, atol=2e-12)
            assert np.isclose(ours.high, ref.high, rtol=1e-13, atol=2e-12)
            # 'wilson' and 'wilsoncc' are closed forms (scipy's wilsoncc is
            # Newcombe's method 4, as ours): agreement to rounding.
            for sp_method, method in (("wilson", "wilson"), ("wilsoncc", "wilson-cc")):
                ref = result.proportion_ci(level, sp_method)
                ours = proportion_ci(x, n, level, method, alternative)
                assert np.isclose(ours.low, ref.low, rtol=1e-12, atol=1e-15), (x, n, level, method)
                assert np.isclose(ours.high, ref.high, rtol=1e-12, atol=1e-15), (x, n, level, method)


# statsmodels names one-sided intervals after the side the *bound* guards:
# alternative="smaller" returns (low, 1) and "larger" returns (0, high).
_SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "smaller", "less": "larger"}
_SM_METHOD = {
    "clopper-pearson": "beta",
    "wilson": "wilson",
    "jeffreys": "jeffreys",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}


@pytest.mark.parametrize("method", sorted(_SM_METHOD))
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_agrees_with_statsmodels(method, alternative):
    # statsmodels' method="binom_test" inverts scipy's two-sided binomtest
    # p-value (the probability-ordering, or Sterne-type, test), which is not
    # Blaker's acceptability function, and for one-sided alternatives it is
    # Clopper-Pearson.  statsmodels has no Blaker, mid-p or continuity-
    # corrected Wilson interval, so those are not compared here.
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for x, n in _grid():
        for level in GRID_LEVELS:
            lo, hi = proportion.proportion_confint(
                x, n, alpha=1 - level, method=_SM_METHOD[method], alternative=_SM_ALTERNATIVE[alternative]
            )
            ours = proportion_ci(x, n, level, method, alternative)
            # Known convention difference: statsmodels' Jeffreys interval
            # uses the beta quantile at x = 0 (lower) and x = n (upper); we
            # follow Brown, Cai & DasGupta (2001) and put 0 and 1 there.
            if not (method == "jeffreys" and x == 0 and alternative != "less"):
                assert np.isclose(ours.low, lo, rtol=1e-13, atol=1e-15), (x, n, level)
            else:
                assert ours.low == 0.0 and lo > 0.0
            if not (method == "jeffreys" and x == n and alternative != "greater"):
                assert np.isclose(ours.high, hi, rtol=1e-13, atol=1e-15), (x, n, level)
            else:
                assert ours.high == 1.0 and hi < 1.0


# ---------------------------------------------------------------------------
# Exact oracles for small n
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 6, 10, 15])
@pytest.mark.parametrize("method", ["clopper-pearson", "mid-p"])
def test_exact_limits_match_rational_bisection(n, method):
    for level in (0.95, 0.8):
        tail = (1 - level) / 2
        for x in range(n + 1):
            ours = proportion_ci(x, n, level, method)
            low, high = oracle_limits(x, n, tail, mid=method == "mid-p")
            assert ours.low == pytest.approx(low, rel=1e-12, abs=0), (x, n, level)
            assert ours.high == pytest.approx(high, rel=1e-12, abs=0), (x, n, level)


@pytest.mark.parametrize(("x", "n"), [(1, 5), (2, 7), (3, 9), (5, 12), (0, 10), (13, 16), (7, 15), (15, 15)])
@pytest.mark.parametrize("level", [0.95, 0.9, 0.8])
def test_blaker_limits_are_the_hull_of_the_acceptance_set(x, n, level):
    """Exact rational check of the definition {p : gamma(p; x) > alpha}.

    Just outside each limit gamma <= alpha, just inside gamma > alpha, and
    between the Clopper-Pearson limit and the Blaker limit (where Blaker's
    interval must start, Blaker 2000 Thm 1) no p is accepted.
    """
    alpha = Fraction(1 - level)
    ci = proportion_ci(x, n, level, "blaker")
    cp = proportion_ci(x, n, level, "clopper-pearson")
    assert cp.low <= ci.low <= ci.high <= cp.high
    eps = 1e-9
    if x > 0:
        assert exact_blaker_acceptability(x, n, ci.low * (1 - eps)) <= alpha
        assert exact_blaker_acceptability(x, n, ci.low * (1 + eps)) > alpha
        for p in np.linspace(cp.low, ci.low, 40)[:-1]:
            assert exact_blaker_acceptability(x, n, float(p)) <= alpha
    if x < n:
        assert exact_blaker_acceptability(x, n, ci.high + eps * (1 - ci.high)) <= alpha
        assert exact_blaker_acceptability(x, n, ci.high - eps * (1 - ci.high)) > alpha
        for p in np.linspace(ci.high, cp.high, 40)[1:]:
            assert exact_blaker_acceptability(x, n, float(p)) <= alpha


@pytest.mark.parametrize("n", [1, 2, 5, 10, 15])
def test_binom_pvalue_matches_rational_sum(n):
    for p in (0.1, 0.25, 0.5, 1 / 3, 0.8):
        for x in range(n + 1):
            pmf, cdf, sf = exact_tails(n, p)
            assert binom_pvalue(x, n, p, "greater") == pytest.approx(float(sf[x]), rel=1e-12)
            assert binom_pvalue(x, n, p, "less") == pytest.approx(float(cdf[x]), rel=1e-12)
            expected = 1.0 if x == n * p else float(exact_two_sided_pvalue(x, n, p))
            assert binom_pvalue(x, n, p) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------
# binom_pvalue and scipy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_binom_pvalue_agrees_with_scipy_grid(alternative):
    for n in (1, 2, 3, 10, 29, 100):
        for x in range(n + 1):
            for p in (0.01, 0.1, 0.2, 0.25, 1 / 3, 0.5, 0.7, 0.99):
                ref = stats.binomtest(x, n, p, alternative=alternative).pvalue
                assert binom_pvalue(x, n, p, alternative) == pytest.approx(ref, rel=1e-12, abs=0)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 2000),
    frac=st.floats(0, 1),
    p=st.floats(1e-4, 1 - 1e-4),
    alternative=st.sampled_from(ALTERNATIVES),
)
def test_binom_pvalue_agrees_with_scipy_property(n, frac, p, alternative):
    x = round(frac * n)
    ref = stats.binomtest(x, n, p, alternative=alternative).pvalue
    got = binom_pvalue(x, n, p, alternative)
    if got == pytest.approx(ref, rel=1e-12, abs=0):
        return
    # scipy's far tails (below ~1e-200) can be off by a few 1e-12; then the exact value decides
    # (hypothesis found n=183, x=172, p=1/64: ours equals the Fraction value, scipy is 2.3e-12 off).
    assert ref < 1e-200, (got, ref)
    pf = Fraction(p)
    pmf = [math.comb(n, k) * pf ** k * (1 - pf) ** (n - k) for k in range(n + 1)]
    if alternative == "greater":
        exact = sum(pmf[x:])
    elif alternative == "less":
        exact = sum(pmf[:x + 1])
    else:
        cut = pmf[x] * Fraction(1 + 10 ** -7)
        exact = sum(v for v in pmf if v <= cut)
    assert got == pytest.approx(float(exact), rel=1e-12)


def test_binom_pvalue_tiny_tail_keeps_relative_precision():
    # P(X >= 60 | n = 60, p = 0.1) = 1e-60 exactly.
    assert binom_pvalue(60, 60, 0.1, "greater") == pytest.approx(0.1**60, rel=1e-12)
    assert binom_pvalue(0, 60, 0.9, "less") == pytest.approx(float(Fraction(1, 10) ** 60), rel=1e-12)


# ---------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _all_intervals(n, level, method):
    cis = [proportion_ci(x, n, level, method) for x in range(n + 1)]
    return np.array([c.low for c in cis]), np.array([c.high for c in cis])


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 60),
    level=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.975, 0.99]),
    p=st.floats(1e-6, 1 - 1e-6),
    method=st.sampled_from(EXACT),
)
def test_exact_methods_cover_at_least_nominally(n, level, p, method):
    # Exact coverage: sum of the binomial pmf over the x whose interval
    # contains p (no simulation).  1e-12 allows for rounding of the pmf sum.
    low, high = _all_intervals(n, level, method)
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    coverage = pmf[(low <= p) & (p <= high)].sum()
    assert coverage >= level - 1e-12


def _nesting_slack(value):
    # Limits are computed to a few ulps; two levels a hair apart may give
    # limits that are out of order by that much, and no more.
    return 1e-13 * abs(value) + 1e-300


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 200),
    frac=st.floats(0, 1),
    levels=st.lists(st.floats(0.5, 0.9999), min_size=2, max_size=2, unique=True).map(sorted),
    method=st.sampled_from(METHODS),
)
def test_intervals_are_nested_in_the_level(n, frac, levels, method):
    x = round(frac * n)
    inner = proportion_ci(x, n, levels[0], method)
    outer = proportion_ci(x, n, levels[1], method)
    assert outer.low <= inner.low + _nesting_slack(inner.low)
    assert outer.high >= inner.high - _nesting_slack(inner.high)
    for ci in (inner, outer):
        assert 0.0 <= ci.low <= ci.high <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    frac=st.floats(0, 1),
    k=st.integers(1, 2047),
    method=st.sampled_from(NOT_BLAKER),
)
def test_one_sided_bound_is_two_sided_limit_at_double_alpha(n, frac, k, method):
    # a = k / 4096 makes 1 - a and 1 - 2a exact floats, so both calls put
    # exactly the same probability a in the tail: the limits must be equal.
    x = round(frac * n)
    a = k / 4096
    two = proportion_ci(x, n, 1 - 2 * a, method)
    greater = proportion_ci(x, n, 1 - a, method, "greater")
    less = proportion_ci(x, n, 1 - a, method, "less")
    assert greater.low == two.low and greater.high == 1.0
    assert less.high == two.high and less.low == 0.0


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 300),
    frac=st.floats(0, 1),
    level=st.floats(0.5, 0.9999),
    method=st.sampled_from(["clopper-pearson", "mid-p", "blaker", "wilson"]),
)
def test_interval_contains_observed_proportion(n, frac, level, method):
    # Confidence levels below 1/2 are excluded: there the mid-p interval
    # need not contain x/n (e.g. x = 1, n = 3 at level 0.01).
    x = round(frac * n)
    ci = proportion_ci(x, n, level, method)
    assert ci.low <= x / n <= ci.high


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 150), frac=st.floats(0, 1), level=st.floats(0.5, 0.999))
def test_blaker_and_mid_p_lie_within_clopper_pearson(n, frac, level):
    x = round(frac * n)
    cp = proportion_ci(x, n, level)
    for method in ("blaker", "mid-p"):
        ci = proportion_ci(x, n, level, method)
        assert cp.low <= ci.low + _nesting_slack(ci.low)
        assert ci.high <= cp.high + _nesting_slack(cp.high)


# ---------------------------------------------------------------------------
# Posterior probability
# ---------------------------------------------------------------------------


def test_posterior_matches_beta_survival():
    for x, n, t, prior in [(3, 9, 0.2, (0.5, 0.5)), (0, 20, 0.05, (1, 1)), (12, 30, 0.5, (2.0, 3.5))]:
        ref = stats.beta.sf(t, prior[0] + x, prior[1] + n - x)
        assert posterior_prob_at_least(x, n, t, prior) == pytest.approx(ref, rel=1e-12)


def test_posterior_closed_forms_and_tails():
    # Uniform prior: the posterior after x = n is Beta(n + 1, 1), so
    # P(p >= t) = 1 - t^(n+1); after x = 0 it is Beta(1, n + 1), so
    # P(p >= t) = (1 - t)^(n+1).
    assert posterior_prob_at_least(9, 9, 0.3, (1, 1)) == pytest.approx(-math.expm1(10 * math.log(0.3)), rel=1e-13)
    tiny = posterior_prob_at_least(0, 100, 0.9, (1, 1))
    assert tiny == pytest.approx(math.exp(101 * math.log1p(-0.9)), rel=1e-12)  # about 1e-101
    assert posterior_prob_at_least(3, 9, 0.0) == 1.0
    assert posterior_prob_at_least(3, 9, 1.0) == 0.0
    # n = 0: the prior probability; Jeffreys prior is symmetric about 1/2.
    assert posterior_prob_at_least(0, 0, 0.5) == pytest.approx(0.5, rel=1e-14)


# ---------------------------------------------------------------------------
# The result object
# ---------------------------------------------------------------------------


def test_confidence_interval_object():
    ci = proportion_ci(np.int64(3), 9.0, np.float64(0.9), "wilson", "greater")
    assert isinstance(ci, ConfidenceInterval)
    d = ci.to_dict()
    assert d == {
        "low": ci.low,
        "high": 1.0,
        "confidence_level": 0.9,
        "method": "wilson",
        "alternative": "greater",
        "x": 3,
        "n": 9,
    }
    assert [type(d[k]) for k in ("low", "high", "confidence_level", "method", "alternative", "x", "n")] == [
        float,
        float,
        float,
        str,
        str,
        int,
        int,
    ]
    assert json.loads(json.dumps(d)) == d
    with pytest.raises(dataclasses.FrozenInstanceError):
        ci.low = 0.0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (dict(x=10, n=9), ValueError, r"^x must be <= 9, got 10"),
        (dict(x=-1, n=9), ValueError, r"^x must be >= 0"),
        (dict(x=2.5, n=9), ValueError, r"^x must be a whole number"),
        (dict(x=True, n=9), TypeError, r"^x must be a whole number"),
        (dict(x=3, n=9.5), ValueError, r"^n must be a whole number"),
        (dict(x=3, n="9"), TypeError, r"^n must be a whole number"),
        (dict(x=0, n=0), ValueError, r"^n must be >= 1"),
        (dict(x=3, n=9, confidence_level=0.0), ValueError, r"^confidence_level must lie strictly between 0 and 1"),
        (dict(x=3, n=9, confidence_level=1.0), ValueError, r"^confidence_level must lie strictly between 0 and 1"),
        (dict(x=3, n=9, confidence_level=95), ValueError, r"^confidence_level must lie strictly between 0 and 1"),
        (dict(x=3, n=9, confidence_level=-0.1), ValueError, r"^confidence_level must lie strictly between 0 and 1"),
        (dict(x=3, n=9, confidence_level=float("nan")), ValueError, r"^confidence_level must be a number .* got nan"),
        (dict(x=3, n=9, confidence_level="0.95"), TypeError, r"^confidence_level must be a number"),
        (dict(x=3, n=9, method="exact"), ValueError, r"^method must be one of .* got 'exact'"),
        (dict(x=3, n=9, alternative="two.sided"), ValueError, r"^alternative must be one of .* got 'two.sided'"),
        (dict(x=3, n=9, method="blaker", alternative="greater"), ValueError, r"blaker.*two-sided.*'greater'"),
        (dict(x=3, n=9, method="blaker", alternative="less"), ValueError, r"blaker.*two-sided.*'less'"),
        (dict(x=3, n=9, method="blaker", confidence_level=0.4), ValueError, r"^confidence_level must be at least 0.5"),
    ],
)
def test_proportion_ci_rejects_bad_input(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        proportion_ci(**kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        ((10, 9, 0.2), {}, ValueError, r"^x must be <= 9"),
        ((-1, 9, 0.2), {}, ValueError, r"^x must be >= 0"),
        ((3, 9.5, 0.2), {}, ValueError, r"^n must be a whole number"),
        ((3, 9, 0.0), {}, ValueError, r"^p must lie strictly between 0 and 1"),
        ((3, 9, 1.0), {}, ValueError, r"^p must lie strictly between 0 and 1"),
        ((3, 9, float("nan")), {}, ValueError, r"^p must be a number"),
        ((3, 9, 0.2), {"alternative": "larger"}, ValueError, r"^alternative must be one of"),
    ],
)
def test_binom_pvalue_rejects_bad_input(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        binom_pvalue(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        ((10, 9, 0.2), {}, ValueError, r"^x must be <= 9"),
        ((3, -1, 0.2), {}, ValueError, r"^n must be >= 0"),
        ((3, 9, 1.5), {}, ValueError, r"^threshold must lie in \[0, 1\]"),
        ((3, 9, float("nan")), {}, ValueError, r"^threshold must be a number"),
        ((3, 9, 0.2), {"prior": (0.0, 1.0)}, ValueError, r"^prior must be a pair"),
        ((3, 9, 0.2), {"prior": (1.0, float("inf"))}, ValueError, r"^prior must be a pair"),
        ((3, 9, 0.2), {"prior": (1.0,)}, TypeError, r"^prior must be 'jeffreys', 'uniform' or a pair"),
        ((3, 9, 0.2), {"prior": 1.0}, TypeError, r"^prior must be 'jeffreys', 'uniform' or a pair"),
        ((3, 9, 0.2), {"prior": ("a", "b")}, TypeError, r"^prior must be a pair"),
    ],
)
def test_posterior_rejects_bad_input(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        posterior_prob_at_least(*args, **kwargs)

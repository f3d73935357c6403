"""Bayesian monitoring (issue 11): published values, a Fraction oracle, a simulation, the search.

Published rows are copied from ../shared/reference/multistage_published.csv with their source lines.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import multistage_oracle as O
from phase2design.bayes import (analyze_rule, bayes_design, monitoring_rule, posterior_probability,
                                predictive_probability)
from phase2design.engine import bayes as EB
from phase2design.engine.design import Design
from phase2design.engine.exact import exact_oc
from phase2design.engine.oc import NoFeasibleDesignError

# ---------------------------------------------------------------------------
# Published values
# ---------------------------------------------------------------------------

# multistage_published.csv: "Bayesian predictive probability (Lee & Liu)", Lee & Liu 2008 p.97 as quoted in
# ph2bayes docs (P); ph2bayes example output (O); Genentech/phase1b test (T); ph2bayes man/predprob (rdrr.io);
# phase1b tests/testthat/test-predprob.R: x=16 n=23 Nmax=40 prior Beta(0.6,0.4) p_s=0.6 thetaT=0.9,
# "PP=0.5656 (paper); 0.5655589 (ph2bayes, phase1b tol 1e-6)"
def test_lee_liu_predictive_probability():
    for equality in ("strict", "inclusive"):
        res = predictive_probability(16, 23, 40, 0.6, 0.9, prior=(0.6, 0.4), equality=equality)
        assert res.predictive_probability == pytest.approx(0.5655589, abs=1e-6)
        assert round(res.predictive_probability, 4) == 0.5656
    # the table of future outcomes adds up to the PP
    assert math.fsum(p for y, t, p, q, s in res.future if s) == pytest.approx(res.predictive_probability, abs=1e-14)
    assert math.fsum(p for y, t, p, q, s in res.future) == pytest.approx(1.0, abs=1e-14)


# multistage_published.csv: "Bayesian predictive probability", Genentech/phase1b test (T),
# tests/testthat/test-predprob.R: x=20 n=23 Nmax=40 p=0.6 thetaT=0.9 prior mixture Beta(1,1),Beta(25,15)
# weights (3,1): "PP=0.987443066689065; future-response table counts 0..17: posterior at counts 0,1,2 =
# 0.156,0.2352,0.3303; indicator switches to 1 at count 9 (posterior 0.9327)"
def test_phase1b_mixture_predictive_probability():
    res = predictive_probability(20, 23, 40, 0.6, 0.9, prior=[(3, 1, 1), (1, 25, 15)], equality="inclusive")
    assert res.predictive_probability == pytest.approx(0.987443066689065, abs=1e-12)
    post = [q for y, t, p, q, s in res.future]
    assert [round(v, 4) for v in post[:3]] == [0.156, 0.2352, 0.3303]
    assert round(post[9], 4) == 0.9327
    assert [s for y, t, p, q, s in res.future].index(True) == 9 and res.needed == 9


# multistage_published.csv: "Bayesian posterior probability", Genentech/phase1b test (T), comment cites Lee &
# Liu, tests/testthat/test-postprob.R: x=16 n=23 p=0.6 prior Beta(0.6,0.4): postprob=0.8359808 (tol 1e-5);
# and "mixture posterior, equal weights": x=10 n=23 p=0.6 prior mixture Beta(0.6,0.4),Beta(1,1):
# postprob=0.05559802 (tol 1e-5)
def test_phase1b_posterior_probabilities():
    assert posterior_probability(16, 23, 0.6, prior=(0.6, 0.4)) == pytest.approx(0.8359808, abs=1e-7)
    assert posterior_probability(10, 23, 0.6, prior=[(1, 0.6, 0.4), (1, 1, 1)]) == pytest.approx(0.05559802,
                                                                                               abs=1e-8)


# multistage_published.csv: "Bayesian predictive-probability boundaries", Genentech/phase1b test (T),
# tests/testthat/test-boundsPredprob.R (first test): xL = largest x with PP<phiL (stop futility if X<=xL);
# xU = smallest x with PP>phiU (stop efficacy if X>=xU); postL/postU = P(p>p0|x) at xL/xU; looks
# 10,20,30,40 (Nmax=40) p0=0.2 tT=0.80 phiL=0.10 phiU=0.90 prior Beta(1,1):
# "xL=0,2,5,9; pL=0,0.1,0.1667,0.225; postL=0.0859,0.1787,0.3931,0.704; ... xU=4,7,9,10; pU=0.4,0.35,0.3,0.25;
# postU=0.9496,0.9569,0.9254,0.8177"
def test_phase1b_predictive_boundaries():
    rule = monitoring_rule(0.2, nmax=40, looks=[10, 20, 30], theta_t=0.8, theta_l=0.1, theta_u=0.9, prior=(1, 1))
    assert [lk.futility for lk in rule.table] == [0, 2, 5, 9]
    assert [lk.efficacy for lk in rule.table] == [4, 7, 9, 10]
    post_l = [posterior_probability(x, n, 0.2, prior=(1, 1)) for x, n in zip([0, 2, 5, 9], [10, 20, 30, 40])]
    post_u = [posterior_probability(x, n, 0.2, prior=(1, 1)) for x, n in zip([4, 7, 9, 10], [10, 20, 30, 40])]
    assert [round(v, 4) for v in post_l] == [0.0859, 0.1787, 0.3931, 0.704]
    assert [round(v, 4) for v in post_u] == [0.9496, 0.9569, 0.9254, 0.8177]
    # the table's probability at the last look is that same posterior probability
    assert rule.table[-1].futility_prob == pytest.approx(0.704, abs=5e-5)
    assert rule.design == Design.parse("0:3/10,2:6/20,5:8/30,9/40")


# multistage_published.csv: "Bayesian posterior-probability boundaries (Thall-Simon type)", Genentech/phase1b
# test (T), tests/testthat/test-boundsPostProb.R: xL = largest x with P(p<p1|x)>tL; xU = smallest x with
# P(p>p0|x)>tU; nvec 10,20,30,40 p0=0.2 p1=0.2 tL=0.60 tU=0.60 prior Beta(1,1):
# "xL=1,3,5,6; postL=0.6779,0.6296,0.6069,0.739; xU=2,5,7,9; postU=0.6174,0.7693,0.73,0.704"
def test_phase1b_posterior_boundaries():
    # P(p < p1 | x) > 0.6 is P(p > p1 | x) < 0.4: futility below theta_L = 0.4 (strict); the interim
    # bounds do not depend on N_max, so the four looks are interim looks of a longer rule
    rule = monitoring_rule(0.2, nmax=50, looks=[10, 20, 30, 40], theta_t=0.8, theta_l=0.4, theta_u=0.6,
                           prior=(1, 1), monitoring="posterior", futility_rate=0.2)
    assert [lk.futility for lk in rule.table[:4]] == [1, 3, 5, 6]
    assert [lk.efficacy for lk in rule.table[:4]] == [2, 5, 7, 9]
    assert [round(1 - lk.futility_prob, 4) for lk in rule.table[:4]] == [0.6779, 0.6296, 0.6069, 0.739]
    assert [round(lk.efficacy_prob, 4) for lk in rule.table[:4]] == [0.6174, 0.7693, 0.73, 0.704]
    # with both stops at 1 and 2 of 10 every count stops at the first look: the rule ends there
    assert rule.table[0].status == "ends" and rule.design == Design.parse("1/10")


# multistage_published.csv: "Bayesian predictive-probability boundaries", ph2bayes stopbound_pred example
# output (O), https://rdrr.io/cran/ph2bayes/man/stopbound_pred.html: futility bound L_n = largest x with
# PP<=theta (stop if X<=L_n); rows printed only where bound changes; theta=0.05 futility nmax=40 prior
# Beta(0.6,1.4) p_s=0.3 thetaT=0.85: "n:bound 1:NA 4:0 8:1 11:2 14:3 17:4 20:5 22:6 25:7 27:8 29:9 (page
# truncated after 29)"
def test_ph2bayes_continuous_futility_bounds():
    rule = monitoring_rule(0.3, nmax=40, every=1, theta_t=0.85, theta_l=0.05, prior=(0.6, 1.4),
                           equality="inclusive")
    changes = {1: -1, 4: 0, 8: 1, 11: 2, 14: 3, 17: 4, 20: 5, 22: 6, 25: 7, 27: 8, 29: 9}
    bound = None
    for lk in rule.table[:29]:
        bound = changes.get(lk.n, bound)
        assert lk.futility == bound, lk


# ---------------------------------------------------------------------------
# Oracle: exact rational arithmetic (integer Beta parameters make every probability rational)
# ---------------------------------------------------------------------------

def _beta_fn(a, b):
    return Fraction(math.factorial(a - 1) * math.factorial(b - 1), math.factorial(a + b - 1))


def _weights(prior, x, n):
    raw = [Fraction(w) * _beta_fn(a + x, b + n - x) / _beta_fn(a, b) for w, a, b in prior]
    total = sum(raw)
    return [v / total for v in raw]


def _post_tail(prior, x, n, q):
    """P(p > q | x of n): for integer a', b', P(Beta(a', b') > q) = P(Bin(a' + b' - 1, q) <= a' - 1)."""
    out = Fraction(0)
    for w, (_, a, b) in zip(_weights(prior, x, n), prior):
        A, B = a + x, b + n - x
        m = A + B - 1
        out += w * sum(math.comb(m, k) * q ** k * (1 - q) ** (m - k) for k in range(A))
    return out


def _rising(c, k):
    out = Fraction(1)
    for j in range(k):
        out *= c + j
    return out


def _future_pmf(prior, x, n, nmax):
    m = nmax - n
    out = [Fraction(0)] * (m + 1)
    for w, (_, a, b) in zip(_weights(prior, x, n), prior):
        A, B = a + x, b + n - x
        for y in range(m + 1):
            out[y] += w * math.comb(m, y) * _rising(A, y) * _rising(B, m - y) / _rising(A + B, m)
    return out


def _oracle_pp(prior, x, n, nmax, p0, theta_t, strict=True):
    ok = [(_post_tail(prior, s, nmax, p0) > theta_t) if strict else (_post_tail(prior, s, nmax, p0) >= theta_t)
          for s in range(nmax + 1)]
    return sum((q for y, q in enumerate(_future_pmf(prior, x, n, nmax)) if ok[x + y]), Fraction(0))


PRIORS = [((1, 1, 1),), ((1, 2, 3),), ((Fraction(1, 3), 1, 2), (Fraction(2, 3), 3, 1))]


@pytest.mark.parametrize("prior", PRIORS)
def test_predictive_and_posterior_probabilities_against_fractions(prior):
    p0, theta = Fraction(1, 5), Fraction(4, 5)
    fprior = [(float(w), a, b) for w, a, b in prior]
    for x, n, nmax in [(0, 5, 20), (3, 9, 25), (2, 10, 30), (7, 12, 30), (1, 1, 6)]:
        exact = _oracle_pp(prior, x, n, nmax, p0, theta)
        got = predictive_probability(x, n, nmax, 0.2, 0.8, prior=fprior).predictive_probability
        assert abs(got - float(exact)) <= 1e-12, (x, n, nmax)
        assert abs(posterior_probability(x, n, 0.2, prior=fprior) - float(_post_tail(prior, x, n, p0))) <= 1e-12


def _oracle_rule_oc(prior, looks, p0, theta_t, theta_l, theta_u, p, monitoring="predictive", fut_rate=None):
    """Walk the rule look by look with exact probabilities: P(promising), EN, P(end at each look)."""
    nmax = looks[-1]
    ok = [_post_tail(prior, s, nmax, p0) > theta_t for s in range(nmax + 1)]
    reach = {0: Fraction(1)}
    prev = 0
    reject, en = Fraction(0), Fraction(0)
    ends = []
    for j, n in enumerate(looks):
        m = n - prev
        new = {}
        for s, q in reach.items():
            for y in range(m + 1):
                new[s + y] = new.get(s + y, 0) + q * math.comb(m, y) * p ** y * (1 - p) ** (m - y)
        end = Fraction(0)
        reach = {}
        for s, q in new.items():
            if n == nmax:
                end += q
                reject += q if ok[s] else 0
                continue
            if monitoring == "predictive":
                fv = ev = sum((w for y, w in enumerate(_future_pmf(prior, s, n, nmax)) if ok[s + y]), Fraction(0))
            else:
                fv, ev = _post_tail(prior, s, n, fut_rate), _post_tail(prior, s, n, p0)
            if theta_l is not None and fv < theta_l:
                end += q
            elif theta_u is not None and ev > theta_u:
                end += q
                reject += q
            else:
                reach[s] = q
        ends.append(end)
        en += n * end
        prev = n
    return reject, en, ends


@pytest.mark.parametrize("monitoring,looks,theta_l,theta_u,prior", [
    ("predictive", list(range(4, 21)), Fraction(1, 10), None, ((1, 1, 1),)),
    ("predictive", [6, 12, 18, 24], Fraction(1, 20), Fraction(95, 100), ((1, 2, 3),)),
    ("predictive", [5, 10, 15, 20, 25, 30], Fraction(15, 100), None, PRIORS[2]),
    ("posterior", [5, 10, 15, 20, 25], Fraction(1, 10), Fraction(99, 100), ((1, 1, 1),)),
])
def test_rule_oc_against_fraction_walk(monitoring, looks, theta_l, theta_u, prior):
    fprior = [(float(w), a, b) for w, a, b in prior]
    rule = monitoring_rule(0.2, nmax=looks[-1], looks=looks[:-1], theta_t=0.85, theta_l=float(theta_l),
                           theta_u=None if theta_u is None else float(theta_u), prior=fprior, monitoring=monitoring,
                           futility_rate=0.4 if monitoring == "posterior" else None)
    for p in (Fraction(1, 5), Fraction(2, 5), Fraction(1, 3)):
        reject, en, ends = _oracle_rule_oc(prior, looks, Fraction(1, 5), Fraction(85, 100), theta_l, theta_u, p,
                                           monitoring, Fraction(2, 5))
        oc = rule.oc([float(p)])
        assert abs(oc.reject[0] - float(reject)) <= 1e-12
        assert abs(oc.en[0] - float(en)) <= 1e-12 * float(en)
        # looks left out of the design (they cannot stop) end no trial
        by_n = dict(zip(rule.design.n, oc.stop[0]))
        for n, e in zip(looks, ends):
            assert abs(by_n.get(n, 0.0) - float(e)) <= 1e-12
        # and the design itself agrees with the path-walking oracle of the multi-stage model
        d = rule.design
        o = O.oc((d.n, d.futility, d.efficacy), O.probabilities((d.n, d.futility, d.efficacy), p))
        assert o["reject"] == reject


def test_curtailment_is_theta_l_zero_inclusive():
    """PP is exactly 0 when success is out of reach: inclusive theta_L = 0 stops exactly then."""
    rule = monitoring_rule(0.2, nmax=30, every=1, theta_t=0.9, theta_l=0.0, prior=(1, 1), equality="inclusive")
    r = rule.r
    for lk in rule.table[:-1]:
        assert lk.futility == max(r - (30 - lk.n), -1)
    strict = monitoring_rule(0.2, nmax=30, every=1, theta_t=0.9, theta_l=0.0, prior=(1, 1))
    assert strict.design == Design.single(r, 30)   # PP < 0 never happens
    # and inclusive theta_U = 1 stops exactly when success is certain
    up = monitoring_rule(0.2, nmax=30, every=1, theta_t=0.9, theta_u=1.0, prior=(1, 1), equality="inclusive")
    assert [lk.efficacy for lk in up.table[:-1]] == [r + 1 if r + 1 <= lk.n else None for lk in up.table[:-1]]


def test_equality_conventions_differ_at_a_tie():
    # theta_T equal to a posterior value (as a double) moves the final cut by one between the conventions
    post = EB.posterior_tail(EB.mixture_prior((1, 1)), 20, 0.2)
    t = float(post[7])
    strict = monitoring_rule(0.2, nmax=20, looks=[10], theta_t=t, prior=(1, 1))
    incl = monitoring_rule(0.2, nmax=20, looks=[10], theta_t=t, prior=(1, 1), equality="inclusive")
    assert strict.r == 7 and incl.r == 6
    assert "strict" in strict.bayes_words() and "inclusive" in incl.bayes_words()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 30), st.floats(0.05, 0.95), st.floats(0.3, 0.99),
       st.lists(st.tuples(st.floats(0.1, 5), st.floats(0.2, 20), st.floats(0.2, 20)), min_size=1, max_size=3))
def test_probabilities_increase_with_responses(n, extra, p0, theta, prior):
    pr = EB.mixture_prior(prior)
    post = EB.posterior_tail(pr, n, p0)
    assert np.all(np.diff(post) >= -1e-13)
    nmax = n + extra
    r, _ = EB.final_cut(pr, nmax, p0, theta, "strict")
    if 0 <= r < nmax:
        pp = EB.predictive_tails(pr, n, nmax)[:, r + 1]
        assert np.all(np.diff(pp) >= -1e-13) and np.all((pp >= 0) & (pp <= 1))


# ---------------------------------------------------------------------------
# Simulation: the rule as a user reads it (probabilities computed afresh at each look)
# ---------------------------------------------------------------------------

@pytest.mark.slow
def test_simulated_trials_land_on_the_exact_oc():
    looks, nmax, p0 = [10, 20, 30], 40, 0.2
    kw = dict(prior=(1, 1), equality="strict")
    decision = {}
    for n in looks:
        for x in range(n + 1):
            pp = predictive_probability(x, n, nmax, p0, 0.8, **kw).predictive_probability
            decision[n, x] = "futility" if pp < 0.1 else "efficacy" if pp > 0.9 else "continue"
    final_ok = [posterior_probability(s, nmax, p0, prior=(1, 1)) > 0.8 for s in range(nmax + 1)]
    rule = monitoring_rule(p0, nmax=nmax, looks=looks, theta_t=0.8, theta_l=0.1, theta_u=0.9, **kw)
    rng = np.random.default_rng(20261201)
    trials = 200_000
    for p in (0.2, 0.3, 0.4):
        S = np.cumsum(rng.binomial(1, p, size=(trials, nmax)), axis=1)
        promising = np.zeros(trials, dtype=bool)
        size = np.full(trials, nmax)
        open_ = np.ones(trials, dtype=bool)
        for n in looks:
            s = S[:, n - 1]
            d = np.array([decision[n, int(v)] for v in range(n + 1)])[s]
            stop = open_ & (d != "continue")
            promising |= stop & (d == "efficacy")
            size[stop] = n
            open_ &= ~stop
        promising |= open_ & np.array(final_ok)[S[:, nmax - 1]]
        oc = rule.oc([p])
        se = math.sqrt(oc.reject[0] * (1 - oc.reject[0]) / trials)
        assert abs(promising.mean() - oc.reject[0]) < 4 * se
        assert abs(size.mean() - oc.en[0]) < 4 * size.std() / math.sqrt(trials)
        for n, q in zip(rule.design.n, oc.stop[0]):
            assert abs((size == n).mean() - q) < 4 * math.sqrt(q * (1 - q) / trials) + 1e-12


# ---------------------------------------------------------------------------
# The design search
# ---------------------------------------------------------------------------

def _check_designs(res):
    for d in res.designs() + tuple(res.admissible):
        assert exact_oc(d.design, "%r" % res.p0)["reject"] <= Fraction(repr(res.alpha))
        assert exact_oc(d.design, "%r" % res.p1)["reject"] >= 1 - Fraction(repr(res.beta))
        # the thresholds printed give exactly this design
        rule = monitoring_rule(res.p0, nmax=d.n, looks=d.looks[:-1], theta_t=d.theta_t, theta_l=d.theta_l,
                               theta_u=d.theta_u, prior=d.prior, monitoring=d.monitoring, equality=d.equality,
                               futility_rate=d.futility_rate)
        assert rule.design == d.design
    assert res.minimax.n == min(d.n for d in res.best_by_n)
    assert res.optimal.en0 == min(d.en0 for d in res.best_by_n)
    sizes = [d.n for d in res.best_by_n]
    assert sizes == sorted(set(sizes))             # one design per largest sample size


def test_search_lee_liu_setting_meets_alpha_and_power_exactly():
    res = bayes_design(0.2, 0.4, 0.1, 0.1)
    _check_designs(res)
    assert res.minimax.n == 36 and res.optimal.design == Design.parse(
        "1/10,2/15,4/20,5/25,6/30,7/35,9/40,11/45,12/48")
    assert "theta_T in [0.8, 0.99]" in res.notes[1]


def _brute_force(p0, p1, alpha, beta, nrange, every, first, monitoring, prior, ranges):
    """Every rule: all final cuts and every futility breakpoint, no bisection."""
    from phase2design.families.bayes import _bounds, _design_or_none, _Thresholds, look_schedule

    best = {}
    for n in nrange:
        sched = look_schedule(n, every=every, first=first)
        pr = EB.mixture_prior(prior)
        post = EB.posterior_tail(pr, n, p0)
        tT = _Thresholds(post, ranges[0], "strict", upper=True)
        for u in range(1, len(tT)):
            if tT.pick(u)[0] is None:
                continue
            r = int(np.searchsorted(post, tT.cut(u), side="left")) - 1
            if monitoring == "predictive":
                fv = [EB.predictive_tails(pr, m, n)[:, r + 1] for m in sched[:-1]]
            else:
                fv = [EB.posterior_tail(pr, m, p1) for m in sched[:-1]]
            tl = _Thresholds(np.concatenate(fv), ranges[1], "strict")
            for k in tl.allowed():
                d = _design_or_none(sched, _bounds(fv, tl.cut(k), False), [None] * len(fv), r)
                if d is None:
                    continue
                o = exact_oc(d, repr(p0)), exact_oc(d, repr(p1))
                if o[0]["reject"] <= Fraction(repr(alpha)) and o[1]["reject"] >= 1 - Fraction(repr(beta)):
                    if d.n_max not in best or o[0]["en"] < best[d.n_max][0]:
                        best[d.n_max] = (o[0]["en"], d)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("monitoring", ["predictive", "posterior"])
def test_search_equals_brute_force(monitoring):
    ranges = ((0.8, 0.99), (0.001, 0.2))
    res = bayes_design(0.1, 0.4, 0.1, 0.2, monitoring=monitoring, every=3, first=3, nmin=8, nmax=16,
                       prior=(1, 1), theta_t_range=ranges[0], theta_l_range=ranges[1])
    brute = _brute_force(0.1, 0.4, 0.1, 0.2, range(8, 17), 3, 3, monitoring, (1, 1), ranges)
    assert {d.n for d in res.best_by_n} == set(brute)
    for d in res.best_by_n:
        assert float(brute[d.n][0]) == pytest.approx(d.en0, rel=1e-12)
    _check_designs(res)


def test_search_with_efficacy_stopping():
    res = bayes_design(0.2, 0.4, 0.1, 0.1, efficacy=True, nmax=40)
    _check_designs(res)
    assert res.optimal.design.has_efficacy
    # efficacy stopping can only lower the best EN0 at each N_max (no efficacy stop is one of the choices)
    plain = {d.n: d.en0 for d in bayes_design(0.2, 0.4, 0.1, 0.1, nmax=40).best_by_n}
    for d in res.best_by_n:
        if d.n in plain:
            assert d.en0 <= plain[d.n] + 1e-12


def test_search_refuses_and_explains():
    with pytest.raises(NoFeasibleDesignError, match="raise nmax"):
        bayes_design(0.2, 0.4, 0.1, 0.1, nmin=20, nmax=22)
    with pytest.raises(ValueError, match="theta_t_range must have low <= high"):
        bayes_design(0.2, 0.4, 0.1, 0.1, theta_t_range=(0.9, 0.8))


# ---------------------------------------------------------------------------
# Rules: validation, the table of looks, analysis
# ---------------------------------------------------------------------------

def test_bad_input_is_one_line():
    with pytest.raises(ValueError, match="x must lie between 0 and n=9"):
        predictive_probability(10, 9, 25, 0.1, 0.9)
    with pytest.raises(ValueError, match="nmax must be at least n=9"):
        predictive_probability(3, 9, 8, 0.1, 0.9)
    with pytest.raises(ValueError, match="equality must be one of"):
        predictive_probability(3, 9, 25, 0.1, 0.9, equality="ge")
    with pytest.raises(ValueError, match="prior mixture weights must be positive"):
        posterior_probability(3, 9, 0.1, prior=[(0, 1, 1)])
    with pytest.raises(ValueError, match="theta_t=.* is never reached"):
        monitoring_rule(0.5, nmax=5, looks=[2], theta_t=0.9999)
    with pytest.raises(ValueError, match="give the looks"):
        monitoring_rule(0.2, nmax=40, theta_t=0.8)
    with pytest.raises(ValueError, match="theta_l must be smaller than theta_u"):
        monitoring_rule(0.2, nmax=40, looks=[10], theta_t=0.8, theta_l=0.5, theta_u=0.4)


def test_look_that_cannot_stop_is_kept_in_the_table_but_not_in_the_design():
    rule = monitoring_rule(0.1, nmax=29, looks=[10, 15, 20, 25], theta_t=0.9, theta_l=0.12)
    statuses = [lk.status for lk in rule.table]
    assert "cannot stop" in statuses and len(rule.design.n) < len(rule.table)
    assert all("after" in w for w in rule.words())


def test_analysis_matches_the_engine_inference_of_the_design():
    from phase2design.analysis import analyze_design

    rule = monitoring_rule(0.2, nmax=40, looks=[10, 20, 30], theta_t=0.8, theta_l=0.1, theta_u=0.9, prior=(1, 1))
    a = analyze_rule(rule, 2, 20)
    b = analyze_design(rule.design, [1, 1], p0=0.2)
    assert a.stopped_for == b.stopped_for == "futility" and not a.promising
    assert a.pvalue == b.pvalue and a.ci_upper == b.ci_upper and a.umvue == b.umvue
    assert "frequentist summaries of a Bayesian rule" in a.statement
    with pytest.raises(ValueError, match="does not stop after 20 patients with 3"):
        analyze_rule(rule, 3, 20)


def test_seed_case_predictive_probabilities():
    # after 3 of 9 with p0 = 0.1, theta_T = 0.9 and the default prior Beta(0.1, 0.9)
    a = predictive_probability(3, 9, 25, 0.1, 0.9)
    b = predictive_probability(3, 9, 40, 0.1, 0.9)
    assert a.prior == ((1.0, 0.1, 0.9),)
    assert (a.r, a.needed, b.r, b.needed) == (4, 2, 6, 4)
    assert float(_oracle_pp_default(3, 9, 25)) == pytest.approx(a.predictive_probability, abs=1e-12)


def _oracle_pp_default(x, n, nmax):
    """The seed case by brute force with a numeric Beta tail (scipy) and exact beta-binomial weights."""
    from scipy.special import betainc, betaln

    ok = [betainc(nmax - s + 0.9, s + 0.1, 0.9) > 0.9 for s in range(nmax + 1)]
    m = nmax - n
    tot = 0.0
    for y in range(m + 1):
        lp = (math.lgamma(m + 1) - math.lgamma(y + 1) - math.lgamma(m - y + 1)
              + betaln(0.1 + x + y, 0.9 + n - x + m - y) - betaln(0.1 + x, 0.9 + n - x))
        if ok[x + y]:
            tot += math.exp(lp)
    return tot


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 60), st.data(),
       st.lists(st.tuples(st.floats(0.1, 5), st.floats(0.2, 20), st.floats(0.2, 20)), min_size=1, max_size=3))
def test_backward_induction_equals_beta_binomial_tails(nmax, data, prior):
    """The rule's PP (backward on the posterior mean) and the direct beta-binomial sums agree."""
    pr = EB.mixture_prior(prior)
    r = data.draw(st.integers(0, nmax - 1))
    looks = sorted(data.draw(st.sets(st.integers(1, nmax - 1), min_size=1, max_size=6)))
    got = EB.predictive_at_looks(pr, looks, nmax, r)
    for j, n in enumerate(looks):
        direct = EB.predictive_tails(pr, n, nmax)[:, r + 1]
        assert np.max(np.abs(got[j] - direct)) <= 1e-12
        # certain and impossible successes are exact in both
        x = np.arange(n + 1)
        assert np.all(got[j][x > r] == 1.0) and np.all(got[j][x + nmax - n <= r] == 0.0)


def test_posterior_probability_agrees_with_the_interval_module():
    from phase2design.intervals import posterior_prob_at_least

    for x, n, t, prior in [(3, 9, 0.1, (0.5, 0.5)), (0, 40, 0.3, (1, 1)), (39, 40, 0.95, (2, 7))]:
        assert posterior_probability(x, n, t, prior=prior) == pytest.approx(
            posterior_prob_at_least(x, n, t, prior=prior), rel=1e-13, abs=1e-300)


def test_design_objects_parse_to_their_own_design_and_plot():
    from phase2design.plots import oc_curve_data
    from phase2design.results import MultiStageDesign

    rule = monitoring_rule(0.2, nmax=40, looks=[10, 20, 30], theta_t=0.8, theta_l=0.1, prior=(1, 1))
    d = rule.evaluate(0.2, 0.4)
    assert Design.parse(d) == rule.design                     # not the single-stage r/n of its r and n
    assert Design.parse(MultiStageDesign.evaluate("0/6,2/17,5/29", 0.1, 0.3)) == Design.parse("0/6,2/17,5/29")
    data = oc_curve_data([d], [0.2, 0.4])
    assert data[0]["design"] == rule.design.label()
    assert list(data[0]["reject"]) == pytest.approx([d.attained_alpha, d.power], abs=1e-15)


def test_report_blocks_state_rule_prior_and_exact_oc():
    from phase2design.families.base import get_family
    from phase2design.present.blocks import Paragraph

    fam = get_family("predictive")
    res = fam.search(0.1, 0.3, 0.05, 0.2)
    blocks = fam.report_blocks(res, 0.1, 0.3, 0.05, 0.2)
    protocol = [b.text for b in blocks if isinstance(b, Paragraph) and b.cls == "protocol"]
    assert len(protocol) == 1
    text = protocol[0]
    assert "Prior Beta(0.1, 0.9)" in text and f"type I error {res.optimal.attained_alpha:.4f}" in text
    assert f"power {res.optimal.power:.4f}" in text and "no simulation" in text
    assert [p.kind for p in fam.proposals(res)] == ["optimal", "minimax"]
    assert fam.report_blocks(None, 0.1, 0.3, 0.05, 0.2)[0].text.startswith("No Bayesian")


def test_plan_and_grid_carry_the_bayesian_designs_in_full():
    from phase2design import plan_followup, run_grid
    from phase2design.families.base import get_family

    plan = plan_followup((3, 9), 0.1, 0.05, 0.2, p1=[0.3], families="simon,predictive")
    bayes_rows = [d for d in plan.designs if d.family == "predictive"]
    opt = get_family("predictive").search(0.1, 0.3, 0.05, 0.2).optimal
    assert [d.kind for d in bayes_rows] == ["optimal", "minimax"]
    assert bayes_rows[0].label() == opt.label() and bayes_rows[0].rule() == opt.design.rule()
    assert bayes_rows[0].attained_alpha == opt.attained_alpha
    g = run_grid([0.1], 0.2, errors=[(0.05, 0.2)], family="posterior", backend="serial")
    rows = g.to_dict()["rows"]
    post = get_family("posterior").search(0.1, 0.3, 0.05, 0.2)
    assert rows[0]["kind"] == "optimal" and rows[0]["design"] == post.optimal.label()
    assert rows[0]["en0"] == post.optimal.en0 and rows[0]["r"] == post.optimal.design.r


def test_search_is_the_same_under_both_conventions():
    # thresholds are taken strictly between breakpoints, so the convention cannot move a boundary
    a = bayes_design(0.1, 0.3, 0.05, 0.2, monitoring="posterior")
    b = bayes_design(0.1, 0.3, 0.05, 0.2, monitoring="posterior", equality="inclusive")
    assert [d.design for d in a.best_by_n] == [d.design for d in b.best_by_n]
    assert (a.optimal.theta_t, a.optimal.theta_l) == (b.optimal.theta_t, b.optimal.theta_l)


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(st.sampled_from([0.05, 0.1, 0.2, 0.3, 0.5]), st.sampled_from([0.2, 0.25, 0.3]),
       st.sampled_from([(0.05, 0.2), (0.1, 0.1), (0.05, 0.1)]), st.sampled_from(["predictive", "posterior"]),
       st.booleans())
def test_every_proposed_design_meets_alpha_and_power_exactly(p0, delta, errors, monitoring, efficacy):
    p1 = round(p0 + delta, 12)
    try:
        res = bayes_design(p0, p1, *errors, monitoring=monitoring, efficacy=efficacy, every=4, first=6)
    except NoFeasibleDesignError:
        return
    _check_designs(res)


@pytest.mark.slow
@pytest.mark.parametrize("monitoring", ["predictive", "posterior"])
def test_search_with_efficacy_equals_brute_force(monitoring):
    """Every (theta_T, theta_U, theta_L) breakpoint choice, no bisection and no moving lower end."""
    from phase2design.engine.samplespace import SampleSpace
    from phase2design.families.bayes import _bounds, _design_or_none, _Thresholds, look_schedule

    p0, p1, alpha, beta = 0.1, 0.4, 0.1, 0.2
    rt, rl, ru = (0.8, 0.99), (0.001, 0.2), (0.9, 1.0)
    res = bayes_design(p0, p1, alpha, beta, monitoring=monitoring, every=3, first=3, nmin=8, nmax=16,
                       prior=(1, 1), efficacy=True)
    pr = EB.mixture_prior((1, 1))
    best = {}
    for n in range(8, 17):
        sched = look_schedule(n, every=3, first=3)
        post = EB.posterior_tail(pr, n, p0)
        tT = _Thresholds(post, rt, "strict", upper=True)
        for u_t in tT.allowed():
            if u_t == 0:
                continue
            r = int(np.searchsorted(post, tT.cut(u_t), side="left")) - 1
            if not 0 <= r < n:
                continue
            if monitoring == "predictive":
                fv = ev = [EB.predictive_tails(pr, m, n)[:, r + 1] for m in sched[:-1]]
            else:
                fv = [EB.posterior_tail(pr, m, p1) for m in sched[:-1]]
                ev = [EB.posterior_tail(pr, m, p0) for m in sched[:-1]]
            tl = _Thresholds(np.concatenate(fv), rl, "strict")
            tu = _Thresholds(np.concatenate(ev), ru, "strict", upper=True)
            for u in [0] + [u for u in tu.allowed() if u > 0]:
                eff = _bounds(ev, tu.cut(u), True)
                for k in tl.allowed():
                    d = _design_or_none(sched, _bounds(fv, tl.cut(k), False), eff, r)
                    if d is None or d.n_max != n:   # rules that end every trial early are not searched
                        continue
                    o = SampleSpace(d).oc_arrays([p0, p1])
                    if o["reject"][0] <= alpha and o["reject"][1] >= 1 - beta:
                        # keyed by the design's largest sample size (a rule can end every trial early)
                        best[d.n_max] = min(best.get(d.n_max, np.inf), float(o["en"][0]))
    assert {d.n for d in res.best_by_n} == set(best)
    for d in res.best_by_n:
        assert d.en0 == pytest.approx(best[d.n], rel=1e-12)


def test_a_threshold_within_rounding_of_a_probability_is_reported():
    post = EB.posterior_tail(EB.mixture_prior((1, 1)), 20, 0.2)
    rule = monitoring_rule(0.2, nmax=20, looks=[10], theta_t=float(post[7]) + 1e-13, prior=(1, 1))
    assert any("depends on rounding" in note for note in rule.notes)
    assert not monitoring_rule(0.2, nmax=20, looks=[10], theta_t=0.8, prior=(1, 1)).notes

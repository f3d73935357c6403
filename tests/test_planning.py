"""Planning after a pilot: beta-binomial rows, assurance and predictive PET/EN, plan_followup and `plan`.

Independent checks: exact rational arithmetic (fractions) for the beta-binomial probabilities and the
joint predictive of a two-stage design, and numerical integration of the power function (and of PET and
EN) against the Beta posterior with scipy.integrate.quad.
"""

import json
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, special

from phase2design import (proportion_ci, simon_design, single_stage_design, single_stage_oc, two_stage_oc)
from phase2design.numerics import _betabinomial as PK
from conftest import run_main
from phase2design.planning import (NoCandidateRateError, assurance, pilot_posterior, plan_followup,
                                   predictive_oc)

# ---------------------------------------------------------------------------
# Exact references
# ---------------------------------------------------------------------------


def _rising(c, k):
    out = Fraction(1)
    for j in range(k):
        out *= c + j
    return out


def _betabinom_exact(n, a, b):
    """P(X = k) = C(n, k) (a)_k (b)_{n-k} / (a + b)_n, exactly, for rational a and b."""
    a, b = Fraction(a), Fraction(b)
    d = _rising(a + b, n)
    return [math.comb(n, k) * _rising(a, k) * _rising(b, n - k) / d for k in range(n + 1)]


def _assurance_exact(r1, n1, r, n, a, b):
    """sum over x1 > r1, x1 + x2 > r of C(n1,x1) C(n2,x2) B(a+s, b+n-s) / B(a, b), exactly."""
    a, b = Fraction(a), Fraction(b)
    n2 = n - n1
    d = _rising(a + b, n)
    total = Fraction(0)
    for x1 in range(r1 + 1, n1 + 1):
        for x2 in range(max(0, r - x1 + 1), n2 + 1):
            s = x1 + x2
            total += math.comb(n1, x1) * math.comb(n2, x2) * _rising(a, s) * _rising(b, n - s) / d
    return total


def _quad_mean(f, a, b):
    """E[f(p)] for p ~ Beta(a, b) by adaptive quadrature (scipy.integrate.quad).

    The end pieces [0, q_lo] and [q_hi, 1] carry the density's possible endpoint singularities as an
    algebraic weight (QAWS); the middle is split at quantiles of the density.
    """
    from scipy import stats

    dist = stats.beta(a, b)
    lb = special.betaln(a, b)
    qs = [float(q) for q in dist.ppf([1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-4])]
    lo, hi = qs[0], qs[-1]
    opts = dict(epsabs=1e-15, epsrel=1e-13, limit=400)
    left, e1 = integrate.quad(lambda p: f(p) * math.exp((b - 1) * math.log1p(-p) - lb), 0.0, lo,
                              weight="alg", wvar=(a - 1.0, 0.0), **opts)
    right, e2 = integrate.quad(lambda p: f(p) * math.exp((a - 1) * math.log(p) - lb), hi, 1.0,
                               weight="alg", wvar=(0.0, b - 1.0), **opts)
    mid, e3 = integrate.quad(lambda p: f(p) * dist.pdf(p), lo, hi, points=qs[1:-1], **opts)
    assert e1 + e2 + e3 < 1e-10
    return left + mid + right


# ---------------------------------------------------------------------------
# Beta-binomial rows
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("n,a,b", [(1, 0.5, 0.5), (9, 3.5, 6.5), (29, 2.0, 3.5), (60, 0.5, 0.5), (150, 0.5, 9.5),
                                   (120, 7.25, 1.5), (80, 30000.5, 70000.5), (40, 3e8, 7e8)])
def test_betabinom_row_matches_exact_fractions(n, a, b):
    out = np.empty(n + 1)
    PK._betabinom_pmf_row(n, a, b, out)
    exact = _betabinom_exact(n, a, b)
    for k, (got, want) in enumerate(zip(out, exact)):
        if float(want) > 1e-290:
            assert abs(float((Fraction(float(got)) - want) / want)) < 2e-12, (k, got, float(want))
    assert math.fsum(out) == pytest.approx(1.0, abs=1e-13)


def test_betabinom_row_matches_scipy():
    from scipy import stats

    out = np.empty(41)
    PK._betabinom_pmf_row(40, 3.5, 6.5, out)
    np.testing.assert_allclose(out, stats.betabinom.pmf(np.arange(41), 40, 3.5, 6.5), rtol=1e-11)


# ---------------------------------------------------------------------------
# Assurance and predictive PET / EN
# ---------------------------------------------------------------------------

POSTERIORS = [pilot_posterior(3, 9), pilot_posterior(3, 9, prior="uniform", weight=0.5),
              pilot_posterior(0, 9), pilot_posterior(9, 9), pilot_posterior(12, 40, prior=(2.0, 3.0)),
              pilot_posterior(1, 10, weight=0.25)]
TWO_STAGE = [(1, 10, 5, 29), (1, 15, 5, 25), (0, 5, 3, 15), (6, 52, 19, 140), (3, 13, 12, 43), (0, 9, 2, 17)]
SINGLE = [(5, 25), (4, 19), (17, 117), (0, 3)]


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("design", TWO_STAGE, ids=[f"{d[0]}/{d[1]},{d[2]}/{d[3]}" for d in TWO_STAGE])
@pytest.mark.parametrize("ab", POSTERIORS, ids=[f"Beta({a:g},{b:g})" for a, b in POSTERIORS])
def test_two_stage_assurance_pet_en_against_quadrature(design, ab):
    a, b = ab
    r1, n1, r, n = design
    oc = predictive_oc(design, a, b)

    def col(j):
        return lambda p: float(two_stage_oc(r1, n1, r, n, p).__getattribute__(j)[0])

    assert abs(oc.assurance - _quad_mean(col("reject"), a, b)) < 1e-8
    assert abs(oc.pet - _quad_mean(col("pet"), a, b)) < 1e-8
    assert abs(oc.expected_n - _quad_mean(col("en"), a, b)) < 1e-8 * n
    assert abs(oc.continue_fail - _quad_mean(col("continue_fail"), a, b)) < 1e-8
    assert oc.assurance + oc.pet + oc.continue_fail == pytest.approx(1.0, abs=1e-12)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("design", SINGLE, ids=[f"{d[0]}/{d[1]}" for d in SINGLE])
@pytest.mark.parametrize("ab", POSTERIORS, ids=[f"Beta({a:g},{b:g})" for a, b in POSTERIORS])
def test_single_stage_assurance_against_quadrature(design, ab):
    a, b = ab
    r, n = design
    oc = predictive_oc(f"{r}/{n}", a, b)
    want = _quad_mean(lambda p: single_stage_oc(r, n, p).reject[0], a, b)
    assert abs(oc.assurance - want) < 1e-8
    assert oc.pet == 0.0 and oc.expected_n == n
    assert oc.assurance + oc.continue_fail == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("design", [(1, 10, 5, 29), (0, 5, 3, 15), (2, 12, 7, 30)])
@pytest.mark.parametrize("ab", [(3.5, 6.5), (2.5, 4.0), (0.5, 9.5), (Fraction(7, 4), 3.0)])
def test_two_stage_assurance_against_exact_joint_predictive(design, ab):
    a, b = ab
    want = _assurance_exact(*design, a, b)
    got = assurance(design, float(a), float(b))
    assert abs(got - float(want)) <= 1e-13 * float(want)


def test_assurance_tends_to_power_as_the_posterior_concentrates():
    # Beta(0.3 s, 0.7 s) has mean 0.3 and variance 0.21 / s: assurance - power(0.3) = power''(0.3) 0.105 / s + ...
    power2 = two_stage_oc(1, 10, 5, 29, 0.3).reject[0]
    power1 = single_stage_oc(5, 25, 0.3).reject[0]
    gaps2, gaps1 = [], []
    for s in (1e6, 1e8, 1e10):
        gaps2.append(assurance((1, 10, 5, 29), 0.3 * s, 0.7 * s) - power2)
        gaps1.append(assurance((5, 25), 0.3 * s, 0.7 * s) - power1)
    assert abs(gaps2[-1]) < 1e-9 and abs(gaps1[-1]) < 1e-9
    # the gap shrinks like 1/s, as the second-order term says (so the sums stay exact for huge a, b)
    for gaps in (gaps2, gaps1):
        assert gaps[0] / gaps[1] == pytest.approx(100, rel=1e-3)
        assert gaps[1] / gaps[2] == pytest.approx(100, rel=1e-2)
    # a pilot of a billion patients at 30% gives the power at 30%
    post = pilot_posterior(300_000_000, 1_000_000_000)
    assert assurance("1/10,5/29", *post) == pytest.approx(power2, abs=1e-8)


def test_predictive_oc_accepts_design_objects_and_validates():
    res = simon_design(0.1, 0.3, 0.05, 0.2)
    assert predictive_oc(res.optimal, 3.5, 6.5) == predictive_oc("1/10, 5/29", 3.5, 6.5)
    single = single_stage_design(0.1, 0.3, 0.05, 0.2).design
    assert predictive_oc(single, 3.5, 6.5).design == "5/25"
    with pytest.raises(ValueError, match=r"^a must be a number in \[1e-06, 1e\+12\]"):
        predictive_oc("5/25", 0.0, 1.0)
    with pytest.raises(TypeError, match=r"^b must be a number in \[1e-06, 1e\+12\]"):
        predictive_oc("5/25", 1.0, "x")
    with pytest.raises(ValueError, match="design must look like"):
        predictive_oc("5-25", 1.0, 1.0)
    d = predictive_oc("1/10,5/29", 3.5, 6.5).to_dict()
    assert d["assurance"] > 0 and "convention" in d


def test_pilot_posterior():
    assert pilot_posterior(3, 9) == (3.5, 6.5)
    assert pilot_posterior(3, 9, prior="uniform") == (4.0, 7.0)
    assert pilot_posterior(3, 9, prior=(2, 8), weight=0.5) == (3.5, 11.0)
    for bad, msg in [(dict(weight=0.0), "pilot_weight must lie in"), (dict(weight=1.5), "pilot_weight"),
                     (dict(prior=(0, 1)), "prior must be"), (dict(prior="flat"), "prior must be")]:
        with pytest.raises(ValueError, match=msg):
            pilot_posterior(3, 9, **bad)
    with pytest.raises(ValueError, match="pilot x must be <= 9"):
        pilot_posterior(10, 9)


# ---------------------------------------------------------------------------
# plan_followup
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan39():
    return plan_followup("3/9", 0.1, 0.05, 0.2)


def test_default_candidates_for_3_of_9(plan39):
    assert plan39.posterior == (3.5, 6.5)
    assert plan39.p1_values == (0.33, 0.18)
    est, lo80, lo90 = plan39.candidates
    assert est.value == 3 / 9 and est.used
    assert lo80.value == proportion_ci(3, 9, 0.8, alternative="greater").low and lo80.used
    assert lo90.value == proportion_ci(3, 9, 0.9, alternative="greater").low
    assert lo90.p1 == 0.13 and not lo90.used and "below p0 + 0.05" in lo90.note
    assert "Clopper-Pearson" in plan39.candidate_rule and "0.01" in plan39.candidate_rule
    for c in plan39.candidates:
        assert c.posterior_prob_at_least == pytest.approx(special.betaincc(3.5, 6.5, c.p1), rel=1e-15)
    assert plan39.warnings == ()
    assert plan39.posterior_prob_above_p0 == pytest.approx(special.betaincc(3.5, 6.5, 0.1), rel=1e-15)


def test_plan_designs_equal_the_searches(plan39):
    # every registered family proposes; the single-stage and Simon ones come first for each p1
    classic = [d for d in plan39.designs if d.family in ("single", "simon")]
    assert [(d.p1, d.kind) for d in classic] == [
        (0.33, "single-stage"), (0.33, "optimal"), (0.33, "minimax"),
        (0.18, "single-stage"), (0.18, "optimal"), (0.18, "minimax")]
    assert [d.p1 for d in plan39.designs][:len(plan39.designs) // 2] == [0.33] * (len(plan39.designs) // 2)
    for d in classic:
        if d.kind == "single-stage":
            s = single_stage_design(0.1, d.p1, 0.05, 0.2).design
            assert (d.r1, d.n1, d.r, d.n) == (None, None, s.r, s.n)
            assert (d.attained_alpha, d.power, d.en0, d.pet0) == (s.attained_alpha, s.power, float(s.n), 0.0)
            oc = predictive_oc((s.r, s.n), 3.5, 6.5)
        else:
            res = simon_design(0.1, d.p1, 0.05, 0.2)
            t = res.optimal if d.kind == "optimal" else res.minimax
            assert (d.r1, d.n1, d.r, d.n) == (t.r1, t.n1, t.r, t.n)
            assert (d.attained_alpha, d.power, d.en0, d.pet0) == (t.attained_alpha, t.power, t.en0, t.pet0)
            oc = predictive_oc((t.r1, t.n1, t.r, t.n), 3.5, 6.5)
        assert (d.assurance, d.expected_n, d.pet) == (oc.assurance, oc.expected_n, oc.pet)
    frame = plan39.to_frame()
    assert list(frame["kind"])[:3] == ["single-stage", "optimal", "minimax"]
    assert str(frame["r1"].dtype) == "Int64"


def test_implausible_p1_warns_and_level_is_configurable():
    plan = plan_followup("3/9", 0.1, 0.05, 0.2, p1=[0.3, 0.5])
    assert plan.candidate_rule == "given by the caller"
    c30, c50 = plan.candidates
    assert c30.plausible and not c50.plausible
    assert c50.posterior_prob_at_least == pytest.approx(0.1590, abs=5e-5)  # as in `evaluate 3/9`
    assert len(plan.warnings) == 1 and "p1 = 0.5 is implausible" in plan.warnings[0]
    assert plan_followup("3/9", 0.1, 0.05, 0.2, p1=0.5, plausibility=0.1).warnings == ()


def test_pilot_weight_discounts_the_pilot():
    full = plan_followup("3/9", 0.1, 0.05, 0.2, p1=0.3)
    half = plan_followup("3/9", 0.1, 0.05, 0.2, p1=0.3, pilot_weight=0.5)
    assert half.posterior == (2.0, 3.5)
    for d in half.designs:
        # the label is the design in full for every family (single, Simon and multi-stage alike)
        assert d.assurance == predictive_oc(d.label(), 2.0, 3.5).assurance
    # the same designs; their assurance moves with the posterior
    assert [d.label() for d in half.designs] == [d.label() for d in full.designs]
    assert all(h.assurance != f.assurance for h, f in zip(half.designs, full.designs))
    assert "weight 0.5 (power prior)" in half.posterior_text()


def test_no_default_candidate_says_what_to_change():
    with pytest.raises(NoCandidateRateError, match="give p1 explicitly"):
        plan_followup("1/9", 0.1, 0.05, 0.2)


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(p1=0.05), ValueError, "p1 must be larger than p0"),
    (dict(p1=[0.3, 0.3]), ValueError, "p1 lists 0.3 twice"),
    (dict(p1=[]), ValueError, "p1 must hold at least one rate"),
    (dict(plausibility=1.0), ValueError, "plausibility"),
    (dict(levels=(0.8, 1.2)), ValueError, "levels"),
    (dict(min_difference=-0.1), ValueError, "min_difference"),
    (dict(pilot_weight=0), ValueError, "pilot_weight"),
])
def test_plan_followup_validates(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        plan_followup("3/9", 0.1, 0.05, 0.2, **kwargs)


def test_plan_followup_validates_the_pilot():
    with pytest.raises(ValueError, match="pilot must look like x/n"):
        plan_followup("3 of 9", 0.1, 0.05, 0.2)
    with pytest.raises(TypeError, match="pilot must be"):
        plan_followup(3, 0.1, 0.05, 0.2)
    with pytest.raises(ValueError, match="alpha \\+ beta"):
        plan_followup("3/9", 0.1, 0.5, 0.5)


# ---------------------------------------------------------------------------
# The plan command
# ---------------------------------------------------------------------------

PLAN = ["plan", "--pilot", "3/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2"]


run = run_main


def test_plan_command_table(capsys):
    code, out, err = run(PLAN, capsys)
    assert code == 0 and err == ""
    assert "Posterior: Beta(3.5, 6.5) = Jeffreys Beta(0.5, 0.5) prior + pilot 3/9" in out
    assert "one-sided 80% and 90% exact Clopper-Pearson intervals" in out
    assert "no: below p0 + 0.05 = 0.15" in out
    assert re.search(r"0\.33\s+optimal\s+1/9\s+4/22\s+11\.93\s+0\.775\s+0\.0464\s+0\.8057\s+0\.7176", out)
    assert "beta-binomial sums, no simulation" in out


def test_plan_command_json_equals_to_dict(capsys, plan39):
    code, out, err = run(PLAN + ["--format", "json"], capsys)
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(plan39.to_dict()))


def test_plan_command_warns_on_stderr_for_machine_formats(capsys):
    code, out, err = run(PLAN + ["--p1", "0.3,0.5", "--format", "csv"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("p1,kind,r1,n1,r,n,en0,pet0,attained_alpha,power,assurance")
    assert "Warning: p1 = 0.5 is implausible" in err
    code, out, err = run(PLAN + ["--p1", "0.5"], capsys)
    assert "Warning: p1 = 0.5 is implausible given the pilot: P(p >= 0.5 | pilot) = 0.159 < 0.2" in out


def test_plan_command_options(capsys):
    code, out, _ = run(PLAN + ["--pilot-weight", "0.5", "--prior", "uniform", "--p1", "0.3"], capsys)
    assert code == 0 and "Beta(2.5, 4) = uniform Beta(1, 1) prior + pilot 3/9 at weight 0.5 (power prior)" in out


@pytest.mark.parametrize("extra,msg", [
    (["--pilot", "10/9"], "pilot x must be <= 9"),
    (["--pilot", "three/9"], "--pilot must look like x/n"),
    (["--pilot-weight", "0"], "pilot_weight must lie in (0, 1]"),
    (["--pilot-weight", "1.5"], "pilot_weight"),
    (["--p1", "0.05"], "p1 must be larger than p0"),
    (["--p1", "0.3,abc"], "p1 must be a number"),
    (["--prior", "0,1"], "prior"),
    (["--plausibility", "1"], "plausibility"),
    (["--levels", "0.8,2"], "levels"),
])
def test_plan_command_bad_input_exits_2(capsys, extra, msg):
    code, out, err = run(PLAN + extra, capsys)
    assert code == 2 and out == ""
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("Error:") and msg in lines[0], err


def test_plan_command_without_candidate_exits_1(capsys):
    code, out, err = run(["plan", "--pilot", "1/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2"], capsys)
    assert code == 1 and out == ""
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and "--p1" in lines[0] and "lower p0" in lines[0]

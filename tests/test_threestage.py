"""Three-stage designs: the exact search against the brute-force oracle, properties, and the search bound.

The oracle (tests/threestage_oracle.py) enumerates every three-stage and two-stage design with N <= 25 and
every cut-off in exact integer arithmetic; the search (phase2design.families.threestage) is compared on the
optimal, minimax and admissible designs and their exact values.
"""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phase2design.engine.exact import exact_oc
from phase2design.engine.oc import NoFeasibleDesignError
from phase2design.families.simon import simon_design
from phase2design.families.threestage import three_stage_design

import threestage_oracle as T

NMAX = 25

# (p0, p1, alpha, beta): effects large enough for designs with N <= 25; 0.5 and 0.25 give exact ties
CASES = [
    (0.05, 0.25, 0.1, 0.2), (0.1, 0.3, 0.1, 0.2), (0.1, 0.4, 0.05, 0.2), (0.2, 0.5, 0.1, 0.2),
    (0.3, 0.6, 0.1, 0.2), (0.4, 0.7, 0.1, 0.2), (0.5, 0.8, 0.1, 0.1), (0.6, 0.9, 0.1, 0.2),
    (0.2, 0.6, 0.05, 0.1), (0.1, 0.5, 0.05, 0.1), (0.5, 0.75, 0.125, 0.25), (0.7, 0.95, 0.05, 0.2),
]


def _label(d):
    return d.label()


@pytest.mark.slow
@pytest.mark.parametrize("p0, p1, alpha, beta", CASES)
def test_search_equals_brute_force_oracle(p0, p1, alpha, beta):
    found = T.designs(p0, p1, alpha, beta, NMAX)
    if not found:
        with pytest.raises(NoFeasibleDesignError):
            three_stage_design(p0, p1, alpha, beta, nmax=NMAX)
        return
    res = three_stage_design(p0, p1, alpha, beta, nmax=NMAX)
    pareto = T.best_by_n(found)
    want_min = pareto[0]
    want_opt = min(pareto, key=lambda d: (d["en0"], d["N"]))
    assert res.minimax.label() == want_min["label"]
    assert res.optimal.label() == want_opt["label"]
    for got, want in ((res.minimax, want_min), (res.optimal, want_opt)):
        ex0 = exact_oc(got.design, Fraction(str(p0)))
        assert ex0["en"] == want["en0"]
        assert ex0["reject"] == want["alpha"]
        assert exact_oc(got.design, Fraction(str(p1)))["reject"] == want["power"]
        assert got.en0 == pytest.approx(float(want["en0"]), rel=1e-12)
        assert got.attained_alpha == pytest.approx(float(want["alpha"]), rel=1e-12)
        assert got.power == pytest.approx(float(want["power"]), rel=1e-12)
    assert [d.label() for d in res.best_by_n] == [d["label"] for d in pareto]
    hull = T.hull([d for d in pareto if d["N"] <= want_opt["N"]])
    assert [d.label() for d in res.admissible] == [d["label"] for d in hull]


def test_three_stage_never_worse_than_simon_and_reported_exactly():
    res = three_stage_design(0.1, 0.3, 0.05, 0.2)
    simon = simon_design(0.1, 0.3, 0.05, 0.2)
    assert res.optimal.en0 <= simon.optimal.en0
    assert res.minimax.n <= simon.minimax.n
    d = res.optimal
    assert d.attained_alpha <= 0.05 and d.power >= 0.8
    assert res.optimal.design.stages == 3
    assert res.optimal.kind in ("optimal", "minimax+optimal")
    assert "bound" in res.stop_reason


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p0=st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6]),
       gap=st.sampled_from([0.2, 0.25, 0.3]),
       ab=st.sampled_from([(0.1, 0.1), (0.05, 0.2), (0.05, 0.1), (0.1, 0.2)]))
def test_property_three_stage_optimum_at_most_two_stage(p0, gap, ab):
    p1 = round(p0 + gap, 10)
    if p1 >= 0.99:
        return
    alpha, beta = ab
    three = three_stage_design(p0, p1, alpha, beta)
    two = simon_design(p0, p1, alpha, beta)
    assert three.optimal.en0 <= two.optimal.en0 * (1 + 1e-12)
    assert three.minimax.n <= two.minimax.n
    # the reported designs meet the constraints exactly
    for d in (three.optimal, three.minimax):
        assert exact_oc(d.design, Fraction(str(p0)))["reject"] <= Fraction(str(alpha))
        assert exact_oc(d.design, Fraction(str(p1)))["reject"] >= 1 - Fraction(str(beta))


def test_ensign_designs_stop_after_stage_one_only_on_zero_responses():
    res = three_stage_design(0.1, 0.3, 0.05, 0.2, ensign=True)
    for d in (res.optimal, res.minimax) + res.admissible:
        assert d.design.futility[0] == 0 and d.design.n[0] >= 5
    assert res.family == "ensign"
    assert any("Ensign" in n for n in res.notes)
    general = three_stage_design(0.1, 0.3, 0.05, 0.2)
    assert general.optimal.en0 <= res.optimal.en0


def test_nmax_too_small_says_what_to_change():
    with pytest.raises(NoFeasibleDesignError, match="nmax"):
        three_stage_design(0.1, 0.3, 0.05, 0.2, nmax=10)


@pytest.mark.slow
@pytest.mark.parametrize("p0, p1, alpha, beta", [(0.05, 0.25, 0.1, 0.2), (0.1, 0.4, 0.05, 0.2), (0.2, 0.5, 0.1, 0.2)])
def test_ensign_search_equals_the_oracle_restricted_to_r1_zero(p0, p1, alpha, beta):
    """Ensign et al. (1994): every design of the oracle with r1 = 0 and N1 >= 5, two- and three-stage."""
    found = [d for d in T.designs(p0, p1, alpha, beta, NMAX) if d["key"][3] == 0 and d["key"][1] >= 5]
    pareto = T.best_by_n(found)
    res = three_stage_design(p0, p1, alpha, beta, nmax=NMAX, ensign=True)
    assert [d.label() for d in res.best_by_n] == [d["label"] for d in pareto]
    assert res.optimal.label() == min(pareto, key=lambda d: (d["en0"], d["N"]))["label"]
    assert res.minimax.label() == pareto[0]["label"]

"""Exact ties in the Simon search: hull-edge (degenerate q) designs, EN0 ties, re-decisions in Fractions.

"Round" rates such as p0 = 1/2 make exact ties between distinct designs possible: equal EN0 at equal or
different n, three designs on one line of the (n, EN0) plane, an attained alpha equal to alpha.  The
search must decide every such comparison as exact arithmetic would; tests/oracle.py (Fractions and
math.comb, nothing from phase2design) is the reference.
"""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle as O
from phase2design import NoFeasibleDesignError, simon_design
from phase2design.families.simon import _admissible_exact, _Exact

HALF = Fraction(1, 2)
P1_065 = Fraction(13, 20)
TENTH = Fraction(1, 10)
# three designs on one line: EN0 = n1 + (1 - 1/2)(n - n1) = (n + n1) / 2 since each stops with probability 1/2
LINE = [((18, 37, 42, 74), Fraction(111, 2)), ((16, 33, 43, 76), Fraction(109, 2)),
        ((14, 29, 44, 78), Fraction(107, 2))]


def key(d):
    return (d.r1, d.n1, d.r, d.n)


@pytest.fixture(scope="module")
def res_065():
    return simon_design(0.5, 0.65, 0.10, 0.10)


def test_three_collinear_designs_are_all_admissible(res_065):
    adm = {key(d): d for d in res_065.admissible}
    for k, en0 in LINE:
        oc0 = O.two_stage_oc(*k, HALF)
        assert oc0["en"] == en0
        assert oc0["reject"] <= TENTH and O.two_stage_oc(*k, P1_065)["reject"] >= 1 - TENTH
        assert k in adm, f"{k} missing from {list(adm)}"
        assert adm[k].en0 == pytest.approx(float(en0), rel=1e-13)
    # the slopes between consecutive points are equal: -1/2 per patient, so the switch is at q = 1/3
    (_, e0), (_, e1), (_, e2) = LINE
    assert (e0 - e1) / 2 == (e1 - e2) / 2 == Fraction(1, 2)
    mid = adm[LINE[1][0]]
    assert mid.kind == "admissible"
    assert mid.q_low == mid.q_high == float(Fraction(1, 3))
    assert mid.q_single is True and mid.to_dict()["q_single"] is True
    assert mid.q_range_text() == "0.333 only"
    left, right = adm[LINE[0][0]], adm[LINE[2][0]]
    assert left.q_low == right.q_high == float(Fraction(1, 3))
    assert left.q_single is False and left.q_range_text().startswith("[0.333, ")
    assert [key(d) for d in res_065.admissible] == [(19, 40, 41, 72), *(k for k, _ in LINE), (18, 35, 47, 84)]
    assert [d.kind for d in res_065.admissible] == ["minimax", "admissible", "admissible", "admissible",
                                                   "optimal"]
    assert 76 in res_065.near_ties and "exact rational arithmetic" in res_065.tie_note()


def test_q_single_is_none_without_a_q_range(res_065):
    d = res_065.best_by_n[1]  # n = 73, not admissible
    assert d.q_low is None and d.q_single is None and d.q_range_text() == ""
    assert d.to_dict()["q_single"] is None


@pytest.mark.slow
def test_hull_matches_oracle_enumeration(res_065):
    """Every design with 72 <= n <= 84 (minimax n to optimal n) enumerated exactly: same per-n best, same hull."""
    assert res_065.minimax.n == 72 and res_065.optimal.n == 84
    ds = O.enumerate_designs(HALF, P1_065, TENTH, TENTH, 84, nmin=72)
    per_n = O.best_by_n(ds)
    assert [key(d) for d in res_065.best_by_n if d.n <= 84] == [d.key for d in per_n.values()]
    want = O.admissible(ds)
    assert [key(d) for d in res_065.admissible] == [d.key for d, _, _ in want]
    for d, (_, lo, hi) in zip(res_065.admissible, want):
        assert (d.q_low, d.q_high) == (float(lo), float(hi))
    assert [lo == hi for _, lo, hi in want] == [False, False, True, False, False]


def test_exact_hull_on_the_engines_points_equals_the_oracles(res_065):
    """_admissible_exact on the per-n designs equals oracle.admissible on the same points, in Fractions."""
    pts = [d for d in res_065.best_by_n if d.n <= res_065.optimal.n]
    ex = _Exact(0.5, 0.65, 0.1, 0.1)
    got = _admissible_exact(pts, lambda d: ex.en0(d.r1, d.n1, d.n))
    designs = []
    for d in pts:
        oc0, oc1 = O.two_stage_oc(*key(d), HALF), O.two_stage_oc(*key(d), P1_065)
        designs.append(O.Design(d.r1, d.n1, d.r, d.n, oc0["reject"], oc1["reject"], oc0["en"], oc0["pet"],
                                oc1["en"], oc1["pet"]))
    want = O.admissible(designs)
    assert [(key(d), lo, hi) for d, lo, hi in got] == [(d.key, lo, hi) for d, lo, hi in want]


def test_equal_en0_at_different_n_goes_to_the_smaller_n():
    # 4/9, 12/20 and 3/7, 13/22 both have EN0 = 29/2 at p0 = 1/2; the optimal design is the one with the
    # smaller n, which is also the minimax design, so it is the only admissible design (double precision
    # had put the n = 22 design 1e-15 lower and reported both, with a q range of width 3.6e-15)
    res = simon_design(0.5, 0.75, 0.125, 0.125)
    for k in [(4, 9, 12, 20), (3, 7, 13, 22)]:
        assert O.two_stage_oc(*k, HALF)["en"] == Fraction(29, 2)
    assert key(res.optimal) == key(res.minimax) == (4, 9, 12, 20)
    assert res.optimal.kind == "minimax+optimal"
    assert [key(d) for d in res.admissible] == [(4, 9, 12, 20)]
    assert (res.admissible[0].q_low, res.admissible[0].q_high) == (0.0, 1.0)
    assert 20 in res.near_ties and 22 in res.near_ties


def test_attained_alpha_equal_to_alpha_is_feasible():
    # p0 = 1/2, alpha = 1/16: exact ties of the attained alpha with alpha; every reported design meets
    # alpha and power in exact arithmetic, and the search agrees with the enumeration up to n = 16
    res = simon_design(0.5, 0.95, 0.0625, 0.2, nmax=16)
    ds = O.enumerate_designs(HALF, Fraction(19, 20), Fraction(1, 16), Fraction(1, 5), 16)
    per_n = O.best_by_n(ds)
    assert [key(d) for d in res.best_by_n] == [d.key for n, d in per_n.items() if n <= res.n_searched]
    assert any(d.attained_alpha == Fraction(1, 16) for d in per_n.values())
    assert res.near_ties


# ---------------------------------------------------------------------------
# Property: the reported admissible set is the oracle's exact hull, over small "round" problems
# ---------------------------------------------------------------------------

NMAX = 18
_RATES = [(Fraction(1, 2), Fraction(3, 4)), (Fraction(1, 2), Fraction(13, 16)), (Fraction(1, 4), Fraction(5, 8)),
          (Fraction(1, 4), Fraction(9, 16)), (Fraction(3, 4), Fraction(15, 16)), (Fraction(1, 2), Fraction(7, 8))]
_ERRORS = [Fraction(1, 16), Fraction(1, 8), Fraction(3, 16), Fraction(1, 10), Fraction(1, 5), Fraction(1, 4)]
_ORACLE = {}


def _oracle(case):
    if case not in _ORACLE:
        _ORACLE[case] = O.enumerate_designs(*case, NMAX)
    return _ORACLE[case]


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_RATES), st.sampled_from(_ERRORS), st.sampled_from(_ERRORS))
def test_admissible_set_equals_oracle_hull(rates, alpha, beta):
    case = (*rates, alpha, beta)
    ds = _oracle(case)
    try:
        res = simon_design(*(float(v) for v in case), nmax=NMAX)
    except NoFeasibleDesignError:
        assert ds == []
        return
    per_n = O.best_by_n(ds)
    # the engine stops at its EN0 bound; the oracle's hull only needs n up to the optimal design's
    assert [key(d) for d in res.best_by_n] == [d.key for n, d in per_n.items() if n <= res.n_searched]
    assert key(res.optimal) == O.optimal(ds).key
    assert key(res.minimax) == O.minimax(ds).key
    want = O.admissible(ds)
    assert [key(d) for d in res.admissible] == [d.key for d, _, _ in want]
    for d, (_, lo, hi) in zip(res.admissible, want):
        assert d.q_low == pytest.approx(float(lo), rel=1e-12, abs=1e-15)
        assert d.q_high == pytest.approx(float(hi), rel=1e-12, abs=1e-15)
        assert (d.q_low == d.q_high) == (lo == hi)


# ---------------------------------------------------------------------------
# The exact re-decisions one by one, against the oracle
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", [(HALF, Fraction(13, 16), Fraction(3, 16), Fraction(1, 4)),
                                  (HALF, Fraction(19, 20), Fraction(1, 16), Fraction(1, 5)),
                                  (Fraction(1, 10), Fraction(3, 10), Fraction(1, 20), Fraction(1, 5))],
                         ids=["1/2-13/16", "1/2-0.95", "0.1-0.3"])
def test_settle_at_n_is_the_exact_best_at_every_n(case):
    """_settle_at_n (the exact re-decision of one n) gives the oracle's best design at every n <= 18."""
    from phase2design.families.simon import _settle_at_n, _Tables

    fl = tuple(float(v) for v in case)
    tab = _Tables(fl[0], fl[1], fl[3], 20, _Exact(*fl))
    per_n = O.best_by_n(O.enumerate_designs(*case, 18))
    for n in range(2, 19):
        found, r1, n1, r, _ = _settle_at_n(n, fl[2], fl[3], tab)
        want = per_n.get(n)
        assert found == (want is not None), n
        if found:
            assert (r1, n1, r, n) == want.key, n


def test_r1max_is_exact_at_a_tie_with_beta():
    # p1 = 1/2, beta = 1/16: P1(X1 <= 0; 4) = 1/16 exactly, so r1max(4) = 0 (double precision summed to -1)
    from phase2design.families.simon import _Tables

    tab = _Tables(0.25, 0.5, 0.0625, 40, _Exact(0.25, 0.5, 0.05, 0.0625))
    want = [max((k for k in range(m + 1) if O.binom_cdf(k, m, HALF) <= Fraction(1, 16)), default=-1)
            for m in range(1, 41)]
    assert list(tab.r1max[1:]) == want and tab.r1max[4] == 0


def test_stopping_bound_is_decided_exactly():
    """L(n) > EN0* is False when EN0* equals L(n) exactly, True when EN0* is just below it."""
    from phase2design.families.simon import _bound_exceeds_exactly, _Tables

    tab = _Tables(0.5, 0.65, 0.1, 120, _Exact(0.5, 0.65, 0.1, 0.1))
    n = 97
    terms = []
    for n1 in range(1, 60):
        r1 = min(int(tab.r1max[n1]), n1 - 1)
        if r1 >= 0:
            terms.append(n1 + (1 - O.binom_cdf(r1, n1, HALF)) * (n - n1))
    low = min(terms)
    assert _bound_exceeds_exactly(n, float(low), low, tab) is False
    assert _bound_exceeds_exactly(n, float(low), low - Fraction(1, 10 ** 30), tab) is True


def test_degenerate_q_range_is_shown_as_such_in_table_and_report(capsys):
    """The middle design of the collinear three is printed as admissible at 'q only', with a note."""
    from conftest import run_main

    code, out, _ = run_main(["simon", "--p0", "0.5", "--p1", "0.65", "--alpha", "0.10", "--beta", "0.10"], capsys)
    assert code == 0
    line = next(ln for ln in out.splitlines() if "16/33" in ln)
    assert line.startswith("admissible") and line.rstrip().endswith("0.333 only")
    assert "'q only'" in out

"""Two-stage designs with a stage-1 efficacy stop (Mander & Thompson 2010): published designs, a brute-force
oracle in exact arithmetic, properties against Simon's designs, and the family plug-in."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import efficacy_oracle as EO
import multistage_oracle as MO
from phase2design import Design, NoFeasibleDesignError, efficacy_design, simon_design
from phase2design.engine.exact import exact_oc
from phase2design.families.base import family_names, get_family
from phase2design.results import MultiStageDesign, MultiStageResult

# Published values, copied from /work/shared/reference/multistage_published.csv.  Source of the first rows:
# openpharma/mtdesign tests/testthat/test-obtainDesign.R, 'Mander & Thompson Section 4' (3rd expected block),
# p0=0.2 p1=0.4 alpha=0.1 beta=0.1 mander=TRUE.  mtdesign stops for futility if X1 <= rFutility, for
# efficacy if X1 > rSuccess and rejects at the end if X > rTotal: r1 = rFutility, e1 = rSuccess, r = rTotal.
#   criterion, n, n1, rTotal, rFutility, rSuccess, Type1, Type2, PETNull, PETAlt, EN0, EN1
MT_SECTION4 = [
    ("optimal", 41, 16, 11, 3, 6, 0.0959982365130688, 0.0984812292666625, 0.62479165702144, 0.537972628160512,
     25.380208574464, 27.5506842959872),
    # mtdesign reports the identical design as minimaxAlt too
    ("minimax", 35, 27, 10, 5, 8, 0.0994811689904694, 0.0970384917936091, 0.612310129358628, 0.83154847959435,
     30.101518965131, 28.3476121632452),
    ("optimal-h1", 38, 15, 11, 1, 5, 0.0998619264781272, 0.0951223618482245, 0.228177197039616, 0.601956484415488,
     32.7519244680888, 24.1550008584438),
]
# openpharma/mtdesign README.md (manderDesign table), output rounded as printed; p0=0.05 p1=0.25 alpha=0.05
# beta=0.2.  optimalNull and optimalAlt are the same row, as are minimaxNull and minimaxAlt.
#   kinds, n, n1, rTotal, rFutility, rSuccess, Type1, Type2, PETNull, PETAlt, EN0 (EN1 printed as NA)
MT_README = [
    (("optimal", "optimal-h1"), 17, 9, 2, 0, 2, "0.047", "0.19", "0.64", "0.47", "11.9"),
    (("minimax", "minimax-h1"), 16, 12, 2, 0, 2, "0.043", "0.20", "0.56", "0.64", "13.8"),
]
# Simon comparators printed by the same mtdesign tests (mander=FALSE), Simon convention r1/n1, r/n.
#   p0, p1, alpha, beta, kind, r1, n1, r, n, Type1, Type2, PET0, PET1, EN0, EN1
SIMON_COMPARATORS = [
    # 'Section 4' (2nd block)
    (0.2, 0.4, 0.1, 0.1, "optimal", 3, 17, 10, 37, 0.0947843743314956, 0.0967257134075589, 0.548876204585779,
     0.0464229308104704, 26.0224759082844, 36.0715413837906),
    (0.2, 0.4, 0.1, 0.1, "minimax", 3, 19, 10, 36, 0.0860944606833201, 0.0976469860520819, 0.455088742345789,
     0.0229593208708399, 28.2634913801216, 35.6096915451957),
    # 'Mander & Thompson Section 3.2' (1st block); its PET and EN values are printed to 10 digits
    (0.1, 0.3, 0.05, 0.15, "optimal", 1, 11, 6, 35, 0.0422347997307906, 0.148976337280657, 0.6973568802,
     0.1129900996, 18.2634348752, 32.2882376096),
    (0.1, 0.3, 0.05, 0.15, "minimax", 2, 18, 5, 27, 0.0444178417084868, 0.149452890006293, 0.733795994785329,
     0.0599522067475602, 20.395836046932, 26.460430139272),
]


def label(n, n1, r, r1, e1):
    return Design((n1, n), (r1, r), (None if e1 >= n1 else e1, None)).label()


@pytest.fixture(scope="module")
def mt4():
    return efficacy_design(0.2, 0.4, 0.1, 0.1)


def by_kind(res):
    return {d.kind: d for d in res.designs()}


@pytest.mark.parametrize("row", MT_SECTION4, ids=[r[0] for r in MT_SECTION4])
def test_mander_thompson_section4_designs_and_oc(mt4, row):
    kind, n, n1, r, r1, e1, t1, t2, pet0, pet1, en0, en1 = row
    d = by_kind(mt4)[kind]
    assert d.label() == label(n, n1, r, r1, e1)
    for got, want in ((d.attained_alpha, t1), (1 - d.power, t2), (d.pet0, pet0), (d.pet1, pet1), (d.en0, en0),
                      (d.en1, en1)):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-13)
    # and exactly: the float OC are the rational ones rounded
    ex0, ex1 = exact_oc(d.design, "0.2"), exact_oc(d.design, "0.4")
    assert d.attained_alpha == pytest.approx(float(ex0["reject"]), rel=1e-13)
    assert d.en1 == pytest.approx(float(ex1["en"]), rel=1e-13)
    assert ex0["reject"] <= Fraction(1, 10) and ex1["reject"] >= Fraction(9, 10)


def test_section4_minimax_under_h1_is_the_minimax_design(mt4):
    k = by_kind(mt4)
    assert k["minimax-h1"].design == k["minimax"].design == Design.parse("5:8/27,10/35")
    assert [d.kind for d in mt4.designs()] == ["optimal", "minimax", "optimal-h1", "minimax-h1"]
    assert isinstance(mt4, MultiStageResult) and all(isinstance(d, MultiStageDesign) for d in mt4.designs())
    assert all(d.family == "efficacy" and d.alpha == 0.1 and d.beta == 0.1 for d in mt4.designs())
    assert mt4.stop_reason.startswith("bound:") and mt4.near_ties == ()


def test_section4_beats_the_simon_comparators(mt4):
    simon = simon_design(0.2, 0.4, 0.1, 0.1)
    assert mt4.optimal.en0 < simon.optimal.en0
    assert mt4.others[0].en1 < min(d.en1 for d in simon.best_by_n)


@pytest.mark.parametrize("row", MT_README, ids=["optimal", "minimax"])
def test_mtdesign_readme_designs_rounded(row):
    kinds, n, n1, r, r1, e1, t1, t2, pet0, pet1, en0 = row
    res = efficacy_design(0.05, 0.25, 0.05, 0.2)
    k = by_kind(res)
    for kind in kinds:
        d = k[kind]
        assert d.label() == label(n, n1, r, r1, e1)
        for got, want in ((d.attained_alpha, t1), (1 - d.power, t2), (d.pet0, pet0), (d.pet1, pet1), (d.en0, en0)):
            digits = len(want.split(".")[1])
            assert abs(got - float(want)) <= 0.5 * 10 ** -digits


@pytest.mark.parametrize("row", SIMON_COMPARATORS, ids=lambda r: f"{r[0]}-{r[1]}-{r[4]}")
def test_simon_comparators(row):
    p0, p1, alpha, beta, kind, r1, n1, r, n, t1, t2, pet0, pet1, en0, en1 = row
    res = simon_design(p0, p1, alpha, beta)
    d = res.optimal if kind == "optimal" else res.minimax
    assert (d.r1, d.n1, d.r, d.n) == (r1, n1, r, n)
    for got, want in ((d.attained_alpha, t1), (1 - d.power, t2), (d.pet0, pet0), (d.pet1, pet1), (d.en0, en0),
                      (d.en1, en1)):
        assert got == pytest.approx(want, rel=1e-9)
    eff = efficacy_design(p0, p1, alpha, beta)
    # the family contains Simon's designs, so it is never worse
    assert eff.optimal.en0 <= d.en0 or kind == "minimax"
    assert eff.minimax.n <= res.minimax.n


# ---------------------------------------------------------------------------
# Brute-force oracle (tests/efficacy_oracle.py: every design, integers and Fractions)
# ---------------------------------------------------------------------------

ORACLE_SETS = [
    (0.2, 0.5, 0.1, 0.1, 25),
    (0.1, 0.4, 0.1, 0.2, 20),
    (0.05, 0.3, 0.05, 0.2, 20),
    (0.3, 0.6, 0.05, 0.2, 20),
    (0.5, 0.8, 0.1, 0.1, 20),
    (0.25, 0.5, 0.1, 0.2, 20),
    (0.2, 0.6, 0.05, 0.1, 18),
    (0.4, 0.7, 0.1, 0.15, 20),
    (0.1, 0.5, 0.05, 0.05, 18),
    (0.6, 0.9, 0.1, 0.1, 20),
    # round rates: exact ties between designs and attained alpha equal to alpha are possible
    (0.5, 0.9, 0.03125, 0.0625, 20),
    (0.25, 0.75, 0.125, 0.25, 12),
    (0.5, 0.75, 0.125, 0.25, 20),
]


def _check_against_oracle(p0, p1, alpha, beta, nmax):
    found = EO.enumerate_feasible(p0, p1, alpha, beta, nmax)
    if not found:
        with pytest.raises(NoFeasibleDesignError):
            efficacy_design(p0, p1, alpha, beta, nmax=nmax)
        return
    res = efficacy_design(p0, p1, alpha, beta, nmax=nmax)
    k = by_kind(res)
    want = {"optimal": EO.optimal(found, 0), "minimax": EO.minimax(found, 0),
            "optimal-h1": EO.optimal(found, 1), "minimax-h1": EO.minimax(found, 1)}
    for kind, f in want.items():
        d = k[kind]
        assert d.label() == f.label, (kind, d.label(), f.label)
        assert d.en0 == pytest.approx(float(f.en0), rel=1e-12) and d.en1 == pytest.approx(float(f.en1), rel=1e-12)
        assert d.attained_alpha == pytest.approx(float(f.alpha), rel=1e-12, abs=1e-15)
        assert d.power == pytest.approx(float(f.power), rel=1e-12)
    # the minimum-EN0 design at each n, where it improves on every smaller n
    per_n = EO.best_by_n(found, 0)
    improving, lo = [], None
    for f in per_n.values():
        if lo is None or f.en0 < lo:
            improving.append(f.label)
            lo = f.en0
    assert [d.label() for d in res.best_by_n] == improving
    # admissible designs: the lower hull of (n, EN0) from the minimax to the optimal n, points on an edge kept
    opt = want["optimal"]
    pts = [f for n, f in per_n.items() if n <= opt.n]
    hull = []
    for f in pts:
        while len(hull) >= 2 and ((hull[-1].n - hull[-2].n) * (f.en0 - hull[-2].en0)
                                  - (hull[-1].en0 - hull[-2].en0) * (f.n - hull[-2].n)) < 0:
            hull.pop()
        hull.append(f)
    assert [d.label() for d in res.admissible] == [f.label for f in hull]
    return res


def test_oracle_small():
    _check_against_oracle(0.2, 0.5, 0.1, 0.1, 14)


@pytest.mark.slow
@pytest.mark.parametrize("case", ORACLE_SETS, ids=lambda c: "-".join(map(str, c)))
def test_search_equals_brute_force_enumeration(case):
    _check_against_oracle(*case)


def test_exact_re_decision_on_round_rates():
    # p0 = 1/2, alpha = 1/32: at n = 18 a comparison lies within rounding of a tie and is decided exactly
    res = _check_against_oracle(0.5, 0.9, 0.03125, 0.0625, 18)
    assert 18 in res.near_ties and "exact rational arithmetic" in res.tie_note()


def test_continuation_limits_of_the_bound_hold_for_every_feasible_design():
    """docs/methods.md: EN_p >= n1 + c_p(n1) (n - n1) for every feasible design (c from the search's tables)."""
    from phase2design.families import efficacy as E

    for p0, p1, alpha, beta, nmax in [(0.2, 0.5, 0.1, 0.1, 16), (0.5, 0.9, 0.03125, 0.0625, 14),
                                      (0.1, 0.4, 0.1, 0.2, 14)]:
        tab = E._EffTables(p0, p1, alpha, beta, nmax, E._Exact(p0, p1, alpha, beta))
        found = EO.enumerate_feasible(p0, p1, alpha, beta, nmax)
        assert found
        for f in found:
            assert f.r1 <= tab.t.r1max[f.n1] and f.e1 >= tab.e1lo[f.n1]
            for c, en in ((tab.c0, f.en0), (tab.c1, f.en1)):
                assert 0 < c[f.n1] and f.n1 + Fraction(c[f.n1]) * (f.n - f.n1) <= en


def test_reported_designs_never_continue_when_already_promising(mt4):
    """e1 <= r (an efficacy stop at most at r), or no efficacy stop and r >= n1 (docs/methods.md, fact 6)."""
    for res in (mt4, efficacy_design(0.1, 0.3, 0.05, 0.2), efficacy_design(0.5, 0.8, 0.1, 0.1)):
        for d in res.designs() + res.admissible + res.best_by_n:
            e1, n1, r = d.design.efficacy[0], d.design.n[0], d.design.r
            assert (e1 is not None and e1 <= r) or (e1 is None and r >= n1), d.label()


def test_oc_command_reads_efficacy_designs(capsys):
    from conftest import run_main

    code, out, err = run_main(["oc", "--design", "3:6/16,11/41", "--p", "0.2,0.4"], capsys)
    assert code == 0 and err == ""
    assert "stop and declare the drug promising (reject H0) if more than 6 have responded" in out
    assert "0.2000        0.0960  25.38" in out and "0.4000        0.9015  27.55" in out


def test_designs_with_oracle_path_walk_agree():
    """The OC of the published optimal design from the path-walking oracle of any multi-stage design."""
    d = Design.parse("3:6/16,11/41")
    o = MO.oc((d.n, d.futility, d.efficacy), MO.probabilities((d.n, d.futility, d.efficacy), Fraction(1, 5)))
    assert o["reject"] == exact_oc(d, "0.2")["reject"]
    assert float(o["en"]) == pytest.approx(25.380208574464, rel=1e-12)


# ---------------------------------------------------------------------------
# Properties: never worse than Simon's designs
# ---------------------------------------------------------------------------

RATES = st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5])
DELTA = st.sampled_from([0.25, 0.3, 0.35, 0.4])
ERRORS = st.sampled_from([(0.05, 0.2), (0.1, 0.1), (0.1, 0.2), (0.15, 0.15)])


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p0=RATES, delta=DELTA, errors=ERRORS)
def test_efficacy_stop_never_raises_en1_over_simon(p0, delta, errors):
    """Optimal-h1 EN1 <= the smallest EN1 of any Simon design, both with n <= 16 (Simon's by the oracle)."""
    p1 = round(p0 + delta, 10)
    alpha, beta = errors
    nmax = 16
    simon = EO.enumerate_feasible(p0, p1, alpha, beta, nmax, efficacy=False)
    try:
        res = efficacy_design(p0, p1, alpha, beta, nmax=nmax)
    except NoFeasibleDesignError:
        assert not simon
        return
    if simon:
        best = EO.optimal(simon, 1)
        ours = res.others[0]
        assert ours.en1 <= float(best.en1) * (1 + 1e-12)
        assert Fraction(exact_oc(ours.design, str(p1))["en"]) <= best.en1


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p0=RATES, delta=DELTA, errors=ERRORS)
def test_efficacy_optimal_en0_never_above_simon(p0, delta, errors):
    p1 = round(p0 + delta, 10)
    alpha, beta = errors
    res, simon = efficacy_design(p0, p1, alpha, beta), simon_design(p0, p1, alpha, beta)
    assert res.optimal.en0 <= simon.optimal.en0 * (1 + 1e-12)
    assert res.minimax.n <= simon.minimax.n
    for d in res.designs() + res.admissible:
        ex0, ex1 = exact_oc(d.design, str(p0)), exact_oc(d.design, str(p1))
        assert ex0["reject"] <= Fraction(str(alpha)) and ex1["reject"] >= 1 - Fraction(str(beta))


# ---------------------------------------------------------------------------
# Search limits, errors, the family
# ---------------------------------------------------------------------------

def test_nmax_and_no_feasible_design_message():
    with pytest.raises(NoFeasibleDesignError, match=r"smallest n with a feasible design is 35: use nmax >= 35"):
        efficacy_design(0.2, 0.4, 0.1, 0.1, nmax=34)
    res = efficacy_design(0.2, 0.4, 0.1, 0.1, nmax=38)
    assert res.stop_reason == "nmax=38 reached" and res.n_searched == 38 and res.nmax == 38
    assert res.minimax.label() == "5:8/27, 10/35" and res.others[0].label() == "1:5/15, 11/38"
    assert res.optimal.n <= 38


def test_progress_and_admissible(mt4):
    seen = []
    res = efficacy_design(0.2, 0.4, 0.1, 0.1, progress=seen.append)
    assert seen == list(range(seen[0], res.n_searched + 1)) and seen[-1] == res.n_searched
    adm = res.admissible
    assert adm[0].kind == "minimax" and adm[-1].kind == "optimal"
    assert adm[0].q_high == 1.0 and adm[-1].q_low == 0.0
    assert all(a.q_low == b.q_high for a, b in zip(adm, adm[1:]))
    assert [d.n for d in adm] == sorted(d.n for d in adm)


@pytest.mark.parametrize("args, match", [
    ((0.4, 0.2, 0.1, 0.1), "p1"),
    ((0.2, 0.4, 0.6, 0.1), "alpha"),
    ((0.2, 0.4, 0.1, 0.1, 1), "nmax"),
])
def test_bad_input_is_a_one_line_value_error(args, match):
    kwargs = {"nmax": args[4]} if len(args) > 4 else {}
    with pytest.raises(ValueError, match=match) as info:
        efficacy_design(*args[:4], **kwargs)
    assert "\n" not in str(info.value)


def test_family_registered_after_simon(mt4):
    from phase2design.families.base import select_families

    names = family_names()
    assert names.index("efficacy") == names.index("simon") + 1
    # chosen by name: its search costs milliseconds where Simon's costs microseconds
    assert "efficacy" not in [f.name for f in select_families()]
    assert [f.name for f in select_families("efficacy")] == ["efficacy"]
    fam = get_family("efficacy")
    assert fam.title == "Two-stage with a stage-1 efficacy stop (Mander & Thompson 2010)"
    assert fam.kinds == ("optimal", "minimax", "optimal-h1", "minimax-h1")
    props = fam.proposals(mt4)
    assert [p.kind for p in props] == list(fam.kinds) and all(p.family == "efficacy" for p in props)
    assert props[0].design == Design.parse("3:6/16,11/41")
    extra = fam.proposals(mt4, admissible=True)[len(props):]
    assert extra and all(p.kind == "admissible" for p in extra)
    blocks = fam.report_blocks(mt4, 0.2, 0.4, 0.1, 0.1)
    assert blocks


def test_result_to_dict_and_rules(mt4):
    d = mt4.to_dict()
    assert d["family"] == "efficacy" and d["optimal"]["label"] == "3:6/16, 11/41"
    assert [o["kind"] for o in d["others"]] == ["optimal-h1", "minimax-h1"]
    assert any("rSuccess = e1" in note for note in d["notes"])
    assert "more than 6 have responded, i.e. at least 7" in mt4.optimal.rule()
    assert Design.parse(d["optimal"]) == mt4.optimal.design


def test_kernels_agree_on_both_paths():
    """The plain-Python and compiled efficacy kernels give the same bits (as tests/test_jit.py does for the
    others), and so does the whole search."""
    import numpy as np

    from phase2design.families import _efficacy_kernels as K
    from phase2design.families import efficacy as E
    from phase2design.numerics import _jit

    def both(k, *args):
        a, b = _jit._plain(k.py(*args)), k.jit(*args)
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            if isinstance(x, np.ndarray):
                assert x.dtype == y.dtype and np.array_equal(x, y)
            else:
                assert type(x) is type(y) and x == y
        return b

    for p0, p1, alpha, beta in [(0.2, 0.4, 0.1, 0.1), (0.5, 0.9, 0.03125, 0.0625)]:
        tab = E._EffTables(p0, p1, alpha, beta, 60, E._Exact(p0, p1, alpha, beta))
        t = tab.t
        e1lo = both(K._e1_limits, 60, alpha, 1e-9, t.sf0)
        c0, _ = both(K._continuation_bounds, 60, beta, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max, e1lo)
        for n in (18, 35, 41, 50):
            both(K._candidates_at_n, n, alpha, beta, 1e-9, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max, e1lo)
            both(K._en_lower_bound, n, 25.4, c0)
    old = _jit.set_mode("0")
    try:
        py = efficacy_design(0.2, 0.4, 0.1, 0.1).to_dict()
        _jit.set_mode("1")
        nb = efficacy_design(0.2, 0.4, 0.1, 0.1).to_dict()
    finally:
        _jit.set_mode(old)
    assert py == nb


@pytest.mark.parametrize("case, tied", [
    ((0.5, 0.875, 0.125, 0.125, 12), ("2/4, 5/8", "2:3/4, 6/9", Fraction(21, 4))),
    ((0.5, 0.875, 0.125, 0.1875, 10), ("1/3, 4/6", "0/1, 5/8", Fraction(9, 2))),
])
def test_exact_en0_tie_across_n_goes_to_the_smaller_n(case, tied):
    """p0 = 1/2: two best-per-n designs with exactly equal EN0 at different n; the smaller n is optimal."""
    res = _check_against_oracle(*case)
    small, large, en0 = tied
    for lab in (small, large):
        assert exact_oc(lab, "0.5")["en"] == en0
    assert res.optimal.label() == small
    assert res.near_ties


@pytest.mark.slow
@pytest.mark.parametrize("p0, p1, alpha, beta", [(0.1, 0.5, 0.45, 0.02), (0.3, 0.7, 0.3, 0.02), (0.5, 0.7, 0.1, 0.3),
                                                 (0.1, 0.3, 0.1, 0.1), (0.3, 0.5, 0.45, 0.1)])
def test_kernel_rows_are_each_pairs_first_feasible_e1(p0, p1, alpha, beta):
    """Per (n1, r1) the kernel's design is the smallest feasible e1 with the smallest r meeting alpha, checked
    by plain loops over e1 and r; large alpha with small beta makes stage 1 alone a valid test (r = r1 designs)."""
    from phase2design.families import _efficacy_kernels as K
    from phase2design.families import efficacy as E

    tab = E._EffTables(p0, p1, alpha, beta, 30, E._Exact(p0, p1, alpha, beta))
    t = tab.t
    for n in (6, 12, 18):
        rows = K._candidates_at_n.py(n, alpha, beta, 1e-9, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max, tab.e1lo)
        assert (rows[:, 8] == 1.0).all()
        brute = {}
        for n1 in range(1, n):
            for r1 in range(min(t.r1max[n1], n1 - 1) + 1):
                for e in range(r1 + 1, n1 + 1):
                    r = next((r for r in range(r1, n)
                              if K._reject_direct.py(n, n1, r1, e, r, t.pmf0, t.sf0) <= alpha), None)
                    if r is not None and K._reject_direct.py(n, n1, r1, e, r, t.pmf1, t.sf1) >= 1 - beta:
                        brute[(n1, r1)] = (e, r)
                        break
        got = {(int(a), int(b)): (int(c), int(d)) for a, b, c, d in rows[:, :4]}
        assert bool(got) == bool(brute) and all(brute[k] == v for k, v in got.items())
        if not got:
            continue
        # the pairs cut away cannot beat the best kept ones
        best0 = min(rows[:, 4])
        best1 = min(rows[:, 5])
        for (n1, r1), (e, r) in brute.items():
            if (n1, r1) not in got:
                o = n1 * (n1 + 1) // 2
                assert n1 + (t.sf0[o + r1] - t.sf0[o + e]) * (n - n1) > best0
                assert n1 + (t.sf1[o + r1] - t.sf1[o + e]) * (n - n1) > best1


def test_window_fallback_rescans_in_full():
    """If the r window were ever too narrow (rounding), the kernel rescans the n1 with the full range: with a
    deliberately wrong window (both ends at the middle) the rows are the same as with the right one."""
    import types

    from phase2design.families import _efficacy_kernels as K
    from phase2design.families import efficacy as E

    right = K._candidates_at_n.py
    globs = dict(right.__globals__)
    globs["_smallest_r"] = lambda n, n1, r1, e, lim, pmf, sf: max(r1, n // 2 - 2)
    wrong = types.FunctionType(right.__code__, globs)
    for p0, p1, alpha, beta in [(0.2, 0.4, 0.1, 0.1), (0.1, 0.5, 0.45, 0.02)]:
        tab = E._EffTables(p0, p1, alpha, beta, 45, E._Exact(p0, p1, alpha, beta))
        t = tab.t
        for n in (12, 20, 35, 41):
            args = (n, alpha, beta, 1e-9, t.pmf0, t.sf0, t.pmf1, t.sf1, t.r1max, tab.e1lo)
            a, b = right(*args), wrong(*args)
            assert a.shape == b.shape and (a == b).all(), n

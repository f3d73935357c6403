"""The sample-space engine against a brute-force rational oracle, for designs with 1 to 4 stages.

Random designs (futility and efficacy bounds, N_J <= 30) are drawn by hypothesis; the oracle
(tests/multistage_oracle.py) walks every path with math.comb and Fraction.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import multistage_oracle as O
from phase2design.engine.design import Design
from phase2design.engine.inference import stagewise_estimates, umvue
from phase2design.engine.samplespace import SampleSpace


@st.composite
def designs(draw, max_stages=4, max_n=30):
    J = draw(st.integers(1, max_stages))
    sizes = sorted(draw(st.lists(st.integers(1, max_n), min_size=J, max_size=J, unique=True)))
    fut, eff = [], []
    for j in range(J - 1):
        a = draw(st.integers(-1, sizes[j] - 1))
        lo = max(a + 1, 0)
        b = draw(st.one_of(st.none(), st.integers(lo, sizes[j] - 1))) if lo <= sizes[j] - 1 else None
        fut.append(a)
        eff.append(b)
    fut.append(draw(st.integers(0, sizes[-1] - 1)))
    eff.append(None)
    try:
        return Design(tuple(sizes), tuple(fut), tuple(eff))
    except ValueError:  # a later stage that can never be reached
        assume(False)


def _oracle_design(d):
    return (d.n, d.futility, d.efficacy)


RATES = [Fraction(0), Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), Fraction(7, 10), Fraction(1)]


def _close(a, b, rtol=1e-12, atol=1e-300):
    return abs(float(a) - float(b)) <= rtol * abs(float(b)) + atol


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_outcome_probabilities_and_oc_match_oracle(d):
    od = _oracle_design(d)
    space = SampleSpace(d)
    outs = O.outcomes(od)
    # the engine lists exactly the outcomes that can occur, in the oracle's stage-wise order
    assert [(int(j), int(s)) for j, s in zip(space.stage, space.s)] == O.ordered(od)
    assert list(space.promising) == [outs[o][2] for o in O.ordered(od)]
    for p in RATES:
        exact = O.probabilities(od, p)
        prob = space.probabilities(float(p))
        for i, o in enumerate(O.ordered(od)):
            assert _close(prob[i], exact[o]), (o, p)
        got = space.summarise(prob)
        want = O.oc(od, exact)
        assert _close(got["reject"], want["reject"])
        assert _close(got["en"], want["en"])
        for j in range(d.stages):
            assert _close(got["stop"][j], want["stop"][j])
            assert _close(got["futility"][j], want["futility"][j])
            assert _close(got["efficacy"][j], want["efficacy"][j])
        assert math.isclose(sum(got["stop"]), 1.0, rel_tol=1e-13)


@settings(max_examples=40, deadline=None)
@given(designs(), st.sampled_from([(Fraction(1, 2), Fraction(1, 2)), (Fraction(1), Fraction(1)),
                                   (Fraction(7, 2), Fraction(13, 2)), (Fraction(30), Fraction(70))]))
def test_predictive_probabilities_match_oracle(d, prior):
    od = _oracle_design(d)
    space = SampleSpace(d)
    exact = O.predictive(od, *prior)
    prob = space.predictive_probabilities(float(prior[0]), float(prior[1]))
    for i, o in enumerate(O.ordered(od)):
        assert _close(prob[i], exact[o], rtol=1e-11), o
    assert _close(space.summarise(prob)["reject"], O.oc(od, exact)["reject"], rtol=1e-11)


@settings(max_examples=40, deadline=None)
@given(designs())
def test_umvue_is_exactly_unbiased_and_matches_oracle(d):
    od = _oracle_design(d)
    space = SampleSpace(d)
    for p in (Fraction(1, 7), Fraction(1, 2), Fraction(4, 5)):
        exact = O.probabilities(od, p)
        total = sum(umvue(space, j, s, exact=True) * exact[(j, s)] for (j, s) in exact)
        assert total == p
    for (j, s) in O.outcomes(od):
        assert umvue(space, j, s, exact=True) == O.umvue(od, (j, s))


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(designs(max_n=18), st.data())
def test_pvalue_intervals_and_median_unbiased_match_oracle(d, data):
    od = _oracle_design(d)
    order = O.ordered(od)
    o = data.draw(st.sampled_from(order))
    p0 = 0.25
    level = 0.9
    est = stagewise_estimates(d, o[0], o[1], p0=p0, confidence_level=level)
    assert _close(est["pvalue"], O.tail_at_least(od, o, Fraction(p0)))
    assert _close(est["pvalue_midp"], O.tail_at_least(od, o, Fraction(p0), midp=True))
    tail = Fraction(1, 20)

    def up(midp):
        return lambda p: O.tail_at_least(od, o, Fraction(p), midp)

    def down(midp):
        return lambda p: O.tail_at_most(od, o, Fraction(p), midp)

    for key, func, target, inc in (("ci_lower", up(False), tail, True),
                                   ("ci_midp_lower", up(True), tail, True),
                                   ("median_unbiased", up(False), Fraction(1, 2), True),
                                   ("median_unbiased_midp", up(True), Fraction(1, 2), True),
                                   ("ci_upper", down(False), tail, False),
                                   ("ci_midp_upper", down(True), tail, False)):
        want = O.solve(func, target, increasing=inc, iterations=45)
        assert abs(est[key] - want) <= 1e-10, key


def test_three_stage_design_from_text_and_its_oc():
    """The issue's example 0/6,2/17,5/29: cumulative sizes, futility only."""
    d = Design.parse("0/6,2/17,5/29")
    assert d.n == (6, 17, 29) and d.futility == (0, 2, 5) and not d.has_efficacy
    space = SampleSpace(d)
    od = _oracle_design(d)
    for p in (Fraction(1, 10), Fraction(3, 10)):
        got = space.summarise(space.probabilities(float(p)))
        want = O.oc(od, O.probabilities(od, p))
        assert _close(got["reject"], want["reject"]) and _close(got["en"], want["en"])


def test_efficacy_stop_outranks_later_outcomes():
    """With a stage-1 efficacy stop, the stop ranks above every stage-2 outcome (it did not before)."""
    d = Design.parse("3:6/16,11/41")  # Mander & Thompson (2010) section 4 design, mtdesign rSuccess = 6
    space = SampleSpace(d)
    top = space.rank(2, 31)  # at most 6 + 25 responses reach the end
    assert space.rank(1, 7) > top
    assert space.rank(1, 3) < space.rank(2, 4)


def test_mander_thompson_published_oc():
    """openpharma/mtdesign test 'Mander & Thompson Section 4' (shared/reference/multistage_published.csv):
    p0 0.2, p1 0.4: n=41 n1=16 rTotal=11 rFutility=3 rSuccess=6, Type1 0.0959982365130688,
    Type2 0.0984812292666625, PETNull 0.62479165702144, PETAlt 0.537972628160512, EN0 25.380208574464,
    EN1 27.5506842959872 (mtdesign: efficacy stop if X1 > rSuccess)."""
    space = SampleSpace("3:6/16,11/41")
    h0 = space.summarise(space.probabilities(0.2))
    h1 = space.summarise(space.probabilities(0.4))
    assert h0["reject"] == pytest.approx(0.0959982365130688, rel=1e-12)
    assert 1 - h1["reject"] == pytest.approx(0.0984812292666625, rel=1e-12)
    assert h0["stop"][0] == pytest.approx(0.62479165702144, rel=1e-12)
    assert h1["stop"][0] == pytest.approx(0.537972628160512, rel=1e-12)
    assert h0["en"] == pytest.approx(25.380208574464, rel=1e-12)
    assert h1["en"] == pytest.approx(27.5506842959872, rel=1e-12)


@pytest.mark.parametrize("text, message", [
    ("5/29,1/10", "cumulative"),
    ("1/10,5/10", "cumulative"),
    ("1/10,5/29:7", "bound/size"),
    ("6:3/16,11/41", "b1 must exceed a1"),
    ("3:16/16,11/41", "must be below N1"),
    ("3/16,41/41", "r must be smaller than n"),
    ("", "empty"),
    ("x/9", "whole numbers"),
])
def test_bad_design_text_is_one_line_valueerror(text, message):
    with pytest.raises(ValueError, match=message) as info:
        Design.parse(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["3/9", "1/10, 5/29", "0/6, 2/17, 5/29", "3:6/16, 11/41", "-:5/12, 2:9/20, 12/30"])
def test_label_and_json_round_trip(text):
    d = Design.parse(text)
    assert d.label() == text
    assert Design.parse(d.to_dict()) == d
    import json

    assert Design.parse(json.dumps(d.to_dict())) == d


def test_impossible_outcome_is_refused():
    space = SampleSpace("1/10,5/29")
    with pytest.raises(ValueError, match="cannot be at stage 2"):
        space.rank(2, 1)
    with pytest.raises(ValueError, match="does not stop after stage 1"):
        space.rank(1, 4)


def test_rule_in_words_for_simon_and_single_unchanged():
    from phase2design.results import SingleStageDesign, TwoStageDesign

    assert Design.simon(1, 10, 5, 29).rule() == TwoStageDesign(1, 10, 5, 29, *[0.0] * 8).rule()
    assert Design.single(4, 9).rule() == SingleStageDesign(4, 9, 0.0, 0.0, 0.0, 0.0).rule()
    words = Design.parse("-:5/12, 2:9/20, 12/30").rule()
    assert "more than 5 have responded" in words and "2 or fewer" in words and "more than 12 of all 30" in words


def test_engine_large_design_stays_precise():
    """A far-tail value keeps its relative precision (no 1 - x anywhere): P(reject) at p = 0.001."""
    space = SampleSpace("10/200,60/400")
    prob = space.probabilities(0.001)
    reject = space.summarise(prob)["reject"]
    assert 0.0 < reject < 1e-100
    assert np.all(prob >= 0)


@settings(max_examples=40, deadline=None)
@given(designs(), st.sampled_from([0.0, 0.03, 0.3, 0.5, 0.91, 1.0]))
def test_oc_from_the_recursion_equals_the_outcome_sums(d, p):
    """SampleSpace.oc sums the recursion in compiled code; summarise sums the listed outcomes."""
    space = SampleSpace(d)
    a, b = space.oc(p), space.summarise(space.probabilities(p))
    for key in ("reject", "en"):
        assert _close(a[key], b[key], atol=1e-300)
    for key in ("futility", "efficacy", "stop"):
        for x, y in zip(a[key], b[key]):
            assert _close(x, y, atol=1e-300)
    pa, pb = space.predictive_oc(1.5, 2.5), space.summarise(space.predictive_probabilities(1.5, 2.5))
    assert _close(pa["reject"], pb["reject"], rtol=1e-12) and _close(pa["en"], pb["en"], rtol=1e-12)


def test_umvue_of_a_large_design_from_the_float_recursion_matches_exact_counts():
    """Past EXACT_UMVUE_N the UMVUE comes from the float recursion; it equals the exact count ratio."""
    from phase2design.engine import inference

    space = SampleSpace("20/250,60/500,100/700")
    assert space.design.n[-1] > inference.EXACT_UMVUE_N
    for s in (101, 140, 200):
        exact = umvue(space, 3, s, exact=True)
        assert umvue(space, 3, s) == pytest.approx(float(exact), rel=1e-13)


def test_large_four_stage_analysis_is_fast():
    import time

    from phase2design.analysis import analyze_design

    t = time.monotonic()
    a = analyze_design("20/1250,60/2500,120/3750,250/5000", [40, 60, 80, 100], p0=0.05)
    assert time.monotonic() - t < 30 and 0.0 < a.umvue < 1.0


@pytest.mark.parametrize("text, message", [
    ('{"n": [5, 10], "futility": [-1, 3]}', "can never stop"),
    ('{"n": [5, 12], "futility": [2, 1]}', "r must be at least 2"),
    ("2:4/5,1/12", "r must be at least 2"),
    ('{"n": 10, "futility": 1}', "'n' must be a list"),
    ('{"n": [10, 20], "futility": [1, 3], "efficacy": 0}', "'efficacy' must be a list"),
])
def test_designs_that_cannot_work_as_written_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        Design.parse(text)


def test_whole_number_floats_and_numpy_ints_are_stored_as_int():
    import json

    d = Design.parse('{"n": [10.0, 20, 29.0], "futility": [1.0, 2, 5], "efficacy": [3.0, null, null]}')
    assert d.label() == "1:3/10, 2/20, 5/29" and all(type(v) is int for v in d.n + d.futility)
    e = Design((np.int64(5), np.int64(12)), (np.int64(1), np.int64(3)), (None, None))
    assert json.loads(json.dumps(e.to_dict()))["n"] == [5, 12]


def test_result_json_reads_back_as_its_design(capsys):
    from conftest import run_main

    for args in (["oc", "--design", "1/10,5/29", "--p", "0.2", "--format", "json"],
                 ["oc", "--r", "4", "--n", "9", "--p", "0.2", "--format", "json"]):
        _, out, _ = run_main(args, capsys)
        code, again, err = run_main(["oc", "--design", out, "--p", "0.2", "--format", "json"], capsys)
        assert code == 0 and again == out, err

"""analyze_design: the design's decision and stage-wise inference for designs of any number of stages."""

from fractions import Fraction

import pytest

import multistage_oracle as O
from phase2design import analyze_two_stage
from phase2design.analysis import analyze_design


def test_simon_design_agrees_with_analyze_two_stage():
    a = analyze_design("1/10,5/29", [2, 4], p0=0.1, confidence_level=0.9)
    b = analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1, confidence_level=0.9)
    assert a.promising == b.reject_h0
    for k in ("pvalue", "pvalue_midp", "ci_lower", "ci_upper", "ci_midp_lower", "ci_midp_upper", "umvue",
              "median_unbiased", "median_unbiased_midp"):
        assert getattr(a, k) == getattr(b, k), k


@pytest.mark.parametrize("design, responses, stage, why, promising", [
    ("0/6,2/17,5/29", [0], 1, "futility", False),
    ("0/6,2/17,5/29", [1, 1], 2, "futility", False),
    ("0/6,2/17,5/29", [1, 2, 2], 3, "final", False),
    ("0/6,2/17,5/29", [1, 2, 3], 3, "final", True),
    ("3:6/16,11/41", [7], 1, "efficacy", True),
    ("3:6/16,11/41", [3], 1, "futility", False),
    ("3:6/16,11/41", [5, 7], 2, "final", True),
])
def test_decision_follows_the_rule(design, responses, stage, why, promising):
    a = analyze_design(design, responses, p0=0.2)
    assert (a.stage, a.stopped_for, a.promising) == (stage, why, promising)
    assert ("not promising" in a.decision) == (not promising)


def test_pvalue_against_oracle_with_efficacy_stop():
    d = ((16, 41), (3, 11), (6, None))
    a = analyze_design("3:6/16,11/41", [5, 7], p0=0.2)
    assert a.pvalue == pytest.approx(float(O.tail_at_least(d, (2, 12), Fraction(1, 5))), rel=1e-12)


@pytest.mark.parametrize("responses, message", [
    ([1], "give the responses of stage 2"),
    ([1, 2, 3, 4], "at most 3 stages"),
    ([0, 1], "stopped after stage 1"),
    ([7], "between 0 and its 6 patients"),
    ([], "at least one stage"),
    ("1,2", "sequence of whole numbers"),
])
def test_bad_data_are_one_line_errors(responses, message):
    with pytest.raises((ValueError, TypeError), match=message) as info:
        analyze_design("0/6,2/17,5/29", responses)
    assert "\n" not in str(info.value)

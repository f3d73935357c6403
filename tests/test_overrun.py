"""A stage 1 of another size than planned: the re-derived Simon rule (phase2design.overrun, analyze --n1).

Published values: the UnplanSimon vignette's ATS examples; the rest is checked against the path-walking
oracle in exact rational arithmetic (tests/multistage_oracle.py) and by properties.
"""

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import multistage_oracle as O
from phase2design import analyze_two_stage
from phase2design.cli import main
from phase2design.overrun import ats_alpha, stage1_redesign

# Rows copied from /work/shared/reference/multistage_published.csv (cran/UnplanSimon vignette, Ex 2.1-2.3,
# inst/doc/UnplanSimon.Rmd, output 'O'):
#   6 over/under-running (base design): p0=0.25 p1=0.45 alpha=0.1 beta=0.1, optimal 3/14, 14/44 PET0=0.521
#   Ex 2.1: planned n1=14 n=44 r1=3 r=14; actual n1*=11 n*=41 -> r1*=2 r*=14; type I 0.06; power 0.854;
#           PET0 0.455 (orig 0.521); alpha(n*)=0.088
#   Ex 2.2: actual n1*=11 n*=39 -> r1*=2 r*=13; type I 0.077
#   Ex 2.3: actual n1*=11 n*=42 -> r1*=2 r*=14; type I 0.071
UNPLANSIMON_ATS = [
    (41, 2, 14, 0.06, 2, {"power": (0.854, 3), "pet0": (0.455, 3), "target_alpha": (0.088, 3)}),
    (39, 2, 13, 0.077, 3, {}),
    (42, 2, 14, 0.071, 3, {}),
]


@pytest.mark.parametrize("n_total, r1s, rs, type1, digits, more", UNPLANSIMON_ATS)
def test_unplansimon_ats_examples(n_total, r1s, rs, type1, digits, more):
    s = stage1_redesign("3/14,14/44", 11, n=n_total, p0=0.25, p1=0.45, alpha=0.1, method="ats")
    assert (s.r1, s.n1, s.r, s.n) == (r1s, 11, rs, n_total)
    assert abs(s.attained_alpha - type1) <= 0.5 * 10 ** -digits
    for name, (value, d) in more.items():
        assert abs(getattr(s, name) - value) <= 0.5 * 10 ** -d, name
    assert abs(s.planned_pet0 - 0.521) <= 0.0005


def test_ats_level_is_the_vignette_formula():
    # 2 - 2 Phi(z_{0.95} / sqrt(41/44)) = 0.0884 (printed 0.088); alpha itself once the total is reached
    assert abs(ats_alpha(0.1, 41, 44) - 0.0884) < 5e-5
    assert ats_alpha(0.1, 45, 44) == 0.1
    assert ats_alpha(0.1, 44, 44) == pytest.approx(0.1, rel=1e-12)


def _oracle_alpha(r1, n1, r, n, p0):
    design = ((n1, n), (r1, r), (None, None))
    return O.oc(design, O.probabilities(design, p0))["reject"]


def _oracle_pet(r1, n1, p0):
    from math import comb

    return sum(Fraction(comb(n1, x)) * p0 ** x * (1 - p0) ** (n1 - x) for x in range(r1 + 1))


def _check_against_oracle(planned, m1, m, p0, alpha):
    r1, n1, r, n = planned
    s = stage1_redesign(planned, m1, n=m, p0=float(p0), alpha=None if alpha is None else float(alpha))
    target = _oracle_alpha(r1, n1, r, n, p0) if alpha is None else alpha
    # the bound with the planned PET0 closest, ties to the smaller bound
    pet = _oracle_pet(r1, n1, p0)
    want_r1 = min(range(m1), key=lambda c: (abs(_oracle_pet(c, m1, p0) - pet), c))
    assert s.r1 == want_r1
    # the type I error is kept, and r* is the smallest bound that keeps it
    assert _oracle_alpha(s.r1, m1, s.r, m, p0) <= target
    if s.r > s.r1:
        assert _oracle_alpha(s.r1, m1, s.r - 1, m, p0) > target
    assert s.attained_alpha == pytest.approx(float(_oracle_alpha(s.r1, m1, s.r, m, p0)), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("planned, m1, m, p0, alpha", [
    ((1, 10, 5, 29), 12, 29, Fraction(1, 10), None),
    ((1, 10, 5, 29), 8, 29, Fraction(1, 10), Fraction(5, 100)),
    ((3, 14, 14, 44), 17, 44, Fraction(1, 4), Fraction(1, 10)),
    ((0, 9, 2, 24), 11, 24, Fraction(1, 20), None),
])
def test_redesign_against_oracle(planned, m1, m, p0, alpha):
    _check_against_oracle(planned, m1, m, p0, alpha)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(n1=st.integers(3, 10), extra=st.integers(3, 12), shift=st.integers(-2, 4),
       p0=st.sampled_from([Fraction(1, 10), Fraction(1, 5), Fraction(3, 10)]), data=st.data())
def test_redesign_properties(n1, extra, shift, p0, data):
    n = n1 + extra
    r1 = data.draw(st.integers(0, n1 - 1))
    r = data.draw(st.integers(r1, n - 1))
    m1 = n1 + shift
    if m1 < 1 or m1 >= n or m1 == n1:
        return
    _check_against_oracle((r1, n1, r, n), m1, n, p0, None)


def test_same_size_gives_the_planned_analysis():
    a = analyze_two_stage((1, 10, 5, 29), 2, 4, n1=10, p0=0.1)
    b = analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1)
    assert a == b and a.stage1_redesign is None


def test_analysis_uses_the_rederived_design():
    res = analyze_two_stage((1, 10, 5, 29), 2, 5, n1=12, p0=0.1)
    s = stage1_redesign((1, 10, 5, 29), 12, p0=0.1)
    assert (res.r1, res.n1, res.r, res.n) == (s.r1, s.n1, s.r, s.n) == (1, 12, 6, 29)
    direct = analyze_two_stage(s.design.as_simon(), 2, 5, p0=0.1)
    assert res.pvalue == direct.pvalue and res.ci_lower == direct.ci_lower and res.umvue == direct.umvue
    assert res.reject_h0 and res.stage1_redesign["planned"] == "1/10, 5/29"
    # the p-value of the outcome just at the bound equals the new design's exact type I error
    assert res.pvalue == pytest.approx(s.attained_alpha, rel=1e-12)
    # 2 of 12 is not a stop under 1/12 (it is under the planned 1/10 only if x1 <= 1)
    stopped = analyze_two_stage((1, 10, 5, 29), 1, None, n1=12, p0=0.1)
    assert stopped.outcome == "stopped_at_stage1"


def test_nominal_alpha_is_the_target_when_given():
    s = stage1_redesign((1, 10, 5, 29), 12, p0=0.1, alpha=0.05)
    assert s.target_alpha == 0.05 and s.attained_alpha <= 0.05
    assert "nominal alpha = 0.05" in s.target_source


@pytest.mark.parametrize("kwargs, words", [
    ({"design": "0/6,2/17,5/29", "n1": 8, "p0": 0.1}, "Simon two-stage"),
    ({"design": "1/10,5/29", "n1": 29, "p0": 0.1}, "n1 (the actual stage-1 size) must be smaller"),
    ({"design": "1/10,5/29", "n1": 12, "p0": 0.1, "method": "ats"}, "alpha (the nominal level) is required"),
    ({"design": "1/10,5/29", "n1": 12, "p0": 0.1, "method": "other"}, "method"),
])
def test_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        stage1_redesign(kwargs.pop("design"), kwargs.pop("n1"), **kwargs)


def _run(args, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_cli_analyze_n1(capsys):
    code, out, err = _run(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "5", "--n1", "12", "--p0", "0.1"],
                          capsys)
    assert code == 0, err
    assert "Analysis of Simon design 1/12, 6/29 with x1 = 2 of 12, x2 = 5 of 17" in out
    assert "Stage 1 had 12 evaluable patients instead of the planned 10" in out
    # the target is analyze's --alpha (default 0.05, the level of its test too)
    assert "more than r* = 6 of 29" in out and "0.0196 <= 0.0500 (nominal alpha = 0.05)" in out
    assert re.search(r"one-sided p-value vs p0 = 0\.1 \(stage-wise\) +0\.0196", out)
    code, out, err = _run(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "5", "--n1", "12", "--p0", "0.1",
                           "--alpha", "0.1"], capsys)
    s = stage1_redesign("1/10,5/29", 12, p0=0.1, alpha=0.1)
    assert code == 0 and f"Simon design {s.design.label()} with x1 = 2 of 12" in out


def test_cli_analyze_n1_needs_p0(capsys):
    code, out, err = _run(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "5", "--n1", "12"], capsys)
    assert code == 2 and out == "" and "p0 is required when the actual n1=12" in err

"""Issue 12 (part A): verdicts agree, each says which question it answers and on which data.

Every case of the issue is run as the exact command a user types; the numbers are checked against
brute-force oracles written with math.comb and fractions.Fraction (tests/multistage_oracle.py).
"""

import math
import re
from decimal import Decimal
from fractions import Fraction

import multistage_oracle as O
import pytest
from conftest import run_main
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from phase2design import analyze_two_stage


def upper_tail(x, n, p):
    """P(X >= x) for X ~ Bin(n, p), exact."""
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(max(x, 0), n + 1))


def simon_reject(r1, n1, r, n, p):
    """P(X1 > r1, X1 + X2 > r) exact: the two-stage design's probability of declaring the drug promising."""
    n2 = n - n1
    return sum(math.comb(n1, x1) * p ** x1 * (1 - p) ** (n1 - x1) * upper_tail(r + 1 - x1, n2, p)
               for x1 in range(r1 + 1, n1 + 1))


def lines_of(out):
    return [line.lstrip("* ").strip() for line in out.splitlines()]


# ---------------------------------------------------------------------------
# report --observed: each verdict with its question and data; why they differ, right there
# ---------------------------------------------------------------------------

REPORT = ["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]


def test_report_observed_6_of_29_states_each_verdict_with_its_question(capsys):
    code, out, _ = run_main(REPORT + ["--observed", "6/29"], capsys)
    assert code == 0
    section = out[out.index("## Analysis of the observed data"):out.index("## Conventions")]
    lines = lines_of(section)
    test = next(i for i, s in enumerate(lines) if s.startswith("Exact single-stage test of H0"))
    rule = next(i for i, s in enumerate(lines) if s.startswith("Design rule 1/10, 5/29 (both stages"))
    why = next(i for i, s in enumerate(lines) if s.startswith("Why the design rule and the exact test differ"))
    # the single-stage test says it ignores the two stages in its own line, and the reason follows both verdicts
    assert "ignores the two-stage design" in lines[test]
    assert why == max(test, rule) + 1
    p = upper_tail(6, 29, Fraction(1, 10))
    assert f"p = P(X >= 6 | p0) = {float(p):.4f} > 0.05, H0 not rejected" in lines[test]
    assert "declare the drug promising (reject H0)" in lines[rule]
    alpha_design = simon_reject(1, 10, 5, 29, Fraction(1, 10))
    assert f"exact type I error over both stages at p0 = 0.1 is {float(alpha_design):.4f}" in lines[rule]
    # no criterion was given: p1 is the alternative, not a criterion
    assert "criterion was met" not in section and "criterion was not met" not in section
    assert "Criterion you gave" not in section and "The 30% criterion" not in section


def test_report_observed_3_of_9_judges_no_criterion_unless_given(capsys):
    code, out, _ = run_main(REPORT + ["--observed", "3/9"], capsys)
    assert code == 0
    section = out[out.index("## Analysis of the observed data"):out.index("## Conventions")]
    assert "Criterion you gave" not in section and "criterion was met" not in section
    assert "earlier data, 9 patients, not a stage of this design" in section
    code, out, _ = run_main(REPORT + ["--observed", "3/9", "--criterion", "0.3"], capsys)
    assert code == 0
    section = out[out.index("## Analysis of the observed data"):out.index("## Conventions")]
    line = next(s for s in lines_of(section) if s.startswith("Criterion you gave"))
    assert line.startswith("Criterion you gave (--criterion 0.3; earlier data, 9 patients, not a stage of this design)"
                           ": met")
    # criterion met, level-0.05 test not rejected (p = P(X >= 3 | 0.1) > 0.05): a sentence says why
    assert upper_tail(3, 9, Fraction(1, 10)) > Fraction(5, 100)
    assert "Why the criterion and the exact test differ: they answer different questions." in section
    assert "--criterion 0.3" in out.split("Reproduce this report:")[1]


def test_report_observed_stages_uses_the_interval_that_matches_the_test(capsys):
    code, out, _ = run_main(REPORT + ["--observed-stages", "2,4"], capsys)
    assert code == 0
    res = analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1, alpha=0.05)
    assert "Design rule (both stages): continued to stage 2" in out
    assert f"| 90% exact CI (two-sided; matches the one-sided alpha = 0.05 test) | {res.ci_lower:.4f} - " in out
    assert f"| 95% one-sided lower bound (exact; excludes p0 exactly when the test rejects) | {res.lower_bound:.4f} |" \
        in out


# ---------------------------------------------------------------------------
# evaluate --design: the rule's own type I error beside its verdict
# ---------------------------------------------------------------------------

def test_evaluate_design_2_of_9_states_its_own_type_i_error(capsys):
    code, out, _ = run_main(["evaluate", "3/9", "--threshold", "0.5", "--p0", "0.1", "--design", "2/9"], capsys)
    assert code == 0
    alpha_rule = upper_tail(3, 9, Fraction(1, 10))  # 2/9 declares the drug promising if X > 2
    assert alpha_rule > Fraction(5, 100)
    rule = next(s for s in lines_of(out) if s.startswith("Design rule 2/9"))
    assert "3 > 2: declare the drug promising (reject H0)" in rule
    assert f"The rule's own exact type I error at p0 = 0.1 is {float(alpha_rule):.4f}, ABOVE the nominal alpha = 0.05" \
        in rule
    test = next(s for s in lines_of(out) if s.startswith("Exact test of H0: p <= 0.1"))
    assert f"= {float(alpha_rule):.4f} > 0.05, H0 not rejected; the test rejects from 4 of 9" in test
    assert "Why the design rule and the exact test differ: the rule 2/9 declares the drug promising from 3" in out


def test_evaluate_design_power_with_p1_and_no_flag_within_alpha(capsys):
    code, out, _ = run_main(["evaluate", "4/9", "--p0", "0.1", "--p1", "0.5", "--design", "3/9"], capsys)
    assert code == 0
    rule = next(s for s in lines_of(out) if s.startswith("Design rule 3/9"))
    a, power = upper_tail(4, 9, Fraction(1, 10)), upper_tail(4, 9, Fraction(1, 2))
    assert f"is {float(a):.4f} (nominal alpha 0.05); its power at p1 = 0.5 is {float(power):.4f}." in rule
    assert "ABOVE" not in out and "differ" not in out


def test_evaluate_without_threshold_gives_intervals_and_the_distribution(capsys):
    code, out, err = run_main(["evaluate", "3/9"], capsys)
    assert code == 0 and err == ""
    assert "90% Clopper-Pearson CI 9.8-65.5%." in out and "95% Clopper-Pearson CI 7.5-70.1%." in out
    assert "Responses out of 9 if the true rate is the observed 33.3% (x/n):" in out
    row = next(s for s in out.splitlines() if s.strip().startswith("3 ") and "observed 3" in s)
    assert f"{float(math.comb(9, 3) * Fraction(1, 3) ** 3 * Fraction(2, 3) ** 6):.4f}" in row
    assert "criterion" not in out.lower()


def test_evaluate_without_threshold_json_has_no_criterion(capsys):
    import json

    code, out, _ = run_main(["evaluate", "3/9", "--p0", "0.1", "--format", "json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["threshold"] is None and d["test_rejects"] is False and d["p0_boundary"] == 4


# ---------------------------------------------------------------------------
# analyze: the 1 - 2 alpha two-sided interval and the one-sided bound, labelled
# ---------------------------------------------------------------------------

def test_analyze_default_interval_matches_the_one_sided_test(capsys):
    code, out, _ = run_main(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1"], capsys)
    assert code == 0
    res = analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1, alpha=0.05)
    assert res.confidence_level == 0.9 and res.ci_lower > 0.1 and res.test_rejects
    assert re.search(rf"90% exact CI \(two-sided; matches the one-sided alpha = 0.05 test\) +"
                     rf"{res.ci_lower:.4f} - {res.ci_upper:.4f}\n", out)
    assert re.search(rf"95% one-sided lower bound \(exact; excludes p0 exactly when the test rejects\) +"
                     rf"{res.lower_bound:.4f}\n", out)
    pv = O.tail_at_least(((10, 29), (1, 5), (None, None)), (2, 6), Fraction(1, 10))
    assert f"Exact stage-wise test of H0: p <= 0.1 at one-sided alpha = 0.05 (both stages): p = {float(pv):.4f} <= " \
           f"0.05, H0 rejected." in out
    assert "Design rule (both stages): continued to stage 2: 6 responses in total; H0 rejected" in out


def test_analyze_explicit_confidence_overrides_and_says_so(capsys):
    code, out, _ = run_main(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1",
                             "--confidence", "0.95"], capsys)
    assert code == 0
    res = analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1, confidence_level=0.95, alpha=0.05)
    assert "95% exact CI (two-sided, level as given)" in out and f"{res.ci_lower:.4f} - {res.ci_upper:.4f}" in out
    assert res.ci_lower < 0.1 < res.lower_bound  # the 95% two-sided interval contains p0; the bound does not
    assert ("The 95% level was given explicitly and overrides the default: the two-sided interval that matches the "
            "one-sided alpha = 0.05 test is the 90% one") in out


def test_analyze_alpha_option_sets_the_level(capsys):
    code, out, _ = run_main(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1",
                             "--alpha", "0.025"], capsys)
    assert code == 0 and "95% exact CI (two-sided; matches the one-sided alpha = 0.025 test)" in out
    assert "97.5% one-sided lower bound" in out
    assert "p = 0.0471 > 0.025, H0 not rejected" in out
    # the rule (type I error 0.0471 > 0.025) rejects: the sentence says why
    assert "Why the design rule and the exact test differ: the rule's own exact type I error at p0 is 0.0471, above " \
           "alpha = 0.025" in out


def test_analyze_three_stage_design_states_test_and_bound(capsys):
    code, out, _ = run_main(["analyze", "--design", "0/6,2/17,5/29", "--responses", "1,2,4", "--p0", "0.1"], capsys)
    assert code == 0
    design = ((6, 17, 29), (0, 2, 5), (None, None, None))
    pv = O.tail_at_least(design, (3, 7), Fraction(1, 10))
    assert f"(stages 1-3): p = {float(pv):.4f} <= 0.05, H0 rejected." in out
    assert "95% one-sided lower bound" in out


@st.composite
def simon_case(draw):
    n1 = draw(st.integers(1, 12))
    r1 = draw(st.integers(0, n1 - 1))
    n = draw(st.integers(n1 + 1, n1 + 15))
    r = draw(st.integers(r1, n - 1))
    x1 = draw(st.integers(0, n1))
    x2 = None if x1 <= r1 else draw(st.integers(0, n - n1))
    return r1, n1, r, n, x1, x2


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(case=simon_case(), p0=st.sampled_from(["0.05", "0.1", "0.2", "0.3", "0.5", "0.7"]),
       alpha=st.sampled_from(["0.01", "0.025", "0.05", "0.1", "0.2"]))
def test_interval_excludes_p0_exactly_when_the_test_rejects(case, p0, alpha):
    """Over Simon designs: the default interval is the 1 - 2 alpha one, its lower limit excludes p0 iff the
    exact stage-wise test rejects at alpha (decided by the oracle in Fractions), and a design rule of
    exact type I error <= alpha never rejects where the test does not."""
    r1, n1, r, n, x1, x2 = case
    res = analyze_two_stage((r1, n1, r, n), x1, x2, p0=float(p0), alpha=float(alpha))
    assert res.level_source == "alpha" and res.confidence_level == float(1 - 2 * Decimal(alpha))
    assert res.lower_bound == pytest.approx(res.ci_lower, rel=1e-12, abs=1e-300)
    oracle_design = ((n1, n), (r1, r), (None, None))
    outcome = (1, x1) if x2 is None else (2, x1 + x2)
    pv = O.tail_at_least(oracle_design, outcome, Fraction(p0))
    rejects = pv <= Fraction(alpha)
    assert res.test_rejects == rejects
    # away from an exact tie the double limit is on the right side of p0 (at a tie, p_L = p0 and the test rejects)
    assume(abs(pv - Fraction(alpha)) > Fraction(alpha) * Fraction(1, 10 ** 9))
    assert (float(p0) < res.lower_bound) == rejects
    if res.reject_h0 and simon_reject(r1, n1, r, n, Fraction(p0)) <= Fraction(alpha):
        assert rejects


# ---------------------------------------------------------------------------
# Natural mistakes: the cases already on main, each with its CLI test
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.6", "--beta", "0.2"], "alpha must be below 0.5"),
    (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.8"], "for power 0.8 give beta=0.2"),
    (["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--confidence", "90"], "write 0.9 for 90%"),
    (["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--alpha", "0.5"], "alpha must be below 0.5"),
    (REPORT + ["--observed-stages", "2,4", "--confidence", "90"], "write 0.9 for 90%"),
    (["evaluate", "3/9", "--confidence", "95"], "write 0.95 for 95%"),
    (["oc", "--design", "1/10,5/29,x", "--p", "0.1"], "design"),
    (["evaluate", "3", "9"], "did you mean 3/9?"),
    (["evaluate", "3,9"], "did you mean 3/9?"),
    (["evaluate", "3/9", "--p0", "10"], "write 0.1 for 10%"),
    (["analyze", "--design", "1/10,5/29", "--x1", "3"], "--x2"),
])
def test_mistakes_get_one_line(args, message, capsys):
    code, _, err = run_main(args, capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_oc_takes_the_design_form_of_the_other_commands(capsys):
    code, a, _ = run_main(["oc", "--design", "1/10,5/29", "--p", "0.1,0.3"], capsys)
    _, b, _ = run_main(["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.1,0.3"], capsys)
    assert code == 0 and a == b


def test_a_tiny_probability_reads_as_below_the_digits_in_tables_and_sentences(capsys):
    from phase2design.present.render import equals, fmt

    assert fmt(3.0e-06) == "<0.0001" and equals(3.0e-06) == "< 0.0001" and fmt(0.0) == "0.0000"
    code, out, _ = run_main(["evaluate", "9/9", "--p0", "0.1"], capsys)
    p = float(upper_tail(9, 9, Fraction(1, 10)))  # 1e-9
    assert code == 0 and p < 5e-5
    assert "p = P(X >= 9 | p0) < 0.0001 <= 0.05, H0 rejected" in out
    assert "P(X >= 9) < 0.0001)" in out and "0.0000" not in out and "e-0" not in out
    code, out, _ = run_main(["evaluate", "9/9", "--p0", "0.1", "--format", "json"], capsys)
    import json

    assert json.loads(out)["pvalue_vs_p0"] == pytest.approx(p, rel=1e-12)


def test_oc_table_has_no_column_that_repeats_another(capsys):
    code, out, _ = run_main(["oc", "--design", "1/10,5/29", "--p", "0.1,0.3"], capsys)
    head = out.splitlines()[4]
    assert code == 0 and head.split() == ["p", "P(reject", "H0)", "PET", "continue,", "fail", "EN"]
    # the machine formats keep every outcome
    code, out, _ = run_main(["oc", "--design", "1/10,5/29", "--p", "0.1", "--format", "csv"], capsys)
    assert "stop_stage1" in out and "continue_success" in out


def test_no_internal_names_in_the_analysis_of_a_changed_stage_2(capsys):
    code, out, _ = run_main(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--n2", "25", "--p0",
                             "0.1"], capsys)
    assert code == 0 and "r_used" not in out and "conditional_error" not in out and "_" not in out.replace(
        "S_j", "").replace("a_j", "").replace("b_j", "").replace("S_J", "")
    assert "cut-off adjusted by the conditional error principle" in out


def test_a_p_value_equal_to_alpha_is_decided_exactly():
    """P(X >= 2 | n = 3, p0 = 0.1) = 0.028 exactly; in doubles it is 0.028000000000000008 > 0.028."""
    from phase2design import evaluate
    from phase2design.numerics import _binomial as K

    assert upper_tail(2, 3, Fraction(1, 10)) == Fraction(28, 1000)
    assert float(K._binom_tables(3, 0.1)[2][1]) > 0.028  # the double alone would not reject
    ev = evaluate(2, 3, p0=0.1, alpha=0.028)
    assert ev.p0_boundary == 2 and ev.test_rejects
    # a rule 1/3 has type I error P(X >= 2) = 0.028: not above alpha = 0.028
    ev = evaluate(2, 3, p0=0.1, alpha=0.028, design="1/3")
    assert ev.design.exceeds_alpha is False
    # the stage-wise test after a stop at stage 1 (T = x1 = 2 of 3): the same tie
    res = analyze_two_stage((2, 3, 3, 6), 2, None, p0=0.1, alpha=0.028)
    assert res.test_rejects and res.lower_bound == pytest.approx(0.1, rel=1e-9)

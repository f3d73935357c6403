"""Edge cases of input checking and numerics: one-line errors for odd values, tiny alphas, exact ties, large n2."""

import json
import math
import time
from fractions import Fraction

import pytest

from conftest import run_main
from phase2design import (analyze_two_stage, evaluate, plan_followup, predictive_oc, simon_design,
                          simon_feasible_designs, single_stage_design, two_stage_oc)


def one_line_error(code, err, expected_code=2):
    lines = err.strip().splitlines()
    return code == expected_code and len(lines) == 1 and lines[0].startswith("Error:") and "Traceback" not in err


@pytest.mark.parametrize("args", [
    ["evaluate", "³/9", "--threshold", "0.5"],
    ["evaluate", "3/⁹", "--threshold", "0.5"],
    ["plan", "--pilot", "³/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2"],
    ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--feasible", "--n-range", "²:9"],
    ["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--observed-stages", "³,1"],
    ["oc", "--r", "5", "--n", "29", "--p", "0:1:5e-324"],
    ["oc", "--r", "5", "--n", "29", "--p", "0:1e308:1e-308"],
    ["single", "--p0", "0.5,", "--p1", "0.6", "--alpha", "0.05", "--beta", "0.2"],
    ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--plot", "/nonexistent/x.png"],
    ["evaluate", "3/9", "--threshold", "0.5", "--plot", "/proc/x.png"],
    ["grid", "--p0", "0.1", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2", "--backend", "serial",
     "-o", "/proc/g.csv"],
    ["plan", "--pilot", "0/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2", "--p1", "0.3",
     "--prior", "1e-320,1", "--format", "json"],
    ["plan", "--pilot", "0/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2", "--p1", "0.3",
     "--prior", "1e308,1e308"],
    ["simon", "--p0", "1e-300", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"],
    ["oc", "--r", "5", "--n", "29", "--p", "0.1", "--plot", "/tmp/never.png", "--compare", "6000/7000"],
    ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--feasible", "--n-range", "2:400"],
])
def test_bad_input_is_one_line_exit_2(args, capsys):
    t = time.monotonic()
    code, out, err = run_main(args, capsys)
    assert one_line_error(code, err), (args, code, err)
    assert time.monotonic() - t < 10, args


def test_compare_error_names_the_option(capsys):
    code, _, err = run_main(["oc", "--r", "5", "--n", "29", "--p", "0.1", "--plot", "/tmp/never.png",
                             "--compare", "6000/7000"], capsys)
    assert "--compare '6000/7000'" in err


def test_tiny_alpha_is_searched_not_refused(capsys):
    code, out, err = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "1e-17", "--beta", "0.2"], capsys)
    # a human table shows "<0.0001", never 0.0000 nor scientific notation; JSON keeps the exact value
    assert code == 0 and "<0.0001" in out and "0.0000 " not in out and "e-18" not in out
    res = simon_design(0.1, 0.3, 1e-17, 0.2)
    code, js, _ = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "1e-17", "--beta", "0.2", "--format",
                            "json"], capsys)
    assert code == 0 and str(res.optimal.attained_alpha) in js
    assert res.optimal.attained_alpha <= 1e-17 and res.optimal.power >= 0.8


def test_single_stage_can_use_one_patient():
    d = single_stage_design(0.02, 0.85, 0.05, 0.2).design
    assert (d.r, d.n) == (0, 1)
    assert "treat 1 patient;" in d.rule()


def test_single_stage_exact_tie_is_feasible():
    # p0 = 1/2, alpha = 1/16: the rule 3/4 (all 4 respond) attains exactly 1/16 with power 0.95^4 = 0.8145
    d = single_stage_design(0.5, 0.95, 0.0625, 0.2).design
    assert (d.r, d.n) == (3, 4)
    exact_alpha = Fraction(1, 16)
    assert Fraction(d.attained_alpha).limit_denominator(10 ** 6) == exact_alpha


def test_simon_reports_possible_exact_ties():
    res = simon_design(0.5, 0.95, 0.0625, 0.2)
    assert res.near_ties and "double precision" in res.tie_note()
    assert simon_design(0.1, 0.3, 0.05, 0.2).near_ties == ()


def test_evaluate_accepts_named_priors():
    assert evaluate(3, 9, 0.5, prior="jeffreys").prior == (0.5, 0.5)
    uniform = evaluate(3, 9, 0.5, prior="uniform")
    assert uniform.threshold.posterior_prob_at_least == pytest.approx(float(Fraction(11, 64)), rel=1e-12)


@pytest.mark.parametrize("p", ["0.1", [0.1, "x"], {}, None, [[0.1]]])
def test_oc_grid_rejects_non_numbers_with_named_message(p):
    with pytest.raises((TypeError, ValueError), match=r"^p must"):
        two_stage_oc(1, 10, 5, 29, p)


@pytest.mark.parametrize("kwargs,match", [(dict(levels="0.8"), "^levels"), (dict(p1="0.3"), "^p1")])
def test_plan_rejects_strings_for_sequences(kwargs, match):
    with pytest.raises(TypeError, match=match):
        plan_followup("3/9", 0.1, 0.05, 0.2, **kwargs)


@pytest.mark.parametrize("a,b", [(1e-320, 1.0), (1e308, 1e308), (1.0, 1e13)])
def test_beta_parameters_outside_the_range_are_refused(a, b):
    with pytest.raises(ValueError, match=r"^[ab] must be a number in \[1e-06, 1e\+12\]"):
        predictive_oc("2/10,9/40", a, b)


def test_conditional_error_large_n2_is_fast_and_ties_are_exact():
    t = time.monotonic()
    res = analyze_two_stage((1, 10, 5, 29), 2, 1, n2=4990, p0=0.3333333333333333)
    assert time.monotonic() - t < 5 and res.adjustment == "conditional_error"
    # exact tie: planned P(X2 > 0 | n2 = 1, 1/2) = 1/2 = P(X2' > 1 | n2' = 3, 1/2), so c = 1, r_used = 2
    tie = analyze_two_stage((0, 2, 1, 3), 1, 1, n2=3, p0=0.5)
    assert tie.r_used == 2 and tie.conditional_error_actual == 0.5 == tie.conditional_error_planned


def test_feasible_listing_is_capped_and_columns_are_exact():
    with pytest.raises(ValueError, match="candidate"):
        simon_feasible_designs(0.1, 0.3, 0.05, 0.2, n_range=(2, 400))
    df = simon_feasible_designs(0.1, 0.3, 0.05, 0.2, n_range=(29, 29), n1_range=(10, 10))
    row = df.iloc[0]
    pet0 = sum(math.comb(10, k) * 0.1 ** k * 0.9 ** (10 - k) for k in range(int(row.r1) + 1))
    assert row.pet0 == pytest.approx(pet0, rel=1e-12)


def test_json_plan_has_no_nan(capsys):
    code, out, _ = run_main(["plan", "--pilot", "0/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2",
                             "--p1", "0.3", "--prior", "uniform", "--format", "json"], capsys)
    assert code == 0 and "NaN" not in out
    json.loads(out)

"""evaluate(): the 3/9 case, exact threshold probabilities, decisions, CLI formats and errors."""

import csv
import io
import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from phase2design import evaluate
from phase2design.cli import cli
from phase2design.cli._common import flat as _flat
from phase2design.plots import evaluation_distributions, plot_evaluation


def run_cli(*args):
    res = CliRunner().invoke(cli, list(args), prog_name="phase2design")
    return res.exit_code, res.stdout, res.stderr if hasattr(res, "stderr") else ""


def run_main(*args):
    """The installed entry point as a process: what a user sees (stderr, exit code)."""
    proc = subprocess.run([sys.executable, "-m", "phase2design", *args], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def frac_tail_le(x, n, t):
    return sum(math.comb(n, k) * t ** k * (1 - t) ** (n - k) for k in range(x + 1))


# Harada et al., Thoracic Cancer 2021;12(5):643-649: n = 9, 3 responses; exact Clopper-Pearson
# 90% CI 9.8-65.5%, 95% CI 7.5-70.1%; predefined criterion 50% not reached.
def test_seed_case_numbers():
    ev = evaluate(3, 9, 0.5)
    (lo90, hi90), (lo95, hi95) = [(c.low, c.high) for c in ev.intervals]
    assert [round(100 * v, 1) for v in (lo90, hi90, lo95, hi95)] == [9.8, 65.5, 7.5, 70.1]
    assert [c.confidence_level for c in ev.intervals] == [0.90, 0.95]
    assert ev.threshold.met is False
    assert ev.threshold.responses_needed == 5
    assert ev.threshold.prob_at_most_x == 130 / 512  # exactly representable
    assert ev.threshold.prob_at_most_x_fraction == "130/512"
    assert ev.threshold.inside_ci == (True, True)


def test_seed_case_cli_text():
    code, out, _ = run_cli("evaluate", "3/9", "--threshold", "0.5")
    assert code == 0
    for piece in ("9.8-65.5", "7.5-70.1", "not met", "at least 5 of 9", "P(X <= 3) = 0.2539", "130/512"):
        assert piece in out, piece


def test_exact_rate_avoids_float_ceiling():
    # 1/3 typed as 0.3333333333333333 times 9 is 3.0000000000000004 in floats; 3 of 9 falls just short
    # of that decimal, so 4 are needed; 0.3 of 10 needs exactly 3.
    assert evaluate(3, 10, 0.3).threshold.responses_needed == 3
    assert evaluate(3, 10, 0.3).threshold.met is True
    ev = evaluate(2, 10, 0.25)
    assert ev.threshold.responses_needed == 3 and ev.threshold.met is False


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.data(), st.sampled_from(["0.05", "0.1", "0.2", "0.25", "0.3", "0.5", "0.65", "0.9"]))
def test_threshold_quantities_match_exact_oracle(n, data, t_text):
    x = data.draw(st.integers(0, n))
    t = Fraction(t_text)
    ev = evaluate(x, n, float(t_text))
    th = ev.threshold
    assert th.prob_at_most_x == pytest.approx(float(frac_tail_le(x, n, t)), rel=1e-12)
    upper = 1 - frac_tail_le(x - 1, n, t) if x > 0 else Fraction(1)
    assert th.prob_at_least_x == pytest.approx(float(upper), rel=1e-12)
    need = th.responses_needed
    assert Fraction(need, n) >= t and (need == 0 or Fraction(need - 1, n) < t)
    assert th.met == (Fraction(x, n) >= t)
    for ci, inside in zip(ev.intervals, th.inside_ci):
        assert inside == (ci.low <= float(t) <= ci.high)


def test_posterior_and_p0_against_scipy():
    from scipy import stats

    ev = evaluate(3, 9, 0.5, p0=0.1, prior=(1, 1))
    assert ev.threshold.posterior_prob_at_least == pytest.approx(stats.beta.sf(0.5, 4, 7), rel=1e-12)
    assert ev.pvalue_vs_p0 == pytest.approx(stats.binom.sf(2, 9, 0.1), rel=1e-12)
    # smallest k with P(X >= k | p0) <= alpha, by brute force
    k = next(k for k in range(10) if stats.binom.sf(k - 1, 9, 0.1) <= 0.05)
    assert ev.p0_boundary == k == 4


@pytest.mark.parametrize("design,x,n,outcome,reject", [
    ("2/9", 3, 9, "succeeded", True),
    ("3/9", 3, 9, "failed", False),
    ("1/9,4/20", 1, 9, "stopped_at_stage1", False),
    ("1/9,4/20", 3, 9, "continue", False),
    ("1/9,4/20", 5, 20, "continued_succeeded", True),
    ("1/9,4/20", 4, 20, "continued_failed", False),
])
def test_design_decisions(design, x, n, outcome, reject):
    ev = evaluate(x, n, 0.5, design=design)
    assert ev.design.outcome == outcome and ev.design.reject_h0 is reject


@pytest.mark.parametrize("args,fragment", [
    (["evaluate", "10/9", "--threshold", "0.5"], "x must be at most n"),
    (["evaluate", "--threshold", "0.5", "--", "-1/9"], "observed result must look like x/n"),
    (["evaluate", "3-9", "--threshold", "0.5"], "observed result must look like x/n"),
    (["evaluate", "3/0", "--threshold", "0.5"], "n must be >= 1"),
    (["evaluate", "3/9", "--threshold", "1.5"], "threshold must lie strictly between 0 and 1"),
    (["evaluate", "3/9", "--threshold", "0"], "threshold must lie strictly between 0 and 1"),
    (["evaluate", "3/9", "--threshold", "nan"], "threshold must be a number between 0 and 1"),
    (["evaluate", "3/9", "--threshold", "0.5", "--design", "2/x"], "design must look like"),
    (["evaluate", "3/9", "--threshold", "0.5", "--design", "9/9"], "r must be smaller than n"),
    (["evaluate", "3/9", "--threshold", "0.5", "--design", "1/5,4/20"], "n must be the design's n1"),
    (["evaluate", "3/9", "--threshold", "0.5", "--confidence", "1.2"], "confidence_level"),
    (["evaluate", "3/9", "--threshold", "0.5", "--ci-method", "bogus"], "ci_method must be one of"),
    (["evaluate", "3/9", "--threshold", "0.5", "--prior", "0,1"], "prior"),
    (["evaluate", "3/9", "--threshold", "0.5", "--plot", "out.txt"], "plot file must end in"),
    (["analyze", "--design", "1/10,5/29", "--x1", "1", "--x2", "3"], "x2"),
    (["analyze", "--design", "1/10,5/29", "--x1", "11", "--x2", "3"], "x1"),
    (["analyze", "--design", "1/10,5/29", "--x1", "-1"], "x1"),
    (["analyze", "--design", "1/10,5/29", "--x1", "3"], "x2"),
    (["analyze", "--design", "1/10,5/29", "--x1", "3", "--x2", "20"], "x2"),
    (["analyze", "--design", "1/10;5/29", "--x1", "3", "--x2", "2"], "design must look like"),
    (["analyze", "--design", "5/29", "--x1", "3", "--x2", "2"], "two-stage"),
    (["analyze", "--design", "1/10,5/29", "--x1", "3", "--x2", "2", "--p0", "1"], "p0"),
])
def test_bad_input_one_line_exit_2(args, fragment):
    code, out, err = run_main(*args)
    assert code == 2, (args, code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in err


def _csv_row(text):
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    return dict(zip(rows[0], rows[1]))


def _same(csv_value, value):
    if value is None:
        return csv_value == ""
    if isinstance(value, bool):
        return csv_value == str(value)
    if isinstance(value, float):
        return float(csv_value) == value
    return csv_value == str(value)


@pytest.mark.parametrize("args,obj", [
    (["evaluate", "3/9", "--threshold", "0.5", "--p0", "0.1", "--design", "1/9,4/20"],
     lambda: evaluate(3, 9, 0.5, p0=0.1, design="1/9,4/20")),
    (["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1"],
     lambda: __import__("phase2design").analyze_two_stage((1, 10, 5, 29), 2, 4, p0=0.1, alpha=0.05)),
    (["analyze", "--design", "1/10,5/29", "--x1", "1", "--p0", "0.1", "--confidence", "0.9"],
     lambda: __import__("phase2design").analyze_two_stage((1, 10, 5, 29), 1, None, p0=0.1, confidence_level=0.9,
                                                          alpha=0.05)),
])
def test_formats_round_trip(args, obj):
    expected = json.loads(json.dumps(obj().to_dict()))
    code, out, _ = run_cli(*args, "--format", "json")
    assert code == 0 and json.loads(out) == expected
    code, out, _ = run_cli(*args, "--format", "csv")
    row = _csv_row(out)
    flat = _flat(expected)
    assert list(row) == list(flat)
    for k, v in flat.items():
        assert _same(row[k], v), (k, row[k], v)
    code, out, _ = run_cli(*args, "--format", "markdown")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 3 and lines[0].startswith("| ") and lines[1].startswith("|---")


def test_plot_data_and_files(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from scipy import stats

    ev = evaluate(3, 9, 0.5, p0=0.1, design="2/9")
    panels = evaluation_distributions(ev)
    assert np.allclose(panels[0]["pmf"], stats.binom.pmf(np.arange(10), 9, 0.5), rtol=1e-12)
    assert np.allclose(panels[1]["pmf"], stats.binom.pmf(np.arange(10), 9, 0.1), rtol=1e-12)
    assert panels[0]["tail_prob"] == pytest.approx(ev.threshold.prob_at_most_x, rel=1e-12)
    assert panels[1]["tail_prob"] == pytest.approx(ev.pvalue_vs_p0, rel=1e-12)
    assert panels[0]["boundary"] == 5 and panels[1]["boundary"] == 3
    fig = plot_evaluation(ev, tmp_path / "e.png")
    bars = [p.get_height() for p in fig.axes[0].patches]
    assert sorted(bars) == pytest.approx(sorted(panels[0]["pmf"].tolist()))
    assert (tmp_path / "e.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot_evaluation(ev, tmp_path / "e.svg")
    assert b"<svg" in (tmp_path / "e.svg").read_bytes()[:500]
    code, _, _ = run_cli("evaluate", "3/9", "--threshold", "0.5", "--plot", str(tmp_path / "c.png"))
    assert code == 0 and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"

"""Large n: evaluate, its pictures and the interval/p-value functions finish quickly or refuse in one line."""

import json
import math
import re
import time

import matplotlib
import numpy as np
import pytest

from phase2design import evaluate
from phase2design.intervals import (BLAKER_N_LIMIT, EXACT_N_LIMIT, FLOAT_N_LIMIT, METHODS, binom_pvalue,
                                    posterior_prob_at_least, proportion_ci)
from phase2design.plots import evaluation_distributions, evaluation_text_plot, plot_evaluation
from conftest import run_main

matplotlib.use("Agg")


def _timed(fn):
    t = time.monotonic()
    try:
        return fn(), None, time.monotonic() - t
    except ValueError as e:
        return None, e, time.monotonic() - t


@pytest.mark.parametrize("call,limit", [
    (lambda: binom_pvalue(3, 10 ** 30, 0.5), EXACT_N_LIMIT),
    (lambda: binom_pvalue(3, 10 ** 9, 0.5), EXACT_N_LIMIT),
    (lambda: binom_pvalue(3, 10 ** 8, 0.5), EXACT_N_LIMIT),
    (lambda: proportion_ci(3, 10 ** 30, method="blaker"), BLAKER_N_LIMIT),
    (lambda: proportion_ci(5 * 10 ** 7, 10 ** 8, method="blaker"), BLAKER_N_LIMIT),
    (lambda: proportion_ci(3, 10 ** 30), FLOAT_N_LIMIT),
    (lambda: posterior_prob_at_least(3, 10 ** 30, 0.5), FLOAT_N_LIMIT),
    (lambda: evaluate(3, 10 ** 7, 0.5), EXACT_N_LIMIT),
])
def test_huge_n_is_refused_at_once_naming_n_and_the_limit(call, limit):
    _, err, took = _timed(call)
    assert took < 2 and err is not None
    msg = str(err)
    assert msg.startswith(f"n must be at most {limit} for ") and re.search(r"\), got [0-9]+$", msg), msg
    assert "\n" not in msg


@pytest.mark.parametrize("call,ref", [
    (lambda: binom_pvalue(3, 10 ** 6, 0.5), 0.0),
    (lambda: binom_pvalue(200_000, 10 ** 6, 0.2, "greater"), None),
    (lambda: proportion_ci(3, BLAKER_N_LIMIT, method="blaker").high, None),
    (lambda: proportion_ci(3, 10 ** 15).high, None),
])
def test_largest_allowed_n_is_fast(call, ref):
    value, err, took = _timed(call)
    assert err is None and took < 2 and math.isfinite(value)
    if ref is not None:
        assert value == ref


def test_cp_at_large_n_is_the_poisson_limit():
    # for n = 10**15 the binomial is Poisson to ~1e-15: the limits are Gamma(3) and Gamma(4) quantiles over n
    from scipy import stats

    n = 10 ** 15
    ci = proportion_ci(3, n)
    assert ci.low == pytest.approx(stats.gamma.ppf(0.025, 3) / n, rel=1e-9)
    assert ci.high == pytest.approx(stats.gamma.ppf(0.975, 4) / n, rel=1e-9)


@pytest.mark.parametrize("x,n", [(30_000, 100_000), (300_000, 10 ** 6), (0, 10 ** 6), (10 ** 6, 10 ** 6)])
def test_evaluate_and_pictures_at_large_n(tmp_path, x, n):
    t = time.monotonic()
    ev = evaluate(x, n, 0.5, p0=0.2)
    text = evaluation_text_plot(ev)
    plot_evaluation(ev, tmp_path / "e.png")
    assert time.monotonic() - t < 8
    lines = text.splitlines()
    assert len(lines) < 120  # two panels of at most about 50 lines each
    assert "folded:" in text and "values, each P(X=k) < 0.0001" in text
    assert f"<- observed {x}" in text
    assert ev.threshold.responses_needed == n // 2
    assert (tmp_path / "e.png").read_bytes()[:4] == b"\x89PNG"


def test_grouped_picture_adds_up():
    ev = evaluate(0, 10 ** 6, 0.5)
    text = evaluation_text_plot(ev)
    rows = [ln for ln in text.splitlines()[2:] if ln.strip() and ln.strip()[0].isdigit()]
    total = sum(float(ln.split()[1]) for ln in rows)
    assert total == pytest.approx(1.0, abs=1e-3 * len(rows))
    covered = []
    for ln in rows:
        first = ln.split()[0]
        a, _, b = first.partition("-")
        covered.append((int(a), int(b or a)))
    assert covered[0][0] == 0 and covered[-1][1] == 10 ** 6
    assert all(b + 1 == a2 for (_, b), (a2, _) in zip(covered, covered[1:]))  # every count once, in order


def test_cli_huge_evaluate_is_quick_and_short(capsys, tmp_path):
    t = time.monotonic()
    code, out, err = run_main(["evaluate", "0/1000000", "--threshold", "0.5"], capsys)
    assert code == 0 and time.monotonic() - t < 5 and len(out.splitlines()) < 100
    code, out, err = run_main(["evaluate", "300000/1000000", "--threshold", "0.5", "--p0", "0.2", "--plot",
                               str(tmp_path / "x.png")], capsys)
    assert code == 0 and time.monotonic() - t < 15
    code, out, err = run_main(["evaluate", "3/10000000", "--threshold", "0.5"], capsys)
    assert code == 2 and "n must be at most 1000000" in err and len(err.strip().splitlines()) == 1


def test_small_pictures_are_unchanged():
    # the support is every count for a small trial: everything is drawn, as before
    ev = evaluate(3, 9, 0.5, p0=0.1)
    panels = evaluation_distributions(ev)
    assert panels[0]["support"] == (0, 9)
    fig = plot_evaluation(ev)
    assert len(fig.axes[0].patches) == 10 and fig.axes[0].get_xlim() == (-0.7, 9.7)
    assert "folded:" not in evaluation_text_plot(ev)


def test_large_figure_draws_only_the_visible_support():
    ev = evaluate(0, 10 ** 5, 0.5)
    (panel,) = evaluation_distributions(ev)
    lo, hi = panel["support"]
    assert 0 < lo < 50_000 < hi < 10 ** 5
    assert np.all(panel["pmf"][:lo] < 1e-12 * panel["pmf"].max())
    fig = plot_evaluation(ev)
    assert fig.axes[0].get_xlim()[0] == -0.7 and fig.axes[0].get_xlim()[1] == hi + 0.7


# ---------------------------------------------------------------------------
# 7: no -0.0
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_no_negative_zero_in_intervals(method):
    for x, n in ((0, 1), (0, 9), (9, 9), (0, 10 ** 5)):
        if method == "blaker" and n > BLAKER_N_LIMIT:
            continue
        ci = proportion_ci(x, n, method=method)
        for v in (ci.low, ci.high):
            assert math.copysign(1, v) == 1, (method, x, n, v)


def test_no_negative_zero_from_evaluate(capsys):
    ev = evaluate(-0.0, 9, 0.5, p0=0.1, prior=(0.5, 0.5))
    assert "-0.0" not in json.dumps(ev.to_dict())
    for kw in (dict(threshold=-0.0), dict(threshold=0.5, p0=-0.0), dict(threshold=0.5, alpha=-0.0),
               dict(threshold=0.5, prior=(-0.0, 1.0)), dict(threshold=0.5, confidence_level=-0.0)):
        threshold = kw.pop("threshold")
        with pytest.raises(ValueError) as info:
            evaluate(3, 9, threshold, **kw)
        assert "-0.0" not in str(info.value), kw
    for ci_method in ("wald", "agresti-coull", "wilson"):
        code, out, err = run_main(["evaluate", "0/9", "--threshold", "0.5", "--ci-method", ci_method,
                                   "--format", "json"], capsys)
        assert code == 0 and "-0.0" not in out

"""Command-line cases of the robustness audit: exact grids, -0, large stage-2 changes, output files, progress."""

import json
import os
import time

import pytest

from conftest import run_main
from smallfs import fill, small_fs  # noqa: F401  (fixture)

REPORT = ["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--no-figures"]


def test_range_grid_keeps_tiny_rates(capsys):
    """Once rounded to 12 decimals: three rows at p = 0 with reject 0."""
    code, out, _ = run_main(["oc", "--r", "0", "--n", "10", "--p", "1e-13:3e-13:1e-13", "--format", "csv"], capsys)
    assert code == 0
    rows = [ln.split(",") for ln in out.strip().splitlines()[1:]]
    assert [float(r[0]) for r in rows] == [1e-13, 2e-13, 3e-13]
    assert all(float(r[1]) > 0 for r in rows)


def test_range_grid_keeps_thirteen_digits(capsys):
    code, out, _ = run_main(["oc", "--r", "0", "--n", "10", "--p", "0.1000000000001:0.1000000000003:0.0000000000001",
                             "--format", "csv"], capsys)
    assert [float(ln.split(",")[0]) for ln in out.strip().splitlines()[1:]] == [0.1000000000001, 0.1000000000002,
                                                                               0.1000000000003]


def test_range_grid_finer_than_doubles_is_refused(capsys):
    code, _, err = run_main(["oc", "--r", "0", "--n", "10", "--p", "0.1:0.1000000000000000001:1e-20"], capsys)
    assert code == 2 and "finer than double precision" in err and len(err.strip().splitlines()) == 1


def test_range_grid_values_as_typed(capsys):
    code, out, _ = run_main(["oc", "--r", "0", "--n", "10", "--p", "0:1:0.1", "--format", "json"], capsys)
    assert json.loads(out)["p"] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_minus_zero_prints_as_zero(fmt, capsys):
    code, out, _ = run_main(["oc", "--r", "0", "--n", "10", "--p", "-0", "--format", fmt], capsys)
    assert code == 0 and "-0.0" not in out


@pytest.mark.parametrize("args", [
    ["--design", "1/10,1/4990", "--x1", "5", "--x2", "5", "--n2", "4985", "--p0", "0.3333333333333333"],
    ["--design", "1/10,4495/4500", "--x1", "2", "--x2", "3", "--n2", "4480", "--p0", "0.3"],
])
def test_changed_stage_two_with_certain_conditional_error_is_fast(args, capsys):
    """Once 52 and 72 s: the planned conditional error is exactly 1 (or 0), so no exact search is needed."""
    t = time.monotonic()
    code, out, err = run_main(["analyze", *args], capsys)
    assert code == 0, err
    assert time.monotonic() - t < 20
    assert "conditional type I error" in out


def test_report_to_stdout_with_dash(capsys):
    code, out, _ = run_main(REPORT + ["-o", "-"], capsys)
    assert code == 0 and out.startswith("# Phase II design report")


def test_grid_to_stdout_with_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["grid", "--p0", "0.1,0.2", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2",
                               "--family", "simon", "-o", "-", "--backend", "serial"], capsys)
    assert code == 0, err
    assert out.startswith("p0,p1,alpha,beta,family,kind") and len(out.strip().splitlines()) == 5
    assert os.listdir(tmp_path) == []  # no file called '-', no journal


def test_report_on_a_full_disk_keeps_the_old_file(small_fs, capsys):  # noqa: F811
    path = os.path.join(small_fs, "r.md")
    with open(path, "w") as fh:
        fh.write("previous report")
    fill(small_fs)
    code, _, err = run_main(REPORT + ["-o", path], capsys)
    assert code == 2 and path in err and len(err.strip().splitlines()) == 1
    assert open(path).read() == "previous report"
    assert sorted(os.listdir(small_fs)) == ["filler", "r.md"]


def test_report_and_plan_report_progress():
    """The CLI's progress note hangs on these callbacks (shown on a terminal after half a second)."""
    from phase2design import make_report, plan_followup

    seen = []
    make_report(0.1, 0.3, 0.05, 0.2, fmt="md", figures=False, progress=seen.append)
    assert seen and all(isinstance(n, int) for n in seen)
    seen.clear()
    plan_followup((3, 9), 0.1, 0.05, 0.2, progress=seen.append)
    assert seen


@pytest.mark.parametrize("args, hint", [
    (["simon", "--p0", "10", "--p1", "30", "--alpha", "0.05", "--beta", "0.2"], "write 0.1 for 10%"),
    (["evaluate", "3/9", "--threshold", "0.5", "--confidence", "90"], "write 0.9 for 90%"),
    (["evaluate", "3", "9", "--threshold", "0.5"], "did you mean 3/9?"),
    (["evaluate", "3,9", "--threshold", "0.5"], "did you mean 3/9?"),
])
def test_natural_mistakes_get_a_hint(args, hint, capsys):
    code, _, err = run_main(args, capsys)
    assert code == 2 and hint in err and len(err.strip().splitlines()) == 1


def test_power_is_the_alternative_to_beta(capsys):
    _, a, _ = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--power", "0.8"], capsys)
    _, b, _ = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"], capsys)
    assert a == b and "1/10" in a


@pytest.mark.parametrize("args, message", [
    (["--beta", "0.8"], "for power 0.8 give beta=0.2"),
    (["--beta", "0.2", "--power", "0.8"], "not both"),
    ([], "give --beta"),
    (["--power", "80"], "a percentage?"),
])
def test_beta_mistakes_are_caught(args, message, capsys):
    code, _, err = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", *args], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_library_refuses_beta_of_a_half_or_more():
    from phase2design import simon_design

    with pytest.raises(ValueError, match="beta must be below 0.5"):
        simon_design(0.1, 0.3, 0.05, 0.8)
    with pytest.raises(ValueError, match="alpha must be below 0.5"):
        simon_design(0.1, 0.3, 0.6, 0.2)


def test_analyze_without_x2_names_the_option(capsys):
    """Once: 'x2 is required ..., got None'."""
    code, _, err = run_main(["analyze", "--design", "1/10,5/29", "--x1", "3"], capsys)
    assert code == 2 and "--x2" in err and "None" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("r, x1, n2_planned, n2", [(5, 6, 19, 25), (5, 7, 19, 12), (2, 1, 1, 9), (9, 1, 6, 4)])
def test_certain_conditional_error_shortcut_equals_the_exact_search(r, x1, n2_planned, n2):
    """When r - x1 < 0 or >= the planned n2, the shortcut gives the exact routine's cut-off and errors."""
    from phase2design.twostage_inference import _conditional_error_cutoff, _conditional_error_cutoff_exact

    fast = _conditional_error_cutoff(r, x1, n2_planned, n2, 0.3)
    c, planned, actual = _conditional_error_cutoff_exact(r, x1, n2_planned, n2, 0.3)
    assert fast == (c, float(planned), float(actual))


def test_no_percentage_hint_for_a_level_just_above_one(capsys):
    code, _, err = run_main(["evaluate", "3/9", "--threshold", "0.5", "--confidence", "1.5"], capsys)
    assert code == 2 and "percentage" not in err

"""Figures: the plotted arrays are the exact OC / design-space values, files are valid, the CLI draws them."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from scipy import stats

from phase2design import simon_design, single_stage_design, single_stage_oc, two_stage_oc
from conftest import run_main
from phase2design.plots import (default_oc_grid, design_space_data, oc_comparison_designs, oc_curve_data,
                                plot_design_space, plot_oc)

matplotlib.use("Agg")

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def simon():
    return simon_design(0.1, 0.3, 0.05, 0.2)


@pytest.fixture(scope="module")
def single():
    return single_stage_design(0.1, 0.3, 0.05, 0.2).design


def _lines(fig):
    return {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid()}


def _brute_two_stage(r1, n1, r, n, p):
    """P(reject), PET, EN from scipy.stats, independently of the engine."""
    n2 = n - n1
    x1 = np.arange(r1 + 1, n1 + 1)
    reject = float(np.sum(stats.binom.pmf(x1, n1, p) * stats.binom.sf(r - x1, n2, p)))
    pet = float(stats.binom.cdf(r1, n1, p))
    return reject, pet, n1 + (1 - pet) * n2


# ---------------------------------------------------------------------------
# OC curves
# ---------------------------------------------------------------------------

def test_oc_curve_data_is_the_exact_oc():
    grid = np.linspace(0, 1, 41)
    curves = oc_curve_data(["1/10,5/29", (5, 25)], grid)
    two, one = curves
    ref = two_stage_oc(1, 10, 5, 29, grid)
    assert two["stages"] == 2 and two["design"] == "1/10, 5/29" and two["label"] == "two stage 1/10, 5/29"
    assert np.array_equal(two["p"], grid)
    assert np.array_equal(two["reject"], ref.reject) and np.array_equal(two["pet"], ref.pet)
    assert np.array_equal(two["en"], ref.en)
    for p, rej, pet, en in zip(grid[1:-1:5], two["reject"][1:-1:5], two["pet"][1:-1:5], two["en"][1:-1:5]):
        assert (rej, pet, en) == pytest.approx(_brute_two_stage(1, 10, 5, 29, p), rel=1e-10)
    ref1 = single_stage_oc(5, 25, grid)
    assert one["stages"] == 1 and one["label"] == "single stage 5/25"
    assert np.array_equal(one["reject"], ref1.reject)
    assert np.allclose(one["reject"][1:-1], stats.binom.sf(5, 25, grid[1:-1]), rtol=1e-10)
    assert np.all(one["pet"] == 0) and np.all(one["en"] == 25)


def test_one_design_forms(simon):
    # a design object, a 4-tuple and a string are each one design; a list of them is several
    assert len(oc_curve_data(simon.optimal)) == 1
    assert len(oc_curve_data((1, 10, 5, 29))) == 1
    assert len(oc_curve_data("5/25")) == 1
    assert oc_curve_data(simon.optimal)[0]["label"] == "optimal 1/10, 5/29"
    assert len(oc_curve_data([simon.optimal, (1, 10, 5, 29)])) == 2
    assert oc_curve_data("5/25")[0]["p"].size == 101  # default grid 0, 0.01, ..., 1


def test_plotted_lines_equal_oc_values(simon, single, tmp_path):
    designs, labels = oc_comparison_designs(simon, single)
    grid = default_oc_grid(0.1, 0.3)
    fig = plot_oc(designs, grid, p0=0.1, p1=0.3, labels=labels, path=tmp_path / "oc.png")
    lines = _lines(fig)
    for c in oc_curve_data(designs, grid, labels=labels):
        for key in ("reject", "pet", "en"):
            gid = f"{key}:{c['label']}"
            if key == "pet" and c["stages"] == 1:
                assert gid not in lines  # a single stage never stops early: no PET line
                continue
            assert np.array_equal(lines[gid].get_xdata(), grid), gid
            assert np.array_equal(lines[gid].get_ydata(), c[key]), gid
    # p0 and p1 are marked in every panel
    for ax in fig.axes:
        marks = {float(ln.get_xdata()[0]) for ln in ax.get_lines() if not ln.get_gid()}
        assert marks == {0.1, 0.3}
    # designs differ by line style and marker, not only colour (greyscale printing)
    styles = {(lines[f"reject:{lab}"].get_linestyle(), lines[f"reject:{lab}"].get_marker()) for lab in labels}
    assert len(styles) == len(labels)
    assert (tmp_path / "oc.png").read_bytes()[:8] == PNG


def test_comparison_set(simon, single):
    designs, labels = oc_comparison_designs(simon, single)
    assert labels == ["optimal 1/10, 5/29", "minimax 1/15, 5/25", "admissible 1/12, 5/26 (best at q = 0.5)",
                      "single stage 5/25"]
    assert designs[2].q_low <= 0.5 <= designs[2].q_high
    designs, labels = oc_comparison_designs(simon, None, chosen=simon.minimax)
    assert labels[0] == "chosen: minimax 1/15, 5/25" and len(designs) == 3  # minimax is not repeated


def test_single_stage_only_has_two_panels(tmp_path):
    fig = plot_oc(["5/25", "6/29"], np.linspace(0, 0.6, 61), path=tmp_path / "s.svg")
    assert len(fig.axes) == 2
    root = ET.parse(tmp_path / "s.svg").getroot()
    assert root.tag.endswith("svg")


def test_default_grid():
    g = default_oc_grid(0.1, 0.3)
    assert g[0] == 0 and g[-1] == pytest.approx(0.5) and len(g) == 201
    assert default_oc_grid(0.5, 0.8)[-1] == 1.0
    assert default_oc_grid(0.05, 0.2, points=11)[-1] == pytest.approx(0.4)


@pytest.mark.parametrize("call,exc,fragment", [
    (lambda: plot_oc("5/25", path="oc.txt"), ValueError, "plot file must end in"),
    (lambda: oc_curve_data([]), ValueError, "at least one design"),
    (lambda: oc_curve_data(["5/25"], labels=["a", "b"]), ValueError, "labels must have one entry per design"),
    (lambda: oc_curve_data("5/x"), ValueError, "design must look like"),
    (lambda: oc_curve_data("5/25", [0.1, 1.2]), ValueError, "p must lie in [0, 1]"),
    (lambda: plot_oc("5/25", p0=1.5), ValueError, "p0 must lie in [0, 1]"),
    (lambda: design_space_data("1/10,5/29"), TypeError, "SimonResult"),
    (lambda: oc_comparison_designs(None), TypeError, "SimonResult"),
    (lambda: default_oc_grid(0.3, 0.1), ValueError, "p0 must be smaller than p1"),
])
def test_bad_input_one_line(call, exc, fragment):
    with pytest.raises(exc) as info:
        call()
    assert fragment in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------------------------------
# Design space
# ---------------------------------------------------------------------------

def test_design_space_data_and_figure(simon, tmp_path):
    data = design_space_data(simon)
    assert data["n"].tolist() == [d.n for d in simon.best_by_n]
    assert data["en0"].tolist() == [d.en0 for d in simon.best_by_n]
    assert [a["label"] for a in data["admissible"]] == ["1/15, 5/25", "1/12, 5/26", "1/11, 5/27", "1/10, 5/29"]
    assert [a["kind"] for a in data["admissible"]] == ["minimax", "admissible", "admissible", "optimal"]
    fig = plot_design_space(simon, tmp_path / "space.svg")
    lines = _lines(fig)
    assert np.array_equal(lines["best_by_n"].get_xdata(), data["n"])
    assert np.array_equal(lines["best_by_n"].get_ydata(), data["en0"])
    assert lines["admissible"].get_xdata().tolist() == [25, 26, 27, 29]
    assert lines["admissible"].get_ydata().tolist() == [a["en0"] for a in data["admissible"]]
    # the q panel: one bar per admissible design, exactly its q range, together covering [0, 1]
    bars = sorted((p.get_x(), p.get_x() + p.get_width()) for p in fig.axes[1].patches)
    expected = sorted((a["q_low"], a["q_high"]) for a in data["admissible"])
    assert np.allclose(bars, expected, rtol=0, atol=1e-15)
    assert bars[0][0] == 0 and bars[-1][1] == pytest.approx(1.0)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for a in data["admissible"]:
        assert f"{a['kind']} {a['label']}" in texts
    assert ET.parse(tmp_path / "space.svg").getroot().tag.endswith("svg")
    plot_design_space(simon, tmp_path / "space.pdf")
    assert (tmp_path / "space.pdf").read_bytes()[:5] == b"%PDF-"


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

run = run_main


def test_cli_oc_plot_with_compare(tmp_path, capsys):
    path = tmp_path / "oc.png"
    code, out, err = run(["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0:0.6:0.01",
                          "--plot", str(path), "--compare", "1/15,5/25", "--compare", "5/25",
                          "--p0", "0.1", "--p1", "0.3"], capsys)
    assert code == 0 and path.read_bytes()[:8] == PNG
    assert err.strip() == f"wrote {path}"
    assert out.startswith("Operating characteristics of two-stage design 1/10, 5/29")


def test_cli_simon_plots(tmp_path, capsys):
    space, oc = tmp_path / "space.svg", tmp_path / "oc.png"
    code, out, err = run(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2",
                          "--plot", str(space), "--plot-oc", str(oc)], capsys)
    assert code == 0 and "optimal: 1/10, 5/29" in out
    assert ET.parse(space).getroot().tag.endswith("svg") and oc.read_bytes()[:8] == PNG
    assert err.splitlines() == [f"wrote {space}", f"wrote {oc}"]


@pytest.mark.parametrize("args,fragment", [
    # --compare without --plot is the comparison table at --p0/--p1 (issue 12), so --p is refused there
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--compare", "5/29"], "add --plot FILE"),
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--p0", "0.1"], "give --plot FILE"),
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--plot", "x.png", "--compare", "5/x"], "design must look like"),
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--plot", "x.png", "--compare", "9/5"], "r must be smaller"),
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--plot", "x.png", "--p1", "2"], "p1 must lie in [0, 1]"),
    (["oc", "--r", "5", "--n", "25", "--p", "0.1", "--plot", "x.txt"], "plot file must end in"),
    (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--plot", "x.gif"],
     "plot file must end in"),
    (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--plot-oc", "x.jpg"],
     "plot file must end in"),
    (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--feasible",
      "--n-range", "25:26", "--plot", "x.png"], "drop --feasible"),
])
def test_cli_plot_errors(args, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and fragment in lines[0], err
    assert not any(tmp_path.iterdir())  # nothing written on bad input


def test_matplotlib_is_imported_lazily():
    code = ("import sys, phase2design.plots, phase2design.report, phase2design.cli; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported at module load'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)

"""Figure files: byte-identical across renders (.png, .svg, .pdf), written whole or not at all."""

import os

import matplotlib
import pytest

from phase2design import evaluate, simon_design
from phase2design._files import OutputPathError, OutputWriteError
from phase2design.plots import plot_design_space, plot_evaluation, plot_oc
from conftest import run_main
from smallfs import fill, small_fs  # noqa: F401  (fixture)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def simon():
    return simon_design(0.1, 0.3, 0.05, 0.2)


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_two_renders_give_identical_bytes(tmp_path, simon, ext):
    ev = evaluate(3, 9, 0.5, p0=0.1)
    for name, draw in (("space", lambda p: plot_design_space(simon, p)),
                       ("oc", lambda p: plot_oc([simon.optimal, simon.minimax], p0=0.1, p1=0.3, path=p)),
                       ("ev", lambda p: plot_evaluation(ev, p))):
        a, b = tmp_path / f"{name}1.{ext}", tmp_path / f"{name}2.{ext}"
        draw(a)
        draw(b)
        assert a.read_bytes() == b.read_bytes(), name
    if ext == "svg":
        text = a.read_text()
        assert "<dc:date>" not in text
    if ext == "pdf":
        assert b"/CreationDate" not in a.read_bytes()


def test_cli_figures_are_reproducible(tmp_path, capsys):
    for i in (1, 2):
        code, _, err = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2",
                                 "--plot", str(tmp_path / f"s{i}.svg")], capsys)
        assert code == 0, err
    assert (tmp_path / "s1.svg").read_bytes() == (tmp_path / "s2.svg").read_bytes()


def test_figure_through_a_symlink_and_refused_targets(tmp_path, simon, capsys):
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    plot_design_space(simon, link)
    assert link.is_symlink() and real.read_bytes()[:4] == b"\x89PNG"
    os.mkfifo(tmp_path / "fifo.png")
    with pytest.raises(OutputPathError, match="FIFO"):
        plot_design_space(simon, tmp_path / "fifo.png")
    (tmp_path / "dir.png").mkdir()
    code, out, err = run_main(["evaluate", "3/9", "--threshold", "0.5", "--plot", str(tmp_path / "dir.png")],
                              capsys)
    assert code == 2 and "directory" in err and len(err.strip().splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == ["dir.png", "fifo.png", "link.png", "real.png"]


def test_full_disk_keeps_the_old_figure(small_fs, simon):
    path = os.path.join(small_fs, "space.png")
    with open(path, "wb") as fh:
        fh.write(b"previous figure")
    fill(small_fs)
    with pytest.raises(OutputWriteError) as info:
        plot_design_space(simon, path)
    assert path in str(info.value) and "\n" not in str(info.value)
    assert open(path, "rb").read() == b"previous figure"
    assert sorted(os.listdir(small_fs)) == ["filler", "space.png"]


def test_full_disk_cli_leaves_no_empty_figure(small_fs, capsys):
    path = os.path.join(small_fs, "space.png")
    fill(small_fs)
    code, _, err = run_main(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2",
                             "--plot", path], capsys)
    assert code == 2 and path in err and len(err.strip().splitlines()) == 1, err
    assert sorted(os.listdir(small_fs)) == ["filler"]

"""Scenario grids: published designs, agreement with single searches, identical output from every backend,
resuming after Ctrl-C and kill -9, and the `grid` command's errors."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import half_unit, read_reference, run_main
from phase2design import simon_design, single_stage_design
from phase2design.grid.runner import (COLUMNS, SIMON_TABLE_ERRORS, GridBusyError, _Journal, grid_scenarios, render,
                               run_grid)

SIMON = read_reference("simon_published.csv")
P0 = [round(0.05 * i, 12) for i in range(1, 15)]  # 0.05 .. 0.70, Simon's tables


run = run_main


@pytest.fixture(scope="module")
def table_grid():
    """Simon's Tables 1 and 2 extended to every alpha x beta combination, with admissible designs."""
    return run_grid(P0, [0.20, 0.15], [0.05, 0.10], [0.10, 0.20], ["single", "simon"], admissible=True,
                    backend="serial")


def _row_dicts(result):
    return [dict(zip(COLUMNS, r)) for r in result.rows]


# ---------------------------------------------------------------------------
# Correctness
# ---------------------------------------------------------------------------

def test_grid_reproduces_every_published_row_on_it(table_grid):
    rows = _row_dicts(table_grid)
    on_grid = 0
    for ref in SIMON:
        key = (float(ref["p0"]), float(ref["p1"]), float(ref["alpha"]), float(ref["beta"]))
        same = [r for r in rows if (r["p0"], r["p1"], r["alpha"], r["beta"]) == key and r["family"] == "simon"]
        if not same:
            continue
        on_grid += 1
        want = tuple(int(ref[k]) for k in ("r1", "n1", "r", "n"))
        match = [r for r in same if (r["r1"], r["n1"], r["r"], r["n"]) == want]
        assert match, f"{ref['id']}: {want} not in {[(r['kind'], r['r1'], r['n1'], r['r'], r['n']) for r in same]}"
        kinds = {r["kind"] for r in match}
        assert ref["kind"] in kinds, (ref["id"], kinds)
        r = match[0]
        for col in ("en0", "pet0", "q_low", "q_high"):
            if ref[col]:
                assert r[col] == pytest.approx(float(ref[col]), abs=half_unit(ref[col])), (ref["id"], col)
    # every published row except Mander & Thompson's two with beta = 0.15 lies on this grid
    assert on_grid == len(SIMON) - 2 == 30


def test_every_grid_row_equals_a_single_search(table_grid):
    scenarios, skipped = grid_scenarios(P0, [0.20, 0.15], [0.05, 0.10], [0.10, 0.20], ["single", "simon"])
    assert skipped == [] and table_grid.scenarios == len(scenarios) == 14 * 2 * 4 * 2
    rows = iter(table_grid.rows)
    for s in scenarios:
        if s.family == "single":
            d = single_stage_design(s.p0, s.p1, s.alpha, s.beta).design
            assert next(rows) == (s.p0, s.p1, s.alpha, s.beta, "single", "single-stage", None, None, d.r, d.n,
                                  float(d.n), 0.0, d.attained_alpha, d.power, None, None, "", d.label())
            continue
        res = simon_design(s.p0, s.p1, s.alpha, s.beta)
        ends = {(res.optimal.r1, res.optimal.n1, res.optimal.r, res.optimal.n),
                (res.minimax.r1, res.minimax.n1, res.minimax.r, res.minimax.n)}
        expected = [("optimal", res.optimal), ("minimax", res.minimax)] + [
            ("admissible", d) for d in res.admissible if (d.r1, d.n1, d.r, d.n) not in ends]
        for kind, d in expected:
            assert next(rows) == (s.p0, s.p1, s.alpha, s.beta, "simon", kind, d.r1, d.n1, d.r, d.n, d.en0,
                                  d.pet0, d.attained_alpha, d.power, d.q_low, d.q_high, "", d.label())
    assert next(rows, None) is None


def test_grid_rows_equal_the_simon_command(capsys, tmp_path):
    out = tmp_path / "g.json"
    code, _, _ = run(["grid", "--p0", "0.1,0.3", "--delta", "0.2", "--errors", "0.05/0.2,0.1/0.1",
                      "--family", "simon", "--backend", "serial", "-o", str(out), "--quiet"], capsys)
    assert code == 0
    rows = json.loads(out.read_text())["rows"]
    for p0, alpha, beta in [(0.1, 0.05, 0.2), (0.3, 0.05, 0.2), (0.3, 0.1, 0.1)]:
        code, text, _ = run(["simon", "--p0", str(p0), "--p1", str(round(p0 + 0.2, 12)), "--alpha", str(alpha),
                             "--beta", str(beta), "--format", "json"], capsys)
        single = json.loads(text)
        for kind in ("optimal", "minimax"):
            want = single[kind]
            got = [r for r in rows if (r["p0"], r["alpha"], r["beta"], r["kind"]) == (p0, alpha, beta, kind)]
            assert len(got) == 1
            for col in ("p0", "p1", "alpha", "beta", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha",
                        "power", "q_low", "q_high"):
                assert got[0][col] == want[col], (p0, kind, col)


def test_skipped_and_infeasible_scenarios():
    g = run_grid([0.05, 0.85], [0.2], errors=[(0.05, 0.2)], family="simon", backend="serial")
    assert g.skipped == ((0.85, 0.2),) and g.scenarios == 1
    g = run_grid([0.5], [0.001], errors=[(0.05, 0.1)], family=["single"], backend="serial")
    assert g.infeasible == 1 and g.rows[0][5] == "none" and "no single-stage design" in g.rows[0][COLUMNS.index("note")]
    with pytest.raises(ValueError, match="every scenario has p1 = p0 \\+ delta >= 1"):
        run_grid([0.9], [0.2], errors=[(0.05, 0.2)], backend="serial")


# ---------------------------------------------------------------------------
# Backends give byte-identical files
# ---------------------------------------------------------------------------

GRID_ARGS = dict(p0=P0, delta=[0.20, 0.15], errors=SIMON_TABLE_ERRORS, family=["single", "simon"], admissible=True)


@pytest.fixture(scope="module")
def serial_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("serial")
    out = {}
    for ext in ("csv", "json", "md"):
        run_grid(**GRID_ARGS, backend="serial", output=d / f"grid.{ext}")
        out[ext] = (d / f"grid.{ext}").read_bytes()
    return out


def test_process_pool_output_is_byte_identical(tmp_path, serial_files):
    for ext in ("csv", "json", "md"):
        g = run_grid(**GRID_ARGS, backend="processes", workers=2, output=tmp_path / f"grid.{ext}")
        assert g.backend == "processes" and g.workers == 2 and g.computed == g.scenarios
        assert (tmp_path / f"grid.{ext}").read_bytes() == serial_files[ext], ext


@pytest.mark.slow
def test_dask_output_is_byte_identical(tmp_path, serial_files, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster:
        g = run_grid(**GRID_ARGS, scheduler=cluster.scheduler_address, output=tmp_path / "grid.csv")
        assert g.backend == "dask" and g.workers == 2 and g.computed == g.scenarios
        with distributed.Client(cluster) as client:
            run_grid(**GRID_ARGS, scheduler=client, output=tmp_path / "grid.json", resume=False)
        code, _, err = run(["grid", "--p0", "0.05:0.70:0.05", "--delta", "0.20,0.15", "--errors",
                            "0.10/0.10,0.05/0.20,0.05/0.10", "--family", "single,simon", "--admissible",
                            "--scheduler", cluster.scheduler_address, "-o", str(tmp_path / "cli.md")], capsys)
        assert code == 0 and "on 2 Dask worker threads" in err
    assert (tmp_path / "grid.csv").read_bytes() == serial_files["csv"]
    assert (tmp_path / "grid.json").read_bytes() == serial_files["json"]
    assert (tmp_path / "cli.md").read_bytes() == serial_files["md"]


def test_json_output_equals_to_dict(tmp_path, capsys):
    g = run_grid(P0[:3], 0.2, errors=[(0.05, 0.2)], backend="serial", output=tmp_path / "g.json")
    assert json.loads((tmp_path / "g.json").read_text()) == g.to_dict()
    code, out, _ = run(["grid", "--p0", "0.05:0.15:0.05", "--delta", "0.2", "--errors", "0.05/0.2",
                        "--backend", "serial", "--format", "json", "--quiet"], capsys)
    assert code == 0 and json.loads(out) == json.loads(json.dumps(g.to_dict()))
    frame = g.to_frame()
    assert list(frame.columns) == list(COLUMNS) and str(frame["r1"].dtype) == "Int64"


def test_parquet_output(tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    g = run_grid(P0[:3], 0.2, errors=[(0.05, 0.2)], backend="serial", output=tmp_path / "g.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "g.parquet"), g.to_frame())


def test_markdown_and_table_output(capsys):
    g = run_grid([0.1], 0.2, errors=[(0.05, 0.2)], backend="serial")
    md = render(g.rows, "markdown")
    assert md.startswith("Convention: ") and "| 0.1 | 0.3 | 0.05 | 0.2 | simon | optimal | 1 | 10 | 5 | 29 |" in md
    code, out, err = run(["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--backend", "serial"],
                         capsys)
    assert code == 0 and "Convention (Simon 1989)" in out and "grid: 2 scenarios (2 computed)" in err


# ---------------------------------------------------------------------------
# Resuming
# ---------------------------------------------------------------------------

def test_rerun_skips_done_scenarios_and_gives_the_same_file(tmp_path, serial_files):
    out = tmp_path / "grid.csv"
    part = run_grid(**{**GRID_ARGS, "p0": P0[:5]}, backend="serial", output=out)
    assert part.computed == part.scenarios == 5 * 2 * 3 * 2
    full = run_grid(**GRID_ARGS, backend="serial", output=out)
    assert (full.from_journal, full.computed) == (part.scenarios, full.scenarios - part.scenarios)
    assert out.read_bytes() == serial_files["csv"]
    again = run_grid(**GRID_ARGS, backend="serial", output=out)
    assert (again.from_journal, again.computed) == (again.scenarios, 0)
    fresh = run_grid(**GRID_ARGS, backend="serial", output=out, resume=False)
    assert fresh.computed == fresh.scenarios
    assert out.read_bytes() == serial_files["csv"]


def test_a_cut_journal_line_is_dropped_and_recomputed(tmp_path, serial_files):
    out = tmp_path / "grid.csv"
    run_grid(**GRID_ARGS, backend="serial", output=out)
    journal = tmp_path / "grid.csv.journal"
    data = journal.read_bytes()
    journal.write_bytes(data[:-40])  # as if killed in the middle of writing the last line
    g = run_grid(**GRID_ARGS, backend="serial", output=out)
    assert g.computed == 1 and g.from_journal == g.scenarios - 1
    assert out.read_bytes() == serial_files["csv"]
    assert journal.read_bytes().count(b"\n") == g.scenarios + 1  # header + one line per scenario


def test_journal_from_another_version_is_ignored(tmp_path):
    out = tmp_path / "g.csv"
    run_grid([0.1], 0.2, errors=[(0.05, 0.2)], backend="serial", output=out)
    journal = tmp_path / "g.csv.journal"
    lines = journal.read_text().splitlines()
    lines[0] = lines[0].replace('"version": "', '"version": "0.0.0-')
    journal.write_text("\n".join(lines) + "\n")
    g = run_grid([0.1], 0.2, errors=[(0.05, 0.2)], backend="serial", output=out)
    assert g.computed == g.scenarios == 2


def test_second_writer_is_refused(tmp_path):
    out = tmp_path / "g.csv"
    holder = _Journal(str(out) + ".journal", resume=True)
    try:
        with pytest.raises(GridBusyError, match="another grid run is writing"):
            run_grid([0.1], 0.2, errors=[(0.05, 0.2)], backend="serial", output=out)
    finally:
        holder.close()


def _csv_scenarios(path):
    """Rows of a grid CSV grouped by scenario; fails on a malformed or partial row."""
    text = path.read_text()
    assert text.endswith("\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    groups = {}
    for r in rows[1:]:
        assert len(r) == len(COLUMNS), r
        key = tuple(r[:5])
        groups.setdefault(key, []).append(r[5])
    for key, kinds in groups.items():
        assert kinds == ["optimal", "minimax"], (key, kinds)  # every scenario complete, once
    return groups


KILL_GRID = ["grid", "--p0", "0.20:0.60:0.05", "--delta", "0.05", "--errors", "0.05/0.10,0.05/0.20,0.10/0.10",
             "--family", "simon"]


@pytest.fixture(scope="module")
def kill_reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("killref") / "ref.csv"
    scen, _ = grid_scenarios([round(0.2 + 0.05 * i, 12) for i in range(9)], 0.05, family="simon",
                             errors=[(0.05, 0.1), (0.05, 0.2), (0.1, 0.1)])
    g = run_grid([round(0.2 + 0.05 * i, 12) for i in range(9)], 0.05, family="simon",
                 errors=[(0.05, 0.1), (0.05, 0.2), (0.1, 0.1)], backend="serial", output=out)
    assert g.scenarios == len(scen) == 27
    return out.read_bytes()


def _start_and_stop(out, extra, sig, min_done=3):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "phase2design", *KILL_GRID, "-o", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    journal = out.parent / (out.name + ".journal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 1 + min_done:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the grid finished before it could be interrupted; make it larger"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    return proc.returncode, stdout, stderr


@pytest.mark.slow
def test_ctrl_c_leaves_a_valid_file_and_the_rerun_completes(tmp_path, kill_reference):
    out = tmp_path / "designs.csv"
    code, stdout, stderr = _start_and_stop(out, ["--backend", "processes", "--workers", "2"], signal.SIGINT)
    assert code == 130, stderr
    assert "Traceback" not in stderr
    assert "run the same command again" in stderr and "designs.csv.journal" in stderr
    done = _csv_scenarios(out)
    assert 3 <= len(done) < 27
    p = subprocess.run([sys.executable, "-m", "phase2design", *KILL_GRID, "-o", str(out), "--backend", "serial"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert f"{len(done)} from the journal" in p.stderr
    assert len(_csv_scenarios(out)) == 27
    assert out.read_bytes() == kill_reference


@pytest.mark.slow
def test_kill_9_leaves_a_valid_file_and_the_rerun_completes(tmp_path, kill_reference):
    out = tmp_path / "designs.csv"
    code, _, _ = _start_and_stop(out, ["--backend", "serial"], signal.SIGKILL, min_done=5)
    assert code == -signal.SIGKILL
    done = _csv_scenarios(out)  # whatever the last checkpoint held: complete scenarios only
    assert len(done) < 27
    p = subprocess.run([sys.executable, "-m", "phase2design", *KILL_GRID, "-o", str(out), "--backend", "serial"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert len(_csv_scenarios(out)) == 27
    assert out.read_bytes() == kill_reference
    lines = (tmp_path / "designs.csv.journal").read_text().splitlines()
    keys = [json.dumps(json.loads(ln)["key"]) for ln in lines[1:]]
    assert len(keys) == len(set(keys)) == 27  # each scenario journaled exactly once


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

BASE = ["grid", "--p0", "0.1,0.2", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2", "--backend", "serial"]


@pytest.mark.parametrize("args,msg", [
    (["grid", "--p0", "0.1", "--delta", "0", "--alpha", "0.05", "--beta", "0.2"], "delta"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--alpha", "0.05"], "needs --alpha and --beta"),
    (["grid", "--p0", "0.1,0.1", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2"], "p0 lists 0.1 twice"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--alpha", "0.5", "--beta", "0.5"], "alpha + beta"),
    (["grid", "--p0", "0.9", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2"], "p1 = p0 + delta >= 1"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05-0.2"], "--errors must be alpha/beta pairs"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--alpha", "0.05"], "not both"),
    (BASE + ["--family", "single,twostage"], "family must be one of"),
    (BASE + ["-o", "designs.txt"], "cannot tell the output format"),
    (BASE + ["-o", "no/such/dir/g.csv"], "output directory does not exist"),
    (BASE + ["--format", "parquet"], "Parquet output needs a file"),
    (BASE + ["--workers", "0"], "workers must be >= 1"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--backend", "dask"], "needs a scheduler"),
    (["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--backend", "serial", "--scheduler",
      "tcp://127.0.0.1:8786"], "only used by backend 'dask'"),
])
def test_bad_input_exits_2_with_one_line(capsys, args, msg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("Error:") and msg in lines[0], err


def test_missing_dask_says_how_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, out, err = run(["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--scheduler",
                          "tcp://127.0.0.1:8786"], capsys)
    assert code == 2 and "pip install 'phase2design[distributed]'" in err and len(err.splitlines()) == 1


def test_missing_pyarrow_says_how_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    code, out, err = run(BASE + ["-o", str(tmp_path / "g.parquet")], capsys)
    assert code == 2 and "needs pyarrow" in err and len(err.splitlines()) == 1


def test_progress_bar_draws_only_on_a_terminal(monkeypatch, capsys):
    from phase2design.cli.grid import _Bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    bar = _Bar(True)
    bar(1, 4)
    bar.done()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = _Bar(True)
    bar(2, 4)
    bar(4, 4)
    bar.done()
    err = capsys.readouterr().err
    assert "grid [###############...............] 2/4 scenarios" in err and "4/4 scenarios" in err
    assert err.endswith("\r")

"""Grid runner robustness: huge grids refused at once, Ctrl-C stops the pool, scheduler addresses checked,
exact p1, no -0.0, output files atomic (links written through, devices refused, full disk)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from phase2design._files import OutputPathError, OutputWriteError
from phase2design.grid import runner
from phase2design.grid.runner import MAX_SCENARIOS, check_scheduler_address, grid_scenarios, run_grid
from conftest import run_main
from smallfs import fill, small_fs  # noqa: F401  (fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = dict(p0=[0.1, 0.2], delta=0.2, errors=[(0.05, 0.2)], family="single", backend="serial")


# ---------------------------------------------------------------------------
# 5a: counted before building
# ---------------------------------------------------------------------------

def test_huge_grid_is_refused_at_once():
    values = [1e-6 + i * 1e-5 for i in range(100_000)]
    t = time.monotonic()
    with pytest.raises(ValueError) as info:
        grid_scenarios(values, values, 0.05, 0.2, "simon")
    assert time.monotonic() - t < 2
    msg = str(info.value)
    assert f"at most {MAX_SCENARIOS} scenarios" in msg and "100000 p0 x 100000 delta" in msg and "\n" not in msg
    with pytest.raises(ValueError, match="at most"):
        run_grid(values, values, 0.05, 0.2, "simon", backend="serial")
    # as many (alpha, beta) combinations as would exceed the limit on their own: not built either
    alphas = [i * 1e-4 for i in range(1, 2000)]
    with pytest.raises(ValueError, match="1999 p0 x 1 delta x 3996001"):
        grid_scenarios(alphas, 0.1, alphas, alphas, "single")


def test_huge_grid_from_the_cli_is_refused_at_once(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = time.monotonic()
    code, out, err = run_main(["grid", "--p0", "1e-6:0.999999:1e-5", "--delta", "1e-6:0.999999:1e-5", "--alpha",
                               "0.05", "--beta", "0.2", "-o", "g.csv"], capsys)
    assert time.monotonic() - t < 5
    assert code == 2 and "at most 1000000 scenarios" in err and len(err.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# 6, 7: exact p1, no -0.0
# ---------------------------------------------------------------------------

def test_p1_is_the_exact_decimal_sum_never_rounded_to_12_decimals():
    cases = {(0.1, 0.2): 0.3, (0.05, 0.15): 0.2, (1e-13, 0.2): 0.2000000000001, (0.2, 1e-13): 0.2000000000001,
             (0.3333333333333333, 0.1): 0.4333333333333333, (1e-6, 1.5e-12): 1.0000015e-06}
    for (p0, d), p1 in cases.items():
        scen, skipped = grid_scenarios(p0, d, 0.05, 0.2, "single")
        assert [(s.p0, s.p1) for s in scen] == [(p0, p1)] and skipped == []
    # exact sums of 1 and just below it: 0.7 + 0.3 is skipped, 0.7 + 0.29999999999999993 is not
    assert grid_scenarios([0.7], [0.3, 0.29999999999999993], 0.05, 0.2, "single")[1] == [(0.7, 0.3)]


def test_negative_zero_is_never_quoted():
    for kw in (dict(p0=-0.0, delta=0.2), dict(p0=0.1, delta=-0.0)):
        with pytest.raises(ValueError) as info:
            grid_scenarios(**kw, alpha=0.05, beta=0.2)
        assert "-0.0" not in str(info.value) and "got 0.0" in str(info.value)
    with pytest.raises(ValueError) as info:
        grid_scenarios(0.1, 0.2, alpha=-0.0, beta=0.2)
    assert "-0.0" not in str(info.value)


def test_cli_negative_zero(capsys):
    code, out, err = run_main(["grid", "--p0", "-0", "--delta", "0.2", "--alpha", "0.05", "--beta", "0.2"], capsys)
    assert code == 2 and "-0.0" not in err


# ---------------------------------------------------------------------------
# 5c: scheduler addresses
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["inproc://x", "tcp://127.0.0.1:8786/extra", "tcp://127.0.0.1", "tcp://:8786",
                                     "tcp://127.0.0.1:0", "tcp://127.0.0.1:65536", "tcp://host:87a6",
                                     "127.0.0.1:8786", "tls://127.0.0.1:8786", "tcp://127.0.0.1:8786 ", ""])
def test_bad_scheduler_addresses_fail_first_in_one_line(address, tmp_path):
    t = time.monotonic()
    with pytest.raises(ValueError) as info:
        run_grid(0.1, 0.2, errors=[(0.05, 0.2)], scheduler=address, output=tmp_path / "g.csv")
    assert time.monotonic() - t < 1
    msg = str(info.value)
    assert "tcp://HOST:PORT" in msg and repr(address) in msg and "\n" not in msg
    # checked before the other inputs
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        run_grid(-1, 0.2, errors=[(0.05, 0.2)], scheduler=address)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:1", "tcp://[::1]:65535",
                                     "tcp://node-1.cluster.example:8786"])
def test_good_scheduler_addresses(address):
    assert check_scheduler_address(address) == address


def test_cli_scheduler_messages(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for address in ("inproc://x", "tcp://127.0.0.1:8786/extra"):
        code, out, err = run_main(["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--scheduler",
                                   address, "-o", "g.csv"], capsys)
        assert code == 2 and "tcp://HOST:PORT" in err and len(err.strip().splitlines()) == 1, err
        assert "unpack" not in err and "invalid literal" not in err
    assert os.listdir(tmp_path) == []


def test_unreachable_scheduler_leaves_no_file(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(runner, "_CONNECT_TIMEOUT", "1s")  # one short wait, not Dask's 20 s
    monkeypatch.chdir(tmp_path)
    t = time.monotonic()
    code, out, err = run_main(["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--scheduler",
                               "tcp://127.0.0.1:1", "-o", "g.csv"], capsys)
    assert time.monotonic() - t < 10
    assert code == 2 and "could not connect to the Dask scheduler at tcp://127.0.0.1:1" in err
    assert os.listdir(tmp_path) == []  # neither g.csv nor g.csv.journal


# ---------------------------------------------------------------------------
# 1: output files
# ---------------------------------------------------------------------------

def test_output_symlink_is_written_through(tmp_path):
    real = tmp_path / "data" / "g.csv"
    real.parent.mkdir()
    link = tmp_path / "g.csv"
    link.symlink_to(real)
    run_grid(**SMALL, output=link)
    assert link.is_symlink() and real.read_text().startswith("p0,p1,alpha")
    ref = tmp_path / "ref.csv"
    run_grid(**SMALL, output=ref)
    assert real.read_bytes() == ref.read_bytes()
    assert sorted(os.listdir(real.parent)) == ["g.csv"]  # no temporary left beside the target


def test_devices_and_descriptor_links_are_refused(tmp_path, capsys):
    before = os.lstat("/dev/null")
    for target in ("/dev/null", "/dev/stdout"):
        with pytest.raises(OutputPathError):
            run_grid(**SMALL, output=target, fmt="csv")
    assert os.lstat("/dev/null").st_ino == before.st_ino
    assert os.path.islink("/dev/stdout") or not os.path.exists("/dev/stdout")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(OutputPathError, match="directory"):
        run_grid(**SMALL, output=tmp_path / "d.csv")
    code, out, err = run_main(["grid", "--p0", "0.1", "--delta", "0.2", "--errors", "0.05/0.2", "--family", "single",
                               "--backend", "serial", "-o", "/dev/stdout", "--format", "csv"], capsys)
    assert code == 2 and "/dev/stdout" in err and len(err.strip().splitlines()) == 1
    assert not os.path.exists("/dev/stdout.journal")


def test_dash_is_standard_output(capfd, tmp_path):
    ref = tmp_path / "ref.csv"
    run_grid(**SMALL, output=ref)
    capfd.readouterr()
    g = run_grid(**SMALL, output="-")
    out, _ = capfd.readouterr()
    assert out == ref.read_text() and g.journal is None and not os.path.exists("-.journal")
    run_grid(**SMALL, output="-", fmt="json")
    assert json.loads(capfd.readouterr()[0]) == g.to_dict()


def test_full_disk_keeps_the_previous_output_and_names_it(small_fs, capsys):
    out = os.path.join(small_fs, "g.csv")
    run_grid(**SMALL, output=out)
    before = open(out).read()
    fill(small_fs)
    with pytest.raises(OutputWriteError) as info:
        run_grid(**{**SMALL, "p0": [0.1, 0.2, 0.3, 0.4, 0.5]}, output=out)
    assert out in str(info.value) and "\n" not in str(info.value)
    assert open(out).read() == before
    assert sorted(os.listdir(small_fs)) == ["filler", "g.csv", "g.csv.journal"]
    code, _, err = run_main(["grid", "--p0", "0.1,0.2,0.3,0.4,0.5,0.6", "--delta", "0.2", "--errors", "0.05/0.2",
                             "--family", "single", "--backend", "serial", "-o", out], capsys)
    assert code == 2 and out in err and len(err.strip().splitlines()) == 1, err
    assert open(out).read() == before


def test_full_disk_before_the_journal_exists(small_fs):
    fill(small_fs)
    out = os.path.join(small_fs, "g.csv")
    with pytest.raises(OutputWriteError) as info:
        run_grid(**SMALL, output=out)
    assert "g.csv" in str(info.value)
    assert not os.path.exists(out)


# ---------------------------------------------------------------------------
# 5b: Ctrl-C with the process pool
# ---------------------------------------------------------------------------

SLOW = ["grid", "--p0", "0.5,0.48", "--delta", "0.02", "--alpha", "0.05", "--beta", "0.2", "--family", "simon",
        "--workers", "2", "--fresh"]


def _leftovers(marker):
    """Processes still running whose command line holds ``marker`` (the unique output path)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if marker.encode() in fh.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


def _interrupt(args, out, delay=None, journal_lines=None):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": ROOT}
    proc = subprocess.Popen([sys.executable, "-m", "phase2design", *args, "-o", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    journal = out.parent / (out.name + ".journal")
    deadline = time.monotonic() + (delay if delay is not None else 60)
    while time.monotonic() < deadline:
        if journal_lines and journal.exists() and journal.read_bytes().count(b"\n") >= journal_lines:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the grid finished before it could be interrupted"
    t = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("Ctrl-C did not stop the grid within 20 s")
    return proc.returncode, time.monotonic() - t, err


@pytest.mark.parametrize("delay", [0.8, 2.0, 4.0])
def test_ctrl_c_stops_the_process_pool_at_once(tmp_path, delay):
    out = tmp_path / f"s{delay}.csv"
    code, took, err = _interrupt(SLOW, out, delay=delay)
    assert code == 130, err
    assert took < 3, took
    assert "Traceback" not in err
    time.sleep(0.3)
    assert _leftovers(str(out)) == []  # no worker goes on computing after the parent exits
    assert not [n for n in os.listdir(tmp_path) if ".tmp" in n]
    if out.exists():
        assert out.read_text().startswith("p0,p1")


def test_ctrl_c_keeps_finished_scenarios(tmp_path):
    args = ["grid", "--p0", "0.20:0.60:0.05", "--delta", "0.05", "--errors", "0.05/0.10,0.05/0.20,0.10/0.10",
            "--family", "simon", "--backend", "processes", "--workers", "2"]
    out = tmp_path / "designs.csv"
    code, took, err = _interrupt(args, out, journal_lines=4)
    assert code == 130 and took < 3, (code, took, err)
    assert "run the same command again" in err
    lines = (tmp_path / "designs.csv.journal").read_text().splitlines()
    done = len(lines) - 1
    assert done >= 3
    assert f"Interrupted: {done} of 27 scenarios" in err
    rows = out.read_text().splitlines()[1:]
    assert len(rows) == 2 * done  # optimal and minimax of every finished scenario

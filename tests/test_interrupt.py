"""Ctrl-C at any moment prints one line and exits 130: no traceback, no crash, nothing half-written."""

import os
import signal
import subprocess
import sys
import time

import pytest

LONG_SIMON = ["simon", "--p0", "0.5", "--p1", "0.52", "--alpha", "0.05", "--beta", "0.2"]


def _interrupt_after(args, delay, cwd):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "phase2design", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if proc.poll() is not None:
        out, err = proc.communicate()
        pytest.fail(f"finished before the interrupt at {delay} s: {err}")
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("Ctrl-C did not stop the process within 20 s")
    return proc.returncode, out, err


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.15, 0.4, 0.8, 1.3, 2.0])
def test_ctrl_c_during_a_search_is_one_line_and_130(delay, tmp_path):
    code, out, err = _interrupt_after(LONG_SIMON + ["--quiet"], delay, tmp_path)
    assert code == 130, err
    assert err.strip().splitlines()[-1:] == ["Interrupted."]
    assert "Traceback" not in err and "SystemError" not in err and len(err.strip().splitlines()) <= 2


@pytest.mark.slow
def test_ctrl_c_in_a_serial_grid_names_the_journal(tmp_path):
    args = ["grid", "--p0", "0.45,0.5", "--delta", "0.02", "--alpha", "0.05", "--beta", "0.2", "--family",
            "simon", "-o", "s.csv", "--backend", "serial", "--quiet"]
    code, out, err = _interrupt_after(args, 1.5, tmp_path)
    assert code == 130, err
    assert "Traceback" not in err
    assert "run the same command again" in err and "s.csv.journal" in err
    assert not [n for n in os.listdir(tmp_path) if ".tmp" in n]


def test_interrupt_handler_runs_cleanups_then_exits_130(tmp_path):
    """In a child process: the registered clean-up runs, its note is printed, the exit status is 130."""
    flag = tmp_path / "cleaned"
    code = (f"import os, signal, time\n"
            f"from phase2design import _interrupt\n"
            f"_interrupt.install()\n"
            f"def note():\n"
            f"    open({str(flag)!r}, 'w').close()\n"
            f"    return 'stopped: 3 of 9 kept'\n"
            f"with _interrupt.cleanup(note):\n"
            f"    os.kill(os.getpid(), signal.SIGINT)\n"
            f"    time.sleep(5)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert p.returncode == 130 and p.stderr == "stopped: 3 of 9 kept\n" and flag.exists()


def test_graceful_block_raises_keyboardinterrupt():
    code = ("import os, signal\n"
            "from phase2design import _interrupt\n"
            "_interrupt.install()\n"
            "try:\n"
            "    with _interrupt.graceful():\n"
            "        os.kill(os.getpid(), signal.SIGINT)\n"
            "        import time; time.sleep(5)\n"
            "except KeyboardInterrupt:\n"
            "    print('caught')\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and p.stdout == "caught\n"

"""Time whole ``phase2design simon`` processes: plain-Python kernels, compiled kernels, bare Python.

Each line is a whole process, ``sys.executable -m phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05
--beta 0.2``, run several times in turn (interleaved, so that load on a shared machine hits every
variant alike); the table gives median and best wall-clock times and the ratio of medians to
``python -c pass`` (the floor: interpreter start-up and site).

* ``auto``: the default; at this size the kernels run as plain Python and numba is never imported.
* ``auto, cache cold``: the same with an empty numba cache folder (it makes no difference: the
  plain-Python path needs no cache).
* ``compiled (warm cache)``: PHASE2DESIGN_JIT=1 with the cache filled by a first run.
* ``python -c "import numpy"``: what the numpy import alone costs.

Run from the repository root:  python benchmarks/bench_startup.py [repeats]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMON = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]


def _env(**extra):
    env = dict(os.environ)
    for k in ("PHASE2DESIGN_JIT", "PHASE2DESIGN_COMPILE_NOTE"):
        env.pop(k, None)
    env.update(extra)
    return env


def _once(cmd, env):
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    dt = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    return dt, out.stdout


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    scratch = tempfile.mkdtemp(prefix="p2-bench-")
    try:
        run(repeat, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(repeat, scratch):
    py = sys.executable
    warm = os.path.join(scratch, "warm")
    simon = [py, "-m", "phase2design", *SIMON]
    variants = {
        'python -c pass': ([py, "-c", "pass"], _env()),
        'python -c "import numpy"': ([py, "-c", "import numpy"], _env()),
        "simon, auto (plain-Python kernels)": (simon, _env(PHASE2DESIGN_CACHE_DIR=warm)),
        "simon, auto, cache cold": (simon, None),  # a fresh empty cache folder each run, below
        "simon, compiled (PHASE2DESIGN_JIT=1, warm cache)": (simon, _env(PHASE2DESIGN_JIT="1",
                                                                          PHASE2DESIGN_CACHE_DIR=warm)),
    }
    # fill the warm cache and check that both paths print the same thing
    t0 = time.perf_counter()
    _, out_jit = _once(simon, _env(PHASE2DESIGN_JIT="1", PHASE2DESIGN_CACHE_DIR=warm))
    first = time.perf_counter() - t0
    _, out_py = _once(simon, _env(PHASE2DESIGN_JIT="0", PHASE2DESIGN_CACHE_DIR=warm))
    assert out_py == out_jit, "plain-Python and compiled kernels printed different output"
    times = {k: [] for k in variants}
    for _ in range(repeat):
        for name, (cmd, env) in variants.items():
            if env is None:
                env = _env(PHASE2DESIGN_CACHE_DIR=tempfile.mkdtemp(prefix="cold-", dir=scratch))
            times[name].append(_once(cmd, env)[0])
    base = statistics.median(times["python -c pass"])
    print(f"python {sys.version.split()[0]}, cores {os.cpu_count()}, {repeat} runs each (interleaved)")
    print(f"first compiled run with an empty cache (compiles): {first:.2f} s")
    print("| command | median | best | median / python -c pass |\n|---|---:|---:|---:|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med * 1e3:.0f} ms | {min(ts) * 1e3:.0f} ms | {med / base:.1f}x |")
    auto = statistics.median(times["simon, auto (plain-Python kernels)"])
    jit = statistics.median(times["simon, compiled (PHASE2DESIGN_JIT=1, warm cache)"])
    print(f"auto vs compiled: {jit / auto:.1f}x faster; target < 0.25 s: {'met' if auto < 0.25 else 'MISSED'}")


if __name__ == "__main__":
    main()

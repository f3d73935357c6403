"""The kernel dispatcher: plain-Python and compiled paths agree, and start-up stays light.

Every kernel has one source and two versions (``k.py``, ``k.jit``); results
must agree to the last bit (same IEEE arithmetic; ``math.lgamma`` on the
Python path is the C library's, the one compiled code links to).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phase2design.engine import _kernels as E
from phase2design.families import _search_kernels as S
from phase2design.numerics import _betabinomial as PK
from phase2design.numerics import _binomial as K
from phase2design.numerics import _jit

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "phase2design"
SIMON = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]


def _space(n, futility, upper):
    """Arrays (N, lo, hi) as SampleSpace passes them to the engine's kernels (continue iff lo <= S <= hi)."""
    lo = [max(a + 1, 0) for a in futility[:-1]] + [0]
    hi = [min(u, m) for u, m in zip(upper[:-1], n[:-1])] + [-1]
    return np.array(n, dtype=np.int64), np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)


def _same(a, b):
    """Bit-for-bit equality of kernel results (arrays, scalars, tuples of them), NaN equal to NaN."""
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=True), (a, b)
        return
    # numba returns Python scalars and so must the Python path (np.int64 is not an int for json)
    assert type(a) is type(b), (type(a), type(b))
    assert a == b or (np.isnan(a) and np.isnan(b)), (a, b)


def _both(k, *args):
    ra = k.py(*args)
    rb = k.jit(*args)
    _same(_jit._plain(ra), rb)
    return rb


def _tables(m, p0, p1, beta):
    pmf0, sf0 = K._triangular_tables.jit(m, p0)
    pmf1, sf1 = K._triangular_tables.jit(m, p1)
    return pmf0, sf0, pmf1, sf1, S._r1_limits.jit(m, beta, pmf1)


PS = np.array([0.0, 1e-9, 0.05, 0.1, 0.3, 0.5, 0.7, 0.999, 1.0])


@pytest.mark.parametrize("n", [0, 1, 2, 9, 15, 16, 29, 100, 600, 2500])
@pytest.mark.parametrize("p", [0.0, 1e-12, 0.01, 0.1, 1 / 3, 0.5, 0.9, 0.999999, 1.0])
def test_binomial_tables_agree(n, p):
    _both(K._binom_tables, n, p)
    _both(K._binom_logpmf, n // 3, n, p)


def test_kernel_panel_agrees():
    _both(K._triangular_tables, 60, 0.1)
    for design in (((10, 29), (1, 5), (10, -1)), ((6, 17, 29), (0, 2, 5), (6, 17, -1)),
                   ((16, 41), (3, 11), (6, -1)), ((9,), (4,), (-1,))):
        N, lo, hi = _space(*design)
        for p in PS:
            _both(E._reach, N, lo, hi, p)
        _both(E._reach_predictive, N, lo, hi, 3.5, 6.5)
        _both(E._reach_predictive, N, lo, hi, 3e8, 7e8)
    for x in (0.0, 1.0, 7.0, 15.0, 16.0, 40.0, 100.0, 600.0):
        _both(K._stirlerr, x) if x > 0 else None
        _both(K._bd0, x + 1.0, 0.97 * x + 0.5)
    pmf0, sf0, pmf1, sf1, r1max = _tables(60, 0.1, 0.3, 0.2)
    _both(S._r1_limits, 60, 0.2, pmf1)
    for n in (25, 29, 35, 50):
        _both(S._best_at_n, n, 0.05, 0.2, pmf0, sf0, pmf1, sf1, r1max, np.inf)
        _both(S._en0_lower_bound, n, 15.0, pmf0, sf0, r1max)
    _both(S._feasible_designs, 25, 30, 1, 29, 0.05, 0.2, pmf0, sf0, pmf1, sf1, r1max)
    _both(S._single_scan, 5, 60, 0.1, 0.3, 0.05, 0.2, False, 5)
    _both(S._single_scan, 5, 60, 0.2, 0.5, 0.05, 0.2, True, 5)
    for n in (1, 5, 18, 40):
        _both(S._ump_power, n, 0.1, 0.3, 0.05)
    _both(PK._sum_range, np.linspace(0.0, 1.0, 11), 2, 8)


def test_lgamma_is_the_c_librarys():
    """CPython's own lgamma differs from the C library's in the last bits (e.g. at 3); the
    Python path must use the one compiled code calls, or small-n pmfs would differ."""
    for x in range(1, 17):
        _both(K._stirlerr, float(x))


def test_out_parameter_kernel_agrees():
    a = np.empty(41)
    b = np.empty(41)
    PK._betabinom_pmf_row.py(40, 3.5, 6.5, a)
    PK._betabinom_pmf_row.jit(40, 3.5, 6.5, b)
    _same(a, b)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 400), p=st.floats(0.0, 1.0), k=st.integers(0, 400))
def test_random_binomial_agree(n, p, k):
    _both(K._binom_tables, n, p)
    _both(K._binom_logpmf, min(k, n), n, p)


@settings(max_examples=40, deadline=None)
@given(n1=st.integers(1, 30), n2=st.integers(1, 30), r1=st.integers(-1, 29), r=st.integers(-1, 59),
       p=st.floats(0.0, 1.0), a=st.floats(0.05, 50.0), b=st.floats(0.05, 50.0))
def test_random_designs_agree(n1, n2, r1, r, p, a, b):
    r1 = min(r1, n1 - 1)
    n = n1 + n2
    # the engine's recursion for the two-stage space r1/n1 + n2 (efficacy bound r at stage 1 if r < n1)
    hi = min(r, n1 - 1) if r > r1 else n1
    N, lo, hi = _space((n1, n), (r1, max(r, 0)), (hi, -1))
    _both(E._reach, N, lo, hi, p)
    _both(E._reach_predictive, N, lo, hi, a, b)


@settings(max_examples=25, deadline=None)
@given(p0=st.floats(0.05, 0.6), d=st.floats(0.15, 0.35), alpha=st.sampled_from([0.05, 0.1]),
       beta=st.sampled_from([0.1, 0.2]), frac=st.floats(0.3, 1.0))
def test_random_search_agrees(p0, d, alpha, beta, frac):
    p1 = min(p0 + d, 0.95)
    m = 80
    pmf0, sf0, pmf1, sf1, r1max = _tables(m, p0, p1, beta)
    n = max(3, int(frac * m))
    _both(S._best_at_n, n, alpha, beta, pmf0, sf0, pmf1, sf1, r1max, np.inf)
    _both(S._en0_lower_bound, n, 0.5 * n, pmf0, sf0, r1max)
    _both(S._ump_power, n, p0, p1, alpha)


def test_public_results_agree_on_both_paths():
    import phase2design as p2

    old = _jit.set_mode("0")
    try:
        py = p2.simon_design(0.2, 0.4, 0.1, 0.1).to_dict()
        py_oc = p2.two_stage_oc(1, 10, 5, 29, [0.1, 0.3]).to_dict()
        _jit.set_mode("1")
        nb = p2.simon_design(0.2, 0.4, 0.1, 0.1).to_dict()
        nb_oc = p2.two_stage_oc(1, 10, 5, 29, [0.1, 0.3]).to_dict()
    finally:
        _jit.set_mode(old)
    assert py == nb
    assert py_oc == nb_oc


def test_auto_mode_switches_once_the_budget_is_spent():
    old = _jit.set_mode("auto")
    try:
        _jit.reset_budget()
        K._binom_tables(10, 0.3)
        assert not _jit.compiled_active()
        K._triangular_tables(3000, 0.3)  # about 4.5 million entries: far past the budget
        assert _jit.compiled_active()
    finally:
        _jit.reset_budget()
        _jit.set_mode(old)


def test_every_kernel_module_is_hashed_into_the_cache_key():
    using = {p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
             if re.search(r"^@kernel\b", p.read_text(), re.MULTILINE)}
    assert using <= set(_jit.KERNEL_FILES)
    assert not [p for p in PKG.rglob("*.py") if "from numba import njit" in p.read_text()]
    for rel in _jit.KERNEL_FILES:
        assert (PKG / rel).is_file()


def test_every_kernel_has_a_cost_when_called_from_outside():
    """Wrapper modules call these; without a cost a big call would run in plain Python."""
    called = set()
    for p in PKG.rglob("*.py"):
        called |= set(re.findall(r"\b(?:K|B|S|PK)\.(_[a-z0-9_]+)\(", p.read_text()))
    called |= {"_stagewise_dist", "_binom_tables"}
    kernels = {k.__name__: k for k in _jit._registry}
    missing = sorted(n for n in called if n in kernels and kernels[n].cost is None)
    assert not missing


def _run(code, env=None, cwd=None):
    full = dict(os.environ)
    for name in ("PHASE2DESIGN_JIT", "PHASE2DESIGN_COMPILE_NOTE"):
        full.pop(name, None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full,
                          cwd=cwd or ROOT, timeout=300, check=False)


def test_cli_import_is_light():
    out = _run("import sys, phase2design.cli; "
               "print(sorted(m for m in ('numba', 'scipy', 'pandas', 'matplotlib') if m in sys.modules))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_small_simon_command_does_not_import_numba(tmp_path):
    code = ("import sys\nfrom phase2design.cli import main\n"
            f"try:\n    main({SIMON!r})\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('numba', 'scipy', 'pandas', 'matplotlib') if m in sys.modules))")
    out = _run(code, env={"PHASE2DESIGN_CACHE_DIR": str(tmp_path / "cache")})
    assert out.returncode == 0, out.stderr
    assert "optimal      1/10  5/29" in out.stdout
    assert "LOADED []" in out.stdout
    assert out.stderr == ""
    assert not (tmp_path / "cache").exists()


def test_compile_note_cache_location_and_no_files_next_to_sources(tmp_path):
    cache = tmp_path / "cache"
    before = set(PKG.rglob("*.nb[ic]"))
    code = ("from phase2design.numerics import _binomial as K, _jit\n"
            "print(K._sf_at(K._binom_tables(5, 0.5)[2], 5, 2))\nprint(_jit.cache_dir())")
    env = {"PHASE2DESIGN_CACHE_DIR": str(cache), "PHASE2DESIGN_JIT": "1", "PHASE2DESIGN_COMPILE_NOTE": "1"}
    first = _run(code, env)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"phase2design: compiling numerical kernels \(first run only, ~5 s\)\.\.\.\n",
                        first.stderr), first.stderr
    where = Path(first.stdout.split()[1])
    assert where.parent == cache and _jit.source_hash() in where.name
    assert list(where.rglob("*.nbi"))
    second = _run(code, env)
    assert second.returncode == 0 and second.stderr == "", second.stderr
    assert second.stdout == first.stdout
    # without a terminal (and without the flag) a cold compile stays silent
    quiet = _run(code, {"PHASE2DESIGN_CACHE_DIR": str(tmp_path / "other"), "PHASE2DESIGN_JIT": "1"})
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert set(PKG.rglob("*.nb[ic]")) == before


def test_unwritable_cache_folder_runs_uncached_with_a_note(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = ("from phase2design.numerics import _binomial as K, _jit\n"
            "print(K._tri_offset(7), repr(_jit.cache_dir()))")
    out = _run(code, {"PHASE2DESIGN_CACHE_DIR": str(blocker / "sub"), "PHASE2DESIGN_JIT": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["28", "''"]
    lines = out.stderr.splitlines()
    assert lines[0].startswith("phase2design: no writable cache folder")
    assert all(ln.startswith("phase2design: ") for ln in lines) and len(lines) <= 2


def test_bad_mode_value_is_ignored_with_a_note():
    out = _run("from phase2design.numerics import _jit; print(_jit.get_mode())", {"PHASE2DESIGN_JIT": "yes"})
    assert out.returncode == 0
    assert out.stdout.strip() == "auto"
    assert "PHASE2DESIGN_JIT" in out.stderr


def test_engine_summary_kernels_agree():
    """The OC kernels of the engine give the same bits on both paths."""
    for design in (((10, 29), (1, 5), (10, 5)), ((6, 17, 29), (0, 2, 5), (6, 17, 5)), ((16, 41), (3, 11), (6, 11)),
                   ((9,), (4,), (4,))):
        N, lo, hi = _space(design[0], design[1], design[2][:-1] + (-1,))
        fut = np.array(design[1], dtype=np.int64)
        upper = np.array(design[2], dtype=np.int64)
        _both(E._oc_sums_grid, N, lo, hi, fut, upper, PS)
        _both(E._stop_sums, E._reach.jit(N, lo, hi, 0.3), N, fut, upper)


def test_two_stage_summary_kernel_agrees():
    for design in ((1, 10, 5, 29), (0, 1, 0, 2), (21, 26, 21, 27), (80, 1000, 460, 2000)):
        _both(E._two_stage_summary, *design, PS)

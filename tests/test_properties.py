"""Property-based checks of the design search, the operating characteristics and the CLI's JSON."""

import json
from fractions import Fraction

import numpy as np
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle as O
from phase2design import (NoFeasibleDesignError, cutoff_table, simon_design, single_stage_design,
                          single_stage_oc, two_stage_oc)
from phase2design.cli import cli

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    """(p0, p1, alpha, beta) as decimal strings: p0 in [0.05, 0.6], p1 = p0 + [0.15, 0.35] < 0.95."""
    k0 = draw(st.integers(5, 60))
    dk = draw(st.integers(15, 35))
    k1 = min(k0 + dk, 94)
    alpha = draw(st.sampled_from(["0.05", "0.1"]))
    beta = draw(st.sampled_from(["0.1", "0.2"]))
    return (f"{k0 / 100:g}", f"{k1 / 100:g}", alpha, beta)


@st.composite
def designs(draw, nmax=60):
    n = draw(st.integers(2, nmax))
    n1 = draw(st.integers(1, n - 1))
    r1 = draw(st.integers(0, n1 - 1))
    r = draw(st.integers(r1, n - 1))
    return r1, n1, r, n


def floats(case):
    return tuple(float(v) for v in case)


_SIMON_CACHE = {}


def simon(case):
    if case not in _SIMON_CACHE:
        _SIMON_CACHE[case] = simon_design(*floats(case))
    return _SIMON_CACHE[case]


# ---------------------------------------------------------------------------
# Designs returned by the search
# ---------------------------------------------------------------------------

@SETTINGS
@given(problems())
def test_returned_designs_meet_alpha_and_power(case):
    p0, p1, alpha, beta = floats(case)
    res = simon(case)
    every = [res.optimal, res.minimax, *res.admissible, *res.best_by_n]
    seen = set()
    for d in every:
        oc = two_stage_oc(d.r1, d.n1, d.r, d.n, [p0, p1])
        assert oc.reject[0] <= alpha, f"{d.label()}: alpha {oc.reject[0]!r} > {alpha}"
        assert oc.reject[1] >= 1 - beta, f"{d.label()}: power {oc.reject[1]!r} < {1 - beta}"
        assert oc.reject[0] == d.attained_alpha and oc.reject[1] == d.power
        assert oc.en[0] == d.en0 and oc.pet[0] == d.pet0
        key = (d.r1, d.n1, d.r, d.n)
        if key in seen:
            continue
        seen.add(key)
        # exact arithmetic at the decimal rates: feasibility holds with no tolerance at all
        e0 = O.two_stage_oc(d.r1, d.n1, d.r, d.n, Fraction(case[0]))
        e1 = O.two_stage_oc(d.r1, d.n1, d.r, d.n, Fraction(case[1]))
        assert e0["reject"] <= Fraction(case[2]), f"{d.label()} exceeds alpha in exact arithmetic"
        assert e1["reject"] >= 1 - Fraction(case[3]), f"{d.label()} misses power in exact arithmetic"


@SETTINGS
@given(problems())
def test_optimal_minimax_admissible_structure(case):
    res = simon(case)
    opt, mm, adm = res.optimal, res.minimax, res.admissible
    assert opt.en0 <= mm.en0
    assert mm.n <= opt.n
    assert mm.n == res.best_by_n[0].n == min(d.n for d in res.best_by_n)
    assert opt.en0 == min(d.en0 for d in res.best_by_n)
    # q ranges tile [0, 1], from minimax (q_high = 1) to optimal (q_low = 0)
    assert adm[0].q_high == 1.0 and adm[-1].q_low == 0.0
    assert (adm[0].r1, adm[0].n1, adm[0].r, adm[0].n) == (mm.r1, mm.n1, mm.r, mm.n)
    assert (adm[-1].r1, adm[-1].n1, adm[-1].r, adm[-1].n) == (opt.r1, opt.n1, opt.r, opt.n)
    for a, b in zip(adm, adm[1:]):
        assert a.q_low == b.q_high, "gap or overlap between consecutive q ranges"
        assert a.n < b.n and a.en0 > b.en0
    for d in adm:
        # a design on a hull edge (collinear with its neighbours) is admissible at a single q inside (0, 1)
        assert 0.0 <= d.q_low <= d.q_high <= 1.0
        assert d.q_low < d.q_high or 0.0 < d.q_low < 1.0
        # on its range the design minimises q n + (1 - q) EN0 over every best-by-n design
        for q in (d.q_low, d.q_high, (d.q_low + d.q_high) / 2):
            loss = q * d.n + (1 - q) * d.en0
            assert all(loss <= q * e.n + (1 - q) * e.en0 + 1e-9 for e in res.best_by_n)
    if len(adm) == 1:
        assert opt.n == mm.n and opt.en0 == mm.en0
    ns = [d.n for d in res.best_by_n]
    assert ns == sorted(set(ns))
    assert ns[-1] <= res.n_searched


@settings(max_examples=25, deadline=None)
@given(problems())
def test_search_matches_oracle_up_to_30(case):
    """Engine (nmax=30) and the exact enumeration agree on optimal, minimax, admissible and best-by-n."""
    ds = O.enumerate_designs(*case, 30)
    try:
        res = simon_design(*floats(case), nmax=30)
    except NoFeasibleDesignError:
        assert ds == [], f"engine found no design with n <= 30, the oracle found {len(ds)}"
        return
    assert ds, "engine found a design the exact enumeration rejects"
    key = lambda d: (d.r1, d.n1, d.r, d.n)  # noqa: E731
    assert key(res.optimal) == O.optimal(ds).key
    assert key(res.minimax) == O.minimax(ds).key
    assert [key(d) for d in res.admissible] == [d.key for d, _, _ in O.admissible(ds)]
    per_n = O.best_by_n(ds)
    assert [key(d) for d in res.best_by_n] == [d.key for n, d in per_n.items() if n <= res.n_searched]


@settings(max_examples=25, deadline=None)
@given(problems())
def test_too_small_nmax_names_the_minimax_n(case):
    mm = simon(case).minimax.n
    try:
        simon_design(*floats(case), nmax=mm - 1)
    except NoFeasibleDesignError as e:
        assert f"nmax >= {mm}" in str(e)
    else:
        raise AssertionError(f"nmax={mm - 1} found a design although the minimax n is {mm}")
    assert simon_design(*floats(case), nmax=mm).minimax.n == mm


# ---------------------------------------------------------------------------
# Operating characteristics
# ---------------------------------------------------------------------------

P_GRID = np.linspace(0.0, 1.0, 201)


# Probabilities carry a few units in the last place of rounding error, so two
# neighbouring values of an exactly increasing function can come out one or two
# ulps apart in the wrong order (e.g. single_stage_oc(0, 16, [0.945, 0.95])
# gives 1.0 then 0.9999999999999999).  A fall larger than this is a real defect.
MONO_RTOL = 1e-14


def _assert_nondecreasing(values, label):
    v = np.asarray(values)
    drop = v[:-1] - v[1:]
    bad = np.flatnonzero(drop > MONO_RTOL * v[:-1])
    assert bad.size == 0, (f"{label}: P(reject) falls from {v[bad[0]]!r} at p={P_GRID[bad[0]]} "
                           f"to {v[bad[0] + 1]!r} at p={P_GRID[bad[0] + 1]}")


@SETTINGS
@given(designs())
def test_rejection_probability_nondecreasing_in_p(design):
    r1, n1, r, n = design
    rej = two_stage_oc(r1, n1, r, n, P_GRID).reject
    assert rej[0] == 0.0 and rej[-1] == 1.0
    _assert_nondecreasing(rej, f"two_stage_oc({r1}, {n1}, {r}, {n})")
    single = single_stage_oc(r, n, P_GRID).reject
    assert single[0] == 0.0 and single[-1] == 1.0
    _assert_nondecreasing(single, f"single_stage_oc({r}, {n})")


@SETTINGS
@given(designs(), st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8))
def test_oc_ranges_and_partition(design, ps):
    r1, n1, r, n = design
    oc = two_stage_oc(r1, n1, r, n, ps)
    for i in range(len(ps)):
        assert 0.0 <= oc.pet[i] <= 1.0
        assert n1 <= oc.en[i] <= n
        assert oc.pet[i] == oc.stop_stage1[i] and oc.reject[i] == oc.continue_success[i]
        for v in (oc.reject[i], oc.continue_fail[i], oc.continue_success[i]):
            assert 0.0 <= v <= 1.0
        total = oc.stop_stage1[i] + oc.continue_fail[i] + oc.continue_success[i]
        assert abs(total - 1.0) <= 1e-12
        assert abs(oc.en[i] - (n1 + (1 - oc.pet[i]) * (n - n1))) <= 1e-12 * n
    s = single_stage_oc(r, n, ps)
    for i in range(len(ps)):
        assert s.pet[i] == 0.0 and s.en[i] == n
        assert abs(s.stop_stage1[i] + s.continue_fail[i] + s.continue_success[i] - 1.0) <= 1e-12


# ---------------------------------------------------------------------------
# CLI --format json equals the library's to_dict()
# ---------------------------------------------------------------------------

def run_json(args):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def roundtrip(d):
    return json.loads(json.dumps(d))


@settings(max_examples=25, deadline=None)
@given(problems())
def test_cli_json_simon(case):
    p0, p1, alpha, beta = case
    out = run_json(["simon", "--p0", p0, "--p1", p1, "--alpha", alpha, "--beta", beta, "--format", "json"])
    assert out == roundtrip(simon(case).to_dict())


@settings(max_examples=25, deadline=None)
@given(problems(), st.integers(1, 6))
def test_cli_json_single_design(case, candidates):
    p0, p1, alpha, beta = case
    out = run_json(["single", "--p0", p0, "--p1", p1, "--alpha", alpha, "--beta", beta,
                    "--candidates", str(candidates), "--format", "json"])
    assert out == roundtrip(single_stage_design(*floats(case), candidates=candidates).to_dict())
    out = run_json(["single", "--p0", p0, "--p1", p1, "--alpha", alpha, "--beta", beta, "--ahern-rounded",
                    "--format", "json"])
    assert out == roundtrip(single_stage_design(*floats(case), comparison="ahern-rounded").to_dict())


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.lists(st.integers(1, 94), min_size=1, max_size=3, unique=True),
       st.one_of(st.none(), st.integers(95, 99)))
def test_cli_json_single_fixed_n(n, p0s, p1):
    p0_text = ",".join(f"{k / 100:g}" for k in p0s)
    args = ["single", "--n", str(n), "--p0", p0_text, "--format", "json"]
    if p1 is not None:
        args += ["--p1", f"{p1 / 100:g}"]
    out = run_json(args)
    want = cutoff_table(n, [k / 100 for k in p0s], None if p1 is None else p1 / 100)
    assert out == roundtrip(want.to_dict())


@settings(max_examples=30, deadline=None)
@given(designs(), st.lists(st.integers(0, 100), min_size=1, max_size=6), st.booleans())
def test_cli_json_oc(design, pk, single):
    r1, n1, r, n = design
    ps = [k / 100 for k in pk]
    p_text = ",".join(repr(p) for p in ps)
    if single:
        out = run_json(["oc", "--r", str(r), "--n", str(n), "--p", p_text, "--format", "json"])
        want = single_stage_oc(r, n, ps)
    else:
        out = run_json(["oc", "--r1", str(r1), "--n1", str(n1), "--r", str(r), "--n", str(n), "--p", p_text,
                        "--format", "json"])
        want = two_stage_oc(r1, n1, r, n, ps)
    assert out == roundtrip(want.to_dict())


def test_cli_json_oc_grid():
    out = run_json(["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0:1:0.05", "--format", "json"])
    ps = [round(i * 0.05, 12) for i in range(21)]
    assert out["p"] == ps
    assert out == roundtrip(two_stage_oc(1, 10, 5, 29, ps).to_dict())

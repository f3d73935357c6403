"""The engine against the exact brute-force oracle (tests/oracle.py), scipy and a 40-digit reference."""

import itertools
import random
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import binom

import oracle as O
from phase2design import (simon_design, simon_feasible_designs, single_stage_design, single_stage_oc,
                          two_stage_oc)
from phase2design.numerics import _binomial as K

RTOL = Fraction(1, 10 ** 12)
NMAX = 30

# (p0, p1, alpha, beta) whose optimal design (unrestricted search) has n <= 30.
SIMON_CASES = [
    ("0.05", "0.25", "0.05", "0.2"),
    ("0.1", "0.3", "0.05", "0.2"),
    ("0.1", "0.35", "0.1", "0.2"),
    ("0.2", "0.5", "0.05", "0.2"),
    ("0.3", "0.6", "0.1", "0.1"),
    ("0.05", "0.3", "0.1", "0.1"),
    ("0.7", "0.9", "0.05", "0.2"),
    ("0.2", "0.4", "0.1", "0.2"),
    ("0.4", "0.7", "0.1", "0.2"),
    ("0.5", "0.8", "0.05", "0.2"),
    ("0.1", "0.4", "0.05", "0.1"),
    ("0.6", "0.85", "0.1", "0.2"),
    ("0.05", "0.2", "0.1", "0.2"),
    ("0.2", "0.45", "0.1", "0.1"),
    ("0.15", "0.4", "0.05", "0.2"),
]


def rel_err(got, exact):
    """|got - exact| / |exact| in exact arithmetic (0 if both are 0, inf if only exact is 0)."""
    exact = Fraction(exact)
    diff = abs(Fraction(float(got)) - exact)
    if exact == 0:
        return 0.0 if diff == 0 else float("inf")
    return float(diff / abs(exact))


def assert_close(got, exact, what):
    err = rel_err(got, exact)
    assert err <= RTOL, f"{what}: engine {got!r} vs exact {float(Fraction(exact))!r} (rel err {err:.3g})"


_ENUM_CACHE = {}


def enumerated(case):
    if case not in _ENUM_CACHE:
        _ENUM_CACHE[case] = O.enumerate_designs(*case, NMAX)
    return _ENUM_CACHE[case]


def engine_simon(case):
    return simon_design(*(float(v) for v in case), nmax=NMAX)


def assert_same_design(eng, ora, what):
    assert (eng.r1, eng.n1, eng.r, eng.n) == ora.key, f"{what}: engine {eng.label()} vs oracle {ora.key}"
    for attr in ("en0", "pet0", "attained_alpha", "power", "en1", "pet1"):
        assert_close(getattr(eng, attr), getattr(ora, attr), f"{what} {attr}")


# ---------------------------------------------------------------------------
# The oracle checks itself
# ---------------------------------------------------------------------------

def test_oracle_enumeration_matches_naive_loop():
    """enumerate_designs (suffix sums) equals a plain loop over every design with two_stage_oc."""
    p0, p1, alpha, beta = (Fraction(v) for v in ("0.2", "0.5", "0.1", "0.2"))
    nmax = 12
    got = {d.key: d for d in O.enumerate_designs(p0, p1, alpha, beta, nmax)}
    want = {}
    count = 0
    for n in range(2, nmax + 1):
        for n1 in range(1, n):
            for r1 in range(n1):
                for r in range(r1, n):
                    count += 1
                    oc0 = O.two_stage_oc(r1, n1, r, n, p0)
                    oc1 = O.two_stage_oc(r1, n1, r, n, p1)
                    if oc0["reject"] <= alpha and oc1["reject"] >= 1 - beta:
                        want[(r1, n1, r, n)] = (oc0, oc1)
    assert count > 1000 and len(want) > 10
    assert set(got) == set(want)
    for key, (oc0, oc1) in want.items():
        d = got[key]
        assert (d.attained_alpha, d.power, d.en0, d.pet0, d.en1, d.pet1) == (
            oc0["reject"], oc1["reject"], oc0["en"], oc0["pet"], oc1["en"], oc1["pet"])


def test_oracle_binomial_and_oc_basics():
    assert O.binom_pmf(2, 4, "0.5") == Fraction(6, 16)
    assert O.binom_sf(1, 4, "0.5") == Fraction(11, 16)
    assert O.binom_cdf(1, 4, "0.5") == Fraction(5, 16)
    t = O.BinomTable("0.3", 12)
    for m in range(13):
        for k in range(-1, m + 2):
            assert t.sf_frac(m, k) == O.binom_sf(k, m, "0.3")
            assert t.cdf_frac(m, k) == O.binom_cdf(k, m, "0.3")
    # Simon (1989): 1/10, 5/29 at p0 = 0.1 has PET0 = 0.736 and EN0 = 15.0
    oc = O.two_stage_oc(1, 10, 5, 29, "0.1")
    assert round(float(oc["pet"]), 3) == 0.736 and round(float(oc["en"]), 1) == 15.0


@pytest.mark.parametrize("case", SIMON_CASES[:4], ids=lambda c: "/".join(c))
def test_oracle_admissible_minimise_weighted_loss(case):
    """Each hull design minimises q n + (1 - q) EN0 over ALL feasible designs on its q range."""
    ds = enumerated(case)
    for d, lo, hi in O.admissible(ds):
        for q in (lo, hi, (lo + hi) / 2):
            assert d in O.weighted_loss_minimisers(ds, q)
        assert O.weighted_loss_minimisers(ds, (lo + hi) / 2) == [
            e for e in ds if (e.n, e.n1, e.r1) == (d.n, d.n1, d.r1) and e.en0 == d.en0]


# ---------------------------------------------------------------------------
# Simon designs: engine vs oracle
# ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("case", SIMON_CASES, ids=lambda c: "/".join(c))
def test_simon_matches_oracle(case):
    ds = enumerated(case)
    res = engine_simon(case)
    opt, mm = O.optimal(ds), O.minimax(ds)
    assert opt.n <= NMAX
    # the comparisons are only meaningful without exact ties between distinct (n, n1, r1)
    assert not O.ties(ds, opt, ("en0",)), "exact EN0 tie for the optimal design"
    assert not O.ties(ds, mm, ("n", "en0")), "exact tie for the minimax design"

    assert_same_design(res.optimal, opt, "optimal")
    assert_same_design(res.minimax, mm, "minimax")

    adm = O.admissible(ds)
    assert len(res.admissible) == len(adm), (
        f"engine admissible {[d.label() for d in res.admissible]} vs oracle {[d.key for d, _, _ in adm]}")
    for i, (e, (d, lo, hi)) in enumerate(zip(res.admissible, adm)):
        assert_same_design(e, d, f"admissible[{i}]")
        assert_close(e.q_low, lo, f"admissible[{i}] q_low")
        assert_close(e.q_high, hi, f"admissible[{i}] q_high")
    assert res.admissible[0].q_high == 1.0 and res.admissible[-1].q_low == 0.0

    per_n = O.best_by_n(ds)
    engine_ns = [d.n for d in res.best_by_n]
    assert engine_ns == [n for n in per_n if n <= res.n_searched], "engine skipped or invented an n"
    assert res.n_searched <= NMAX
    for d in res.best_by_n:
        assert not O.ties(ds, per_n[d.n], ("n", "en0")), f"exact tie at n={d.n}"
        assert_same_design(d, per_n[d.n], f"best_by_n[n={d.n}]")


@pytest.mark.slow
@pytest.mark.parametrize("case,n_range,n1_range", [
    (("0.1", "0.3", "0.05", "0.2"), (25, 27), None),
    (("0.05", "0.25", "0.05", "0.2"), (12, 18), None),
    (("0.7", "0.9", "0.05", "0.2"), (26, 27), None),
    (("0.3", "0.6", "0.1", "0.1"), (2, 22), (5, 12)),
], ids=["0.1/0.3", "0.05/0.25", "0.7/0.9", "0.3/0.6-n1range"])
def test_feasible_designs_match_oracle(case, n_range, n1_range):
    ds = [d for d in enumerated(case) if n_range[0] <= d.n <= n_range[1]
          and (n1_range is None or n1_range[0] <= d.n1 <= n1_range[1])]
    smallest_r = {}
    for d in ds:
        k = (d.n, d.n1, d.r1)
        if k not in smallest_r or d.r < smallest_r[k].r:
            smallest_r[k] = d
    want = {d.key: d for d in smallest_r.values()}
    df = simon_feasible_designs(*(float(v) for v in case), n_range=n_range, n1_range=n1_range)
    got = {(int(row.r1), int(row.n1), int(row.r), int(row.n)): row for row in df.itertuples()}
    assert len(got) == len(df), "duplicate rows"
    assert set(got) == set(want), (f"missing {sorted(set(want) - set(got))[:5]}, "
                                   f"extra {sorted(set(got) - set(want))[:5]}")
    assert len(want) > 0
    for key, row in got.items():
        d = want[key]
        for attr in ("en0", "pet0", "attained_alpha", "power", "en1", "pet1"):
            assert_close(getattr(row, attr), getattr(d, attr), f"{key} {attr}")


# ---------------------------------------------------------------------------
# Operating characteristics: engine vs oracle
# ---------------------------------------------------------------------------

OC_P = [0.0, 1.0, 1e-3, 0.05, 0.1, 0.3, 0.5, 0.77, 0.95, 0.999]
OC_FIELDS = ["reject", "pet", "en", "stop_stage1", "continue_fail", "continue_success"]


def _oc_designs():
    out = [(r1, n1, r, n) for n in range(2, 8) for n1 in range(1, n) for r1 in range(n1) for r in range(r1, n)]
    rng = random.Random(20240601)
    while len(out) < 450:
        n = rng.randint(8, NMAX)
        n1 = rng.randint(1, n - 1)
        r1 = rng.randint(0, n1 - 1)
        out.append((r1, n1, rng.randint(r1, n - 1), n))
    out += [(1, 10, 5, 29), (1, 15, 5, 25), (0, 9, 2, 17), (4, 6, 22, 27), (19, 23, 21, 26)]
    return out


_OC_CACHE = {}


def _oc_comparison():
    """Worst relative error per field over every design and p, as (err, case)."""
    if "two" in _OC_CACHE:
        return _OC_CACHE["two"]
    tables = {p: O.BinomTable(p, NMAX) for p in OC_P}
    worst = {f: (0.0, None) for f in OC_FIELDS}
    for r1, n1, r, n in _oc_designs():
        oc = two_stage_oc(r1, n1, r, n, OC_P)
        for i, p in enumerate(OC_P):
            ex = O.two_stage_oc(r1, n1, r, n, p, table=tables[p])
            for f in OC_FIELDS:
                got = getattr(oc, f)[i]
                err = rel_err(got, ex[f])
                if err > worst[f][0]:
                    worst[f] = (err, f"two_stage_oc({r1}, {n1}, {r}, {n}, p={p!r}).{f} = {got!r}, "
                                     f"exact {float(ex[f])!r}")
    _OC_CACHE["two"] = worst
    return worst


@pytest.mark.parametrize("field", OC_FIELDS)
def test_two_stage_oc_matches_oracle(field):
    err, case = _oc_comparison()[field]
    assert err <= RTOL, f"rel err {err:.3g}: {case}"


_SINGLE_DESIGNS = [(r, n) for n in range(1, NMAX + 1) for r in range(n)]


@pytest.mark.parametrize("field", OC_FIELDS)
def test_single_stage_oc_matches_oracle(field):
    tables = {p: O.BinomTable(p, NMAX) for p in OC_P}
    worst = (0.0, None)
    for r, n in _SINGLE_DESIGNS:
        oc = single_stage_oc(r, n, OC_P)
        for i, p in enumerate(OC_P):
            ex = O.single_stage_oc(r, n, p, table=tables[p])[field]
            got = getattr(oc, field)[i]
            err = rel_err(got, ex)
            if err > worst[0]:
                worst = (err, f"single_stage_oc({r}, {n}, p={p!r}).{field} = {got!r}, exact {float(ex)!r}")
    assert worst[0] <= RTOL, f"rel err {worst[0]:.3g}: {worst[1]}"


def test_continue_fail_loses_relative_accuracy_minimal():
    """Minimal demonstration: 'continue and fail' is formed as a difference of two tails.

    At p = 0.9 the design 1/10, 5/29 continues and fails with probability
    P(X1 >= 2, X1 + X2 <= 5) ~ 4.1e-20, but cont - reject cancels to 0.0.
    """
    exact = O.two_stage_oc(1, 10, 5, 29, 0.9)["continue_fail"]
    got = two_stage_oc(1, 10, 5, 29, [0.9]).continue_fail[0]
    assert_close(got, exact, "two_stage_oc(1, 10, 5, 29, 0.9).continue_fail")


def test_single_stage_continue_fail_minimal():
    """single_stage_oc forms 'continue and fail' as 1 - P(reject): P(X <= 4 | 9, 0.99) ~ 1.2185e-8 is off by ~2e-8."""
    exact = O.single_stage_oc(4, 9, 0.99)["continue_fail"]
    got = single_stage_oc(4, 9, [0.99]).continue_fail[0]
    assert_close(got, exact, "single_stage_oc(4, 9, 0.99).continue_fail")


# ---------------------------------------------------------------------------
# Binomial kernels
# ---------------------------------------------------------------------------

KERNEL_N = (1, 2, 10, 100, 1000, 5000)
KERNEL_P = (1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.999)


def _worst(mine, ref, floor=1e-300):
    mask = ref > floor
    if not mask.any():
        return 0.0, -1
    rel = np.zeros_like(ref)
    rel[mask] = np.abs(mine[mask] - ref[mask]) / ref[mask]
    k = int(np.argmax(rel))
    return float(rel[k]), k


@pytest.mark.parametrize("n", KERNEL_N)
@pytest.mark.parametrize("p", KERNEL_P)
def test_binom_tables_vs_scipy(n, p):
    pmf, cdf, sf = K._binom_tables(n, p)
    k = np.arange(n + 1)
    problems = []
    for name, mine, ref in (("pmf", pmf, binom.pmf(k, n, p)), ("cdf", cdf, binom.cdf(k, n, p)),
                            ("sf", sf, binom.sf(k, n, p))):
        assert mine.shape == (n + 1,)
        assert np.all(mine >= 0) and np.all(mine <= 1)
        err, kk = _worst(mine, ref)
        if err > 1e-12:
            problems.append((name, kk, mine[kk], ref[kk], err))
    if problems:
        # scipy (boost's ibeta_derivative) is itself off by up to ~1e-12 for a few far-tail entries
        # near 1e-270 at n = 5000; such a difference is accepted only when the 40-digit reference shows
        # that scipy, not the kernel, is the one in error.
        exact = dict(zip(("pmf", "cdf", "sf"), _hp_tables(n, p)))
        for name, kk, mine_v, ref_v, err in problems:
            true = exact[name][kk]
            assert abs(mine_v - true) <= 1e-13 * true and abs(ref_v - true) > 1e-12 * true, (
                f"n={n}, p={p}: {name}[{kk}] = {mine_v!r} vs scipy {ref_v!r} (rel {err:.3g}), exact {true!r}")


def _hp_tables(n, p, digits=40):
    """pmf, cdf, sf to ~35 significant digits with the decimal module (a log-space recurrence)."""
    with localcontext() as ctx:
        ctx.prec = digits
        P = Decimal(p)  # exact value of the float
        Q = 1 - P
        lr = (P / Q).ln()
        lp = n * Q.ln()
        pmf = [lp.exp()]
        for k in range(1, n + 1):
            lp = lp + (Decimal(n - k + 1) / Decimal(k)).ln() + lr
            pmf.append(lp.exp())
        cdf, s = [], Decimal(0)
        for v in pmf:
            s += v
            cdf.append(s)
        sf, s = [Decimal(0)] * (n + 1), Decimal(0)
        for k in range(n, 0, -1):
            s += pmf[k]
            sf[k - 1] = s
    return [np.array([float(v) for v in t]) for t in (pmf, cdf, sf)]


@pytest.mark.slow
@pytest.mark.parametrize("n", (10, 100, 1000, 5000))
@pytest.mark.parametrize("p", KERNEL_P)
def test_binom_tables_vs_high_precision(n, p):
    """The kernel against a 40-digit reference, rtol 1e-13 wherever the value exceeds 1e-300."""
    mine = K._binom_tables(n, p)
    ref = _hp_tables(n, p)
    problems = []
    for name, a, b in zip(("pmf", "cdf", "sf"), mine, ref):
        err, kk = _worst(a, b)
        if err > 1e-13:
            problems.append(f"{name}[{kk}] = {a[kk]!r} vs exact {b[kk]!r} (rel {err:.3g})")
        # below 1e-300 the kernel must still not exceed the true value grossly
        assert np.all(a[b <= 1e-300] <= 1e-290)
    assert not problems, f"n={n}, p={p}: " + "; ".join(problems)


def test_binom_pmf_deep_tail_n5000_minimal():
    """b(483; 5000, 0.3) ~ 3.84e-265 from exact integers: exp() of a log-pmf near -610 was off by 1e-12."""
    n, p, k = 5000, 0.3, 483
    f = Fraction(p)
    a, d = f.numerator, f.denominator
    from math import comb
    got = K._binom_tables(n, p)[0][k]
    err = rel_err(got, Fraction(comb(n, k) * a ** k * (d - a) ** (n - k), d ** n))
    assert err <= 1e-14, f"pmf({k}; {n}, {p}) = {got!r}, relative error {err:.3g}"


@pytest.mark.parametrize("p", (0.0, 1.0, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.999))
def test_binom_tables_small_n_exact(p):
    t = O.BinomTable(p, 40)  # exact value of the float p
    for n in range(0, 41):
        pmf, cdf, sf = K._binom_tables(n, p)
        for k in range(n + 1):
            for name, got, ex in (("pmf", pmf[k], t.pmf_frac(n, k)), ("cdf", cdf[k], t.cdf_frac(n, k)),
                                  ("sf", sf[k], t.sf_frac(n, k))):
                if ex == 0 or ex < Fraction(1, 10 ** 300):
                    assert got <= 1e-290, f"{name}({k}; {n}, {p}) = {got!r}, exact {float(ex)!r}"
                else:
                    assert_close(got, ex, f"{name}({k}; {n}, {p})")


@pytest.mark.parametrize("p", (0.0, 1.0, 1e-6, 0.1, 0.5, 0.77, 0.999))
def test_triangular_tables(p):
    mmax = 300
    pmf, sf = K._triangular_tables(mmax, p)
    assert pmf.shape == sf.shape == ((mmax + 1) * (mmax + 2) // 2,)
    for m in (0, 1, 2, 7, 30, 31, 150, 299, 300):
        o = m * (m + 1) // 2
        row_pmf, row_sf = pmf[o:o + m + 1], sf[o:o + m + 1]
        ref_pmf, _, ref_sf = K._binom_tables(m, p)
        np.testing.assert_array_equal(row_pmf, ref_pmf)
        np.testing.assert_array_equal(row_sf, ref_sf)
        assert row_sf[m] == 0.0
        if 0.0 < p < 1.0:
            k = np.arange(m + 1)
            for mine, ref in ((row_pmf, binom.pmf(k, m, p)), (row_sf, binom.sf(k, m, p))):
                err, kk = _worst(mine, ref)
                assert err <= 1e-12, f"m={m}, k={kk}: {mine[kk]!r} vs {ref[kk]!r}"
    t = O.BinomTable(p, 30)
    for m in range(31):
        o = m * (m + 1) // 2
        for k in range(m + 1):
            for got, ex in ((pmf[o + k], t.pmf_frac(m, k)), (sf[o + k], t.sf_frac(m, k))):
                if ex < Fraction(1, 10 ** 300):
                    assert got <= 1e-290
                else:
                    assert_close(got, ex, f"triangular m={m}, k={k}, p={p}")


# ---------------------------------------------------------------------------
# Single stage designs
# ---------------------------------------------------------------------------

SINGLE_CASES = [
    ("0.2", "0.4", "0.05", "0.2"),
    ("0.1", "0.3", "0.05", "0.2"),
    ("0.05", "0.25", "0.05", "0.2"),
    ("0.3", "0.5", "0.1", "0.1"),
    ("0.6", "0.8", "0.1", "0.1"),
    ("0.01", "0.1", "0.05", "0.2"),
    ("0.5", "0.75", "0.05", "0.2"),
    ("0.7", "0.9", "0.05", "0.2"),
]


@pytest.mark.parametrize("case", SINGLE_CASES, ids=lambda c: "/".join(c))
def test_single_stage_design_matches_oracle(case):
    want = O.single_stage_search(*case, nmax=120, count=5)
    assert len(want) == 5
    res = single_stage_design(*(float(v) for v in case), candidates=5)
    got = [(d.r, d.n) for d in res.candidates]
    assert got == [(r, n) for r, n, _, _ in want]
    assert (res.design.r, res.design.n) == (want[0][0], want[0][1])
    for d, (_, _, a, pw) in zip(res.candidates, want):
        assert_close(d.attained_alpha, a, f"{d.label()} alpha")
        assert_close(d.power, pw, f"{d.label()} power")
    # with nmax just below the smallest feasible n there is nothing to find
    from phase2design import NoFeasibleDesignError
    with pytest.raises(NoFeasibleDesignError, match=f"nmax >= {want[0][1]}"):
        single_stage_design(*(float(v) for v in case), nmax=want[0][1] - 1)

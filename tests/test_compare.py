"""Designs side by side: compare_designs, the compare command and oc --compare without --plot."""

import json
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import multistage_oracle as O
from phase2design import simon_design
from phase2design.cli import main
from phase2design.comparison import compare_designs
from phase2design.engine.design import Design

# Rows copied from /work/shared/reference/multistage_published.csv (openpharma/mtdesign
# tests/testthat/test-obtainDesign.R, 'Mander & Thompson Section 4', p0=0.2 p1=0.4 alpha=0.1 beta=0.1):
#   Mander-Thompson optimalNull: n=41 n1=16 rTotal=11 rFutility=3 rSuccess=6 (efficacy stop if X1 > 6);
#     Type1=0.0959982365130688 Type2=0.0984812292666625 PETNull=0.62479165702144 PETAlt=0.537972628160512
#     EN0=25.380208574464 EN1=27.5506842959872
#   Simon optimal (mander=FALSE): r1/n1=3/17 r/n=10/37; Type1=0.0947843743314956 Type2=0.0967257134075589
#     PET0=0.548876204585779 PET1=0.0464229308104704 EN0=26.0224759082844 EN1=36.0715413837906
MTDESIGN = {
    "3:6/16,11/41": dict(attained_alpha=0.0959982365130688, power=1 - 0.0984812292666625, pet0=0.62479165702144,
                         pet1=0.537972628160512, en0=25.380208574464, en1=27.5506842959872),
    "3/17,10/37": dict(attained_alpha=0.0947843743314956, power=1 - 0.0967257134075589, pet0=0.548876204585779,
                       pet1=0.0464229308104704, en0=26.0224759082844, en1=36.0715413837906),
}


def test_published_mtdesign_rows_side_by_side():
    c = compare_designs(list(MTDESIGN), 0.2, 0.4, alpha=0.1, beta=0.1)
    for d in c.designs:
        want = MTDESIGN[d.label().replace(" ", "")]
        for name, value in want.items():
            assert getattr(d, name) == pytest.approx(value, rel=1e-9), (d.label(), name)
    assert c.meets_alpha == (True, True) and c.meets_power == (True, True)


def _tuple(d):
    return (d.n, d.futility, d.efficacy)


@pytest.mark.parametrize("p0, p1", [(Fraction(1, 10), Fraction(3, 10)), (Fraction(1, 5), Fraction(2, 5))])
def test_every_column_against_the_oracle(p0, p1):
    texts = ["5/25", "1/10,5/29", "0/6,2/17,5/29", "3:6/16,11/41", "-:4/12,9/30"]
    c = compare_designs(texts, float(p0), float(p1))
    assert [d.label() for d in c.designs] == [Design.parse(t).label() for t in texts]
    for d, row in zip(c.designs, c.rows()):
        t = _tuple(d.design)
        o0, o1 = O.oc(t, O.probabilities(t, p0)), O.oc(t, O.probabilities(t, p1))
        assert row["n"] == d.design.n_max
        assert row["attained_alpha"] == pytest.approx(float(o0["reject"]), rel=1e-12)
        assert row["power"] == pytest.approx(float(o1["reject"]), rel=1e-12)
        assert row["en0"] == pytest.approx(float(o0["en"]), rel=1e-12)
        assert row["en1"] == pytest.approx(float(o1["en"]), rel=1e-12)
        # PET: stopping before the last stage, for either reason
        assert row["pet0"] == pytest.approx(float(1 - o0["stop"][-1]), rel=1e-12, abs=1e-15)
        assert row["pet1"] == pytest.approx(float(1 - o1["stop"][-1]), rel=1e-12, abs=1e-15)
        assert row["rule"] == d.design.rule()


def test_result_objects_keep_kind_and_family():
    res = simon_design(0.1, 0.3, 0.05, 0.2)
    c = compare_designs([res.optimal, res.minimax, "5/25"], 0.1, 0.3)
    assert [d.kind for d in c.designs] == ["optimal", "minimax", ""]
    assert c.designs[0].en0 == pytest.approx(res.optimal.en0, rel=1e-12)
    assert c.designs[1].attained_alpha == pytest.approx(res.minimax.attained_alpha, rel=1e-12)


def test_exact_tie_is_decided_exactly():
    # 0/1, i.e. at least 1 of 1 responds: attained alpha is p0 itself, a tie with alpha = p0
    c = compare_designs(["0/1"], 0.3, 0.5, alpha=0.3, beta=0.5)
    assert c.meets_alpha == (True,) and c.meets_power == (True,)
    c = compare_designs(["0/2"], 0.3, 0.5, alpha=0.51, beta=0.25)  # alpha = 0.51 exactly, power = 0.75 exactly
    assert c.meets_alpha == (True,) and c.meets_power == (True,)


@pytest.mark.parametrize("designs, words", [([], "at least one design"), (["1/10,5/x"], "designs\\[0\\]"),
                                            ([object()], "designs\\[0\\]")])
def test_bad_designs(designs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        compare_designs(designs, 0.1, 0.3)


def _run(args, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_cli_compare_table(capsys):
    code, out, err = _run(["compare", "1/10,5/29", "1/15,5/25", "5/25", "3:6/16,11/41", "--p0", "0.1", "--p1", "0.3",
                           "--alpha", "0.05", "--beta", "0.2"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("design"))
    assert lines[head].split()[:8] == ["design", "n", "EN0", "EN1", "PET0", "PET1", "alpha", "power"]
    assert lines[head + 2].startswith("1/10, 5/29     29  15.01  26.16  0.736  0.149  0.0471  0.8051  yes")
    assert lines[head + 4].startswith("5/25           25  25.00  25.00  0.000  0.000  0.0334  0.8065  yes")
    assert "stop after 10 patients if 1 or fewer respond" in lines[head + 2]
    assert "  NO  " in lines[head + 5]  # 3:6/16, 11/41 has power 0.5463 at p1 = 0.3


def test_cli_compare_json_is_the_library(capsys):
    code, out, _ = _run(["compare", "1/10,5/29", "0/6,2/17,5/29", "--p0", "0.1", "--p1", "0.3", "--format", "json"],
                        capsys)
    assert code == 0
    got = json.loads(out)
    want = compare_designs(["1/10,5/29", "0/6,2/17,5/29"], 0.1, 0.3).to_dict()
    assert got == want


def test_cli_oc_compare_without_plot_is_the_comparison(capsys):
    args = ["--p0", "0.1", "--p1", "0.3"]
    code, out, err = _run(["oc", "--design", "1/10,5/29", "--compare", "5/25", "--compare", "0/6,2/17,5/29"] + args,
                          capsys)
    assert code == 0, err
    code2, out2, _ = _run(["compare", "1/10,5/29", "5/25", "0/6,2/17,5/29"] + args, capsys)
    assert out == out2
    code, out3, _ = _run(["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--compare", "5/25",
                          "--compare", "0/6,2/17,5/29"] + args, capsys)
    assert out3 == out


@pytest.mark.parametrize("args, words", [
    (["compare", "--p0", "0.1", "--p1", "0.3"], "give the designs"),
    (["compare", "1/10,5/x", "--p0", "0.1", "--p1", "0.3"], "designs[0]"),
    (["oc", "--design", "1/10,5/29", "--compare", "5/25"], "needs --p0 and --p1"),
    (["oc", "--design", "1/10,5/29", "--compare", "5/x", "--p0", "0.1", "--p1", "0.3"], "--compare '5/x'"),
    (["oc", "--design", "1/10,5/29", "--compare", "5/25", "--p", "0.1", "--p0", "0.1", "--p1", "0.3"], "drop --p"),
])
def test_cli_errors(args, words, capsys):
    code, out, err = _run(args, capsys)
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(data=st.data(), p0=st.sampled_from([Fraction(1, 10), Fraction(1, 4)]),
       p1=st.sampled_from([Fraction(3, 10), Fraction(1, 2)]))
def test_random_designs_against_the_oracle(data, p0, p1):
    """Random valid designs of 1 to 3 stages, some with efficacy stops: every column is the oracle's."""
    stages = data.draw(st.integers(1, 3))
    sizes = sorted(data.draw(st.sets(st.integers(2, 14), min_size=stages, max_size=stages)))
    fut, eff = [], []
    for j, nj in enumerate(sizes[:-1]):
        a = data.draw(st.integers(-1, nj - 2))
        b = data.draw(st.one_of(st.none(), st.integers(a + 1, nj - 1)))
        fut.append(a)
        eff.append(b)
    fut.append(data.draw(st.integers(0, sizes[-1] - 1)))
    eff.append(None)
    try:
        design = Design(tuple(sizes), tuple(fut), tuple(eff))
    except ValueError:
        assume(False)  # a look that can never stop, or a stage never reached: not a design
    row = compare_designs([design], float(p0), float(p1)).rows()[0]
    t = _tuple(design)
    o0, o1 = O.oc(t, O.probabilities(t, p0)), O.oc(t, O.probabilities(t, p1))
    assert row["attained_alpha"] == pytest.approx(float(o0["reject"]), rel=1e-12, abs=1e-15)
    assert row["power"] == pytest.approx(float(o1["reject"]), rel=1e-12, abs=1e-15)
    assert row["en0"] == pytest.approx(float(o0["en"]), rel=1e-12)
    assert row["pet1"] == pytest.approx(float(1 - o1["stop"][-1]), rel=1e-12, abs=1e-15)


def test_cli_compare_design_file(tmp_path, capsys):
    path = tmp_path / "design.json"
    path.write_text(json.dumps(simon_design(0.1, 0.3, 0.05, 0.2).to_dict()))
    # phase2design compare 5/25 --design-file design.json --format json  (p0 and p1 from the file)
    code, out, err = _run(["compare", "5/25", "--design-file", str(path), "--format", "json"], capsys)
    assert code == 0, err
    got = json.loads(out)
    assert (got["p0"], got["p1"]) == (0.1, 0.3)
    assert [(r["design"], r["kind"]) for r in got["designs"]] == [("5/25", ""), ("1/10, 5/29", "optimal"),
                                                                  ("1/15, 5/25", "minimax")]
    code, out, err = _run(["compare", "5/25"], capsys)
    assert code == 2 and "give --p0 and --p1" in err

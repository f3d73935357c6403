"""The design command and the three-stage family in grid and the figures."""

import json

import pytest

from conftest import run_main as run
from phase2design.families.threestage import three_stage_design


def test_design_three_stage_table_and_json_agree_with_the_library(capsys):
    res = three_stage_design(0.1, 0.3, 0.05, 0.2)
    code, out, err = run(["design", "--stages", "3", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta",
                          "0.2"], capsys)
    assert code == 0 and err == ""
    assert res.optimal.label() in out and res.minimax.label() in out
    assert "Convention: a1/N1, a2/N2, ..., r/N with cumulative sizes" in out
    # the rule of every named design is written out in words
    assert f"optimal: {res.optimal.label()}: {res.optimal.rule()}." in out
    assert "stopped by bound" in out
    code, out, _ = run(["design", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--power", "0.8", "--format",
                        "json"], capsys)
    d = json.loads(out)
    assert d["family"] == "three-stage" and d["optimal"]["label"] == res.optimal.label()
    assert d["optimal"]["en0"] == pytest.approx(res.optimal.en0, rel=1e-15)
    assert d["optimal"]["stop0"] == pytest.approx(list(res.optimal.stop0), rel=1e-15)


def test_design_ensign_and_two_stage_layouts(capsys):
    code, out, _ = run(["design", "--ensign", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2",
                        "--format", "csv"], capsys)
    assert code == 0 and out.splitlines()[0].startswith("kind,design,stages,n,en0")
    for line in out.splitlines()[1:]:
        assert line.split(",")[1].strip('"').startswith("0/")
    code, out, _ = run(["design", "--stages", "2", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta",
                        "0.2"], capsys)
    assert code == 0 and "1/10, 5/29" in out and "1/15, 5/25" in out


@pytest.mark.parametrize("args, message", [
    (["--stages", "3", "--efficacy"], "three-stage designs with efficacy bounds are not searched yet"),
    (["--stages", "2", "--ensign"], "--ensign is a three-stage design"),
    (["--stages", "4"], "--stages"),
    (["--stages", "3", "--nmax", "10"], "nmax"),
])
def test_design_bad_layouts_are_one_line_errors(capsys, args, message):
    code, out, err = run(["design", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"] + args,
                         capsys)
    assert code in (1, 2) and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert code == (1 if "--nmax" in args else 2)


def test_design_figures(capsys, tmp_path):
    space, curves = tmp_path / "space.png", tmp_path / "oc.svg"
    code, _, err = run(["design", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--plot",
                        str(space), "--plot-oc", str(curves)], capsys)
    assert code == 0 and space.stat().st_size > 1000 and "<svg" in curves.read_text()[:400]


def test_grid_with_the_three_stage_family_equals_the_search(capsys):
    code, out, _ = run(["grid", "--p0", "0.2", "--delta", "0.2", "--errors", "0.05/0.2", "--family",
                        "three-stage", "-o", "-", "--format", "json", "--quiet"], capsys)
    assert code == 0
    rows = json.loads(out)["rows"]
    res = three_stage_design(0.2, 0.4, 0.05, 0.2)
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["optimal"]["design"] == res.optimal.label()
    assert by_kind["minimax"]["design"] == res.minimax.label()
    assert by_kind["optimal"]["en0"] == res.optimal.en0
    assert by_kind["optimal"]["r1"] is None and by_kind["optimal"]["n"] == res.optimal.n


def test_plan_with_the_three_stage_family_has_exact_assurance(capsys):
    from phase2design import plan_followup
    from phase2design.engine.samplespace import SampleSpace

    plan = plan_followup("3/9", 0.1, 0.05, 0.2, p1=[0.33], families="simon,three-stage")
    three = [d for d in plan.designs if d.family == "three-stage"]
    res = three_stage_design(0.1, 0.33, 0.05, 0.2)
    assert [d.label() for d in three] == [res.optimal.label(), res.minimax.label()]
    pa, pb = plan.posterior
    for d in three:
        o = SampleSpace(d.label()).predictive_oc(pa, pb)
        assert d.assurance == pytest.approx(o["reject"], rel=1e-12)
        assert d.expected_n == pytest.approx(o["en"], rel=1e-12)
        assert d.rule().startswith("after ")
    code, out, _ = run(["plan", "--pilot", "3/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2", "--p1", "0.33",
                        "--family", "three-stage"], capsys)
    assert code == 0
    row = next(line for line in out.splitlines() if "three-stage optimal" in line)
    assert res.optimal.label() in row and f"{three[0].assurance:.4f}" in row

"""Designs of any number of stages on the command line: oc --design and analyze --responses."""

import json

import pytest

from conftest import run_main
from phase2design import design_oc
from phase2design.analysis import analyze_design


def test_oc_design_three_stage_table_and_json(capsys):
    code, out, err = run_main(["oc", "--design", "0/6,2/17,5/29", "--p", "0.1,0.3"], capsys)
    assert code == 0 and err == ""
    assert "after 6 patients: stop (not promising) if none has responded" in out
    assert "stop 1: futility" in out and "stop 2: futility" in out and "complete (n = 29)" in out
    oc = design_oc("0/6,2/17,5/29", [0.1, 0.3])
    assert f"{oc.reject[0]:.4f}" in out and f"{oc.en[1]:.2f}" in out
    code, out, _ = run_main(["oc", "--design", "0/6,2/17,5/29", "--p", "0.1,0.3", "--format", "json"], capsys)
    assert json.loads(out) == json.loads(json.dumps(oc.to_dict()))


def test_oc_design_with_efficacy_stop_csv(capsys):
    code, out, _ = run_main(["oc", "--design", "3:6/16,11/41", "--p", "0.2", "--format", "csv"], capsys)
    assert code == 0
    head, row = out.strip().splitlines()
    assert head == "p,reject,en,stop1_futility,stop1_efficacy,complete"
    assert row.startswith("0.2,0.0959982365130688,")  # mtdesign's published Type1 for this design


def test_oc_design_simon_equals_oc_r1_n1(capsys):
    _, a, _ = run_main(["oc", "--design", "1/10,5/29", "--p", "0:1:0.1"], capsys)
    _, b, _ = run_main(["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0:1:0.1"], capsys)
    assert a == b


@pytest.mark.parametrize("args, message", [
    (["oc", "--p", "0.1"], "give the design"),
    (["oc", "--design", "1/10,5/29", "--r", "5", "--p", "0.1"], "not both"),
    (["oc", "--design", "5/29,1/10", "--p", "0.1"], "cumulative"),
    (["analyze", "--design", "0/6,2/17,5/29", "--x1", "1", "--x2", "2"], "--responses"),
    (["analyze", "--design", "0/6,2/17,5/29", "--responses", "1,x"], "whole numbers"),
    (["analyze", "--design", "0/6,2/17,5/29", "--responses", "1"], "give the responses of stage 2"),
    (["analyze", "--design", "1/10,5/29"], "give the data"),
])
def test_bad_design_input_exits_2_with_one_line(args, message, capsys):
    code, out, err = run_main(args, capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_analyze_responses_three_stage(capsys):
    code, out, _ = run_main(["analyze", "--design", "0/6,2/17,5/29", "--responses", "1,2,4", "--p0", "0.1"], capsys)
    assert code == 0
    # the default interval is the 90% one that matches the one-sided alpha = 0.05 test (--alpha default)
    a = analyze_design("0/6,2/17,5/29", [1, 2, 4], p0=0.1, alpha=0.05)
    assert a.confidence_level == 0.9 and a.level_source == "alpha"
    assert "promising (H0 rejected) by the design's rule" in out
    assert f"{a.pvalue:.4f}" in out and f"{a.ci_lower:.4f} - {a.ci_upper:.4f}" in out
    assert "90% exact CI (two-sided; matches the one-sided alpha = 0.05 test)" in out


def test_analyze_responses_for_simon_equals_x1_x2(capsys):
    _, a, _ = run_main(["analyze", "--design", "1/10,5/29", "--responses", "2,4", "--p0", "0.1"], capsys)
    _, b, _ = run_main(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1"], capsys)
    assert a == b

"""Reports on designs of any number of stages: the protocol text states every stopping rule, numbers from the OC."""

import json
import re

import pytest

from conftest import run_main as run
from phase2design.analysis import analyze_design
from phase2design.families.efficacy import efficacy_design
from phase2design.families.threestage import three_stage_design
from phase2design.report import make_report, protocol_paragraph, protocol_sections


@pytest.fixture(scope="module")
def three():
    return three_stage_design(0.1, 0.3, 0.05, 0.2)


def test_three_stage_paragraph_states_every_look_and_its_numbers(three):
    d = three.optimal
    text = protocol_paragraph(d)
    design = d.design
    # every look in words, with the counts that stop
    assert f"In the first stage, {design.n[0]} patients will be enrolled. If none of the first {design.n[0]} " \
           f"patients responds, the trial stops" in text
    assert (f"Otherwise, {design.n[1] - design.n[0]} more patients will be enrolled, {design.n[1]} in all. If "
            f"{design.futility[1]} or fewer of the {design.n[1]} patients respond, the trial stops") in text
    assert f"if {design.r + 1} or more respond, the drug is declared promising and H0 is rejected" in text
    # every number is the design's own, formatted as stated
    numbers = set(re.findall(r"\d+\.\d+", text))
    expected = {f"{d.attained_alpha:.4f}", f"{d.power:.4f}", f"{d.en0:.1f}", f"{d.en1:.1f}", f"{d.pet1:.2f}",
                f"{d.pet0:.2f}", "0.1", "0.3", "0.05", "0.8"} | {f"{v:.2f}" for v in d.stop0[:-1]}
    assert numbers <= expected, numbers - expected
    assert "Chen 1997" in text and "minimises the expected sample size under H0" in text


def test_efficacy_paragraph_states_the_efficacy_stop():
    res = efficacy_design(0.2, 0.4, 0.1, 0.1)
    d = res.optimal
    text = protocol_paragraph(d)
    b = d.design.efficacy[0]
    assert f"if {b + 1} or more of them have responded, the trial stops and the drug is declared promising" in text
    assert "Mander and Thompson 2010" in text and f"{d.attained_alpha:.4f}" in text
    heads = [h for h, _ in protocol_sections(d)]
    assert heads == ["Design and decision rule", "Endpoint and evaluable population", "Interim analyses and accrual",
                     "Fewer or more evaluable patients than planned", "Analysis plan", "Rationale for p0 and p1",
                     "Software"]


def test_report_of_a_three_stage_design_with_stage_data(three):
    text = make_report(0.1, 0.3, 0.05, 0.2, "optimal", family="three-stage", fmt="md", figures=False,
                       observed_stages=(1, 2, 3))
    d = three.optimal
    assert text.startswith(f"# Phase II design report: three-stage optimal design {d.label()}")
    a = analyze_design(d.design, [1, 2, 3], p0=0.1, alpha=0.05)
    assert f"| UMVUE (Jung & Kim 2004) | {a.umvue:.4f} |" in text
    assert f"| P(N = {d.design.n[0]}) at p0 (the trial ends after stage 1) | {d.stop0[0]:.4f} |" in text
    assert "Three-stage (optimal and minimax) designs for p0=0.1" in text  # the family's candidates
    assert "--family three-stage" in text  # the command that reproduces it


def test_report_cli_reads_a_three_stage_design_file(capsys, tmp_path, three):
    code, out, _ = run(["design", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--format",
                        "json"], capsys)
    path = tmp_path / "design.json"
    path.write_text(out)
    code, out, err = run(["report", "--design-file", str(path), "--kind", "minimax"], capsys)
    assert code == 0
    assert out.startswith(f"# Phase II design report: three-stage minimax design {three.minimax.label()}")
    code, out, err = run(["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--family",
                          "three-stage", "-o", str(tmp_path / "d.json")], capsys)
    assert code == 0 and json.loads((tmp_path / "d.json").read_text())["label"] == three.optimal.label()
    code, out, err = run(["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--family",
                          "fleming"], capsys)
    assert code == 2 and "family must be one of" in err and len(err.strip().splitlines()) == 1

"""Design files: what simon/single --format json (and report -o FILE.json) write, read back by analyze/report."""

import json

import pytest

from phase2design import analyze_two_stage, simon_design, single_stage_design
from phase2design.cli import main
from phase2design.designfile import design_file_dict, read_design_file
from phase2design.engine.design import Design


def _run(args, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


@pytest.fixture(scope="module")
def simon_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("design") / "design.json"
    path.write_text(json.dumps(simon_design(0.1, 0.3, 0.05, 0.2).to_dict()))
    return path


def test_search_result_is_ambiguous_for_parse(simon_file):
    with pytest.raises(ValueError, match="several designs \\(optimal, minimax\\)"):
        Design.parse(simon_file.read_text())


def test_search_result_default_and_kind(simon_file):
    f = read_design_file(simon_file)
    assert f.design == Design.parse("1/10,5/29") and f.kind == "optimal"
    assert (f.p0, f.p1, f.alpha, f.beta) == (0.1, 0.3, 0.05, 0.2)
    assert "using its optimal design 1/10, 5/29 (the default" in f.note
    g = read_design_file(simon_file, kind="minimax")
    assert g.design == Design.parse("1/15,5/25") and g.note == "" and g.kind == "minimax"
    with pytest.raises(ValueError, match="kind must be one of optimal, minimax"):
        read_design_file(simon_file, kind="admissible")


def test_single_stage_and_report_files(tmp_path):
    p = tmp_path / "single.json"
    p.write_text(json.dumps(single_stage_design(0.1, 0.3, 0.05, 0.2).to_dict()))
    f = read_design_file(p)
    assert f.design == Design.single(5, 25) and f.note == "" and f.alpha == 0.05
    with pytest.raises(ValueError, match="holds one design"):
        read_design_file(p, kind="minimax")
    q = tmp_path / "report.json"
    q.write_text(json.dumps(design_file_dict("3:6/16,11/41", 0.2, 0.4, 0.1, 0.1, kind="optimal", family="x")))
    g = read_design_file(q)
    assert g.design == Design.parse("3:6/16,11/41") and (g.p0, g.alpha, g.kind) == (0.2, 0.1, "optimal")


@pytest.mark.parametrize("text, words", [("{", "is not JSON"), ("[1, 2]", "must hold a JSON object"),
                                         ('{"x": 1}', "holds no design")])
def test_bad_files(tmp_path, text, words):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(ValueError, match=words):
        read_design_file(p)
    with pytest.raises(ValueError, match="cannot be read"):
        read_design_file(tmp_path / "missing.json")


def test_cli_simon_json_round_trip_to_analyze(tmp_path, capsys):
    code, out, err = _run(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--format",
                           "json"], capsys)
    assert code == 0
    path = tmp_path / "design.json"
    path.write_text(out)
    code, out, err = _run(["analyze", "--design-file", str(path), "--x1", "2", "--x2", "4"], capsys)
    assert code == 0, err
    assert "using its optimal design 1/10, 5/29 (the default" in err
    # p0 comes from the file: the same analysis as with --design and --p0
    code2, out2, _ = _run(["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1"], capsys)
    assert code2 == 0 and out == out2
    code, out, err = _run(["analyze", "--design-file", str(path), "--kind", "minimax", "--x1", "2", "--x2", "4",
                           "--format", "json"], capsys)
    assert code == 0 and err == ""
    res = json.loads(out)
    want = analyze_two_stage((1, 15, 5, 25), 2, 4, p0=0.1)
    assert res["pvalue"] == want.pvalue and res["design"] == "1/15, 5/25"


def test_cli_design_file_errors(tmp_path, capsys):
    code, out, err = _run(["analyze", "--design", "1/10,5/29", "--design-file", "x.json", "--x1", "2"], capsys)
    assert code == 2 and "not both" in err
    code, out, err = _run(["analyze", "--x1", "2"], capsys)
    assert code == 2 and "--design-file" in err
    code, out, err = _run(["analyze", "--design", "1/10,5/29", "--kind", "minimax", "--x1", "2", "--x2", "4"], capsys)
    assert code == 2 and "--kind chooses a design in a --design-file" in err
    code, out, err = _run(["analyze", "--design-file", str(tmp_path / "none.json"), "--x1", "2"], capsys)
    assert code == 2 and "cannot be read" in err and "Traceback" not in err


def test_cli_three_stage_design_file(tmp_path, capsys):
    # phase2design design --stages 3 --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --format json > d3.json
    code, out, err = _run(["design", "--stages", "3", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta",
                           "0.2", "--format", "json"], capsys)
    assert code == 0, err
    path = tmp_path / "d3.json"
    path.write_text(out)
    result = json.loads(out)
    f = read_design_file(path)
    assert f.design == Design.parse(result["optimal"]["label"]) and f.kind == "optimal" and f.design.stages == 3
    # phase2design analyze --design-file d3.json --responses 1,2,4
    code, out, err = _run(["analyze", "--design-file", str(path), "--responses", "1,2,4"], capsys)
    assert code == 0 and f"Analysis of 3-stage design {f.design.label()}" in out and "using its optimal" in err
    # phase2design compare --design-file d3.json: optimal and minimax side by side, at the file's p0 and p1
    code, out, err = _run(["compare", "--design-file", str(path), "--format", "json"], capsys)
    rows = json.loads(out)["designs"]
    assert code == 0 and [r["kind"] for r in rows] == ["optimal", "minimax"]
    assert rows[0]["en0"] == pytest.approx(result["optimal"]["en0"], rel=1e-12)
    assert rows[1]["attained_alpha"] == pytest.approx(result["minimax"]["attained_alpha"], rel=1e-12)

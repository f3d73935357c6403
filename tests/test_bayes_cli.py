"""The ``predictive`` and ``bayes`` commands: output, conventions stated, exit codes."""

import json

import pytest

from conftest import run_main


def test_predictive_prints_the_probability_and_the_convention(capsys):
    code, out, err = run_main(["predictive", "16/23", "--nmax", "40", "--p0", "0.6", "--theta-t", "0.9",
                               "--prior", "0.6,0.4"], capsys)
    assert code == 0 and err == ""
    assert "PP = 0.5656" in out and "strict equality convention" in out
    assert "P(p > 0.6 | data at 40 patients) > 0.9" in out


def test_predictive_json_and_mixture_prior(capsys):
    code, out, _ = run_main(["predictive", "20/23", "--nmax", "40", "--p0", "0.6", "--theta-t", "0.9",
                             "--prior", "3:1,1;1:25,15", "--equality", "inclusive", "--format", "json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["predictive_probability"] == pytest.approx(0.987443066689065, abs=1e-12)
    assert d["equality"] == "inclusive" and d["prior"][0][0] == pytest.approx(0.75)


@pytest.mark.parametrize("args,message", [
    (["predictive", "10/9", "--nmax", "25", "--p0", "0.1", "--theta-t", "0.9"], "x must lie between 0 and n=9"),
    (["predictive", "3 9", "--nmax", "25", "--p0", "0.1", "--theta-t", "0.9"], "did you mean 3/9"),
    (["predictive", "3/9", "--nmax", "25", "--p0", "0.1", "--theta-t", "0.9", "--prior", "1:2"],
     "prior mixture must look like"),
    (["bayes", "--p0", "0.2", "--nmax", "40", "--theta-t", "0.8"], "give the looks"),
    (["bayes", "--p0", "0.2", "--nmax", "40", "--looks", "10,20", "--every", "5", "--theta-t", "0.8"],
     "not both"),
    (["bayes", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.1", "--beta", "0.1", "--search", "--theta-t", "0.8"],
     "does not go with --search"),
    (["bayes", "--p0", "0.2", "--nmax", "40", "--looks", "10,x", "--theta-t", "0.8"], "whole numbers"),
])
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    code, out, err = run_main(args, capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_bayes_rule_table_oc_and_analysis(capsys):
    code, out, _ = run_main(["bayes", "--p0", "0.2", "--p1", "0.4", "--nmax", "40", "--looks", "10,20,30",
                             "--theta-t", "0.8", "--theta-l", "0.1", "--theta-u", "0.9", "--prior", "1,1",
                             "--observed", "2/20"], capsys)
    assert code == 0
    assert "As a design: 0:3/10, 2:6/20, 5:8/30, 9/40" in out
    assert "stop, not promising, if S <=" in out and "frequentist summaries of a Bayesian rule" in out
    code, out, _ = run_main(["bayes", "--p0", "0.2", "--p1", "0.4", "--nmax", "40", "--looks", "10,20,30",
                             "--theta-t", "0.8", "--theta-l", "0.1", "--prior", "1,1", "--format", "json"], capsys)
    d = json.loads(out)
    assert d["rule"]["design"] == "0/10, 2/20, 5/30, 9/40" and len(d["oc"]["reject"]) == 2


def test_bayes_search_and_infeasible_exit_1(capsys):
    code, out, _ = run_main(["bayes", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.1", "--power", "0.9",
                             "--search", "--nmax", "40", "--format", "json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["minimax"]["n_max"] == 36 and d["family"] == "predictive"
    code, out, err = run_main(["bayes", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.1", "--beta", "0.1",
                               "--search", "--nmin", "20", "--nmax", "22"], capsys)
    assert code == 1 and "raise nmax" in err


def test_bayes_plot_oc(capsys, tmp_path):
    path = tmp_path / "oc.png"
    code, _, err = run_main(["bayes", "--p0", "0.2", "--p1", "0.4", "--nmax", "40", "--looks", "10,20,30",
                             "--theta-t", "0.8", "--theta-l", "0.1", "--plot-oc", str(path)], capsys)
    assert code == 0 and path.stat().st_size > 1000 and "wrote" in err
    code, _, err = run_main(["bayes", "--p0", "0.2", "--nmax", "40", "--looks", "10", "--theta-t", "0.8",
                             "--plot-oc", str(path)], capsys)
    assert code == 2 and "--plot-oc needs --p1" in err


def test_bayes_csv_rows_are_the_looks(capsys):
    code, out, _ = run_main(["bayes", "--p0", "0.2", "--nmax", "40", "--looks", "10,20,30", "--theta-t", "0.8",
                             "--theta-l", "0.1", "--prior", "1,1", "--format", "csv"], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("n,futility_stop_if_at_most") and len(lines) == 5
    assert lines[-1].startswith("40,9,10,")

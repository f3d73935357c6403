"""Command-line behaviour: one-line errors with the right exit codes, help, version and output formats."""

import csv
import io
import json
import subprocess
import sys

import pytest

from phase2design import __version__, cutoff_table, simon_design, single_stage_design, two_stage_oc
from phase2design.cli import main

SIMON_ARGS = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]
SINGLE_ARGS = ["single", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.05", "--beta", "0.2"]
OC2_ARGS = ["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.1,0.3"]
OC1_ARGS = ["oc", "--r", "11", "--n", "35", "--p", "0.2,0.4"]
CUTOFF_ARGS = ["single", "--n", "9", "--p0", "0.1,0.2", "--p1", "0.5"]


def run(args, capsys):
    """phase2design.cli.main in-process: (exit code, stdout, stderr).  Any other exception propagates."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    code = info.value.code
    return (0 if code is None else code), out, err


def run_process(args):
    """python -m phase2design in a subprocess: (exit code, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "phase2design", *args], capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def assert_one_line_error(code, out, err, want_code=2, contains=None):
    assert code == want_code, f"exit code {code}, stderr {err!r}"
    assert out == "", f"stdout should be empty on error, got {out!r}"
    assert "Traceback" not in err
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("Error:"), f"not a one-line 'Error:' message: {err!r}"
    if contains is not None:
        for c in ([contains] if isinstance(contains, str) else contains):
            assert c in lines[0], f"{c!r} not in {lines[0]!r}"


# ---------------------------------------------------------------------------
# Bad input: one line on stderr starting with "Error:", exit code 2
# ---------------------------------------------------------------------------

def _simon(**over):
    vals = {"--p0": "0.1", "--p1": "0.3", "--alpha": "0.05", "--beta": "0.2"}
    vals.update({f"--{k}": v for k, v in over.items()})
    out = ["simon"]
    for k, v in vals.items():
        out += [k, v]
    return out


BAD_INPUTS = {
    # p0 >= p1
    "p0-equals-p1": (_simon(p0="0.3", p1="0.3"), "p0 must be smaller than p1"),
    "p0-above-p1": (_simon(p0="0.5", p1="0.2"), "p0 must be smaller than p1"),
    "single-p0-above-p1": (["single", "--p0", "0.5", "--p1", "0.2", "--alpha", "0.05", "--beta", "0.2"],
                           "p0 must be smaller than p1"),
    "cutoff-p0-above-p1": (["single", "--n", "9", "--p0", "0.1,0.6", "--p1", "0.5"], "p0 must be smaller"),
    # rates outside (0, 1)
    "p0-zero": (_simon(p0="0"), "p0"),
    "p0-negative": (_simon(p0="-0.1"), "p0"),
    "p1-one": (_simon(p1="1"), "p1"),
    "p1-above-one": (_simon(p1="1.5"), "p1"),
    "alpha-zero": (_simon(alpha="0"), "alpha"),
    "alpha-one": (_simon(alpha="1"), "alpha"),
    "alpha-negative": (_simon(alpha="-0.05"), "alpha"),
    "beta-above-one": (_simon(beta="1.2"), "beta"),
    "alpha-plus-beta": (_simon(alpha="0.5", beta="0.5"), "alpha + beta"),
    "p0-inf": (_simon(p0="inf"), "p0"),
    "oc-p-above-one": (["oc", "--r", "3", "--n", "20", "--p", "0.2,1.5"], "p"),
    "oc-p-negative": (["oc", "--r", "3", "--n", "20", "--p", "-0.1"], "p"),
    "cutoff-p0-one": (["single", "--n", "9", "--p0", "1"], "p0"),
    # NaN
    "p0-nan": (_simon(p0="nan"), "nan"),
    "alpha-nan": (_simon(alpha="nan"), "nan"),
    "single-p1-nan": (["single", "--p0", "0.2", "--p1", "nan", "--alpha", "0.05", "--beta", "0.2"], "nan"),
    "oc-p-nan": (["oc", "--r", "3", "--n", "20", "--p", "0.1,nan"], "nan"),
    # non-integer sizes
    "nmax-fraction": (_simon(nmax="2.5"), "--nmax"),
    "nmax-word": (_simon(nmax="ten"), "--nmax"),
    "oc-n-fraction": (["oc", "--r", "3", "--n", "20.5", "--p", "0.1"], "--n"),
    "oc-n1-fraction": (["oc", "--r1", "1", "--n1", "9.5", "--r", "3", "--n", "20", "--p", "0.1"], "--n1"),
    "cutoff-n-fraction": (["single", "--n", "9.5", "--p0", "0.1"], "--n"),
    "candidates-fraction": (SINGLE_ARGS + ["--candidates", "1.5"], "--candidates"),
    # r > n (and r == n)
    "oc-single-r-above-n": (["oc", "--r", "30", "--n", "29", "--p", "0.1"], "r must be smaller than n"),
    "oc-single-r-equals-n": (["oc", "--r", "29", "--n", "29", "--p", "0.1"], "r must be smaller than n"),
    "oc-two-r-above-n": (["oc", "--r1", "1", "--n1", "10", "--r", "30", "--n", "29", "--p", "0.1"],
                         "r must be smaller than n"),
    "oc-r-below-r1": (["oc", "--r1", "5", "--n1", "10", "--r", "4", "--n", "29", "--p", "0.1"], "r1"),
    "oc-n1-equals-n": (["oc", "--r1", "1", "--n1", "29", "--r", "5", "--n", "29", "--p", "0.1"], "n1"),
    # negative numbers
    "nmax-negative": (_simon(nmax="-5"), "nmax"),
    "oc-n-negative": (["oc", "--r", "3", "--n", "-20", "--p", "0.1"], "n"),
    "oc-r-negative": (["oc", "--r", "-1", "--n", "20", "--p", "0.1"], "r"),
    "oc-r1-negative": (["oc", "--r1", "-1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.1"], "r1"),
    "oc-n1-negative": (["oc", "--r1", "0", "--n1", "-10", "--r", "5", "--n", "29", "--p", "0.1"], "n1"),
    "cutoff-n-negative": (["single", "--n", "-9", "--p0", "0.1"], "n"),
    "candidates-negative": (SINGLE_ARGS + ["--candidates", "-1"], "candidates"),
    "single-nmax-negative": (SINGLE_ARGS + ["--nmax", "-3"], "nmax"),
    # sizes beyond the engine's limit
    "nmax-5001": (_simon(nmax="5001"), ("nmax", "5000")),
    "nmax-10000": (_simon(nmax="10000"), ("nmax", "5000")),
    "single-nmax-6000": (SINGLE_ARGS + ["--nmax", "6000"], ("nmax", "5000")),
    "oc-n-5001": (["oc", "--r", "3", "--n", "5001", "--p", "0.1"], "5000"),
    # r1 >= n1
    "r1-equals-n1": (["oc", "--r1", "3", "--n1", "3", "--r", "5", "--n", "20", "--p", "0.1"],
                     "r1 must be smaller than n1"),
    "r1-above-n1": (["oc", "--r1", "4", "--n1", "3", "--r", "5", "--n", "20", "--p", "0.1"],
                    "r1 must be smaller than n1"),
    "r1-without-n1": (["oc", "--r1", "1", "--r", "5", "--n", "20", "--p", "0.1"], "--n1"),
    # malformed --p
    "grid-two-parts": (["oc", "--r", "3", "--n", "20", "--p", "0.1:0.5"], "START:STOP:STEP"),
    "grid-four-parts": (["oc", "--r", "3", "--n", "20", "--p", "0:1:0.1:2"], "START:STOP:STEP"),
    "grid-zero-step": (["oc", "--r", "3", "--n", "20", "--p", "0:1:0"], "STEP > 0"),
    "grid-negative-step": (["oc", "--r", "3", "--n", "20", "--p", "0:1:-0.1"], "STEP > 0"),
    "grid-reversed": (["oc", "--r", "3", "--n", "20", "--p", "1:0:0.1"], "START <= STOP"),
    "grid-words": (["oc", "--r", "3", "--n", "20", "--p", "a:b:c"], "p must be a number"),
    "grid-nan": (["oc", "--r", "3", "--n", "20", "--p", "0:nan:0.1"], "p grid"),
    "grid-too-many": (["oc", "--r", "3", "--n", "20", "--p", "0:1:0.000001"], "100000"),
    "p-empty": (["oc", "--r", "3", "--n", "20", "--p", ""], "p must not be empty"),
    "p-empty-item": (["oc", "--r", "3", "--n", "20", "--p", "0.1,,0.3"], "p has an empty entry between commas"),
    "p-word": (["oc", "--r", "3", "--n", "20", "--p", "0.1,abc"], "abc"),
    "cutoff-p0-word": (["single", "--n", "9", "--p0", "0.1,x"], "x"),
    # unknown format
    "format-xml": (SIMON_ARGS + ["--format", "xml"], "--format"),
    "format-oc-yaml": (OC2_ARGS + ["--format", "yaml"], "--format"),
    "format-missing-value": (OC2_ARGS + ["--format"], "--format"),
    # usage
    "missing-option": (["simon", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"], "--p0"),
    "unknown-option": (SIMON_ARGS + ["--bogus", "1"], "--bogus"),
    "unknown-command": (["bogus"], "bogus"),
    "single-search-incomplete": (["single", "--p0", "0.2", "--p1", "0.4"], "--alpha"),
    "single-two-p0": (["single", "--p0", "0.2,0.3", "--p1", "0.4", "--alpha", "0.05", "--beta", "0.2"], "one p0"),
    "cutoff-with-alpha": (["single", "--n", "9", "--p0", "0.1", "--alpha", "0.05"], "--n"),
}


@pytest.mark.parametrize("args,contains", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_one_line_exit_2(args, contains, capsys):
    code, out, err = run(args, capsys)
    assert_one_line_error(code, out, err, 2, contains)


@pytest.mark.parametrize("name", ["p0-above-p1", "p0-nan", "nmax-fraction", "oc-two-r-above-n", "r1-equals-n1",
                                  "nmax-5001", "grid-two-parts", "format-xml", "oc-n-negative"])
def test_bad_input_in_a_real_process(name):
    args, contains = BAD_INPUTS[name]
    assert_one_line_error(*run_process(args), 2, contains)


# ---------------------------------------------------------------------------
# No feasible design: exit 1 and a sufficient nmax
# ---------------------------------------------------------------------------

def test_nmax_too_small_names_sufficient_nmax(capsys):
    code, out, err = run(SIMON_ARGS + ["--nmax", "20"], capsys)
    assert_one_line_error(code, out, err, 1, "nmax >= 25")
    # and that nmax is indeed enough (and 24 is not)
    code, out, _ = run(SIMON_ARGS + ["--nmax", "25", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["minimax"]["n"] == 25
    code, out, err = run(SIMON_ARGS + ["--nmax", "24"], capsys)
    assert_one_line_error(code, out, err, 1, "nmax >= 25")


def test_nmax_too_small_in_a_real_process():
    assert_one_line_error(*run_process(SIMON_ARGS + ["--nmax", "20"]), 1, "nmax >= 25")


@pytest.mark.parametrize("case", [("0.05", "0.25", "0.05", "0.2"), ("0.7", "0.9", "0.05", "0.2"),
                                  ("0.3", "0.5", "0.1", "0.2")])
def test_nmax_just_below_minimax(case, capsys):
    mm = simon_design(*(float(v) for v in case)).minimax.n
    args = ["simon", "--p0", case[0], "--p1", case[1], "--alpha", case[2], "--beta", case[3]]
    code, out, err = run(args + ["--nmax", str(mm - 1)], capsys)
    assert_one_line_error(code, out, err, 1, f"nmax >= {mm}")


def test_single_nmax_too_small(capsys):
    code, out, err = run(SINGLE_ARGS + ["--nmax", "30"], capsys)
    assert_one_line_error(code, out, err, 1, "nmax >= 35")


def test_no_design_within_engine_limit(capsys):
    code, out, err = run(["simon", "--p0", "0.01", "--p1", "0.011", "--alpha", "0.05", "--beta", "0.2"], capsys)
    assert_one_line_error(code, out, err, 1, "5000")


# ---------------------------------------------------------------------------
# Version, help, python -m
# ---------------------------------------------------------------------------

def test_version():
    code, out, err = run_process(["--version"])
    assert code == 0 and err == ""
    assert out.strip() == f"phase2design, version {__version__}"


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["simon", "-h"], ["single", "--help"], ["oc", "-h"]])
def test_help(args, capsys):
    code, out, err = run(args, capsys)
    assert code == 0 and err == ""
    assert out.startswith("Usage: phase2design")
    assert "-h, --help" in out


def test_help_lists_commands_and_conventions():
    code, out, err = run_process(["-h"])
    assert code == 0 and err == ""
    for word in ("simon", "single", "oc", "X1 <= r1", "X1 + X2", "Exit codes"):
        assert word in out


def test_python_dash_m_runs_a_command():
    code, out, err = run_process(OC2_ARGS + ["--format", "json"])
    assert code == 0, err
    assert json.loads(out) == json.loads(json.dumps(two_stage_oc(1, 10, 5, 29, [0.1, 0.3]).to_dict()))


def test_no_arguments_shows_usage():
    code, out, err = run_process([])
    assert "Traceback" not in out + err
    assert "Usage: phase2design" in out + err
    assert code in (0, 2)


# ---------------------------------------------------------------------------
# Table output states the boundaries in words
# ---------------------------------------------------------------------------

def test_simon_table_in_words(capsys):
    code, out, err = run(SIMON_ARGS, capsys)
    assert code == 0 and err == ""
    assert "stop after 10 patients if 1 or fewer respond" in out          # optimal 1/10, 5/29
    assert "treat 19 more" in out and "more than 5 of all 29 respond, i.e. at least 6" in out
    assert "stop after 15 patients if 1 or fewer respond" in out          # minimax 1/15, 5/25
    assert "X1 <= r1" in out and "X1 + X2 > r" in out
    for label in ("1/10", "5/29", "1/15", "5/25", "1/12", "5/26", "1/11", "5/27"):
        assert label in out
    assert "optimal" in out and "minimax" in out and "admissible" in out


def test_single_table_in_words(capsys):
    code, out, err = run(SINGLE_ARGS, capsys)
    assert code == 0 and err == ""
    assert "treat 35 patients" in out
    assert "more than 11 respond, i.e. at least 12 of 35" in out


def test_oc_table_in_words(capsys):
    code, out, err = run(OC2_ARGS, capsys)
    assert code == 0 and err == ""
    assert "stop after 10 patients if 1 or fewer respond" in out
    code, out, err = run(OC1_ARGS, capsys)
    assert code == 0 and err == ""
    assert "more than 11 respond, i.e. at least 12 of 35" in out


def test_cutoff_table_in_words(capsys):
    code, out, err = run(CUTOFF_ARGS, capsys)
    assert code == 0 and err == ""
    assert ">= 3 of 9" in out and "never" in out


# ---------------------------------------------------------------------------
# csv and markdown parse
# ---------------------------------------------------------------------------

SIMON_HEADER = ["kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1", "q_low",
                "q_high"]
OC_HEADER = ["p", "reject", "pet", "en", "stop_stage1", "continue_fail", "continue_success"]
SINGLE_HEADER = ["r", "n", "r_min", "attained_alpha", "power"]
CUTOFF_HEADER = ["r", "r_min", "rule", "alpha(p0=0.1)", "alpha(p0=0.2)", "power(p1=0.5)"]


def _csv(args, capsys):
    code, out, err = run(args + ["--format", "csv"], capsys)
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert all(len(r) == len(rows[0]) for r in rows)
    return rows[0], rows[1:]


def test_csv_simon(capsys):
    header, rows = _csv(SIMON_ARGS, capsys)
    assert header == SIMON_HEADER
    res = simon_design(0.1, 0.3, 0.05, 0.2)
    assert len(rows) == len(res.admissible)
    for row, d in zip(rows, res.admissible):
        assert row[0] == d.kind
        assert [int(v) for v in row[1:5]] == [d.r1, d.n1, d.r, d.n]
        assert [float(v) for v in row[5:]] == [d.en0, d.pet0, d.attained_alpha, d.power, d.en1, d.pet1,
                                              d.q_low, d.q_high]


def test_csv_simon_all(capsys):
    header, rows = _csv(SIMON_ARGS + ["--all"], capsys)
    assert header == SIMON_HEADER
    res = simon_design(0.1, 0.3, 0.05, 0.2)
    assert [tuple(int(v) for v in r[1:5]) for r in rows] == [(d.r1, d.n1, d.r, d.n) for d in res.best_by_n]
    # rows that are not admissible have empty q columns
    adm = {(d.r1, d.n1, d.r, d.n) for d in res.admissible}
    for r in rows:
        if tuple(int(v) for v in r[1:5]) not in adm:
            assert r[0] == "" and r[11] == "" and r[12] == ""


def test_csv_single(capsys):
    header, rows = _csv(SINGLE_ARGS, capsys)
    assert header == SINGLE_HEADER
    res = single_stage_design(0.2, 0.4, 0.05, 0.2)
    assert [(int(r[0]), int(r[1]), int(r[2])) for r in rows] == [(d.r, d.n, d.r_min) for d in res.candidates]
    assert [(float(r[3]), float(r[4])) for r in rows] == [(d.attained_alpha, d.power) for d in res.candidates]


def test_csv_cutoffs(capsys):
    header, rows = _csv(CUTOFF_ARGS, capsys)
    assert header == CUTOFF_HEADER
    tab = cutoff_table(9, [0.1, 0.2], 0.5)
    assert len(rows) == 10
    for j, r in enumerate(rows):
        assert int(r[0]) == j and int(r[1]) == j + 1
        assert [float(v) for v in r[3:]] == [tab.alpha[0][j], tab.alpha[1][j], tab.power[j]]


@pytest.mark.parametrize("args", [OC2_ARGS, OC1_ARGS])
def test_csv_oc(args, capsys):
    header, rows = _csv(args, capsys)
    assert header == OC_HEADER
    assert [float(r[0]) for r in rows] == ([0.1, 0.3] if args is OC2_ARGS else [0.2, 0.4])
    if args is OC2_ARGS:
        oc = two_stage_oc(1, 10, 5, 29, [0.1, 0.3])
        for i, r in enumerate(rows):
            assert [float(v) for v in r[1:]] == [getattr(oc, c)[i] for c in OC_HEADER[1:]]


def _markdown(args, capsys):
    code, out, err = run(args + ["--format", "markdown"], capsys)
    assert code == 0 and err == ""
    lines = out.rstrip("\n").split("\n")
    assert len(lines) >= 3
    cells = []
    for ln in lines:
        assert ln.startswith("|") and ln.endswith("|"), ln
        cells.append([c.strip() for c in ln[1:-1].split("|")])
    assert all(set(c) <= {"-", ":"} and c for c in cells[1]), "second line must be the separator"
    assert all(len(c) == len(cells[0]) for c in cells)
    return cells[0], [c for i, c in enumerate(cells) if i != 1]


@pytest.mark.parametrize("args,header", [(SIMON_ARGS, SIMON_HEADER), (SINGLE_ARGS, SINGLE_HEADER),
                                         (OC2_ARGS, OC_HEADER), (OC1_ARGS, OC_HEADER),
                                         (CUTOFF_ARGS, CUTOFF_HEADER)],
                         ids=["simon", "single", "oc-two", "oc-single", "cutoffs"])
def test_markdown_parses(args, header, capsys):
    head, rows = _markdown(args, capsys)
    assert head == header
    assert rows[1:]
    if args is SIMON_ARGS:
        assert [tuple(int(v) for v in r[1:5]) for r in rows[1:]] == [
            (1, 15, 5, 25), (1, 12, 5, 26), (1, 11, 5, 27), (1, 10, 5, 29)]
        assert abs(float(rows[-1][5]) - 15.01412) < 1e-5


def test_json_is_valid_and_strict(capsys):
    for args in (SIMON_ARGS, SINGLE_ARGS, OC2_ARGS, OC1_ARGS, CUTOFF_ARGS):
        code, out, err = run(args + ["--format", "json"], capsys)
        assert code == 0 and err == ""
        json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))

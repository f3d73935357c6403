"""report: the protocol paragraph states the design object's numbers; the HTML/Markdown report is
self-contained and holds every number the text commands print for the same inputs."""

import base64
import re
from html.parser import HTMLParser

import matplotlib
import pytest
from click.testing import CliRunner
from conftest import half_unit, run_main

from phase2design import simon_design, single_stage_design, two_stage_oc
from phase2design.cli import cli
from phase2design.engine.oc import single_stage_design_oc, two_stage_design
from phase2design.report import make_report, protocol_paragraph, report_format

matplotlib.use("Agg")

INPUTS = (0.1, 0.3, 0.05, 0.2)
SIMON_ARGS = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]
NUMBER = re.compile(r"(?<![A-Za-z_\d])\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def simon():
    return simon_design(*INPUTS)


@pytest.fixture(scope="module")
def html_report():
    return make_report(*INPUTS)


@pytest.fixture(scope="module")
def md_observed():
    return make_report(*INPUTS, design="1/12,5/26", observed="3/12", fmt="md")


class _Page(HTMLParser):
    """Text, tags and resource attributes of an HTML page."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self.refs, self.stack = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ("meta", "img", "br"):
            self.stack.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "srcset", "data", "action", "poster"):
                self.refs.append((tag, k, v))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(html):
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed tags {page.stack}"
    return page


def _numbers(text):
    return set(NUMBER.findall(text))


def _cli_text(*args):
    res = CliRunner().invoke(cli, list(args), prog_name="phase2design")
    assert res.exit_code == 0, res.output
    return res.stdout


# ---------------------------------------------------------------------------
# The protocol paragraph
# ---------------------------------------------------------------------------

def test_optimal_paragraph_states_the_issue_numbers(simon):
    d = simon.optimal
    text = protocol_paragraph(d)
    assert text.startswith("A Simon two-stage optimal design (Simon 1989) will be used")
    assert "If 1 or fewer of the first 10 patients respond, the trial stops" in text
    for piece in ("1/10, 5/29", "(EN0) is 15.0", "(PET0) is 0.74", "is 0.0471", "is 0.8051",
                  "nominal: at most 0.05", "nominal: at least 0.8", "minimises the expected sample size under H0"):
        assert piece in text, piece
    assert "\n" not in text


def _check_two_stage_numbers(text, d):
    """Every number the paragraph states, read back and compared with the design object."""
    if d.r1 == 0:
        assert re.search(rf"If none of the first {d.n1} patients responds, the trial stops", text)
    else:
        m = re.search(r"If (\d+) or fewer of the first (\d+) patients respond, the trial stops", text)
        assert (int(m[1]), int(m[2])) == (d.r1, d.n1)
    m = re.search(r"In the first stage, (\d+) patients will be enrolled", text)
    assert int(m[1]) == d.n1
    m = re.search(r"Otherwise, (\d+) additional patients will be enrolled, for a total of (\d+)\.", text)
    assert (int(m[1]), int(m[2])) == (d.n2, d.n)
    m = re.search(r"If (\d+) or fewer of the (\d+) patients respond, the drug is declared not promising; "
                  r"if (\d+) or more respond", text)
    assert (int(m[1]), int(m[2]), int(m[3])) == (d.r, d.n, d.r + 1)
    m = re.search(r"the design is (\d+)/(\d+), (\d+)/(\d+): stop after stage 1 if X1 <= r1 and reject H0 if "
                  r"X1 \+ X2 > r", text)
    assert tuple(int(v) for v in m.groups()) == (d.r1, d.n1, d.r, d.n)
    m = re.search(r"type I error \(the probability of declaring the drug promising when p = (\d+(?:\.\d+)?)\) is "
                  r"(\d+(?:\.\d+)?)", text)
    assert float(m[1]) == d.p0 and abs(float(m[2]) - d.attained_alpha) <= half_unit(m[2])
    m = re.search(r"power at p = (\d+(?:\.\d+)?) is (\d+(?:\.\d+)?)", text)
    assert float(m[1]) == d.p1 and abs(float(m[2]) - d.power) <= half_unit(m[2])
    num = r"(\d+(?:\.\d+)?)"
    m = re.search(rf"\(PET0\) is {num} and the expected sample size \(EN0\) is {num}; if it is \d+%, "
                  rf"they are {num} and {num}\.", text)
    for printed, value in zip(m.groups(), (d.pet0, d.en0, d.pet1, d.en1)):
        assert abs(float(printed) - value) <= half_unit(printed), (printed, value)
    m = re.search(rf"at most (\d+)% \(H0: p <= {num}\) against the alternative that it is at least (\d+)% "
                  rf"\(H1: p >= {num}\)", text)
    assert float(m[1]) / 100 == pytest.approx(d.p0) and float(m[2]) == d.p0
    assert float(m[3]) / 100 == pytest.approx(d.p1) and float(m[4]) == d.p1


@pytest.mark.parametrize("which", ["optimal", "minimax", "admissible1", "admissible2"])
def test_two_stage_paragraph_numbers_match_the_design(simon, which):
    d = {"optimal": simon.optimal, "minimax": simon.minimax, "admissible1": simon.admissible[1],
         "admissible2": simon.admissible[2]}[which]
    text = protocol_paragraph(d)
    _check_two_stage_numbers(text, d)
    kind = d.kind
    assert f"Simon two-stage {kind} design" in text
    if kind == "admissible":
        assert f"for weights q from {d.q_low:.3f} to {d.q_high:.3f}" in text
    if kind == "minimax":
        assert f"smallest maximum sample size ({d.n})" in text


def test_user_design_that_misses_the_constraints():
    d = two_stage_design(0, 10, 4, 29, 0.1, 0.3, alpha=0.05, beta=0.2)
    text = protocol_paragraph(d)
    _check_two_stage_numbers(text, d)
    assert "specified by the investigators" in text
    assert f"is {d.attained_alpha:.4f} (nominal: at most 0.05; exceeded)" in text
    assert "does not meet the constraints" in text


def test_paragraph_without_nominal_values():
    d = two_stage_design(1, 10, 5, 29, 0.1, 0.3)
    text = protocol_paragraph(d)
    _check_two_stage_numbers(text, d)
    assert "nominal" not in text


def test_single_stage_paragraph():
    d = single_stage_design(*INPUTS).design
    text = protocol_paragraph(d, kind="ahern")
    assert "A'Hern 2001" in text and "no interim analysis" in text
    m = re.search(r"A total of (\d+) patients will be enrolled, with no interim analysis\. If (\d+) or more of the "
                  r"(\d+) patients respond, the drug is declared promising and H0 is rejected; if (\d+) or fewer "
                  r"respond", text)
    assert tuple(int(v) for v in m.groups()) == (d.n, d.r + 1, d.n, d.r)
    assert f"the design is {d.r}/{d.n}: reject H0 if X > r" in text and f"r + 1 = {d.r + 1}" in text
    assert f"is {d.attained_alpha:.4f} (nominal: at most 0.05)" in text
    assert f"is {d.power:.4f} (nominal: at least 0.8)" in text
    assert "smallest sample size" in text
    user = protocol_paragraph(single_stage_design_oc(0, 5, 0.1, 0.3))
    assert "if none responds" in user and "specified by the investigators" in user and "nominal" not in user


@pytest.mark.parametrize("call,exc,fragment", [
    (lambda: protocol_paragraph("1/10,5/29"), TypeError, "design must be a TwoStageDesign"),
    (lambda: protocol_paragraph(two_stage_design(1, 10, 5, 29, 0.1, 0.3), kind="best"), ValueError,
     "kind must be one of"),
    (lambda: protocol_paragraph(two_stage_design(1, 10, 5, 29, 0.1, 0.3), kind="admissible"), ValueError,
     "q range"),
    (lambda: protocol_paragraph(single_stage_design_oc(5, 25, 0.1, 0.3), alpha=2), ValueError, "alpha"),
    (lambda: make_report(*INPUTS, fmt="pdf"), ValueError, "fmt must be one of"),
    (lambda: make_report(*INPUTS, design="best"), ValueError, "design must be 'optimal', 'minimax'"),
    (lambda: make_report(*INPUTS, design="30/29"), ValueError, "r must be smaller than n"),
    (lambda: make_report(*INPUTS, observed="3 of 9"), ValueError, "observed must look like x/n"),
    (lambda: make_report(*INPUTS, observed="3/9", observed_stages=(1,)), ValueError, "not both"),
    (lambda: make_report(*INPUTS, design="5/25", observed_stages=(1, 2), figures=False), ValueError,
     "needs a two-stage design"),
    (lambda: make_report(*INPUTS, observed_stages="1,x"), ValueError, "observed_stages must look like"),
    (lambda: make_report(*INPUTS, observed="3/10", threshold=1.5), ValueError, "threshold"),
    (lambda: report_format("r.txt"), ValueError, "report file must end in .html, .htm, .md, .docx, .tex or .json"),
])
def test_bad_library_input(call, exc, fragment):
    with pytest.raises(exc) as info:
        call()
    assert fragment in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------------------------------
# The HTML report
# ---------------------------------------------------------------------------

def test_html_is_valid_and_self_contained(html_report):
    page = _parse(html_report)
    assert html_report.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html_report
    for tag in ("script", "link", "iframe", "object", "embed", "base"):
        assert tag not in page.tags, tag
    assert "@import" not in html_report and "url(" not in html_report
    imgs = [v for t, k, v in page.refs if t == "img"]
    assert len(imgs) == 2 and len(page.refs) == 2  # OC curves and design space; nothing else refers out
    for src in imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    # text is escaped: '<=' never appears raw in the markup
    assert "X1 &lt;= r1" in html_report and "X1 <= r1" not in html_report


def test_html_contains_every_number_of_the_text_commands(html_report):
    text = " ".join(_parse(html_report).text)
    report_numbers = _numbers(text)
    outputs = {
        "simon": _cli_text(*SIMON_ARGS),
        "single": _cli_text("single", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"),
        "oc": _cli_text("oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.05:0.5:0.05"),
    }
    for name, out in outputs.items():
        missing = _numbers(out) - report_numbers
        assert not missing, (name, sorted(missing))
    # and the lines of the simon text that carry the decision rules, verbatim
    for line in _cli_text(*SIMON_ARGS).splitlines():
        if line.startswith(("optimal:", "minimax:", "Searched n")):
            assert line in text, line


def test_html_protocol_paragraph_and_tables(html_report, simon):
    text = " ".join(_parse(html_report).text)
    assert protocol_paragraph(simon.optimal) in text
    d = simon.optimal
    for v in (d.attained_alpha, d.power, d.en0, d.pet0):
        assert f"{v:.10g}" in text  # the exact attained values
    oc = two_stage_oc(1, 10, 5, 29, [0.1, 0.3])
    assert f"{oc.reject[0]:.4f}" in text and f"{oc.reject[1]:.4f}" in text
    assert "Reproduce this report: phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --design optimal" \
        in text


def test_reports_are_reproducible():
    a = make_report(*INPUTS, design="minimax", fmt="md", figures=False)
    assert a == make_report(*INPUTS, design="minimax", fmt="md", figures=False)
    assert "Simon two-stage minimax design 1/15, 5/25" in a.splitlines()[0]


# ---------------------------------------------------------------------------
# Markdown report with observed data
# ---------------------------------------------------------------------------

def test_markdown_with_observed_total(md_observed):
    md = md_observed
    assert md.startswith("# Phase II design report: Simon two-stage admissible design 1/12, 5/26")
    assert "embedded in this file as base64 PNG data URIs" in md
    uris = re.findall(r"\]\((data:image/png;base64,[A-Za-z0-9+/=]+)\)", md)
    assert len(uris) == 3  # OC, design space, evaluation
    assert "http://" not in md and "https://" not in md
    # no criterion: p1 is the design's alternative, so the report judges none (the command it names)
    ev_text = _cli_text("evaluate", "3/12", "--p0", "0.1", "--p1", "0.3", "--design", "1/12,5/26",
                        "--alpha", "0.05", "--no-picture")
    assert "Same numbers as: phase2design evaluate 3/12 --p0 0.1 --p1 0.3 --design 1/12,5/26 --alpha 0.05" in md
    assert "criterion was met" not in md and "criterion was not met" not in md and "Criterion you gave" not in md
    missing = _numbers(ev_text) - _numbers(md)
    assert not missing, sorted(missing)
    assert "continue to stage 2 (14 more patients)" in md


def test_markdown_with_stage_data_matches_analyze():
    md = make_report(*INPUTS, observed_stages=(2, 4), fmt="md", figures=False)
    out = _cli_text("analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1")
    missing = _numbers(out) - _numbers(md)
    assert not missing, sorted(missing)
    assert "Design rule (both stages): continued to stage 2: 6 responses in total; H0 rejected" in md
    assert "Exact stage-wise test of H0: p <= 0.1 at one-sided alpha = 0.05 (both stages): p = 0.0471" in md
    assert "90% exact CI (two-sided; matches the one-sided alpha = 0.05 test)" in md
    assert "Koyama T, Chen H (2008)" in md
    stopped = make_report(*INPUTS, observed_stages="1", fmt="md", figures=False)
    assert "stopped after stage 1: 1 of 10 responded" in stopped


def test_single_stage_report_and_full_trial_note():
    md = make_report(*INPUTS, design="single", observed="7/25", fmt="md", figures=False)
    assert md.startswith("# Phase II design report: A'Hern single-stage design 5/25")
    assert "Design rule 5/25 (these 25 patients): 7 > 5: declare the drug promising (reject H0)." in md
    full = make_report(*INPUTS, observed="6/29", fmt="md", figures=False)
    assert "stage-wise ordering" in full and "--observed-stages" in full


def test_user_design_is_recognised_or_flagged():
    md = make_report(*INPUTS, design="1/10,5/29", fmt="md", figures=False)
    assert md.startswith("# Phase II design report: Simon two-stage optimal design 1/10, 5/29")
    md = make_report(*INPUTS, design=(0, 10, 4, 29), fmt="md", figures=False)
    assert "user-specified two-stage design 0/10, 4/29" in md.splitlines()[0]
    assert "Warning: this design does not meet the constraints" in md


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

run = run_main


REPORT = ["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]


def test_cli_writes_file_and_says_so(tmp_path, capsys, html_report):
    path = tmp_path / "report.html"
    code, out, err = run(REPORT + ["-o", str(path)], capsys)
    assert code == 0 and out == "" and err.strip() == f"wrote {path}"
    assert path.read_text(encoding="utf-8") == html_report


def test_cli_markdown_to_stdout_without_figures(capsys):
    code, out, err = run(REPORT + ["--design", "minimax"], capsys)
    assert code == 0 and err == ""
    assert out == make_report(*INPUTS, design="minimax", fmt="md", figures=False)
    assert "data:image" not in out


@pytest.mark.parametrize("extra,fragment", [
    (["-o", "report.txt"], "report file must end in .html, .htm, .md, .docx, .tex or .json"),
    (["--design", "1/10;5/29"], "design must be 'optimal', 'minimax', 'single'"),
    (["--design", "2/1,5/29"], "r1 must be smaller than n1"),
    (["--observed", "3-9"], "observed result must look like x/n"),
    (["--observed-stages", "2;4"], "--observed-stages must look like"),
    (["--observed-stages", "1,3"], "x2 must be omitted"),
    (["--observed", "3/10", "--observed-stages", "2,4"], "not both"),
    (["--design", "5/25", "--observed-stages", "2,4"], "needs a two-stage design"),
    (["--confidence", "95", "--observed-stages", "2,4"], "confidence_level"),
    (["-o", "no-such-dir/report.md", "--no-figures"], "cannot write report file"),
])
def test_cli_bad_input_one_line_exit_2(extra, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(REPORT + extra, capsys)
    assert code == 2 and out == "", (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and fragment in lines[0], err
    assert not any(tmp_path.iterdir())


def test_cli_infeasible_exit_1(capsys):
    code, out, err = run(REPORT + ["--nmax", "10"], capsys)
    assert code == 1 and out == "" and "use nmax >= 25" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# Docs: the worked example's paragraph and report are current
# ---------------------------------------------------------------------------

DOCS = __import__("pathlib").Path(__file__).resolve().parent.parent / "docs"


def _without_images(text):
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,...", text)


def test_docs_paragraph_and_example_report_are_current(simon, html_report):
    page = (DOCS / "report.md").read_text()
    # each quoted block (consecutive "> " lines) is one paragraph of the program's
    blocks, current = [], []
    for line in page.splitlines() + [""]:
        if line.startswith("> "):
            current.append(line[2:])
        elif current:
            blocks.append(" ".join(current))
            current = []
    assert blocks[0] == protocol_paragraph(simon.optimal), "update docs/report.md"
    from phase2design.report import protocol_sections

    assert blocks[1] == dict(protocol_sections(simon.optimal))["Analysis plan"], "update docs/report.md"
    example = (DOCS / "figures" / "report-example.html").read_text(encoding="utf-8")
    assert _without_images(example) == _without_images(html_report), "run: python docs/make_figures.py"
    for name in ("oc-curves-0.1-0.3.png", "design-space-0.1-0.3.png"):
        assert (DOCS / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"figures/{name}" in (DOCS / "design-walkthrough.md").read_text()


def test_observed_off_design_is_read_as_earlier_data():
    # the motivating pilot 3/9 in the report for the follow-up design 1/10, 5/29 (issue 4's example)
    from phase2design import evaluate

    md = make_report(*INPUTS, observed="3/9", threshold=0.5, fmt="md", figures=False)
    assert "not a stage of 1/10, 5/29" in md and "pilot" in md
    ev = evaluate(3, 9, 0.5, p0=INPUTS[0])
    for ci in ev.intervals:
        assert f"{100 * ci.low:.1f}-{100 * ci.high:.1f}%" in md
    assert "130/512" in md and ev.design is None

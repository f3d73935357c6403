"""Protocol output: every number of the statistical considerations read back and checked against the design
object and an independent oracle; Word and LaTeX reports hold the numbers of the HTML; the CLI cases of
issue 12 ("Output a protocol can use") with their exact commands."""

import io
import re
import shutil
import subprocess
from fractions import Fraction
from html.parser import HTMLParser

import matplotlib
import pytest
from scipy import stats

import multistage_oracle as O
from phase2design import __version__, simon_design, single_stage_design
from phase2design.cli import main
from phase2design.designfile import read_design_file
from phase2design.engine.design import Design
from phase2design.engine.oc import single_stage_design_oc, two_stage_design
from phase2design.overrun import stage1_redesign
from phase2design.present.render import render_text
from phase2design.report import (ENDPOINT_PLACEHOLDER, P0_PLACEHOLDER, P1_PLACEHOLDER, POPULATION_PLACEHOLDER,
                                 make_report, pilot_rationale, protocol_sections, stage1_size_table, write_report)

matplotlib.use("Agg")

INPUTS = (0.1, 0.3, 0.05, 0.2)
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)*")
NUM = r"(\d+(?:\.\d+)?)"
#: Years of the references the text cites (author and year), the only numbers not taken from the objects.
CITED_YEARS = {"1934", "1989", "2001", "2004", "2005", "2008"}


@pytest.fixture(scope="module")
def simon():
    return simon_design(*INPUTS)


class Reader:
    """Reads numbers out of a text: each ``take`` finds a pattern, checks its groups, and blanks them."""

    def __init__(self, text):
        self.text = text

    def take(self, pattern, *expected):
        m = re.search(pattern, self.text)
        assert m, f"not found: {pattern!r} in {self.text!r}"
        assert len(m.groups()) == len(expected), pattern
        for i, want in enumerate(expected, start=1):
            got = m.group(i)
            if callable(want):
                assert want(got), (pattern, got)
            else:
                assert got == str(want), (pattern, got, want)
        spans = [m.span(i) for i in range(1, len(expected) + 1)]
        out, last = [], 0
        for a, b in spans:
            out += [self.text[last:a], "#"]
            last = b
        out.append(self.text[last:])
        self.text = "".join(out)
        return m

    def remove(self, literal):
        assert literal in self.text, literal
        self.text = self.text.replace(literal, "#")

    def leftover_numbers(self):
        return [t for t in NUMBER.findall(self.text) if t not in CITED_YEARS]


def g(value):
    return f"{value:.10g}"


def pct(value):
    return f"{100 * value:.10g}"


def f4(value):
    return f"{float(value):.4f}"


def oracle_oc(design, p):
    t = (design.n, design.futility, design.efficacy)
    return O.oc(t, O.probabilities(t, Fraction(repr(p))))


def _check_first_paragraph(r, d, two, alpha, beta, kind):
    """The design paragraph, number by number, against the oracle at p0 and p1."""
    o0, o1 = oracle_oc(d.design, d.p0), oracle_oc(d.design, d.p1)
    level = "" if alpha is None else rf", at the one-sided significance level alpha = {NUM}"
    r.take(rf"at most {NUM}% \(H0: p <= {NUM}\) against the alternative that it is at least {NUM}% "
           rf"\(H1: p >= {NUM}\){level}\.", pct(d.p0), g(d.p0), pct(d.p1), g(d.p1), *([] if alpha is None else
                                                                                      [g(alpha)]))
    r.take(rf"when p = {NUM}\) is {NUM}", g(d.p0), f4(o0["reject"]))
    r.take(rf"the exact power at p = {NUM} is {NUM}", g(d.p1), f4(o1["reject"]))
    if alpha is not None:
        r.take(rf"\(nominal: at most {NUM}\)", g(alpha))
        r.take(rf"\(nominal: at least {NUM}\)", g(1 - beta))
        r.take(rf"type I error at most {NUM} and power at least {NUM}", g(alpha), g(1 - beta))
    if two:
        pet0, pet1 = 1 - o0["stop"][-1], 1 - o1["stop"][-1]
        if d.r1 == 0:
            r.take(rf"In the first stage, {NUM} patients will be enrolled\. If none of the first {NUM} patients "
                   rf"responds", d.n1, d.n1)
        else:
            r.take(rf"In the first stage, {NUM} patients will be enrolled\. If {NUM} or fewer of the first {NUM} "
                   rf"patients respond", d.n1, d.r1, d.n1)
        r.take(rf"Otherwise, {NUM} additional patients will be enrolled, for a total of {NUM}\. If {NUM} or fewer of "
               rf"the {NUM} patients respond, the drug is declared not promising; if {NUM} or more respond",
               d.n - d.n1, d.n, d.r, d.n, d.r + 1)
        r.take(rf"the design is {NUM}/{NUM}, {NUM}/{NUM}: stop after stage {NUM} if X1 <= r1", d.r1, d.n1, d.r, d.n,
               1)
        r.take(rf"If the true response rate is {NUM}%, the probability of early termination \(PET0\) is {NUM} and "
               rf"the expected sample size \(EN0\) is {NUM}; if it is {NUM}%, they are {NUM} and {NUM}\.",
               pct(d.p0), f"{float(pet0):.2f}", f"{float(o0['en']):.1f}", pct(d.p1), f"{float(pet1):.2f}",
               f"{float(o1['en']):.1f}")
        if kind == "minimax":
            r.take(rf"smallest maximum sample size \({NUM}\)", d.n)
        if kind == "admissible":
            r.take(rf"the weighted loss q n \+ \({NUM} - q\) EN0 for weights q from {NUM} to {NUM}", 1,
                   f"{d.q_low:.3f}", f"{d.q_high:.3f}")
            r.take(r"compromise between the minimax design \(q = (1), smallest n\) and the optimal design "
                   r"\(q = (0), smallest EN0\)", 1, 0)
    else:
        r.take(rf"A total of {NUM} patients will be enrolled, with no interim analysis\. If {NUM} or more of the "
               rf"{NUM} patients respond", d.n, d.r + 1, d.n)
        if d.r == 0:
            r.take(r"(if none responds)", "if none responds")
        else:
            r.take(rf"if {NUM} or fewer respond, it is declared not promising", d.r)
        r.take(rf"the design is {NUM}/{NUM}: reject H0 if X > r", d.r, d.n)
        r.take(rf"\(A'Hern 2001 tabulates r \+ (1) = {NUM}\)", 1, d.r + 1)


def check_sections(sections, d, *, alpha, beta, kind="", accrual=None, pilot=None):
    """Every number of the statistical considerations, read back (nothing may be left unchecked)."""
    two = hasattr(d, "r1")
    titles = [t for t, _ in sections]
    want = (["Design and decision rule", "Endpoint and evaluable population"]
            + (["Interim analysis and accrual"] if two else [])
            + ["Fewer or more evaluable patients than planned", "Analysis plan", "Rationale for p0 and p1",
               "Software"])
    assert titles == want
    r = Reader(" || ".join(text for _, text in sections))
    for placeholder in (ENDPOINT_PLACEHOLDER, POPULATION_PLACEHOLDER, P0_PLACEHOLDER):
        r.remove(placeholder)
    if pilot is None:
        r.remove(P1_PLACEHOLDER)
    _check_first_paragraph(r, d, two, alpha, beta, kind)
    o0 = oracle_oc(d.design, d.p0)
    # endpoint
    if two:
        r.take(rf"the first {NUM} patients of stage {NUM} and all counts", d.n1, 1)
    else:
        r.take(rf"the {NUM} patients of the trial and all counts", d.n)
    # interim and accrual
    if two:
        r.take(rf"The interim analysis takes place once the first {NUM} patients are evaluable", d.n1)
        if accrual is None:
            r.take(rf"accrual is suspended after the first {NUM} patients until", d.n1)
        elif accrual == "pause":
            r.take(rf"Accrual is suspended once {NUM} patients are enrolled, until their responses are known; stage "
                   rf"{NUM} opens only if {NUM} or more of them respond", d.n1, 2, d.r1 + 1)
        else:
            r.take(rf"if they are more than {NUM} the bounds are re-derived", d.n1)
    # over- and under-running
    level = g(alpha) if alpha is not None else f4(o0["reject"])
    if two:
        pet0 = float(o0["stop"][0])
        r.take(rf"If stage {NUM} has m1 evaluable patients instead of {NUM} \(", 1, d.n1)
        r.take(rf"keeping the total of {NUM}: the stage-{NUM} bound", d.n, 1)
        r.take(rf"closest to the planned PET0 = {NUM}", f4(pet0))
        r.take((rf"exact type I error is at most alpha = {NUM} \(" if alpha is not None else
                rf"at most the planned exact type I error {NUM} \("), level)
        r.take(rf"If stage {NUM} has m2 evaluable patients instead of {NUM}, the final bound", 2, d.n - d.n1)
        r.take(rf"under p = {NUM}, where X2\* and X2 have binomial distributions with m2 and {NUM} patients",
               g(d.p0), d.n - d.n1)
        r.take(rf"Both rules keep the exact type I error of the trial at most "
               rf"(?:alpha = |the planned exact type I error )?{NUM}; the rule "
               rf"re-derived for each stage-{NUM} size near {NUM} is tabulated below", level, 1, d.n1)
    else:
        r.take(rf"If the number of evaluable patients m differs from {NUM},", d.n)
        r.take(rf"P\(X > r_m \| p = {NUM}\) is at most (?:alpha = |the planned exact type I error ){NUM} "
               rf"\(phase2design single --n m --p0 {NUM} ", g(d.p0), level, g(d.p0))
    # analysis plan
    lvl = 0.95 if alpha is None else 1 - 2 * alpha
    r.take(rf"The exact two-sided {NUM}% confidence interval" if two else rf"two-sided {NUM}% confidence interval",
           pct(lvl))
    if alpha is not None:
        r.take(rf"\(level {NUM} - {NUM} alpha, so that its lower limit is the one-sided {NUM}% lower confidence "
               rf"bound that matches the one-sided test at alpha = {NUM}\)", 1, 2, pct(1 - alpha), g(alpha))
    r.take(rf"at most the attained type I error {NUM} exactly when", f4(o0["reject"]))
    if two:
        r.take(rf"p-value against p0 = {NUM} are computed", g(d.p0))
        # analyze's own default interval is 1 - 2 alpha: --alpha gives the level, --confidence only without one
        r.take(rf"--design {NUM}/{NUM},{NUM}/{NUM} --x1 x1 --x2 x2 --p0 {NUM} "
               + (r"--alpha " if alpha is not None else r"--confidence ") + rf"{NUM}\.",
               d.r1, d.n1, d.r, d.n, g(d.p0), g(alpha) if alpha is not None else g(lvl))
    else:
        r.take(rf"proportion of responders x/{NUM}, with", d.n)
        r.take(rf"P\(X >= x \| p = {NUM}\)", g(d.p0))
    # the pilot: posterior, supported rates and assurance, each recomputed here
    if pilot is not None:
        x, n = pilot
        a, b = 0.5 + x, 0.5 + n - x
        r.take(rf"The alternative p1 = {NUM} is weighed against earlier data: {NUM} of {NUM} patients responded in a "
               rf"pilot \({NUM}%\)", g(d.p1), x, n, f"{100 * x / n:.1f}")
        r.take(rf"posterior Beta\({NUM}, {NUM}\) = Jeffreys Beta\({NUM}, {NUM}\) prior \+ pilot {NUM}/{NUM}",
               g(a), g(b), "0.5", "0.5", x, n)
        r.take(rf"P\(p > p0 = {NUM} \| pilot\) = {NUM} and P\(p >= p1 = {NUM} \| pilot\) = {NUM}\.",
               g(d.p0), f"{stats.beta.sf(d.p0, a, b):.3f}", g(d.p1), f"{stats.beta.sf(d.p1, a, b):.3f}")
        cp80 = round(stats.beta.ppf(0.2, x, n - x + 1), 2)
        r.take(rf"lower limits of the one-sided {NUM}% and {NUM}% exact Clopper-Pearson intervals, rounded to the "
               rf"nearest {NUM}, kept if at least p0 \+ {NUM} = {NUM} and at most {NUM}\)", 80, 90, "0.01", "0.05",
               g(round(d.p0 + 0.05, 10)), "0.99")
        r.take(rf"are {NUM} \(pilot estimate x/n\), {NUM} \(lower limit of the one-sided {NUM}% Clopper-Pearson "
               rf"interval\)", g(round(x / n, 2)), g(cp80), 80)
        r.take(rf"from the pilot {NUM}/{NUM}:", x, n)
        t = (d.design.n, d.design.futility, d.design.efficacy)
        pred = O.oc(t, O.predictive(t, Fraction(a), Fraction(b)))
        r.take(rf"with probability {NUM} \(assurance; O'Hagan et al\. 2005\), treats {NUM} patients on average and "
               rf"stops early with probability {NUM}", f4(pred["reject"]), f"{float(pred['en']):.2f}",
               f4(1 - pred["stop"][-1]))
    r.take(rf"phase2design ({re.escape(__version__)}) \(Python\)", __version__)
    # "stage 1", "stage-2 patients": names of the stages, not numbers of the design
    r.text = re.sub(r"\bstage[ -][12]\b", "stage-N", r.text)
    left = r.leftover_numbers()
    assert left == [], f"numbers not checked: {left} in {r.text!r}"


# ---------------------------------------------------------------------------
# Every number of the statistical considerations
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["optimal", "minimax", "admissible"])
def test_simon_sections_every_number(simon, which):
    d = {"optimal": simon.optimal, "minimax": simon.minimax, "admissible": simon.admissible[1]}[which]
    for accrual in (None, "pause", "continue"):
        sections = protocol_sections(d, accrual=accrual)
        check_sections(sections, d, alpha=0.05, beta=0.2, kind=d.kind, accrual=accrual)


def test_single_stage_sections_every_number():
    d = single_stage_design(*INPUTS).design
    check_sections(protocol_sections(d, kind="ahern"), d, alpha=0.05, beta=0.2, kind="ahern")
    user = single_stage_design_oc(0, 5, 0.1, 0.3)
    check_sections(protocol_sections(user), user, alpha=None, beta=None)


def test_user_design_without_nominal_values():
    d = two_stage_design(0, 9, 2, 24, 0.05, 0.25)
    check_sections(protocol_sections(d), d, alpha=None, beta=None)


def test_pilot_sections_every_number(simon):
    d = simon.optimal
    rationale = pilot_rationale("3/9", d.design, *INPUTS)
    check_sections(protocol_sections(d, pilot=rationale), d, alpha=0.05, beta=0.2, kind="optimal", pilot=(3, 9))
    # the assurance is the one plan reports for the same design and posterior
    from phase2design import plan_followup

    plan = plan_followup("3/9", 0.1, 0.05, 0.2, p1=[0.3])
    row = next(p for p in plan.designs if p.kind == "optimal")
    assert row.assurance == pytest.approx(rationale.assurance, rel=1e-12)


def test_stage1_size_table_rows_are_the_redesigns(simon):
    d = simon.optimal
    t = stage1_size_table(d, 0.05)
    assert t.rows[0] == ("10 (planned)", "1/10, 5/29", f4(d.pet0), f4(d.attained_alpha), f4(d.power))
    for row in t.rows[1:]:
        s = stage1_redesign("1/10,5/29", int(row[0]), p0=0.1, p1=0.3, alpha=0.05)
        assert row == (row[0], s.design.label(), f4(s.pet0), f4(s.attained_alpha), f4(s.power))
        assert s.attained_alpha <= 0.05
    assert [int(r[0]) for r in t.rows[1:]] == [8, 9, 11, 12, 13]


def test_bad_accrual(simon):
    with pytest.raises(ValueError, match="accrual"):
        protocol_sections(simon.optimal, accrual="stop")


# ---------------------------------------------------------------------------
# Word and LaTeX hold the numbers of the HTML
# ---------------------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_numbers(html):
    p = _Text()
    p.feed(html)
    return sorted(NUMBER.findall(" ".join(p.parts)))


def docx_numbers(data):
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return sorted(NUMBER.findall(" ".join(parts))), doc


def tex_numbers(tex):
    body = tex.split(r"\begin{document}", 1)[1]
    body = re.sub(r"\\includegraphics\[[^\]]*\]\{[^}]*\}", "", body)
    body = re.sub(r"\\parbox\{[^}]*\}", "", body)
    body = re.sub(r"p\{0\.35\\linewidth\}", "", body)
    body = body.replace(r"$\le$", "<=").replace(r"$\ge$", ">=")
    title = re.search(r"\\title\{(.*)\}", tex).group(1)
    return sorted(NUMBER.findall(body.replace(r"\maketitle", title)))


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protocol")
    kwargs = dict(pilot="3/9", observed_stages=(2, 4), accrual="continue")
    paths = {ext: folder / f"protocol.{ext}" for ext in ("html", "docx", "tex")}
    written = {ext: write_report(path, *INPUTS, **kwargs) for ext, path in paths.items()}
    return paths, written


def test_docx_holds_the_numbers_of_the_html(three_formats):
    paths, written = three_formats
    html = paths["html"].read_text(encoding="utf-8")
    numbers, doc = docx_numbers(paths["docx"].read_bytes())
    # the title is a heading in Word and <h1> in HTML: both counted once
    assert numbers == html_numbers(html)
    assert doc.core_properties.title.startswith("Phase II design report: Simon two-stage optimal design 1/10, 5/29")
    # real tables: the design table's rows as cells, numbers right-aligned
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["type I error (attained alpha)", "0.0471", "0.04708630664", "<= 0.05: yes"] in cells
    assert len(doc.inline_shapes) == 2  # the two figures
    assert written["docx"] == [str(paths["docx"])]


def test_tex_holds_the_numbers_of_the_html(three_formats):
    paths, written = three_formats
    html = paths["html"].read_text(encoding="utf-8")
    tex = paths["tex"].read_text(encoding="utf-8")
    assert tex_numbers(tex) == html_numbers(html)
    assert r"\begin{tabular}" in tex and r"\toprule" in tex
    figs = [p for p in written["tex"][1:]]
    assert [p.rsplit("/", 1)[-1] for p in figs] == ["protocol-figure-1.png", "protocol-figure-2.png"]
    for p in figs:
        assert open(p, "rb").read()[:8] == b"\x89PNG\r\n\x1a\n"
        assert r"\includegraphics[width=\linewidth]{" + p.rsplit("/", 1)[-1] + "}" in tex


def test_tex_escapes_what_latex_reads_as_markup():
    from phase2design.present.latex import latex_escape

    assert latex_escape("a_b 50% & $x {y} #1 ~^ \\ <= >= < >") == (
        r"a\_b 50\% \& \$x \{y\} \#1 \textasciitilde{}\textasciicircum{} \textbackslash{} $\le$ $\ge$ $<$ $>$")
    assert latex_escape("analyze --x1 2 ---") == "analyze -{}-x1 2 -{}-{}-"


def test_tex_is_well_formed(three_formats):
    """Without a TeX engine: environments nest, braces balance, no row or item starts with '[' unshielded."""
    tex = three_formats[0]["tex"].read_text(encoding="utf-8")
    body = re.sub(r"\\begin\{verbatim\}.*?\\end\{verbatim\}", "", tex, flags=re.S)
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([a-z*]+)\}", body):
        if m[1] == "begin":
            stack.append(m[2])
        else:
            assert stack and stack.pop() == m[2], m.group(0)
    assert stack == []
    depth = 0
    for i, ch in enumerate(body):
        if ch in "{}" and body[i - 1] != "\\":
            depth += 1 if ch == "{" else -1
            assert depth >= 0, body[max(0, i - 80):i]
    assert depth == 0
    assert not re.search(r"(\\\\|\\item)\s*\[", body)
    # every special character outside commands is escaped: no bare % (a comment) or & outside tabular rows
    for line in body.splitlines():
        assert not re.search(r"(?<!\\)%", line), line
        if re.search(r"(?<!\\)&", line):
            assert line.endswith("\\\\"), line
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") >= 6


TEX = next((shutil.which(e) for e in ("pdflatex", "lualatex", "xelatex") if shutil.which(e)), None)


@pytest.mark.skipif(TEX is None, reason="no TeX engine on this machine (pdflatex, lualatex or xelatex)")
def test_tex_compiles(three_formats, tmp_path):
    paths, written = three_formats
    for p in [paths["tex"]] + [__import__("pathlib").Path(f) for f in written["tex"][1:]]:
        shutil.copy(p, tmp_path / p.name)
    res = subprocess.run([TEX, "-interaction=nonstopmode", "-halt-on-error", "protocol.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:]
    assert (tmp_path / "protocol.pdf").stat().st_size > 0


def test_tex_without_figure_files_is_refused():
    with pytest.raises(ValueError, match="separate PNG files"):
        make_report(*INPUTS, fmt="tex")
    tex = make_report(*INPUTS, fmt="tex", figures=False)
    assert r"\includegraphics" not in tex and tex.rstrip().endswith(r"\end{document}")


def test_docx_is_the_same_for_the_same_inputs(monkeypatch):
    import time
    import zipfile

    a = make_report(*INPUTS, fmt="docx", figures=False)
    # python-docx dates the zip entries by the clock: a later call must still give the same bytes
    later = time.localtime(time.time() + 3600)
    monkeypatch.setattr(time, "localtime", lambda *args: later)
    b = make_report(*INPUTS, fmt="docx", figures=False)
    assert a[:2] == b"PK" and a == b
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(a)).infolist()} == {(2000, 1, 1, 0, 0, 0)}


# ---------------------------------------------------------------------------
# The command line, with the exact commands
# ---------------------------------------------------------------------------

def _run(args, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


REPORT = ["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]


def test_cli_report_docx_and_tex(tmp_path, capsys):
    docx_path, tex_path, html_path = tmp_path / "protocol.docx", tmp_path / "protocol.tex", tmp_path / "p.html"
    code, out, err = _run(REPORT + ["--no-figures", "-o", str(docx_path)], capsys)
    assert code == 0 and out == "" and err == f"wrote {docx_path}\n"
    code, out, err = _run(REPORT + ["-o", str(tex_path)], capsys)
    assert code == 0 and err.splitlines() == [f"wrote {tex_path}", f"wrote {tmp_path / 'protocol-figure-1.png'}",
                                              f"wrote {tmp_path / 'protocol-figure-2.png'}"]
    code, out, err = _run(REPORT + ["--no-figures", "-o", str(html_path)], capsys)
    numbers, _ = docx_numbers(docx_path.read_bytes())
    assert numbers == html_numbers(html_path.read_text(encoding="utf-8"))


def test_cli_report_pilot(capsys):
    # phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --pilot 3/9
    code, out, err = _run(REPORT + ["--pilot", "3/9"], capsys)
    assert code == 0, err
    text = " ".join(out.split())
    assert "3 of 9 patients responded in a pilot (33.3%)" in text
    assert "P(p >= p1 = 0.3 | pilot) = 0.604" in text
    assert "with probability 0.7589 (assurance; O'Hagan et al. 2005)" in text
    assert "--pilot 3/9" in text  # the command that reproduces the report


def test_cli_report_accrual_and_stage1_table(capsys):
    code, out, err = _run(REPORT + ["--accrual", "pause"], capsys)
    assert code == 0
    text = " ".join(out.split())
    assert "Accrual is suspended once 10 patients are enrolled, until their responses are known" in text
    assert "| 12 | 1/12, 6/29 |" in text  # the re-derived rule for a stage 1 of 12


def test_cli_simon_json_round_trip_to_report(tmp_path, capsys):
    # phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --format json > design.json
    code, out, _ = _run(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--format",
                         "json"], capsys)
    path = tmp_path / "design.json"
    path.write_text(out)
    # phase2design report --design-file design.json  (the optimal design, said on stderr)
    code, from_file, err = _run(["report", "--design-file", str(path)], capsys)
    assert code == 0 and "using its optimal design 1/10, 5/29 (the default" in err
    code, direct, _ = _run(REPORT, capsys)

    def same(text):
        # the file names the design itself, the search its kind: the rest is the same report
        return [line for line in text.splitlines() if "design requested" not in line and "--design " not in line]

    assert same(from_file) == same(direct)
    assert "| design requested | 1/10, 5/29 |" in from_file and "| design requested | optimal |" in direct
    code, minimax, err = _run(["report", "--design-file", str(path), "--kind", "minimax"], capsys)
    assert code == 0 and err == "" and "Simon two-stage minimax design 1/15, 5/25" in minimax


def test_cli_report_json_design_file_round_trip(tmp_path, capsys):
    # phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --design minimax -o design.json
    path = tmp_path / "design.json"
    code, out, err = _run(REPORT + ["--design", "minimax", "-o", str(path)], capsys)
    assert code == 0 and err == f"wrote {path}\n"
    f = read_design_file(path)
    assert f.design == Design.parse("1/15,5/25") and f.kind == "minimax" and f.note == ""
    assert (f.p0, f.p1, f.alpha, f.beta) == INPUTS
    # phase2design analyze --design-file design.json --x1 2 --x2 4
    code, out, err = _run(["analyze", "--design-file", str(path), "--x1", "2", "--x2", "4"], capsys)
    assert code == 0 and err == "" and "Analysis of Simon design 1/15, 5/25 with x1 = 2 of 15, x2 = 4 of 10" in out
    code, out, err = _run(["report", "--design-file", str(path), "--p1", "0.35"], capsys)
    assert code == 0 and "H1: p >= 0.35" in out  # an input given on the command line wins over the file


@pytest.mark.parametrize("args, words", [
    (["report", "--design-file", "x.json", "--design", "optimal"], "not both"),
    (["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05"], "give --beta"),
    (["report", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"], "give --p0"),
    (REPORT + ["--kind", "minimax"], "--kind chooses a design in a --design-file"),
    (REPORT + ["--pilot", "3"], "--pilot must look like x/n"),
    (REPORT + ["-o", "x.json", "--pilot", "3/9"], "-o FILE.json writes the design file"),
    (REPORT + ["--accrual", "sometimes"], "Invalid value for '--accrual'"),
])
def test_cli_report_errors(args, words, capsys):
    code, out, err = _run(args, capsys)
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


def test_cli_report_design_file_with_other_design(tmp_path, capsys):
    path = tmp_path / "d.json"
    path.write_text('{"n": [6, 17, 29], "futility": [0, 2, 5]}')
    code, out, err = _run(["report", "--design-file", str(path), "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05",
                           "--beta", "0.2"], capsys)
    # a three-stage design is reported as a user-specified one (tests/test_report_multistage.py has more)
    assert code == 0 and out.startswith("# Phase II design report: user-specified 3-stage design 0/6, 2/17, 5/29")
    path.write_text('{"n": [10, 29], "futility": [1, 5]}')
    code, out, err = _run(["report", "--design-file", str(path)], capsys)
    assert code == 2 and "records no p0: give --p0" in err


def test_render_text_of_stage1_table(simon):
    text = render_text([stage1_size_table(simon.optimal, 0.05)])
    assert "stage-1 size m1" in text and "10 (planned)" in text


def test_cli_docx_without_python_docx(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # "import docx" now raises ImportError
    code, out, err = _run(REPORT + ["-o", str(tmp_path / "protocol.docx")], capsys)
    assert code == 2 and "needs python-docx: pip install 'phase2design[docx]'" in err
    assert not (tmp_path / "protocol.docx").exists()
    with pytest.raises(ValueError, match="needs python-docx"):
        make_report(*INPUTS, fmt="docx", figures=False)

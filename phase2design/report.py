"""A protocol-ready report of a phase II design, as one self-contained HTML or Markdown file.

``make_report(0.1, 0.3, 0.05, 0.2)`` runs the Simon search and the exact
single-stage search for the inputs, picks the requested design and writes:
the inputs, the chosen design in words and symbols with its exact attained
error rates, a statistical-considerations paragraph for the protocol
(:func:`protocol_paragraph`), the candidate designs, the operating
characteristics, the figures (embedded as base64 PNG data URIs: no external
file, stylesheet, script, font or network access) and, given observed data,
the analysis of :func:`phase2design.evaluate` or
:func:`phase2design.analyze_two_stage`.

Conventions (Simon 1989): a two-stage design ``r1/n1, r/n`` stops after
``n1`` patients if ``X1 <= r1`` and declares the drug promising (rejects H0)
if ``X1 + X2 > r``; a single-stage design ``r/n`` rejects H0 if ``X > r``
(A'Hern 2001 tabulates ``r + 1``).

The design, OC, interval and estimate tables are the ones the command line
prints (built once in :mod:`phase2design.present.tables`; EN 2 decimals, PET
3 in the design table and 4 in the OC table, error rates 4), so every number
that ``phase2design simon``, ``single``, ``oc``, ``evaluate`` and ``analyze``
print for the same inputs appears in the report.  The document is a list of
:mod:`phase2design.present.blocks` rendered to HTML or Markdown.  The report
holds no date, so the same inputs always give the same file.
"""

import io
import re
from dataclasses import replace

from . import __version__
from ._validation import check_choice, check_int, check_probability, check_rate, is_count
from .engine.design import Design
from .present import tables, texts
from .present.blocks import Figure, Heading, Items, Paragraph, Preformatted, Table
from .present.render import render_html, render_markdown

DESIGN_CHOICES = ("optimal", "minimax", "single")
FORMATS = ("html", "md")

_REFERENCES = {
    "simon": "Simon R (1989). Optimal two-stage designs for phase II clinical trials. "
             "Controlled Clinical Trials 10:1-10.",
    "ahern": "A'Hern RP (2001). Sample size tables for exact single-stage phase II designs. "
             "Statistics in Medicine 20:859-866.",
    "jung2004": "Jung SH, Lee T, Kim K, George SL (2004). Admissible two-stage designs for phase II cancer "
                "clinical trials. Statistics in Medicine 23:561-569.",
    "jck2001": "Jung SH, Carey M, Kim KM (2001). Graphical search for two-stage designs for phase II "
               "clinical trials. Controlled Clinical Trials 22:367-372.",
    "cp": "Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case "
          "of the binomial. Biometrika 26:404-413.",
    "koyama": "Koyama T, Chen H (2008). Proper inference from Simon's two-stage designs. "
              "Statistics in Medicine 27:3145-3154.",
    "jungkim": "Jung SH, Kim KM (2004). On the estimation of the binomial probability in multistage "
               "clinical trials. Statistics in Medicine 23:881-896.",
}


# ---------------------------------------------------------------------------
# Number formatting
# ---------------------------------------------------------------------------

def _pct(p):
    return f"{100 * p:.10g}%"


def _exact(value):
    """An exact double shown to 10 significant digits (enough to tell any two designs apart)."""
    return f"{value:.10g}"


def _count_phrase(k, total, first=False):
    who = f"the first {total} patients" if first else f"the {total} patients"
    if k == 0:
        return f"none of {who} responds"
    return f"{k} or fewer of {who} respond"


# ---------------------------------------------------------------------------
# The protocol paragraph
# ---------------------------------------------------------------------------

def _nominal_sentence(d, alpha, beta):
    a = (f"The exact one-sided type I error (the probability of declaring the drug promising when "
         f"p = {d.p0:.10g}) is {d.attained_alpha:.4f}")
    if alpha is not None:
        a += f" (nominal: at most {alpha:.10g}{'' if d.attained_alpha <= alpha else '; exceeded'})"
    b = f"the exact power at p = {d.p1:.10g} is {d.power:.4f}"
    if beta is not None:
        b += f" (nominal: at least {1.0 - beta:.10g}{'' if d.power >= 1.0 - beta else '; not reached'})"
    text = f"{a}, and {b}."
    if alpha is not None and beta is not None and not (d.attained_alpha <= alpha and d.power >= 1.0 - beta):
        text += (f" The design therefore does not meet the constraints type I error <= {alpha:.10g} and "
                 f"power >= {1.0 - beta:.10g}.")
    return text


def _constraints(alpha, beta):
    return f"type I error at most {alpha:.10g} and power at least {1.0 - beta:.10g}"


def _two_stage_paragraph(d, kind, alpha, beta):
    opening = {
        "optimal": "A Simon two-stage optimal design (Simon 1989)",
        "minimax": "A Simon two-stage minimax design (Simon 1989)",
        "minimax+optimal": "A Simon two-stage design that is both optimal and minimax (Simon 1989)",
        "admissible": "A Simon two-stage admissible design (Simon 1989; Jung et al. 2004)",
    }.get(kind, "A two-stage design of the Simon (1989) type, specified by the investigators,")
    s = [f"{opening} will be used to test the null hypothesis that the true response rate p is at most "
         f"{_pct(d.p0)} (H0: p <= {d.p0:.10g}) against the alternative that it is at least {_pct(d.p1)} "
         f"(H1: p >= {d.p1:.10g}).",
         f"In the first stage, {d.n1} patients will be enrolled. If {_count_phrase(d.r1, d.n1, first=True)}, "
         f"the trial stops and the drug is declared not promising.",
         f"Otherwise, {d.n2} additional patients will be enrolled, for a total of {d.n}. If "
         f"{_count_phrase(d.r, d.n)}, the drug is declared not promising; if {d.r + 1} or more respond, "
         f"the drug is declared promising and H0 is rejected.",
         f"In the notation r1/n1, r/n of Simon (1989) the design is {d.r1}/{d.n1}, {d.r}/{d.n}: stop after "
         f"stage 1 if X1 <= r1 and reject H0 if X1 + X2 > r, where X1 and X2 are the numbers of responses in "
         f"the first and second stage.",
         _nominal_sentence(d, alpha, beta),
         f"If the true response rate is {_pct(d.p0)}, the probability of early termination (PET0) is "
         f"{d.pet0:.2f} and the expected sample size (EN0) is {d.en0:.1f}; if it is {_pct(d.p1)}, they are "
         f"{d.pet1:.2f} and {d.en1:.1f}."]
    if alpha is not None and beta is not None:
        among = f"Among all two-stage designs with {_constraints(alpha, beta)}, this design"
        if kind == "optimal":
            s.append(f"{among} minimises the expected sample size under H0 (EN0).")
        elif kind == "minimax":
            s.append(f"{among} has the smallest maximum sample size ({d.n}) and, among those, the smallest "
                     f"EN0.")
        elif kind == "minimax+optimal":
            s.append(f"{among} both minimises EN0 and has the smallest maximum sample size ({d.n}).")
        elif kind == "admissible":
            weights = (f"for the single weight q = {d.q_low:.3f}, jointly with its neighbours on the convex hull"
                       if getattr(d, "q_single", False) else f"for weights q from {d.q_low:.3f} to {d.q_high:.3f}")
            s.append(f"{among} minimises the weighted loss q n + (1 - q) EN0 {weights} (Jung et al. 2004), a "
                     f"compromise between the minimax design (q = 1, smallest n) and the optimal design (q = 0, "
                     f"smallest EN0).")
    if kind not in ("optimal", "minimax", "minimax+optimal", "admissible"):
        s.append("Its operating characteristics were computed exactly from the binomial distribution.")
    else:
        s.append("All error rates are exact binomial probabilities, compared with the nominal values "
                 "without rounding.")
    return " ".join(s)


def _single_stage_paragraph(d, kind, alpha, beta):
    opening = ("A single-stage design with an exact binomial test (A'Hern 2001)" if kind == "ahern" else
               "A single-stage design with an exact binomial test, specified by the investigators,")
    s = [f"{opening} will be used to test the null hypothesis that the true response rate p is at most "
         f"{_pct(d.p0)} (H0: p <= {d.p0:.10g}) against the alternative that it is at least {_pct(d.p1)} "
         f"(H1: p >= {d.p1:.10g}).",
         f"A total of {d.n} patients will be enrolled, with no interim analysis. If {d.r + 1} or more of the "
         f"{d.n} patients respond, the drug is declared promising and H0 is rejected; "
         f"{'if none responds' if d.r == 0 else f'if {d.r} or fewer respond'}, it is declared not promising.",
         f"In the notation r/n the design is {d.r}/{d.n}: reject H0 if X > r, where X is the number of "
         f"responses (A'Hern 2001 tabulates r + 1 = {d.r + 1}).",
         _nominal_sentence(d, alpha, beta)]
    if kind == "ahern" and alpha is not None and beta is not None:
        s.append(f"This is the smallest sample size, with the smallest cut-off for that size, that meets "
                 f"{_constraints(alpha, beta)}; the error rates are exact binomial probabilities compared "
                 f"with the nominal values without rounding.")
    else:
        s.append("Its operating characteristics were computed exactly from the binomial distribution.")
    return " ".join(s)


def protocol_paragraph(design, *, kind=None, alpha=None, beta=None):
    """A statistical-considerations paragraph for a protocol, written from the design's own fields.

    Every number is formatted from ``design``: the boundaries, the exact
    attained type I error and power (4 decimals), and for a two-stage design
    PET and EN under p0 and p1 (2 and 1 decimals).  The rule is stated in
    words and in the notation of Simon (1989): ``r1/n1, r/n`` stops after
    stage 1 if ``X1 <= r1`` and rejects H0 if ``X1 + X2 > r``; a single-stage
    ``r/n`` rejects H0 if ``X > r`` (A'Hern 2001 tabulates ``r + 1``).

    Parameters
    ----------
    design : TwoStageDesign or SingleStageDesign
        From :func:`phase2design.simon_design`, :func:`phase2design.two_stage_design`,
        :func:`phase2design.single_stage_design` or
        :func:`phase2design.single_stage_design_oc` (these carry p0 and p1).
    kind : str, optional
        Two-stage: ``"optimal"``, ``"minimax"``, ``"minimax+optimal"``,
        ``"admissible"`` or ``""`` (specified by the investigators); default
        ``design.kind``.  Single stage: ``"ahern"`` (the smallest design
        meeting the constraints) or ``""`` (default).
    alpha, beta : float, optional
        Nominal constraints (default ``design.alpha`` and ``design.beta``);
        without them the paragraph states the attained values only.

    Returns
    -------
    str

    Examples
    --------
    >>> import phase2design as p2
    >>> text = protocol_paragraph(p2.simon_design(0.1, 0.3, 0.05, 0.2).optimal)
    >>> "If 1 or fewer of the first 10 patients respond, the trial stops" in text
    True
    """
    from .results import SingleStageDesign, TwoStageDesign

    if not isinstance(design, (TwoStageDesign, SingleStageDesign)):
        raise TypeError(f"design must be a TwoStageDesign or SingleStageDesign (with p0 and p1), "
                        f"got {type(design).__name__}")
    alpha = design.alpha if alpha is None else check_probability("alpha", alpha)
    beta = design.beta if beta is None else check_probability("beta", beta)
    if isinstance(design, TwoStageDesign):
        kind = design.kind if kind is None else kind
        check_choice("kind", kind, ("optimal", "minimax", "minimax+optimal", "admissible", ""))
        if kind == "admissible" and design.q_low is None:
            raise ValueError("kind 'admissible' needs the design's q range (q_low, q_high), got None")
        return _two_stage_paragraph(design, kind, alpha, beta)
    kind = "" if kind is None else kind
    check_choice("kind", kind, ("ahern", ""))
    return _single_stage_paragraph(design, kind, alpha, beta)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def _parse_observed(observed):
    if isinstance(observed, str):
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", observed)
        if not m:
            raise ValueError(f"observed must look like x/n with whole numbers (e.g. 3/9), got {observed!r}")
        return int(m.group(1)), int(m.group(2))
    try:
        x, n = observed
    except (TypeError, ValueError):
        raise TypeError(f"observed must be 'x/n' or a pair (x, n), got {observed!r}") from None
    return check_int("observed x", x), check_int("observed n", n, minimum=1)


def _parse_stages(stages):
    if isinstance(stages, str):
        parts = stages.replace(" ", "").split(",")
        if len(parts) not in (1, 2) or not all(is_count(p) for p in parts):
            raise ValueError(f"observed_stages must look like 'x1' (stopped) or 'x1,x2' with whole numbers, "
                             f"got {stages!r}")
        vals = [int(p) for p in parts]
    elif isinstance(stages, (tuple, list)):
        vals = list(stages)
    else:
        vals = [stages]
    if len(vals) == 1:
        vals.append(None)
    if len(vals) != 2:
        raise ValueError(f"observed_stages must be (x1,) or (x1, x2), got {stages!r}")
    return vals[0], vals[1]


def _two_stage_cmd(d):
    return f"{d.r1}/{d.n1},{d.r}/{d.n}"


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

def _parse_design_arg(design):
    """("keyword", name) for 'optimal', 'minimax' or 'single', else ("single"|"two", values) of the design."""
    if isinstance(design, str) and design.strip() in DESIGN_CHOICES:
        return "keyword", design.strip()
    try:
        return Design.parse(design).simple_form("report")
    except ValueError as exc:
        if isinstance(design, str) and "look like" in str(exc):
            raise ValueError(f"design must be 'optimal', 'minimax', 'single', 'r/n' or 'r1/n1,r/n', "
                             f"got {design!r}") from None
        raise


def _select(design, simon, single, p0, p1, alpha, beta):
    """(design object, kind) for the request; kind as protocol_paragraph takes it."""
    from .engine.oc import single_stage_design_oc, two_stage_design

    if isinstance(design, str) and design.strip() in DESIGN_CHOICES:
        choice = design.strip()
        if choice == "optimal":
            return simon.optimal, simon.optimal.kind
        if choice == "minimax":
            return simon.minimax, simon.minimax.kind
        if single is None:
            raise ValueError(f"design 'single' needs a feasible single-stage design, and none meets "
                             f"alpha={alpha:.10g}, beta={beta:.10g} in the range searched")
        return single.design, "ahern"
    kind, values = _parse_design_arg(design)
    if kind == "two":
        for d in simon.admissible:
            if (d.r1, d.n1, d.r, d.n) == values:
                return d, d.kind
        d = two_stage_design(*values, p0, p1, alpha=alpha, beta=beta)
        return d, ""
    if single is not None and (single.design.r, single.design.n) == values:
        return single.design, "ahern"
    d = single_stage_design_oc(*values, p0, p1)
    return replace(d, alpha=alpha, beta=beta), ""


def _kind_words(d, kind):
    if hasattr(d, "r1"):
        return {"optimal": "Simon two-stage optimal design", "minimax": "Simon two-stage minimax design",
                "minimax+optimal": "Simon two-stage optimal and minimax design",
                "admissible": "Simon two-stage admissible design"}.get(kind, "user-specified two-stage design")
    return "A'Hern single-stage design" if kind == "ahern" else "user-specified single-stage design"


def _oc_table_grid(p0, p1):
    upper = min(0.95, p1 + (p1 - p0))
    grid = {round(0.05 * k, 12) for k in range(1, 20) if 0.05 * k <= upper + 1e-9}
    return sorted(grid | {p0, p1})


def make_report(p0, p1, alpha, beta, design="optimal", *, observed=None, observed_stages=None,
                threshold=None, confidence_level=0.95, nmax=None, fmt="html", figures=True, command=None,
                progress=None):
    """A self-contained report of a phase II design for a protocol (HTML or Markdown).

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 (not worth pursuing) and H1 (worth pursuing).
    alpha, beta : float
        Largest type I and type II error rates, compared exactly.
    design : str, tuple or design object
        ``"optimal"`` (default) or ``"minimax"`` Simon design, ``"single"``
        (the exact A'Hern single-stage design), or a given design ``"r1/n1,r/n"``
        or ``"r/n"`` (or tuple, or a result object).  A given two-stage design
        that is admissible for these inputs is named as such.
    observed : str or (int, int), optional
        Observed total ``"x/n"``: adds :func:`phase2design.evaluate` against
        ``threshold`` and p0 with the design's decision (``n`` must be the
        design's ``n``, or ``n1`` for a two-stage design).
    observed_stages : (int,) or (int, int) or str, optional
        Stage-wise data ``(x1,)`` after an early stop or ``(x1, x2)`` (or
        ``"x1,x2"``) for a two-stage design: adds
        :func:`phase2design.analyze_two_stage` (stage-wise ordering).
    threshold : float, optional
        Rate for the threshold comparison of ``observed`` (default p1).
    confidence_level : float
        Two-sided level of the stage-wise interval (default 0.95); ``observed``
        uses evaluate's default 90% and 95% Clopper-Pearson intervals.
    nmax : int, optional
        Largest n for both searches.
    fmt : {"html", "md"}
        Output format.
    figures : bool
        Embed the figures (base64 PNG data URIs).  Drawing them takes most of
        the time.
    command : str, optional
        The command line that produced the report, printed in its footer
        (default: the equivalent ``phase2design report`` call).

    Returns
    -------
    str
        The whole document.

    Raises
    ------
    NoFeasibleDesignError
        When no Simon design meets the constraints (see
        :func:`phase2design.simon_design`).
    """
    from .engine.oc import NoFeasibleDesignError, single_stage_oc, two_stage_oc
    from .families.base import get_family, select_families

    fmt = check_choice("fmt", fmt, FORMATS)
    if observed is not None and observed_stages is not None:
        raise ValueError("give observed (a total x/n) or observed_stages (x1, x2), not both")
    obs = None if observed is None else _parse_observed(observed)
    stages = None if observed_stages is None else _parse_stages(observed_stages)
    level = check_probability("confidence_level", confidence_level)
    _parse_design_arg(design)  # a malformed design fails before the search
    # Simon's search validates the inputs and must succeed (the figures show its design space); every
    # other registered family may find nothing
    simon = get_family("simon").search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
    p0, p1, alpha, beta = simon.p0, simon.p1, simon.alpha, simon.beta
    threshold = p1 if threshold is None else check_rate("threshold", threshold)
    searched = {"simon": simon}
    for family in select_families():
        if family.name not in searched:
            try:
                searched[family.name] = family.search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
            except NoFeasibleDesignError:
                searched[family.name] = None
    single = searched.get("single")
    d, kind = _select(design, simon, single, p0, p1, alpha, beta)
    two = hasattr(d, "r1")
    if stages is not None and not two:
        raise ValueError(f"observed_stages needs a two-stage design, got the single-stage design {d.label()}; "
                         f"give observed as x/n")
    label = d.label()
    what = _kind_words(d, kind)
    title = f"Phase II design report: {what} {label}"
    doc = []
    add = doc.append
    if command is None:
        spec = design if isinstance(design, str) and design.strip() in DESIGN_CHOICES else (
            _two_stage_cmd(d) if two else label)
        command = (f"phase2design report --p0 {p0:.10g} --p1 {p1:.10g} --alpha {alpha:.10g} --beta {beta:.10g} "
                   f"--design {spec}" + (f" --nmax {nmax}" if nmax is not None else "")
                   + (f" --observed {obs[0]}/{obs[1]}" if obs else "")
                   + (f" --observed-stages {stages[0]}" + ("" if stages[1] is None else f",{stages[1]}")
                      if stages else "")
                   + (f" --threshold {threshold:.10g}" if obs and threshold != p1 else "")
                   + (f" --confidence {level:.10g}" if stages and level != 0.95 else ""))
    add(Paragraph(f"Single-arm phase II trial with a binary endpoint (response yes/no). Generated by phase2design "
                  f"{__version__}; every probability is an exact binomial computation."
                  + (" Figures are embedded in this file as base64 PNG data URIs, so it needs no other file or "
                     "network access (some Markdown viewers do not display data URIs; the HTML report shows the "
                     "same figures)." if fmt == "md" and figures else "")))

    # --- inputs ---------------------------------------------------------------------------------------
    add(Heading("Inputs"))
    requested = design if isinstance(design, str) else label
    rows = [["p0 (response rate not worth pursuing, H0: p <= p0)", f"{p0:.10g}"],
            ["p1 (response rate worth pursuing, H1: p >= p1)", f"{p1:.10g}"],
            ["alpha (largest one-sided type I error)", f"{alpha:.10g}"],
            ["beta (largest type II error; power at least 1 - beta)", f"{beta:.10g} (power >= {1.0 - beta:.10g})"],
            ["design requested", str(requested)]]
    if nmax is not None:
        rows.append(["nmax (largest n searched)", str(nmax)])
    if obs is not None:
        rows.append(["observed", f"{obs[0]}/{obs[1]} (threshold {threshold:.10g})"])
    if stages is not None:
        rows.append(["observed by stage", f"x1 = {stages[0]}" + ("" if stages[1] is None else
                                                                 f", x2 = {stages[1]}")])
    add(Table(["input", "value"], rows, ["l", "l"]))
    add(Paragraph("Attained error rates are compared with alpha and 1 - beta exactly, without any tolerance or "
                  "rounding."))

    # --- chosen design ----------------------------------------------------------------------------------
    add(Heading(f"Chosen design: {what} {label}"))
    add(Paragraph(f"In words: {d.rule()}."))
    if two:
        add(Paragraph(f"In symbols (Simon 1989): r1/n1, r/n = {label}, i.e. r1 = {d.r1}, n1 = {d.n1}, r = {d.r}, "
                      f"n = {d.n}, n2 = n - n1 = {d.n2}. Stop after stage 1 if X1 <= r1; otherwise declare the drug "
                      f"promising (reject H0) if X1 + X2 > r."))
        add(Preformatted("alpha = P(X1 > r1, X1 + X2 > r | p0)\n"
                         "      = sum_{x1 = r1+1}^{n1} b(x1; n1, p0) P(X2 > r - x1; n2, p0)\n"
                         "power = the same sum at p1\n"
                         "PET0  = P(X1 <= r1 | p0),    EN0 = n1 + (1 - PET0) n2    (likewise PET1, EN1 at p1)\n"
                         "b(x; m, p) = C(m, x) p^x (1 - p)^(m - x)"))
    else:
        add(Paragraph(f"In symbols: r/n = {label}, i.e. r = {d.r}, n = {d.n}. Declare the drug promising (reject H0) "
                      f"if X > r, i.e. X >= r + 1 = {d.r + 1} (A'Hern 2001 tabulates r + 1)."))
        add(Preformatted("alpha = P(X > r | p0) = sum_{x = r+1}^{n} b(x; n, p0)\n"
                         "power = P(X > r | p1)\n"
                         "b(x; n, p) = C(n, x) p^x (1 - p)^(n - x)"))
    meets_a, meets_b = d.attained_alpha <= alpha, d.power >= 1.0 - beta
    rows = [["type I error (attained alpha)", f"{d.attained_alpha:.4f}", _exact(d.attained_alpha),
             f"<= {alpha:.10g}: {'yes' if meets_a else 'NO'}"],
            ["power", f"{d.power:.4f}", _exact(d.power), f">= {1.0 - beta:.10g}: {'yes' if meets_b else 'NO'}"]]
    if two:
        rows += [["EN0 (expected sample size at p0)", f"{d.en0:.2f}", _exact(d.en0), ""],
                 ["PET0 (probability of early termination at p0)", f"{d.pet0:.3f}", _exact(d.pet0), ""],
                 ["EN1 (expected sample size at p1)", f"{d.en1:.2f}", _exact(d.en1), ""],
                 ["PET1 (probability of early termination at p1)", f"{d.pet1:.3f}", _exact(d.pet1), ""]]
        if d.q_low is not None:
            rows.append(["q range (admissible: minimises q n + (1 - q) EN0)",
                         d.q_range_text(), f"{_exact(d.q_low)} only" if d.q_single else
                         f"[{_exact(d.q_low)}, {_exact(d.q_high)}]", ""])
    if not (meets_a and meets_b):
        add(Paragraph(f"Warning: this design does not meet the constraints type I error <= {alpha:.10g} and power >= "
                      f"{1.0 - beta:.10g} (attained {d.attained_alpha:.4f} and {d.power:.4f}).", cls="warning"))
    add(Heading("Exact attained error rates and sample sizes", 3))
    add(Table(["quantity", "value", "exact (10 significant digits)", "nominal"], rows, ["l", "r", "r", "l"]))

    # --- protocol paragraph ---------------------------------------------------------------------------
    add(Heading("Statistical considerations (for the protocol)"))
    add(Paragraph(protocol_paragraph(d, kind=kind, alpha=alpha, beta=beta), cls="protocol"))

    # --- candidates -----------------------------------------------------------------------------------
    # every registered family's candidates, the chosen design's family first
    add(Heading("Candidate designs"))
    chosen = "simon" if two else "single"
    for family in sorted(select_families(), key=lambda f: f.name != chosen):
        for block in family.report_blocks(searched.get(family.name), p0, p1, alpha, beta):
            add(block)

    # --- operating characteristics --------------------------------------------------------------------
    grid = _oc_table_grid(p0, p1)
    oc = two_stage_oc(d.r1, d.n1, d.r, d.n, grid) if two else single_stage_oc(d.r, d.n, grid)
    add(Heading(f"Operating characteristics of {label}"))
    add(Paragraph(f"Exact probabilities at true response rates p (p0 = {p0:.10g} and p1 = {p1:.10g} included). "
                  f"Rule: {oc.rule}."))
    add(tables.oc_table(oc))

    # --- figures --------------------------------------------------------------------------------------
    if figures:
        from .plots import default_oc_grid, oc_comparison_designs, plot_design_space, plot_oc

        compare, labels = oc_comparison_designs(simon, None if single is None else single.design, chosen=d)
        add(Heading("Figures"))
        fig = plot_oc(compare, default_oc_grid(p0, p1), p0=p0, p1=p1, labels=labels)
        add(Figure(_png(fig), f"Operating characteristics of {label} and alternatives",
                   f"Figure 1. Probability of declaring the drug promising, probability of early termination and "
                   f"expected sample size against the true response rate, for the chosen design {label} and "
                   f"the optimal, minimax, admissible (q = 0.5) and single-stage designs for the same inputs "
                   f"(thin grey vertical lines: p0 = {p0:.10g}, p1 = {p1:.10g})."))
        fig = plot_design_space(simon)
        add(Figure(_png(fig), "Design space: EN0 against n",
                   "Figure 2. Expected sample size under p0 (EN0) of the best design at each maximum sample "
                   "size n, with the admissible designs on the lower convex hull (Jung, Carey and Kim 2001) "
                   "and the weights q for which each minimises q n + (1 - q) EN0 (lower panel)."))

    # --- observed data --------------------------------------------------------------------------------
    if obs is not None or stages is not None:
        _observed_sections(doc, d, two, obs, stages, p0, alpha, threshold, level, figures)

    # --- methods and references -----------------------------------------------------------------------
    add(Heading("Conventions and references"))
    add(Items(["Single stage r/n: declare the drug promising (reject H0) if more than r of n respond, i.e. at "
               "least r + 1 (A'Hern 2001 tabulates r + 1).",
               "Two stage r1/n1, r/n (Simon 1989): stop after n1 patients if X1 <= r1; otherwise treat n - n1 "
               "more and declare the drug promising if X1 + X2 > r.",
               "Optimal: minimum EN0; minimax: minimum n, ties by EN0; admissible: minimises q n + (1 - q) EN0 "
               "for some q in [0, 1] (Jung et al. 2004)."]))
    add(Paragraph(f"Reproduce this report: {command}"))
    add(Heading("References", 3))
    refs = ["simon", "ahern", "jung2004"] + (["jck2001"] if figures else [])
    if obs is not None:
        refs.append("cp")
    if stages is not None:
        refs += ["koyama", "jungkim"]
    add(Items([_REFERENCES[k] for k in refs]))
    return render_html(title, doc) if fmt == "html" else render_markdown(title, doc)


def _observed_sections(doc, d, two, obs, stages, p0, alpha, threshold, level, figures):
    from .evaluation import evaluate
    from .twostage_inference import analyze_two_stage

    add = doc.append
    add(Heading("Analysis of the observed data"))
    spec = _two_stage_cmd(d) if two else d.label()
    if obs is not None:
        x, n = obs
        on_design = n in ((d.n1, d.n) if two else (d.n,))
        ev = evaluate(x, n, threshold, p0=p0, design=spec if on_design else None, alpha=alpha)
        if on_design:
            intro = (f"Observed {x}/{n}, judged against the threshold {threshold:.10g} (met if x/n >= "
                     f"{threshold:.10g}), against p0 = {p0:.10g} and by the rule of {d.label()}. Same numbers as: "
                     f"phase2design evaluate {x}/{n} --threshold {threshold:.10g} --p0 {p0:.10g} --design {spec} "
                     f"--alpha {alpha:.10g}")
        else:
            # e.g. the pilot that motivates the planned trial: its n is not a stage of this design
            intro = (f"Observed {x}/{n}: {n} patients is not a stage of {d.label()}, so these data are read as "
                     f"earlier data (such as a pilot), judged against the threshold {threshold:.10g} (met if "
                     f"x/n >= {threshold:.10g}) and against p0 = {p0:.10g}, not by the design's rule. Same numbers as: "
                     f"phase2design evaluate {x}/{n} --threshold {threshold:.10g} --p0 {p0:.10g} --alpha {alpha:.10g}")
        add(Paragraph(intro))
        add(Items(ev.summary()))
        add(tables.interval_table(ev))
        if two and n == d.n:
            add(Paragraph("The intervals and p-values above treat all patients as one sample. After a two-stage design "
                          "the exact analysis uses the stage-wise ordering (Koyama and Chen 2008): give the stage data "
                          "(--observed-stages x1,x2) for it."))
        if figures:
            from .plots import plot_evaluation

            add(Figure(_png(plot_evaluation(ev)), f"Distribution of responses out of {n}",
                       f"Figure 3. Distribution of the number of responses out of {n} if the true rate is the "
                       f"threshold {threshold:.10g} and if it is p0 = {p0:.10g}; observed {x}, boundaries marked."))
    else:
        x1, x2 = stages
        res = analyze_two_stage(d, x1, x2, p0=p0, confidence_level=level)
        cmd = (f"phase2design analyze --design {spec} --x1 {x1}" + ("" if x2 is None else f" --x2 {x2}")
               + f" --p0 {p0:.10g} --confidence {level:.10g}")
        add(Paragraph(f"Analysis of Simon design {res.label()} with {texts.stage_data(res)}. Same numbers as: {cmd}"))
        add(Paragraph(f"Decision: {res.decision}"))
        add(Paragraph(texts.ordering_sentence(res)))
        add(tables.estimates_table(res))


def report_format(path):
    """The report format for an output file name: ``"html"`` for .html/.htm, ``"md"`` for .md."""
    ext = str(path).lower().rsplit(".", 1)[-1] if "." in str(path) else ""
    fmt = {"html": "html", "htm": "html", "md": "md"}.get(ext)
    if fmt is None:
        raise ValueError(f"report file must end in .html, .htm or .md, got {str(path)!r}")
    return fmt


__all__ = ["make_report", "protocol_paragraph", "report_format"]

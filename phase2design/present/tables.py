"""The tables of designs, operating characteristics and analyses, each built in one place.

The command line prints them with :func:`phase2design.present.render.render_text`
and the report renders the same :class:`~phase2design.present.blocks.Table`
to HTML or Markdown, so both show the same digits: EN 2 decimals, PET 3 in
design tables and 4 in OC tables, probabilities and error rates 4.

Builders take library result objects and read only their attributes (this
module imports nothing else from the library).
"""

from .blocks import Table
from .render import fmt
from .texts import METHOD_NAMES


def _num(value, digits):
    # float() so numpy scalars and integral values print with the table's decimals
    return "" if value is None else fmt(float(value), digits)


def _stage1(d):
    return "-" if d.r1 is None else f"{d.r1}/{d.n1}"


# ---------------------------------------------------------------------------
# Shared by the command line and the report
# ---------------------------------------------------------------------------

def simon_design_table(designs):
    """Simon two-stage designs: r1/n1, r/n, EN0, PET0, attained alpha, power, EN1 and q range.

    Parameters
    ----------
    designs : iterable of TwoStageDesign
        E.g. ``SimonResult.admissible`` (minimax to optimal) or ``best_by_n``.

    Returns
    -------
    Table
    """
    rows = [[d.kind or "", f"{d.r1}/{d.n1}", f"{d.r}/{d.n}", _num(d.en0, 2), _num(d.pet0, 3),
             _num(d.attained_alpha, 4), _num(d.power, 4), _num(d.en1, 2),
             d.q_range_text()] for d in designs]
    return Table(["design", "r1/n1", "r/n", "EN0", "PET0", "alpha", "power", "EN1", "q range"], rows,
                 ["l", "r", "r", "r", "r", "r", "r", "r", "l"])


def multistage_design_table(designs):
    """Designs of any number of stages: kind, boundaries, stage sizes, EN0, PET0, alpha, power, EN1, q range.

    Parameters
    ----------
    designs : iterable of MultiStageDesign
        E.g. ``MultiStageResult.admissible`` or ``designs()``.

    Returns
    -------
    Table
        ``bounds`` is the design's notation (cumulative a_j/N_j; ``a:b/N`` where a look also stops for
        efficacy); PET0 is the probability of stopping before the last stage under p0, for any reason.
    """
    rows = [[d.kind or "", d.label(), _num(d.en0, 2), _num(d.pet0, 3), _num(d.attained_alpha, 4),
             _num(d.power, 4), _num(d.en1, 2), _num(d.pet1, 3), d.q_range_text()] for d in designs]
    return Table(["design", "bounds (cumulative)", "EN0", "PET0", "alpha", "power", "EN1", "PET1", "q range"],
                 rows, ["l", "l", "r", "r", "r", "r", "r", "r", "l"])


def curtailed_designs_table(entries):
    """Designs of a search and their curtailed versions side by side, at p0 and p1.

    Parameters
    ----------
    entries : iterable of (kind, CurtailedOC)
        Each OC evaluated at ``[p0, p1]``.

    Returns
    -------
    Table
        kind, design, the largest N of the curtailed trial, alpha and power curtailed (uncurtailed), EN0
        and EN1 curtailed (uncurtailed).
    """
    rows = []
    for kind, oc in entries:
        cd = oc.curtailed
        rows.append([kind, cd.original.label(), str(cd.n_max),
                     f"{_num(oc.reject[0], 4)} ({_num(oc.reject_original[0], 4)})",
                     f"{_num(oc.reject[1], 4)} ({_num(oc.reject_original[1], 4)})",
                     f"{_num(oc.en[0], 2)} ({_num(oc.en_original[0], 2)})",
                     f"{_num(oc.en[1], 2)} ({_num(oc.en_original[1], 2)})"])
    return Table(["design", "bounds (cumulative)", "max N", "alpha (uncurtailed)", "power (uncurtailed)",
                  "EN0 (uncurtailed)", "EN1 (uncurtailed)"], rows, ["l", "l", "r", "r", "r", "r", "r"])


def single_stage_table(candidates, caption=None):
    """Feasible single-stage designs r/n with the smallest count that rejects, alpha and power.

    Parameters
    ----------
    candidates : iterable of SingleStageDesign
        ``SingleStageResult.candidates``, smallest feasible n first.
    caption : str, optional

    Returns
    -------
    Table
    """
    rows = [[d.label(), f"{d.r_min}/{d.n}", _num(d.attained_alpha, 4), _num(d.power, 4)] for d in candidates]
    return Table(["r/n", "at least", "alpha", "power"], rows, caption=caption)


def oc_table(oc):
    """Operating characteristics over the response rates p.

    Parameters
    ----------
    oc : OperatingCharacteristics

    Returns
    -------
    Table
        Two-stage: P(reject H0), PET (stop after stage 1, not promising), the
        probability of continuing and failing, and EN: the three outcomes sum
        to 1.  "Stop stage 1" would repeat PET and "continue, succeed" would
        repeat P(reject H0) (a Simon design rejects only after stage 2), so
        neither is a column (both stay in JSON and CSV).  Single stage:
        P(reject H0) and EN.
    """
    if oc.design == "two-stage":
        return Table(["p", "P(reject H0)", "PET", "continue, fail", "EN"],
                     [[_num(r["p"], 4), _num(r["reject"], 4), _num(r["pet"], 4), _num(r["continue_fail"], 4),
                       _num(r["en"], 2)] for r in oc.rows()])
    return Table(["p", "P(reject H0)", "EN"],
                 [[_num(r["p"], 4), _num(r["reject"], 4), _num(r["en"], 2)] for r in oc.rows()])


def design_oc_table(oc):
    """Operating characteristics of any design over the response rates p.

    Parameters
    ----------
    oc : DesignOC

    Returns
    -------
    Table
        p, P(reject H0), EN, the probability of stopping after each stage for futility and (where the
        design can) for efficacy, and the probability of completing every stage; with the stops, the
        last column gives the distribution of the sample size.
    """
    cols = oc.columns()

    def head(c):
        if c.startswith("stop"):
            j, why = c[4:].split("_")
            return f"stop {j}: {why}"
        return {"p": "p", "reject": "P(reject H0)", "en": "EN", "complete": f"complete (n = {oc.design.n_max})"}[c]

    return Table([head(c) for c in cols], [[_num(r[c], 2 if c == "en" else 4) for c in cols] for r in oc.rows()])


def interval_table(ev):
    """The confidence intervals of an evaluation, in percent, and whether each contains the threshold.

    Parameters
    ----------
    ev : Evaluation

    Returns
    -------
    Table
        Without a threshold, the level, method and limits only.
    """
    t = ev.threshold
    rows = [[f"{100 * ci.confidence_level:.10g}%", METHOD_NAMES.get(ci.method, ci.method), f"{100 * ci.low:.1f}%",
             f"{100 * ci.high:.1f}%"] for ci in ev.intervals]
    if t is None:
        return Table(["level", "method", "low", "high"], rows, ["r", "l", "r", "r"])
    return Table(["level", "method", "low", "high", f"contains {t.threshold:.10g}"],
                 [row + ["yes" if inside else "no"] for row, inside in zip(rows, t.inside_ci)],
                 ["r", "l", "r", "r", "l"])


def estimates_table(res, design_word="two-stage"):
    """Estimates, exact and mid-p intervals and p-values after a multi-stage trial (stage-wise ordering).

    Parameters
    ----------
    res : TwoStageAnalysis or DesignAnalysis
    design_word : str
        How the naive estimate's caveat names the design (``"two-stage"``, ``"3-stage"``...).

    Returns
    -------
    Table
    """
    lvl = f"{100 * res.confidence_level:.10g}%"
    alpha = getattr(res, "alpha", None)
    source = getattr(res, "level_source", "default")
    how = {"alpha": f"two-sided; matches the one-sided alpha = {alpha:.10g} test" if alpha is not None else "",
           "given": "two-sided, level as given"}.get(source, "two-sided")
    rows = [[f"naive x/n (biased after a {design_word} design)", _num(res.naive_estimate, 4)],
            ["UMVUE (Jung & Kim 2004)", _num(res.umvue, 4)],
            ["median-unbiased estimate", _num(res.median_unbiased, 4)],
            [f"{lvl} exact CI ({how})", f"{_num(res.ci_lower, 4)} - {_num(res.ci_upper, 4)}"],
            [f"{lvl} mid-p CI ({how.split(';')[0]})", f"{_num(res.ci_midp_lower, 4)} - {_num(res.ci_midp_upper, 4)}"]]
    if alpha is not None and getattr(res, "lower_bound", None) is not None:
        what = "exact" if res.p0 is None else "exact; excludes p0 exactly when the test rejects"
        rows.append([f"{100 * (1 - alpha):.10g}% one-sided lower bound ({what})", _num(res.lower_bound, 4)])
    if res.pvalue is not None:
        rows.append([f"one-sided p-value vs p0 = {res.p0:.10g} (stage-wise)", _num(res.pvalue, 4)])
        rows.append(["mid-p value", _num(res.pvalue_midp, 4)])
    return Table(["quantity", "value"], rows, ["l", "r"])


def comparison_table(cmp):
    """Designs of any family side by side: n, EN and PET at p0 and p1, attained alpha, power, rule in words.

    Parameters
    ----------
    cmp : DesignComparison

    Returns
    -------
    Table
        One row per design in the order given; "meets" columns only when alpha / beta were given.
    """
    kinds = any(d.kind for d in cmp.designs)
    headers = (["design"] + (["kind"] if kinds else []) + ["n", "EN0", "EN1", "PET0", "PET1", "alpha", "power"]
               + ([f"alpha <= {cmp.alpha:.10g}"] if cmp.meets_alpha is not None else [])
               + ([f"power >= {1.0 - cmp.beta:.10g}"] if cmp.meets_power is not None else []) + ["rule"])
    rows = []
    for i, d in enumerate(cmp.designs):
        row = [d.label()] + ([d.kind] if kinds else []) + [
            d.n, _num(d.en0, 2), _num(d.en1, 2), _num(d.pet0, 3), _num(d.pet1, 3), _num(d.attained_alpha, 4),
            _num(d.power, 4)]
        if cmp.meets_alpha is not None:
            row.append("yes" if cmp.meets_alpha[i] else "NO")
        if cmp.meets_power is not None:
            row.append("yes" if cmp.meets_power[i] else "NO")
        rows.append(row + [d.rule()])
    aligns = ["l"] + (["l"] if kinds else []) + ["r"] * 7 + ["l"] * (len(headers) - 8 - (1 if kinds else 0))
    return Table(headers, rows, aligns)


# ---------------------------------------------------------------------------
# Command line only
# ---------------------------------------------------------------------------

def feasible_table(records, note=None):
    """Feasible Simon designs as listed by ``simon_feasible_designs`` (records of its data frame)."""
    return Table(["r1/n1", "r/n", "EN0", "PET0", "alpha", "power"],
                 [[f"{int(r['r1'])}/{int(r['n1'])}", f"{int(r['r'])}/{int(r['n'])}", fmt(r["en0"], 2),
                   fmt(r["pet0"], 3), fmt(r["attained_alpha"], 4), fmt(r["power"], 4)] for r in records],
                 note=note)


def cutoffs_table(tab):
    """Every cut-off r = 0..n of a fixed-size single-stage trial: alpha at each p0, power at p1.

    Parameters
    ----------
    tab : CutoffTable
    """
    headers = (["r", "rule"] + [f"alpha at p0={v:.10g}" for v in tab.p0]
               + ([f"power at p1={tab.p1:.10g}"] if tab.power else []))
    rows = []
    for j, r in enumerate(tab.r):
        rule = f">= {r + 1} of {tab.n}" if r < tab.n else "never"
        row = [r, rule] + [fmt(a[j], 4) for a in tab.alpha]
        if tab.power:
            row.append(fmt(tab.power[j], 4))
        rows.append(row)
    return Table(headers, rows, ["r", "l"] + ["r"] * (len(headers) - 2))


def plan_rates_table(plan):
    """The candidate p1 values of a follow-up plan, where each came from and whether it was used."""
    rows = []
    for c in plan.candidates:
        used = "yes" if c.used else f"no: {c.note}"
        if c.used and not c.plausible:
            used = "yes (implausible)"
        value = "" if c.source == "given" else fmt(c.value, 4)
        rows.append([f"{c.p1:.10g}", c.source, value, fmt(c.posterior_prob_at_least, 3), used])
    return Table(["p1", "from", "value", "P(p >= p1 | pilot)", "used"], rows, ["r", "l", "r", "r", "l"])


def plan_designs_table(plan):
    """The follow-up designs for each p1, exact at p0 and p1 and averaged over the pilot's posterior."""
    rows = [[f"{d.p1:.10g}", d.kind if d.bounds is None else f"{d.family} {d.kind}",
             _stage1(d) if d.bounds is None else "-",
             f"{d.r}/{d.n}" if d.bounds is None else d.bounds, fmt(d.en0, 2), fmt(d.pet0, 3),
             fmt(d.attained_alpha, 4), fmt(d.power, 4), fmt(d.assurance, 4), fmt(d.expected_n, 2), fmt(d.pet, 3)]
            for d in plan.designs]
    # a design beyond two stages sits whole in the last bounds column, in cumulative notation: say so
    last = "r/n (or all looks)" if any(d.bounds is not None for d in plan.designs) else "r/n"
    return Table(["p1", "design", "r1/n1", last, "EN0", "PET0", "alpha", "power", "assurance", "E[N]", "P(stop)"],
                 rows, ["r", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"])


_GRID_FIELDS = ("p0", "p1", "alpha", "beta", "family", "kind", "r1", "n1", "r", "n", "en0", "pet0",
                "attained_alpha", "power", "q_low", "q_high", "note", "design")


def grid_table(rows):
    """The rows of a design grid (one per scenario and design kind; kind ``none``: no feasible design).

    ``bounds`` is each design in the cumulative notation of its family (``r/n``, ``r1/n1, r/n``,
    ``a1/N1, a2/N2, r/N``, ``a:b/N, ...``).
    """
    out = []
    for r in rows:
        d = dict(zip(_GRID_FIELDS, r))
        inputs = [f"{d['p0']:.10g}", f"{d['p1']:.10g}", f"{d['alpha']:.10g}", f"{d['beta']:.10g}"]
        if d["kind"] == "none":
            out.append(inputs + [f"{d['family']}: none", "", "", "", "", ""])
            continue
        out.append(inputs + [d["kind"], d["design"], fmt(d["en0"], 2), fmt(d["pet0"], 3),
                             fmt(d["attained_alpha"], 4), fmt(d["power"], 4)])
    return Table(["p0", "p1", "alpha", "beta", "design", "bounds", "EN0", "PET0", "att. alpha", "power"], out,
                 ["r", "r", "r", "r", "l", "l", "r", "r", "r", "r"])


__all__ = [
    "comparison_table",
    "cutoffs_table",
    "estimates_table",
    "feasible_table",
    "grid_table",
    "interval_table",
    "oc_table",
    "plan_designs_table",
    "plan_rates_table",
    "simon_design_table",
    "single_stage_table",
]


def curtailed_rule_table(cd):
    """The rule of a curtailed trial, one row per patient at which it can stop.

    Parameters
    ----------
    cd : CurtailedDesign

    Returns
    -------
    Table
        patient m, the totals S_m the trial can show then, "stop (not promising) if S_m <=", "stop
        (promising) if S_m >=" and the totals that go on; "-" where no stop of that kind can happen.
    """
    rows = []
    for r in cd.rule_rows():
        lo, hi = r["totals"]
        go = "-" if r["continue_from"] is None else (
            f"{r['continue_from']}" if r["continue_from"] == r["continue_to"]
            else f"{r['continue_from']}-{r['continue_to']}")
        rows.append([r["patient"], f"{lo}-{hi}" if lo < hi else f"{lo}",
                     "-" if r["stop_if_at_most"] is None else r["stop_if_at_most"],
                     "-" if r["promising_if_at_least"] is None else r["promising_if_at_least"], go])
    return Table(["patient m", "S_m can be", "stop, not promising, if S_m <=", "stop, promising, if S_m >=",
                  "go on if S_m in"], rows,
                 caption="Curtailed rule after patient m (S_m = responses among the first m patients; patients "
                         "not listed cannot stop the trial):")


def curtailed_oc_table(oc):
    """Exact OC of a curtailed design next to the design it came from, over the response rates p.

    Parameters
    ----------
    oc : CurtailedOC

    Returns
    -------
    Table
        p, P(reject H0) curtailed and uncurtailed, EN curtailed and uncurtailed, the standard deviation
        and median of the number of patients N, and P(N = N_max).
    """
    n = oc.curtailed.original.n_max
    rows = [[_num(r["p"], 4), _num(r["reject"], 4), _num(r["reject_original"], 4), _num(r["en"], 2),
             _num(r["en_original"], 2), _num(r["sd_n"], 2), r["median_n"], _num(r["p_full_n"], 4)]
            for r in oc.rows()]
    return Table(["p", "P(reject H0)", "uncurtailed", "EN", "uncurtailed", "SD of N", "median N",
                  f"P(N = {n})"], rows)

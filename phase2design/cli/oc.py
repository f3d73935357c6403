"""``phase2design oc``: exact operating characteristics of a given design over response rates."""

import click

from ._common import check_plot_path, curtail_options, emit, fail_bad, format_option, parse_rates, run, use_agg


@click.command()
@click.option("--r1", type=int, default=None, help="Stop after stage 1 if X1 <= r1 (omit for single stage).")
@click.option("--n1", type=int, default=None, help="Stage-1 sample size (omit for single stage).")
@click.option("--r", "r", type=int, default=None, help="Declare promising if total responses > r.")
@click.option("--n", "n", type=int, default=None, help="Total sample size.")
@click.option("--design", "design_text", default=None, metavar="DESIGN",
              help="Instead of --r1/--n1/--r/--n: any design, cumulative sizes, e.g. '1/10,5/29', "
                   "'0/6,2/17,5/29' (three stages) or '3:6/16,11/41' (stop for efficacy after stage 1 if "
                   "more than 6 respond); JSON as written by --format json.")
@click.option("--p", "p", type=str, default=None,
              help="Response rates: '0.05,0.25' or a grid '0:1:0.05' (not with --compare without --plot).")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw P(declare promising), PET and EN over the --p grid to FILE (.png, .svg or .pdf).")
@click.option("--compare", multiple=True, metavar="DESIGN",
              help="Another design ('r/n', 'r1/n1,r/n', 'a1/N1,...,r/N', 'a:b/N,...') to overlay on --plot "
                   "(repeatable); without --plot: one table of all the designs at --p0 and --p1 (as compare).")
@click.option("--p0", "mark_p0", type=float, default=None,
              help="Mark p0 on --plot (the H0 rate of --compare); with --curtail, report alpha at p0.")
@click.option("--p1", "mark_p1", type=float, default=None,
              help="Mark p1 on --plot (the H1 rate of --compare); with --curtail, report power at p1 (and the "
                   "rate of the conditional power of --curtail stochastic).")
@curtail_options
@format_option
def oc(r1, n1, r, n, design_text, p, plot_path, compare, mark_p0, mark_p1, curtail, fmt):
    """Exact operating characteristics of a design over response rates.

    Examples: phase2design oc --r1 0 --n1 9 --r 2 --n 24 --p 0.05,0.25;
    phase2design oc --design 0/6,2/17,5/29 --p 0.1,0.3;
    phase2design oc --r1 1 --n1 10 --r 5 --n 29 --p 0:0.6:0.01 --plot oc.png
    --compare 1/15,5/25 --compare 5/25 --p0 0.1 --p1 0.3;
    phase2design oc --design 1/10,5/29 --curtail deterministic --p 0.1,0.3;
    phase2design oc --design 1/10,5/29 --curtail stochastic --p1 0.3 --theta-f 0.1 --p 0.1,0.3
    """
    from ..engine.design import Design
    from ..engine.oc import single_stage_oc, two_stage_oc

    if compare and curtail is not None:
        fail_bad("--compare does not take curtailed designs; drop --compare or --curtail")
    if compare and plot_path is None:
        return _compare_table(r1, n1, r, n, design_text, p, compare, mark_p0, mark_p1, fmt)
    if p is None:
        fail_bad("give the response rates: --p such as '0.05,0.25' or a grid '0:1:0.05'")
    ps = parse_rates("p", p)
    if curtail is not None:
        return _curtailed(r1, n1, r, n, design_text, ps, plot_path, compare, mark_p0, mark_p1, curtail, fmt)
    if design_text is not None:
        if any(v is not None for v in (r1, n1, r, n)):
            fail_bad("give the design either as --design or as --r1/--n1/--r/--n, not both")
        design = run(lambda: Design.parse(design_text))
        if design.is_single:
            r, n = design.r, design.n[0]
        elif design.is_simon:
            r1, n1, r, n = design.as_simon()
        else:
            return _multistage(design, ps, plot_path, compare, mark_p0, mark_p1, fmt)
    elif r is None or n is None:
        fail_bad("give the design: --r and --n (with --r1 and --n1 for two stages), or --design such as "
                 "'1/10,5/29' or '0/6,2/17,5/29'")
    if (r1 is None) != (n1 is None):
        fail_bad("give both --r1 and --n1 for a two-stage design, or neither for a single-stage design")
    if plot_path is None and (compare or mark_p0 is not None or mark_p1 is not None):
        fail_bad("--p0 and --p1 mark the figure (or the rates of a --compare table); give --plot FILE as well")
    if plot_path is not None:
        check_plot_path(plot_path)
        others = _compare_designs(compare, mark_p0, mark_p1)
    if r1 is None:
        res = run(lambda: single_stage_oc(r, n, ps))
    else:
        res = run(lambda: two_stage_oc(r1, n1, r, n, ps))
    cols = list(res._COLUMNS)
    rows = [[row[c] for c in cols] for row in res.rows()]

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        conv = texts.CONVENTION_2 if res.design == "two-stage" else texts.CONVENTION_1
        return [Items([f"Operating characteristics of {res.design} design {res.label}", conv,
                       f"Rule: {res.rule}."]),
                T.oc_table(res)]

    emit(fmt, res.to_dict(), cols, rows, document)
    if plot_path is not None:
        main_design = (r, n) if r1 is None else (r1, n1, r, n)
        _draw(main_design, others, ps, mark_p0, mark_p1, plot_path)


def _compare_table(r1, n1, r, n, design_text, p, compare, p0, p1, fmt):
    """oc --compare without --plot: the main design and the --compare designs in one table (as compare)."""
    from ..comparison import compare_designs
    from ..engine.design import Design
    from .compare import emit_comparison

    if p is not None:
        fail_bad("--compare without --plot compares the designs at --p0 and --p1 in one table; drop --p, or add "
                 "--plot FILE to draw them over the --p grid")
    if p0 is None or p1 is None:
        fail_bad("--compare without --plot needs --p0 and --p1 (the designs are compared at both rates), e.g. "
                 "--p0 0.1 --p1 0.3")
    if design_text is not None:
        if any(v is not None for v in (r1, n1, r, n)):
            fail_bad("give the design either as --design or as --r1/--n1/--r/--n, not both")
        main_design = design_text
    elif r is None or n is None:
        fail_bad("give the design: --r and --n (with --r1 and --n1 for two stages), or --design such as "
                 "'1/10,5/29' or '0/6,2/17,5/29'")
    elif (r1 is None) != (n1 is None):
        fail_bad("give both --r1 and --n1 for a two-stage design, or neither for a single-stage design")
    else:
        main_design = (r, n) if r1 is None else (r1, n1, r, n)
    main_design = run(lambda: Design.parse(main_design))
    others = _compare_designs(compare, None, None)  # "--compare 'X': why" for a bad one
    emit_comparison(run(lambda: compare_designs([main_design, *others], p0, p1)), fmt)


def _compare_designs(compare, mark_p0, mark_p1):
    """The --compare designs, parsed, and the --p0/--p1 marks checked: one-line errors."""
    from .._validation import check_rate
    from ..engine.design import Design

    others = []
    for c in compare:
        try:
            others.append(Design.parse(c))
        except (ValueError, TypeError) as e:
            fail_bad(f"--compare {c!r}: {e}")
    for name, v in (("p0", mark_p0), ("p1", mark_p1)):
        if v is not None:
            run(lambda name=name, v=v: check_rate(name, v, closed=True))
    return others


def _draw(main_design, others, ps, mark_p0, mark_p1, plot_path):
    use_agg()
    from ..plots import plot_oc

    run(lambda: plot_oc([main_design] + others, ps, p0=mark_p0, p1=mark_p1, path=plot_path))
    if len(ps) < 10:
        click.echo(f"note: the figure has only {len(ps)} points; a grid such as --p 0:1:0.01 draws smooth "
                   f"curves", err=True)
    click.echo(f"wrote {plot_path}", err=True)


def _multistage(design, ps, plot_path, compare, mark_p0, mark_p1, fmt):
    """OC table of a design with three or more stages or an efficacy stop."""
    from ..engine.oc import design_oc

    if plot_path is None and (compare or mark_p0 is not None or mark_p1 is not None):
        fail_bad("--p0 and --p1 mark the figure (or the rates of a --compare table); give --plot FILE as well")
    others = _compare_designs(compare, mark_p0, mark_p1) if plot_path is not None else []
    if plot_path is not None:
        check_plot_path(plot_path)
    res = run(lambda: design_oc(design, ps))
    cols = res.columns()
    rows = [[row[c] for c in cols] for row in res.rows()]

    def document():
        from ..present import tables as T
        from ..present.blocks import Items

        return [Items([f"Operating characteristics of {design.family} design {design.label()} "
                       f"(cumulative sizes {', '.join(map(str, design.n))})",
                       "Convention: after stage j, stop (not promising) if S_j <= a_j; stop and declare the drug "
                       "promising if S_j > b_j (written a:b/N); at the end, promising if S_J > r.",
                       f"Rule: {design.rule()}."]),
                T.design_oc_table(res)]

    emit(fmt, res.to_dict(), cols, rows, document)
    if plot_path is not None:
        _draw(design, others, ps, mark_p0, mark_p1, plot_path)


def _curtailed(r1, n1, r, n, design_text, ps, plot_path, compare, mark_p0, mark_p1, curtail, fmt):
    """OC of the curtailed design next to the original's, and the curtailed rule patient by patient."""
    from .._validation import check_rate
    from ..engine.design import Design

    if plot_path is not None or compare:
        fail_bad("--plot and --compare do not draw curtailed designs; drop them or --curtail")
    if design_text is not None:
        if any(v is not None for v in (r1, n1, r, n)):
            fail_bad("give the design either as --design or as --r1/--n1/--r/--n, not both")
        design = run(lambda: Design.parse(design_text))
    elif r is None or n is None:
        fail_bad("give the design: --r and --n (with --r1 and --n1 for two stages), or --design such as "
                 "'1/10,5/29' or '0/6,2/17,5/29'")
    elif (r1 is None) != (n1 is None):
        fail_bad("give both --r1 and --n1 for a two-stage design, or neither for a single-stage design")
    else:
        design = run(lambda: Design.single(r, n) if r1 is None else Design.simon(r1, n1, r, n))
    for name, v in (("p0", mark_p0), ("p1", mark_p1)):
        if v is not None:
            run(lambda name=name, v=v: check_rate(name, v))
    cd = curtail.apply(design, mark_p1)
    marks = [(name, v) for name, v in (("alpha", mark_p0), ("power", mark_p1)) if v is not None]
    res = run(lambda: cd.oc(list(ps) + [v for _, v in marks]))
    table_oc, mark_oc = _split(res, len(ps))
    cols = table_oc.columns()
    rows = [[row[c] for c in cols] for row in table_oc.rows()]

    def document():
        from ..present import tables as T
        from ..present.blocks import Items

        lines = [f"Curtailed design: {cd.describe()}.",
                 f"Curtailed trial in the --design notation (a look at every patient where it can stop; "
                 f"after N_j in all stop if S <= a, stop promising if S > b in a:b/N): {cd.label()}",
                 f"Largest number of patients: {cd.n_max} (uncurtailed design: {cd.original.n_max})."]
        if cd.conditional_power is not None:
            lines.append(f"Conditional power at the start, under p1 = {cd.p1:.10g}: {cd.conditional_power:.4f} "
                         f"(the curtailed design's power at p1); every stop decided "
                         + ("in exact integer arithmetic" if cd.decided_exactly else
                            f"in double precision, none within {cd.tolerance:.1e} of a threshold"))
        for i, (name, v) in enumerate(marks):
            which = "p0" if name == "alpha" else "p1"
            lines.append(f"{name} at {which} = {v:.10g}: {mark_oc.reject[i]:.4f} curtailed, "
                         f"{mark_oc.reject_original[i]:.4f} uncurtailed; EN {mark_oc.en[i]:.2f} curtailed, "
                         f"{mark_oc.en_original[i]:.2f} uncurtailed")
        return [Items(lines), T.curtailed_rule_table(cd),
                Items(["Operating characteristics (exact; N = number of patients treated):"]),
                T.curtailed_oc_table(table_oc)]

    emit(fmt, res.to_dict(), cols, rows, document)


def _split(res, k):
    """The first k rates of a CurtailedOC (the --p grid) and the rest (--p0, --p1)."""
    from dataclasses import fields, replace

    def part(sl):
        return replace(res, **{f.name: getattr(res, f.name)[sl] for f in fields(res) if f.name != "curtailed"})

    return part(slice(0, k)), part(slice(k, None))

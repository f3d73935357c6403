"""``phase2design single``: exact single-stage designs (A'Hern 2001), or every cut-off of a fixed-n trial."""

import click

from ._common import emit, fail_bad, format_option, parse_rates, run


@click.command()
@click.option("--p0", type=str, required=True, help="Null response rate (with --n: one or more, comma-separated).")
@click.option("--p1", type=float, default=None, help="Alternative response rate.")
@click.option("--alpha", type=float, default=None, help="Largest type I error (design search).")
@click.option("--beta", type=float, default=None, help="Largest type II error (design search).")
@click.option("--n", "n", type=int, default=None, help="Fixed sample size: list every cut-off r = 0..n instead.")
@click.option("--ahern-rounded", is_flag=True,
              help="Compare as A'Hern's table did (alpha rounded to 4 decimals, power to 3).")
@click.option("--candidates", type=int, default=5, show_default=True, help="How many feasible designs to list.")
@click.option("--nmax", type=int, default=None, help="Largest n to consider (default 5000).")
@format_option
def single(p0, p1, alpha, beta, n, ahern_rounded, candidates, nmax, fmt):
    """Exact single-stage designs (A'Hern 2001), or every cut-off of a fixed-n trial.

    Examples: phase2design single --p0 0.2 --p1 0.5 --alpha 0.05 --beta 0.2;
    phase2design single --n 9 --p0 0.1,0.2 --p1 0.5
    """
    if n is not None:
        if alpha is not None or beta is not None or ahern_rounded:
            fail_bad("--n lists every cut-off of a fixed-size trial; drop --alpha/--beta/--ahern-rounded "
                     "or drop --n to search for a design")
        return _cutoffs(n, parse_rates("p0", p0), p1, fmt)
    if p1 is None or alpha is None or beta is None:
        fail_bad("a design search needs --p1, --alpha and --beta (or give --n for the fixed-n table)")
    p0v = parse_rates("p0", p0)
    if len(p0v) != 1:
        fail_bad(f"a design search takes one p0, got {p0!r}")
    from ..families.single import single_stage_design

    res = run(lambda: single_stage_design(p0v[0], p1, alpha, beta,
                                          comparison="ahern-rounded" if ahern_rounded else "strict",
                                          candidates=candidates, nmax=nmax))
    headers = ["r", "n", "r_min", "attained_alpha", "power"]
    rows = [[d.r, d.n, d.r_min, d.attained_alpha, d.power] for d in res.candidates]

    def document():
        from ..present import render as R
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        d = res.design
        cmp = ("A'Hern's rounded comparison (alpha to 4 decimals, power to 3)" if ahern_rounded
               else "strict comparison of exact values")
        return [Items([f"Single-stage design for {texts.design_inputs(res.p0, res.p1, res.alpha, res.beta)}",
                       texts.CONVENTION_1, f"Feasibility: {cmp}."]),
                Items([f"design: {d.label()}: {d.rule()}.",
                       f"attained alpha {R.fmt(d.attained_alpha, 4)}, power {R.fmt(d.power, 4)}"]),
                T.single_stage_table(res.candidates,
                                     caption="Smallest feasible n first (a larger n is not always feasible):")]

    emit(fmt, res.to_dict(), headers, rows, document)


def _cutoffs(n, p0s, p1, fmt):
    from ..families.single import cutoff_table

    tab = run(lambda: cutoff_table(n, p0s, p1))
    rows_d = tab.rows()
    headers = list(rows_d[0].keys())
    rows = [list(r.values()) for r in rows_d]

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        return [Items([f"Every decision rule for a single-stage trial of {tab.n} patients", texts.CONVENTION_1]),
                T.cutoffs_table(tab)]

    emit(fmt, tab.to_dict(), headers, rows, document)

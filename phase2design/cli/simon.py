"""``phase2design simon``: Simon two-stage designs (minimax, admissible, optimal), or every feasible one."""

import click

from .._validation import is_count
from ._common import Progress, check_plot_path, design_inputs_options, emit, fail_bad, format_option, run, use_agg

_SIMON_HEADERS = ["kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1",
                  "q_low", "q_high"]


@click.command()
@design_inputs_options
@click.option("--nmax", type=int, default=None,
              help="Largest total n to consider (default: search until the optimal design is proven; max 5000).")
@click.option("--all", "show_all", is_flag=True, help="Also list the minimum-EN0 design for every n searched.")
@click.option("--feasible", is_flag=True,
              help="List every feasible design with n in --n-range (and n1 in --n1-range) instead.")
@click.option("--n-range", default=None, help="With --feasible: total sample sizes LOW:HIGH (inclusive).")
@click.option("--n1-range", default=None, help="With --feasible: stage-1 sizes LOW:HIGH (inclusive).")
@click.option("--quiet", is_flag=True, help="No progress note on stderr.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the design space (EN0 against n, admissible designs and q ranges) to FILE "
                   "(.png, .svg or .pdf).")
@click.option("--plot-oc", "plot_oc_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the OC curves of the optimal, minimax, q = 0.5 admissible and single-stage designs "
                   "to FILE.")
@format_option
def simon(p0, p1, alpha, beta, nmax, show_all, feasible, n_range, n1_range, quiet, plot_path, plot_oc_path, fmt):
    """Simon two-stage designs: minimax, admissible and optimal.

    Example: phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --plot space.png
    """
    from ..families.simon import simon_design

    if feasible and (plot_path is not None or plot_oc_path is not None):
        fail_bad("--plot and --plot-oc draw the result of the design search; drop them or drop --feasible")
    for path in (plot_path, plot_oc_path):
        if path is not None:
            check_plot_path(path)
    if feasible:
        return _feasible(p0, p1, alpha, beta, n_range, n1_range, fmt)
    if n_range is not None or n1_range is not None:
        fail_bad("--n-range and --n1-range go with --feasible")

    prog = Progress("searching", not quiet)
    try:
        res = run(lambda: simon_design(p0, p1, alpha, beta, nmax=nmax, progress=prog))
    finally:
        prog.done()
    if res.near_ties:
        click.echo(res.tie_note(), err=True)
    designs = res.admissible
    if show_all:
        # the admissible designs carry their kind and q range; the other best-by-n designs have neither
        marks = {(d.r1, d.n1, d.r, d.n): d for d in res.admissible}
        designs = [marks.get((d.r1, d.n1, d.r, d.n), d) for d in res.best_by_n]
    rows = [[d.kind or "", d.r1, d.n1, d.r, d.n, d.en0, d.pet0, d.attained_alpha, d.power, d.en1, d.pet1,
             d.q_low, d.q_high] for d in designs]

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        title = f"Simon two-stage designs for {texts.design_inputs(res.p0, res.p1, res.alpha, res.beta)}"
        return [Items([title, texts.CONVENTION_2]), T.simon_design_table(designs),
                Items(texts.simon_notes(res, "q*n + (1-q)*EN0"))]

    emit(fmt, res.to_dict(), _SIMON_HEADERS, rows, document)
    if plot_path is not None or plot_oc_path is not None:
        _simon_plots(res, nmax, plot_path, plot_oc_path)


def _simon_plots(res, nmax, plot_path, plot_oc_path):
    use_agg()
    from ..plots import default_oc_grid, oc_comparison_designs, plot_design_space, plot_oc

    if plot_path is not None:
        run(lambda: plot_design_space(res, plot_path))
        click.echo(f"wrote {plot_path}", err=True)
    if plot_oc_path is not None:
        from ..engine.oc import NoFeasibleDesignError
        from ..families.single import single_stage_design

        try:
            single = single_stage_design(res.p0, res.p1, res.alpha, res.beta, nmax=nmax).design
        except NoFeasibleDesignError:
            single = None
        designs, labels = oc_comparison_designs(res, single)
        run(lambda: plot_oc(designs, default_oc_grid(res.p0, res.p1), p0=res.p0, p1=res.p1, labels=labels,
                            path=plot_oc_path))
        click.echo(f"wrote {plot_oc_path}", err=True)


def _int_range(name, text):
    parts = text.split(":")
    if len(parts) != 2 or not all(is_count(p.strip()) for p in parts):
        fail_bad(f"{name} must be LOW:HIGH with whole numbers, got {text!r}")
    return int(parts[0]), int(parts[1])


def _feasible(p0, p1, alpha, beta, n_range, n1_range, fmt):
    from ..families.simon import simon_feasible_designs

    if n_range is None:
        fail_bad("--feasible needs --n-range LOW:HIGH (the total sample sizes to list)")
    nr = _int_range("--n-range", n_range)
    n1r = None if n1_range is None else _int_range("--n1-range", n1_range)
    df = run(lambda: simon_feasible_designs(p0, p1, alpha, beta, n_range=nr, n1_range=n1r))
    records = df.to_dict(orient="records")
    headers = list(df.columns)
    rows = [[rec[c] for c in headers] for rec in records]

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        title = (f"Every feasible Simon design with n in {nr[0]}..{nr[1]}"
                 + ("" if n1r is None else f" and n1 in {n1r[0]}..{n1r[1]}")
                 + f" for {texts.design_inputs(p0, p1, alpha, beta)}")
        head = Items([title, texts.CONVENTION_2,
                      "For each (n, n1, r1) the smallest r meeting alpha is listed (it has the most power)."])
        count = f"{len(rows)} designs"
        if not rows:
            return [head, Items(["none", count])]
        return [head, T.feasible_table(records, note=count)]

    emit(fmt, records, headers, rows, document)

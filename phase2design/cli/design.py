"""``phase2design design``: multi-stage designs beyond Simon's (three stages, efficacy stopping), exactly."""

import click

from ._common import Progress, check_plot_path, design_inputs_options, emit, fail_bad, format_option, run, use_agg

_HEADERS = ["kind", "design", "stages", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1", "q_low",
            "q_high"]


def family_for(stages, efficacy, ensign):
    """The registry name of the family the options ask for; exit 2 for a layout that does not exist."""
    if ensign and (stages != 3 or efficacy):
        fail_bad("--ensign is a three-stage design without efficacy stopping (Ensign et al. 1994): use it with "
                 "--stages 3 and without --efficacy")
    if stages == 3:
        if efficacy:
            fail_bad("three-stage designs with efficacy bounds are not searched yet: use --stages 2 --efficacy "
                     "(Mander & Thompson 2010) or --stages 3 without --efficacy")
        return "ensign" if ensign else "three-stage"
    return "efficacy" if efficacy else "simon"


@click.command()
@design_inputs_options
@click.option("--stages", type=click.IntRange(2, 3), default=3, show_default=True,
              help="Number of stages: 3 (futility looks after stages 1 and 2), or 2 with --efficacy.")
@click.option("--efficacy", is_flag=True,
              help="Also stop after stage 1 for efficacy (two stages, Mander & Thompson 2010).")
@click.option("--ensign", is_flag=True,
              help="Three stages whose first stage (at least 5 patients) stops only if none responds "
                   "(Ensign et al. 1994).")
@click.option("--nmax", type=int, default=None,
              help="Largest total n to consider (default: search until the optimal design is proven).")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the minimum-EN0 design for every n that improves on all smaller n.")
@click.option("--quiet", is_flag=True, help="No progress note on stderr.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the design space (EN0 against n, admissible designs and q ranges) to FILE "
                   "(.png, .svg or .pdf).")
@click.option("--plot-oc", "plot_oc_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the OC curves of the optimal, minimax and q = 0.5 admissible designs to FILE.")
@format_option
def design(p0, p1, alpha, beta, stages, efficacy, ensign, nmax, show_all, quiet, plot_path, plot_oc_path, fmt):
    """Optimal, minimax and admissible multi-stage designs, by exact exhaustive search.

    Three stages (Chen 1997): r1/N1, r2/N2, r/N with cumulative sizes stops after stage j if at most r_j
    have responded and declares the drug promising if more than r of all N respond.  Two stages with
    --efficacy (Mander & Thompson 2010): r1:e1/n1, r/n also stops after stage 1, promising, if more
    than e1 respond.  Two stages without --efficacy are Simon's designs (see the simon command).

    Example: phase2design design --stages 3 --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2
    """
    from ..families.base import get_family

    for path in (plot_path, plot_oc_path):
        if path is not None:
            check_plot_path(path)
    name = family_for(stages, efficacy, ensign)
    family = get_family(name)
    prog = Progress("searching", not quiet)
    try:
        res = run(lambda: family.search(p0, p1, alpha, beta, nmax=nmax, progress=prog))
    finally:
        prog.done()
    if res.near_ties:
        click.echo(res.tie_note(), err=True)
    if not hasattr(res, "family"):
        # two stages without efficacy stopping: Simon's search; show it in the same table
        from ..results import MultiStageDesign

        res = _as_multistage(res, MultiStageDesign)
    designs = list(res.designs()) + [d for d in res.admissible if d.kind == "admissible"]
    if show_all:
        marks = {d.design: d for d in designs}
        designs = list(designs) + [d for d in res.best_by_n if d.design not in marks]
        designs.sort(key=lambda d: d.n)
    rows = [[d.kind or "", d.label(), d.stages, d.n, d.en0, d.pet0, d.attained_alpha, d.power, d.en1, d.pet1,
             d.q_low, d.q_high] for d in designs]

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items

        title = f"{family.title} designs for {texts.design_inputs(res.p0, res.p1, res.alpha, res.beta)}"
        return [Items([title, texts.CONVENTION_J]), T.multistage_design_table(designs),
                Items(texts.multistage_notes(res, "q*n + (1-q)*EN0"))]

    emit(fmt, res.to_dict(), _HEADERS, rows, document)
    if plot_path is not None or plot_oc_path is not None:
        _plots(res, plot_path, plot_oc_path)


def _as_multistage(res, cls):
    """A SimonResult as a MultiStageResult (same designs, OC from the engine)."""
    from dataclasses import replace

    from ..results import MultiStageResult

    def conv(d):
        m = cls.evaluate(d.design, res.p0, res.p1, alpha=res.alpha, beta=res.beta, kind=d.kind, family="simon")
        return replace(m, q_low=d.q_low, q_high=d.q_high)

    adm = tuple(conv(d) for d in res.admissible)
    by = {d.design: d for d in adm}
    return MultiStageResult(family="simon", p0=res.p0, p1=res.p1, alpha=res.alpha, beta=res.beta, nmax=res.nmax,
                            n_searched=res.n_searched, stop_reason=res.stop_reason,
                            optimal=by.get(res.optimal.design) or conv(res.optimal),
                            minimax=by.get(res.minimax.design) or conv(res.minimax), admissible=adm,
                            best_by_n=tuple(by.get(d.design) or conv(d) for d in res.best_by_n),
                            near_ties=res.near_ties)


def _plots(res, plot_path, plot_oc_path):
    use_agg()
    from ..plots import default_oc_grid, oc_comparison_designs, plot_design_space, plot_oc

    if plot_path is not None:
        run(lambda: plot_design_space(res, plot_path))
        click.echo(f"wrote {plot_path}", err=True)
    if plot_oc_path is not None:
        designs, labels = oc_comparison_designs(res)
        run(lambda: plot_oc(designs, default_oc_grid(res.p0, res.p1), p0=res.p0, p1=res.p1, labels=labels,
                            path=plot_oc_path))
        click.echo(f"wrote {plot_oc_path}", err=True)

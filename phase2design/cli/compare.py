"""``phase2design compare``: designs of any family side by side at p0 and p1."""

import click

from ._common import emit, fail_bad, format_option, run


def comparison_document(cmp):
    """The blocks of a comparison (shared with ``oc --compare``)."""
    from ..present import tables as T
    from ..present.blocks import Items

    return [Items([f"Designs compared at p0 = {cmp.p0:.10g} and p1 = {cmp.p1:.10g}",
                   "Convention: after stage j, stop (not promising) if S_j <= a_j; stop and declare the drug "
                   "promising if S_j > b_j (written a:b/N); at the end, promising if S_J > r. Simon's r1/n1, r/n "
                   "and the single-stage r/n are the same notation."]),
            T.comparison_table(cmp),
            Items(["n: largest sample size; EN0/EN1: expected number of patients at p0/p1; PET0/PET1: probability "
                   "of stopping before the last stage (futility or efficacy) at p0/p1; alpha = P(promising | p0) "
                   "and power = P(promising | p1); all exact."])]


def emit_comparison(cmp, fmt):
    rows = cmp.rows()
    headers = list(rows[0].keys())
    emit(fmt, cmp.to_dict(), headers, [list(r.values()) for r in rows], lambda: comparison_document(cmp))


@click.command()
@click.argument("designs", nargs=-1, metavar="DESIGN...")
@click.option("--design-file", "design_files", multiple=True, metavar="FILE",
              help="Add every design of a design file (all named designs of a search result, e.g. optimal and "
                   "minimax; repeatable), after the DESIGN arguments; its p0 and p1 are used unless given.")
@click.option("--p0", type=float, default=None, help="Response rate of H0 (alpha, EN0 and PET0 are taken here).")
@click.option("--p1", type=float, default=None, help="Response rate of H1 (power, EN1 and PET1 are taken here).")
@click.option("--alpha", type=float, default=None, help="Also check attained alpha <= ALPHA.")
@click.option("--beta", type=float, default=None, help="Also check power >= 1 - BETA.")
@format_option
def compare(designs, design_files, p0, p1, alpha, beta, fmt):
    """Designs of any family side by side: n, EN and PET at p0 and p1, attained alpha, power and the rule.

    Each DESIGN in the notation of oc --design, cumulative sizes: '5/25' (single stage), '1/10,5/29'
    (Simon), '0/6,2/17,5/29' (three stages), '3:6/16,11/41' (efficacy stop after stage 1 if more than 6
    respond), or JSON as --format json writes it.

    Example: phase2design compare 1/10,5/29 1/15,5/25 5/25 3:6/16,11/41 --p0 0.1 --p1 0.3
    """
    from ..comparison import compare_designs
    from ..designfile import read_design_files

    items = list(designs)
    for path in design_files:
        for f in run(lambda path=path: read_design_files(path)):
            # the file's own p0/p1 fill in what the command line left out
            p0 = f.p0 if p0 is None else p0
            p1 = f.p1 if p1 is None else p1
            items.append(_Named(f.design, f.kind, f.family))
    if not items:
        fail_bad("give the designs to compare, e.g. compare 1/10,5/29 5/25 --p0 0.1 --p1 0.3 (or --design-file FILE)")
    if p0 is None or p1 is None:
        fail_bad("give --p0 and --p1 (the rates at which the designs are compared), or a --design-file that "
                 "records them")
    emit_comparison(run(lambda: compare_designs(items, p0, p1, alpha=alpha, beta=beta)), fmt)


class _Named:
    """A design read from a file with the kind and family the file gives it (what compare_designs keeps)."""

    def __init__(self, design, kind, family):
        self.design, self.kind, self.family = design, kind, family

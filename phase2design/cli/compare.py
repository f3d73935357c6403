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
@click.option("--p0", type=float, required=True, help="Response rate of H0 (alpha, EN0 and PET0 are taken here).")
@click.option("--p1", type=float, required=True, help="Response rate of H1 (power, EN1 and PET1 are taken here).")
@click.option("--alpha", type=float, default=None, help="Also check attained alpha <= ALPHA.")
@click.option("--beta", type=float, default=None, help="Also check power >= 1 - BETA.")
@format_option
def compare(designs, p0, p1, alpha, beta, fmt):
    """Designs of any family side by side: n, EN and PET at p0 and p1, attained alpha, power and the rule.

    Each DESIGN in the notation of oc --design, cumulative sizes: '5/25' (single stage), '1/10,5/29'
    (Simon), '0/6,2/17,5/29' (three stages), '3:6/16,11/41' (efficacy stop after stage 1 if more than 6
    respond), or JSON as --format json writes it.

    Example: phase2design compare 1/10,5/29 1/15,5/25 5/25 3:6/16,11/41 --p0 0.1 --p1 0.3
    """
    from ..comparison import compare_designs

    if not designs:
        fail_bad("give the designs to compare, e.g. compare 1/10,5/29 5/25 --p0 0.1 --p1 0.3")
    emit_comparison(run(lambda: compare_designs(designs, p0, p1, alpha=alpha, beta=beta)), fmt)

"""``phase2design analyze``: exact inference after a Simon two-stage trial."""

import click

from ._common import emit, fail_bad, flat, format_option, run


@click.command()
@click.option("--design", required=True, help="Simon design 'r1/n1,r/n' the trial followed.")
@click.option("--x1", type=int, required=True, help="Responses in stage 1.")
@click.option("--x2", type=int, default=None, help="Responses in stage 2 (omit if the trial stopped).")
@click.option("--n2", type=int, default=None, help="Stage-2 patients actually evaluated, if not as planned.")
@click.option("--p0", type=float, default=None, help="Null response rate for the p-value.")
@click.option("--confidence", type=float, default=0.95, show_default=True, help="Two-sided confidence level.")
@format_option
def analyze(design, x1, x2, n2, p0, confidence, fmt):
    """Exact inference after a Simon two-stage trial (stage-wise ordering).

    Example: phase2design analyze --design 1/10,5/29 --x1 2 --x2 4 --p0 0.1
    """
    from .._validation import parse_design
    from ..twostage_inference import analyze_two_stage

    kind, values = run(lambda: parse_design(design))
    if kind != "two":
        fail_bad(f"design must be a two-stage 'r1/n1,r/n' for analyze, got {design!r}; "
                 f"use 'evaluate x/n --design r/n' for a single-stage trial")
    res = run(lambda: analyze_two_stage(values, x1, x2, n2=n2, p0=p0, confidence_level=confidence))
    d = res.to_dict()
    row = flat(d)

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items, Paragraph

        blocks = [Items([f"Analysis of Simon design {res.label()} with {texts.stage_data(res)}", texts.CONVENTION_2,
                         f"Decision: {res.decision}"]),
                  Paragraph(texts.ordering_sentence(res)), T.estimates_table(res)]
        if res.adjustment != "none":
            blocks.append(Paragraph(
                f"Stage 2 enrolled {res.n2} instead of {res.n2_planned}: cut-off adjusted by {res.adjustment} "
                f"(conditional type I error {res.conditional_error_actual:.4f} <= planned "
                f"{res.conditional_error_planned:.4f})."))
        return blocks

    emit(fmt, d, list(row.keys()), [list(row.values())], document)

"""``phase2design analyze``: the design's decision and exact inference after a multi-stage trial."""

import click

from .._validation import is_count
from ._common import emit, fail_bad, flat, format_option, run


@click.command()
@click.option("--design", default=None,
              help="Design the trial followed: Simon 'r1/n1,r/n', or any multi-stage design such as "
                   "'0/6,2/17,5/29' or '3:6/16,11/41' (cumulative sizes; see oc --design).")
@click.option("--design-file", default=None, metavar="FILE",
              help="Instead of --design: the JSON a design search (simon ... --format json) or report -o FILE.json "
                   "wrote; its p0 and alpha are used unless given.")
@click.option("--kind", default=None,
              help="With --design-file holding a search result: which design (optimal (default), minimax, ...).")
@click.option("--x1", type=int, default=None, help="Responses in stage 1 (two-stage designs).")
@click.option("--x2", type=int, default=None, help="Responses in stage 2 (omit if the trial stopped).")
@click.option("--n1", type=int, default=None,
              help="Stage-1 patients actually evaluated, if not as planned: the rule is re-derived for them "
                   "(same total n, type I error at most alpha; needs --p0).")
@click.option("--n2", type=int, default=None, help="Stage-2 patients actually evaluated, if not as planned.")
@click.option("--responses", default=None, metavar="X1,X2,...",
              help="Responses in each stage run, not cumulative, e.g. 1,2,4 (any design; instead of --x1/--x2).")
@click.option("--p0", type=float, default=None, help="Null response rate for the p-value.")
@click.option("--alpha", type=float, default=None,
              help="The design's one-sided type I error: the exact test at this level, and the default interval "
                   "[default: the design file's alpha, else 0.05].")
@click.option("--confidence", type=float, default=None,
              help="Two-sided level of the intervals [default: 1 - 2 alpha, the interval that matches the "
                   "one-sided alpha test].")
@format_option
def analyze(design, design_file, kind, x1, x2, n1, n2, responses, p0, alpha, confidence, fmt):
    """Exact inference after a multi-stage trial (stage-wise ordering).

    Prints the design rule's decision, the exact stage-wise test of H0 at
    alpha (with --p0), and the exact 1 - 2 alpha two-sided interval, whose
    lower limit is the one-sided 1 - alpha bound that matches the test.

    Examples: phase2design analyze --design 1/10,5/29 --x1 2 --x2 4 --p0 0.1;
    phase2design analyze --design 0/6,2/17,5/29 --responses 1,2,4 --p0 0.1;
    phase2design analyze --design-file design.json --x1 2 --x2 4
    """
    from ..engine.design import Design
    from ..twostage_inference import analyze_two_stage

    if design_file is not None:
        if design is not None:
            fail_bad("give the design either as --design or as --design-file, not both")
        from ..designfile import read_design_file

        planned = run(lambda: read_design_file(design_file, kind=kind))
        if planned.note:
            click.echo(f"note: {planned.note}", err=True)
        d = planned.design
        p0 = planned.p0 if p0 is None else p0
        alpha = planned.alpha if alpha is None else alpha
    elif design is None:
        fail_bad("give the design the trial followed: --design such as '1/10,5/29', or --design-file FILE "
                 "(as simon ... --format json writes it)")
    else:
        if kind is not None:
            fail_bad("--kind chooses a design in a --design-file; drop it with --design")
        d = run(lambda: Design.parse(design))
    alpha = 0.05 if alpha is None else alpha
    design = d.label()
    if d.is_single:
        fail_bad(f"design must be a two-stage 'r1/n1,r/n' (or have more stages) for analyze, got {design!r}; "
                 f"use 'evaluate x/n --design r/n' for a single-stage trial")
    counts = None
    if responses is not None:
        if x1 is not None or x2 is not None:
            fail_bad("give the data either as --responses or as --x1/--x2, not both")
        bits = [b.strip() for b in responses.split(",")]
        if not all(is_count(b) for b in bits):
            fail_bad(f"--responses must be whole numbers separated by commas, one per stage run (e.g. 1,2,4), "
                     f"got {responses!r}")
        counts = [int(b) for b in bits]
    elif x1 is None:
        fail_bad("give the data: --x1 (and --x2 if the trial went on) for a two-stage design, or --responses "
                 "X1,X2,... with the responses of each stage run")
    if not d.is_simon:
        if counts is None:
            what = "an efficacy stop" if d.has_efficacy else f"{d.stages} stages"
            fail_bad(f"design {d.label()!r} has {what}: give its data as --responses X1,X2,... (responses in "
                     f"each stage run); --x1/--x2 are for Simon designs")
        if n2 is not None or n1 is not None:
            fail_bad("--n1 and --n2 (a stage of another size) apply to two-stage designs only")
        return _analyze_multistage(d, counts, p0, alpha, confidence, fmt)
    values = d.as_simon()
    if counts is not None:
        if len(counts) > 2:
            fail_bad(f"--responses must give at most 2 stages for design {d.label()!r}, got {len(counts)}")
        x1, x2 = counts[0], (counts[1] if len(counts) == 2 else None)
    r1 = values[0]
    if x2 is None and isinstance(x1, int) and r1 < x1 <= values[1]:
        how = "--responses X1,X2" if counts is not None else "--x2"
        fail_bad(f"the stage-2 responses are missing: the trial continued to stage 2 (x1={x1} > r1={r1}); "
                 f"give them with {how}, e.g. {'--responses ' + str(x1) + ',4' if counts is not None else '--x2 4'}")
    res = run(lambda: analyze_two_stage(values, x1, x2, n2=n2, p0=p0, confidence_level=confidence, alpha=alpha,
                                        n1=n1))
    d = res.to_dict()
    row = flat(d)

    def document():
        from ..present import render as R
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items, Paragraph

        blocks = [Items([f"Analysis of Simon design {res.label()} with {texts.stage_data(res)}", texts.CONVENTION_2]
                        + texts.analysis_verdicts(res))]
        if res.stage1_redesign is not None:
            blocks.append(Paragraph(res.stage1_redesign["sentence"]))
        blocks += [Paragraph(texts.ordering_sentence(res)), T.estimates_table(res)]
        note = texts.interval_note(res)
        if note:
            blocks.append(Paragraph(note))
        if res.adjustment != "none":
            blocks.append(Paragraph(
                f"Stage 2 enrolled {res.n2} instead of {res.n2_planned}: cut-off adjusted by the conditional error "
                f"principle (conditional type I error {R.fmt(res.conditional_error_actual, 4)} <= planned "
                f"{R.fmt(res.conditional_error_planned, 4)})."))
        return blocks

    emit(fmt, d, list(row.keys()), [list(row.values())], document)


def _analyze_multistage(design, counts, p0, alpha, confidence, fmt):
    from ..analysis import analyze_design

    res = run(lambda: analyze_design(design, counts, p0=p0, confidence_level=confidence, alpha=alpha))
    d = res.to_dict()
    row = flat(d)

    def document():
        from ..present import tables as T
        from ..present import texts
        from ..present.blocks import Items, Paragraph

        data = ", ".join(f"stage {j + 1}: {x} of {m}" for j, (x, m) in
                         enumerate(zip(res.responses, design.stage_sizes)))
        return [Items([f"Analysis of {design.family} design {design.label()} with {data}",
                       "Convention: after stage j, stop (not promising) if S_j <= a_j; stop and declare the drug "
                       "promising if S_j > b_j (written a:b/N); at the end, promising if S_J > r.",
                       ] + texts.analysis_verdicts(res)),
                Paragraph(texts.ordering_sentence(res)), T.estimates_table(res, design.family)] + (
                    [Paragraph(texts.interval_note(res))] if texts.interval_note(res) else [])

    emit(fmt, d, list(row.keys()), [list(row.values())], document)


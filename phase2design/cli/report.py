"""The ``phase2design report`` command: one self-contained HTML or Markdown file for a protocol.

The library work is done by :func:`phase2design.report.make_report`.
"""

import click

from .._validation import is_count
from ._common import Progress, design_inputs_options, fail_bad, parse_observed, run, use_agg


@click.command()
@design_inputs_options
@click.option("--design", default="optimal", show_default=True,
              help="optimal, minimax, single (A'Hern), or a given design 'r1/n1,r/n' or 'r/n'.")
@click.option("--observed", default=None,
              help="Observed total x/n (n = the design's n, or n1): adds the evaluate analysis.")
@click.option("--observed-stages", default=None,
              help="Two-stage data 'x1,x2' (or 'x1' after an early stop): adds the stage-wise analysis.")
@click.option("--criterion", "--threshold", "threshold", type=float, default=None,
              help="A success criterion you set for --observed: met if x/n >= it (none by default; p1 is not one).")
@click.option("--confidence", type=float, default=None,
              help="Two-sided level of the stage-wise interval (--observed-stages) [default: 1 - 2 alpha].")
@click.option("--nmax", type=int, default=None, help="Largest total n to search (default: until proven).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (.html or .md, figures embedded). Without it: Markdown on stdout, no figures.")
@click.option("--no-figures", is_flag=True, help="Leave the figures out (faster).")
def report(p0, p1, alpha, beta, design, observed, observed_stages, threshold, confidence, nmax, output,
           no_figures):
    """A protocol-ready report: inputs, chosen design, protocol paragraph, candidates, OC, figures.

    The file is self-contained (figures are base64 PNG data URIs; no external
    file, stylesheet, script or network access).

    Example: phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 -o report.html
    """
    from .._files import check_output_path, write_text_atomic
    from ..report import make_report, report_format

    if output == "-":
        output = None  # "-o -": standard output, as without -o
    fmt = "md" if output is None else run(lambda: report_format(output))
    if output is not None:
        try:  # a folder, a device or a missing folder fails before the search
            check_output_path(output)
        except (ValueError, OSError) as exc:
            fail_bad(f"cannot write report file {output!r}: {str(exc).split(': ', 1)[-1]}")
    if observed is not None and observed_stages is not None:
        fail_bad("give --observed (a total x/n) or --observed-stages (x1,x2), not both")
    obs = None if observed is None else parse_observed(observed)
    stages = None
    if observed_stages is not None:
        parts = observed_stages.replace(" ", "").split(",")
        if len(parts) not in (1, 2) or not all(is_count(p) for p in parts):
            fail_bad(f"--observed-stages must look like 'x1,x2' (or 'x1' after an early stop) with whole "
                      f"numbers, got {observed_stages!r}")
        stages = tuple(int(p) for p in parts)
    figures = output is not None and not no_figures
    if figures:
        use_agg()
    note = Progress("searching designs", True)
    try:
        text = run(lambda: make_report(p0, p1, alpha, beta, design, observed=obs, observed_stages=stages,
                                        threshold=threshold, confidence_level=confidence, nmax=nmax, fmt=fmt,
                                        figures=figures, progress=note))
    finally:
        note.done()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        # a temporary file beside the target, renamed over it only when complete (phase2design._files)
        write_text_atomic(output, text)
    except OSError as exc:
        fail_bad(f"cannot write report file {output!r}: {exc.strerror}")
    click.echo(f"wrote {output}", err=True)

"""The ``phase2design report`` command: one self-contained HTML or Markdown file for a protocol.

The library work is done by :func:`phase2design.report.make_report`.
"""

import click

from .._validation import is_count
from ._common import Progress, design_inputs_options, fail_bad, parse_observed, parse_x_of_n, run, use_agg


@click.command()
@design_inputs_options(required=False)
@click.option("--design", default=None,
              help="optimal (default), minimax, single (A'Hern), or a given design 'r1/n1,r/n', 'r/n' or any "
                   "multi-stage design such as '0/6,2/17,5/29' (cumulative sizes).")
@click.option("--family", default=None, metavar="NAME",
              help="three-stage, ensign, efficacy, ...: --design optimal/minimax then means that family's design, "
                   "and its candidates join the single-stage and Simon ones.")
@click.option("--design-file", default=None, metavar="FILE",
              help="Instead of --design and the inputs: the JSON of simon ... --format json or report -o FILE.json "
                   "(its p0, p1, alpha and beta are used unless given).")
@click.option("--kind", default=None,
              help="With --design-file holding a search result: which design (optimal (default), minimax, ...).")
@click.option("--pilot", default=None, metavar="X/N",
              help="Earlier data behind p1 (e.g. 3/9): adds the pilot's posterior, the p1 values plan would offer "
                   "and the design's assurance to the statistical considerations.")
@click.option("--accrual", type=click.Choice(["pause", "continue"]), default=None,
              help="Whether accrual pauses at the interim (default: a placeholder in the protocol text).")
@click.option("--observed", default=None,
              help="Observed total x/n (n = the design's n, or n1): adds the evaluate analysis.")
@click.option("--observed-stages", default=None,
              help="Responses per stage 'x1,x2' (or 'x1' after an early stop; 'x1,x2,x3' for three stages): "
                   "adds the stage-wise analysis.")
@click.option("--criterion", "--threshold", "threshold", type=float, default=None,
              help="A success criterion you set for --observed: met if x/n >= it (none by default; p1 is not one).")
@click.option("--confidence", type=float, default=None,
              help="Two-sided level of the stage-wise interval (--observed-stages) [default: 1 - 2 alpha].")
@click.option("--nmax", type=int, default=None, help="Largest total n to search (default: until proven).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE: .html or .md (figures embedded), .docx (Word; needs python-docx), .tex (LaTeX; "
                   "figures as PNG files beside it) or .json (the design file, for analyze/report "
                   "--design-file). Without it: Markdown on stdout, no figures.")
@click.option("--no-figures", is_flag=True, help="Leave the figures out (faster).")
def report(p0, p1, alpha, beta, design, family, design_file, kind, pilot, accrual, observed, observed_stages,
           threshold, confidence, nmax, output, no_figures):
    """A protocol-ready report: inputs, chosen design, statistical considerations, candidates, OC, figures.

    The HTML and Markdown files are self-contained (figures are base64 PNG data
    URIs; no external file, stylesheet, script or network access); .docx and
    .tex hold the same text and tables.

    Examples: phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 -o protocol.docx;
    phase2design report --design-file design.json --pilot 3/9 -o protocol.tex
    """
    from .._files import check_output_path
    from ..report import make_report, report_format, write_report

    if output == "-":
        output = None  # "-o -": standard output, as without -o
    fmt = "md" if output is None else run(lambda: report_format(output))
    if fmt == "docx":  # before the search: a missing optional dependency is bad input, said at once
        from ..present.docx import DOCX_MISSING

        try:
            import docx  # noqa: F401
        except ImportError:
            fail_bad(DOCX_MISSING)
    if design_file is not None:
        if design is not None:
            fail_bad("give the design either as --design or as --design-file, not both")
        from ..designfile import read_design_file

        planned = run(lambda: read_design_file(design_file, kind=kind))
        if planned.note:
            click.echo(f"note: {planned.note}", err=True)
        given = {"p0": p0, "p1": p1, "alpha": alpha, "beta": beta}
        for name, value in given.items():
            if value is None:
                given[name] = getattr(planned, name)
            if given[name] is None:
                fail_bad(f"design file {design_file!r} records no {name}: give --{name}")
        p0, p1, alpha, beta = given["p0"], given["p1"], given["alpha"], given["beta"]
        design = planned.design
        if family is None and planned.family not in ("", "simon", "single"):
            family = planned.family  # the report names the design as its family's search did
    else:
        if kind is not None:
            fail_bad("--kind chooses a design in a --design-file; drop it, or give --design-file")
        for name, value in (("--p0", p0), ("--p1", p1), ("--alpha", alpha)):
            if value is None:
                fail_bad(f"give {name} (or --design-file FILE, whose inputs are used)")
        if beta is None:
            fail_bad("give --beta (largest type II error, e.g. 0.2) or --power (smallest power, e.g. 0.8), or "
                     "--design-file FILE")
        design = "optimal" if design is None else design
    if family is not None:
        from ..families.base import get_family

        run(lambda: get_family(family.strip()))
        family = family.strip()
    if pilot is not None:
        parse_x_of_n("--pilot", pilot)
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
        if not all(is_count(p) for p in parts):
            fail_bad(f"--observed-stages must look like 'x1,x2' (or 'x1' after an early stop; one count per "
                     f"stage run) with whole numbers, got {observed_stages!r}")
        stages = tuple(int(p) for p in parts)
    if fmt == "json" and (obs is not None or stages is not None or pilot is not None):
        fail_bad("-o FILE.json writes the design file (the design and its inputs); --observed, --observed-stages "
                 "and --pilot belong in the .html, .md, .docx or .tex report")
    figures = output is not None and not no_figures and fmt != "json"
    if figures:
        use_agg()
    note = Progress("searching designs", True)
    options = dict(observed=obs, observed_stages=stages, threshold=threshold, confidence_level=confidence,
                   nmax=nmax, figures=figures, progress=note, pilot=pilot, accrual=accrual, family=family)
    try:
        if output is None:
            text = run(lambda: make_report(p0, p1, alpha, beta, design, fmt=fmt, **options))
        elif fmt == "json":
            written = run(lambda: write_report(output, p0, p1, alpha, beta, design, nmax=nmax, progress=note,
                                               family=family))
        else:
            # every file is written to a temporary file beside the target and renamed over it only when
            # complete (phase2design._files)
            written = run(lambda: write_report(output, p0, p1, alpha, beta, design, **options))
    except OSError as exc:
        fail_bad(f"cannot write report file {output!r}: {exc.strerror}")
    finally:
        note.done()
    if output is None:
        click.echo(text, nl=False)
        return
    for path in written:
        click.echo(f"wrote {path}", err=True)

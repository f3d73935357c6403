"""The ``phase2design`` command line.

Data go to stdout, messages to stderr.  Exit codes: 0 success, 1 no feasible
design (the message says what to change), 2 bad input, 130 interrupted.

One module per command (each a plain ``click.command`` that imports only
:mod:`._common` and the library, the library inside its body so start-up
stays fast); this module builds the group from them and holds :func:`main`.
"""

import sys

import click

from .. import __version__
from ._common import shorten as _shorten
from ._common import usage_hint
from . import analyze, bayes, compare, design, evaluate, grid, oc, plan, predictive, report, serve, simon, single


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="phase2design")
def cli():
    """Exact design and analysis of single-arm phase II trials (binary endpoint).

    Conventions (Simon 1989): a two-stage design r1/n1, r/n stops after n1
    patients if X1 <= r1 and declares the drug promising (rejects H0) if
    X1 + X2 > r; a single-stage design r/n rejects H0 if X > r.

    Exit codes: 0 success, 1 no feasible design, 2 bad input.
    """


for _command in (simon.simon, single.single, design.design, oc.oc, evaluate.evaluate, analyze.analyze, report.report,
                 plan.plan, grid.grid, compare.compare, predictive.predictive, bayes.bayes, serve.serve):
    cli.add_command(_command)
del _command


def main(argv=None):
    """Entry point: one-line errors, exit 2 for usage errors, 130 on Ctrl-C."""
    from .. import _interrupt

    _interrupt.install()
    try:
        rv = cli.main(args=argv, prog_name="phase2design", standalone_mode=False)
    except click.ClickException as e:
        if type(e).__name__.startswith("NoArgsIsHelp"):
            click.echo(e.format_message())
            sys.exit(2)
        hint = usage_hint(e, sys.argv[1:] if argv is None else argv)
        click.echo(f"Error: {_shorten(e.format_message())}{hint}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as e:
        # a file the user named could not be written or read (unwritable folder, /proc, full disk)
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        click.echo(f"Error: cannot use file{where}: {e.strerror or e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


__all__ = ["cli", "main"]

"""The console script's entry point: the Ctrl-C handler first, then the command line.

Importing click and the command modules takes a noticeable fraction of a second on a busy machine; a
Ctrl-C in that window must also end in one line and exit status 130, so the handler (which needs only
:mod:`signal`) is installed before anything else is imported.
"""

from . import _interrupt


def main(argv=None):
    _interrupt.install()
    from .cli import main as cli_main

    return cli_main(argv)

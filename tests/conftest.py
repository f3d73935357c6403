import csv
import os
from pathlib import Path

from hypothesis import settings

# CI runs the same examples every time (a failure there is reproducible); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DATA = Path(__file__).parent / "data"


def read_reference(name):
    """Rows of a reference CSV in tests/data (lines starting with '#' hold its sources)."""
    with open(DATA / name, newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def half_unit(printed):
    """Half a unit of the last printed digit of a number given as text, e.g. '15.0' -> 0.05."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return 0.5 * 10.0 ** (-decimals) + 1e-12


def run_main(args, capsys):
    """Run the CLI entry point in-process; return (exit code, stdout, stderr)."""
    import pytest

    from phase2design.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return (info.value.code or 0), out, err

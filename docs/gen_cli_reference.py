"""Write docs/cli.md from the CLI's own --help texts.

Run:  python docs/gen_cli_reference.py
tests/test_docs.py fails when docs/cli.md is out of date.
"""

import os
import sys

from click.testing import CliRunner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design.cli import cli  # noqa: E402

HEADER = """# CLI reference

Generated from `--help` by `python docs/gen_cli_reference.py`; do not edit by hand.

Conventions: a single-stage design `r/n` declares the drug promising (rejects H0) if more than `r` of `n`
respond; a Simon design `r1/n1,r/n` stops after `n1` patients if `X1 <= r1` and declares the drug
promising if `X1 + X2 > r`. Exit codes: 0 success, 1 no feasible design, 2 bad input.
"""


def render():
    runner = CliRunner()
    parts = [HEADER]
    top = runner.invoke(cli, ["--help"], prog_name="phase2design", terminal_width=100)
    parts.append("## phase2design\n\n```text\n" + top.output.rstrip() + "\n```\n")
    for name in sorted(cli.commands):
        out = runner.invoke(cli, [name, "--help"], prog_name="phase2design", terminal_width=100)
        parts.append(f"## phase2design {name}\n\n```text\n" + out.output.rstrip() + "\n```\n")
    return "\n".join(parts)


def main():
    path = os.path.join(os.path.dirname(__file__), "cli.md")
    with open(path, "w") as fh:
        fh.write(render())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

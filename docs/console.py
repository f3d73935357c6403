"""Run every ```console block of docs/ (and README.md) and compare, or rewrite, its output.

A console block is a transcript: lines ``$ command`` (a trailing ``\\`` continues the command on the next
line), each followed by what the program prints, standard output then standard error as a terminal shows
them (click's test runner interleaves both as written).  ``phase2design`` commands run in-process; a few
shell commands that read what they wrote (``head``, ``cat``) run in the same scratch folder, which is
fresh for every block.  Only what must differ from run to run is normalised: elapsed seconds ("in 0.8 s")
and the number of worker processes.  A line ``...`` stands for any number of lines the page leaves out.

Run:  python docs/console.py            (check; exit 1 and a diff if a block is stale)
      python docs/console.py --update   (rewrite the stale blocks from the program's output)

tests/test_docs.py runs the check.  Never edit a block's numbers by hand: rerun the command.
"""

import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Shell commands a transcript may use besides phase2design (they only read files the block wrote).
SHELL = ("head", "cat")

ELLIPSIS = "..."

_VOLATILE = [(re.compile(r"\bin \d+(?:\.\d+)? s\b"), "in <seconds> s"),
             (re.compile(r"\bon \d+ process(?:es)?\b"), "on <workers> processes")]


def pages():
    """The Markdown pages whose console blocks are checked."""
    return sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


@dataclass
class Command:
    text: str                      # as typed after "$ " (continuation lines joined with their backslashes)
    expected: list = field(default_factory=list)   # the output lines on the page


@dataclass
class Block:
    path: Path
    start: int                     # index of the line after ```console
    end: int                       # index of the closing ```
    commands: list


def blocks(path):
    """The console blocks of one page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            out.append(Block(path, i + 1, j, _commands(lines[i + 1:j])))
            i = j
        i += 1
    return out


def _commands(lines):
    cmds = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("$ "):
            text = line[2:]
            while text.endswith("\\") and k + 1 < len(lines):
                k += 1
                text += "\n" + lines[k]
            cmds.append(Command(text))
        elif cmds:
            cmds[-1].expected.append(line)
        else:
            raise ValueError(f"a console block must start with '$ command', got {line!r}")
        k += 1
    return cmds


def argv(text):
    return shlex.split(text.replace("\\\n", " "), comments=True)


def run(text, cwd):
    """The output of one command as a terminal shows it (lines, trailing blanks dropped)."""
    args = argv(text)
    if args[0] == "phase2design":
        from click.testing import CliRunner

        from phase2design.cli import cli

        old = os.getcwd()
        os.chdir(cwd)
        try:
            result = CliRunner().invoke(cli, args[1:], prog_name="phase2design", terminal_width=100)
        finally:
            os.chdir(old)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        output = result.output
    elif args[0] in SHELL:
        output = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True).stdout
    else:
        raise ValueError(f"a console block may run phase2design or {', '.join(SHELL)}, got {args[0]!r}")
    return [line.rstrip() for line in output.rstrip("\n").splitlines()] if output.strip() else []


def normalise(line):
    for pattern, repl in _VOLATILE:
        line = pattern.sub(repl, line)
    return line.rstrip()


def matches(expected, actual):
    """Whether the page's lines equal the output, each ``...`` line standing for any run of lines."""
    exp = [normalise(x) for x in expected]
    act = [normalise(x) for x in actual]

    def go(i, j):
        if i == len(exp):
            return j == len(act)
        if exp[i] == ELLIPSIS:
            return any(go(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and exp[i] == act[j] and go(i + 1, j + 1)

    return go(0, 0)


def _shape(line):
    """A line with its numbers masked: how an elided page finds its kept lines in new output."""
    return re.sub(r"\d+(?:\.\d+)?(?:e-?\d+)?", "#", normalise(line))


def regenerate(expected, actual):
    """New page lines for the output: all of it, or with the page's ``...`` cuts kept where they fall.

    Each run of kept lines is located by the masked shape of its first line (numbers may have changed,
    the words around them not); if a run cannot be found, the whole output is returned.
    """
    if ELLIPSIS not in expected:
        return list(actual)
    runs, cur = [], []
    for line in expected + [ELLIPSIS]:
        if line == ELLIPSIS:
            runs.append(cur)
            cur = []
        else:
            cur.append(line)
    out, j = [], 0
    for n, seg in enumerate(runs):
        if n > 0:
            out.append(ELLIPSIS)
        if not seg:
            continue
        if n == 0:
            start = 0
        else:
            shape = _shape(seg[0])
            start = next((k for k in range(j, len(actual)) if _shape(actual[k]) == shape), None)
            if start is None:
                return list(actual)
        out.extend(actual[start:start + len(seg)])
        j = start + len(seg)
    if out[-1] != ELLIPSIS and j < len(actual):  # the page stopped before the output did: say so
        out.append(ELLIPSIS)
    return out


def check(update=False, stream=sys.stdout):
    """Run every block; return the number of stale commands (rewritten with ``update``)."""
    stale = 0
    for path in pages():
        lines = path.read_text(encoding="utf-8").splitlines()
        edits = []
        for block in blocks(path):
            with tempfile.TemporaryDirectory(prefix="p2d-docs-") as cwd:
                new_block = []
                changed = False
                for cmd in block.commands:
                    actual = run(cmd.text, cwd)
                    new_block += [f"$ {cmd.text}"]
                    if matches(cmd.expected, actual):
                        new_block += cmd.expected
                        continue
                    stale += 1
                    changed = True
                    rel = path.relative_to(ROOT)
                    stream.write(f"{rel}:{block.start}: $ {cmd.text}\n")
                    stream.writelines(line + "\n" for line in difflib.unified_diff(
                        [normalise(x) for x in cmd.expected], [normalise(x) for x in actual], "page", "program",
                        lineterm="", n=1))
                    new_block += regenerate(cmd.expected, actual)
                if changed:
                    edits.append((block.start, block.end, "\n".join(new_block).splitlines()))
        if update and edits:
            for start, end, new in reversed(edits):
                lines[start:end] = new
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            stream.write(f"rewrote {path.relative_to(ROOT)}\n")
    return stale


if __name__ == "__main__":
    sys.exit(1 if check(update="--update" in sys.argv[1:]) and "--update" not in sys.argv[1:] else 0)

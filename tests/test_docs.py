"""The generated CLI reference is current, and the docs' worked numbers match the library."""

import importlib.util
from pathlib import Path

from phase2design import evaluate, simon_design

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_cli_reference_is_current():
    spec = importlib.util.spec_from_file_location("gen_cli_reference", DOCS / "gen_cli_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (DOCS / "cli.md").read_text() == mod.render(), "run: python docs/gen_cli_reference.py"


def _console():
    spec = importlib.util.spec_from_file_location("docs_console", DOCS / "console.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_console_block_is_what_the_program_prints():
    """Each ```console transcript of docs/ and README.md, run in-process, prints what the page shows."""
    import io

    report = io.StringIO()
    stale = _console().check(stream=report)
    assert stale == 0, "run: python docs/console.py --update\n" + report.getvalue()


def test_console_checker_catches_a_stale_number(tmp_path):
    mod = _console()
    out = mod.run("phase2design oc --design 1/10,5/29 --p 0.1", tmp_path)
    assert mod.matches(out, out)
    changed = [line.replace("0.0471", "0.0472") for line in out]
    assert changed != out and not mod.matches(changed, out)
    # an elision stands for any run of lines, and the kept lines must still match
    assert mod.matches(out[:2] + ["..."], out) and mod.matches(["..."] + out[-1:], out)
    assert not mod.matches(["..."] + changed[-1:], out)
    # timing and worker counts are the only normalised parts
    assert (mod.normalise("grid: 4 scenarios in 0.8 s on 2 processes")
            == mod.normalise("grid: 4 scenarios in 12 s on 1 process"))
    # regenerating keeps the page's cuts where the kept lines still are
    assert mod.regenerate(changed[:2] + ["..."] + changed[-1:], out) == out[:2] + ["..."] + out[-1:]


def test_case_page_numbers():
    text = (DOCS / "case-3-of-9.md").read_text()
    ev = evaluate(3, 9, 0.5, p0=0.1)
    for ci in ev.intervals:
        assert f"{100 * ci.low:.1f}-{100 * ci.high:.1f}%" in text
    assert "130/512" in text and f"{ev.threshold.prob_at_most_x:.4f}" in text
    opt = simon_design(0.1, 0.3, 0.05, 0.2).optimal
    assert opt.label() in text and f"{opt.en0:.2f}" in text


def test_public_names_are_not_shadowed_by_submodules():
    # importing a submodule sets the package attribute of the same name; a function exported under a
    # submodule's name would turn into that module (phase2design.evaluate once did)
    import importlib
    import pkgutil

    import phase2design

    modules = {m.name for m in pkgutil.iter_modules(phase2design.__path__)}
    for name in phase2design.__all__:
        assert name not in modules, name
    importlib.import_module("phase2design.evaluation")
    assert callable(phase2design.evaluate)

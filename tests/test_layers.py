"""The package's layers import one way only, and no module imports itself round a cycle.

Layers, lowest first (a module may import its own layer and those below, never above):

0 base      the package root (version, lazy exports), _validation, numerics/
1 model     engine/design.py (the Design)
2 engine    engine/ (sample space, OC, inference), results.py (result types; MultiStageDesign.evaluate
            summarises any design through the sample-space engine)
3 families  families/ (design searches and their registry), present/ (blocks and renderers)
4 api       the library's public modules: intervals, evaluation, twostage_inference, planning, plots, report, ...
5 grid      grid/ (scenario grids over the families)
6 cli       cli/ (click commands over the library), web/ (the ASGI app: runs the cli commands in-process)

Imports are read from the source with ast, including those inside functions (the lazy ones).
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "phase2design"

LAYERS = {"base": 0, "model": 1, "engine": 2, "families": 3, "api": 4, "grid": 5, "cli": 6}


def layer_of(module):
    parts = module.split(".")[1:]
    head = parts[0] if parts else ""
    if head in ("", "_validation", "numerics"):
        return "base"
    if module == "phase2design.engine.design":
        return "model"
    if head == "engine" or module == "phase2design.results":
        return "engine"
    if head in ("families", "present"):
        return "families"
    if head == "grid":
        return "grid"
    if head in ("cli", "web", "__main__") or head.startswith("cli_"):
        return "cli"
    return "api"


def modules():
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = path
    return out


def imports(name, path, known):
    """Package modules imported by module ``name`` (resolved to the longest known module name)."""
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" for a in node.names] + [mod]
        for t in targets:
            while t and t not in known:
                t = t.rsplit(".", 1)[0] if "." in t else ""
            if t and t != name:
                found.add(t)
    return found


def test_every_module_has_a_layer():
    for name in modules():
        assert layer_of(name) in LAYERS, name


def test_imports_point_down_the_layers():
    known = modules()
    wrong = []
    for name, path in known.items():
        mine = LAYERS[layer_of(name)]
        for target in imports(name, path, known):
            if target == "phase2design":
                continue  # the root only holds the version and lazy exports
            if LAYERS[layer_of(target)] > mine:
                wrong.append(f"{name} ({layer_of(name)}) imports {target} ({layer_of(target)})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    known = modules()
    graph = {name: imports(name, path, known) - {"phase2design"} for name, path in known.items()}
    # a module's package __init__ is imported with it; that is not a cycle
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    state = {}

    def visit(v, stack):
        state[v] = 1
        for w in graph[v]:
            if state.get(w) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(w):] + [w]))
            if w not in state:
                visit(w, stack + [w])
        state[v] = 2

    for v in graph:
        if v not in state:
            visit(v, [v])


def test_root_imports_nothing_eagerly():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert top == []

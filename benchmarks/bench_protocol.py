"""Time the protocol-output work: the stage-1 re-derivation, compare_designs and the four report renderers.

* ``stage1_redesign`` finds r* by bisection (the type I error falls as the bound grows); the reference is
  the straightforward scan r = r1*, r1* + 1, ... until the level is met, with the same engine call per
  bound.  Both must give the same design.
* ``compare_designs`` of five designs of different families against five plain ``SampleSpace.oc`` pairs
  (what it adds: parsing, the result objects, the exact tie checks).
* the report's blocks built once, then rendered to HTML, Markdown, Word and LaTeX (ratios to HTML).

Each timing is the best of ``repeat`` runs after a warm-up call (so compiled kernels, if the dispatcher
chose them, are compiled).  Run from the repository root:  python benchmarks/bench_protocol.py [repeat]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from phase2design import compare_designs, simon_design  # noqa: E402
from phase2design.engine.design import Design  # noqa: E402
from phase2design.engine.exact import exact_oc  # noqa: E402
from phase2design.engine.samplespace import SampleSpace  # noqa: E402
from phase2design.overrun import _closest_r1, stage1_redesign  # noqa: E402


def best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def linear_redesign(design, m1, p0, target):
    """Reference: the same r1*, then every bound from r1* upward until the type I error is at most target."""
    d = Design.parse(design)
    r1, n1, r, n = d.as_simon()
    pet0 = SampleSpace(d).oc(p0)["stop"][0]
    r1s = _closest_r1(m1, p0, pet0, exact_oc(d, p0)["stop"][0])
    for c in range(r1s, n):
        if SampleSpace(Design.simon(r1s, m1, c, n)).oc(p0)["reject"] <= target:
            return Design.simon(r1s, m1, c, n)
    raise AssertionError("no bound")


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("stage1_redesign (bisection) against a linear scan of the final bound")
    print(f"{'planned design':>22} {'m1':>4} {'result':>18} {'bisection':>11} {'linear':>11} {'ratio':>7}")
    cases = [("1/10,5/29", 12, 0.1, 0.05), ("3/14,14/44", 17, 0.25, 0.1)]
    big = simon_design(0.5, 0.6, 0.05, 0.1).optimal  # n about 200
    cases.append((f"{big.r1}/{big.n1},{big.r}/{big.n}", big.n1 + 5, 0.5, 0.05))
    for text, m1, p0, alpha in cases:
        got = stage1_redesign(text, m1, p0=p0, alpha=alpha).design
        ref = linear_redesign(text, m1, p0, alpha)
        assert got == ref, (got, ref)
        tb = best(lambda: stage1_redesign(text, m1, p0=p0, alpha=alpha), repeat)
        tl = best(lambda: linear_redesign(text, m1, p0, alpha), repeat)
        print(f"{text:>22} {m1:>4} {got.label():>18} {1e3 * tb:>9.2f}ms {1e3 * tl:>9.2f}ms {tl / tb:>6.1f}x")

    designs = ["5/25", "1/10,5/29", "0/6,2/17,5/29", "3:6/16,11/41", "-:4/12,9/30"]
    tc = best(lambda: compare_designs(designs, 0.1, 0.3, alpha=0.05, beta=0.2), repeat)
    spaces = [Design.parse(t) for t in designs]
    tr = best(lambda: [(SampleSpace(d).oc(0.1), SampleSpace(d).oc(0.3)) for d in spaces], repeat)
    print(f"\ncompare_designs, 5 designs: {1e3 * tc:.2f} ms; bare engine OC at p0 and p1: {1e3 * tr:.2f} ms "
          f"(ratio {tc / tr:.1f}x)")

    from phase2design.report import _report_document, figure_file_name, render

    t = time.perf_counter()
    title, doc = _report_document(0.1, 0.3, 0.05, 0.2, pilot="3/9", observed_stages=(2, 4), fmt="html")
    build = time.perf_counter() - t
    print(f"\nreport blocks (searches, figures, pilot plan) built once: {build:.2f} s")
    th = best(lambda: render("html", title, doc), repeat)
    for fmt in ("html", "md", "docx", "tex"):
        tf = best(lambda: render(fmt, title, doc, lambda k: figure_file_name("p.tex", k)), repeat)
        print(f"  render {fmt:<5} {1e3 * tf:8.2f} ms  ({tf / th:.1f}x html)")


if __name__ == "__main__":
    main()

"""Regenerate the figures and the example report shown in docs/ (run: python docs/make_figures.py).

Worked examples: the 3/9 evaluation (docs/case-3-of-9.md) and the Simon design for p0 = 0.1, p1 = 0.3,
alpha = 0.05, beta = 0.2 (docs/design-walkthrough.md, docs/report.md).
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import (default_oc_grid, evaluate, make_report, oc_comparison_designs,  # noqa: E402
                          plot_design_space, plot_evaluation, plot_oc, simon_design, single_stage_design)

HERE = os.path.join(os.path.dirname(__file__), "figures")
EXAMPLE = (0.1, 0.3, 0.05, 0.2)  # p0, p1, alpha, beta


def _wrote(path):
    print(f"wrote {os.path.relpath(path)}")


def main():
    os.makedirs(HERE, exist_ok=True)
    ev = evaluate(3, 9, 0.5, p0=0.1)
    path = os.path.join(HERE, "evaluate-3-of-9.png")
    plot_evaluation(ev, path)
    _wrote(path)

    # the same figures as: phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2
    #                        --plot design-space.png --plot-oc oc.png
    p0, p1, alpha, beta = EXAMPLE
    res = simon_design(p0, p1, alpha, beta)
    single = single_stage_design(p0, p1, alpha, beta).design
    designs, labels = oc_comparison_designs(res, single)
    path = os.path.join(HERE, "oc-curves-0.1-0.3.png")
    plot_oc(designs, default_oc_grid(p0, p1), p0=p0, p1=p1, labels=labels, path=path)
    _wrote(path)
    path = os.path.join(HERE, "design-space-0.1-0.3.png")
    plot_design_space(res, path)
    _wrote(path)

    # phase2design report --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 -o docs/figures/report-example.html
    path = os.path.join(HERE, "report-example.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(make_report(p0, p1, alpha, beta))
    _wrote(path)


if __name__ == "__main__":
    main()

"""Regenerate the figures shown in docs/ (run: python docs/make_figures.py)."""

import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from phase2design import evaluate, plot_evaluation  # noqa: E402

HERE = os.path.join(os.path.dirname(__file__), "figures")


def main():
    os.makedirs(HERE, exist_ok=True)
    ev = evaluate(3, 9, 0.5, p0=0.1)
    path = os.path.join(HERE, "evaluate-3-of-9.png")
    plot_evaluation(ev, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

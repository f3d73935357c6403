"""Pictures of results: text for the terminal, matplotlib figures for files.

matplotlib is imported inside the functions that draw, so importing this
module costs nothing.  Figures use greys and hatching that survive greyscale
printing.
"""

import os

import numpy as np

from . import _kernels as K

_FIG_EXTENSIONS = (".png", ".svg", ".pdf")


def _panels(ev):
    """(title, rate, pmf, boundary, boundary_label) for the threshold and, if given, p0."""
    out = []
    t = ev.threshold
    pmf, _, _ = K._binom_tables(ev.n, t.threshold)
    out.append((f"if the true rate is the threshold {100 * t.threshold:g}%", t.threshold, pmf,
                t.responses_needed, f"criterion met from {t.responses_needed} (x/n >= {t.threshold:g})", "lower"))
    if ev.p0 is not None:
        pmf0, _, _ = K._binom_tables(ev.n, ev.p0)
        if ev.design is not None:
            what = ("stage 1 continues" if ev.design.outcome in ("stopped_at_stage1", "continue")
                    else "promising")
            b, lab = ev.design.boundary, f"design {ev.design.design}: {what} from {ev.design.boundary}"
        else:
            b, lab = ev.p0_boundary, f"exact test at alpha {ev.alpha:g}: rejects p0 from {ev.p0_boundary}"
        out.append((f"if the true rate is p0 = {100 * ev.p0:g}%", ev.p0, pmf0, b, lab, "upper"))
    return out


def evaluation_distributions(ev):
    """The arrays behind the evaluation pictures: one dict per panel.

    Keys: ``title``, ``rate``, ``k`` (0..n), ``pmf`` (P(X = k) at ``rate``),
    ``observed``, ``boundary`` (smallest count meeting the criterion or rule),
    ``tail`` ("lower": P(X <= x) is shaded, under the threshold; "upper":
    P(X >= x), the p-value, under p0) and ``tail_prob``.
    """
    out = []
    for title, rate, pmf, b, lab, tail in _panels(ev):
        pmf = np.asarray(pmf)
        k = np.arange(ev.n + 1)
        mask = k <= ev.x if tail == "lower" else k >= ev.x
        out.append({"title": title, "rate": rate, "k": k, "pmf": pmf, "observed": ev.x, "boundary": b,
                    "boundary_label": lab, "tail": tail, "tail_mask": mask, "tail_prob": float(pmf[mask].sum())})
    return out


def evaluation_text_plot(ev, width=40):
    """Bar chart in plain text of P(X = k) with the observed count and the boundary marked.

    Counts whose probability is below 1e-4 at both ends are folded into one
    line, so long trials stay readable.
    """
    lines = []
    for panel in evaluation_distributions(ev):
        pmf, obs, b = panel["pmf"], panel["observed"], panel["boundary"]
        top = float(pmf.max())
        keep = np.nonzero(pmf >= 1e-4)[0]
        lo = min(int(keep.min()), obs, b if b <= ev.n else obs)
        hi = max(int(keep.max()), obs, b if b <= ev.n else obs)
        lines.append(f"Responses out of {ev.n} {panel['title']}:")
        kw = max(4, len(f"{hi + 1}-{ev.n}"), len(f"0-{lo - 1}"))
        lines.append(f"{'k':>{kw}}  {'P(X=k)':>7}")
        if lo > 0:
            lines.append(f"{'0-' + str(lo - 1):>{kw}}  {float(pmf[:lo].sum()):7.4f}  (folded)")
        for k in range(lo, hi + 1):
            bar = "#" * max(int(round(width * float(pmf[k]) / top)), 1 if pmf[k] > 0 else 0)
            marks = []
            if k == obs:
                marks.append(f"<- observed {obs}")
            if k == b:
                marks.append(f"<- {panel['boundary_label']}")
            sep = "=" if k >= b else "|"
            lines.append(f"{k:>{kw}}  {float(pmf[k]):7.4f} {sep}{bar:<{width}} {'  '.join(marks)}".rstrip())
        if hi < ev.n:
            lines.append(f"{str(hi + 1) + '-' + str(ev.n):>{kw}}  {float(pmf[hi + 1:].sum()):7.4f}  (folded)")
        rel = "<=" if panel["tail"] == "lower" else ">="
        lines.append(f"{'':{kw + 2}}('=' bars: counts meeting the boundary; P(X {rel} {obs}) = {panel['tail_prob']:.4f})")
        lines.append("")
    return "\n".join(lines).rstrip()


def check_figure_path(path):
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in _FIG_EXTENSIONS:
        raise ValueError(f"plot file must end in {', '.join(_FIG_EXTENSIONS)}, got {str(path)!r}")
    return ext


def plot_evaluation(ev, path=None):
    """Figure of the count distribution under the threshold (and p0), observed and boundary marked.

    Parameters
    ----------
    ev : Evaluation
        Result of :func:`phase2design.evaluate.evaluate`.
    path : str, optional
        Save to this .png, .svg or .pdf file.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if path is not None:
        check_figure_path(path)
    from matplotlib.figure import Figure

    panels = evaluation_distributions(ev)
    fig = Figure(figsize=(6.5, 2.6 * len(panels) + 0.4), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels):
        k, pmf, obs, b = panel["k"], panel["pmf"], panel["observed"], panel["boundary"]
        low = panel["tail_mask"]
        rel = "<=" if panel["tail"] == "lower" else ">="
        ax.bar(k[low], pmf[low], color="0.35", edgecolor="black", linewidth=0.6,
               label=f"P(X {rel} {obs}) = {panel['tail_prob']:.4f}")
        ax.bar(k[~low], pmf[~low], color="0.85", edgecolor="black", linewidth=0.6)
        if b <= ev.n:
            ax.axvline(b - 0.5, color="black", linestyle="--", linewidth=1.2, label=panel["boundary_label"])
        ax.annotate(f"observed {obs}/{ev.n}", xy=(obs, pmf[obs]), xytext=(0, 18), textcoords="offset points",
                    ha="center", fontsize=9, arrowprops={"arrowstyle": "->", "color": "black"})
        ax.set_title(f"Responses out of {ev.n} {panel['title']}", fontsize=10)
        ax.set_xlabel("number of responses k")
        ax.set_ylabel("P(X = k)")
        ax.set_xlim(-0.7, ev.n + 0.7)
        ax.set_ylim(0, float(pmf.max()) * 1.35)
        ax.legend(fontsize=8, frameon=False, loc="upper right")
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig

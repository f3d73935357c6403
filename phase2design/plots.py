"""Pictures of results: text for the terminal, matplotlib figures for files.

matplotlib is imported inside the functions that draw, and figures are built
on :class:`matplotlib.figure.Figure` directly (never pyplot), so importing this
module costs nothing and no interactive backend is touched.  Series are told
apart by greys, hatching, line style and marker, so figures survive greyscale
printing; colour is an aid only.  Every figure has a ``*_data`` function that
returns the arrays it plots.
"""

import math
import os

import numpy as np

from .numerics import _binomial as K

_FIG_EXTENSIONS = (".png", ".svg", ".pdf")


def _panels(ev):
    """(title, rate, pmf, boundary, boundary_label, tail) for the threshold and p0, whichever are given.

    With neither, one panel at the observed rate x/n: the distribution the data estimate, with no
    boundary (``n + 1``) and no tail (``None``).
    """
    out = []
    t = ev.threshold
    if t is not None:
        pmf, _, _ = K._binom_tables(ev.n, t.threshold)
        out.append((f"if the true rate is the threshold {100 * t.threshold:.10g}%", t.threshold, pmf,
                    t.responses_needed, f"criterion met from {t.responses_needed} (x/n >= {t.threshold:.10g})",
                    "lower"))
    if ev.p0 is not None:
        pmf0, _, _ = K._binom_tables(ev.n, ev.p0)
        if ev.design is not None:
            what = ("stage 1 continues" if ev.design.outcome in ("stopped_at_stage1", "continue")
                    else "promising")
            b, lab = ev.design.boundary, f"design {ev.design.design}: {what} from {ev.design.boundary}"
        else:
            b, lab = ev.p0_boundary, f"exact test at alpha {ev.alpha:.10g}: rejects p0 from {ev.p0_boundary}"
        out.append((f"if the true rate is p0 = {100 * ev.p0:.10g}%", ev.p0, pmf0, b, lab, "upper"))
    if not out:
        pmf, _, _ = K._binom_tables(ev.n, ev.estimate)
        out.append((f"if the true rate is the observed {100 * ev.estimate:.1f}% (x/n)", ev.estimate, pmf,
                    ev.n + 1, "", None))
    return out


#: Counts whose probability is below this fraction of the largest one are not drawn: at 150 dpi a bar
#: 1e-12 of the tallest is far below a pixel, and a trial of 10**6 patients would otherwise draw 10**6 bars.
_VISIBLE = 1e-12
#: Beyond this many bars the figure draws the distribution as a filled outline (one patch per shade).
_MAX_BARS = 1000
#: The text picture lists each count while there are at most this many rows, and groups them beyond.
_TEXT_ROWS = 80
#: Rows for the bulk of the distribution once it is grouped.
_TEXT_BINS = 40
#: Counts less probable than this are folded in the text picture.
_TEXT_FOLD = 1e-4


def _fmt4(p):
    """A probability as every table prints it (4 decimals, "<0.0001" below): present.render.fmt."""
    from .present.render import fmt

    return fmt(float(p), 4)


def _eq4(p):
    """``"= 0.0530"`` or ``"< 0.0001"``: a probability after a symbol (present.render.equals)."""
    from .present.render import equals

    return equals(float(p), 4)


def _support(pmf):
    """(lo, hi): the first and last count with P(X = k) >= 1e-12 of the largest."""
    seen = np.flatnonzero(pmf >= _VISIBLE * float(pmf.max()))
    return int(seen[0]), int(seen[-1])


def evaluation_distributions(ev):
    """The arrays behind the evaluation pictures: one dict per panel.

    Keys: ``title``, ``rate``, ``k`` (0..n), ``pmf`` (P(X = k) at ``rate``),
    ``observed``, ``boundary`` (smallest count meeting the criterion or rule),
    ``tail`` ("lower": P(X <= x) is shaded, under the threshold; "upper":
    P(X >= x), the p-value, under p0), ``tail_prob`` and ``support``, the
    range ``(lo, hi)`` of counts whose probability is at least 1e-12 of the
    largest (what the figure draws; the rest is far below a pixel).
    """
    out = []
    for title, rate, pmf, b, lab, tail in _panels(ev):
        pmf = np.asarray(pmf)
        k = np.arange(ev.n + 1)
        mask = (k <= ev.x) if tail == "lower" else (k >= ev.x) if tail == "upper" else np.zeros(k.size, bool)
        out.append({"title": title, "rate": rate, "k": k, "pmf": pmf, "observed": ev.x, "boundary": b,
                    "boundary_label": lab, "tail": tail, "tail_mask": mask, "tail_prob": float(pmf[mask].sum()),
                    "support": _support(pmf)})
    return out


def _text_segments(n, obs, b, klo, khi):
    """Grouped rows for a long picture: (first, last) count of each, in order, covering 0..n.

    The observed count and the boundary get rows of their own, the bulk
    ``klo..khi`` is cut into at most about ``_TEXT_BINS`` equal ranges, and
    what lies outside it forms folded rows between the marks.
    """
    width = max(1, math.ceil((khi - klo + 1) / _TEXT_BINS))
    cuts = {0, n + 1, klo, khi + 1, obs, obs + 1}
    if b <= n:
        cuts |= {b, b + 1}
    cuts |= set(range(klo, khi + 1, width))
    cuts = sorted(c for c in cuts if 0 <= c <= n + 1)
    return [(a, c - 1) for a, c in zip(cuts, cuts[1:])], width


def _text_panel_grouped(lines, panel, n, width, klo, khi):
    """Append the grouped rows of one panel to ``lines``; returns the width of the k column."""
    pmf, obs, b = panel["pmf"], panel["observed"], panel["boundary"]
    segments, per_row = _text_segments(n, obs, b, klo, khi)
    probs = [float(pmf[a:e + 1].sum()) for a, e in segments]
    shown = [p for (a, e), p in zip(segments, probs) if klo <= a and e <= khi or (a == e and a in (obs, b))]
    top = max(shown)
    labels = [str(a) if a == e else f"{a}-{e}" for a, e in segments]
    kw = max(4, max(len(lab) for lab in labels))
    lines.append(f"{'k':>{kw}}  {'P(X=k)':>7}")
    if per_row > 1:
        lines.append(f"{'':{kw + 2}}(a row a-b holds P(a <= X <= b); {per_row} counts a row where P(X=k) >= "
                     f"{_TEXT_FOLD:g})")
    for (a, e), p, lab in zip(segments, probs, labels):
        marks = []
        if a == e and a == obs:
            marks.append(f"<- observed {obs}")
        if a == e and a == b:
            marks.append(f"<- {panel['boundary_label']}")
        if (klo <= a and e <= khi) or marks:
            bar = "#" * max(int(round(width * p / top)), 1 if p > 0 else 0)
            sep = "=" if a >= b else "|"
            lines.append(f"{lab:>{kw}}  {_fmt4(p):>7} {sep}{bar:<{width}} {'  '.join(marks)}".rstrip())
        else:
            count = e - a + 1
            lines.append(f"{lab:>{kw}}  {_fmt4(p):>7}  (folded: {count} value{'s' if count > 1 else ''}, each "
                         f"P(X=k) < {_TEXT_FOLD:g})")
    return kw


def evaluation_text_plot(ev, width=40):
    """Bar chart in plain text of P(X = k) with the observed count and the boundary marked.

    Counts whose probability is below 1e-4 at both ends are folded into one
    line, so long trials stay readable.  When more than 80 rows would remain
    (large ``n``, or an observed count far from the bulk), the picture is
    grouped instead: the observed count and the boundary keep rows of their
    own, the bulk is cut into about 40 ranges (each row then holds
    ``P(a <= X <= b)``), and the counts between them, each below 1e-4, are
    folded into lines that say how many they are.  The picture therefore
    has at most about 50 lines per panel whatever ``n``.
    """
    lines = []
    for panel in evaluation_distributions(ev):
        pmf, obs, b = panel["pmf"], panel["observed"], panel["boundary"]
        top = float(pmf.max())
        keep = np.nonzero(pmf >= _TEXT_FOLD)[0]
        if keep.size == 0:  # pragma: no cover - needs n far above the evaluate limit
            keep = np.nonzero(pmf >= 1e-3 * top)[0]
        klo, khi = int(keep.min()), int(keep.max())
        lo = min(klo, obs, b if b <= ev.n else obs)
        hi = max(khi, obs, b if b <= ev.n else obs)
        lines.append(f"Responses out of {ev.n} {panel['title']}:")
        if hi - lo + 1 > _TEXT_ROWS:
            kw = _text_panel_grouped(lines, panel, ev.n, width, klo, khi)
        else:
            kw = max(4, len(f"{hi + 1}-{ev.n}"), len(f"0-{lo - 1}"))
            lines.append(f"{'k':>{kw}}  {'P(X=k)':>7}")
            if lo > 0:
                head = "0" if lo == 1 else f"0-{lo - 1}"
                lines.append(f"{head:>{kw}}  {_fmt4(pmf[:lo].sum()):>7}  (folded)")
            for k in range(lo, hi + 1):
                bar = "#" * max(int(round(width * float(pmf[k]) / top)), 1 if pmf[k] > 0 else 0)
                marks = []
                if k == obs:
                    marks.append(f"<- observed {obs}")
                if k == b:
                    marks.append(f"<- {panel['boundary_label']}")
                sep = "=" if k >= b else "|"
                lines.append(f"{k:>{kw}}  {_fmt4(pmf[k]):>7} {sep}{bar:<{width}} {'  '.join(marks)}".rstrip())
            if hi < ev.n:
                tail = str(ev.n) if hi + 1 == ev.n else f"{hi + 1}-{ev.n}"
                lines.append(f"{tail:>{kw}}  {_fmt4(pmf[hi + 1:].sum()):>7}  (folded)")
        rel = "<=" if panel["tail"] == "lower" else ">="
        if panel["tail"] is not None:
            lines.append(f"{'':{kw + 2}}('=' bars: counts meeting the boundary; P(X {rel} {obs}) "
                         f"{_eq4(panel['tail_prob'])})")
        lines.append("")
    return "\n".join(lines).rstrip()


def check_figure_path(path):
    """A figure file name: .png, .svg or .pdf, in a directory that exists, not a device or FIFO.

    Returns the extension.  Symbolic links are written through (see
    :mod:`phase2design._files`).
    """
    from ._files import check_output_path

    ext = os.path.splitext(str(path))[1].lower()
    if ext not in _FIG_EXTENSIONS:
        raise ValueError(f"plot file must end in {', '.join(_FIG_EXTENSIONS)}, got {str(path)!r}")
    folder = os.path.dirname(os.path.abspath(str(path)))
    if not os.path.isdir(folder):
        raise ValueError(f"plot file must be in an existing directory, got {str(path)!r}")
    check_output_path(path)
    return ext


#: Metadata that would make two renders of the same figure differ (dates) or depend on the matplotlib
#: version; None removes the entry.
_FIG_METADATA = {".png": {"Software": None}, ".svg": {"Date": None, "Creator": None},
                 ".pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}


def save_figure(fig, path, dpi=150):
    """Save ``fig`` to ``path`` (.png, .svg or .pdf): byte-identical across runs, replaced whole or not at all.

    SVG clip-path and glyph ids are hashes salted with ``svg.hashsalt``
    (random by default), and SVG and PDF record the time of rendering; both
    are fixed here, so the same figure gives the same bytes, as PNG already
    does.  The file is written through :func:`phase2design._files.atomic_write`:
    a full disk leaves the previous file (and no 0-byte file) and raises
    :class:`~phase2design._files.OutputWriteError` naming ``path``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or path
    dpi : float, default 150
    """
    import matplotlib

    from ._files import atomic_write

    ext = check_figure_path(path)
    # the salt only has to be fixed, not secret: it seeds the ids of clip paths and glyph definitions
    with matplotlib.rc_context({"svg.hashsalt": "phase2design"}), atomic_write(path, "wb") as fh:
        fig.savefig(fh, format=ext[1:], dpi=dpi, metadata=_FIG_METADATA[ext])


def plot_evaluation(ev, path=None):
    """Figure of the count distribution under the threshold (and p0), observed and boundary marked.

    Parameters
    ----------
    ev : Evaluation
        Result of :func:`phase2design.evaluation.evaluate`.
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
        obs, b = panel["observed"], panel["boundary"]
        # draw the visible support only: a bar below 1e-12 of the tallest is far below a pixel
        s0, s1 = panel["support"]
        k, pmf, low = panel["k"][s0:s1 + 1], panel["pmf"][s0:s1 + 1], panel["tail_mask"][s0:s1 + 1]
        rel = "<=" if panel["tail"] == "lower" else ">="
        label = None if panel["tail"] is None else f"P(X {rel} {obs}) {_eq4(panel['tail_prob'])}"
        if k.size <= _MAX_BARS:
            ax.bar(k[low], pmf[low], color="0.35", edgecolor="black", linewidth=0.6, label=label)
            ax.bar(k[~low], pmf[~low], color="0.85", edgecolor="black", linewidth=0.6)
        else:
            # thousands of bars thinner than a pixel: one filled outline per shade looks the same, draws at once
            # (fill_between, not stairs: a patch's limits are found by walking its Bezier segments, seconds here)
            ax.fill_between(k, np.where(low, pmf, 0.0), step="mid", color="0.35", linewidth=0, label=label)
            ax.fill_between(k, np.where(low, 0.0, pmf), step="mid", color="0.85", linewidth=0)
            ax.plot(k, pmf, drawstyle="steps-mid", color="black", linewidth=0.6)
        if b <= ev.n:
            ax.axvline(b - 0.5, color="black", linestyle="--", linewidth=1.2, label=panel["boundary_label"])
        ax.annotate(f"observed {obs}/{ev.n}", xy=(obs, panel["pmf"][obs]), xytext=(0, 18),
                    textcoords="offset points", ha="center", fontsize=9,
                    arrowprops={"arrowstyle": "->", "color": "black"})
        ax.set_title(f"Responses out of {ev.n} {panel['title']}", fontsize=10)
        ax.set_xlabel("number of responses k")
        ax.set_ylabel("P(X = k)")
        if (s0, s1) == (0, ev.n):
            ax.set_xlim(-0.7, ev.n + 0.7)
        else:  # the visible support, the observed count and the boundary
            marks = [obs] + ([b] if b <= ev.n else [])
            ax.set_xlim(min(s0, *marks) - 0.7, max(s1, *marks) + 0.7)
        ax.set_ylim(0, float(pmf.max()) * 1.35)
        if panel["tail"] is not None or b <= ev.n:  # the panel at x/n alone has nothing to label
            ax.legend(fontsize=8, frameon=False, loc="upper right")
    if path is not None:
        save_figure(fig, path)
    return fig


# ---------------------------------------------------------------------------
# Operating-characteristic curves
# ---------------------------------------------------------------------------

#: Line style, marker and colour for the i-th design.  Style and marker alone
#: tell the designs apart (greyscale printing); the Okabe-Ito colours differ in
#: lightness as well as hue, so they stay distinguishable when printed grey.
_STYLES = (("-", "o", "#000000"), ("--", "s", "#0072B2"), ("-.", "^", "#D55E00"), (":", "D", "#009E73"),
           ((0, (6, 2, 1, 2, 1, 2)), "v", "#CC79A7"), ((0, (1, 1)), "P", "#E69F00"))


def _style(i):
    ls, marker, colour = _STYLES[i % len(_STYLES)]
    return {"linestyle": ls, "marker": marker, "color": colour}


def _is_one_design(obj):
    if isinstance(obj, str) or hasattr(obj, "r"):
        return True
    if isinstance(obj, (tuple, list)) and obj and all(not isinstance(v, (str, tuple, list)) and
                                                      not hasattr(v, "r") for v in obj):
        return True
    return False


def _design_label(obj, kind, values):
    text = f"{values[0]}/{values[1]}" if kind == "single" else f"{values[0]}/{values[1]}, {values[2]}/{values[3]}"
    tag = getattr(obj, "kind", None)
    if kind == "single":
        return f"single stage {text}"
    return f"{tag} {text}" if tag else f"two stage {text}"


def default_oc_grid(p0, p1, points=201):
    """A grid of response rates that shows where a design for ``p0`` and ``p1`` decides.

    From 0 to ``p1 + (p1 - p0)`` rounded up to a multiple of 0.1 (at most 1),
    where the probability of declaring the drug promising has nearly reached 1
    for any design with reasonable power at ``p1``; ``points`` equally spaced
    values.

    Examples
    --------
    >>> g = default_oc_grid(0.1, 0.3)
    >>> float(g[0]), float(g[-1]), len(g)
    (0.0, 0.5, 201)
    """
    from ._validation import check_int, check_rates_ordered

    p0, p1 = check_rates_ordered(p0, p1)
    points = check_int("points", points, minimum=2, maximum=100000)
    upper = min(1.0, math.ceil(round(10 * (2 * p1 - p0), 9)) / 10)
    return np.linspace(0.0, upper, points)


def oc_curve_data(designs, p=None, *, labels=None):
    """The arrays behind :func:`plot_oc`: exact OC of each design over a grid.

    Parameters
    ----------
    designs : design or sequence of designs
        Each a :class:`~phase2design.results.TwoStageDesign`,
        :class:`~phase2design.results.SingleStageDesign`, a string ``"r/n"`` or
        ``"r1/n1,r/n"``, or a tuple of 2 or 4 whole numbers (Simon 1989
        convention: stop after stage 1 if ``X1 <= r1``, reject H0 if
        ``X1 + X2 > r``; single stage: reject if ``X > r``).
    p : sequence of float, optional
        True response rates in [0, 1] (default 0, 0.01, ..., 1).
    labels : sequence of str, optional
        Legend labels, one per design (default: kind and boundaries).

    Returns
    -------
    list of dict
        One per design, with ``label``, ``design`` (``"r1/n1, r/n"`` or
        ``"r/n"``), ``stages`` (1 or 2), ``p``, ``reject`` (P(declare
        promising) = P(reject H0)), ``pet`` (P(stop after stage 1), 0 for a
        single stage), ``en`` (expected sample size ``n1 + (1 - PET) n2``)
        as numpy arrays, and ``oc``, the
        :class:`~phase2design.results.OperatingCharacteristics`.
    """
    from .engine.design import Design
    from .engine.oc import design_oc, single_stage_oc, two_stage_oc

    items = [designs] if _is_one_design(designs) else list(designs)
    if not items:
        raise ValueError("designs must hold at least one design, got an empty sequence")
    if labels is not None:
        labels = [str(v) for v in labels]
        if len(labels) != len(items):
            raise ValueError(f"labels must have one entry per design ({len(items)}), got {len(labels)}")
    grid = np.round(np.linspace(0.0, 1.0, 101), 12) if p is None else p
    out = []
    for i, obj in enumerate(items):
        d = Design.parse(obj)
        if d.is_single or d.is_simon:
            kind, values = d.simple_form("plots")
            oc = single_stage_oc(*values, grid) if kind == "single" else two_stage_oc(*values, grid)
            label, pet, en = _design_label(obj, kind, values), oc.pet, oc.en
        else:
            oc = design_oc(d, grid)
            # "stop early": every stop before the last stage, for futility or efficacy
            words = {2: "two stage", 3: "three stage", 4: "four stage"}.get(d.stages, f"{d.stages} stage")
            label, pet, en = f"{words} {d.label()}", [sum(s[:-1]) for s in oc.stop], oc.en
        out.append({"label": labels[i] if labels is not None else label,
                    "design": d.label(), "stages": d.stages,
                    "p": np.asarray(oc.p), "reject": np.asarray(oc.reject), "pet": np.asarray(pet),
                    "en": np.asarray(en), "oc": oc})
    return out


def _mark_rates(ax, p0, p1, text):
    for value, name in ((p0, "p0"), (p1, "p1")):
        if value is None:
            continue
        ax.axvline(value, color="0.45", linestyle=(0, (2, 2)), linewidth=1.0, zorder=1)
        if text:
            ax.annotate(f"{name} = {value:.10g}", xy=(value, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=9,
                        color="0.25")


def plot_oc(designs, p=None, *, p0=None, p1=None, labels=None, title=None, path=None):
    """Operating-characteristic curves of one or more designs over true response rates.

    Panels, top to bottom: the probability of declaring the drug promising
    (rejecting H0), the probability of early termination (two-stage designs
    only) and the expected sample size.  For a two-stage design ``r1/n1, r/n``
    at rate ``p``,

    .. math::

        P(\\text{reject}) = \\sum_{x_1 > r_1} b(x_1; n_1, p)\\, P(X_2 > r - x_1; n_2, p), \\quad
        PET = P(X_1 \\le r_1), \\quad EN = n_1 + (1 - PET)\\, n_2 ,

    and for a single-stage ``r/n``, ``P(X > r)`` and ``EN = n`` (Simon 1989).
    The plotted arrays are those of :func:`oc_curve_data` (each line carries
    ``gid`` ``"reject:<label>"``, ``"pet:<label>"`` or ``"en:<label>"``).

    Parameters
    ----------
    designs, p, labels
        As in :func:`oc_curve_data`.
    p0, p1 : float, optional
        Marked with vertical lines.
    title : str, optional
        Figure title.
    path : str, optional
        Save to this .png, .svg or .pdf file.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ._validation import check_rate

    if path is not None:
        check_figure_path(path)
    p0 = None if p0 is None else check_rate("p0", p0, closed=True)
    p1 = None if p1 is None else check_rate("p1", p1, closed=True)
    curves = oc_curve_data(designs, p, labels=labels)
    from matplotlib.figure import Figure

    two = any(c["stages"] == 2 for c in curves)
    panels = ["reject", "pet", "en"] if two else ["reject", "en"]
    ylabels = {"reject": "P(declare promising)", "pet": "P(early termination)",
               "en": "expected sample size"}
    fig = Figure(figsize=(6.5, 2.35 * len(panels) + 1.0), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for i, c in enumerate(curves):
        st = _style(i)
        every = max(1, len(c["p"]) // 10)
        for ax, key in zip(axes, panels):
            if key == "pet" and c["stages"] == 1:
                continue  # a single-stage trial never stops early; a line at 0 would only hide the axis
            ax.plot(c["p"], c[key], linewidth=1.6, markersize=4.5, markevery=(min(i, every - 1), every),
                    markerfacecolor="white", label=c["label"], gid=f"{key}:{c['label']}", **st)
    for j, (ax, key) in enumerate(zip(axes, panels)):
        _mark_rates(ax, p0, p1, text=j == 0)
        ax.set_ylabel(ylabels[key], fontsize=10)
        ax.grid(True, color="0.88", linewidth=0.6)
        ax.tick_params(labelsize=9)
        if key != "en":
            ax.set_ylim(-0.02, 1.02)
    axes[-1].set_xlabel("true response rate p", fontsize=10)
    lo, hi = float(min(c["p"].min() for c in curves)), float(max(c["p"].max() for c in curves))
    if hi > lo:
        axes[-1].set_xlim(lo, hi)
    handles, labs = axes[0].get_legend_handles_labels()
    fig.legend(handles, labs, loc="outside upper center", ncol=min(len(labs), 2), fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    if path is not None:
        save_figure(fig, path)
    return fig


# ---------------------------------------------------------------------------
# Design space of a Simon search (Jung, Carey and Kim 2001)
# ---------------------------------------------------------------------------

def design_space_data(result):
    """The arrays behind :func:`plot_design_space`.

    Parameters
    ----------
    result : SimonResult
        Result of :func:`phase2design.simon_design`.

    Returns
    -------
    dict
        ``n`` and ``en0`` (numpy arrays) and ``labels`` for the minimum-EN0
        design at each ``n`` searched (``result.best_by_n``), and
        ``admissible``: one dict per admissible design (minimax first) with
        ``kind``, ``label``, ``n``, ``en0``, ``q_low`` and ``q_high``, where the
        design minimises ``q n + (1 - q) EN0`` for ``q`` in ``[q_low, q_high]``
        (Jung et al. 2004).
    """
    if not hasattr(result, "best_by_n") or not hasattr(result, "admissible"):
        raise TypeError(f"result must be a SimonResult from simon_design(), got {type(result).__name__}")
    best = result.best_by_n
    return {
        "n": np.array([d.n for d in best], dtype=int),
        "en0": np.array([d.en0 for d in best], dtype=float),
        "labels": [d.label() for d in best],
        "admissible": [{"kind": d.kind, "label": d.label(), "n": d.n, "en0": d.en0, "q_low": d.q_low,
                        "q_high": d.q_high} for d in result.admissible],
        "p0": result.p0, "p1": result.p1, "alpha": result.alpha, "beta": result.beta,
        "title": _family_title(result),
    }


def _family_title(result):
    """How the design-space title names the family: "Simon two-stage", "Three-stage", ..."""
    name = getattr(result, "family", None)
    if name is None:
        return "Simon two-stage"
    from .families.base import get_family

    return get_family(name).title.split(" (")[0]


def plot_design_space(result, path=None):
    """EN0 against n for the best Simon design at each n, admissible designs and q ranges marked.

    The graphical search of Jung, Carey and Kim (2001): each point is the
    design with the smallest ``EN0 = n1 + (1 - PET0) n2`` among the feasible
    designs with total ``n``.  The admissible designs (Jung et al. 2004) lie on
    the lower convex hull of these points, from the minimax design (smallest
    ``n``) to the optimal one (smallest EN0); the lower panel shows for which
    weights ``q`` each minimises ``q n + (1 - q) EN0``.

    Parameters
    ----------
    result : SimonResult
        Result of :func:`phase2design.simon_design`.
    path : str, optional
        Save to this .png, .svg or .pdf file.

    Returns
    -------
    matplotlib.figure.Figure
        Lines with ``gid`` ``"best_by_n"`` (all points) and ``"admissible"``
        (the hull) hold the arrays of :func:`design_space_data`.

    References
    ----------
    Jung SH, Carey M, Kim KM (2001). Graphical search for two-stage designs
    for phase II clinical trials. Controlled Clinical Trials 22:367-372.
    """
    if path is not None:
        check_figure_path(path)
    data = design_space_data(result)
    from matplotlib.figure import Figure

    adm = data["admissible"]
    fig = Figure(figsize=(6.5, 5.2), layout="constrained")
    ax, qax = fig.subplots(2, 1, height_ratios=[4.2, 1.0])
    ax.plot(data["n"], data["en0"], linestyle="none", marker="o", markersize=5, color="0.55",
            markerfacecolor="white", gid="best_by_n", label="smallest EN0 at each n")
    an = np.array([a["n"] for a in adm])
    ae = np.array([a["en0"] for a in adm])
    ax.plot(an, ae, linestyle="-", marker="o", markersize=7, color="black", linewidth=1.4, gid="admissible",
            label="admissible designs (lower convex hull)")
    # Labels go below and to the left of their points: the region under the lower convex hull holds no
    # design, so nothing is covered there.  They are stacked downwards so that close points do not collide.
    ax_h_in, ax_w_in, line_in = 3.2, 5.6, 8.5 * 1.3 / 72
    ylo, yhi = float(data["en0"].min()), float(data["en0"].max())
    xlo, xhi = float(data["n"].min()), float(data["n"].max())
    yspan = max(yhi - ylo, 1.0) * 1.25
    xspan = max(xhi - xlo, 4.0) + 2.4
    for _ in range(3):  # the label height in data units depends on the limits it sets
        h = 1.25 * line_in / ax_h_in * yspan
        tops, bottom = [], math.inf
        for a in adm:
            top = min(a["en0"] - 0.25 * h, bottom - 0.15 * h)
            tops.append(top)
            bottom = top - h
        longest = max(len(f"{a['kind']} {a['label']}") for a in adm)
        left = min(a["n"] for a in adm) - 0.3 - longest * 0.6 * 8.5 / 72 / ax_w_in * xspan
        new_ylo, new_xlo = min(bottom - 0.3 * h, ylo - 0.5), min(left - 0.3, xlo - 1.2)
        yspan, xspan = yhi + 0.12 * (yhi - new_ylo) - new_ylo, xhi + 1.2 - new_xlo
    for a, top in zip(adm, tops):
        ax.annotate(f"{a['kind']} {a['label']}", xy=(a["n"], a["en0"]), xytext=(a["n"] - 0.3, top),
                    textcoords="data", ha="right", va="top", fontsize=8.5,
                    arrowprops={"arrowstyle": "-", "color": "0.45", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 4})
    ax.set_ylim(new_ylo, yhi + 0.12 * (yhi - new_ylo))
    ax.set_xlim(new_xlo, xhi + 1.2)
    ax.set_xlabel("maximum sample size n", fontsize=10)
    ax.set_ylabel("expected sample size under p0 (EN0)", fontsize=10)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.tick_params(labelsize=9)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8.5, frameon=False, loc="upper right")
    ax.set_title(f"{data['title']} designs for p0 = {data['p0']:.10g}, p1 = {data['p1']:.10g}, "
                 f"alpha = {data['alpha']:.10g}, beta = {data['beta']:.10g}", fontsize=10)

    hatches = ("", "///", "...", "\\\\\\", "xxx", "---")
    for i, a in enumerate(adm):
        lo, hi = a["q_low"], a["q_high"]
        shade = "0.3" if i % 2 == 0 else "0.8"
        qax.barh(0, hi - lo, left=lo, height=0.8, color=shade, hatch=hatches[i % len(hatches)],
                 edgecolor="black", linewidth=0.6)
        if hi - lo > 0.07:
            qax.text((lo + hi) / 2, 0, f"{a['label']}", ha="center", va="center", fontsize=8,
                     color="white" if i % 2 == 0 else "black",
                     bbox={"facecolor": "0.3" if i % 2 == 0 else "0.8", "edgecolor": "none", "pad": 1})
    qax.set_xlim(0, 1)
    qax.set_yticks([])
    bounds = sorted({0.0, 1.0} | {a["q_low"] for a in adm} | {a["q_high"] for a in adm})
    if all(b - a >= 0.06 for a, b in zip(bounds, bounds[1:])):
        qax.set_xticks(bounds, [f"{b:.3f}" if 0 < b < 1 else f"{b:.10g}" for b in bounds])
    qax.set_xlabel("weight q on n in q n + (1 - q) EN0:  0 = optimal (EN0 only),  1 = minimax (n only)",
                   fontsize=9)
    qax.tick_params(labelsize=9)
    if path is not None:
        save_figure(fig, path)
    return fig


def oc_comparison_designs(result, single=None, chosen=None):
    """The designs a Simon search offers for comparison, with legend labels.

    In order: ``chosen`` (if given, labelled "chosen: ..."), the optimal and
    minimax designs, the admissible design whose q range contains 0.5 (the
    choice of a sponsor who weighs n and EN0 equally) and the single-stage
    design ``single``; a design already listed is not repeated.

    Parameters
    ----------
    result : SimonResult
        From :func:`phase2design.simon_design`.
    single : SingleStageDesign, optional
        E.g. ``single_stage_design(...).design`` for the same inputs.
    chosen : TwoStageDesign or SingleStageDesign, optional
        The design of interest, drawn first (solid black).

    Returns
    -------
    (list, list of str)
        Designs and labels, ready for :func:`plot_oc`.
    """
    if not hasattr(result, "admissible"):
        raise TypeError(f"result must be a SimonResult from simon_design(), got {type(result).__name__}")
    from .engine.design import Design

    half = next((d for d in result.admissible if d.q_low <= 0.5 <= d.q_high), None)
    candidates = [chosen, result.optimal, result.minimax, half, single]
    designs, labels, seen = [], [], set()
    for i, d in enumerate(candidates):
        if d is None:
            continue
        key = Design.parse(d)
        if key in seen:
            continue
        seen.add(key)
        if hasattr(d, "r1") or hasattr(d, "stages"):
            text = f"{d.kind or 'two stage'} {d.label()}"
            if d is half and d.kind == "admissible":
                text += " (best at q = 0.5)"
        else:
            text = f"single stage {d.label()}"
        designs.append(d)
        labels.append(("chosen: " if i == 0 else "") + text)
    return designs, labels

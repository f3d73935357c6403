"""The ``phase2design`` command line.

Data go to stdout, messages to stderr.  Exit codes: 0 success, 1 no feasible
design (the message says what to change), 2 bad input, 130 interrupted.
Heavy modules (numba kernels, pandas, matplotlib) load only inside commands.
"""

import math
import sys
import time

import click

from . import __version__
from .present import render as R
from ._validation import is_count

FORMATS = ("table", "json", "csv", "markdown")
CONVENTION_2 = ("Convention (Simon 1989): r1/n1, r/n = stop after n1 patients if X1 <= r1; "
                "otherwise declare the drug promising (reject H0) if X1 + X2 > r.")
CONVENTION_1 = ("Convention: r/n = declare the drug promising (reject H0) if X > r, i.e. at least r + 1 "
                "of n respond (A'Hern 2001 tabulates r + 1).")


class _Infeasible(click.ClickException):
    exit_code = 1


class _BadInput(click.ClickException):
    exit_code = 2


def _fail_bad(msg):
    raise _BadInput(msg)


def _run(fn):
    """Turn library errors into one-line messages with the right exit code."""
    from .engine.oc import NoFeasibleDesignError

    try:
        return fn()
    except NoFeasibleDesignError as e:
        raise _Infeasible(str(e)) from None
    except (ValueError, TypeError) as e:
        raise _BadInput(str(e)) from None


# ---------------------------------------------------------------------------
# Argument parsing helpers
# ---------------------------------------------------------------------------

def _float_token(name, tok):
    try:
        return float(tok)
    except ValueError:
        _fail_bad(f"{name} must be a number, got {tok!r}")


def parse_rates(name, text):
    """'0.05,0.25' -> [0.05, 0.25]; '0:1:0.05' -> 0, 0.05, ..., 1 (inclusive)."""
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            _fail_bad(f"{name} grid must be START:STOP:STEP, got {text!r}")
        start, stop, step = (_float_token(name, t) for t in parts)
        if not all(math.isfinite(v) for v in (start, stop, step)) or step <= 0 or stop < start:
            _fail_bad(f"{name} grid needs finite START <= STOP and STEP > 0, got {text!r}")
        span = (stop - start) / step
        if not math.isfinite(span) or span > 100000:
            _fail_bad(f"{name} grid must have at most 100000 points, got {text!r}")
        count = int(math.floor(span + 1e-9)) + 1
        return [round(start + i * step, 12) for i in range(count)]
    if not text:
        _fail_bad(f"{name} must not be empty")
    tokens = text.split(",")
    if any(not t.strip() for t in tokens):
        _fail_bad(f"{name} has an empty entry between commas, got {text!r}")
    return [_float_token(name, t) for t in tokens]


def _emit(fmt, obj, headers, rows, text_fn):
    if fmt == "json":
        click.echo(R.to_json(obj))
    elif fmt == "csv":
        click.echo(R.csv_table(headers, rows))
    elif fmt == "markdown":
        click.echo(R.markdown_table(headers, [[R.fmt(c, 6) for c in r] for r in rows]))
    else:
        click.echo(text_fn())


class _Progress:
    """A one-line progress note on stderr, shown only on a terminal and only for slow runs."""

    def __init__(self, label, enabled):
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, n):
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start > 0.5 and now - self.last > 0.2:
            click.echo(f"\r{self.label}: n = {n} ({now - self.start:.1f} s)", err=True, nl=False)
            self.last = now
            self.shown = True

    def done(self):
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


def _check_plot_path(path):
    from .plots import check_figure_path

    _run(lambda: check_figure_path(path))


def _agg():
    """The CLI draws to files only: a non-interactive backend, chosen before anything is drawn."""
    import matplotlib

    matplotlib.use("Agg")


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="Output format; json equals the library's to_dict().")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="phase2design")
def cli():
    """Exact design and analysis of single-arm phase II trials (binary endpoint).

    Conventions (Simon 1989): a two-stage design r1/n1, r/n stops after n1
    patients if X1 <= r1 and declares the drug promising (rejects H0) if
    X1 + X2 > r; a single-stage design r/n rejects H0 if X > r.

    Exit codes: 0 success, 1 no feasible design, 2 bad input.
    """


# ---------------------------------------------------------------------------
# simon
# ---------------------------------------------------------------------------

_SIMON_HEADERS = ["kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1",
                  "q_low", "q_high"]


@cli.command()
@click.option("--p0", type=float, required=True, help="Uninteresting response rate (H0).")
@click.option("--p1", type=float, required=True, help="Response rate worth pursuing (H1).")
@click.option("--alpha", type=float, required=True, help="Largest type I error.")
@click.option("--beta", type=float, required=True, help="Largest type II error (power >= 1 - beta).")
@click.option("--nmax", type=int, default=None,
              help="Largest total n to consider (default: search until the optimal design is proven; max 5000).")
@click.option("--all", "show_all", is_flag=True, help="Also list the minimum-EN0 design for every n searched.")
@click.option("--feasible", is_flag=True,
              help="List every feasible design with n in --n-range (and n1 in --n1-range) instead.")
@click.option("--n-range", default=None, help="With --feasible: total sample sizes LOW:HIGH (inclusive).")
@click.option("--n1-range", default=None, help="With --feasible: stage-1 sizes LOW:HIGH (inclusive).")
@click.option("--quiet", is_flag=True, help="No progress note on stderr.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the design space (EN0 against n, admissible designs and q ranges) to FILE "
                   "(.png, .svg or .pdf).")
@click.option("--plot-oc", "plot_oc_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the OC curves of the optimal, minimax, q = 0.5 admissible and single-stage designs "
                   "to FILE.")
@format_option
def simon(p0, p1, alpha, beta, nmax, show_all, feasible, n_range, n1_range, quiet, plot_path, plot_oc_path, fmt):
    """Simon two-stage designs: minimax, admissible and optimal.

    Example: phase2design simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.2 --plot space.png
    """
    from .families.simon import simon_design

    if feasible and (plot_path is not None or plot_oc_path is not None):
        _fail_bad("--plot and --plot-oc draw the result of the design search; drop them or drop --feasible")
    for path in (plot_path, plot_oc_path):
        if path is not None:
            _check_plot_path(path)
    if feasible:
        return _feasible(p0, p1, alpha, beta, n_range, n1_range, fmt)
    if n_range is not None or n1_range is not None:
        _fail_bad("--n-range and --n1-range go with --feasible")

    prog = _Progress("searching", not quiet)
    try:
        res = _run(lambda: simon_design(p0, p1, alpha, beta, nmax=nmax, progress=prog))
    finally:
        prog.done()
    if res.near_ties:
        click.echo(res.tie_note(), err=True)
    designs = res.admissible
    if show_all:
        marks = {(d.r1, d.n1, d.r, d.n): d for d in res.admissible}
        designs = [marks.get((d.r1, d.n1, d.r, d.n), d) for d in res.best_by_n]
    rows = [[d.kind or "", d.r1, d.n1, d.r, d.n, d.en0, d.pet0, d.attained_alpha, d.power, d.en1, d.pet1,
             d.q_low, d.q_high] for d in designs]

    def text():
        out = [f"Simon two-stage designs for p0={res.p0:.10g}, p1={res.p1:.10g}, alpha={res.alpha:.10g}, beta={res.beta:.10g}",
               CONVENTION_2, ""]
        trows = [[d.kind or "", f"{d.r1}/{d.n1}", f"{d.r}/{d.n}", R.fmt(d.en0, 2), R.fmt(d.pet0, 3),
                  R.fmt(d.attained_alpha, 4), R.fmt(d.power, 4), R.fmt(d.en1, 2),
                  "" if d.q_low is None else f"[{d.q_low:.3f}, {d.q_high:.3f}]"] for d in designs]
        out.append(R.text_table(["design", "r1/n1", "r/n", "EN0", "PET0", "alpha", "power", "EN1", "q range"],
                                trows, ["l", "r", "r", "r", "r", "r", "r", "r", "l"]))
        out.append("")
        out.append(f"optimal: {res.optimal.label()}: {res.optimal.rule()}.")
        out.append(f"minimax: {res.minimax.label()}: {res.minimax.rule()}.")
        out.append("alpha and power are exact attained values; q range: weights q for which the design "
                   "minimises q*n + (1-q)*EN0 (Jung et al. 2004).")
        out.append(f"Searched n = {res.best_by_n[0].n}..{res.n_searched}; stopped by {res.stop_reason}.")
        return "\n".join(out)

    _emit(fmt, res.to_dict(), _SIMON_HEADERS, rows, text)
    if plot_path is not None or plot_oc_path is not None:
        _simon_plots(res, nmax, plot_path, plot_oc_path)


def _simon_plots(res, nmax, plot_path, plot_oc_path):
    _agg()
    from .plots import default_oc_grid, oc_comparison_designs, plot_design_space, plot_oc

    if plot_path is not None:
        plot_design_space(res, plot_path)
        click.echo(f"wrote {plot_path}", err=True)
    if plot_oc_path is not None:
        from .engine.oc import NoFeasibleDesignError
        from .families.single import single_stage_design

        try:
            single = single_stage_design(res.p0, res.p1, res.alpha, res.beta, nmax=nmax).design
        except NoFeasibleDesignError:
            single = None
        designs, labels = oc_comparison_designs(res, single)
        plot_oc(designs, default_oc_grid(res.p0, res.p1), p0=res.p0, p1=res.p1, labels=labels, path=plot_oc_path)
        click.echo(f"wrote {plot_oc_path}", err=True)


def _int_range(name, text):
    parts = text.split(":")
    if len(parts) != 2 or not all(is_count(p.strip()) for p in parts):
        _fail_bad(f"{name} must be LOW:HIGH with whole numbers, got {text!r}")
    return int(parts[0]), int(parts[1])


def _feasible(p0, p1, alpha, beta, n_range, n1_range, fmt):
    from .families.simon import simon_feasible_designs

    if n_range is None:
        _fail_bad("--feasible needs --n-range LOW:HIGH (the total sample sizes to list)")
    nr = _int_range("--n-range", n_range)
    n1r = None if n1_range is None else _int_range("--n1-range", n1_range)
    df = _run(lambda: simon_feasible_designs(p0, p1, alpha, beta, n_range=nr, n1_range=n1r))
    records = df.to_dict(orient="records")
    headers = list(df.columns)
    rows = [[rec[c] for c in headers] for rec in records]

    def text():
        out = [f"Every feasible Simon design with n in {nr[0]}..{nr[1]}"
               + ("" if n1r is None else f" and n1 in {n1r[0]}..{n1r[1]}")
               + f" for p0={p0:.10g}, p1={p1:.10g}, alpha={alpha:.10g}, beta={beta:.10g}",
               CONVENTION_2,
               "For each (n, n1, r1) the smallest r meeting alpha is listed (it has the most power).", ""]
        if not rows:
            out.append("none")
        else:
            out.append(R.text_table(["r1/n1", "r/n", "EN0", "PET0", "alpha", "power"],
                                    [[f"{int(r['r1'])}/{int(r['n1'])}", f"{int(r['r'])}/{int(r['n'])}",
                                      R.fmt(r["en0"], 2), R.fmt(r["pet0"], 3), R.fmt(r["attained_alpha"], 4),
                                      R.fmt(r["power"], 4)] for r in records]))
        out.append(f"{len(rows)} designs")
        return "\n".join(out)

    _emit(fmt, records, headers, rows, text)


# ---------------------------------------------------------------------------
# single
# ---------------------------------------------------------------------------

@cli.command()
@click.option("--p0", type=str, required=True, help="Null response rate (with --n: one or more, comma-separated).")
@click.option("--p1", type=float, default=None, help="Alternative response rate.")
@click.option("--alpha", type=float, default=None, help="Largest type I error (design search).")
@click.option("--beta", type=float, default=None, help="Largest type II error (design search).")
@click.option("--n", "n", type=int, default=None, help="Fixed sample size: list every cut-off r = 0..n instead.")
@click.option("--ahern-rounded", is_flag=True,
              help="Compare as A'Hern's table did (alpha rounded to 4 decimals, power to 3).")
@click.option("--candidates", type=int, default=5, show_default=True, help="How many feasible designs to list.")
@click.option("--nmax", type=int, default=None, help="Largest n to consider (default 5000).")
@format_option
def single(p0, p1, alpha, beta, n, ahern_rounded, candidates, nmax, fmt):
    """Exact single-stage designs (A'Hern 2001), or every cut-off of a fixed-n trial.

    Examples: phase2design single --p0 0.2 --p1 0.5 --alpha 0.05 --beta 0.2;
    phase2design single --n 9 --p0 0.1,0.2 --p1 0.5
    """
    if n is not None:
        if alpha is not None or beta is not None or ahern_rounded:
            _fail_bad("--n lists every cut-off of a fixed-size trial; drop --alpha/--beta/--ahern-rounded "
                      "or drop --n to search for a design")
        return _cutoffs(n, parse_rates("p0", p0), p1, fmt)
    if p1 is None or alpha is None or beta is None:
        _fail_bad("a design search needs --p1, --alpha and --beta (or give --n for the fixed-n table)")
    p0v = parse_rates("p0", p0)
    if len(p0v) != 1:
        _fail_bad(f"a design search takes one p0, got {p0!r}")
    from .families.single import single_stage_design

    res = _run(lambda: single_stage_design(p0v[0], p1, alpha, beta,
                                           comparison="ahern-rounded" if ahern_rounded else "strict",
                                           candidates=candidates, nmax=nmax))
    headers = ["r", "n", "r_min", "attained_alpha", "power"]
    rows = [[d.r, d.n, d.r_min, d.attained_alpha, d.power] for d in res.candidates]

    def text():
        d = res.design
        cmp = ("A'Hern's rounded comparison (alpha to 4 decimals, power to 3)" if ahern_rounded
               else "strict comparison of exact values")
        out = [f"Single-stage design for p0={res.p0:.10g}, p1={res.p1:.10g}, alpha={res.alpha:.10g}, beta={res.beta:.10g}",
               CONVENTION_1, f"Feasibility: {cmp}.", "",
               f"design: {d.label()}: {d.rule()}.",
               f"attained alpha {d.attained_alpha:.4f}, power {d.power:.4f}", "",
               "Smallest feasible n first (a larger n is not always feasible):"]
        out.append(R.text_table(["r/n", "at least", "alpha", "power"],
                                [[d.label(), f"{d.r_min}/{d.n}", R.fmt(d.attained_alpha, 4), R.fmt(d.power, 4)]
                                 for d in res.candidates]))
        return "\n".join(out)

    _emit(fmt, res.to_dict(), headers, rows, text)


def _cutoffs(n, p0s, p1, fmt):
    from .families.single import cutoff_table

    tab = _run(lambda: cutoff_table(n, p0s, p1))
    rows_d = tab.rows()
    headers = list(rows_d[0].keys())
    rows = [list(r.values()) for r in rows_d]

    def text():
        out = [f"Every decision rule for a single-stage trial of {tab.n} patients", CONVENTION_1, ""]
        th = ["r", "rule"] + [f"alpha at p0={v:.10g}" for v in tab.p0] + ([f"power at p1={tab.p1:.10g}"] if tab.power
                                                                        else [])
        trows = []
        for j, r in enumerate(tab.r):
            rule = f">= {r + 1} of {tab.n}" if r < tab.n else "never"
            row = [r, rule] + [R.fmt(a[j], 4) for a in tab.alpha]
            if tab.power:
                row.append(R.fmt(tab.power[j], 4))
            trows.append(row)
        out.append(R.text_table(th, trows, ["r", "l"] + ["r"] * (len(th) - 2)))
        return "\n".join(out)

    _emit(fmt, tab.to_dict(), headers, rows, text)


# ---------------------------------------------------------------------------
# oc
# ---------------------------------------------------------------------------

@cli.command()
@click.option("--r1", type=int, default=None, help="Stop after stage 1 if X1 <= r1 (omit for single stage).")
@click.option("--n1", type=int, default=None, help="Stage-1 sample size (omit for single stage).")
@click.option("--r", "r", type=int, required=True, help="Declare promising if total responses > r.")
@click.option("--n", "n", type=int, required=True, help="Total sample size.")
@click.option("--p", "p", type=str, required=True, help="Response rates: '0.05,0.25' or a grid '0:1:0.05'.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw P(declare promising), PET and EN over the --p grid to FILE (.png, .svg or .pdf).")
@click.option("--compare", multiple=True, metavar="DESIGN",
              help="Another design 'r1/n1,r/n' or 'r/n' to overlay on --plot (repeatable).")
@click.option("--p0", "mark_p0", type=float, default=None, help="Mark p0 on --plot.")
@click.option("--p1", "mark_p1", type=float, default=None, help="Mark p1 on --plot.")
@format_option
def oc(r1, n1, r, n, p, plot_path, compare, mark_p0, mark_p1, fmt):
    """Exact operating characteristics of a design over response rates.

    Examples: phase2design oc --r1 0 --n1 9 --r 2 --n 24 --p 0.05,0.25;
    phase2design oc --r1 1 --n1 10 --r 5 --n 29 --p 0:0.6:0.01 --plot oc.png
    --compare 1/15,5/25 --compare 5/25 --p0 0.1 --p1 0.3
    """
    from .engine.oc import single_stage_oc, two_stage_oc

    ps = parse_rates("p", p)
    if (r1 is None) != (n1 is None):
        _fail_bad("give both --r1 and --n1 for a two-stage design, or neither for a single-stage design")
    if plot_path is None and (compare or mark_p0 is not None or mark_p1 is not None):
        _fail_bad("--compare, --p0 and --p1 only change the figure; give --plot FILE as well")
    if plot_path is not None:
        _check_plot_path(plot_path)
        from ._validation import check_rate, parse_design

        others = []
        for c in compare:
            try:
                others.append(parse_design(c))
            except (ValueError, TypeError) as e:
                _fail_bad(f"--compare {c!r}: {e}")
        for name, v in (("p0", mark_p0), ("p1", mark_p1)):
            if v is not None:
                _run(lambda name=name, v=v: check_rate(name, v, closed=True))
    if r1 is None:
        res = _run(lambda: single_stage_oc(r, n, ps))
    else:
        res = _run(lambda: two_stage_oc(r1, n1, r, n, ps))
    cols = list(res._COLUMNS)
    rows = [[row[c] for c in cols] for row in res.rows()]

    def text():
        conv = CONVENTION_2 if res.design == "two-stage" else CONVENTION_1
        out = [f"Operating characteristics of {res.design} design {res.label}", conv,
               f"Rule: {res.rule}.", ""]
        if res.design == "two-stage":
            th = ["p", "P(reject H0)", "PET", "EN", "stop stage 1", "continue, fail", "continue, succeed"]
            tr = [[R.fmt(x[0], 4)] + [R.fmt(v, 4) for v in x[1:3]] + [R.fmt(x[3], 2)] +
                  [R.fmt(v, 4) for v in x[4:]] for x in rows]
        else:
            th = ["p", "P(reject H0)", "EN"]
            tr = [[R.fmt(x[0], 4), R.fmt(x[1], 4), R.fmt(x[3], 2)] for x in rows]
        out.append(R.text_table(th, tr))
        return "\n".join(out)

    _emit(fmt, res.to_dict(), cols, rows, text)
    if plot_path is not None:
        _agg()
        from .plots import plot_oc

        main_design = (r, n) if r1 is None else (r1, n1, r, n)
        _run(lambda: plot_oc([main_design] + [v for _, v in others], ps, p0=mark_p0, p1=mark_p1, path=plot_path))
        if len(ps) < 10:
            click.echo(f"note: the figure has only {len(ps)} points; a grid such as --p 0:1:0.01 draws smooth "
                       f"curves", err=True)
        click.echo(f"wrote {plot_path}", err=True)


# ---------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------

def _parse_observed(text):
    parts = text.replace(" ", "").split("/")
    if len(parts) != 2 or not all(is_count(p) for p in parts):
        _fail_bad(f"observed result must look like x/n with whole numbers (e.g. 3/9), got {text!r}")
    return int(parts[0]), int(parts[1])


def _parse_prior(text):
    name = text.strip().lower()
    if name in ("jeffreys", "uniform"):
        return name
    vals = parse_rates("prior", text)
    if len(vals) != 2:
        _fail_bad(f"prior must be 'a,b' (Beta parameters), 'jeffreys' or 'uniform', got {text!r}")
    return tuple(vals)


def _flat(d, prefix=""):
    """Nested dict -> one flat row (lists indexed), for csv and markdown."""
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, key + "."))
        elif isinstance(v, list):
            if v and isinstance(v[0], dict):
                for i, item in enumerate(v):
                    out.update(_flat(item, f"{key}[{i}]."))
            else:
                out[key] = ";".join(str(x) for x in v)
        else:
            out[key] = v
    return out


@cli.command()
@click.argument("observed")
@click.option("--threshold", type=float, required=True, help="Predefined response rate; met if x/n >= threshold.")
@click.option("--p0", type=float, default=None, help="Uninteresting rate: adds the exact one-sided p-value.")
@click.option("--design", type=str, default=None, help="Design the trial followed: 'r/n' or 'r1/n1,r/n'.")
@click.option("--confidence", "confidence", type=float, multiple=True,
              help="Confidence level (repeatable; default 0.90 and 0.95).")
@click.option("--ci-method", default="clopper-pearson", show_default=True,
              help="clopper-pearson, mid-p, blaker, wilson, wilson-cc, jeffreys, agresti-coull or wald.")
@click.option("--prior", default="jeffreys", show_default=True,
              help="Beta prior for the posterior probability: 'a,b', 'jeffreys' or 'uniform'.")
@click.option("--alpha", type=float, default=0.05, show_default=True,
              help="Level for the exact test's critical count against p0.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw the distribution to FILE (.png, .svg or .pdf).")
@click.option("--no-picture", is_flag=True, help="Leave the text picture out of the table output.")
@format_option
def evaluate(observed, threshold, p0, design, confidence, ci_method, prior, alpha, plot_path, no_picture, fmt):
    """Where an observed x/n stands against a threshold: exact CIs, probabilities, decision.

    Example: phase2design evaluate 3/9 --threshold 0.5
    """
    from .evaluation import evaluate as run

    x, n = _parse_observed(observed)
    levels = tuple(confidence) if confidence else (0.90, 0.95)
    pri = _parse_prior(prior)
    if plot_path is not None:
        from .plots import check_figure_path

        _run(lambda: check_figure_path(plot_path))
    ev = _run(lambda: run(x, n, threshold, p0=p0, design=design, confidence_level=levels, ci_method=ci_method,
                          prior=pri, alpha=alpha))
    if plot_path is not None:
        import matplotlib

        matplotlib.use("Agg")
        from .plots import plot_evaluation

        plot_evaluation(ev, plot_path)
        click.echo(f"wrote {plot_path}", err=True)
    d = ev.to_dict()
    flat = _flat(d)

    def text():
        from .plots import evaluation_text_plot

        out = [f"Evaluation of {x}/{n} against a threshold of {threshold:.10g}", ""]
        out.extend(ev.summary())
        out.append("")
        out.append(R.text_table(["level", "method", "low", "high", f"contains {threshold:.10g}"],
                                [[f"{100 * ci.confidence_level:.10g}%", ci.method, f"{100 * ci.low:.1f}%",
                                  f"{100 * ci.high:.1f}%", "yes" if inside else "no"]
                                 for ci, inside in zip(ev.intervals, ev.threshold.inside_ci)],
                                ["r", "l", "r", "r", "l"]))
        if not no_picture:
            out.append("")
            out.append(evaluation_text_plot(ev))
        return "\n".join(out)

    _emit(fmt, d, list(flat.keys()), [list(flat.values())], text)


# ---------------------------------------------------------------------------
# analyze
# ---------------------------------------------------------------------------

@cli.command()
@click.option("--design", required=True, help="Simon design 'r1/n1,r/n' the trial followed.")
@click.option("--x1", type=int, required=True, help="Responses in stage 1.")
@click.option("--x2", type=int, default=None, help="Responses in stage 2 (omit if the trial stopped).")
@click.option("--n2", type=int, default=None, help="Stage-2 patients actually evaluated, if not as planned.")
@click.option("--p0", type=float, default=None, help="Null response rate for the p-value.")
@click.option("--confidence", type=float, default=0.95, show_default=True, help="Two-sided confidence level.")
@format_option
def analyze(design, x1, x2, n2, p0, confidence, fmt):
    """Exact inference after a Simon two-stage trial (stage-wise ordering).

    Example: phase2design analyze --design 1/10,5/29 --x1 2 --x2 4 --p0 0.1
    """
    from ._validation import parse_design
    from .twostage_inference import analyze_two_stage

    kind, values = _run(lambda: parse_design(design))
    if kind != "two":
        _fail_bad(f"design must be a two-stage 'r1/n1,r/n' for analyze, got {design!r}; "
                  f"use 'evaluate x/n --design r/n' for a single-stage trial")
    res = _run(lambda: analyze_two_stage(values, x1, x2, n2=n2, p0=p0, confidence_level=confidence))
    d = res.to_dict()
    flat = _flat(d)

    def text():
        lvl = f"{100 * res.confidence_level:.10g}%"
        data = f"x1 = {res.x1} of {res.n1}" + ("" if res.x2 is None else f", x2 = {res.x2} of {res.n2}")
        out = [f"Analysis of Simon design {res.label()} with {data}", CONVENTION_2,
               f"Decision: {res.decision}", "",
               f"Ordering of the sample space: {res.ordering}; estimates and limits below are exact.", ""]
        rows = [["naive x/n (biased after a two-stage design)", R.fmt(res.naive_estimate, 4)],
                ["UMVUE (Jung & Kim 2004)", R.fmt(res.umvue, 4)],
                ["median-unbiased estimate", R.fmt(res.median_unbiased, 4)],
                [f"{lvl} exact CI", f"{res.ci_lower:.4f} - {res.ci_upper:.4f}"],
                [f"{lvl} mid-p CI", f"{res.ci_midp_lower:.4f} - {res.ci_midp_upper:.4f}"]]
        if res.pvalue is not None:
            rows.append([f"one-sided p-value vs p0 = {res.p0:.10g}", R.fmt(res.pvalue, 4)])
            rows.append(["mid-p value", R.fmt(res.pvalue_midp, 4)])
        out.append(R.text_table(["quantity", "value"], rows, ["l", "r"]))
        if res.adjustment != "none":
            out.append("")
            out.append(f"Stage 2 enrolled {res.n2} instead of {res.n2_planned}: cut-off adjusted by "
                       f"{res.adjustment} (conditional type I error {res.conditional_error_actual:.4f} <= "
                       f"planned {res.conditional_error_planned:.4f}).")
        return "\n".join(out)

    _emit(fmt, d, list(flat.keys()), [list(flat.values())], text)


# Commands defined in other modules are registered here (each module imports its heavy dependencies
# inside the command body, so registration costs nothing at start-up).
from .cli_report import report as _report  # noqa: E402
cli.add_command(_report)
# [report commands]
# [planning commands]
from .cli_plan import grid as _grid_command, plan as _plan_command  # noqa: E402
cli.add_command(_plan_command)
cli.add_command(_grid_command)


def _shorten(message, limit=400):
    """Keep an error on one readable line even when it quotes a huge input."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit - 20] + " ... " + message[-15:]


def main(argv=None):
    """Entry point: one-line errors, exit 2 for usage errors, 130 on Ctrl-C."""
    try:
        rv = cli.main(args=argv, prog_name="phase2design", standalone_mode=False)
    except click.ClickException as e:
        if type(e).__name__.startswith("NoArgsIsHelp"):
            click.echo(e.format_message())
            sys.exit(2)
        click.echo(f"Error: {_shorten(e.format_message())}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as e:
        # a file the user named could not be written or read (unwritable folder, /proc, full disk)
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        click.echo(f"Error: cannot use file{where}: {e.strerror or e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()

"""The ``plan`` and ``grid`` commands (registered in :mod:`phase2design.cli`).

Only click is imported here at start-up; the library modules, numba and
pandas load inside the command bodies.  Helpers shared with the other
commands are taken from :mod:`phase2design.cli` when a command runs, so this
module can be imported on its own.
"""

import sys
import time

import click

from .present import render as R
from ._validation import is_count

_PLAN_FORMATS = ("table", "json", "csv", "markdown")
_GRID_FORMATS = ("table", "csv", "json", "markdown", "parquet")


def _cli():
    from . import cli

    return cli


# ---------------------------------------------------------------------------
# plan
# ---------------------------------------------------------------------------

def _parse_pilot(text):
    parts = text.replace(" ", "").split("/")
    if len(parts) != 2 or not all(is_count(p) for p in parts):
        _cli()._fail_bad(f"--pilot must look like x/n with whole numbers (e.g. 3/9), got {text!r}")
    return int(parts[0]), int(parts[1])


def _plan_text(plan):
    out = [f"Follow-up designs after a pilot of {plan.pilot_x}/{plan.pilot_n} "
           f"({100 * plan.pilot_x / plan.pilot_n:.1f}%), for p0={plan.p0:.10g}, alpha={plan.alpha:.10g}, "
           f"beta={plan.beta:.10g}",
           f"Posterior: {plan.posterior_text()}; P(p > p0 = {plan.p0:.10g} | pilot) = "
           f"{plan.posterior_prob_above_p0:.3f}.",
           f"Candidate p1: {plan.candidate_rule}.", ""]
    rows = []
    for c in plan.candidates:
        used = "yes" if c.used else f"no: {c.note}"
        if c.used and not c.plausible:
            used = "yes (implausible)"
        value = "" if c.source == "given" else R.fmt(c.value, 4)
        rows.append([f"{c.p1:.10g}", c.source, value, R.fmt(c.posterior_prob_at_least, 3), used])
    out.append(R.text_table(["p1", "from", "value", "P(p >= p1 | pilot)", "used"], rows,
                            ["r", "l", "r", "r", "l"]))
    out += ["", _cli().CONVENTION_2, _cli().CONVENTION_1, ""]
    trows = []
    for d in plan.designs:
        stage1 = "-" if d.r1 is None else f"{d.r1}/{d.n1}"
        trows.append([f"{d.p1:.10g}", d.kind, stage1, f"{d.r}/{d.n}", R.fmt(d.en0, 2), R.fmt(d.pet0, 3),
                      R.fmt(d.attained_alpha, 4), R.fmt(d.power, 4), R.fmt(d.assurance, 4), R.fmt(d.expected_n, 2),
                      R.fmt(d.pet, 3)])
    out.append(R.text_table(["p1", "design", "r1/n1", "r/n", "EN0", "PET0", "alpha", "power", "assurance",
                             "E[N]", "P(stop)"], trows, ["r", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"]))
    out.append("")
    pa, pb = plan.posterior
    out.append(f"EN0, PET0, alpha and power are exact at p0 and p1. Assurance (P(declare the drug promising)), "
               f"E[N] and P(stop) (early stopping) are exact under the posterior Beta({pa:.10g}, {pb:.10g}), i.e. "
               f"averaged over the response rates the pilot supports (beta-binomial sums, no simulation).")
    lo = min(d.assurance for d in plan.designs)
    hi = max(d.assurance for d in plan.designs)
    out.append(f"Worth running? The pilot gives P(p > p0) = {plan.posterior_prob_above_p0:.3f}; these designs "
               f"declare the drug promising with probability {lo:.3f} to {hi:.3f}.")
    for w in plan.warnings:
        out.append(f"Warning: {w}.")
    return "\n".join(out)


@click.command()
@click.option("--pilot", required=True, help="Pilot result x/n, e.g. 3/9.")
@click.option("--p0", type=float, required=True, help="Uninteresting response rate (H0) of the follow-up.")
@click.option("--alpha", type=float, required=True, help="Largest type I error.")
@click.option("--beta", type=float, required=True, help="Largest type II error (power >= 1 - beta).")
@click.option("--p1", "p1", type=str, default=None,
              help="Rates to design for, comma-separated (default: chosen from the pilot as described above).")
@click.option("--prior", default="jeffreys", show_default=True,
              help="Beta prior: 'a,b', 'jeffreys' (0.5,0.5) or 'uniform' (1,1).")
@click.option("--pilot-weight", type=float, default=1.0, show_default=True,
              help="Power prior weight in (0, 1]: each pilot patient counts as this many (discounts the pilot).")
@click.option("--plausibility", type=float, default=0.2, show_default=True,
              help="Warn when P(p >= p1 | pilot) is below this level.")
@click.option("--levels", default="0.8,0.9", show_default=True,
              help="One-sided levels of the Clopper-Pearson lower limits used as default p1 values.")
@click.option("--min-diff", type=float, default=0.05, show_default=True,
              help="A default p1 must be at least p0 + this.")
@click.option("--format", "fmt", type=click.Choice(_PLAN_FORMATS), default="table", show_default=True,
              help="Output format; json equals the library's to_dict().")
def plan(pilot, p0, alpha, beta, p1, prior, pilot_weight, plausibility, levels, min_diff, fmt):
    """Follow-up designs after a pilot, with their assurance under the pilot's posterior.

    For each candidate p1: the single-stage (A'Hern), Simon optimal and Simon
    minimax designs with n, EN0, PET0, attained alpha and power, and -- with
    the true rate drawn from the posterior Beta(a + w x, b + w (n - x)) --
    the assurance (probability of declaring the drug promising), expected
    sample size and probability of stopping early, all exact.

    Default p1 values: the pilot estimate x/n and the lower limits of the
    one-sided 80% and 90% exact Clopper-Pearson intervals, rounded to 0.01,
    kept if at least p0 + 0.05 and at most 0.99 (exit 1 if none is left:
    give --p1).

    Example: phase2design plan --pilot 3/9 --p0 0.1 --alpha 0.05 --beta 0.2
    """
    C = _cli()
    from .planning import NoCandidateRateError, plan_followup

    x, n = _parse_pilot(pilot)
    p1s = None if p1 is None else C.parse_rates("p1", p1)
    pri = C._parse_prior(prior)
    lv = C.parse_rates("levels", levels)

    def go():
        try:
            return plan_followup((x, n), p0, alpha, beta, p1=p1s, prior=pri, pilot_weight=pilot_weight,
                                 plausibility=plausibility, levels=lv, min_difference=min_diff)
        except NoCandidateRateError as e:
            raise C._Infeasible(str(e)) from None

    res = C._run(go)
    for w in res.warnings:
        if fmt != "table":
            click.echo(f"Warning: {w}.", err=True)
    rows = res.rows()
    headers = list(rows[0].keys())
    C._emit(fmt, res.to_dict(), headers, [list(r.values()) for r in rows], lambda: _plan_text(res))


# ---------------------------------------------------------------------------
# grid
# ---------------------------------------------------------------------------

class _Bar:
    """Progress on stderr: a redrawn bar on a terminal, nothing otherwise (the summary line follows)."""

    def __init__(self, enabled):
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done, total):
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        rate = ""
        if now - self.start > 0.5:
            rate = f", {now - self.start:.1f} s"
        click.echo(f"\rgrid [{'#' * filled}{'.' * (width - filled)}] {done}/{total} scenarios{rate}  ",
                   err=True, nl=False)
        self.shown = True

    def done(self):
        if self.shown:
            click.echo("\r" + " " * 72 + "\r", err=True, nl=False)
            self.shown = False


def _parse_errors(C, text):
    pairs = []
    for tok in text.split(","):
        bits = tok.strip().split("/")
        if len(bits) != 2:
            C._fail_bad(f"--errors must be alpha/beta pairs such as 0.10/0.10,0.05/0.20, got {text!r}")
        pairs.append((C._float_token("errors", bits[0]), C._float_token("errors", bits[1])))
    return pairs


def _grid_table(rows):
    th = ["p0", "p1", "alpha", "beta", "design", "r1/n1", "r/n", "EN0", "PET0", "att. alpha", "power"]
    out = []
    for r in rows:
        d = dict(zip(("p0", "p1", "alpha", "beta", "family", "kind", "r1", "n1", "r", "n", "en0", "pet0",
                      "attained_alpha", "power", "q_low", "q_high", "note"), r))
        if d["kind"] == "none":
            out.append([f"{d['p0']:.10g}", f"{d['p1']:.10g}", f"{d['alpha']:.10g}", f"{d['beta']:.10g}",
                        f"{d['family']}: none", "", "", "", "", "", ""])
            continue
        out.append([f"{d['p0']:.10g}", f"{d['p1']:.10g}", f"{d['alpha']:.10g}", f"{d['beta']:.10g}", d["kind"],
                    "-" if d["r1"] is None else f"{d['r1']}/{d['n1']}", f"{d['r']}/{d['n']}", R.fmt(d["en0"], 2),
                    R.fmt(d["pet0"], 3), R.fmt(d["attained_alpha"], 4), R.fmt(d["power"], 4)])
    return R.text_table(th, out, ["r", "r", "r", "r", "l", "r", "r", "r", "r", "r", "r"])


@click.command()
@click.option("--p0", required=True, help="Null rates: '0.1,0.2' or a grid START:STOP:STEP such as 0.05:0.70:0.05.")
@click.option("--delta", required=True, help="Differences p1 - p0, comma-separated (p1 >= 1 is skipped).")
@click.option("--alpha", default=None, help="Type I errors, comma-separated (every alpha with every beta).")
@click.option("--beta", default=None, help="Type II errors, comma-separated.")
@click.option("--errors", default=None,
              help="Chosen alpha/beta pairs instead, e.g. Simon's 0.10/0.10,0.05/0.20,0.05/0.10.")
@click.option("--family", default="single,simon", show_default=True,
              help="Design families: single (A'Hern) and/or simon (optimal and minimax).")
@click.option("--admissible", is_flag=True, help="Also list the Simon admissible designs between them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write here (.csv, .json, .md, .parquet); resumable through FILE.journal.")
@click.option("--format", "fmt", type=click.Choice(_GRID_FORMATS), default=None,
              help="Output format (default: from the file name; table on stdout).")
@click.option("--backend", type=click.Choice(("serial", "processes", "dask")), default=None,
              help="Where to compute (default: processes, or dask with --scheduler).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--scheduler", default=None,
              help="Dask scheduler address, e.g. tcp://HOST:8786 (needs phase2design[distributed]).")
@click.option("--fresh", is_flag=True, help="Ignore the journal of an earlier run and compute everything.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary on stderr.")
def grid(p0, delta, alpha, beta, errors, family, admissible, output, fmt, backend, workers, scheduler, fresh,
         quiet):
    """Designs for every combination of p0, delta, alpha, beta and family (Simon 1989 Tables 1-2).

    One row per scenario and design kind: p0, p1, alpha, beta, family, kind,
    r1, n1, r, n, en0, pet0, attained_alpha, power, q_low, q_high, note.
    Rows follow the inputs' order (delta, p0, alpha/beta, family), whatever
    the backend, and floats are written exactly, so serial, processes and
    dask give identical files.

    With -o FILE the run is resumable: each finished scenario is appended to
    FILE.journal, FILE is replaced whole (never left with partial rows), and
    rerunning the same command skips what is done. Ctrl-C stops cleanly
    (exit 130).

    Example: phase2design grid --p0 0.05:0.70:0.05 --delta 0.15,0.20
    --alpha 0.05,0.10 --beta 0.10,0.20 --family single,simon -o designs.csv
    """
    C = _cli()
    from .grid.runner import GridInterrupted, run_grid

    p0s = C.parse_rates("p0", p0)
    deltas = C.parse_rates("delta", delta)
    fams = [f.strip() for f in family.split(",")]
    if errors is not None:
        if alpha is not None or beta is not None:
            C._fail_bad("give either --alpha and --beta (every combination) or --errors (pairs), not both")
        pairs, alphas, betas = _parse_errors(C, errors), None, None
    else:
        if alpha is None or beta is None:
            C._fail_bad("a grid needs --alpha and --beta (or --errors alpha/beta pairs)")
        pairs, alphas, betas = None, C.parse_rates("alpha", alpha), C.parse_rates("beta", beta)
    if output is None and fmt == "parquet":
        C._fail_bad("Parquet output needs a file: give -o FILE.parquet")
    if output is not None and fmt == "table":
        C._fail_bad("--format table is for the terminal; a file takes csv, json, markdown or parquet")
    bar = _Bar(not quiet)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    import signal

    try:
        old = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread
        old = None
    try:
        res = C._run(lambda: run_grid(
            p0s, deltas, alphas, betas, fams, errors=pairs, admissible=admissible, output=output,
            fmt=None if fmt in (None, "table") else fmt, backend=backend, workers=workers, scheduler=scheduler,
            resume=not fresh, progress=bar))
    except GridInterrupted as e:
        bar.done()
        click.echo(e.message(), err=True)
        raise click.exceptions.Exit(130)
    except (ImportError, ConnectionError, RuntimeError) as e:
        bar.done()
        raise C._BadInput(str(e)) from None
    finally:
        bar.done()
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    if output is None:
        text_fmt = fmt or "table"
        from .grid.runner import render

        if text_fmt == "table":
            click.echo(f"{C.CONVENTION_2}\n{C.CONVENTION_1}\n")
            click.echo(_grid_table(res.rows))
        else:
            click.echo(render(res.rows, text_fmt), nl=False)
    if not quiet:
        parts = [f"{res.computed} computed"]
        if res.from_journal:
            parts.append(f"{res.from_journal} from the journal")
        if res.skipped:
            parts.append(f"{len(res.skipped)} (p0, delta) skipped: p1 = p0 + delta >= 1")
        if res.infeasible:
            parts.append(f"{res.infeasible} without a feasible design (kind 'none')")
        where = "" if output is None else f" -> {res.output} (journal {res.journal})"
        how = {"serial": "serially", "processes": f"on {res.workers} processes",
               "dask": f"on {res.workers} Dask worker threads"}[res.backend]
        click.echo(f"grid: {res.scenarios} scenarios ({'; '.join(parts)}) in {res.seconds:.1f} s {how}{where}",
                   err=True)

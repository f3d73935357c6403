"""``phase2design grid``: designs for every combination of p0, delta, alpha, beta and family."""

import time

import click

from ._common import BadInput, Progress, fail_bad, float_token, parse_rates, run

_GRID_FORMATS = ("table", "csv", "json", "markdown", "parquet")


class _Bar(Progress):
    """Progress on stderr: a redrawn bar on a terminal, nothing otherwise (the summary line follows)."""

    clear_width = 72

    def __init__(self, enabled):
        super().__init__("grid", enabled)

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


def _parse_errors(text):
    pairs = []
    for tok in text.split(","):
        bits = tok.strip().split("/")
        if len(bits) != 2:
            fail_bad(f"--errors must be alpha/beta pairs such as 0.10/0.10,0.05/0.20, got {text!r}")
        pairs.append((float_token("errors", bits[0]), float_token("errors", bits[1])))
    return pairs


@click.command()
@click.option("--p0", required=True, help="Null rates: '0.1,0.2' or a grid START:STOP:STEP such as 0.05:0.70:0.05.")
@click.option("--delta", required=True, help="Differences p1 - p0, comma-separated (p1 >= 1 is skipped).")
@click.option("--alpha", default=None, help="Type I errors, comma-separated (every alpha with every beta).")
@click.option("--beta", default=None, help="Type II errors, comma-separated.")
@click.option("--errors", default=None,
              help="Chosen alpha/beta pairs instead, e.g. Simon's 0.10/0.10,0.05/0.20,0.05/0.10.")
@click.option("--family", default="single,simon", show_default=True,
              help="Design families, comma-separated: single (A'Hern), simon (optimal and minimax), "
                   "three-stage, ensign, or any other registered family.")
@click.option("--admissible", is_flag=True, help="Also list the Simon admissible designs between them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write here (.csv, .json, .md, .parquet); resumable through FILE.journal. '-': standard "
                   "output, written once at the end (csv unless --format says otherwise; no journal).")
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
    from ..grid.runner import GridInterrupted, run_grid

    p0s = parse_rates("p0", p0)
    deltas = parse_rates("delta", delta)
    fams = [f.strip() for f in family.split(",")]
    if errors is not None:
        if alpha is not None or beta is not None:
            fail_bad("give either --alpha and --beta (every combination) or --errors (pairs), not both")
        pairs, alphas, betas = _parse_errors(errors), None, None
    else:
        if alpha is None or beta is None:
            fail_bad("a grid needs --alpha and --beta (or --errors alpha/beta pairs)")
        pairs, alphas, betas = None, parse_rates("alpha", alpha), parse_rates("beta", beta)
    if output is None and fmt == "parquet":
        fail_bad("Parquet output needs a file: give -o FILE.parquet")
    if output is not None and fmt == "table":
        fail_bad("--format table is for the terminal; a file takes csv, json, markdown or parquet")
    bar = _Bar(not quiet)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    import signal

    try:
        old = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread
        old = None
    try:
        res = run(lambda: run_grid(
            p0s, deltas, alphas, betas, fams, errors=pairs, admissible=admissible, output=output,
            fmt=None if fmt in (None, "table") else fmt, backend=backend, workers=workers, scheduler=scheduler,
            resume=not fresh, progress=bar))
    except GridInterrupted as e:
        bar.done()
        click.echo(e.message(), err=True)
        raise click.exceptions.Exit(130)
    except (ImportError, ConnectionError, RuntimeError) as e:
        bar.done()
        raise BadInput(str(e)) from None
    finally:
        bar.done()
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    if output is None:
        text_fmt = fmt or "table"
        from ..grid.runner import render

        if text_fmt == "table":
            from ..present import tables as T
            from ..present import texts
            from ..present.blocks import Items
            from ..present.render import render_text

            click.echo(render_text([Items([texts.CONVENTION_2, texts.CONVENTION_1]), T.grid_table(res.rows)]))
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
        where = "" if output is None or res.journal is None else f" -> {res.output} (journal {res.journal})"
        how = {"serial": "serially", "processes": f"on {res.workers} processes",
               "dask": f"on {res.workers} Dask worker threads"}[res.backend]
        click.echo(f"grid: {res.scenarios} scenarios ({'; '.join(parts)}) in {res.seconds:.1f} s {how}{where}",
                   err=True)

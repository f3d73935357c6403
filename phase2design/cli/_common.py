"""What every command shares: errors and exit codes, argument parsing, output, progress.

Exit codes: 0 success, 1 no feasible design (the message says what to
change), 2 bad input (one line on stderr), 130 interrupted.  Only click is
imported here at start-up; the commands import the library (numba kernels,
pandas, matplotlib) and :mod:`phase2design.present` inside their bodies, so
the command line starts fast.
"""

import contextvars
import sys
import time

import click

from .._validation import is_count

FORMATS = ("table", "json", "csv", "markdown")

#: Set by the web server (phase2design.web) around one command run in a worker thread: a list that
#: :func:`emit` appends ``(to_dict(), document)`` to instead of printing, so the HTTP answer is the very
#: object the CLI prints with --format json, or the table it prints (one code path, no copy of a
#: command's logic).
EMIT_CAPTURE = contextvars.ContextVar("phase2design_emit_capture", default=None)
#: Set by the web server: a callable that raises when the request ran out of time or the client left;
#: :class:`Progress` calls it after every step of a search, so a search stops between steps.
CANCEL_CHECK = contextvars.ContextVar("phase2design_cancel_check", default=None)


class Infeasible(click.ClickException):
    """No design meets the constraints (exit 1)."""

    exit_code = 1


class BadInput(click.ClickException):
    """An argument is malformed or out of range (exit 2)."""

    exit_code = 2


def shorten(message, limit=400):
    """Keep an error on one readable line even when it quotes a huge input."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit - 20] + " ... " + message[-15:]


def usage_hint(error, args):
    """What a usage error probably meant, for the command line ``args``: 'evaluate 3 9' is 3/9."""
    args = list(args)
    if "unexpected extra argument" in error.format_message() and "evaluate" in args:
        rest = args[args.index("evaluate") + 1:]
        if len(rest) >= 2 and rest[0].isascii() and rest[0].isdigit() and rest[1].isascii() and rest[1].isdigit():
            return f" (the observed result is one argument x/n: did you mean {rest[0]}/{rest[1]}?)"
    return ""


def fail_bad(msg):
    """Stop with exit code 2 and the one-line message ``msg``."""
    raise BadInput(msg)


def run(fn):
    """Call ``fn()`` and turn library errors into one-line messages with the right exit code."""
    from ..engine.oc import NoFeasibleDesignError

    try:
        return fn()
    except NoFeasibleDesignError as e:
        raise Infeasible(str(e)) from None
    except (ValueError, TypeError) as e:
        raise BadInput(str(e)) from None


# ---------------------------------------------------------------------------
# Argument parsing
# ---------------------------------------------------------------------------

def float_token(name, tok):
    """One number of argument ``name`` (``-0`` read as 0); exit 2 if ``tok`` is not one."""
    try:
        return float(tok) + 0.0  # + 0.0 turns -0.0 into 0.0, so no output shows "-0.0"
    except ValueError:
        fail_bad(f"{name} must be a number, got {tok!r}")


def _decimal_token(name, tok):
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(tok.strip())
    except InvalidOperation:
        fail_bad(f"{name} must be a number, got {tok!r}")
    return value


def parse_rates(name, text):
    """'0.05,0.25' -> [0.05, 0.25]; '0:1:0.05' -> 0, 0.05, ..., 1 (inclusive).

    A grid START:STOP:STEP is computed in decimal arithmetic from the numbers as typed, each point
    ``START + i STEP`` rounded once to the nearest double: 1e-13:3e-13:1e-13 gives 1e-13, 2e-13, 3e-13,
    and 0:1:0.1 gives 0.3, not 0.30000000000000004.  A step so fine that two points round to the same
    double is refused.
    """
    from decimal import localcontext

    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            fail_bad(f"{name} grid must be START:STOP:STEP, got {text!r}")
        start, stop, step = (_decimal_token(name, t) for t in parts)
        if not all(v.is_finite() for v in (start, stop, step)) or step <= 0 or stop < start:
            fail_bad(f"{name} grid needs finite START <= STOP and STEP > 0, got {text!r}")
        with localcontext() as ctx:
            ctx.prec = 200
            span = (stop - start) / step
            if span > 100000:
                fail_bad(f"{name} grid must have at most 100000 points, got {text!r}")
            count = int(span) + 1  # span >= 0: int() is the floor
            values = [float(start + i * step) + 0.0 for i in range(count)]
        for a, b in zip(values, values[1:]):
            if a == b:
                fail_bad(f"{name} grid step {parts[2].strip()} is finer than double precision can tell apart "
                         f"near {a!r}: use a coarser step or list the rates, got {text!r}")
        return values
    if not text:
        fail_bad(f"{name} must not be empty")
    tokens = text.split(",")
    if any(not t.strip() for t in tokens):
        fail_bad(f"{name} has an empty entry between commas, got {text!r}")
    return [float_token(name, t) for t in tokens]


def parse_x_of_n(what, text):
    """'3/9' -> (3, 9): ``x`` responses of ``n`` patients; exit 2 naming ``what`` otherwise."""
    parts = text.replace(" ", "").split("/")
    if len(parts) != 2 or not all(is_count(p) for p in parts):
        other = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
        hint = (f" (did you mean {other[0]}/{other[1]}?)" if len(other) == 2 and all(is_count(p) for p in other)
                else "")
        fail_bad(f"{what} must look like x/n with whole numbers (e.g. 3/9), got {text!r}{hint}")
    return int(parts[0]), int(parts[1])


def parse_observed(text):
    """An observed result 'x/n' -> (x, n)."""
    return parse_x_of_n("observed result", text)


def parse_prior(text):
    """A Beta prior: 'jeffreys', 'uniform' or 'a,b' -> the name or (a, b)."""
    name = text.strip().lower()
    if name in ("jeffreys", "uniform"):
        return name
    vals = parse_rates("prior", text)
    if len(vals) != 2:
        fail_bad(f"prior must be 'a,b' (Beta parameters), 'jeffreys' or 'uniform', got {text!r}")
    return tuple(vals)


# ---------------------------------------------------------------------------
# Options shared by several commands
# ---------------------------------------------------------------------------

def error_rate_options(f, required=True):
    """``--alpha`` and ``--beta`` (or ``--power``): the largest type I and type II errors of a design search.

    ``--power P`` is read as ``beta = 1 - P`` computed in decimal from the number as typed, so that
    ``--power 0.8`` is exactly ``--beta 0.2``; the command receives ``beta`` either way.  With
    ``required=False`` (a command that can read them from a design file) both may be omitted.
    """
    import functools

    @functools.wraps(f)
    def with_beta(*args, power=None, **kwargs):
        if power is not None and kwargs.get("beta") is not None:
            fail_bad("give --beta (largest type II error) or --power (1 - beta), not both")
        if required and power is None and kwargs.get("beta") is None:
            fail_bad("give --beta (largest type II error, e.g. 0.2) or --power (smallest power, e.g. 0.8)")
        if power is not None:
            from decimal import Decimal

            if not 0.0 < power < 1.0:
                fail_bad(f"power must lie strictly between 0 and 1, got {power!r}"
                         + (f" (a percentage? write {power / 100:.10g})" if 2.0 <= power <= 100.0 else ""))
            kwargs["beta"] = float(Decimal(1) - Decimal(repr(power)))
        return f(*args, **kwargs)

    with_beta = click.option("--power", type=float, default=None,
                             help="Smallest power, 1 - beta (instead of --beta).")(with_beta)
    with_beta = click.option("--beta", type=float, default=None,
                             help="Largest type II error (power >= 1 - beta); or give --power.")(with_beta)
    return click.option("--alpha", type=float, required=required, help="Largest type I error.")(with_beta)


def design_inputs_options(f=None, *, required=True):
    """``--p0``, ``--p1``, ``--alpha`` and ``--beta``, the inputs of a design search, in this order in --help.

    ``@design_inputs_options`` requires them; ``@design_inputs_options(required=False)`` lets a command
    take them from a design file instead.
    """
    if f is None:
        return lambda g: design_inputs_options(g, required=required)
    f = error_rate_options(f, required=required)
    f = click.option("--p1", type=float, required=required, help="Response rate worth pursuing (H1).")(f)
    return click.option("--p0", type=float, required=required, help="Uninteresting response rate (H0).")(f)


family_option = click.option(
    "--family", "family", default=None, metavar="NAMES",
    help="Design families to propose, comma-separated: single, simon, three-stage, ensign, ... or all "
         "(default: single,simon).")
CURTAIL_METHODS = ("none", "deterministic", "stochastic")


class CurtailRequest:
    """What --curtail, --theta-f and --theta-e asked for (checked); :meth:`apply` curtails a design."""

    def __init__(self, method, theta_f, theta_e):
        self.method = method
        self.theta_f = theta_f
        self.theta_e = theta_e

    def apply(self, design, p1):
        """The CurtailedDesign of ``design`` (exit 2 with one line on bad input); ``p1`` from the command's --p1."""
        if self.method == "stochastic" and p1 is None:
            fail_bad("--curtail stochastic needs --p1: the conditional power is the probability under p1 that "
                     "the trial ends promising")
        from ..engine.curtail import curtail

        stochastic = self.method == "stochastic"
        return run(lambda: curtail(design, method=self.method, p1=p1 if stochastic else None,
                                   theta_f=self.theta_f, theta_e=self.theta_e))


def curtail_options(f):
    """``--curtail``, ``--theta-f`` and ``--theta-e``; the command receives ``curtail``: None or a CurtailRequest.

    ``--curtail deterministic`` stops after a patient as soon as the design's final decision is certain;
    ``--curtail stochastic`` stops for futility when the conditional power under ``--p1`` is below
    ``--theta-f`` and for efficacy when it is above ``--theta-e`` (strict comparisons).  The thresholds are
    checked here, before any work: each in [0, 1], ``--theta-f`` below ``--theta-e``, at least one for
    stochastic, none otherwise.  The command calls ``curtail.apply(design, p1)``.
    """
    import functools

    @functools.wraps(f)
    def with_curtail(*args, curtail_method="none", theta_f=None, theta_e=None, **kwargs):
        for name, v in (("--theta-f", theta_f), ("--theta-e", theta_e)):
            if v is not None and not 0.0 <= v <= 1.0:  # also false for nan
                fail_bad(f"{name} must lie in [0, 1] (a conditional probability), got {v!r}"
                         + (f" (a percentage? write {v / 100:.10g})" if 2.0 <= v <= 100.0 else ""))
        if curtail_method != "stochastic" and (theta_f is not None or theta_e is not None):
            fail_bad(f"--theta-f and --theta-e are the thresholds of --curtail stochastic, got --curtail "
                     f"{curtail_method}")
        if curtail_method == "stochastic":
            if theta_f is None and theta_e is None:
                fail_bad("--curtail stochastic needs --theta-f (stop for futility if CP < theta_f) and/or "
                         "--theta-e (stop for efficacy if CP > theta_e)")
            if theta_f is not None and theta_e is not None and not theta_f < theta_e:
                fail_bad(f"--theta-f must be smaller than --theta-e (stop for futility if CP < theta_f, for "
                         f"efficacy if CP > theta_e), got --theta-f {theta_f!r} --theta-e {theta_e!r}")
        kwargs["curtail"] = None if curtail_method == "none" else CurtailRequest(curtail_method, theta_f, theta_e)
        return f(*args, **kwargs)

    with_curtail = click.option("--theta-e", "theta_e", type=float, default=None, metavar="THETA",
                                help="With --curtail stochastic: stop for efficacy after a patient if the "
                                     "conditional power under --p1 is above THETA (strictly); default: no "
                                     "stochastic efficacy stop.")(with_curtail)
    with_curtail = click.option("--theta-f", "theta_f", type=float, default=None, metavar="THETA",
                                help="With --curtail stochastic: stop for futility after a patient if the "
                                     "conditional power under --p1 is below THETA (strictly).")(with_curtail)
    return click.option("--curtail", "curtail_method", type=click.Choice(CURTAIL_METHODS), default="none",
                        show_default=True,
                        help="Monitor patient by patient: 'deterministic' stops as soon as the design's decision "
                             "is certain (alpha and power unchanged); 'stochastic' stops by the conditional "
                             "power under --p1 (--theta-f, --theta-e), and at the design's looks.")(with_curtail)


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="Output format; json equals the library's to_dict().")


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def emit(fmt, obj, headers, rows, document):
    """Print a result in the chosen format.

    Parameters
    ----------
    fmt : {"table", "json", "csv", "markdown"}
    obj : dict or list
        The library's ``to_dict()``, printed as JSON.
    headers, rows : sequences
        The raw values for CSV (exact) and Markdown (6 decimals).
    document : callable
        Returns the blocks of the table output; called only for it, since
        building them can be the slow part (text pictures).
    """
    from ..present import render as R

    sink = EMIT_CAPTURE.get()
    if sink is not None:
        sink.append((obj, document))
        return
    if fmt == "json":
        click.echo(R.to_json(obj))
    elif fmt == "csv":
        click.echo(R.csv_table(headers, rows))
    elif fmt == "markdown":
        click.echo(R.markdown_table(headers, [[R.fmt(c, 6) for c in r] for r in rows]))
    else:
        click.echo(R.render_text(document()))


def flat(d, prefix=""):
    """Nested dict -> one flat row (lists indexed), for csv and markdown."""
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flat(v, key + "."))
        elif isinstance(v, list):
            if v and isinstance(v[0], dict):
                for i, item in enumerate(v):
                    out.update(flat(item, f"{key}[{i}]."))
            else:
                out[key] = ";".join(str(x) for x in v)
        else:
            out[key] = v
    return out


class Progress:
    """A one-line progress note on stderr, shown only on a terminal and only for slow runs."""

    #: How many columns :meth:`done` blanks out (the longest note drawn).
    clear_width = 60

    def __init__(self, label, enabled):
        self.label = label
        # not inside the web server (CANCEL_CHECK set): its terminal is not the client's
        self.enabled = enabled and sys.stderr.isatty() and CANCEL_CHECK.get() is None
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, n):
        check = CANCEL_CHECK.get()
        if check is not None:
            check()
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start > 0.5 and now - self.last > 0.2:
            click.echo(f"\r{self.label}: n = {n} ({now - self.start:.1f} s)", err=True, nl=False)
            self.last = now
            self.shown = True

    def done(self):
        """Erase the note (safe to call more than once)."""
        if self.shown:
            click.echo("\r" + " " * self.clear_width + "\r", err=True, nl=False)
            self.shown = False


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def check_plot_path(path):
    """Exit 2 before any work if a figure cannot be written to ``path`` (suffix, folder)."""
    from ..plots import check_figure_path

    run(lambda: check_figure_path(path))


def use_agg():
    """The CLI draws to files only: a non-interactive backend, chosen before anything is drawn."""
    import matplotlib

    matplotlib.use("Agg")

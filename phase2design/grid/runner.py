"""Scenario grids of designs (like Simon 1989, Tables 1 and 2), in parallel and resumable.

A grid is the product of null rates ``p0``, differences ``delta`` (``p1 = p0 +
delta``, the exact sum of the two decimals as typed, rounded once to the
nearest double, so that 0.1 + 0.2 is 0.3 and 1e-13 + 0.2 keeps its 1e-13),
error pairs ``(alpha, beta)`` and design families (every family registered in
:mod:`phase2design.families.base`; each scenario's rows are that family's
proposals).  The built-in ones:

* ``"single"``: the exact single-stage design (A'Hern 2001, strict comparison),
  one row of kind ``"single-stage"``;
* ``"simon"``: the Simon (1989) two-stage designs, rows of kind ``"optimal"``
  and ``"minimax"`` (and, with ``admissible=True``, every other admissible
  design of Jung et al. 2004, kind ``"admissible"``).

Every row is exactly what :func:`phase2design.simon_design` /
:func:`phase2design.single_stage_design` return for the same inputs (no
``nmax``: each search runs until its optimum is proven).  Scenarios with
``p1 >= 1`` are skipped and counted; a scenario with no feasible design gives
one row of kind ``"none"`` whose ``note`` says why.

Row order is fixed by the inputs, never by completion order: ``delta`` (as
given), then ``p0``, then the ``(alpha, beta)`` pairs, then the families,
then the kinds (single-stage; optimal, minimax, admissible from the smallest
n).  Floats are written as ``repr`` (shortest round-trip form), so the serial,
process-pool and Dask backends write byte-identical files.

Resuming and interruptions
--------------------------
With an output file ``F``, a journal ``F.journal`` sits beside it: JSON lines,
a header line and then one line per finished scenario (its key
``[p0, p1, alpha, beta, family]`` and all of its rows), each written with a
single ``write`` as soon as the scenario finishes (so it survives ``kill
-9``) and synced to disk at least every ``checkpoint_seconds``.  ``F`` itself
is only ever replaced whole (through :func:`phase2design._files.atomic_write`:
a temporary file beside it, synced, then ``os.replace``; a symbolic link is
written through to its target, and devices, FIFOs and directories are
refused): at the start with the rows already in the journal, every
``checkpoint_seconds`` while running, and at the end.  An interrupted run
therefore leaves a valid ``F`` holding complete scenarios only, and a rerun
with the same ``F`` reads the journal, skips the scenarios it holds (a cut
last line is dropped) and computes the rest.  The journal is kept after the
run (it is the cache: delete it, or pass ``resume=False``, to recompute);
one from another phase2design version is ignored.  A lock on the journal
stops two runs writing the same file at once.

Ctrl-C stops a run within about a second whatever the backend: the process
pool's workers ignore SIGINT and are terminated by the parent, Dask futures
are cancelled; scenarios finished by then are kept and
:class:`GridInterrupted` is raised (the CLI exits 130).

References
----------
Simon R (1989). Optimal two-stage designs for phase II clinical trials.
Controlled Clinical Trials 10:1-10.
A'Hern RP (2001). Sample size tables for exact single-stage phase II designs.
Statistics in Medicine 20:859-866.
Jung SH, Lee T, Kim K, George SL (2004). Admissible two-stage designs for
phase II cancer clinical trials. Statistics in Medicine 23:561-569.
"""

import decimal
import json
import numbers
import os
import re
import time
from dataclasses import dataclass
from typing import Optional, Tuple

from .. import __version__
from .._files import OutputPathError, OutputWriteError, atomic_write, check_output_path, remove_stale_temps
from .. import _interrupt
from ..families.base import family_names, get_family, select_families
from .._validation import check_choice, check_int, check_probability, check_rate

__all__ = ["run_grid", "grid_scenarios", "GridResult", "Scenario", "GridInterrupted", "GridBusyError",
           "COLUMNS", "FAMILIES", "DEFAULT_FAMILIES", "BACKENDS", "OUTPUT_FORMATS", "SIMON_TABLE_ERRORS", "MAX_SCENARIOS",
           "check_scheduler_address"]

FAMILIES = family_names()
#: The families a grid uses unless told otherwise: the quick classical ones (see Family.default).
DEFAULT_FAMILIES = tuple(f.name for f in select_families())
BACKENDS = ("serial", "processes", "dask")
OUTPUT_FORMATS = ("csv", "json", "markdown", "parquet")
COLUMNS = ("p0", "p1", "alpha", "beta", "family", "kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha",
           "power", "q_low", "q_high", "note", "design")
#: The (alpha, beta) pairs of Simon's (1989) Tables 1 and 2, in his order.
SIMON_TABLE_ERRORS = ((0.10, 0.10), (0.05, 0.20), (0.05, 0.10))
CONVENTION = ("single-stage r/n: reject H0 if X > r; two-stage r1/n1, r/n (Simon 1989): stop after n1 if "
              "X1 <= r1, reject H0 if X1 + X2 > r; design: every family's design in cumulative notation "
              "a1/N1, ..., r/N (stop after look j if S_j <= a_j; a:b/N also stops, promising, if S_j > b); "
              "r1/n1 are empty for designs other than single-stage and Simon, r/n are the last look's; "
              "en0 = expected n and pet0 = P(stop early) at p0; attained_alpha and power exact")
_JOURNAL_FORMAT = 1
_EXTENSIONS = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown", ".parquet": "parquet",
               ".pq": "parquet"}
_KIND_ORDER = {"single-stage": 0, "optimal": 1, "minimax": 2, "admissible": 3, "none": 4}
#: Most scenarios a grid may have (counted before any is built).
MAX_SCENARIOS = 1_000_000
#: How long a Dask run waits for its scheduler before giving up (tests shorten it).
_CONNECT_TIMEOUT = "20s"


class GridInterrupted(KeyboardInterrupt):
    """A grid run stopped by Ctrl-C (or SIGTERM in the CLI); finished scenarios are saved.

    Attributes: ``done`` and ``total`` scenarios, ``output`` and ``journal``
    paths (None without an output file).
    """

    def __init__(self, done, total, output, journal):
        super().__init__(done, total, output, journal)
        self.done, self.total, self.output, self.journal = done, total, output, journal

    def message(self):
        if self.output is None:
            return f"Interrupted after {self.done} of {self.total} scenarios (no output file, nothing saved)."
        return (f"Interrupted: {self.done} of {self.total} scenarios are done and saved in {self.output} "
                f"(journal {self.journal}); run the same command again to compute the rest.")


class GridBusyError(ValueError):
    """Another run holds the lock on the same output's journal."""


@dataclass(frozen=True)
class Scenario:
    """One grid point: design family ``family`` for ``p0`` vs ``p1`` at ``alpha``, ``beta``."""

    p0: float
    p1: float
    alpha: float
    beta: float
    family: str

    def key(self):
        return (self.p0, self.p1, self.alpha, self.beta, self.family)


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def _as_list(name, values):
    if isinstance(values, (numbers.Real, str)) and not isinstance(values, bool):
        values = [values]
    try:
        out = list(values)
    except TypeError:
        raise TypeError(f"{name} must be a number or a sequence, got {values!r}") from None
    if not out:
        raise ValueError(f"{name} must hold at least one value, got an empty sequence")
    # -0.0 == 0: make it 0.0 before anything quotes it, so no message or file ever shows "-0.0"
    return [v + 0.0 if isinstance(v, float) and v == 0 else v for v in out]


# Exact decimal arithmetic for p1 = p0 + delta: every double's shortest repr has at most 17 significant digits
# and exponents within [-324, 308], so a sum of two needs fewer than 700 digits and is exact at this precision.
_EXACT = decimal.Context(prec=800, Emin=-decimal.MAX_EMAX, Emax=decimal.MAX_EMAX)


def _p1(p0, delta):
    """p0 + delta as the exact sum of the decimals typed, rounded once (0.1 + 0.2 = 0.3; 1e-13 + 0.2 keeps it)."""
    return float(_EXACT.add(decimal.Decimal(repr(float(p0))), decimal.Decimal(repr(float(delta)))))


def _no_repeats(name, vals):
    seen = set()
    for v in vals:
        if v in seen:
            raise ValueError(f"{name} lists {v!r} twice")
        seen.add(v)
    return vals


def grid_scenarios(p0, delta, alpha=None, beta=None, family=DEFAULT_FAMILIES, *, errors=None):
    """The scenarios of a grid, in output order, and the ``(p0, delta)`` pairs skipped for ``p1 >= 1``.

    Parameters
    ----------
    p0 : float or sequence of float
        Null response rates in (0, 1).
    delta : float or sequence of float
        Differences ``p1 - p0`` in (0, 1); ``p1`` is the exact sum of the
        decimals ``repr(p0)`` and ``repr(delta)``, rounded once to a double.
    alpha, beta : float or sequence of float
        Error rates; every combination is used.  Give ``errors`` instead for
        chosen pairs.
    family : str or sequence of str
        ``"single"`` and/or ``"simon"``.
    errors : sequence of (alpha, beta), optional
        Explicit error pairs, e.g. :data:`SIMON_TABLE_ERRORS`.

    Returns
    -------
    (list of Scenario, list of (p0, delta))

    Raises
    ------
    ValueError
        If ``len(p0) * len(delta) * (alpha, beta) pairs * len(family)`` (the
        grid before skipping ``p1 >= 1``) exceeds :data:`MAX_SCENARIOS`; it is
        counted from the list lengths, so a huge grid is refused at once
        instead of being built.
    """
    p0s = _no_repeats("p0", [check_rate("p0", v) for v in _as_list("p0", p0)])
    deltas = _no_repeats("delta", [check_rate("delta", v) for v in _as_list("delta", delta)])
    fams = _no_repeats("family", [check_choice("family", f, FAMILIES) for f in _as_list("family", family)])
    if errors is not None:
        if alpha is not None or beta is not None:
            raise ValueError("give either alpha and beta (every combination) or errors (chosen pairs), not both")
        pairs = []
        for pair in _as_list("errors", errors):
            try:
                a, b = pair
            except (TypeError, ValueError):
                raise TypeError(f"errors must hold (alpha, beta) pairs, got {pair!r}") from None
            pairs.append((check_probability("alpha", a), check_probability("beta", b)))
        _no_repeats("errors", pairs)
    else:
        if alpha is None or beta is None:
            raise ValueError("a grid needs alpha and beta (or errors as (alpha, beta) pairs)")
        alphas = _no_repeats("alpha", [check_probability("alpha", v) for v in _as_list("alpha", alpha)])
        betas = _no_repeats("beta", [check_probability("beta", v) for v in _as_list("beta", beta)])
    npairs = len(pairs) if errors is not None else len(alphas) * len(betas)
    # counted from the list lengths, before a single scenario (or (alpha, beta) pair) is built
    count = len(p0s) * len(deltas) * npairs * len(fams)
    if count > MAX_SCENARIOS:
        raise ValueError(f"a grid must have at most {MAX_SCENARIOS} scenarios, got {len(p0s)} p0 x {len(deltas)} "
                         f"delta x {npairs} (alpha, beta) x {len(fams)} family = {count}")
    if errors is None:
        pairs = [(a, b) for a in alphas for b in betas]
    for a, b in pairs:
        if a + b >= 1.0:
            raise ValueError(f"alpha + beta must be below 1 for every pair, got alpha={a!r}, beta={b!r}")
    scenarios, skipped = [], []
    for dl in deltas:
        for p in p0s:
            p1 = _p1(p, dl)
            if p1 >= 1.0:
                skipped.append((p, dl))
                continue
            for a, b in pairs:
                for f in fams:
                    scenarios.append(Scenario(p, p1, a, b, f))
    return scenarios, skipped


# ---------------------------------------------------------------------------
# One scenario (runs in workers)
# ---------------------------------------------------------------------------

def _row(s, kind, r1=None, n1=None, r=None, n=None, en0=None, pet0=None, attained_alpha=None, power=None,
         q_low=None, q_high=None, note="", design=""):
    return [s.p0, s.p1, s.alpha, s.beta, s.family, kind, r1, n1, r, n, en0, pet0, attained_alpha, power, q_low,
            q_high, note, design]


def _compute_scenario(key):
    """Every row of one scenario (all admissible designs included; filtered when written)."""
    from ..engine.oc import NoFeasibleDesignError

    s = Scenario(*key)
    try:
        proposals = get_family(s.family).propose(s.p0, s.p1, s.alpha, s.beta, admissible=True)
    except NoFeasibleDesignError as e:
        return [_row(s, "none", note=str(e))]
    return [_row(s, p.kind, r1=getattr(p.result, "r1", None), n1=getattr(p.result, "n1", None), r=p.result.r,
                 n=p.result.n, en0=p.result.en0, pet0=p.result.pet0, attained_alpha=p.result.attained_alpha,
                 power=p.result.power, q_low=p.result.q_low, q_high=p.result.q_high, design=p.result.label())
            for p in proposals]


def _compute_chunk(keys):
    """[(key, rows), ...] for a list of scenario keys (the unit of work sent to a worker)."""
    return [(list(k), _compute_scenario(tuple(k))) for k in keys]


def _worker_init():
    """Pool worker set-up: leave Ctrl-C to the parent, and exit if the parent is killed."""
    import signal
    import threading

    # Ctrl-C in a terminal reaches the whole process group; only the parent handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:  # the parent died (kill -9): do not linger as an orphan
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_version():
    return __version__


def _cost(key):
    """Rough relative cost of a scenario (the family's own estimate), to send the slow ones first."""
    return get_family(key[4]).cost(*key[:4])


# ---------------------------------------------------------------------------
# Journal and output files
# ---------------------------------------------------------------------------

def _journal_header():
    return {"journal": "phase2design grid", "format": _JOURNAL_FORMAT, "version": __version__,
            "columns": list(COLUMNS)}


class _Journal:
    """Append-only JSON-lines record of finished scenarios, locked against a second writer."""

    def __init__(self, path, resume):
        try:
            self._open(path, resume)
        except OSError as e:
            if getattr(self, "fd", None) is not None:
                os.close(self.fd)  # releases the lock too
            if isinstance(e, OutputWriteError):
                raise
            raise OutputWriteError(e.errno, e.strerror, path) from None

    def _open(self, path, resume):
        self.path = path
        self.done = {}
        self.ignored = None
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise GridBusyError(f"another grid run is writing {path}; wait for it or choose another output "
                                f"file") from None
        self.last_sync = time.monotonic()
        data = b""
        if resume:
            size = os.fstat(self.fd).st_size
            data = os.pread(self.fd, size, 0) if size else b""
        lines = data.split(b"\n")
        complete, cut = lines[:-1], lines[-1]
        header_ok = False
        if complete:
            try:
                header_ok = json.loads(complete[0]) == _journal_header()
            except ValueError:
                header_ok = False
            if not header_ok:
                self.ignored = "its header does not match this phase2design version"
        if not header_ok:
            os.ftruncate(self.fd, 0)
            self._append(json.dumps(_journal_header()))
            os.fsync(self.fd)
            return
        for line in complete[1:]:
            try:
                entry = json.loads(line)
                key = tuple(entry["key"])
                rows = entry["rows"]
                if len(key) != 5 or not rows or any(len(r) != len(COLUMNS) for r in rows):
                    continue
            except (ValueError, KeyError, TypeError):
                continue
            self.done[key] = rows
        if cut:
            # a line cut short by a kill: drop it, so the next line starts cleanly
            os.ftruncate(self.fd, len(data) - len(cut))

    def _append(self, text):
        data = (text + "\n").encode()
        try:
            end = os.lseek(self.fd, 0, os.SEEK_END)
            while data:
                k = os.write(self.fd, data)
                data = data[k:]
        except OSError as e:
            # a line cut by a full disk would be dropped on resume anyway; cut it now so the journal stays clean
            try:
                os.ftruncate(self.fd, end)
            except (OSError, UnboundLocalError):
                pass
            raise OutputWriteError(e.errno, e.strerror, self.path) from None

    def add(self, key, rows):
        self.done[tuple(key)] = rows
        self._append(json.dumps({"key": list(key), "rows": rows}, allow_nan=False))

    def sync(self):
        try:
            os.fsync(self.fd)
        except OSError as e:
            raise OutputWriteError(e.errno, e.strerror, self.path) from None
        self.last_sync = time.monotonic()

    def close(self):
        try:
            self.sync()
        finally:
            os.close(self.fd)


def _output_format(output, fmt):
    if fmt is not None:
        return check_choice("fmt", fmt, OUTPUT_FORMATS)
    ext = os.path.splitext(str(output))[1].lower()
    if ext not in _EXTENSIONS:
        raise ValueError(f"cannot tell the output format from {str(output)!r}: name it .csv, .json, .md or "
                         f".parquet, or give fmt")
    return _EXTENSIONS[ext]


def _check_parquet():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("Parquet output needs pyarrow: pip install pyarrow (or write .csv, .json or .md)") \
            from None


def _table_dict(rows):
    return {"convention": CONVENTION, "columns": list(COLUMNS), "rows": [dict(zip(COLUMNS, r)) for r in rows]}


def _md_cell(col, v):
    if v is None:
        return ""
    if isinstance(v, float):
        if col in ("p0", "p1", "alpha", "beta"):
            return f"{v:.10g}"
        from ..present.render import fmt

        return fmt(v, 2 if col == "en0" else 4)
    return str(v).replace("|", "\\|")


def render(rows, fmt):
    """The grid rows as text in ``fmt`` (csv, json or markdown); deterministic to the byte."""
    from ..present import render as R

    if fmt == "csv":
        return R.csv_table(list(COLUMNS), rows) + "\n"
    if fmt == "json":
        return R.to_json(_table_dict(rows)) + "\n"
    if fmt == "markdown":
        return (f"Convention: {CONVENTION}.\n\n" +
                R.markdown_table(list(COLUMNS), [[_md_cell(c, v) for c, v in zip(COLUMNS, r)] for r in rows])
                + "\n")
    raise ValueError(f"fmt must be one of 'csv', 'json', 'markdown' for text output, got {fmt!r}")


def _frame_of(rows):
    import pandas as pd

    df = pd.DataFrame([list(r) for r in rows], columns=list(COLUMNS))
    for c in ("r1", "n1", "r", "n"):
        df[c] = df[c].astype("Int64")
    for c in ("en0", "pet0", "attained_alpha", "power", "q_low", "q_high"):
        df[c] = df[c].astype("float64")
    return df


def _write_output(path, rows, fmt):
    """Replace the output file whole (or print to stdout for ``"-"``); see :mod:`phase2design._files`."""
    if fmt == "parquet":
        with atomic_write(path, "wb") as fh:
            _frame_of(rows).to_parquet(fh, index=False)
    else:
        with atomic_write(path, "w", newline="") as fh:
            fh.write(render(rows, fmt))


# ---------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------

def _chunks(keys, workers):
    keys = sorted(keys, key=_cost, reverse=True)  # slow ones first (longest-processing-time order)
    size = max(1, min(8, len(keys) // (4 * max(workers, 1))))
    # keep the slowest scenarios one per task so that they spread over the workers
    heavy = keys[:2 * workers]
    rest = keys[2 * workers:]
    return [[k] for k in heavy] + [rest[i:i + size] for i in range(0, len(rest), size)]


def _run_serial(keys, record):
    for k in keys:
        record(k, _compute_scenario(k))


def _mp_context():
    """fork where it is safe (POSIX, a single thread): workers start at once with the kernels loaded;
    otherwise forkserver (or spawn), which import phase2design afresh in each worker."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_processes(keys, record, workers):
    import concurrent.futures as cf

    ex = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(), initializer=_worker_init)
    futures = [ex.submit(_compute_chunk, c) for c in _chunks(keys, workers)]
    try:
        for f in cf.as_completed(futures):
            for k, rows in f.result():
                record(tuple(k), rows)
    except BaseException:
        # Stop now: a chunk can run for minutes, and shutdown(wait=True) alone waits for the running ones.
        _stop_pool(ex, futures)
        for f in futures:  # keep what finished while we were stopping
            if f.done() and not f.cancelled() and f.exception() is None:
                for k, rows in f.result():
                    record(tuple(k), rows)
        raise
    ex.shutdown(wait=True)


def _stop_pool(ex, futures):
    """Cancel what has not started and terminate the workers (they ignore SIGINT, so they would go on)."""
    for f in futures:
        f.cancel()
    procs = list((getattr(ex, "_processes", None) or {}).values())  # no public handle before Python 3.14
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, ValueError, AttributeError):  # already gone
            pass
    for proc in procs:
        proc.join(timeout=2)
        if proc.is_alive():  # pragma: no cover - SIGTERM is left at its default in the workers
            proc.kill()
            proc.join(timeout=2)
    ex.shutdown(wait=True)


# tcp://HOST:PORT and nothing more; HOST a name, an IPv4 address or a bracketed IPv6 address.
_SCHEDULER_RE = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
                           r":(?P<port>[0-9]{1,5})")


def check_scheduler_address(address):
    """A Dask scheduler address ``tcp://HOST:PORT`` (port 1-65535, nothing after), or a ``distributed.Client``.

    Checked before anything else runs, so a typo gives a one-line message
    instead of an error from deep inside ``distributed``.

    Examples
    --------
    >>> check_scheduler_address("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    """
    rule = "scheduler must be an address tcp://HOST:PORT (port 1-65535, nothing after it) or a distributed.Client"
    if not isinstance(address, str):
        try:
            from distributed import Client
        except ImportError:
            Client = ()
        if Client and isinstance(address, Client):
            return address
        raise TypeError(f"{rule}, got {address!r}")
    m = _SCHEDULER_RE.fullmatch(address)
    if m is None or not 1 <= int(m.group("port")) <= 65535:
        raise ValueError(f"{rule}, got {address!r}")
    return address


def _dask_start(scheduler):
    """Connect to the scheduler and check the workers: (client, owned, task slots).  Nothing is written yet."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError("the dask backend needs the optional extra: pip install 'phase2design[distributed]'") \
            from None
    if isinstance(scheduler, Client):
        client, owned = scheduler, False
    else:
        try:
            client, owned = Client(scheduler, timeout=_CONNECT_TIMEOUT), True
        except (OSError, TimeoutError) as e:
            raise ConnectionError(f"could not connect to the Dask scheduler at {scheduler}: {e}") from None
    try:
        versions = set(client.run(_worker_version).values())
        if versions and versions != {__version__}:
            raise RuntimeError(f"the Dask workers run phase2design {', '.join(sorted(versions))}, this process "
                               f"{__version__}: install the same version on every worker")
        return client, owned, max(1, sum(client.nthreads().values()))  # task slots over all workers
    except BaseException:
        if owned:
            client.close()
        raise


def _run_dask(keys, record, client, nworkers):
    from distributed import as_completed

    futures = []
    try:
        futures = client.map(_compute_chunk, _chunks(keys, nworkers), pure=False)
        for f in as_completed(futures):
            for k, rows in f.result():
                record(tuple(k), rows)
    except BaseException:
        if futures:
            done = [f for f in futures if f.status == "finished"]
            client.cancel([f for f in futures if f.status != "finished"])
            for f in done:
                for k, rows in f.result():
                    record(tuple(k), rows)
        raise


# ---------------------------------------------------------------------------
# Result and driver
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GridResult:
    """The rows of a grid, in output order, and how the run went.

    ``to_dict()`` (what ``--format json`` prints and what a ``.json`` output
    holds) has the convention, the column names and the rows only, so it does
    not depend on the backend or on how often the run was resumed.

    Attributes
    ----------
    rows : tuple of tuple
        One row per (scenario, design kind), values in :data:`COLUMNS` order.
    scenarios : int
        Scenarios in the grid (after skipping ``p1 >= 1``).
    computed, from_journal : int
        Scenarios computed by this run and taken from the journal.
    skipped : tuple of (float, float)
        ``(p0, delta)`` pairs left out because ``p0 + delta >= 1``.
    infeasible : int
        Scenarios with no feasible design (rows of kind ``"none"``).
    backend : str
        ``"serial"``, ``"processes"`` or ``"dask"``.
    workers : int
        Worker processes used (1 for serial; Dask: the cluster's worker threads).
    output, journal : str or None
        Files written.
    seconds : float
        Wall-clock time of the run.
    """

    rows: Tuple[tuple, ...]
    scenarios: int
    computed: int
    from_journal: int
    skipped: Tuple[Tuple[float, float], ...]
    infeasible: int
    backend: str
    workers: int
    output: Optional[str]
    journal: Optional[str]
    seconds: float

    columns = COLUMNS

    def to_dict(self):
        return _table_dict(self.rows)

    def to_frame(self):
        return _frame_of(self.rows)


def _check_workers(workers):
    if workers is None:
        return os.cpu_count() or 1
    return check_int("workers", workers, minimum=1, maximum=1024)


def run_grid(p0, delta, alpha=None, beta=None, family=DEFAULT_FAMILIES, *, errors=None, admissible=False, output=None,
             fmt=None, backend=None, workers=None, scheduler=None, resume=True, progress=None,
             checkpoint_seconds=2.0):
    """Compute every design of a scenario grid, optionally into a resumable output file.

    Parameters
    ----------
    p0, delta, alpha, beta, family, errors
        The grid; see :func:`grid_scenarios`.
    admissible : bool, default False
        Also write the Simon admissible designs between minimax and optimal.
    output : str or path, optional
        File to write (``.csv``, ``.json``, ``.md`` or ``.parquet``, or give
        ``fmt``); with it the run keeps a journal ``output + ".journal"`` and
        resumes from it.  Without it nothing is written.  ``"-"`` writes the
        table to standard output at the end (``fmt`` default ``"csv"``; no
        journal).  A symbolic link is written through; a directory, device or
        FIFO is refused.
    fmt : {"csv", "json", "markdown", "parquet"}, optional
        Output format (default: from the file name).  Parquet needs pyarrow.
    backend : {"serial", "processes", "dask"}, optional
        Default ``"dask"`` if ``scheduler`` is given, else ``"processes"``.
    workers : int, optional
        Processes for ``"processes"`` (default: ``os.cpu_count()``).
    scheduler : str or distributed.Client, optional
        Dask scheduler address (``"tcp://host:8786"``) or client; the
        workers need the same phase2design version installed.
    resume : bool, default True
        Use the scenarios already in the journal; ``False`` starts afresh.
    progress : callable, optional
        Called as ``progress(done, total)`` after each scenario.
    checkpoint_seconds : float, default 2
        How often the output file is rewritten and the journal synced.

    Returns
    -------
    GridResult

    Raises
    ------
    GridInterrupted
        On Ctrl-C, after saving what finished (a ``KeyboardInterrupt``).
    GridBusyError
        When another run is writing the same output.
    ValueError
        For bad inputs, including a scheduler address that is not
        ``tcp://HOST:PORT`` (checked first) and an unusable output path
        (:class:`~phase2design._files.OutputPathError`).
    ConnectionError
        When the Dask scheduler cannot be reached; no file is created.
    phase2design._files.OutputWriteError
        When the output cannot be written (e.g. a full disk); the previous
        output file is left as it was.

    Examples
    --------
    >>> g = run_grid([0.1, 0.2], 0.2, errors=[(0.05, 0.2)], family="simon", backend="serial")
    >>> [(r[0], r[5], r[6], r[7], r[8], r[9]) for r in g.rows]
    [(0.1, 'optimal', 1, 10, 5, 29), (0.1, 'minimax', 1, 15, 5, 25), (0.2, 'optimal', 3, 13, 12, 43), \
(0.2, 'minimax', 4, 18, 10, 33)]
    """
    t0 = time.monotonic()
    if scheduler is not None:
        check_scheduler_address(scheduler)
    scenarios, skipped = grid_scenarios(p0, delta, alpha, beta, family, errors=errors)
    if not scenarios:
        raise ValueError("every scenario has p1 = p0 + delta >= 1: lower p0 or delta")
    if backend is None:
        backend = "dask" if scheduler is not None else "processes"
    backend = check_choice("backend", backend, BACKENDS)
    if backend == "dask" and scheduler is None:
        raise ValueError("backend 'dask' needs a scheduler address such as 'tcp://host:8786'")
    if backend != "dask" and scheduler is not None:
        raise ValueError(f"a scheduler address is only used by backend 'dask', got backend {backend!r}")
    workers = _check_workers(workers)
    if backend == "serial":
        workers = 1
    if not isinstance(checkpoint_seconds, numbers.Real) or not checkpoint_seconds > 0:
        raise ValueError(f"checkpoint_seconds must be a positive number, got {checkpoint_seconds!r}")
    if backend == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError("the dask backend needs the optional extra: pip install "
                              "'phase2design[distributed]'") from None
    out_fmt = None
    journal = None
    to_stdout = False
    if output is not None:
        output = os.fspath(output)
        to_stdout = output == "-"
        out_fmt = (check_choice("fmt", fmt, OUTPUT_FORMATS) if fmt is not None else "csv") if to_stdout \
            else _output_format(output, fmt)
        if out_fmt == "parquet":
            _check_parquet()
        if not to_stdout:
            directory = os.path.dirname(os.path.abspath(output))
            if not os.path.isdir(directory):
                raise ValueError(f"output directory does not exist: {directory}")
            check_output_path(output)  # a device, FIFO or directory is refused before any work
            for side in (output + ".journal",):
                if os.path.lexists(side) and not os.path.isfile(side):
                    raise OutputPathError(f"cannot use journal {side}: it is not a regular file")
    elif fmt is not None:
        check_choice("fmt", fmt, OUTPUT_FORMATS)
    client = None
    if backend == "dask":
        # connect (and check the workers) before creating any file: a run that cannot start leaves nothing
        client, owned_client, state_workers = _dask_start(scheduler)
    try:
        if output is not None and not to_stdout:
            journal = _Journal(output + ".journal", resume=bool(resume))
            remove_stale_temps(output)
        return _drive(scenarios, skipped, t0, journal, output, out_fmt, admissible, backend, workers, client,
                      state_workers if client is not None else workers, progress, checkpoint_seconds)
    finally:
        if client is not None and owned_client:
            client.close()


def _drive(scenarios, skipped, t0, journal, output, out_fmt, admissible, backend, workers, client, nworkers,
           progress, checkpoint_seconds):
    """The run itself, once the inputs are checked and the journal (if any) is open."""

    order = [s.key() for s in scenarios]
    done = dict(journal.done) if journal is not None else {}
    wanted = set(order)
    from_journal = sum(1 for k in order if k in done)
    todo = [k for k in order if k not in done]
    total = len(order)
    state = {"count": from_journal, "last": time.monotonic(), "write_cost": 0.0}

    def rows_now():
        out = []
        for k in order:
            rows = done.get(k)
            if rows is None:
                continue
            rows = sorted(rows, key=lambda r: _KIND_ORDER.get(r[5], 9))
            out.extend(tuple(r) for r in rows if admissible or r[5] != "admissible")
        return out

    def checkpoint():
        t = time.monotonic()
        journal.sync()
        _write_output(output, rows_now(), out_fmt)
        state["write_cost"] = time.monotonic() - t
        state["last"] = time.monotonic()

    def record(key, rows):
        key = tuple(key)
        if key in done or key not in wanted:
            return
        done[key] = rows
        state["count"] += 1
        if journal is not None:
            journal.add(key, rows)
            wait = max(checkpoint_seconds, 10 * state["write_cost"])
            if time.monotonic() - state["last"] >= wait:
                checkpoint()
        if progress is not None:
            progress(state["count"], total)

    interrupted = False
    try:
        if journal is not None:
            checkpoint()
        if progress is not None:
            progress(state["count"], total)
        if todo:
            def note():  # what the CLI prints if Ctrl-C ends the process (see phase2design._interrupt)
                return GridInterrupted(state["count"], total, None if journal is None else output,
                                       None if journal is None else journal.path).message()

            with _interrupt.cleanup(note):
                if backend == "serial":
                    _run_serial(todo, record)
                else:
                    # the parent only waits for its workers here, and stops them itself on Ctrl-C
                    with _interrupt.graceful():
                        if backend == "processes":
                            _run_processes(todo, record, workers)
                        else:
                            _run_dask(todo, record, client, nworkers)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if journal is not None:
            try:
                checkpoint()
            finally:
                journal.close()
    journal_path = None if journal is None else journal.path
    if interrupted and state["count"] < total:
        raise GridInterrupted(state["count"], total, None if journal is None else output, journal_path)
    rows = rows_now()
    if output is not None and journal is None:  # "-": standard output, written once at the end
        _write_output(output, rows, out_fmt)
    return GridResult(
        rows=tuple(rows), scenarios=total, computed=state["count"] - from_journal, from_journal=from_journal,
        skipped=tuple(skipped), infeasible=sum(1 for r in rows if r[5] == "none"), backend=backend,
        workers=nworkers, output=output, journal=journal_path, seconds=time.monotonic() - t0)

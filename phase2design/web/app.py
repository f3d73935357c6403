"""The ASGI application: the calculator page, one JSON endpoint per command, figures, reports, OpenAPI.

How a request becomes an answer
-------------------------------
``/api/<command>`` (GET with a query string, or POST with a JSON object) names the command's options
without their dashes (``p0``, ``n_range`` or ``n-range``, ``all: true`` for a flag, a list for a
repeatable option, ``args`` for the positional arguments).  :func:`to_argv` turns them into the
command line, and :func:`run_command` runs the click command of that name in a worker thread with
:data:`phase2design.cli._common.EMIT_CAPTURE` set, so the command hands over the object it would print
with ``--format json`` (the library's ``to_dict()``) instead of printing it.  The JSON answer is that
object serialised by the CLI's own serialiser: equal to ``phase2design <command> ... --format json``
by construction, and the tests check it against the command line.

Errors: the command's one-line message (the library's ValueError/TypeError, click's usage errors) is
HTTP 422 ``{"error": message, "kind": "bad_input"}``; no feasible design is HTTP 422 with
``"kind": "infeasible"`` and the message saying what to change; a search that runs out of time is 503.

Safety: options that name files (``--plot``, ``--design-file``, ``-o``) are refused; figures and
reports are written by the command into a fresh temporary directory that is removed after the answer.
Request bodies, query strings, ``nmax`` and rate grids are capped; searches run in at most
``workers`` threads, each with a time limit, and stop between search steps when the time is up or the
client goes away (the commands' progress callback raises then).
"""

import json
import math
import re
import tempfile
import threading
import time
from pathlib import Path

import anyio
import click
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"

#: The commands served under /api/<name> (grid writes journals and runs for hours: command line only).
COMMANDS = ("simon", "single", "design", "oc", "evaluate", "analyze", "plan", "compare", "report", "bayes",
            "predictive")
#: Options that read or write files the client names, or print to stdout instead of the answer.
REFUSED = {"plot": "figures are served by /api/<command>/figure.svg",
           "plot-oc": "figures are served by /api/<command>/figure.svg?which=oc",
           "design-file": "give the design itself (e.g. design=1/10,5/29)",
           "output": "reports are served by /api/report?file_format=html|docx|md|json",
           "o": "reports are served by /api/report?file_format=html|docx|md|json",
           "format": "the API always answers JSON (the command's --format json)",
           "help": "see /openapi.json"}
#: Which --plot option draws which figure, per command.
FIGURES = {"simon": {"space": "--plot", "oc": "--plot-oc"}, "design": {"space": "--plot", "oc": "--plot-oc"},
           "oc": {"oc": "--plot"}, "evaluate": {"distribution": "--plot"}}
REPORT_FORMATS = {"json": "application/json", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,40}$")
_TRUE = {"", "1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}

# matplotlib's pyplot state is global: one figure or report is drawn at a time
_DRAW_LOCK = threading.Lock()


class RequestCancelled(Exception):
    """The request ran out of time or its client went away (raised inside the search, between steps)."""


class ApiError(Exception):
    """An answer other than 200: HTTP status, one-line message and kind."""

    def __init__(self, status, message, kind):
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


def _bad(message):
    return ApiError(422, message, "bad_input")


def _command(name):
    # the command modules themselves, not the cli group (whose serve command imports this package)
    from ..cli.analyze import analyze
    from ..cli.bayes import bayes
    from ..cli.compare import compare
    from ..cli.design import design
    from ..cli.evaluate import evaluate
    from ..cli.oc import oc
    from ..cli.plan import plan
    from ..cli.predictive import predictive
    from ..cli.report import report
    from ..cli.simon import simon
    from ..cli.single import single

    return {"analyze": analyze, "bayes": bayes, "compare": compare, "design": design, "evaluate": evaluate,
            "oc": oc, "plan": plan, "predictive": predictive, "report": report, "simon": simon,
            "single": single}[name]


def _options(cmd):
    """'--p0' -> the click Option (every spelling of every option of ``cmd``)."""
    out = {}
    for p in cmd.params:
        if isinstance(p, click.Option):
            for o in p.opts + p.secondary_opts:
                out[o] = p
    return out


def _token(value, key):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(f"{key} must be a finite number, got {value!r}")
        return repr(value)
    if isinstance(value, (int, str)):
        return str(value)
    raise _bad(f"{key} must be a number or a string, got {type(value).__name__}")


def to_argv(command, params, limits):
    """The command line of ``command`` for request parameters ``params`` (dict of value or list of values).

    ``args`` holds the positional arguments; ``true`` turns a flag on, ``false`` (or, in a query
    string, 0/false/off/no) leaves it off; other keys become ``--key value`` with ``_`` read as ``-``,
    so an unknown key gets click's own "No such option" message.  Refused keys and the server's caps
    (``limits``) give 422 before any work.
    """
    cmd = _command(command)
    opts = _options(cmd)
    argv, positional = [], []
    for key, value in params.items():
        if not _KEY.match(key):
            raise _bad(f"option names are letters, digits, '-' and '_', got {key[:40]!r}")
        name = key.replace("_", "-")
        if key == "args":
            positional = [_token(v, key) for v in (value if isinstance(value, list) else [value])]
            continue
        if name in REFUSED:
            raise _bad(f"option --{name} is not available over HTTP: {REFUSED[name]}")
        values = value if isinstance(value, list) else [value]
        opt = "--" + name
        param = opts.get(opt)
        if param is not None and param.is_flag and not param.secondary_opts:
            on = [v for v in values if v is not None and not (v is False or str(v).strip().lower() in _FALSE)]
            if any(not (v is True or str(v).strip().lower() in _TRUE) for v in on):
                raise _bad(f"{key} is a switch: give true or false, got {on[0]!r}")
            if on:
                argv.append(opt)
            continue
        for v in values:
            if v is None:
                continue
            argv += [opt, _token(v, key)]
    _check_limits(command, argv, limits)
    return argv + ["--"] + positional if positional else argv


def _check_limits(command, argv, limits):
    """The server's caps on the size of the work (the command line itself has wider ones)."""
    from ..cli._common import BadInput, parse_rates
    from .._validation import N_LIMIT as engine_nmax

    for opt, value in zip(argv, argv[1:]):
        if opt == "--nmax":
            try:
                nmax = int(value)
            except ValueError:
                continue  # the command says what is wrong with it
            # beyond the engine's own limit the command's message says so
            if limits["nmax"] < nmax <= engine_nmax:
                raise _bad(f"nmax must be at most {limits['nmax']} on this server (use the command line for "
                           f"larger searches), got {nmax}")
        if opt == "--p" and ":" in value:
            try:
                points = len(parse_rates("p", value))
            except BadInput:
                continue  # a malformed grid: the command gives its message
            if points > limits["grid"]:
                raise _bad(f"p grid must have at most {limits['grid']} points on this server, got {value!r} "
                           f"({points} points)")


def run_command(command, argv, deadline=None, cancelled=None, table=False):
    """Run one CLI command in this thread and return the object it would print with --format json.

    With ``table=True``: the text the command prints with --format table (its default), instead.

    Raises :class:`ApiError` with the command's message for bad input or no feasible design, and
    :class:`RequestCancelled` once ``time.monotonic()`` passes ``deadline`` or the event ``cancelled``
    is set (checked by the command's progress callback after each search step).
    """
    from ..cli._common import CANCEL_CHECK, EMIT_CAPTURE, Infeasible
    from ..cli._common import shorten as _shorten
    from ..cli._common import usage_hint

    def check():
        if (cancelled is not None and cancelled.is_set()) or (deadline is not None and time.monotonic() > deadline):
            raise RequestCancelled

    sink = []
    cap, chk = EMIT_CAPTURE.set(sink), CANCEL_CHECK.set(check)
    try:
        _command(command).main(args=list(argv), prog_name=f"phase2design {command}", standalone_mode=False)
    except Infeasible as e:
        raise ApiError(422, _shorten(e.format_message()), "infeasible") from None
    except click.ClickException as e:
        positional = argv[argv.index("--") + 1:] if "--" in argv else []
        raise _bad(_shorten(e.format_message()) + usage_hint(e, [command] + positional)) from None
    except click.exceptions.Exit as e:  # --help and the like: nothing to answer
        raise _bad(f"the command stopped without a result (exit status {e.exit_code})") from None
    except click.exceptions.Abort:
        raise RequestCancelled from None
    finally:
        EMIT_CAPTURE.reset(cap)
        CANCEL_CHECK.reset(chk)
    if not sink:
        return None
    obj, document = sink[-1]
    if table:
        from ..present import render as R

        return R.render_text(document()) + "\n"  # as click.echo prints it
    return obj


def _to_json(obj):
    from ..present import render as R

    return R.to_json(obj)


# ---------------------------------------------------------------------------
# Request handling
# ---------------------------------------------------------------------------

async def _params(request, limits):
    """The request's parameters: the query string, and for POST the JSON object of the body (it wins)."""
    if len(request.url.query) > limits["query"]:
        raise ApiError(413, f"query string must be at most {limits['query']} characters", "too_large")
    params = {}
    for key in request.query_params.keys():
        vals = request.query_params.getlist(key)
        params[key] = vals if len(vals) > 1 else vals[0]
    if request.method == "POST":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits["body"]:
                raise ApiError(413, f"request body must be at most {limits['body']} bytes", "too_large")
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError) as e:
                raise _bad(f"request body must be a JSON object: {e}") from None
            if not isinstance(data, dict):
                raise _bad(f"request body must be a JSON object of options, got {type(data).__name__}")
            params.update(data)
    return params


async def _in_thread(request, fn, state):
    """``fn(deadline, cancelled)`` in a worker thread: time limit, and cancelled when the client leaves."""
    cancelled = threading.Event()
    limit = state["time_limit"]
    deadline = time.monotonic() + limit
    outcome = {}
    timeout = ApiError(503, f"the computation took longer than this server's limit of {limit:g} s: ask for a "
                            "smaller search (e.g. a lower nmax) or use the command line", "timeout")

    async def watch(scope):
        while not cancelled.is_set():
            if await request.is_disconnected():
                cancelled.set()
                scope.cancel()
                return
            await anyio.sleep(0.05)

    async def work(scope):
        try:
            # a little over the limit: the search stops itself at its next step; this frees the request
            # even if one step (a kernel call) runs on
            with anyio.fail_after(limit + 2.0):
                outcome["value"] = await anyio.to_thread.run_sync(lambda: fn(deadline, cancelled),
                                                                  limiter=_limiter(state), abandon_on_cancel=True)
        except TimeoutError:
            outcome["error"] = timeout
        except RequestCancelled:
            outcome["error"] = None if cancelled.is_set() else timeout
        except ApiError as e:
            outcome["error"] = e
        finally:
            cancelled.set()
            scope.cancel()

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch, tg.cancel_scope)
        tg.start_soon(work, tg.cancel_scope)
    if "value" in outcome:
        return outcome["value"]
    if outcome.get("error") is not None:
        raise outcome["error"]
    raise ApiError(499, "client closed the request", "cancelled")


def _limiter(state):
    # created on first use, inside the event loop that uses it
    if state.get("limiter") is None:
        state["limiter"] = anyio.CapacityLimiter(state["workers"])
    return state["limiter"]


def _error_response(e):
    return JSONResponse({"error": e.message, "kind": e.kind}, status_code=e.status)


def _endpoint(command):
    async def handler(request):
        state = request.app.state.config
        try:
            argv = to_argv(command, await _params(request, state), state)
            obj = await _in_thread(request, lambda d, c: run_command(command, argv, d, c), state)
        except ApiError as e:
            return _error_response(e)
        return Response(_to_json(obj), media_type="application/json")

    return handler


async def table(request):
    """``/api/<command>/table.txt?...``: the text table the command prints (its --format table)."""
    command = request.path_params["command"]
    state = request.app.state.config
    try:
        if command not in COMMANDS or command == "report":
            raise ApiError(404, f"no table for {command!r}", "not_found")
        argv = to_argv(command, await _params(request, state), state)
        text = await _in_thread(request, lambda d, c: run_command(command, argv, d, c, table=True), state)
    except ApiError as e:
        return _error_response(e)
    return Response(text, media_type="text/plain; charset=utf-8")


async def figure(request):
    """``/api/<command>/figure.svg?which=space|oc|distribution&...``: the command's --plot drawn as SVG."""
    command = request.path_params["command"]
    state = request.app.state.config
    try:
        if command not in FIGURES:
            raise ApiError(404, f"no figure for {command!r}: figures are drawn by {', '.join(FIGURES)}", "not_found")
        params = await _params(request, state)
        which = str(params.pop("which", next(iter(FIGURES[command]))))
        if which not in FIGURES[command]:
            raise _bad(f"which must be one of {', '.join(FIGURES[command])} for {command}, got {which!r}")
        argv = to_argv(command, params, state)

        def draw(deadline, cancelled):
            with tempfile.TemporaryDirectory(prefix="phase2design-web-") as tmp:
                path = Path(tmp) / "figure.svg"
                with _DRAW_LOCK:
                    run_command(command, [FIGURES[command][which], str(path)] + argv, deadline, cancelled)
                return path.read_bytes()

        svg = await _in_thread(request, draw, state)
    except ApiError as e:
        return _error_response(e)
    return Response(svg, media_type="image/svg+xml")


async def report(request):
    """``/api/report?file_format=json|html|md|docx&...``: the report command's -o file, served."""
    state = request.app.state.config
    try:
        params = await _params(request, state)
        fmt = str(params.pop("file_format", "json")).lower()
        download = str(params.pop("download", "0")).lower() in _TRUE - {""}
        if fmt not in REPORT_FORMATS:
            raise _bad(f"file_format must be one of {', '.join(REPORT_FORMATS)}, got {fmt!r}")
        argv = to_argv("report", params, state)

        def write(deadline, cancelled):
            with tempfile.TemporaryDirectory(prefix="phase2design-web-") as tmp:
                path = Path(tmp) / f"report.{fmt}"
                with _DRAW_LOCK:
                    run_command("report", ["-o", str(path)] + argv, deadline, cancelled)
                return path.read_bytes()

        data = await _in_thread(request, write, state)
    except ApiError as e:
        return _error_response(e)
    name = "design.json" if fmt == "json" else f"report.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'} if download or fmt == "docx" else {}
    return Response(data, media_type=REPORT_FORMATS[fmt], headers=headers)


async def page(request):
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


async def openapi(request):
    return JSONResponse(openapi_document())


async def health(request):
    from .. import __version__

    return JSONResponse({"status": "ok", "version": __version__})


_CLICK_TYPES = {"integer": ("integer", None), "float": ("number", None), "boolean": ("boolean", None)}


def openapi_document():
    """An OpenAPI 3.1 description built from the click commands' own options (so it cannot drift)."""
    from .. import __version__

    paths = {}
    for name in COMMANDS:
        cmd = _command(name)
        parameters = []
        for p in cmd.params:
            if isinstance(p, click.Option):
                key = p.opts[-1].lstrip("-").replace("-", "_") if p.opts[-1].startswith("--") else p.name
                if key.replace("_", "-") in REFUSED or p.name in ("fmt", "plot_path", "plot_oc_path", "output"):
                    continue
                if p.is_flag:
                    schema = {"type": "boolean"}
                elif isinstance(p.type, click.Choice):
                    schema = {"type": "string", "enum": list(p.type.choices)}
                else:
                    schema = {"type": _CLICK_TYPES.get(p.type.name, ("string", None))[0]}
                if p.multiple:
                    schema = {"type": "array", "items": schema}
                parameters.append({"name": key, "in": "query", "required": False, "schema": schema,
                                   "description": " ".join((p.help or "").split())})
            elif isinstance(p, click.Argument):
                parameters.append({"name": "args", "in": "query", "required": p.required,
                                   "schema": {"type": "array", "items": {"type": "string"}},
                                   "description": f"positional argument(s) {p.name.upper()}"})
        if name == "report":
            parameters.append({"name": "file_format", "in": "query", "schema": {"type": "string",
                               "enum": list(REPORT_FORMATS)}, "description": "json: the design file; html, md, docx"})
        summary = (cmd.help or "").strip().splitlines()[0]
        responses = {"200": {"description": "the command's --format json (the library's to_dict())"},
                     "422": {"description": "bad input or no feasible design: {error, kind}"},
                     "503": {"description": "over the server's time limit"}}
        op = {"summary": summary, "parameters": parameters, "responses": responses}
        post = {"summary": summary, "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "description": "the same options as the query parameters"}}}}, "responses": responses}
        paths[f"/api/{name}"] = {"get": op, "post": post}
    for name in COMMANDS:
        if name != "report":
            paths[f"/api/{name}/table.txt"] = {"get": {
                "summary": f"the text table 'phase2design {name}' prints (--format table)",
                "responses": {"200": {"description": "text/plain"}, "422": {"description": "bad input"}}}}
    for name, kinds in FIGURES.items():
        paths[f"/api/{name}/figure.svg"] = {"get": {
            "summary": f"the figure of {name} as SVG",
            "parameters": [{"name": "which", "in": "query", "schema": {"type": "string", "enum": list(kinds)}}],
            "responses": {"200": {"description": "image/svg+xml"}, "422": {"description": "bad input"}}}}
    return {"openapi": "3.1.0", "info": {"title": "phase2design", "version": __version__,
                                         "description": "Exact design and analysis of single-arm phase II trials"},
            "paths": paths}


def create_app(time_limit=60.0, workers=2, nmax=1000, grid=2001, body=65536, query=8192):
    """The ASGI application.

    Parameters
    ----------
    time_limit : float
        Seconds a request may compute before it is stopped (HTTP 503).
    workers : int
        Requests computed at the same time (the others wait); the engine is CPU-bound.
    nmax, grid : int
        Largest ``nmax`` and most points of a ``--p`` grid a request may ask for.
    body, query : int
        Largest request body (bytes) and query string (characters).
    """
    routes = [Route("/", page), Route("/openapi.json", openapi), Route("/health", health),
              Route("/api/report", report, methods=["GET", "POST"]),
              Route("/api/{command}/figure.svg", figure, methods=["GET", "POST"]),
              Route("/api/{command}/table.txt", table, methods=["GET", "POST"])]
    routes += [Route(f"/api/{name}", _endpoint(name), methods=["GET", "POST"]) for name in COMMANDS if name != "report"]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    app = Starlette(routes=routes)
    app.state.config = {"time_limit": float(time_limit), "workers": int(workers), "limiter": None, "nmax": nmax,
                        "grid": grid, "body": body, "query": query}
    return app

"""The web API (phase2design.web) against the command line: same JSON, same one-line messages, caps, safety.

Every endpoint runs the CLI command of its name in-process; these tests check the translation of a
request into the command line (query strings, JSON bodies, flags, positional arguments) by comparing
each answer with what ``phase2design <command> ... --format json`` prints, and each bad input of the
CLI tests (tests/test_cli.py BAD_INPUTS) with the CLI's own "Error: ..." line.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

import click  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from conftest import run_main  # noqa: E402
from phase2design.web import create_app  # noqa: E402
from phase2design.web.app import to_argv  # noqa: E402
from test_cli import BAD_INPUTS  # noqa: E402

SIMON = {"p0": 0.1, "p1": 0.3, "alpha": 0.05, "beta": 0.2}

# (command line, request parameters): each pair must give the same JSON
CASES = {
    "simon": (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"], SIMON),
    "simon-power-nmax": (["simon", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.1", "--power", "0.9", "--nmax", "60"],
                         {"p0": 0.2, "p1": 0.4, "alpha": 0.1, "power": 0.9, "nmax": 60}),
    "simon-all": (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--all"],
                  dict(SIMON, all=True)),
    "simon-feasible": (["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--feasible",
                        "--n-range", "25:27"], dict(SIMON, feasible=True, n_range="25:27")),
    "single": (["single", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.05", "--beta", "0.2"],
               {"p0": 0.2, "p1": 0.4, "alpha": 0.05, "beta": 0.2}),
    "single-cutoffs": (["single", "--n", "9", "--p0", "0.1,0.2", "--p1", "0.5"], {"n": 9, "p0": "0.1,0.2", "p1": 0.5}),
    "design-efficacy": (["design", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--stages", "2", "--efficacy"],
                        dict(SIMON, stages=2, efficacy=True)),
    "design-three-stage": (["design", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.1", "--beta", "0.1", "--stages",
                            "3", "--nmax", "40"], {"p0": 0.2, "p1": 0.4, "alpha": 0.1, "beta": 0.1, "stages": 3,
                                                   "nmax": 40}),
    "oc": (["oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p", "0.1,0.3"],
           {"r1": 1, "n1": 10, "r": 5, "n": 29, "p": "0.1,0.3"}),
    "oc-design-grid": (["oc", "--design", "3:6/16,11/41", "--p", "0:1:0.25"], {"design": "3:6/16,11/41",
                                                                               "p": "0:1:0.25"}),
    "oc-curtail": (["oc", "--design", "1/10,5/29", "--p", "0.1,0.3", "--curtail", "deterministic"],
                   {"design": "1/10,5/29", "p": "0.1,0.3", "curtail": "deterministic"}),
    "evaluate": (["evaluate", "3/9", "--threshold", "0.2", "--p0", "0.1"],
                 {"args": "3/9", "threshold": 0.2, "p0": 0.1}),
    "evaluate-confidences": (["evaluate", "5/29", "--confidence", "0.8", "--confidence", "0.95", "--design",
                              "1/10,5/29", "--p0", "0.1", "--p1", "0.3"],
                             {"args": ["5/29"], "confidence": [0.8, 0.95], "design": "1/10,5/29", "p0": 0.1,
                              "p1": 0.3}),
    "analyze": (["analyze", "--design", "1/10,5/29", "--x1", "2", "--x2", "4", "--p0", "0.1", "--alpha", "0.05"],
                {"design": "1/10,5/29", "x1": 2, "x2": 4, "p0": 0.1, "alpha": 0.05}),
    "plan": (["plan", "--pilot", "3/9", "--p0", "0.1", "--alpha", "0.05", "--beta", "0.2"],
             {"pilot": "3/9", "p0": 0.1, "alpha": 0.05, "beta": 0.2}),
    "compare": (["compare", "--p0", "0.1", "--p1", "0.3", "--", "1/10,5/29", "1/15,5/25", "-:4/12,9/35"],
                {"args": ["1/10,5/29", "1/15,5/25", "-:4/12,9/35"], "p0": 0.1, "p1": 0.3}),
    "bayes": (["bayes", "--p0", "0.2", "--p1", "0.4", "--nmax", "40", "--looks", "10,20,30", "--theta-t", "0.8",
               "--theta-l", "0.1", "--theta-u", "0.9", "--prior", "1,1"],
              {"p0": 0.2, "p1": 0.4, "nmax": 40, "looks": "10,20,30", "theta_t": 0.8, "theta_l": 0.1,
               "theta_u": 0.9, "prior": "1,1"}),
}


@pytest.fixture(scope="module")
def client():
    # the engine's own nmax limit (5000), so that every CLI bad input meets the same check
    with TestClient(create_app(nmax=5000)) as c:
        yield c


def _cli_json(args, capsys):
    code, out, err = run_main(args[:1] + ["--format", "json"] + args[1:], capsys)
    assert code == 0, err
    return out


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_json_equals_cli(name, method, client, capsys):
    args, params = CASES[name]
    want = _cli_json(args, capsys)
    if method == "GET":
        r = client.get(f"/api/{args[0]}", params=params)
    else:
        r = client.post(f"/api/{args[0]}", json=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.text.rstrip("\n") == want.rstrip("\n")
    assert json.loads(r.text) == json.loads(want)


@pytest.mark.parametrize("name", ["simon", "single", "design-efficacy", "oc", "evaluate", "analyze", "compare"])
def test_table_equals_cli(name, client, capsys):
    args, params = CASES[name]
    code, out, err = run_main(args, capsys)
    assert code == 0, err
    r = client.get(f"/api/{args[0]}/table.txt", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == out


def test_report_json_is_the_design_file(client, tmp_path, capsys):
    path = tmp_path / "d.json"
    code, _, err = run_main(["report", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--design",
                             "minimax", "-o", str(path)], capsys)
    assert code == 0, err
    r = client.get("/api/report", params=dict(SIMON, design="minimax"))
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(path.read_text())
    assert r.json()["label"] == "1/15, 5/25"


def test_report_html_and_docx(client):
    r = client.get("/api/report", params=dict(SIMON, file_format="html", no_figures=True, download=1))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert 'filename="report.html"' in r.headers["content-disposition"]
    assert "1/10" in r.text and "29" in r.text
    pytest.importorskip("docx")
    r = client.get("/api/report", params=dict(SIMON, file_format="docx", no_figures=True))
    assert r.status_code == 200, r.text
    assert r.content[:2] == b"PK"  # a zip container, as every .docx


def test_figures_are_svg(client):
    for path, params in (("/api/simon/figure.svg", SIMON), ("/api/simon/figure.svg", dict(SIMON, which="oc")),
                         ("/api/oc/figure.svg", {"design": "1/10,5/29", "p": "0:1:0.05"})):
        r = client.get(path, params=params)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in r.content[:2000]
    r = client.get("/api/simon/figure.svg", params=dict(SIMON, which="bogus"))
    assert r.status_code == 422 and "which must be one of space, oc" in r.json()["error"]
    r = client.get("/api/simon/figure.svg", params=dict(SIMON, p1=0.05))
    assert r.status_code == 422 and r.json()["error"].startswith("p0 must be smaller than p1")


# ---------------------------------------------------------------------------
# Bad input: 422 with the CLI's message
# ---------------------------------------------------------------------------

def _argv_to_params(argv):
    """A CLI argument list -> (command, request parameters as strings), the reverse of to_argv."""
    from phase2design.cli import cli

    cmd = cli.commands[argv[0]]
    opts = {o: p for p in cmd.params if isinstance(p, click.Option) for o in p.opts}
    params, rest, i = {}, argv[1:], 0
    while i < len(rest):
        tok = rest[i]
        p = opts.get(tok)
        if p is not None and p.is_flag:
            params[tok.lstrip("-")] = "true"
            i += 1
        elif tok.startswith("--") and i + 1 < len(rest):
            key = tok[2:]
            params[key] = params[key] + [rest[i + 1]] if key in params else rest[i + 1]
            i += 2
        else:
            params.setdefault("args", []).append(tok)
            i += 1
    return argv[0], params


# the CLI bad inputs that have no HTTP counterpart: --format is not an option of the API (it answers
# JSON), and an unknown command is an unknown URL (404)
NOT_OVER_HTTP = {"format-xml", "format-oc-yaml", "format-missing-value", "unknown-command"}


@pytest.mark.parametrize("name", [n for n in BAD_INPUTS if n not in NOT_OVER_HTTP])
def test_bad_input_is_422_with_the_cli_message(name, client, capsys):
    args, _ = BAD_INPUTS[name]
    code, out, err = run_main(args, capsys)
    assert code == 2 and err.startswith("Error: ")
    command, params = _argv_to_params(args)
    r = client.get(f"/api/{command}", params=params)
    assert r.status_code == 422, r.text
    assert r.json() == {"error": err.rstrip("\n")[len("Error: "):], "kind": "bad_input"}


def test_no_feasible_design_is_422_saying_what_to_change(client, capsys):
    args = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2", "--nmax", "20"]
    code, _, err = run_main(args, capsys)
    assert code == 1
    r = client.get("/api/simon", params=dict(SIMON, nmax=20))
    assert r.status_code == 422
    assert r.json() == {"error": err.rstrip("\n")[len("Error: "):], "kind": "infeasible"}
    assert "nmax >= 25" in r.json()["error"]


@pytest.mark.parametrize("params,contains", [
    (dict(SIMON, plot="/etc/x.png"), "--plot is not available over HTTP"),
    (dict(SIMON, plot_oc="x.svg"), "--plot-oc is not available over HTTP"),
    (dict(SIMON, format="table"), "always answers JSON"),
    (dict(SIMON, help="true"), "--help is not available"),
    (dict(SIMON, **{"bad key!": 1}), "option names are letters"),
    (dict(SIMON, all="maybe"), "all is a switch"),
])
def test_refused_options(params, contains, client):
    r = client.get("/api/simon", params=params)
    assert r.status_code == 422 and contains in r.json()["error"], r.text


def test_design_file_is_refused(client):
    r = client.get("/api/analyze", params={"design_file": "/etc/passwd", "x1": 1})
    assert r.status_code == 422 and "--design-file is not available over HTTP" in r.json()["error"]
    r = client.get("/api/report", params=dict(SIMON, output="/tmp/x.html"))
    assert r.status_code == 422 and "--output is not available" in r.json()["error"]


def test_post_body_must_be_a_json_object(client):
    r = client.post("/api/simon", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON object" in r.json()["error"]
    r = client.post("/api/simon", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON object" in r.json()["error"]
    r = client.post("/api/simon", json=dict(SIMON, p0=float("nan")) if False else dict(SIMON, p0=[0.1, {"a": 1}]))
    assert r.status_code == 422


def test_caps():
    with TestClient(create_app(nmax=100, grid=11, body=200, query=300)) as c:
        r = c.get("/api/simon", params=dict(SIMON, nmax=101))
        assert r.status_code == 422 and r.json()["error"].startswith("nmax must be at most 100 on this server")
        assert c.get("/api/simon", params=dict(SIMON, nmax=100)).status_code == 200
        r = c.get("/api/oc", params={"design": "1/10,5/29", "p": "0:1:0.05"})
        assert r.status_code == 422 and "at most 11 points" in r.json()["error"]
        assert c.get("/api/oc", params={"design": "1/10,5/29", "p": "0:1:0.1"}).status_code == 200
        r = c.post("/api/simon", json=dict(SIMON, pad="x" * 300))
        assert r.status_code == 413
        r = c.get("/api/simon", params=dict(SIMON, pad="x" * 300))
        assert r.status_code == 413


def test_time_limit_stops_a_search():
    with TestClient(create_app(time_limit=1e-6)) as c:
        t = time.monotonic()
        r = c.get("/api/simon", params={"p0": 0.05, "p1": 0.1, "alpha": 0.01, "beta": 0.05})
        assert r.status_code == 503 and "limit" in r.json()["error"], r.text
        assert time.monotonic() - t < 10


def test_to_argv_flags_and_lists():
    assert to_argv("simon", {"p0": 0.1, "all": True, "feasible": False}, {"nmax": 10, "grid": 10}) == [
        "--p0", "0.1", "--all"]
    assert to_argv("evaluate", {"args": "3/9", "confidence": [0.8, 0.9]}, {"nmax": 10, "grid": 10}) == [
        "--confidence", "0.8", "--confidence", "0.9", "--", "3/9"]


def test_openapi_lists_every_endpoint(client):
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for name in ("simon", "single", "design", "oc", "evaluate", "analyze", "plan", "compare", "report"):
        assert f"/api/{name}" in doc["paths"]
    names = {p["name"] for p in doc["paths"]["/api/simon"]["get"]["parameters"]}
    assert {"p0", "p1", "alpha", "beta", "power", "nmax", "all"} <= names
    assert "plot" not in names and "format" not in names


def test_page_and_static_files(client):
    r = client.get("/")
    assert r.status_code == 200 and "<form" in r.text
    assert "http://" not in r.text.replace("http://www.w3.org", "") and "https://" not in r.text
    for src in ("/static/app.js", "/static/style.css"):
        r = client.get(src)
        assert r.status_code == 200 and "https://" not in r.text and "http://" not in r.text
    assert client.get("/static/../app.py").status_code == 404


# ---------------------------------------------------------------------------
# Concurrency: the same answers as one at a time
# ---------------------------------------------------------------------------

MIXED = [("/api/simon", SIMON), ("/api/simon", {"p0": 0.2, "p1": 0.4, "alpha": 0.1, "beta": 0.1}),
         ("/api/single", {"p0": 0.2, "p1": 0.4, "alpha": 0.05, "beta": 0.2}),
         ("/api/oc", {"design": "1/10,5/29", "p": "0:1:0.1"}),
         ("/api/evaluate", {"args": "3/9", "threshold": 0.2, "p0": 0.1}),
         ("/api/analyze", {"design": "1/10,5/29", "x1": 2, "x2": 4, "p0": 0.1, "alpha": 0.05}),
         ("/api/compare", {"args": ["1/10,5/29", "1/15,5/25"], "p0": 0.1, "p1": 0.3}),
         ("/api/simon", dict(SIMON, p1=0.05))]


def test_concurrent_requests_equal_sequential(client):
    sequential = [(r.status_code, r.text) for r in (client.get(u, params=p) for u, p in MIXED)]
    jobs = [MIXED[i % len(MIXED)] for i in range(48)]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda job: client.get(job[0], params=job[1]), jobs))
    for i, r in enumerate(got):
        assert (r.status_code, r.text) == sequential[i % len(MIXED)]


# ---------------------------------------------------------------------------
# phase2design serve in a real process
# ---------------------------------------------------------------------------

def _serve(*args):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "phase2design", "serve", "--port", "0", *args],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)


def _first_line(proc, timeout):
    lines = []
    reader = threading.Thread(target=lambda: lines.append(proc.stderr.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else None


def test_serve_starts_fast_answers_and_stops_on_ctrl_c():
    import httpx

    t = time.monotonic()
    proc = _serve()
    try:
        line = _first_line(proc, 30)
        started = time.monotonic() - t
        assert line and line.startswith("phase2design serving on http://127.0.0.1:"), line
        # the brief's target is 2 s on an idle machine; allow for a loaded test machine
        assert started < 6, f"serve took {started:.2f} s to listen"
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        r = httpx.get(url + "api/oc", params={"design": "1/10,5/29", "p": "0.1"}, timeout=60)
        assert r.status_code == 200 and r.json()["design"]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err and err.strip().endswith("Interrupted.")


def test_serve_warns_when_listening_beyond_this_machine():
    proc = _serve("--host", "0.0.0.0")
    try:
        line = _first_line(proc, 30)
        assert line and line.startswith("Warning: listening on 0.0.0.0, not only on this machine"), line
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_bad_port(capsys):
    code, out, err = run_main(["serve", "--port", "70000"], capsys)
    assert code == 2 and err == "Error: --port must lie in 0..65535, got 70000\n"


def test_load_on_localhost_equals_sequential():
    """Bounded load: 200 requests over mixed endpoints from 8 concurrent clients to a real server."""
    import httpx

    proc = _serve()
    try:
        line = _first_line(proc, 30)
        assert line and " on http://127.0.0.1:" in line, line
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        with httpx.Client(base_url=url, timeout=120) as c:
            sequential = [(r.status_code, r.text) for r in (c.get(u, params=p) for u, p in MIXED)]
        assert [s for s, _ in sequential] == [200] * (len(MIXED) - 1) + [422]
        local = threading.local()

        def one(i):
            if not hasattr(local, "client"):
                local.client = httpx.Client(base_url=url, timeout=120)
            u, p = MIXED[i % len(MIXED)]
            r = local.client.get(u, params=p)
            return r.status_code, r.text

        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(one, range(200)))
        assert all(g == sequential[i % len(MIXED)] for i, g in enumerate(got))
    finally:
        proc.terminate()
        proc.wait(20)


def test_a_cancelled_run_stops_at_the_first_search_step():
    from phase2design.web.app import RequestCancelled, run_command

    gone = threading.Event()
    gone.set()
    t = time.monotonic()
    with pytest.raises(RequestCancelled):
        run_command("simon", ["--p0", "0.05", "--p1", "0.1", "--alpha", "0.01", "--beta", "0.05"], None, gone)
    assert time.monotonic() - t < 5


def test_client_going_away_cancels_the_work():
    """_in_thread sets the event the search checks as soon as the client disconnects, and answers 499."""
    import anyio

    from phase2design.web.app import ApiError, RequestCancelled, _in_thread

    class Gone:
        def __init__(self):
            self.start = time.monotonic()

        async def is_disconnected(self):
            return time.monotonic() - self.start > 0.2

    seen = {}

    def work(deadline, cancelled):
        # a stand-in for a long search that checks between steps, as Progress does
        while time.monotonic() < deadline:
            if cancelled.is_set():
                seen["cancelled_after"] = time.monotonic()
                raise RequestCancelled
            time.sleep(0.01)
        return "finished"

    state = {"time_limit": 30.0, "workers": 1, "limiter": None}

    async def main():
        t = time.monotonic()
        with pytest.raises(ApiError) as info:
            await _in_thread(Gone(), work, state)
        return info.value, time.monotonic() - t

    err, took = anyio.run(main)
    assert err.status == 499 and err.kind == "cancelled"
    assert took < 5
    deadline = time.monotonic() + 5
    while "cancelled_after" not in seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "cancelled_after" in seen  # the worker thread saw the cancellation and stopped


def test_every_option_naming_a_file_is_refused(client):
    """A future --something FILE must be added to REFUSED: no request may name a file to read or write."""
    from phase2design.web.app import COMMANDS, REFUSED, _command

    found = 0
    for name in COMMANDS:
        for p in _command(name).params:
            if isinstance(p, click.Option) and (isinstance(p.type, (click.Path, click.File))
                                                or "file" in p.name or "path" in p.name or p.name == "output"):
                found += 1
                assert all(o.lstrip("-") in REFUSED for o in p.opts), (name, p.opts)
    assert found >= 10
    r = client.get("/api/compare", params={"args": ["--design-file", "/etc/passwd"], "p0": 0.1, "p1": 0.3})
    # positional arguments follow "--": an option smuggled in args is read as a design and refused as one
    assert r.status_code == 422 and r.json()["error"].startswith("designs[0]: design must look like")


def _cli_test_cases():
    """The command lines of the other CLI test modules' parametrized bad-input tests (read from their marks)."""
    import importlib

    from phase2design.web.app import COMMANDS, REFUSED

    out = {}
    for modname in ("test_cli_designs", "test_bayes_cli", "test_cli_robustness", "test_cli_threestage",
                    "test_input_edge_cases", "test_feasible_cli"):
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        for fname in dir(mod):
            fn = getattr(mod, fname)
            for mark in getattr(fn, "pytestmark", []):
                if mark.name != "parametrize" or not str(mark.args[0]).replace(" ", "").startswith("args"):
                    continue
                for i, value in enumerate(mark.args[1]):
                    value = getattr(value, "values", value)
                    args = value[0] if isinstance(value, tuple) else value
                    if not isinstance(args, (list, tuple)) or not args or args[0] not in COMMANDS:
                        continue
                    tokens = [t.split("=", 1)[0] for t in args if isinstance(t, str) and t.startswith("-")]
                    if any(t.lstrip("-") in REFUSED for t in tokens) or any(not isinstance(t, str) for t in args):
                        continue
                    out[f"{modname}.{fname}[{i}]"] = list(args)
    return out


OTHER_CLI_CASES = _cli_test_cases()


def test_other_cli_modules_give_cases():
    assert len(OTHER_CLI_CASES) >= 20, sorted(OTHER_CLI_CASES)


@pytest.mark.parametrize("name", sorted(OTHER_CLI_CASES))
def test_other_cli_bad_inputs_are_422_with_the_cli_message(name, client, capsys):
    args = OTHER_CLI_CASES[name]
    split = []
    for t in args:  # --opt=value -> --opt value
        split += t.split("=", 1) if t.startswith("--") and "=" in t else [t]
    code, out, err = run_main(split, capsys)
    command, params = _argv_to_params(split)
    r = client.get(f"/api/{command}", params=params)
    if code == 0:
        assert r.status_code == 200, r.text
        return
    assert code in (1, 2) and err.startswith("Error: "), (code, err)
    assert r.status_code == 422, r.text
    assert r.json() == {"error": err.rstrip("\n").split("\n")[-1][len("Error: "):],
                        "kind": "infeasible" if code == 1 else "bad_input"}

"""``phase2design serve``: the web calculator and JSON API on this machine (extra ``phase2design[web]``)."""

import click

from ._common import fail_bad

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine (127.0.0.1) lets others on the network "
                   "use the calculator and see its inputs: a warning is printed.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the calculator in the default web browser.")
@click.option("--time-limit", type=float, default=60.0, show_default=True,
              help="Seconds one request may compute before it is stopped (HTTP 503).")
@click.option("--workers", type=int, default=2, show_default=True,
              help="Requests computed at the same time (the others wait).")
def serve(host, port, open_browser, time_limit, workers):
    """Serve the calculator page and the JSON API (/api/<command>, /openapi.json) until Ctrl-C.

    Every endpoint runs the command of its name: /api/simon?p0=0.1&p1=0.3&alpha=0.05&beta=0.2 answers
    what 'phase2design simon ... --format json' prints; bad input is HTTP 422 with the command's message.
    """
    if not 0 <= port <= 65535:
        fail_bad(f"--port must lie in 0..65535, got {port}")
    if not time_limit > 0:
        fail_bad(f"--time-limit must be positive (seconds), got {time_limit!r}")
    if workers < 1:
        fail_bad(f"--workers must be at least 1, got {workers}")
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as e:
        fail_bad(f"phase2design serve needs the web extra: pip install 'phase2design[web]' ({e})")
    if host not in LOCAL_HOSTS:
        click.echo(f"Warning: listening on {host}, not only on this machine: anyone who can reach it can use the "
                   "calculator and see the trial assumptions entered. Use --host 127.0.0.1 to keep it local.",
                   err=True)
    app = create_app(time_limit=time_limit, workers=workers)
    # beyond 64 open connections uvicorn answers 503 at once instead of queueing without bound
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, limit_concurrency=64)
    server = uvicorn.Server(config)
    _startup = server.startup

    async def startup(sockets=None):
        await _startup(sockets=sockets)
        bound = [s.getsockname() for srv in getattr(server, "servers", []) for s in srv.sockets]
        shown = bound[0][1] if bound else port
        where = f"[{host}]" if ":" in host else host
        url = f"http://{where}:{shown}/"
        click.echo(f"phase2design serving on {url} (Ctrl-C stops it)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    server.startup = startup
    # uvicorn catches SIGINT/SIGTERM, finishes the open requests, closes the socket and then raises the
    # signal again, so Ctrl-C ends as everywhere in the CLI: "Interrupted." and exit status 130
    server.run()

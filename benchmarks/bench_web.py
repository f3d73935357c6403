"""Latency of the web API (phase2design serve) on 127.0.0.1, and a bounded load test.

Usage: python benchmarks/bench_web.py [REQUESTS] [CLIENTS]   (defaults 200 and 8)

1. Starts ``python -m phase2design serve --port 0`` and times how long it takes to say where it listens.
2. Warms up, then times REQUESTS sequential ``GET /api/simon`` for the everyday case (p0 0.1, p1 0.3,
   alpha 0.05, beta 0.2) over one keep-alive connection: median and 99th percentile, against the
   straightforward reference in this same run: the library call ``simon_design(0.1, 0.3, 0.05, 0.2)``
   in-process (what the request costs beyond the search itself is the ratio).
3. Load: REQUESTS requests over mixed endpoints from CLIENTS concurrent clients; every answer must equal
   the sequential answer to the same request (status and body), and no request may fail.
"""

import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

SIMON = {"p0": 0.1, "p1": 0.3, "alpha": 0.05, "beta": 0.2}
MIXED = [("/api/simon", SIMON), ("/api/simon", {"p0": 0.2, "p1": 0.4, "alpha": 0.1, "beta": 0.1}),
         ("/api/single", {"p0": 0.2, "p1": 0.4, "alpha": 0.05, "beta": 0.2}),
         ("/api/oc", {"design": "1/10,5/29", "p": "0:1:0.05"}),
         ("/api/evaluate", {"args": "3/9", "threshold": 0.2, "p0": 0.1}),
         ("/api/analyze", {"design": "1/10,5/29", "x1": 2, "x2": 4, "p0": 0.1, "alpha": 0.05}),
         ("/api/compare", {"args": ["1/10,5/29", "1/15,5/25"], "p0": 0.1, "p1": 0.3}),
         ("/api/design", {"p0": 0.1, "p1": 0.3, "alpha": 0.05, "beta": 0.2, "stages": 2, "efficacy": "true"}),
         ("/api/simon", dict(SIMON, p1=0.05))]


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def start():
    t = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "phase2design", "serve", "--port", "0"], stderr=subprocess.PIPE,
                            text=True)
    line = proc.stderr.readline()
    started = time.monotonic() - t
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
    return proc, line.split(" on ", 1)[1].split(" ", 1)[0].rstrip("/"), started


def main(requests=200, clients=8):
    proc, url, started = start()
    try:
        print(f"serve listening after {started * 1000:.0f} ms at {url}")
        with httpx.Client(base_url=url, timeout=120) as c:
            for _ in range(10):
                c.get("/api/simon", params=SIMON).raise_for_status()
            times = []
            for _ in range(requests):
                t = time.perf_counter()
                c.get("/api/simon", params=SIMON).raise_for_status()
                times.append(time.perf_counter() - t)
        from phase2design.families.simon import simon_design

        for _ in range(10):
            simon_design(0.1, 0.3, 0.05, 0.2)
        ref = []
        for _ in range(requests):
            t = time.perf_counter()
            simon_design(0.1, 0.3, 0.05, 0.2)
            ref.append(time.perf_counter() - t)
        med, p99, rmed = statistics.median(times), percentile(times, 0.99), statistics.median(ref)
        print(f"/api/simon everyday case, {requests} sequential requests: median {med * 1000:.1f} ms, "
              f"p99 {p99 * 1000:.1f} ms")
        print(f"library simon_design in-process: median {rmed * 1000:.1f} ms; request / library = {med / rmed:.2f}x")

        with httpx.Client(base_url=url, timeout=120) as c:
            sequential = [(r.status_code, r.text) for r in (c.get(u, params=p) for u, p in MIXED)]
        jobs = [MIXED[i % len(MIXED)] for i in range(requests)]
        local = threading.local()

        def one(i):
            if not hasattr(local, "client"):
                local.client = httpx.Client(base_url=url, timeout=120)
            u, p = jobs[i]
            t = time.perf_counter()
            r = local.client.get(u, params=p)
            return i, r.status_code, r.text, time.perf_counter() - t

        t = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            got = list(pool.map(one, range(requests)))
        wall = time.perf_counter() - t
        wrong = [i for i, s, body, _ in got if (s, body) != sequential[i % len(MIXED)]]
        lat = [x[3] for x in got]
        print(f"load: {requests} mixed requests from {clients} clients in {wall:.2f} s ({requests / wall:.0f}/s); "
              f"median {statistics.median(lat) * 1000:.1f} ms, p99 {percentile(lat, 0.99) * 1000:.1f} ms; "
              f"answers differing from sequential: {len(wrong)}")
        if wrong:
            raise SystemExit(f"{len(wrong)} answers differ from the sequential ones")
    finally:
        proc.terminate()
        proc.wait(20)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

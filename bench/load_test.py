"""A bounded load test of the workbench's HTTP API: `claimwatch serve` on loopback, N clients in a closed loop.

    python bench/load_test.py --db sqlite:////tmp/cw-1m.db [--clients 2] [--requests 100] [--duration S]

Starts ``python -m claimwatch serve`` from this checkout as a subprocess on 127.0.0.1 (a free port), over the
given store (``bench/generate_store.py`` builds one), waits until it answers, then runs ``--clients`` threads,
each sending its next request as soon as the last one was answered (keep-alive connections), one endpoint after
the other, until each has been asked ``--requests`` times (or ``--duration`` seconds passed). The requests are
varied and
realistic per endpoint: first pages and deep keyset pages of claims with and without filters, the map of the
whole of Ukraine for one month (clustered, and a raw page of 1,000 features), full-text search for common and
rare words, the timeline and the stories list. Prints p50/p95/p99 in milliseconds and requests per second per
endpoint, the server's CPU milliseconds per request (its process's user + system time over the endpoint's run:
what a request costs whatever else the machine is doing, which latency on a shared machine does not say), the
answers that were not 200, and the machine's load average; then stops the server.

Reads the store only through HTTP (and the generator's vocabulary for search words); writes nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: the whole of Ukraine (W, S, E, N)
UKRAINE = "22.1,44.3,40.3,52.4"
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Strategic developments")
VERDICTS = ("contested", "corroborated", "claimed by one side only")


@dataclass(frozen=True, slots=True)
class Result:
    endpoint: str
    ms: float
    status: int


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "claimwatch", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db,
               "--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            status, _ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "/api/claims?limit=1")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def _month(rng: random.Random, first: date, last: date) -> tuple[str, str]:
    start = first + timedelta(days=rng.randrange(max(1, (last - first).days - 31)))
    return start.isoformat(), (start + timedelta(days=30)).isoformat()


def _cursor(kind: str, rng: random.Random, first: date, last: date) -> str:
    """A deep cursor: "after" a random instant in the store's range (as a page's ``next`` would say)."""
    from claimwatch.query.filters import encode_cursor

    day = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
    return encode_cursor(kind, f"{day.isoformat()}T12:00:00+00:00", 2**40 if kind == "claims" else "zzzzzzzz")


def requests_for(endpoint: str, rng: random.Random, first: date, last: date, words: list[str]) -> str:
    """One realistic request of ``endpoint``."""
    since, until = _month(rng, first, last)
    if endpoint == "list":
        choice = rng.randrange(6)
        params: dict[str, str] = {"limit": "50"}
        if choice == 1:
            params["status"] = rng.choice(("denied", "confirmed", "claimed"))
        elif choice == 2:
            params["cursor"] = _cursor("claims", rng, first, last)
        elif choice == 3:
            params.update(status="denied", cursor=_cursor("claims", rng, first, last))
        elif choice == 4:
            params.update(since=since, until=until)
        elif choice == 5:
            params.update(country="UA", event_type=rng.choice(EVENT_TYPES))
        return "/api/claims?" + urlencode(params)
    if endpoint == "search":
        common = ("village", "forces", "drones", "artillery", "bridge", "airfield")
        choice = rng.randrange(4)
        q = (rng.choice(common) if choice == 0 else rng.choice(words[-2000:]) if choice == 1
             else f"{rng.choice(common)} {rng.choice(words[:200])}" if choice == 2 else rng.choice(words[:50]))
        params = {"limit": "50", "q": q}
        if rng.random() < 0.25:
            params["cursor"] = _cursor("claims", rng, first, last)
        return "/api/claims?" + urlencode(params)
    if endpoint == "map":
        params = {"bbox": UKRAINE, "since": since, "until": until, "cluster": "true"}
        if rng.random() < 0.3:
            params["event_type"] = rng.choice(EVENT_TYPES)
        return "/api/map?" + urlencode(params)
    if endpoint == "map-page":
        return "/api/map?" + urlencode({"bbox": UKRAINE, "since": since, "until": until, "limit": "1000"})
    if endpoint == "timeline":
        if rng.random() < 0.5:
            return "/api/timeline"
        return "/api/timeline?" + urlencode({"since": since, "until": until})
    if endpoint == "stories":
        params = {"limit": "50"}
        choice = rng.randrange(3)
        if choice == 1:
            params["verdict"] = rng.choice(VERDICTS)
        elif choice == 2:
            params["cursor"] = _cursor("stories", rng, first, last)
        return "/api/stories?" + urlencode(params)
    raise ValueError(endpoint)


ENDPOINTS = ("list", "search", "map", "map-page", "timeline", "stories")


def run(port: int, plan: list[tuple[str, str]], clients: int, duration: float | None) -> tuple[list[Result], float]:
    """Send ``plan`` from ``clients`` threads, each waiting for its answer before the next request."""
    lock = threading.Lock()
    queue = iter(plan)
    results: list[Result] = []
    stop = time.monotonic() + duration if duration else None

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                item = next(queue, None)
            if item is None or (stop is not None and time.monotonic() > stop):
                return
            endpoint, path = item
            start = time.perf_counter()
            try:
                status, _ = get(connection, path)
            except (OSError, http.client.HTTPException):
                status = 0
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            ms = (time.perf_counter() - start) * 1000
            with lock:
                results.append(Result(endpoint, ms, status))
            if status != 200:
                print(f"  {status} {path}", file=sys.stderr)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds so far of process ``pid`` and its live children (``serve --workers N`` answers
    in child processes; Linux ``/proc``; None elsewhere)."""
    own = _stat(pid)
    if own is None:
        return None
    total = own[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(pid):
            child = _stat(int(entry.name))
            if child is not None and child[0] == pid:
                total += child[1]
    return total


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of ``pid``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


@dataclass(frozen=True, slots=True)
class Phase:
    """One endpoint's run: its answers, how long it took, and the server's CPU seconds meanwhile."""

    endpoint: str
    results: list[Result]
    seconds: float
    cpu: float | None


def figures_of(phase: Phase) -> dict[str, float]:
    ms = [r.ms for r in phase.results]
    cpu = phase.cpu * 1000 / len(ms) if phase.cpu is not None else float("nan")
    return {"n": len(ms), "errors": sum(r.status != 200 for r in phase.results), "p50": statistics.median(ms),
            "p95": percentile(ms, 95), "p99": percentile(ms, 99), "max": max(ms), "rps": len(ms) / phase.seconds,
            "cpu_ms": cpu}


def report(phases: list[Phase]) -> dict[str, dict[str, float]]:
    out = {}
    print(f"{'endpoint':10} {'n':>5} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>7} "
          f"{'server CPU ms/req':>18}")
    for phase in phases:
        if not phase.results:
            continue
        f = out[phase.endpoint] = figures_of(phase)
        print(f"{phase.endpoint:10} {f['n']:5.0f} {f['errors']:6.0f} {f['p50']:8.1f} {f['p95']:8.1f} {f['p99']:8.1f} "
              f"{f['max']:8.1f} {f['rps']:7.1f} {f['cpu_ms']:18.1f}")
    return out


def span_of(port: int) -> tuple[date, date]:
    """The first and last publication days of the store (from its timeline)."""
    _, body = get(http.client.HTTPConnection("127.0.0.1", port, timeout=120), "/api/timeline")
    days = [d["date"] for d in json.loads(body)["days"]]
    if not days:
        return date(2024, 1, 1), date(2024, 2, 1)
    return date.fromisoformat(days[0]), date.fromisoformat(days[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server processes (claimwatch serve --workers)")
    parser.add_argument("--requests", type=int, default=100, help="requests per endpoint")
    parser.add_argument("--duration", type=float, default=None, help="stop each endpoint's run after this many seconds")
    parser.add_argument("--warmup", type=int, default=5, help="unreported requests per endpoint first")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    main_with(args)


def main_with(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    from generate_store import rare_words

    endpoints = [e for e in args.endpoints.split(",") if e]
    rng = random.Random(args.seed)
    port = free_port()
    server = start_server(args.db, port, args.workers)
    try:
        wait_ready(port, server)
        first, last = span_of(port)
        words = rare_words()
        warm = [(e, requests_for(e, rng, first, last, words)) for e in endpoints for _ in range(args.warmup)]
        run(port, warm, args.clients, None)
        load_before = os.getloadavg()
        phases = []
        for endpoint in endpoints:
            plan = [(endpoint, requests_for(endpoint, rng, first, last, words)) for _ in range(args.requests)]
            cpu = cpu_seconds(server.pid)
            results, seconds = run(port, plan, args.clients, args.duration)
            after = cpu_seconds(server.pid)
            phases.append(Phase(endpoint, results, seconds, None if cpu is None or after is None else after - cpu))
        load_after = os.getloadavg()
        total = sum(len(p.results) for p in phases)
        print(f"{args.db}: {total} requests from {args.clients} clients in {sum(p.seconds for p in phases):.1f} s; "
              f"{os.cpu_count()} cores; load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after")
        figures = report(phases)
        if args.json:
            Path(args.json).write_text(json.dumps({"figures": figures, "load": [load_before[0], load_after[0]],
                                                   "clients": args.clients, "seconds": seconds}, indent=1))
        return figures
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()

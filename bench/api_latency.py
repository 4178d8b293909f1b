"""Latency of the HTTP API's main reads, in process (FastAPI's TestClient: no network, JSON included).

    python bench/api_latency.py [--db sqlite:///demo.db] [--synthetic N] [--repeat 30]

``--db`` times an existing store (``make demo`` builds ``demo.db`` from the examples); ``--synthetic N`` builds a
fresh store of N fictional articles (three claims each, stories linked by hand: ``tests/workbench_data.py``) in a
temporary folder first. Prints the median and 95th percentile of each request over ``--repeat`` runs, after one
warm-up run, with the number of items it returned.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one
sys.path.insert(0, str(ROOT / "tests"))

REQUESTS = [
    "/api/claims?limit=50",
    "/api/claims?limit=50&status=denied&country=RU",
    "/api/claims?limit=50&q=lighthouse",
    "/api/claims?limit=50&q=village",
    "/api/stories?limit=50",
    "/api/map",
    "/api/map?bbox=36,49,37,50.3",
    "/api/map?layer=stories",
    "/api/timeline",
    "/api/places",
]


def _count(body: dict) -> int:  # type: ignore[type-arg]
    for key in ("items", "features", "days"):
        if key in body:
            return len(body[key])
    return 0


def time_requests(url: str, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from claimwatch.settings import load_options
    from claimwatch.store import Store
    from claimwatch.web import create_app

    with Store(url) as store:
        client = TestClient(create_app(load_options(), store))
        counts = store.counts()
        print(f"{url}: {counts['articles']} articles, {counts['claims']} claims, {counts['events']} events")
        print(f"{'request':52} {'median ms':>10} {'p95 ms':>8} {'items':>6}")
        for path in [*REQUESTS, _deep_page(client)]:
            timings = []
            body = client.get(path).json()  # warm-up
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
            p95 = statistics.quantiles(timings, n=20)[-1]
            label = path if len(path) <= 52 else path[:49] + "..."
            print(f"{label:52} {statistics.median(timings):10.1f} {p95:8.1f} {_count(body):6d}")


def _deep_page(client) -> str:  # type: ignore[no-untyped-def]
    """The claims page after the first ten (keyset: it should cost what the first costs)."""
    cursor = None
    for _ in range(10):
        cursor = client.get("/api/claims?limit=50" + (f"&cursor={cursor}" if cursor else "")).json()["next"]
        if cursor is None:
            return "/api/claims?limit=50"
    return f"/api/claims?limit=50&cursor={cursor}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="an existing store")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N", help="build a store of N articles")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.db:
        time_requests(args.db, args.repeat)
    if args.synthetic:
        from workbench_data import fill

        from claimwatch.store import Store

        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'synthetic.db'}"
            start = time.perf_counter()
            with Store(url) as store:
                fill(store, args.synthetic)
            print(f"built {args.synthetic} articles in {time.perf_counter() - start:.1f} s")
            time_requests(url, args.repeat)


if __name__ == "__main__":
    main()

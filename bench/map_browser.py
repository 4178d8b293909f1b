"""How long the map page takes to become interactive in headless chromium with many markers.

    python bench/map_browser.py [--events 10000] [--repeat 3]

Builds a synthetic store in a temporary folder (``tests/workbench_data.py``'s fictional articles, two located
events each, their places scattered over eastern Ukraine and western Russia so that markers do not sit on two
points), serves the workbench with uvicorn on a loopback port and opens ``/`` in Debian's chromium (Playwright,
as the browser tests do). "Interactive" is the moment the map script has every feature loaded and its markers
drawn (``#map[data-state=ready]``), measured from the start of navigation with the page's own clock; then a
zoom-in and its redraw are timed. Prints the median over ``--repeat`` cold page loads.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one
sys.path.insert(0, str(ROOT / "tests"))


def build(store: object, articles: int, seed: int = 1) -> int:
    """Save ``articles`` synthetic articles with scattered places and their stories; returns located events."""
    from workbench_data import _link, extraction

    rng = random.Random(seed)
    facts, ids = [], {}
    located = 0
    for i in range(articles):
        made, found = extraction(i, articles)
        for claim in made.claims:
            for event in claim.events:
                if event.place is not None and event.place.place is not None:
                    place = dataclasses.replace(event.place.place, lat=rng.uniform(46.5, 52.5),
                                                lon=rng.uniform(31.0, 40.5))
                    event.place = dataclasses.replace(event.place, place=place)
                    located += 1
        ids[i] = store.save(made)  # type: ignore[attr-defined]
        facts += found
    _link(store, facts, ids)
    return located


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="located events (two per article)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from browser_support import browser, serve

    from claimwatch.settings import load_options
    from claimwatch.store import Store
    from claimwatch.web import create_app

    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{folder}/bench.db") as store:
        started = time.perf_counter()
        located = build(store, args.events // 2)
        print(f"store: {located} located events in {time.perf_counter() - started:.1f} s")
        with serve(create_app(load_options(), store)) as base, browser() as chromium:
            ready, zooms = [], []
            for _ in range(args.repeat):
                context = chromium.new_context(viewport={"width": 1366, "height": 850})
                page = context.new_page()
                page.goto(base + "/")
                page.wait_for_selector("#map[data-state=ready]", timeout=60_000)
                ready.append(page.evaluate("() => performance.now()"))
                features = int(page.get_attribute("#map", "data-features") or 0)
                markers = int(page.get_attribute("#map", "data-markers") or 0)
                zooms.append(page.evaluate("""() => new Promise(done => {
                    const button = document.querySelector('.leaflet-control-zoom-in');
                    const t = performance.now();
                    document.getElementById('map').addEventListener('redrawn', () => done(performance.now() - t),
                                                                    {once: true});
                    button.click();
                })"""))
                context.close()
        print(f"features loaded: {features}, markers drawn at first view: {markers}")
        print(f"interactive (navigation start -> markers drawn): median {statistics.median(ready):.0f} ms "
              f"(runs: {', '.join(f'{r:.0f}' for r in ready)})")
        print(f"zoom in -> redrawn: median {statistics.median(zooms):.0f} ms")


if __name__ == "__main__":
    main()

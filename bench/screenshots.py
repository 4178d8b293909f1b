"""Screenshots of the workbench's main pages for the README (docs/screenshots/*.png).

    python bench/screenshots.py [--db sqlite:///demo.db] [--out docs/screenshots]

Without ``--db`` it ingests ``examples/`` and ``bench/data/stories_dev.jsonl`` into a temporary store first (as
``claimwatch ingest`` and ``claimwatch link`` do; this loads the spaCy model). Serves the workbench with uvicorn
on a loopback port and photographs the map, the timeline, the claims list, a story and an article in Debian's
chromium (Playwright, as the browser tests do), at 1280×800.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one
sys.path.insert(0, str(ROOT / "tests"))


def fill(url: str) -> None:
    from claimwatch.ingest import ingest_paths
    from claimwatch.link import link
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    options = load_options()
    with Store(url) as store:
        ingest_paths(store, [ROOT / "examples", ROOT / "bench" / "data" / "stories_dev.jsonl"], options)
        link(store, options)


def shoot(url: str, out: Path) -> list[Path]:
    from browser_support import browser, serve

    from claimwatch import query
    from claimwatch.settings import load_options
    from claimwatch.store import Store
    from claimwatch.web import create_app

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with Store(url) as store:
        stories = query.stories(store, limit=100).items
        story = max(stories, key=lambda s: (len(s["claims"]), s["id"]))
        member = story["claims"][0]
        pages = {"map": ("/", "#map[data-state=ready]"), "timeline": ("/timeline", "#chart[data-state=ready]"),
                 "claims": ("/claims", "table.claims"), "story": (f"/stories/{story['id']}", "article.story-claim"),
                 "article": (f"/articles/{member['article']}#claim-{member['claim']}", "#article-text")}
        with serve(create_app(load_options(), store)) as base, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            for name, (path, ready) in pages.items():
                page.goto(base + path)
                page.wait_for_selector(ready)
                page.evaluate("() => window.scrollTo(0, 0)")
                page.wait_for_timeout(300)
                target = out / f"{name}.png"
                page.screenshot(path=str(target))
                written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="an existing store (default: the examples, ingested into a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{folder}/examples.db"
        if args.db is None:
            fill(url)
        for path in shoot(url, args.out):
            print(f"{path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

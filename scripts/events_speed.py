"""Time the events stage: ms per article that ``events.annotate`` adds on top of parsing and attribution.

Usage: .venv/bin/python scripts/events_speed.py [DIR] [--limit N]
(default DIR: ../shared/datasets/polnear/train/text; measurement only, nothing is written)
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from claimwatch.extract import attribution, events, status
from claimwatch.model import Article
from claimwatch.pipeline import Pipeline


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="/work/shared/datasets/polnear/train/text")
    ap.add_argument("--limit", type=int, default=300)
    args = ap.parse_args()
    pipe = Pipeline()
    files = sorted(Path(args.dir).glob("*.txt"))[: args.limit]
    texts = [f.read_text("utf-8") for f in files]
    published = datetime(2016, 11, 1, 12, tzinfo=UTC)
    per, parse_ms, chars, n_events = [], 0.0, 0, 0
    t0 = time.perf_counter()
    docs = list(pipe.nlp.pipe(texts, batch_size=32))
    parse_ms = (time.perf_counter() - t0) * 1000
    for text, doc in zip(texts, docs, strict=True):
        art = Article(text=text, published=published, language="en")
        claims = attribution.find_claims(doc)
        status.assign(doc, claims)
        t = time.perf_counter()
        events.annotate(doc, art, claims, pipe.actors)
        per.append((time.perf_counter() - t) * 1000)
        chars += len(text)
        n_events += sum(len(c.events) for c in claims)
    n = len(texts)
    print(f"{n} articles, mean {chars / n:.0f} chars; parse {parse_ms / n:.1f} ms/article")
    print(f"events.annotate: mean {statistics.mean(per):.2f} ms/article, median {statistics.median(per):.2f}, "
          f"p95 {sorted(per)[int(0.95 * n) - 1]:.2f} (first call incl. lazy loading {per[0]:.0f} ms); "
          f"{n_events / n:.1f} events/article")
    rest = per[1:]
    print(f"without the first call: mean {statistics.mean(rest):.2f} ms/article; "
          f"per 4,400 chars {statistics.mean(rest) * 4400 * (n - 1) / (chars - len(texts[0])):.2f} ms")


if __name__ == "__main__":
    main()

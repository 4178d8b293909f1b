"""Scaling on one very long article: extraction time after the parse should grow linearly with length.

    python bench/large_article.py [--sizes 50000 100000 200000 400000]

Builds articles of the given sizes from the PolNeAR texts (or the bundled examples) and prints, per size, the
parse time and the time of every later stage together (``Pipeline.analyse``). A stage that compares every
mention with every other shows up as a per-100k-character cost that climbs with size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_CORPUS, load_texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000, 400_000])
    args = ap.parse_args()
    from claimwatch import Article, Pipeline

    texts, what = load_texts(DEFAULT_CORPUS, 200)
    source = "\n\n".join(texts)
    while len(source) < max(args.sizes):
        source += "\n\n" + source
    pipe = Pipeline()
    pipe.analyse(pipe.nlp(texts[0]), Article(text=texts[0], language="en"))  # load everything once
    print(f"articles built from {what}")
    for size in args.sizes:
        text = source[:size]
        t0 = time.perf_counter()
        doc = pipe.nlp(text)
        t1 = time.perf_counter()
        result = pipe.analyse(doc, Article(text=text, language="en"))
        t2 = time.perf_counter()
        per = (t2 - t1) / size * 100_000
        print(f"{size:>9,} chars: parse {t1 - t0:6.1f} s, stages {t2 - t1:6.2f} s ({per:.2f} s per 100k chars), "
              f"{len(result.claims)} claims")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput: the whole extraction pipeline against the bare spaCy parse, same articles, same process.

    python bench/throughput.py [--n 300] [--corpus DIR] [--accurate]

Articles: the PolNeAR texts under ``../shared/datasets/polnear`` when present (realistic length, ~4,400
characters), else the bundled examples repeated. The bare parse is ``spacy.load(model).pipe`` over the texts;
the pipeline is ``Pipeline.extract_many`` over the same texts as Articles (language identification, parse with
claimwatch's entity rules, attribution, status and every later stage). Each is run twice, alternating, and the
better time is kept. The last line is ``ratio <pipeline rate / parse rate>``; the target is >= 0.8 for the default
mode. ``--accurate`` times the ``--accurate`` mode instead (the transformer span tagger; it has no target, its
rate is reported next to its figures).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "polnear"


def load_texts(corpus: Path, n: int) -> tuple[list[str], str]:
    files = sorted(corpus.glob("*/text/*.txt")) if corpus.is_dir() else []
    if len(files) >= n:
        return [f.read_text(encoding="utf-8") for f in files[:n]], f"{corpus} ({n} PolNeAR texts)"
    examples = sorted((ROOT / "examples").glob("*.txt"))
    base = [f.read_text(encoding="utf-8") for f in examples] or ["The ministry said its forces repelled an attack."]
    texts = [base[i % len(base)] for i in range(n)]
    return texts, f"bundled examples repeated to {n}"


def time_parse(model: str, texts: list[str], batch_size: int) -> float:
    import spacy

    nlp = spacy.load(model)
    list(nlp.pipe(texts[:5]))
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - t


def time_pipeline(texts: list[str], batch_size: int, accurate: bool = False) -> tuple[float, int]:
    from claimwatch import Article, Pipeline, load_options
    from claimwatch.model import Extraction

    pipe = Pipeline(load_options(batch_size=batch_size, accurate=accurate))
    list(pipe.extract_many(Article(text=t) for t in texts[:5]))
    t = time.perf_counter()
    claims = 0
    for result in pipe.extract_many(Article(text=x) for x in texts):
        if isinstance(result, Extraction):
            claims += len(result.claims)
    return time.perf_counter() - t, claims


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--accurate", action="store_true", help="time the --accurate mode")
    args = ap.parse_args()
    from claimwatch import load_options

    texts, what = load_texts(args.corpus, args.n)
    chars = sum(len(t) for t in texts)
    model = load_options().english_model
    print(f"articles: {what}; {chars / len(texts):.0f} characters on average")
    parse_times, pipe_times = [], []
    claims = 0
    for _ in range(2):
        parse_times.append(time_parse(model, texts, args.batch_size))
        elapsed, claims = time_pipeline(texts, args.batch_size, args.accurate)
        pipe_times.append(elapsed)
    parse_rate = len(texts) / min(parse_times)
    pipe_rate = len(texts) / min(pipe_times)
    print(f"bare spaCy parse ({model}): {parse_rate:.2f} articles/s ({parse_rate * chars / len(texts) / 1000:.1f}k chars/s)")
    mode = " --accurate" if args.accurate else ""
    print(f"claimwatch pipeline{mode}:        {pipe_rate:.2f} articles/s ({claims} claims)")
    print(f"ratio {pipe_rate / parse_rate:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed per language: the whole extraction pipeline, language identification included, on Russian, Ukrainian
and English texts, in posts and characters per second.

    python bench/languages.py [--n 2000] [--en 80] [--datasets DIR]

Russian: ``--n`` non-empty posts (``text``, ``date``) spread evenly over ``DIR/ru_telegram/*.json`` (real channel
posts, 22,059 in all; ``--n 0`` takes every one; read for timing only, nothing is stored or printed). Ukrainian:
the fictional posts below, repeated to ``--n`` (there is no Ukrainian corpus here; repeats favour the word caches,
so read that line as an upper bound). English: ``--en`` PolNeAR texts from ``DIR/polnear`` when present, else the
bundled examples repeated. No language is declared: every text goes through language identification (article and
paragraphs, :mod:`claimwatch.nlp.langid`) and the ``paragraphs`` stage, as in an ingest of undeclared input. Each
language runs once after a warm-up batch (models loaded, gazetteer open), through ``Pipeline.extract_many``.
Rates are given per wall-clock second and per CPU second of the process (on a shared machine the second is the
steadier one). For each language the script also times identification alone over the same texts and says which
languages it found and how many texts were mixed. The last line compares characters per CPU second: Russian over
English (the target is >= 1).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"

UK_POSTS = [
    "Як повідомив Генштаб ЗСУ, вночі сили ППО збили 12 шахедів над Київщиною та Харківщиною.",
    "«Ворог зазнав втрат на Покровському напрямку», — заявив речник угруповання військ.",
    ("За словами начальника ОВА, у Херсоні внаслідок обстрілу поранено двох людей. За його даними, пошкоджено "
    "три будинки."),
    "Повідомляється, що у Києві чути вибухи. Офіційного підтвердження поки немає.",
    "Міноборони РФ нібито знищило 5 танків, — пише ТАСС з посиланням на джерело.",
    "СБУ спростувала інформацію про підрив мосту, назвавши її фейком.",
    ("Захисники звільнили Роботине та просунулися на Запорізькому напрямку, — Генштаб ЗСУ.\n\n"
    "У місті оголошено повітряну тривогу."),
    ("Командування угруповання оприлюднило нове зведення про обстріли прикордонних районів.\n\n"
     "По данным Минобороны России, средства ПВО якобы сбили двенадцать беспилотников над Курской областью."),
]

Posts = list[tuple[str, datetime | None]]


def russian(datasets: Path, n: int) -> Posts:
    posts: Posts = []
    for path in sorted(glob.glob(str(datasets / "ru_telegram" / "*.json"))):
        for m in json.loads(Path(path).read_text(encoding="utf-8")):
            if isinstance(m.get("text"), str) and m["text"].strip():
                posts.append((m["text"], datetime.fromisoformat(m["date"]) if m.get("date") else None))
    if n <= 0 or n >= len(posts):
        return posts
    step = len(posts) / n
    return [posts[int(i * step)] for i in range(n)]  # spread over every channel, not the first one's posts


def english(datasets: Path, n: int) -> list[str]:
    files = sorted((datasets / "polnear").glob("*/text/*.txt"))[:n]
    if files:
        return [f.read_text(encoding="utf-8") for f in files]
    base = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "examples").glob("*.txt"))]
    return [base[i % len(base)] for i in range(n)]


def identification(posts: Posts) -> tuple[float, Counter[str], int]:
    """(CPU seconds, articles by identified language, mixed articles) of language identification alone."""
    from claimwatch import load_options
    from claimwatch.nlp.langid import identify

    options = load_options()
    identify(posts[0][0], options.languages, options.default_language)  # lingua's models load
    started = time.process_time()
    found = [identify(t, options.languages, options.default_language) for t, _ in posts]
    seconds = time.process_time() - started
    return seconds, Counter(f.language for f in found), sum(f.mixed for f in found)


def measure(posts: Posts) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, claims) of the whole pipeline over ``posts``, language not
    declared."""
    from claimwatch import Article, Pipeline, load_options
    from claimwatch.model import Extraction

    pipe = Pipeline(load_options())
    list(pipe.extract_many([Article(text=t, published=d) for t, d in posts[:10]]))  # warm-up
    articles = [Article(text=t, published=d) for t, d in posts]
    started, cpu = time.perf_counter(), time.process_time()
    claims = sum(len(r.claims) for r in pipe.extract_many(articles) if isinstance(r, Extraction))
    return time.perf_counter() - started, time.process_time() - cpu, claims


def report(name: str, posts: Posts) -> float:
    """Print one language's line; returns its characters per second."""
    chars = sum(len(t) for t, _ in posts)
    seconds, cpu, claims = measure(posts)
    id_cpu, languages, mixed = identification(posts)
    found = ", ".join(f"{code} {count}" for code, count in languages.most_common())
    print(f"{name}: {len(posts)} posts, {chars} characters: {len(posts) / seconds:.1f} posts/s, "
          f"{chars / seconds:,.0f} characters/s ({chars / cpu:,.0f} per CPU second), {claims} claims; "
          f"identification alone {chars / id_cpu:,.0f} characters per CPU second ({100 * id_cpu / cpu:.1f}% of "
          f"the pipeline's CPU time), identified as {found}, {mixed} mixed")
    return chars / cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="Russian and Ukrainian posts (0: every Russian post)")
    ap.add_argument("--en", type=int, default=80, help="English texts")
    ap.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    args = ap.parse_args()
    ru = russian(args.datasets, args.n)
    uk: Posts = [(UK_POSTS[i % len(UK_POSTS)], None) for i in range(args.n or len(ru))]
    en: Posts = [(t, None) for t in english(args.datasets, args.en)]
    rates = {}
    for language, posts in (("ru", ru), ("uk", uk), ("en", en)):
        if not posts:
            print(f"{language}: no posts")
            continue
        rates[language] = report(language, posts)
    if "ru" in rates and "en" in rates:
        print(f"ratio ru/en characters per CPU second {rates['ru'] / rates['en']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

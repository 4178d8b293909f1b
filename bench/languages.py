"""Speed per language: the whole extraction pipeline on Russian, Ukrainian and English posts, in posts and
characters per second.

    python bench/languages.py [--n 2000] [--en 80] [--datasets DIR]

Russian: ``--n`` non-empty posts (``text``, ``date``) spread evenly over ``DIR/ru_telegram/*.json`` (real channel posts;
read for timing only, nothing is stored). Ukrainian: the fictional posts of ``tests/test_uk.py``'s style below,
repeated to ``--n``. English: ``--en`` PolNeAR texts from ``DIR/polnear`` when present, else the bundled examples
repeated. Each language runs once after a warm-up batch (models loaded, gazetteer open), through
``Pipeline.extract_many`` with the language given. The last line compares characters per second: Russian over
English (the target is >= 1).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
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
]


def russian(datasets: Path, n: int) -> list[tuple[str, datetime | None]]:
    posts: list[tuple[str, datetime | None]] = []
    for path in sorted(glob.glob(str(datasets / "ru_telegram" / "*.json"))):
        for m in json.loads(Path(path).read_text(encoding="utf-8")):
            if m.get("text"):
                posts.append((m["text"], datetime.fromisoformat(m["date"]) if m.get("date") else None))
    step = max(1, len(posts) // n)
    return posts[::step][:n]  # spread over every channel, not the first one's posts


def english(datasets: Path, n: int) -> list[str]:
    files = sorted((datasets / "polnear").glob("*/text/*.txt"))[:n]
    if files:
        return [f.read_text(encoding="utf-8") for f in files]
    base = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "examples").glob("*.txt"))]
    return [base[i % len(base)] for i in range(n)]


def measure(language: str, posts: list[tuple[str, datetime | None]]) -> tuple[float, float, int]:
    """(posts/s, characters/s, claims) of the whole pipeline over ``posts``."""
    from claimwatch import Article, Pipeline, load_options
    from claimwatch.model import Extraction

    pipe = Pipeline(load_options())
    warm = [Article(text=t, language=language, published=d) for t, d in posts[:10]]
    list(pipe.extract_many(warm))
    articles = [Article(text=t, language=language, published=d) for t, d in posts]
    started = time.perf_counter()
    claims = sum(len(r.claims) for r in pipe.extract_many(articles) if isinstance(r, Extraction))
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t, _ in posts)
    return len(posts) / seconds, chars / seconds, claims


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="Russian and Ukrainian posts")
    ap.add_argument("--en", type=int, default=80, help="English texts")
    ap.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    args = ap.parse_args()
    ru = russian(args.datasets, args.n)
    uk: list[tuple[str, datetime | None]] = [(UK_POSTS[i % len(UK_POSTS)], None) for i in range(args.n)]
    en: list[tuple[str, datetime | None]] = [(t, None) for t in english(args.datasets, args.en)]
    rates = {}
    for language, posts in (("ru", ru), ("uk", uk), ("en", en)):
        if not posts:
            print(f"{language}: no posts")
            continue
        per_post, per_char, claims = measure(language, posts)
        rates[language] = per_char
        print(f"{language}: {len(posts)} posts, {sum(len(t) for t, _ in posts)} characters: {per_post:.1f} posts/s, "
              f"{per_char:,.0f} characters/s, {claims} claims")
    if "ru" in rates and "en" in rates:
        print(f"ratio ru/en characters per second {rates['ru'] / rates['en']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

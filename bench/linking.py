"""Linking at scale: the initial and the incremental ``link`` over synthetic stores, against extraction time.

    python bench/linking.py [--claims 10000 100000] [--new 1000] [--db-dir DIR] [--days 365] [--no-extract]

For each store size N (claims): builds a store of N synthetic claims without the spaCy pipeline
(``bench/synthetic.py``: ~10 claims an article, ~60% reporting an event on ~200 real towns over ``--days``, 1-6
reports an event, outlets of the bundled registry), saved with ``Store.save`` one article a transaction; runs
``link`` once over it (the initial link); adds ``--new`` claims of the year's last three weeks (~100 articles,
half of the event reports about events already stored) and times ``link`` again (the incremental link, the
figure that matters: a store is linked after every ingest). Each ``link`` runs in a fresh child process: what a
process loads once (sentence encoder, MinHash, registries) is timed apart as its start-up, so the link times are
the work itself, and the peak RSS is that of one linking process. The extraction column is
``Pipeline.extract_many`` over the texts of the same new articles, in a child process too, its start-up (spaCy
and the gazetteer loaded, five articles as a warm-up) likewise apart. The last line compares the sizes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # this checkout's claimwatch, and synthetic.py

from synthetic import DAYS, World, load_towns

from claimwatch.model import Article, Extraction
from claimwatch.settings import load_options
from claimwatch.store import Store


@dataclass(frozen=True, slots=True)
class LinkRun:
    startup_s: float  #: loading the sentence encoder, MinHash and the registries, once per process
    seconds: float  #: ``link`` itself, with all of that loaded
    cpu_s: float  #: its CPU time (what holds on a machine others share)
    claims: int  #: claims looked at
    linked: int
    stories_new: int
    stories_touched: int
    copies: int
    rss_before_mb: float  #: the child's RSS before ``link`` (with the encoder loaded)
    peak_rss_mb: float  #: the child's peak RSS, reached during ``link``


@dataclass(frozen=True, slots=True)
class Saved:
    articles: int
    claims: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Row:
    n: int  #: claims asked for
    store: Saved
    db_mb: float  #: after the initial link
    initial: LinkRun
    new: Saved
    incremental: LinkRun
    extraction_s: float | None
    extraction_cpu_s: float
    extraction_startup_s: float
    extraction_claims: int


# -------------------------------------------------------------------------------- in child processes


def run_link(url: str) -> LinkRun:
    """``link`` over the store at ``url``, timed after what a process loads once (the sentence encoder, MinHash,
    the registries), with the process's peak RSS."""
    from claimwatch.actors import load_registry
    from claimwatch.link import copies, link
    from claimwatch.link.similarity import default_embedder
    from claimwatch.outlets import load_outlets

    options = load_options()
    t = time.perf_counter()
    embedder = default_embedder()
    embedder.embed(["Missiles struck the city overnight."])
    copies.signature("a text to sign")
    load_outlets(options.outlets or None)
    load_registry(options.actors or None)
    startup = time.perf_counter() - t
    before = _rss_mb()
    with Store(url) as store:
        t, cpu = time.perf_counter(), time.process_time()
        summary = link(store, options, embedder=embedder)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return LinkRun(startup, seconds, cpu, summary.claims, summary.linked, summary.stories_new, summary.stories_touched,
                   summary.copies, before, peak)


def run_extraction(articles: list[tuple[str, str | None, datetime | None]]) -> tuple[float, float, float, int]:
    """Seconds ``Pipeline.extract_many`` takes over ``articles`` (text, url, published) after loading the pipeline
    and a warm-up on five of them: (start-up, wall, CPU seconds, claims found)."""
    from claimwatch.pipeline import Pipeline

    t = time.perf_counter()
    pipe = Pipeline(load_options())
    items = [Article(text=text, url=url, published=published) for text, url, published in articles]
    list(pipe.extract_many(items[:5]))
    startup = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    claims = sum(len(r.claims) for r in pipe.extract_many(items) if isinstance(r, Extraction))
    return startup, time.perf_counter() - t, time.process_time() - cpu, claims


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_child(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a fresh (spawned) process."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# -------------------------------------------------------------------------------------- main process


def save_all(store: Store, extractions: Any) -> tuple[Saved, list[Extraction]]:
    """Save every extraction (one transaction each); the saved ones come back too."""
    done: list[Extraction] = []
    t = time.perf_counter()
    for extraction in extractions:
        store.save(extraction)
        done.append(extraction)
    seconds = time.perf_counter() - t
    return Saved(len(done), sum(len(e.claims) for e in done), seconds), done


def db_mb(path: Path) -> float:
    """Size of the database with its WAL checkpointed."""
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def bench_size(n: int, args: argparse.Namespace, world: World) -> Row:
    path = args.db_dir / f"linking-{n}-{args.days}d.db"
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    url = f"sqlite:///{path}"
    with Store(url) as store:
        saved, _ = save_all(store, world.articles(n))
    print(f"[{n}] saved {saved.articles} articles, {saved.claims} claims in {saved.seconds:.1f} s "
          f"({saved.articles / saved.seconds:.0f} articles/s, {saved.claims / saved.seconds:.0f} claims/s); "
          f"DB {db_mb(path):.1f} MB", flush=True)
    initial = in_child(run_link, url)
    print(f"[{n}] initial link: {initial.seconds:.1f} s, CPU {initial.cpu_s:.1f} s (+{initial.startup_s:.1f} s "
          f"start-up), {initial.claims} "
          f"claims looked at, {initial.linked} linked"
          f" into {initial.stories_new} stories, {initial.copies} copies; peak RSS {initial.peak_rss_mb:.0f} MB",
          flush=True)
    size = db_mb(path)
    with Store(url) as store:
        new, extractions = save_all(store, world.later_articles(args.new))
    incremental = in_child(run_link, url)
    print(f"[{n}] +{new.claims} claims ({new.articles} articles): incremental link {incremental.seconds:.2f} s, "
          f"CPU {incremental.cpu_s:.2f} s (+{incremental.startup_s:.1f} s start-up), "
          f"{incremental.linked} linked, {incremental.stories_new} new stories, {incremental.stories_touched} "
          f"touched; RSS {incremental.rss_before_mb:.0f} MB before, peak {incremental.peak_rss_mb:.0f} MB",
          flush=True)
    extraction_s, extraction_cpu, extraction_startup, extraction_claims = None, 0.0, 0.0, 0
    if not args.no_extract:
        texts = [(e.article.text, e.article.url, e.article.published) for e in extractions]
        extraction_startup, extraction_s, extraction_cpu, extraction_claims = in_child(run_extraction, texts)
        chars = sum(len(t) for t, _, _ in texts) / len(texts)
        print(f"[{n}] extraction of the same {len(texts)} articles ({chars:.0f} characters on average): "
              f"{extraction_s:.1f} s, CPU {extraction_cpu:.1f} s (+{extraction_startup:.1f} s start-up), "
              f"{extraction_claims} claims found", flush=True)
    return Row(n, saved, size, initial, new, incremental, extraction_s, extraction_cpu, extraction_startup,
               extraction_claims)


def print_table(rows: list[Row]) -> None:
    head = ("N claims", "DB MB", "save claims/s", "initial link s (CPU)", "initial claims/s", "new claims",
            "incremental link s (CPU)", "s / 1,000 new", "peak RSS MB", "link start-up s",
            "extraction of the same articles s (CPU)", "extraction start-up s")
    print("| " + " | ".join(head) + " |")
    print("|" + "---:|" * len(head))
    for r in rows:
        inc, ini = r.incremental, r.initial
        extraction = "-" if r.extraction_s is None else f"{r.extraction_s:.1f} ({r.extraction_cpu_s:.1f})"
        cells = (f"{r.store.claims:,}", f"{r.db_mb:.0f}", f"{r.store.claims / r.store.seconds:.0f}",
                 f"{ini.seconds:.1f} ({ini.cpu_s:.1f})", f"{r.store.claims / ini.seconds:.0f}", f"{r.new.claims:,}",
                 f"{inc.seconds:.2f} ({inc.cpu_s:.2f})", f"{inc.seconds * 1000 / r.new.claims:.2f}",
                 f"{inc.peak_rss_mb:.0f}", f"{inc.startup_s:.1f}", extraction,
                 "-" if r.extraction_s is None else f"{r.extraction_startup_s:.1f}")
        print("| " + " | ".join(cells) + " |")


def print_scaling(rows: list[Row]) -> None:
    for r in rows:
        if r.extraction_s:
            print(f"{r.store.claims:,} claims: the incremental link takes {r.incremental.seconds / r.extraction_s:.0%} "
                  f"of the time extracting the same {r.new.articles} articles takes (CPU: "
                  f"{r.incremental.cpu_s / r.extraction_cpu_s:.0%})")
    if len(rows) < 2:
        return
    a, b = rows[0], rows[-1]
    size = b.store.claims / a.store.claims

    def growth(first: float, last: float, per_first: int, per_last: int) -> float:
        return (last / per_last) / (first / per_first)

    print(f"store x{size:.1f}: initial link time per claim x"
          f"{growth(a.initial.seconds, b.initial.seconds, a.store.claims, b.store.claims):.2f} (CPU x"
          f"{growth(a.initial.cpu_s, b.initial.cpu_s, a.store.claims, b.store.claims):.2f}; 1.0 is linear); "
          f"incremental link time per new claim x"
          f"{growth(a.incremental.seconds, b.incremental.seconds, a.new.claims, b.new.claims):.2f} (CPU x"
          f"{growth(a.incremental.cpu_s, b.incremental.cpu_s, a.new.claims, b.new.claims):.2f}; 1.0: independent "
          f"of the store's size)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--new", type=int, default=1000, help="claims added before the incremental link")
    ap.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "claimwatch-linkbench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=DAYS, help="the span of the synthetic news (a larger store over "
                    "more days keeps the density of stories a week)")
    ap.add_argument("--no-extract", action="store_true", help="skip the extraction comparison")
    args = ap.parse_args()
    args.db_dir.mkdir(parents=True, exist_ok=True)
    towns = load_towns(load_options())
    print(f"{len(towns)} towns; databases in {args.db_dir}", flush=True)
    rows = [bench_size(n, args, World.make(args.seed, towns, args.days)) for n in args.claims]
    print()
    print_table(rows)
    print_scaling(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

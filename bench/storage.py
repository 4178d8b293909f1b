"""Storage: what each byte of a claimwatch SQLite database is for, per article, and what 100,000 articles take.

    python bench/storage.py DB [--articles 100000]
    python bench/storage.py DB --grow-from SOURCE --to 5000 [--before]

Reads one SQLite database (SQLite's ``dbstat`` table; it is vacuumed first, so that freed pages do not count)
and prints:

- every table and index (the full-text index's shadow tables included) with its pages on disk, in bytes in all
  and per article, largest first;
- the payload of each column of the big tables (:func:`columns`: what the values themselves take, before row and
  page overhead), in all and per article;
- the mean length of an article's text, and the file size projected to ``--articles`` articles (bytes per
  article times that count: every table here grows with the articles; the outlets and registries do not, and
  are counted in once).

With ``--grow-from SOURCE`` it first fills DB (a new file) with the extractions stored in SOURCE, again and again
under new URLs (the same content mix at any size; no extraction, no linking) until it holds ``--to`` articles
(:func:`grow`). With ``--before`` it also reports a copy of DB taken back to the storage before migration 0006
(``alembic downgrade 0004``, then ``VACUUM``; :func:`before`): what the same articles took before.
Writes DB (vacuumed before it is measured; filled first with ``--grow-from``) and the copy (``--before``).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: tables whose columns are measured one by one
COLUMN_TABLES = ("articles", "claims", "events", "place_mentions", "story_claims", "stories", "article_bands")
#: tables whose size does not grow with the articles
FIXED = frozenset({"outlets", "alembic_version", "sqlite_schema", "tokens"})


@dataclass(frozen=True, slots=True)
class Part:
    """One table, index or column and the bytes it takes."""

    name: str
    bytes: int

    def per_article(self, articles: int) -> float:
        return self.bytes / articles if articles else 0.0


def objects(connection: sqlite3.Connection) -> list[Part]:
    """Every table and index with the bytes of its pages (``dbstat``), largest first."""
    rows = connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    return [Part(str(name), int(size)) for name, size in rows]


def columns(connection: sqlite3.Connection, table: str) -> list[Part]:
    """The payload of each column of ``table`` in bytes (``sum(length(CAST(... AS BLOB)))``: UTF-8 bytes of text,
    bytes of blobs, numbers as their decimal text; NULLs count nothing), largest first."""
    names = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
    if not names:
        return []
    sums = connection.execute("SELECT " + ", ".join(f'coalesce(sum(length(CAST("{n}" AS BLOB))), 0)' for n in names)
                              + f" FROM {table}").fetchone()
    return sorted((Part(f"{table}.{n}", int(s)) for n, s in zip(names, sums, strict=True)),
                  key=lambda p: -p.bytes)


def article_count(connection: sqlite3.Connection) -> tuple[int, float]:
    """Articles stored and the mean length of their text, in characters."""
    count, chars = connection.execute("SELECT count(*), coalesce(avg(length(text)), 0) FROM articles").fetchone()
    return int(count), float(chars)


def projection(parts: list[Part], articles: int, target: int) -> int:
    """The file size at ``target`` articles: what grows with the articles scaled, the fixed part as it is."""
    growing = sum(p.bytes for p in parts if p.name not in FIXED)
    fixed = sum(p.bytes for p in parts if p.name in FIXED)
    return int(growing / articles * target + fixed) if articles else fixed


def report(path: Path, target: int) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        articles, chars = article_count(connection)
        parts = objects(connection)
        cols = [c for table in COLUMN_TABLES for c in columns(connection, table)]
    finally:
        connection.close()
    total = sum(p.bytes for p in parts)
    head = (f"{path}: {articles:,} articles, text {chars:,.0f} characters on average; "
            f"{total / 1e6:.1f} MB in pages, {total / max(articles, 1) / 1e3:.1f} KB per article")
    lines = [head, "", "| table or index | MB | KB per article |", "|---|---|---|"]
    lines += [f"| {p.name} | {p.bytes / 1e6:.2f} | {p.per_article(articles) / 1e3:.2f} |" for p in parts]
    lines += ["", "| column (payload) | MB | KB per article |", "|---|---|---|"]
    lines += [f"| {c.name} | {c.bytes / 1e6:.2f} | {c.per_article(articles) / 1e3:.2f} |" for c in cols if c.bytes]
    lines += ["", f"projected at {target:,} articles: {projection(parts, articles, target) / 1e9:.2f} GB"]
    return "\n".join(lines)


def grow(target: Path, source: Path, articles: int) -> int:
    """Store the extractions of ``source`` into the new database ``target`` until it holds ``articles`` (each
    round under its own URLs); returns how many were stored."""
    sys.path.insert(0, str(ROOT))
    from claimwatch.store import Store

    with Store(f"sqlite:///{source}") as store:
        extractions = list(store.iter_extractions())
    stored = 0
    with Store(f"sqlite:///{target}") as store:
        while stored < articles:
            for extraction in extractions[:articles - stored]:
                round_ = stored // len(extractions)
                extraction.article.id = None
                if round_:
                    base = (extraction.article.url or f"https://storage.example/{extraction.article.origin}")
                    extraction.article.url = f"{base.split('#')[0]}#copy-{round_}"
                store.upsert(extraction)
                stored += 1
    return stored


def before(path: Path) -> Path:
    """A copy of ``path`` taken back to the storage of migration 0004 (whole records, uncompressed input, JSON
    written as it was then: ``json.dumps`` defaults, non-ASCII escaped), then vacuumed."""
    sys.path.insert(0, str(ROOT))
    from alembic import command
    from sqlalchemy import create_engine, event

    from claimwatch.store import engine as engines
    from claimwatch.store import migrate

    copy = path.with_name(path.stem + "-before-0006.db")
    shutil.copyfile(path, copy)
    engine = create_engine(f"sqlite:///{copy}")  # json.dumps as SQLAlchemy calls it by default
    event.listen(engine, "connect", engines._sqlite_connect)
    event.listen(engine, "begin", engines._sqlite_begin)
    try:
        with engines.writer(engine).begin() as connection:
            cfg = migrate.config()
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0004")
    finally:
        engine.dispose()
    vacuum(copy)
    return copy


def vacuum(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
    finally:
        connection.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, help="a claimwatch SQLite database file")
    ap.add_argument("--articles", type=int, default=100_000, help="article count to project the size to")
    ap.add_argument("--grow-from", type=Path, default=None, help="fill DB with this database's extractions")
    ap.add_argument("--to", type=int, default=5000, help="articles to fill DB with (--grow-from)")
    ap.add_argument("--before", action="store_true", help="also report DB as it was stored before migration 0006")
    args = ap.parse_args()
    if args.grow_from is not None:
        if args.db.exists():
            raise SystemExit(f"{args.db} exists: --grow-from fills a new database")
        print(f"stored {grow(args.db, args.grow_from, args.to):,} articles from {args.grow_from} in {args.db}")
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: no such file")
    vacuum(args.db)
    print(report(args.db, args.articles))
    if args.before:
        print()
        print(report(before(args.db), args.articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())

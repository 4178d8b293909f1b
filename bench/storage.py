"""Storage: what each byte of a claimwatch SQLite database is for, per article, and what 100,000 articles take.

    python bench/storage.py DB [--articles 100000]

Reads one SQLite database (read-only; SQLite's ``dbstat`` table) and prints:

- every table and index (the full-text index's shadow tables included) with its pages on disk, in bytes in all
  and per article, largest first;
- the payload of each column of the big tables (:func:`columns`: what the values themselves take, before row and
  page overhead), in all and per article;
- the mean length of an article's text, and the file size projected to ``--articles`` articles (bytes per
  article times that count: every table here grows with the articles; the outlets and registries do not, and
  are counted in once).

Writes nothing.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, help="a claimwatch SQLite database file")
    ap.add_argument("--articles", type=int, default=100_000, help="article count to project the size to")
    args = ap.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: no such file")
    print(report(args.db, args.articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())

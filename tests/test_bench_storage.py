"""bench/storage.py and bench/scale.py: the size report of a database and the mixed scale corpus."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from test_store import make_extraction

from claimwatch.store import Store

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def storage() -> Iterator[ModuleType]:
    yield from _load("storage")


@pytest.fixture(scope="module")
def scale() -> Iterator[ModuleType]:
    yield from _load("scale")


def test_storage_report_counts_every_page_and_column(tmp_path: Path, storage: ModuleType) -> None:
    path = tmp_path / "cw.db"
    with Store(f"sqlite:///{path}") as store:
        store.save(make_extraction())
        store.save(make_extraction(url="https://wire.example/2"))
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        parts = storage.objects(connection)
        columns = {c.name: c.bytes for c in storage.columns(connection, "articles")}
        articles, chars = storage.article_count(connection)
        count, free, size = (connection.execute(f"PRAGMA {p}").fetchone()[0]
                             for p in ("page_count", "freelist_count", "page_size"))
        pages = (count - free) * size
    finally:
        connection.close()
    assert articles == 2 and chars == len(make_extraction().article.text)
    assert sum(p.bytes for p in parts) == pages  # every page in use belongs to one table or index
    assert {"articles", "claims", "claims_fts_data"} <= {p.name for p in parts}
    assert columns["articles.text"] == 2 * len(make_extraction().article.text.encode())
    fixed = sum(p.bytes for p in parts if p.name in storage.FIXED)
    assert storage.projection(parts, 2, 4) == 2 * (sum(p.bytes for p in parts) - fixed) + fixed
    report = storage.report(path, 100_000)
    assert "2 articles" in report and "| articles.text |" in report and "projected at 100,000 articles" in report


def test_scale_corpus_interleaves_russian_posts_and_repeats_texts_under_new_urls(scale: ModuleType) -> None:
    english = [{"text": f"english {i}"} for i in range(3)]
    russian = [{"text": f"russian {i}", "url": f"https://t.me/c/1/{i}"} for i in range(4)]
    records = scale.mixed_records(english, russian, 10)
    assert [r["text"].split()[0][0] for r in records] == list("erereerere")
    assert [r["text"] for r in records if r["text"].startswith("e")] == [f"english {i % 3}" for i in range(6)]
    identities = [(r["text"], r.get("url")) for r in records]
    assert len(set(identities)) == 10  # nothing is the same article twice: no repeat is dropped as stored

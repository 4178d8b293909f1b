"""Parquet inputs: one article per row, read exactly as the same record on a JSONL line; bad rows, bad files and a
missing pyarrow each cost what they should."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch.model import Article, ItemError
from claimwatch.readers.files import count_items, read_paths
from claimwatch.settings import Options

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

REPORT = "Russian forces repelled seven attacks near Kupiansk, the ministry said on Wednesday."
RECORDS = [
    {"text": REPORT, "title": "Repelled", "url": "https://wire.example/a", "outlet": "Example Wire",
     "published": "2024-03-06T09:15:00+03:00", "language": "en"},
    {"text": "", "title": "empty", "url": None, "outlet": None, "published": None, "language": None},
    {"text": "Kyiv said the bridge was hit overnight, officials told reporters.", "title": None,
     "url": None, "outlet": None, "published": None, "language": None},
]


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=2)
    return path


def test_rows_are_articles_as_the_same_records_on_jsonl_lines(tmp_path: Path, options: Options) -> None:
    parquet = list(read_paths([_write(tmp_path / "feed.parquet", RECORDS)], options))
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS),
                                         encoding="utf-8")
    jsonl = list(read_paths([tmp_path / "feed.jsonl"], options))
    assert [type(i) for i in parquet] == [Article, ItemError, Article]
    assert [i.origin for i in parquet] == [f"{tmp_path / 'feed.parquet'}:{n}" for n in (1, 2, 3)]
    for got, want in zip(parquet, jsonl, strict=True):
        if isinstance(want, Article):
            assert isinstance(got, Article)
            assert (got.text, got.title, got.url, got.published, got.content_hash) == \
                (want.text, want.title, want.url, want.published, want.content_hash)
            assert json.loads(got.raw or b"") == json.loads(want.raw or b"")
        else:
            assert isinstance(got, ItemError) and got.message == want.message
    assert count_items([tmp_path / "feed.parquet"]) == 3


def test_a_parquet_timestamp_is_the_publication_instant(tmp_path: Path, options: Options) -> None:
    at = datetime(2024, 3, 6, 6, 15, tzinfo=UTC)
    path = _write(tmp_path / "t.parquet", [{"text": REPORT, "published": at}])
    [item] = read_paths([path], options)
    assert isinstance(item, Article) and item.published == at


def test_a_file_that_is_not_parquet_is_one_error_and_the_rest_is_read(tmp_path: Path, options: Options) -> None:
    (tmp_path / "a.parquet").write_bytes(b"PAR1 but not really")
    _write(tmp_path / "b.parquet", RECORDS[:1])
    items = list(read_paths([tmp_path], options))
    assert isinstance(items[0], ItemError) and "not a readable Parquet file" in items[0].message
    assert isinstance(items[1], Article) and items[1].text == REPORT


def test_a_row_over_max_bytes_is_that_rows_error(tmp_path: Path, options: Options) -> None:
    path = _write(tmp_path / "big.parquet", [{"text": REPORT * 20}, {"text": REPORT}])
    first, second = read_paths([path], options.with_(max_bytes=len(REPORT) * 10))
    assert isinstance(first, ItemError) and "over the limit" in first.message
    assert isinstance(second, Article)


def test_without_pyarrow_the_error_names_the_extra(tmp_path: Path, options: Options,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "feed.parquet", RECORDS[:1])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    [item] = read_paths([path], options)
    assert isinstance(item, ItemError) and "claimwatch[parquet]" in item.message

"""The Ray run's rows and stages without Ray: every article read comes back from its row unchanged (raw bytes and
Telegram posts included), the stored-hash index, the reading stage's row kinds, the extraction stage keeping
order and turning a failing article into its error. Needs pyarrow only."""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from claimwatch.about import PIPELINE_VERSION
from claimwatch.model import Article, Extraction, ItemError, Skipped
from claimwatch.readers.files import read_paths
from claimwatch.settings import Options

pa = pytest.importorskip("pyarrow")

from claimwatch.engines import rows
from claimwatch.engines.stages import ExtractRows, indexed, read_inputs, sorted_index

TEXTS = ["The ministry said its forces repelled an attack near Stavel.",
         "A spokesman said the bridge near Talova was hit EXPLODE.",
         "Officials said the water supply was restored, local media reported."]


class Titled:
    """One Extraction per article, titled ``done``; a batch with ``EXPLODE`` in an article raises."""

    version = PIPELINE_VERSION

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        batch = list(articles)
        if any("EXPLODE" in a.text for a in batch):
            raise RuntimeError("cannot")
        for article in batch:
            yield Extraction(article=replace(article, title="done"), pipeline_version=PIPELINE_VERSION)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lines = [json.dumps({"text": t, "url": f"https://wire.example/{i}", "published": "2024-03-05T10:00:00+02:00"})
             for i, t in enumerate(TEXTS)]
    (tmp_path / "a.jsonl").write_text("\n".join([lines[0], "{bad", *lines[1:]]) + "\n", encoding="utf-8")
    messages = [{"id": 7, "type": "message", "date": "2024-03-05T12:00:00", "date_unixtime": "1709632800",
                 "from": "Front Notes", "from_id": "channel1555",
                 "text": [{"type": "bold", "text": "Update"}, "\n\n", TEXTS[0]], "text_entities": []},
                {"id": 8, "type": "service", "date": "2024-03-05T12:01:00", "date_unixtime": "1709632860",
                 "actor": "Front Notes", "action": "pin_message", "message_id": 7, "text": ""}]
    (tmp_path / "b.json").write_text(json.dumps({"name": "Front Notes", "type": "public_channel", "id": 1555,
                                                 "messages": messages}), encoding="utf-8")
    return tmp_path


def test_every_article_read_comes_back_from_its_row_unchanged(folder: Path, options: Options) -> None:
    articles = [a for a in read_paths([folder], options) if isinstance(a, Article)]
    assert len(articles) == 4 and any(a.telegram is not None for a in articles)
    table = rows.table([rows.item_row(a) for a in articles])
    again = [rows.article_of(r) for r in table.to_pylist()]
    assert again == articles and [a.raw for a in again] == [a.raw for a in articles]
    assert [a.content_hash for a in again] == [a.content_hash for a in articles]


def test_the_index_finds_stored_hashes_only(folder: Path, options: Options) -> None:
    articles = [a for a in read_paths([folder], options) if isinstance(a, Article)]
    index = sorted_index([articles[2].content_hash, articles[0].content_hash])
    assert [indexed(index, a.content_hash) for a in articles] == [True, False, True, False]
    assert not indexed(sorted_index([]), articles[0].content_hash)


def test_reading_gives_a_row_for_every_item_and_marks_what_is_stored(folder: Path, options: Options) -> None:
    first = next(a for a in read_paths([folder / "a.jsonl"], options) if isinstance(a, Article))
    batch = pa.Table.from_pylist([{"path": str(folder / "a.jsonl"), "origin": None, "message": None},
                                  {"path": str(folder / "b.json"), "origin": None, "message": None},
                                  {"path": None, "origin": "x/", "message": "cannot list folder: denied"}])
    out = [r for t in read_inputs(batch, options, sorted_index([first.content_hash])) for r in t.to_pylist()]
    assert [r["kind"] for r in out] == ["unchanged", "error", "article", "article", "article", "skipped", "error"]
    assert [r["read"] for r in out] == [1, 0, 1, 1, 1, None, 0]
    assert out[1]["origin"] == f"{folder / 'a.jsonl'}:2"
    assert rows.skipped_of(out[5]) == Skipped(str(folder / "b.json"), "service messages", 1)
    assert rows.error_of(out[6]) == ItemError("x/", "cannot list folder: denied")


def test_extraction_keeps_the_order_and_fails_one_article_only(folder: Path, options: Options) -> None:
    items = list(read_paths([folder / "a.jsonl"], options))
    table = rows.table([rows.item_row(i) for i in items if not isinstance(i, Skipped)])
    out = ExtractRows(pickle.dumps(Titled()), logging.WARNING)(table).to_pylist()
    assert [r["kind"] for r in out] == ["extraction", "error", "error", "extraction"]
    assert out[2]["stage"] == "extract" and out[2]["read"] == 1 and "RuntimeError: cannot" in out[2]["message"]
    done = rows.extraction_of(out[3])
    assert isinstance(items[3], Article)
    assert done == Extraction(article=replace(items[3], title="done"), pipeline_version=PIPELINE_VERSION)

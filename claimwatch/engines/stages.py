"""The two stages of a Ray run that run in Ray's worker processes: reading files, and extracting.

:func:`read_inputs` reads a block of input rows (a file path each, or an error found while listing folders) with
the project's readers (:func:`claimwatch.readers.files.read_paths`, exactly as the plain run reads) and writes
:mod:`.rows`: an ``article`` row per article to extract, ``unchanged`` for one already stored by this pipeline
version (looked up in the sorted index of stored content hashes the driver built), ``error`` and ``skipped``
rows. :class:`ExtractRows` (one per Ray actor: the pipeline and its models are built once per actor) reads those
rows in batches and replaces each ``article`` row with an ``extraction`` or ``error`` row, through
:func:`claimwatch.workers.extract_batch` (a batch that fails part way is retried article by article), leaving
the other rows as they are, in order.

Nothing here imports Ray: these are plain callables that Ray Data runs (and that tests call directly).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..ingest import guarded
from ..model import Article, ItemError
from ..readers.files import read_paths
from ..settings import Options
from ..text.safe import printable
from ..workers import extract_batch
from . import rows as rows_mod

log = logging.getLogger(__name__)

#: Rows a reader sends on at a time: a large JSONL file streams to the extractors instead of arriving whole.
ROWS_PER_BLOCK = 64


def hash_key(content_hash: str) -> bytes:
    """The index key of a content hash (its 32 bytes)."""
    return bytes.fromhex(content_hash)


def sorted_index(hashes: list[str]) -> np.ndarray:
    """A sorted array of content hashes, searched by :func:`indexed` (32 bytes a hash: a million stored articles
    cost 32 MB, sent once to each reader)."""
    keys = np.array([hash_key(h) for h in hashes], dtype="S32")
    keys.sort()
    return keys


def indexed(index: np.ndarray, content_hash: str) -> bool:
    """Whether ``content_hash`` is in ``index`` (from :func:`sorted_index`)."""
    if not len(index):
        return False
    key = np.array([hash_key(content_hash)], dtype="S32")
    at = int(np.searchsorted(index, key)[0])
    return at < len(index) and bool(index[at] == key[0])


def read_inputs(batch: Any, options: Options, stored: np.ndarray) -> Iterator[Any]:
    """Rows for every item of the inputs of ``batch`` (an Arrow table with ``path``, ``origin``, ``message``:
    a file to read, or a listing error), ``ROWS_PER_BLOCK`` rows at a time."""
    out: list[rows_mod.Row] = []
    for entry in batch.to_pylist():
        for row in _input_rows(entry, options, stored):
            out.append(row)
            if len(out) >= ROWS_PER_BLOCK:
                yield rows_mod.table(out)
                out = []
    if out:
        yield rows_mod.table(out)


def _input_rows(entry: dict[str, Any], options: Options, stored: np.ndarray) -> Iterator[rows_mod.Row]:
    if entry["path"] is None:
        yield rows_mod.error_row(ItemError(entry["origin"], entry["message"]))
        return
    for item in guarded(read_paths([entry["path"]], options)):
        is_stored = isinstance(item, Article) and indexed(stored, item.content_hash)
        yield rows_mod.item_row(item, stored=is_stored)


class ExtractRows:
    """The extraction stage of one Ray actor: built once (the pipeline from its pickle; models load on the first
    batch), then called with each batch of rows."""

    def __init__(self, pipeline: bytes, level: int = logging.WARNING) -> None:
        logging.getLogger("claimwatch").setLevel(level)
        self.pipeline = pickle.loads(pipeline)

    def __call__(self, batch: Any) -> Any:
        rows = batch.to_pylist()
        todo: list[tuple[int, Article]] = []
        for i, row in enumerate(rows):
            if row["kind"] == "article":
                try:
                    todo.append((i, rows_mod.article_of(row)))
                except (TypeError, ValueError, KeyError) as exc:
                    rows[i] = rows_mod.error_row(_failed(row["origin"], exc), read=True)
        results = extract_batch(self.pipeline, [article for _, article in todo])
        for (i, article), result in zip(todo, results, strict=True):
            rows[i] = _result_row(article, result)
        return rows_mod.table(rows)


def _result_row(article: Article, result: Any) -> rows_mod.Row:
    """The row of ``result``; one that cannot be written (a stage put something odd in it) is that article's
    error."""
    try:
        return rows_mod.result_row(result)
    except (TypeError, ValueError) as exc:
        log.warning("the extraction of %s cannot be written: %s", printable(article.origin or "?"), exc)
        return rows_mod.error_row(_failed(article.origin, exc), read=True)


def _failed(origin: str | None, exc: Exception) -> ItemError:
    return ItemError(origin or "?", f"extraction failed: {type(exc).__name__}: {printable(str(exc))[:200]}",
                     stage="extract")

"""The rows a Ray run passes between its stages and writes to Parquet: one Arrow schema for every stage.

Reads what the readers and the pipeline give (:class:`~claimwatch.model.Article`, :class:`ItemError`,
:class:`Skipped`, :class:`Extraction`); writes rows of :data:`SCHEMA`, and reads them back into the same records.
A row's ``kind`` says what it carries:

- ``article``: read, to be extracted (``record``: the Article as :mod:`claimwatch.serialize` JSON, ``raw``: its
  input bytes, which that JSON leaves out);
- ``unchanged``: read, already stored by this pipeline version (nothing to extract);
- ``extraction``: ``record`` is the Extraction as JSON (its article without ``raw``), ``raw`` the input bytes;
- ``error``: an :class:`ItemError` (``origin``, ``stage``, ``message``); ``read`` is 1 when the item was read
  and its extraction failed, as the plain run counts it;
- ``skipped``: a :class:`Skipped` count (``reason``, ``count``).

JSON is written with ASCII escapes, so text holding lone surrogates (hostile input) survives Arrow's UTF-8.
Needs pyarrow (imported when first used).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ..model import Article, Extraction, ItemError, Skipped
from ..serialize import from_dict, to_dict

Row = dict[str, Any]
FIELDS = ("kind", "origin", "record", "raw", "stage", "message", "reason", "count", "read")


@cache
def schema() -> Any:
    """The Arrow schema of every row (one schema: blocks of different stages concatenate)."""
    import pyarrow as pa

    return pa.schema([("kind", pa.string()), ("origin", pa.string()), ("record", pa.large_string()),
                      ("raw", pa.large_binary()), ("stage", pa.string()), ("message", pa.string()),
                      ("reason", pa.string()), ("count", pa.int64()), ("read", pa.int8())])


def table(rows: list[Row]) -> Any:
    """``rows`` as a ``pyarrow.Table`` of :func:`schema`."""
    import pyarrow as pa

    return pa.Table.from_pylist([{name: row.get(name) for name in FIELDS} for row in rows], schema=schema())


def item_row(item: Article | ItemError | Skipped, stored: bool = False) -> Row:
    """The row of what a reader yielded (``stored``: an article already stored by this pipeline version)."""
    if isinstance(item, ItemError):
        return error_row(item)
    if isinstance(item, Skipped):
        return {"kind": "skipped", "origin": item.origin, "reason": item.reason, "count": item.count}
    return {"kind": "unchanged" if stored else "article", "origin": item.origin, "record": _json(item),
            "raw": item.raw, "read": 1}


def result_row(result: Extraction | ItemError) -> Row:
    """The row of what the pipeline gave for one article."""
    if isinstance(result, ItemError):
        return error_row(result, read=True)
    return {"kind": "extraction", "origin": result.article.origin, "record": _json(result),
            "raw": result.article.raw, "read": 1}


def error_row(error: ItemError, read: bool = False) -> Row:
    return {"kind": "error", "origin": error.origin, "stage": error.stage, "message": error.message,
            "read": int(read)}


def article_of(row: Row) -> Article:
    article = from_dict(Article, json.loads(row["record"]))
    article.raw = row["raw"]
    return article


def extraction_of(row: Row) -> Extraction:
    extraction = from_dict(Extraction, json.loads(row["record"]))
    extraction.article.raw = row["raw"]
    return extraction


def error_of(row: Row) -> ItemError:
    return ItemError(row["origin"] or "?", row["message"] or "", stage=row["stage"] or "ingest")


def skipped_of(row: Row) -> Skipped:
    return Skipped(row["origin"] or "?", row["reason"] or "", count=int(row["count"] or 0))


def _json(record: Article | Extraction) -> str:
    return json.dumps(to_dict(record), ensure_ascii=True, separators=(",", ":"))

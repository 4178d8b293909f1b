"""Parquet inputs: one article per row, with the fields of a JSONL line.

Reads a ``.parquet`` file row group by row group (never the whole file at once) with pyarrow, an optional extra
(``pip install 'claimwatch[parquet]'``). A row has the columns of a JSONL article line (``text``; optional
``title``, ``url``, ``outlet``, ``language``, ``published``: a string, a Unix time, or a Parquet timestamp);
other columns are kept in the raw record only. Writes, lazily, the JSON record of each row (``(line number,
bytes)``, numbered from 1 like JSONL lines), which :mod:`claimwatch.readers.files` turns into an Article exactly
as it turns a JSONL line (origin ``path:row``, raw bytes = that JSON record), or an ItemError for a bad row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

#: Rows read from the file at a time.
ROWS_PER_READ = 256
MISSING_PYARROW = "reading Parquet needs pyarrow, an optional extra: pip install 'claimwatch[parquet]'"


class ParquetFailure(Exception):
    """The file cannot be read as Parquet at all (the message says why)."""


def rows(source: Path | BinaryIO) -> Iterator[tuple[int, bytes]]:
    """``(row number, JSON record)`` for each row of the Parquet file ``source`` (a path or an open file)."""
    parquet = _pyarrow_parquet()
    try:
        reader = parquet.ParquetFile(source)
    except Exception as exc:
        raise ParquetFailure(f"not a readable Parquet file: {str(exc).splitlines()[0][:200]}") from exc
    number = 0
    for batch in reader.iter_batches(batch_size=ROWS_PER_READ):
        for record in batch.to_pylist():
            number += 1
            yield number, json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False).encode("utf-8")


def count_rows(path: Path) -> int:
    """How many rows the file holds (from its footer; 1 when it cannot be read: that is one error)."""
    try:
        return max(1, int(_pyarrow_parquet().ParquetFile(path).metadata.num_rows))
    except Exception:  # noqa: BLE001 - a count is an estimate for the progress bar
        return 1


def _plain(value: Any) -> Any:
    """A JSON value for a Parquet cell: timestamps as ISO 8601 (naive ones read as UTC), bytes as text."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ParquetFailure(MISSING_PYARROW) from exc
    return pq

"""Exporters: stored extractions to files.

``FORMATS`` maps a format name to a writer ``(extractions, out, options) -> records written``. Writers read
:class:`~claimwatch.model.Extraction` records only (the store rebuilds them), never SQL. To add a format, write
``export/<name>.py`` with a ``write`` function and register it below with one line:
``"my-format": lazy(".my_module"),`` (the module is imported the first time the format is used).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TextIO

from ..model import Extraction
from ..settings import Options
from . import jsonl

#: A writer: ``(extractions, out, options) -> number of records written``.
Writer = Callable[[Iterable[Extraction], TextIO, Options], int]


def lazy(module: str, function: str = "write") -> Writer:
    """A writer that imports ``module`` (relative to this package) on first use and calls its ``function``."""

    def write(extractions: Iterable[Extraction], out: TextIO, options: Options) -> int:
        target = getattr(importlib.import_module(module, __name__), function)
        return int(target(extractions, out, options))

    write.__qualname__ = write.__name__ = f"{module.lstrip('.')}.{function}"
    return write


FORMATS: dict[str, Writer] = {
    "jsonl": jsonl.write,
    "places": lazy(".places"),
    "geojson": lazy(".geojson"),
    "geojson-claims": lazy(".geojson", "write_claims"),
    "acled-csv": lazy(".acled"),
}


def writer(name: str) -> Writer:
    """The writer registered as ``name``; ValueError listing the known formats otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; known: {', '.join(sorted(FORMATS))}") from None


__all__ = ["FORMATS", "Writer", "lazy", "writer"]

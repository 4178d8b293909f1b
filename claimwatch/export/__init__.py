"""Exporters: stored extractions to files.

``FORMATS`` maps a format name to a writer ``(extractions, out, options) -> records written``. Writers read
:class:`~claimwatch.model.Extraction` records only (the store rebuilds them), never SQL. To add a format, write
``export/<name>.py`` with a ``write`` function and register it below with one line:
``"my-format": lazy(".my_module"),`` (the module is imported the first time the format is used).

``FOLDER_FORMATS`` holds the formats that write several files into a folder (``parquet``: claims, events and
places tables): a writer ``(extractions, folder, options) -> rows written per file``. A format that needs an
optional extra raises :class:`MissingExtra` naming it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from ..model import Extraction
from ..settings import Options
from . import jsonl

#: A writer: ``(extractions, out, options) -> number of records written``.
Writer = Callable[[Iterable[Extraction], TextIO, Options], int]
#: A folder writer: ``(extractions, folder, options) -> rows written per file name``.
FolderWriter = Callable[[Iterable[Extraction], Path, Options], dict[str, int]]


class MissingExtra(RuntimeError):
    """A format needs a package that is an optional extra; the message says what to install."""


def lazy(module: str, function: str = "write") -> Writer:
    """A writer that imports ``module`` (relative to this package) on first use and calls its ``function``."""

    def write(extractions: Iterable[Extraction], out: TextIO, options: Options) -> int:
        target = getattr(importlib.import_module(module, __name__), function)
        return int(target(extractions, out, options))

    write.__qualname__ = write.__name__ = f"{module.lstrip('.')}.{function}"
    return write


def lazy_folder(module: str, function: str = "write") -> FolderWriter:
    """:func:`lazy` for a folder writer."""

    def write(extractions: Iterable[Extraction], folder: Path, options: Options) -> dict[str, int]:
        target = getattr(importlib.import_module(module, __name__), function)
        return dict(target(extractions, folder, options))

    write.__qualname__ = write.__name__ = f"{module.lstrip('.')}.{function}"
    return write


FORMATS: dict[str, Writer] = {
    "jsonl": jsonl.write,
    "places": lazy(".places"),
    "geojson": lazy(".geojson"),
    "geojson-claims": lazy(".geojson", "write_claims"),
    "acled-csv": lazy(".acled"),
}


FOLDER_FORMATS: dict[str, FolderWriter] = {
    "parquet": lazy_folder(".parquet"),
}


def writer(name: str) -> Writer:
    """The writer registered as ``name``; ValueError listing the known formats otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted([*FORMATS, *FOLDER_FORMATS]))
        if name in FOLDER_FORMATS:
            raise ValueError(f"{name} writes a folder of files: use folder_writer({name!r})") from None
        raise ValueError(f"unknown export format {name!r}; known: {known}") from None


def folder_writer(name: str) -> FolderWriter:
    """The folder writer registered as ``name``; ValueError otherwise."""
    try:
        return FOLDER_FORMATS[name]
    except KeyError:
        raise ValueError(f"{name!r} is not a format that writes a folder; those are: "
                         f"{', '.join(sorted(FOLDER_FORMATS))}") from None


__all__ = ["FOLDER_FORMATS", "FORMATS", "FolderWriter", "MissingExtra", "Writer", "folder_writer", "lazy",
           "lazy_folder", "writer"]

"""Reading files: inputs on disk to cleaned :class:`~claimwatch.model.Article` records.

Reads paths: plain-text files (with an optional ``Title:/URL:/Outlet:/Published:/Language:`` header block),
folders of inputs (recursive), JSONL/NDJSON (one article per line) and HTML pages (main text via trafilatura).
Writes, lazily, one :class:`Article` per input item (raw bytes and their SHA-256 kept, text decoded, page
furniture removed by :mod:`claimwatch.clean` with offsets mapped back, publication time as a UTC instant plus
the string it came from) or one :class:`ItemError` per bad item. A bad item never stops the batch.

    for item in read_paths(["examples/"], load_options()):
        ...
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import clean as clean_mod
from ..model import Article, ItemError
from ..settings import Options
from . import html
from .decode import DecodeError, decode, looks_binary
from .pubtime import from_timestamp, parse_published

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

#: Header keys of plain-text files and the Article field each fills.
HEADER_KEYS = {"title": "title", "url": "url", "outlet": "outlet", "published": "published",
               "date": "published", "language": "language", "lang": "language"}
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z]+)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*\r?$")
#: A line that may be a dateline: short, at most nine words, with a year in it.
_DATELINE = re.compile(r"^(?=.{6,80}$)(?=(?:\S+\s+){0,8}\S+$)(?=.*(?<!\d)(?:19|20)\d\d(?!\d)).*$")
_JSON_FIELDS = ("title", "url", "outlet", "language")


class ItemFailure(Exception):
    """One input item cannot be used; the message says why (it becomes an :class:`ItemError`)."""


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_raw: str | None = None
    published_offset: int | None = None
    language: str | None = None


def read_paths(paths: Iterable[str | os.PathLike[str]], options: Options) -> Iterator[Article | ItemError]:
    """Every article under ``paths`` in a stable order, or an :class:`ItemError` for each bad item."""
    for path in paths:
        yield from _read_path(Path(path), options)


def _read_path(path: Path, options: Options) -> Iterator[Article | ItemError]:
    try:
        if path.is_dir():
            for file in walk(path):
                yield from _read_file(file, options)
            return
        if not path.exists():
            yield ItemError(str(path), "no such file or directory")
            return
    except OSError as exc:
        yield ItemError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_file(path, options)


def walk(folder: Path) -> Iterator[Path]:
    """Input files under ``folder`` (recursive, sorted, hidden entries and unknown suffixes skipped)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in KNOWN_SUFFIXES:
                continue
            yield Path(root) / name


def kind_of(path: Path, head: bytes) -> str:
    """``text``, ``html`` or ``jsonl``: by suffix, else by sniffing the first bytes."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    start = head.lstrip()[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "html"
    return "text"


def _read_file(path: Path, options: Options) -> Iterator[Article | ItemError]:
    origin = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(512)
        kind = kind_of(path, head)
        if kind == "jsonl":
            yield from _read_jsonl(path, options)
            return
        if size > options.max_bytes:
            raise ItemFailure(f"file is {size:,} bytes, over the limit of {options.max_bytes:,} (max_bytes)")
        data = path.read_bytes()
        yield (_html_article if kind == "html" else _text_article)(data, origin, options)
    except ItemFailure as exc:
        yield ItemError(origin, str(exc))
    except OSError as exc:
        yield ItemError(origin, f"cannot read: {exc.strerror or exc}")


def _decode(data: bytes, what: str = "file") -> str:
    if not data.strip():
        raise ItemFailure(f"empty {what}")
    try:
        text = decode(data)
    except DecodeError as exc:
        raise ItemFailure(str(exc)) from exc
    if looks_binary(text):
        raise ItemFailure(f"binary {what}: control characters, not text")
    if not text.strip():
        raise ItemFailure(f"empty {what} (whitespace only)")
    return text


def _text_article(data: bytes, origin: str, options: Options) -> Article:
    raw_text = _decode(data)
    meta, cut = parse_header(raw_text)
    if meta.published_raw is None:
        meta = _with_dateline(meta, raw_text, cut[1] if cut else 0)
    cuts = [(cut[0], cut[1], "header")] if cut else []
    return build_article(raw_text, data, origin, meta, options, cuts)


def parse_header(raw_text: str) -> tuple[_Meta, tuple[int, int] | None]:
    """The header block at the top of a plain-text file (key: value lines, then a blank line), if any.

    Returns the values (``published_offset`` is the position of the date string in ``raw_text``) and the
    ``(start, end)`` of the block including its blank separator line.
    """
    values: dict[str, Any] = {}
    pos = len(raw_text) - len(raw_text.lstrip("\r\n"))
    start = pos
    while pos < len(raw_text):
        nl = raw_text.find("\n", pos)
        line_end = len(raw_text) if nl < 0 else nl
        line = raw_text[pos:line_end]
        if not line.strip():
            break
        m = _HEADER_LINE.match(line)
        if not m or m.group("key").lower() not in HEADER_KEYS:
            return _Meta(), None
        field = HEADER_KEYS[m.group("key").lower()]
        values[field] = m.group("value") or None
        if field == "published" and m.group("value"):
            values["published_offset"] = pos + m.start("value")
        pos = line_end + 1
    if not values or pos >= len(raw_text):
        return _Meta(), None
    nl = raw_text.find("\n", pos)
    end = len(raw_text) if nl < 0 else nl + 1
    published = values.pop("published", None)
    return _Meta(published_raw=published, **values), (start, end)


def _with_dateline(meta: _Meta, raw_text: str, start: int) -> _Meta:
    """A publication date alone on one of the first three non-blank lines ("5 March 2024, 14:30 EET")."""
    pos, seen = start, 0
    while pos < len(raw_text) and seen < 3:
        nl = raw_text.find("\n", pos)
        end = len(raw_text) if nl < 0 else nl
        line = raw_text[pos:end].strip()
        if line:
            seen += 1
            if _DATELINE.match(line) and parse_published(line) is not None:
                offset = raw_text.index(line, pos)
                return _replace(meta, published_raw=line, published_offset=offset)
        pos = end + 1
    return meta


def _replace(meta: _Meta, **changes: Any) -> _Meta:
    values = {f: getattr(meta, f) for f in _Meta.__slots__}
    values.update(changes)
    return _Meta(**values)


def build_article(raw_text: str, data: bytes, origin: str, meta: _Meta, options: Options,
                  cuts: list[tuple[int, int, str]] | None = None) -> Article:
    """Clean ``raw_text`` and wrap it with its metadata, raw bytes and their hash into an Article."""
    cleaned = clean_mod.clean(raw_text, cuts or ())
    if not cleaned.text.strip():
        raise ItemFailure("no text left after removing the header and page furniture")
    if len(cleaned.text) > options.max_chars:
        raise ItemFailure(f"text is {len(cleaned.text):,} characters, over the limit of "
                          f"{options.max_chars:,} (max_chars)")
    published = parse_published(meta.published_raw, options.languages) if meta.published_raw else None
    if meta.published_raw and published is None:
        log.info("%s: publication date %r not understood; kept as text only", origin, meta.published_raw)
    return Article(
        text=cleaned.text, title=meta.title, url=meta.url, outlet=meta.outlet, published=published,
        published_raw=meta.published_raw, published_offset=meta.published_offset,
        language=(meta.language or None) and meta.language.lower()[:2], raw_text=raw_text, raw=data,
        raw_sha256=hashlib.sha256(data).hexdigest(), origin=origin, segments=cleaned.segments,
        removed=cleaned.removed,
    )


def _html_article(data: bytes, origin: str, options: Options) -> Article:
    if looks_binary_bytes(data):
        raise ItemFailure("binary file: NUL bytes, not an HTML page")
    markup = _decode(data, "page")
    page = html.extract_page(markup)
    if page is None or not page.text.strip():
        raise ItemFailure("no main text could be extracted from the HTML page")
    meta = _Meta(title=page.title, url=page.url, outlet=page.outlet, published_raw=page.published,
                 language=page.language)
    return build_article(page.text, data, origin, meta, options)


def looks_binary_bytes(data: bytes) -> bool:
    """NUL bytes without a UTF-16/32 byte-order mark."""
    return b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _read_jsonl(path: Path, options: Options) -> Iterator[Article | ItemError]:
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            origin = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                yield _jsonl_article(line.rstrip(b"\r\n"), origin, options, first=lineno == 1)
            except ItemFailure as exc:
                yield ItemError(origin, str(exc))


def _jsonl_article(line: bytes, origin: str, options: Options, first: bool) -> Article:
    if len(line) > options.max_bytes:
        raise ItemFailure(f"line is {len(line):,} bytes, over the limit of {options.max_bytes:,} (max_bytes)")
    try:
        record = json.loads(line.decode("utf-8-sig" if first else "utf-8"))
    except UnicodeDecodeError as exc:
        raise ItemFailure(f"line is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ItemFailure(f"malformed JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise ItemFailure(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ItemFailure("missing or empty \"text\"")
    meta = _json_meta(record)
    article = build_article(text, line, origin, meta, options)
    published = record.get("published")
    if isinstance(published, (int, float)) and not isinstance(published, bool):
        article.published = from_timestamp(float(published))
    return article


def _json_meta(record: dict[str, Any]) -> _Meta:
    values: dict[str, Any] = {}
    for key in _JSON_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ItemFailure(f"\"{key}\" must be a string, got {type(value).__name__}")
        values[key] = value or None
    published = record.get("published")
    if published is not None and not isinstance(published, (str, int, float)):
        raise ItemFailure(f"\"published\" must be a string or a Unix time, got {type(published).__name__}")
    return _Meta(published_raw=None if published is None else str(published), **values)


def count_items(paths: Iterable[str | os.PathLike[str]]) -> int:
    """How many items :func:`read_paths` will yield for ``paths`` (files, plus non-blank JSONL lines), cheaply."""
    total = 0
    for path in map(Path, paths):
        try:
            files = list(walk(path)) if path.is_dir() else [path]
            for file in files:
                total += _count_lines(file) if file.suffix.lower() in JSONL_SUFFIXES else 1
        except OSError:
            total += 1
    return total


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())

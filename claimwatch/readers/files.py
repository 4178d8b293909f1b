"""Reading files: inputs on disk to cleaned :class:`~claimwatch.model.Article` records.

Reads paths: plain-text files (with an optional ``Title:/URL:/Outlet:/Published:/Language:`` header block),
folders of inputs (recursive), JSONL/NDJSON (one article per line), Parquet (one article per row, read as a JSONL
line: :mod:`.parquet`), HTML pages (main text via trafilatura) and
Telegram exports (``.json``, or JSON under another suffix, recognised by content: :mod:`.telegram`).
Writes, lazily, one :class:`Article` per input item (raw bytes and their SHA-256 kept, text decoded, page
furniture removed by :mod:`claimwatch.clean` with offsets mapped back, publication time as a UTC instant plus
the string it came from), one :class:`ItemError` per bad item, and :class:`Skipped` counts of what a Telegram
export holds that is not a post to read (service messages, media-only posts). A bad item never stops the batch:
every file, JSONL line and Telegram message is read under its own guard, so even an unexpected exception (a
nesting bomb's
``RecursionError``, a ``MemoryError``, a bug) becomes that item's error. Nothing is read unboundedly: files
over ``max_bytes`` are refused before reading, JSONL lines over it are skipped without being held in memory,
pipes, devices and sockets are refused, compressed data is never decompressed. Origins (file names) are
stored and shown with undecodable bytes and control characters escaped (:func:`claimwatch.text.safe.printable`).

    for item in read_paths(["examples/"], load_options()):
        ...
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import clean as clean_mod
from ..model import Article, ItemError, Skipped
from ..settings import Options
from ..text.safe import printable, scrub_surrogates
from . import html, parquet, telegram
from .decode import DecodeError, decode_report, looks_binary
from .pubtime import from_timestamp, parse_published
from .tgchannels import ChannelMapError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})
PARQUET_SUFFIXES = frozenset({".parquet"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES

#: Header keys of plain-text files and the Article field each fills.
HEADER_KEYS = {"title": "title", "url": "url", "outlet": "outlet", "published": "published",
               "date": "published", "language": "language", "lang": "language"}
#: ``Key:`` at the start of a header line (the value is cut with str methods: a lazy regex for it is quadratic
#: on a long run of spaces).
_HEADER_KEY = re.compile(r"(?P<key>[A-Za-z]+)[ \t]*:")
#: A line that may be a dateline: short, at most nine words, with a year in it.
_DATELINE = re.compile(r"^(?=.{6,80}$)(?=(?:\S+\s+){0,8}\S+$)(?=.*(?<!\d)(?:19|20)\d\d(?!\d)).*$")
_JSON_FIELDS = ("title", "url", "outlet", "language")
_NOT_TELEGRAM = ("JSON that is not a Telegram export: a .json file is read as a Telegram Desktop export (\"messages\" "
                 "or \"chats\": {\"list\": ...} at its root) or a list of channel messages (\"message_id\", "
                 "\"text\", \"date\", \"channel\"); articles go in .jsonl, one JSON object per line")
#: what a read yields: an article, a bad item, or a count of items passed over on purpose
Item = Article | ItemError | Skipped


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


def read_paths(paths: Iterable[str | os.PathLike[str]], options: Options) -> Iterator[Item]:
    """Every article under ``paths`` in a stable order, an :class:`ItemError` for each bad item, and the
    :class:`Skipped` counts of Telegram exports."""
    for path in paths:
        yield from _read_path(Path(path), options)


def _read_path(path: Path, options: Options) -> Iterator[Item]:
    origin = printable(str(path))
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield ItemError(origin, _os_problem(exc))
        return
    if not stat.S_ISDIR(mode):
        yield from _read_file(path, options)
        return
    for found in walk(path, errors=True):
        if isinstance(found, ItemError):
            yield found
        else:
            yield from _read_file(found, options)


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read: {exc.strerror or exc}"


def walk(folder: Path, errors: bool = False) -> Iterator[Path | ItemError]:
    """Input files under ``folder`` (recursive, sorted, hidden entries and unknown suffixes skipped; symbolic
    links to folders are not followed). With ``errors``, a subfolder that cannot be listed is yielded as an
    :class:`ItemError` instead of being skipped silently."""
    problems: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        yield from _listing_errors(problems, errors)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in KNOWN_SUFFIXES:
                continue
            yield Path(root) / name
    yield from _listing_errors(problems, errors)


def _listing_errors(problems: list[OSError], report: bool) -> Iterator[ItemError]:
    while problems:
        exc = problems.pop(0)
        if report:
            yield ItemError(printable(str(exc.filename)), f"cannot list folder: {exc.strerror or exc}")


def kind_of(path: Path, head: bytes) -> str:
    """``text``, ``html``, ``jsonl``, ``parquet`` or ``json``: by suffix, else by sniffing the first bytes (``json`` for a file
    of another suffix that starts like JSON: it is read as text unless it is a Telegram export)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    start = head.lstrip()[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "html"
    if start.removeprefix(b"\xef\xbb\xbf").startswith((b"{", b"[")):
        return "json"
    return "text"


def _read_file(path: Path, options: Options) -> Iterator[Item]:
    """The items of one file; whatever goes wrong costs this file (or, in JSONL, this line) only."""
    origin = printable(str(path))
    try:
        yield from _file_items(path, origin, options)
    except ItemFailure as exc:
        yield ItemError(origin, str(exc))
    except OSError as exc:
        yield ItemError(origin, _os_problem(exc))
    except Exception as exc:  # noqa: BLE001 - a hostile input or a bug must cost this file only
        yield _unexpected(origin, exc)


def _unexpected(origin: str, exc: Exception) -> ItemError:
    log.debug("%s: unexpected %s while reading", origin, type(exc).__name__, exc_info=exc)
    what = {RecursionError: "nested too deeply", MemoryError: "too large to hold in memory"}.get(type(exc))
    detail = what or f"{type(exc).__name__}: {printable(str(exc))[:200]}"
    return ItemError(origin, f"cannot be read: {detail}")


def _file_items(path: Path, origin: str, options: Options) -> Iterator[Item]:
    with _open_regular(path) as fh:
        info = os.fstat(fh.fileno())
        head = fh.read(512)
        kind = kind_of(path, head)
        if kind == "jsonl":
            fh.seek(0)
            yield from _read_jsonl(fh, origin, options)
            return
        if kind == "parquet":
            fh.seek(0)
            yield from _read_parquet(fh, origin, options)
            return
        if info.st_size > options.max_bytes:
            raise ItemFailure(f"file is {info.st_size:,} bytes, over the limit of {options.max_bytes:,} "
                              "(max_bytes)")
        data = head + fh.read(options.max_bytes + 1 - len(head))
    if len(data) > options.max_bytes:
        raise ItemFailure(f"file is over the limit of {options.max_bytes:,} bytes (max_bytes)")
    if kind == "json":
        yield from _json_items(data, origin, options, sniffed=path.suffix.lower() not in JSON_SUFFIXES)
        return
    yield (_html_article if kind == "html" else _text_article)(data, origin, options)


def _json_items(data: bytes, origin: str, options: Options, sniffed: bool) -> Iterator[Item]:
    """The posts of a Telegram export. A file whose suffix did not say JSON (``sniffed``) and that is not a
    Telegram export is read as text, as it was before JSON was sniffed."""
    document = _json_document(data, strict=not sniffed)
    if telegram.layout(document) is None:
        if sniffed:
            yield _text_article(data, origin, options)
            return
        raise ItemFailure(_NOT_TELEGRAM)
    try:
        yield from telegram.read_document(document, origin, options)
    except telegram.ExportError as exc:
        raise ItemFailure(f"broken Telegram export: {exc}") from exc
    except ChannelMapError as exc:
        raise ItemFailure(str(exc)) from exc


def _json_document(data: bytes, strict: bool) -> Any:
    """``data`` parsed as JSON; with ``strict``, malformed JSON is an :class:`ItemFailure`, else it is None."""
    try:
        if not data.strip():
            raise ItemFailure("empty file")
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 JSON ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        problem = f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        problem = "malformed JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        problem = f"malformed JSON: {printable(str(exc))[:200]}"
    if strict:
        raise ItemFailure(problem)
    return None


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, refused unless it is a regular file. Opened without blocking: opening a
    named pipe for reading otherwise waits for a writer, forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ItemFailure("not a regular file (a pipe, device or socket): not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _decode(data: bytes, what: str = "file", origin: str = "") -> str:
    if not data.strip():
        raise ItemFailure(f"empty {what}")
    try:
        decoded = decode_report(data)
    except DecodeError as exc:
        raise ItemFailure(str(exc)) from exc
    for note in decoded.notes:
        log.warning("%s: %s", origin or what, note)
    text = decoded.text
    if looks_binary(text):
        raise ItemFailure(f"binary {what}: control characters, not text")
    if not text.strip():
        raise ItemFailure(f"empty {what} (whitespace only)")
    return text


def _text_article(data: bytes, origin: str, options: Options) -> Article:
    raw_text = _decode(data, origin=origin)
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
        m = _HEADER_KEY.match(line)
        if not m or m.group("key").lower() not in HEADER_KEYS:
            return _Meta(), None
        field = HEADER_KEYS[m.group("key").lower()]
        value_start, value = _header_value(line, m.end())
        values[field] = value or None
        if field == "published" and value:
            values["published_offset"] = pos + value_start
        pos = line_end + 1
    if not values or pos >= len(raw_text):
        return _Meta(), None
    nl = raw_text.find("\n", pos)
    end = len(raw_text) if nl < 0 else nl + 1
    published = values.pop("published", None)
    return _Meta(published_raw=published, **values), (start, end)


def _header_value(line: str, colon_end: int) -> tuple[int, str]:
    """Where the value after ``Key:`` starts, and the value without surrounding blanks or a final ``\\r``."""
    rest = line[colon_end:]
    value = rest.lstrip(" \t")
    start = colon_end + len(rest) - len(value)
    value = value.removesuffix("\r")
    return start, value.rstrip(" \t")


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
    markup = _decode(data, "page", origin)
    page = html.extract_page(markup)
    if page is None or not page.text.strip():
        raise ItemFailure("no main text could be extracted from the HTML page")
    meta = _Meta(title=page.title, url=page.url, outlet=page.outlet, published_raw=page.published,
                 language=page.language)
    return build_article(page.text, data, origin, meta, options)


def _read_jsonl(fh: BinaryIO, origin: str, options: Options) -> Iterator[Article | ItemError]:
    """One item per non-blank line; a file without any is one error."""
    empty = True
    for lineno, line in _lines(fh, options.max_bytes):
        if not isinstance(line, int) and not line.strip():
            continue
        empty = False
        where = f"{origin}:{lineno}"
        try:
            if isinstance(line, int):
                raise ItemFailure(f"line is {line:,} bytes, over the limit of {options.max_bytes:,} (max_bytes)")
            yield _jsonl_article(line.rstrip(b"\r\n"), where, options, first=lineno == 1)
        except ItemFailure as exc:
            yield ItemError(where, str(exc))
        except Exception as exc:  # noqa: BLE001 - one line must never cost the rest of the file
            yield _unexpected(where, exc)
    if empty:
        yield ItemError(origin, "empty file: no JSON lines")


def _read_parquet(fh: BinaryIO, origin: str, options: Options) -> Iterator[Article | ItemError]:
    """One item per row, each read as a JSONL line would be (:mod:`.parquet`); a file without rows is one error."""
    empty = True
    try:
        for number, record in parquet.rows(fh):
            empty = False
            where = f"{origin}:{number}"
            try:
                if len(record) > options.max_bytes:
                    raise ItemFailure(f"row is {len(record):,} bytes, over the limit of {options.max_bytes:,} "
                                      "(max_bytes)")
                yield _jsonl_article(record, where, options, first=False)
            except ItemFailure as exc:
                yield ItemError(where, str(exc))
            except Exception as exc:  # noqa: BLE001 - one row must never cost the rest of the file
                yield _unexpected(where, exc)
    except parquet.ParquetFailure as exc:
        raise ItemFailure(str(exc)) from exc
    if empty:
        yield ItemError(origin, "empty file: no Parquet rows")


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """``(line number, line)`` for each line of ``fh``; a line longer than ``limit`` bytes is never held in
    memory whole: its length without the line break (an ``int``) comes instead of its bytes."""
    lineno = 0
    while line := fh.readline(limit + 1):
        lineno += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield lineno, line
            continue
        length = len(line)
        while not line.endswith(b"\n") and (line := fh.readline(1 << 20)):
            length += len(line)
        yield lineno, length - line.endswith(b"\n")


def _jsonl_article(line: bytes, origin: str, options: Options, first: bool) -> Article:
    record = _json_record(line, first)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ItemFailure("missing or empty \"text\"")
    meta = _json_meta(record)
    article = build_article(scrub_surrogates(text), line, origin, meta, options)
    published = record.get("published")
    if isinstance(published, (int, float)) and not isinstance(published, bool):
        article.published = from_timestamp(float(published))
        if article.published is None:
            log.info("%s: publication time %r is not a possible Unix time; kept as text only", origin, published)
    return article


def _json_record(line: bytes, first: bool) -> dict[str, Any]:
    try:
        record = json.loads(line.decode("utf-8-sig" if first else "utf-8"))
    except UnicodeDecodeError as exc:
        raise ItemFailure(f"line is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ItemFailure(f"malformed JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise ItemFailure("malformed JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ItemFailure(f"malformed JSON: {printable(str(exc))[:200]}") from exc
    if not isinstance(record, dict):
        raise ItemFailure(f"expected a JSON object, got {type(record).__name__}")
    return record


def _json_meta(record: dict[str, Any]) -> _Meta:
    values: dict[str, Any] = {}
    for key in _JSON_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ItemFailure(f"\"{key}\" must be a string, got {type(value).__name__}")
        values[key] = scrub_surrogates(value) if value else None
    published = record.get("published")
    if published is not None and not isinstance(published, (str, int, float)):
        raise ItemFailure(f"\"published\" must be a string or a Unix time, got {type(published).__name__}")
    raw = None if published is None else scrub_surrogates(str(published))
    return _Meta(published_raw=raw, **values)


def count_items(paths: Iterable[str | os.PathLike[str]], max_bytes: int = 20_000_000) -> int:
    """How many items :func:`read_paths` will yield for ``paths`` (files, plus non-blank JSONL lines, plus the
    messages of Telegram exports, skipped ones included), cheaply (an estimate where a folder cannot be listed;
    never reads a pipe or device)."""
    total = 0
    for path in map(Path, paths):
        try:
            files: list[Path | ItemError] = list(walk(path, errors=True)) if path.is_dir() else [path]
        except OSError:
            files = [path]
        total += sum(_count_file(f, max_bytes) if isinstance(f, Path) else 1 for f in files)
    return total


def _count_file(path: Path, max_bytes: int) -> int:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return parquet.count_rows(path)
    if suffix not in JSONL_SUFFIXES | JSON_SUFFIXES:
        return 1
    try:
        with _open_regular(path) as fh:
            if suffix in JSON_SUFFIXES:
                data = fh.read(max_bytes + 1)
                document = None if len(data) > max_bytes else _json_document(data, strict=False)
                return max(1, telegram.count_messages(document)) if telegram.layout(document) else 1
            return max(1, sum(1 for _, line in _lines(fh, max_bytes) if isinstance(line, int) or line.strip()))
    except (OSError, ItemFailure):
        return 1

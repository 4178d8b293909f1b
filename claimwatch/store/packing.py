"""What the store keeps of an article's input, and how it gets it back: nothing derivable is stored twice.

Reads and writes plain values (no database): the input bytes (``articles.raw``) as what the decoded text does
not already hold, and the decoded text before cleaning (``raw_text``) as what the clean text does not already
hold.

The input bytes are kept in one of three forms (:func:`pack_raw`, checked when made: the bytes come back exactly,
and ``raw_sha256`` still proves them):

- ``b"T"`` alone: the bytes are ``raw_text`` in UTF-8 (a plain text file);
- ``b"J"``, the escaping, the offset (4 bytes) and the zlib-compressed rest: the bytes hold ``raw_text`` as a JSON
  string (a JSONL line, a JSON feed item) at that offset, escaped as ``json.dumps`` escapes it (``ensure_ascii``
  off, escaping ``0``, or on, ``1``); the rest is the bytes without it;
- a zlib stream (it starts with ``0x78``): anything else, the whole bytes (the only form before migration 0007).
 Cleaning copies
pieces of ``raw_text`` unchanged into ``text`` (:class:`~claimwatch.model.Segment`), so ``raw_text`` is those
pieces plus the rest, the furniture cut out and the dropped ``\\r``s: :func:`raw_rest` gives that rest as
``[[raw_start, piece], ...]`` when it rebuilds ``raw_text`` exactly (checked here, when it is made), and
:func:`raw_text_of` rebuilds it. An article without segments has its whole text as one piece at offset 0.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from ..model import Segment

#: zlib level of stored input bytes (6: within a few per cent of 9, several times faster)
ZLIB_LEVEL = 6


#: the text held as a JSON string is left out of the stored bytes only from this many bytes on
_MIN_HELD = 64


def _escaped(raw_text: str, escaping: int) -> bytes:
    """``raw_text`` as the inside of a JSON string, as ``json.dumps`` writes it (``escaping`` 1: ASCII only)."""
    return json.dumps(raw_text, ensure_ascii=bool(escaping))[1:-1].encode("utf-8")


def pack_raw(raw: bytes | None, raw_text: str | None = None) -> bytes | None:
    """The stored form of an article's input bytes: without what ``raw_text`` gives back, when it does (see the
    module's documentation), else zlib-compressed whole."""
    if raw is None:
        return None
    if raw_text:
        try:
            return _without_text(raw, raw_text) or zlib.compress(raw, ZLIB_LEVEL)
        except UnicodeEncodeError:  # a lone surrogate in the decoded text: it has no UTF-8
            pass
    return zlib.compress(raw, ZLIB_LEVEL)


def _without_text(raw: bytes, raw_text: str) -> bytes | None:
    """The first two stored forms of ``raw``, when ``raw_text`` gives it back; None when it does not."""
    if raw == raw_text.encode("utf-8"):
        return b"T"
    for escaping in (0, 1):
        held = _escaped(raw_text, escaping)
        at = raw.find(held) if len(held) >= _MIN_HELD else -1
        if at >= 0 and at < 2 ** 32:
            rest = raw[:at] + raw[at + len(held):]
            packed = b"J" + bytes([escaping]) + struct.pack(">I", at) + zlib.compress(rest, ZLIB_LEVEL)
            if unpack_raw(packed, raw_text) == raw:
                return packed
    return None


def unpack_raw(stored: bytes | None, raw_text: str | None = None) -> bytes | None:
    """The input bytes of their stored form (``raw_text``: the article's, needed by the first two forms)."""
    if stored is None:
        return None
    form = stored[:1]
    if form in (b"T", b"J"):
        if raw_text is None:
            raise ValueError("these stored input bytes need the article's raw text to be read back")
        if form == b"T":
            return raw_text.encode("utf-8")
        at = struct.unpack(">I", stored[2:6])[0]
        rest = zlib.decompress(stored[6:])
        return rest[:at] + _escaped(raw_text, stored[1]) + rest[at:]
    return zlib.decompress(stored)


def _pieces(text: str, segments: tuple[Segment, ...]) -> list[tuple[int, str]]:
    """The pieces of ``raw_text`` that ``text`` holds: (offset in raw_text, piece)."""
    if not segments:
        return [(0, text)] if text else []
    return [(s.raw_start, text[s.start:s.start + s.length]) for s in segments if s.length > 0]


def raw_text_of(text: str, segments: tuple[Segment, ...], rest: list[Any]) -> str:
    """``raw_text`` rebuilt from the clean ``text``, its ``segments`` and the :func:`raw_rest`."""
    pieces = _pieces(text, segments) + [(int(start), str(piece)) for start, piece in rest]
    return "".join(piece for _, piece in sorted(pieces, key=lambda p: p[0]))


def raw_rest(text: str, raw_text: str | None, segments: tuple[Segment, ...]) -> list[list[Any]] | None:
    """What ``raw_text`` has beyond the pieces ``text`` holds, or None when that does not rebuild it exactly
    (then the store keeps ``raw_text`` whole)."""
    if raw_text is None:
        return None
    held = sorted(_pieces(text, segments), key=lambda p: p[0])
    rest: list[list[Any]] = []
    at = 0
    for start, piece in held:
        if start < at or raw_text[start:start + len(piece)] != piece:
            return None
        if start > at:
            rest.append([at, raw_text[at:start]])
        at = start + len(piece)
    if at < len(raw_text):
        rest.append([at, raw_text[at:]])
    if sum(len(p) for _, p in rest) * 2 > len(raw_text) or raw_text_of(text, segments, rest) != raw_text:
        return None
    return rest

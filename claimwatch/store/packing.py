"""What the store keeps of an article's input, and how it gets it back: nothing derivable is stored twice.

Reads and writes plain values (no database): the input bytes, zlib-compressed (``articles.raw``), and the
decoded text before cleaning (``raw_text``) as what the clean text does not already hold. Cleaning copies
pieces of ``raw_text`` unchanged into ``text`` (:class:`~claimwatch.model.Segment`), so ``raw_text`` is those
pieces plus the rest, the furniture cut out and the dropped ``\\r``s: :func:`raw_rest` gives that rest as
``[[raw_start, piece], ...]`` when it rebuilds ``raw_text`` exactly (checked here, when it is made), and
:func:`raw_text_of` rebuilds it. An article without segments has its whole text as one piece at offset 0.
"""

from __future__ import annotations

import zlib
from typing import Any

from ..model import Segment

#: zlib level of stored input bytes (6: within a few per cent of 9, several times faster)
ZLIB_LEVEL = 6


def pack_raw(raw: bytes | None) -> bytes | None:
    """The stored form of an article's input bytes (zlib)."""
    return None if raw is None else zlib.compress(raw, ZLIB_LEVEL)


def unpack_raw(stored: bytes | None) -> bytes | None:
    return None if stored is None else zlib.decompress(stored)


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

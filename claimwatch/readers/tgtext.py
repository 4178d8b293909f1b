"""The text of a Telegram message: entity lists and Telethon markdown to the text a reader sees.

Reads the ``text`` of a message as Telegram Desktop exports it (a string, or a list mixing strings and entity
objects ``{"type": "bold" | "text_link" | "mention" | ..., "text": ..., "href": ...}``), or as Telethon writes it
(the markdown of message lists scraped with Telethon: ``**bold**``, ``__italic__``, ``~~strike~~``, `` `code` ``,
```` ```pre``` ````, ``[label](url)``). Writes a :class:`MessageText`: the visible text (formatting markers never
included), its bold runs and its links, as offsets into that text. Pure functions; nothing is read from disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: entity types whose visible text is itself the link target
_URL_TYPES = frozenset({"link", "url"})
#: ``[label](url)`` of Telethon markdown (a label without brackets; a URL without blanks)
_MD_LINK = re.compile(r"\[(?P<label>[^\[\]]+)\]\((?P<url>[^()\s]+)\)")
#: a bare URL: markers inside it are part of it (``https://x.example/a__b__c``)
_BARE_URL = re.compile(r"https?://[^\s*`]+")
_MD_MARKER = re.compile(r"```|\*\*|__|~~|`")


@dataclass(frozen=True, slots=True)
class TextLink:
    """A link of the visible text: ``text[start:end]`` is its label."""

    start: int
    end: int
    url: str


@dataclass(frozen=True, slots=True)
class MessageText:
    """A message's visible text with its bold runs and links (offsets into ``text``)."""

    text: str
    bold: tuple[tuple[int, int], ...] = ()
    links: tuple[TextLink, ...] = ()


class TextError(ValueError):
    """The ``text`` of a message is neither a string nor a list of strings and entity objects."""


def from_export(value: Any) -> MessageText:
    """The visible text of a Telegram Desktop ``text`` value (a string, or a list of strings and entities)."""
    if isinstance(value, str):
        return MessageText(value)
    if not isinstance(value, list):
        raise TextError(f"\"text\" must be a string or a list, got {type(value).__name__}")
    parts: list[str] = []
    bold: list[tuple[int, int]] = []
    links: list[TextLink] = []
    pos = 0
    for i, item in enumerate(value):
        kind, piece, href = _part(item, i)
        end = pos + len(piece)
        if kind == "bold" and piece.strip():
            bold.append((pos, end))
        url = href if kind == "text_link" else piece.strip() if kind in _URL_TYPES else None
        if url and piece.strip():
            links.append(TextLink(pos, end, url))
        parts.append(piece)
        pos = end
    return MessageText("".join(parts), tuple(bold), tuple(links))


def _part(item: Any, index: int) -> tuple[str | None, str, str | None]:
    """``(entity type, visible text, href)`` of one element of a text list (type None for a plain string)."""
    if isinstance(item, str):
        return None, item, None
    if not isinstance(item, dict):
        raise TextError(f"\"text\" item {index} must be a string or an object, got {type(item).__name__}")
    piece = item.get("text", "")
    if not isinstance(piece, str):
        raise TextError(f"\"text\" item {index} has a \"text\" that is not a string")
    kind = item.get("type")
    href = item.get("href")
    return (kind if isinstance(kind, str) else None), piece, (href if isinstance(href, str) else None)


def from_markdown(markdown: str) -> MessageText:
    """The visible text of Telethon markdown: paired markers and link syntax removed, an unpaired marker (a
    censored "ж**а") kept as text. Markers inside a URL are part of the URL."""
    links = list(_MD_LINK.finditer(markdown))
    protected = [(m.end("label"), m.end()) for m in links] + [
        _url_span(m) for m in _BARE_URL.finditer(markdown) if not _inside_any(m.start(), [x.span() for x in links])]
    markers = [m for m in _MD_MARKER.finditer(markdown) if not _inside_any(m.start(), protected)]
    pairs = list(_pairs(markdown, markers))
    cuts = sorted([(m.start(), m.end()) for pair in pairs for m in pair]
                  + [(m.start(), m.start() + 1) for m in links] + [(m.end("label"), m.end()) for m in links])
    shift = _Shift(cuts)
    text = "".join(markdown[a:b] for a, b in _kept(len(markdown), cuts))
    bold = tuple((shift(a.end()), shift(b.start())) for a, b in pairs
                 if a.group() == "**" and markdown[a.end():b.start()].strip())
    found = tuple(TextLink(shift(m.start("label")), shift(m.end("label")), m.group("url")) for m in links)
    return MessageText(text, bold, found)


def _url_span(m: re.Match[str]) -> tuple[int, int]:
    """A bare URL's span without closing markers glued to its end (``__https://x.example/a__``)."""
    url = m.group()
    while url[-2:] in ("__", "~~"):
        url = url[:-2]
    return m.start(), m.start() + len(url)


def _inside_any(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


def _pairs(text: str, markers: list[re.Match[str]]) -> Iterator[tuple[re.Match[str], re.Match[str]]]:
    """Markers of one kind paired in order; of an odd number, the one inside a word (else the last) is text."""
    by_kind: dict[str, list[re.Match[str]]] = {}
    for m in markers:
        by_kind.setdefault(m.group(), []).append(m)
    for same in by_kind.values():
        if len(same) % 2:
            inside = [m for m in same if _in_word(text, m.start(), m.end())]
            same.remove(inside[0] if inside else same[-1])
        yield from zip(same[::2], same[1::2], strict=True)


def _in_word(text: str, start: int, end: int) -> bool:
    return 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def _kept(length: int, cuts: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    pos = 0
    for a, b in cuts:
        if a > pos:
            yield pos, a
        pos = max(pos, b)
    if pos < length:
        yield pos, length


class _Shift:
    """Maps an offset of the markdown to the visible text: minus the characters cut before it."""

    def __init__(self, cuts: list[tuple[int, int]]) -> None:
        self.cuts = cuts

    def __call__(self, offset: int) -> int:
        return offset - sum(min(b, offset) - a for a, b in self.cuts if a < offset)

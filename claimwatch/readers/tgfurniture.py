"""Telegram furniture: the lines of a channel post that are not reporting, and the bold headline.

Reads a post's visible text with its bold runs and links (:class:`~claimwatch.readers.tgtext.MessageText`).
Writes :class:`Furniture`: whole lines to cut, as ``(start, end, reason)`` in that text (what
:func:`claimwatch.clean.clean` takes as ``cuts``, so offsets stay mapped), and the post's title.

A line goes only when the whole line is furniture: a subscribe prompt ("Подписывайтесь", "Подписаться на канал",
"Підписуйтесь", "Subscribe to", "<Channel> — Подписаться"), a "send us news" prompt, "читайте нас без VPN", a
channel signature (only ``@channel`` handles or ``t.me`` links to channels), a line whose words are all links to
channels (a signature or a cross-promotion), a boost link (``t.me/boost``), a line of only emoji, a line of only
hashtags. A first line that is bold from end to end is the post's headline: it becomes ``title`` and is cut from
the text (a headline restates the post, so it must not become a claim of its own), unless it is all the post
says, longer than a headline, or a lead-in ending with a colon ("**Минобороны РФ:**" names the source of what
follows, so it stays).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .tgtext import MessageText, TextLink

#: Lines longer than this are never furniture.
MAX_FURNITURE_CHARS = 200

_SUBSCRIBE = (r"(?:подписывайтесь|подписывайся|подпишитесь|подпишись|подписаться|підписуйтесь|підписуйся|"
              r"підпишіться|підпишись|підписатися|subscribe)")
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("subscribe", rf"^[\W_]*{_SUBSCRIBE}\b.{{0,120}}$"),
        ("subscribe", rf"^.{{0,60}}[.:|—–-]\s*{_SUBSCRIBE}[\W_]*$"),
        ("vpn", r"^.{0,80}\b(?:читать|читайте|читай|читати) нас без vpn\b.{0,120}$"),
        ("send news", (r"^[\W_]*(?:прислать новость|предложить новость|присылайте (?:новости|фото|видео)|"
                       r"прислали через бота|надіслати новину|запропонувати новину|send (?:us )?(?:news|a tip))"
                       r"\b.{0,60}$")),
        ("boost", r"^.*\bt\.me/boost\b.*$"),
        ("signature", (r"^[\W_]*(?:(?:@[a-z]\w{3,31}|(?:https?://)?t\.me/(?:\+|joinchat/)?[\w-]+/?)"
                       r"(?![\w/])[\W_]*)+$")),
        ("hashtags", r"^[\W_]*#\w+(?:[\s,.;|·]*#\w+)*[\W_]*$"),
    )
)
_SUBSCRIBE_WORD = re.compile(_SUBSCRIBE, re.IGNORECASE)
#: a link to a channel (not to one of its posts): ``t.me/name``, an invite ``t.me/+code``, ``t.me/joinchat/code``
_CHANNEL_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/(?:\+|joinchat/|s/)?[\w-]+/?$",
                          re.IGNORECASE)
_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Mn", "Me", "Cf", "Zs"})


@dataclass(frozen=True, slots=True)
class Furniture:
    cuts: tuple[tuple[int, int, str], ...]  #: whole lines of the visible text, with the reason
    title: str | None = None  #: the bold headline, when the post opens with one

    def without_title(self) -> Furniture:
        """The same cuts but the headline's, for a post that nothing else would be left of."""
        return Furniture(tuple(c for c in self.cuts if c[2] != "title"))


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  #: just past the content, before the line break
    stop: int  #: just past the line break


def furniture(message: MessageText) -> Furniture:
    """The furniture lines of a post and its headline."""
    text = message.text
    lines = [ln for ln in _lines(text) if text[ln.start:ln.end].strip()]
    cuts = [(ln.start, ln.stop, reason) for ln in lines
            if (reason := line_reason(text[ln.start:ln.end], _links_on(message.links, ln))) is not None]
    title = None
    kept = [ln for ln in lines if not any(a == ln.start for a, _, _ in cuts)]
    if len(kept) > 1 and _is_headline(text, kept[0], message.bold):
        first = kept[0]
        title = _headline(text[first.start:first.end])
        cuts.append((first.start, first.stop, "title"))
    return Furniture(tuple(sorted(cuts)), title or None)


def line_reason(line: str, links: tuple[TextLink, ...] = ()) -> str | None:
    """Why one line of a post is furniture (None: it is, or may be, reporting). ``links`` are the links on the
    line, with offsets relative to its start."""
    s = line.strip()
    if not s or len(s) > MAX_FURNITURE_CHARS:
        return None
    for reason, pattern in _LINE_RULES:
        if pattern.match(s):
            return reason
    if any("t.me/boost" in link.url.lower() for link in links):
        return "boost"
    if _emoji_only(s):
        return "emoji"
    channel_links = [link for link in links if _CHANNEL_URL.match(link.url.strip())]
    if channel_links and _covered(line, channel_links):
        return "subscribe" if _SUBSCRIBE_WORD.search(s) else "channel link"
    return None


def _lines(text: str) -> Iterator[_Line]:
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        if nl < 0:
            yield _Line(pos, len(text), len(text))
            return
        yield _Line(pos, nl, nl + 1)
        pos = nl + 1


def _links_on(links: tuple[TextLink, ...], line: _Line) -> tuple[TextLink, ...]:
    """The links that overlap ``line``, clipped to it, with offsets relative to its start."""
    return tuple(TextLink(max(a.start, line.start) - line.start, min(a.end, line.end) - line.start, a.url)
                 for a in links if a.start < line.end and line.start < a.end)


def _covered(line: str, links: list[TextLink]) -> bool:
    """Whether every letter and digit of ``line`` lies inside one of ``links``."""
    inside = [False] * len(line)
    for link in links:
        for i in range(link.start, link.end):
            inside[i] = True
    return all(inside[i] for i, ch in enumerate(line) if ch.isalnum())


def _emoji_only(s: str) -> bool:
    categories = [unicodedata.category(ch) for ch in s]
    return "So" in categories and all(c in _EMOJI_CATEGORIES or ch.isspace() for c, ch in zip(categories, s,
                                                                                                strict=True))


def _is_headline(text: str, line: _Line, bold: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``line`` is bold from end to end (emoji and punctuation around it may not be), short, and not a
    lead-in ending with a colon ("**Минобороны РФ:**" names the source of what follows: it stays)."""
    body = text[line.start:line.end].strip()
    if len(body) > MAX_FURNITURE_CHARS or body.rstrip("*_ ").endswith(":"):
        return False
    letters = [i for i in range(line.start, line.end) if text[i].isalnum()]
    return bool(letters) and all(any(a <= i < b for a, b in bold) for i in letters)


def _headline(line: str) -> str:
    """The headline without the emoji and blanks around it ("❗️Взрывы в Белгороде" -> "Взрывы в Белгороде")."""
    start, end = 0, len(line)
    while start < end and not _keeps(line[start]):
        start += 1
    while end > start and not (_keeps(line[end - 1]) or line[end - 1] in ".!?»\")"):
        end -= 1
    return line[start:end]


def _keeps(ch: str) -> bool:
    return ch.isalnum() or ch in "«\"„(“'"

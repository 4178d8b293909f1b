"""Character-span arithmetic over an article's text and its quotations.

Reads token offsets and :class:`~.quotes.Quotes`; writes nothing: pure helpers for the attribution stages
(subtrees as character ranges, set differences of ranges, edge trimming, paragraph cuts, quote snapping, the
direct/indirect/mixed kind of a content, and an interval index for containment and overlap questions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...model import ClaimKind, Span
from ...nlp.guard import INVISIBLE
from .quotes import Quotes

if TYPE_CHECKING:
    from spacy.tokens import Token

# Unicode's other spaces: web text puts a no-break space between words ("He\xa0had"), which spaCy makes a token
# of its own, so a span can start or end on one.
SPACES = "\xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_BLANK = " \t\n\r" + SPACES + INVISIBLE
_TRAIL = " \t\n,;:.—–-" + SPACES + INVISIBLE
_LEAD = " \t\n,;:—–-" + SPACES + INVISIBLE


def subtree_chars(tok: Token) -> tuple[int, int]:
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def within_or_covers(q: tuple[int, int], content: list[tuple[int, int]]) -> bool:
    return all(overlaps(q, p) for p in content)


def minus(whole: tuple[int, int], hole: tuple[int, int]) -> list[tuple[int, int]]:
    if not overlaps(whole, hole):
        return [whole]
    pieces = []
    if hole[0] > whole[0]:
        pieces.append((whole[0], min(hole[0], whole[1])))
    if hole[1] < whole[1]:
        pieces.append((max(hole[1], whole[0]), whole[1]))
    return pieces


def cut(whole: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [whole]
    for hole in holes:
        pieces = [p for piece in pieces for p in minus(piece, hole)]
    return pieces


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _LEAD:
        s += 1
    while e > s and text[e - 1] in _TRAIL:
        e -= 1
    return s, e


def tidy_pieces(text: str, pieces: Iterable[tuple[int, int]], anchor: int | None = None) -> list[tuple[int, int]]:
    """A content's pieces as stored: each without blank edges, none without a letter or digit (a lone quotation
    mark left over from a cut), and two pieces made one where they overlap, touch, or stand apart by blanks,
    commas or semicolons only. A content is split where other words interrupt it ("Taxes, he said, will rise"),
    not at a no-break space spaCy made a token of, nor at a comma a nested cut left behind.

    No piece crosses a line break, and a wire dateline opening a line ("KYIV (Reuters) - ") is no part of one.
    With ``anchor`` (the cue's offset), a piece that ran over a line break keeps only its part on the cue's
    line, or, where that line holds none of it, its part nearest the cue: a headline or photo caption above a
    sentence is not what the sentence's source said. (In PolNeAR's gold, 1 content piece in 23,208 crosses a
    line break, and 99.7% of contents lie on their cue's line.)"""
    out: list[tuple[int, int]] = []
    for s, e in sorted(p for piece in pieces for p in _on_line(text, piece, anchor)):
        s, e = max(s, 0), min(e, len(text))
        while s < e and text[s] in _BLANK:
            s += 1
        while e > s and text[e - 1] in _BLANK:
            e -= 1
        dateline = dateline_end(text, s)
        if dateline is not None:
            s = max(s, dateline)
        if not any(ch.isalnum() for ch in text[s:e]):
            continue
        gap = text[out[-1][1]:s] if out else ""
        if out and (s <= out[-1][1] or (not gap.strip(_BLANK + ",;") and "\n" not in gap)):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


#: A wire dateline at the start of a line: a place in capitals, maybe its country or region and a date, maybe the
#: agency in brackets, then a dash ("KYIV (Reuters) - ", "WARSAW, Poland, March 3 (AP) — ", "DONETSK — ").
_DATELINE = re.compile(r"[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ'’.-]+(?:[^\S\n][A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ'’.-]+){0,3}"
                       r"(?:,[^\S\n]+[A-ZА-ЯІЇЄҐ][\w.'’-]*(?:[^\S\n]+[A-ZА-ЯІЇЄҐ][\w.'’-]*){0,2}){0,2}"
                       r"(?:,?[^\S\n]+[A-Z][a-z]{2,8}\.?[^\S\n]+\d{1,2})?"
                       r"(?:[^\S\n]*\([^()\n]{1,40}\))?[^\S\n]*(?:--|[-—–])[^\S\n]+(?=[A-ZА-ЯІЇЄҐ\d\"“‘«'])")


_WORD = re.compile(r"\S")
#: a dateline opens one of the text's first lines with words: under the headline, or under a headline and a
#: summary line as some agencies print it ("KIEV, May 14 (RIA Novosti) – ...")
_DATELINE_LINES = 3


def dateline_end(text: str, s: int) -> int | None:
    """Where the wire dateline that opens the line at ``s`` ends, when ``s`` starts one of the text's first
    :data:`_DATELINE_LINES` lines with words (a dateline heads the story) and a sentence follows the dash."""
    if s and text[s - 1] != "\n":
        return None
    before = s
    for _ in range(_DATELINE_LINES - 1):  # step over the lines with words above, up to the first
        while before > 0 and text[before - 1].isspace():
            before -= 1
        if before == 0:
            break
        before = text.rfind("\n", 0, before) + 1
    else:
        if _WORD.search(text, 0, before):
            return None  # too many lines with words above this one
    m = _DATELINE.match(text, s)
    return m.end() if m is not None else None


def _on_line(text: str, piece: tuple[int, int], anchor: int | None) -> list[tuple[int, int]]:
    """``piece`` cut at line breaks: its part on the line of ``anchor`` (or the part nearest it); every part when
    no anchor is given."""
    s, e = piece
    if "\n" not in text[s:e]:
        return [piece]
    parts = [p for p in paragraph_pieces(text, s, e, "\n") if any(ch.isalnum() for ch in text[p[0]:p[1]])]
    if anchor is None or not parts:
        return parts
    line_end = text.find("\n", anchor)
    line = (text.rfind("\n", 0, anchor) + 1, len(text) if line_end < 0 else line_end)
    on = [p for p in parts if line[0] <= p[0] and p[1] <= line[1]]
    return on or [min(parts, key=lambda p: min(abs(p[0] - anchor), abs(p[1] - anchor)))]


def within_paragraph(text: str, span: tuple[int, int], anchor: int) -> tuple[int, int]:
    """Cut a span at blank lines, keeping the paragraph that holds ``anchor``."""
    s, e = span
    cut = text.rfind("\n\n", s, anchor)
    if cut >= 0:
        s = cut + 2
    cut = text.find("\n\n", anchor, e)
    if cut >= 0:
        e = cut
    if (s, e) == span:
        return span
    return trim(text, s, e)


def paragraph_pieces(text: str, start: int, end: int, sep: str = "\n\n") -> list[tuple[int, int]]:
    """``text[start:end]`` cut at each ``sep`` (blank lines; ``"\n"``: lines)."""
    pieces = []
    while True:
        cut = text.find(sep, start, end)
        if cut < 0:
            pieces.append((start, end))
            return pieces
        pieces.append((start, cut))
        start = cut + len(sep)


def snap_to_quotes(text: str, piece: tuple[int, int], quotes: Quotes) -> tuple[int, int]:
    """A quotation opened inside the content closes inside it too; a content that is the first sentence of a
    quotation takes the whole quotation; a stray opening mark is dropped."""
    s, e = piece
    for q in quotes.overlapping(s, e):
        if s <= q[0] and e < q[1] and not text[e:q[1]].strip(" \t,.;:!?'\"”’»"):
            e = q[1]
        elif q[0] <= s <= q[0] + 2 and not text[q[0]:s].strip("\"“”«„'` ") and e < q[1] and text[e] in ".?!":
            s, e = q[0], q[1]  # the first sentence of a quotation of several: '... writing, "Yes, we will. That ..."'
        if q[0] < s < q[1] <= e + 1:
            s = q[0]  # the quotation opened in an earlier sentence
    if text[s] in "\"“«" and not any(q[0] == s for q in quotes.ranges):
        s = trim(text, s + 1, e)[0]
    return s, e


def claim_kind(parts: tuple[Span, ...], quotes: Quotes) -> ClaimKind:
    quoted = unquoted = 0
    for p in parts:
        if quotes.containing(p.start, p.end):
            quoted += p.end - p.start
            continue
        inner = sum(min(q[1], p.end) - max(q[0], p.start) for q in quotes.overlapping(p.start, p.end))
        quoted += inner
        unquoted += (p.end - p.start) - inner
    if quoted and not unquoted:
        return ClaimKind.DIRECT
    return ClaimKind.MIXED if quoted else ClaimKind.INDIRECT



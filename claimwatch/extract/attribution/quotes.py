"""Quotation spans in a text: the character ranges between matching quotation marks.

Reads raw text; writes a list of ``(start, end)`` ranges *including* the quotation marks. Handles typographic
(“…”, ‘…’ when clearly used as quotes, «…», „…“), straight double quotes and doubled apostrophes (''…'').
Quotes may span sentences and paragraphs (a multi-paragraph quote re-opens each paragraph without closing).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...text.sentences import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

_OPENERS = {"“": "”", "«": "»", "„": "“", "''": "''", '"': '"', "``": "''"}
_QUOTE_MARK = re.compile(r"''|``|[“”«»„\"]")
_MAX_QUOTE = 6000  # characters: an unclosed quote never swallows an article


@dataclass(frozen=True, slots=True)
class Quotes:
    """Sorted, non-overlapping quote ranges with O(log n) lookups (build with :meth:`of`)."""

    ranges: tuple[tuple[int, int], ...]
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()

    @classmethod
    def of(cls, ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> Quotes:
        ordered = tuple(sorted(ranges))
        return cls(ordered, tuple(r[0] for r in ordered), tuple(r[1] for r in ordered))

    def containing(self, start: int, end: int) -> tuple[int, int] | None:
        """The quote range that contains ``[start, end)``, if any."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0:
            q = self.ranges[i]
            if q[0] <= start and end <= q[1]:
                return q
        return None

    def around(self, lo: int, hi: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The last quote ending at or before ``lo`` and the first starting at or after ``hi``."""
        i = bisect.bisect_right(self.ends, lo) - 1
        j = bisect.bisect_left(self.starts, hi)
        return (self.ranges[i] if i >= 0 else None), (self.ranges[j] if j < len(self.ranges) else None)

    def inside(self, pos: int) -> bool:
        return self.containing(pos, pos + 1) is not None

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotes overlapping ``[start, end)`` (ranges do not overlap each other, so ends are sorted too)."""
        i = bisect.bisect_right(self.ends, start)
        j = bisect.bisect_left(self.starts, end)
        return list(self.ranges[i:j])


def find_quotes(text: str) -> Quotes:
    marks = [(m.start(), m.group()) for m in _QUOTE_MARK.finditer(text)]
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(marks):
        pos, mark = marks[i]
        closer = _OPENERS.get(mark)
        if closer is None or (mark == '"' and not _opens(text, pos)) or (mark == "''" and not _opens_doubled(text, pos)):
            i += 1
            continue
        j = _find_closer(text, marks, i, closer)
        if j is None:
            i += 1
            continue
        end = marks[j][0] + len(marks[j][1])
        ranges.append((pos, end))
        i = j + 1
    return Quotes.of(ranges)


def _opens(text: str, pos: int) -> bool:
    """A straight double quote opens when it is not glued to a preceding word character."""
    return pos == 0 or not text[pos - 1].isalnum()


def _opens_doubled(text: str, pos: int) -> bool:
    """Doubled apostrophes open a quotation after a blank, a bracket or a dash, before a non-blank. The marks are
    the same at both ends, so without this one typo would turn every later quotation of the text inside out."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 2] if pos + 2 < len(text) else " "
    return (before.isspace() or before in "([{—–-") and not after.isspace()


def _closes_doubled(text: str, pos: int) -> bool:
    """Doubled apostrophes close a quotation after a non-blank, before anything but a letter or digit."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 2] if pos + 2 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _find_closer(text: str, marks: list[tuple[int, str]], i: int, closer: str) -> int | None:
    start, opener = marks[i]
    for j in range(i + 1, len(marks)):
        pos, mark = marks[j]
        if pos - start > _MAX_QUOTE:
            return None
        if mark == closer or (closer == "“" and mark == "”") or _mixed_closer(text, pos, mark, closer):
            if mark == '"' and pos + 1 < len(text) and text[pos + 1].isalnum():
                return None  # looks like the next opening quote: this one was never closed
            if mark == "''" and _opens_doubled(text, pos) and not _closes_doubled(text, pos):
                if _paragraph_reopen(text, pos):
                    continue  # a quote re-opened at a new paragraph continues the same quotation
                return None  # the same for doubled apostrophes, which look alike at both ends
            return j
        if mark == opener:
            if _paragraph_reopen(text, pos):
                continue  # a quote re-opened at a new paragraph continues the same quotation
            return None
    return None


def _mixed_closer(text: str, pos: int, mark: str, closer: str) -> bool:
    """A straight mark closing a typographic quote, or the reverse (“…" and "…”, common in copy-edited wires), or
    an opening curly mark typed for the closing one (“…“, "…“), when it stands where a closing mark stands: after
    a non-space, before a non-letter."""
    if not ((mark == '"' and closer in ("”", "“")) or (mark == "”" and closer == '"')
            or (mark == "“" and closer in ("”", '"'))):  # “…“ and "…“: the opening mark typed for the closing one
        return False
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _paragraph_reopen(text: str, pos: int) -> bool:
    k = pos - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k >= 0 and text[k] == "\n"


def quotes_of(doc: Doc) -> Quotes:
    """The quotations of a parsed document, found once and kept in ``doc.user_data``."""
    found = doc.user_data.get(_KEY)
    if found is None:
        found = find_quotes(doc_text(doc))
        doc.user_data[_KEY] = found
    return found


_KEY = "claimwatch.quotes"

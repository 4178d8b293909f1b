"""Per-document lookups built once: sentences (``Token.sent`` walks the whole document on every call) and the text.

Reads a parsed ``Doc``; writes (once) a :class:`SentenceIndex` into ``doc.user_data`` that every stage reuses.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_KEY = "claimwatch.sentences"


@dataclass(frozen=True, slots=True)
class SentenceIndex:
    sents: tuple[Span, ...]
    starts: tuple[int, ...]  #: first token index of each sentence

    def of(self, token_i: int) -> Span:
        """The sentence holding token ``token_i``."""
        return self.sents[bisect.bisect_right(self.starts, token_i) - 1]

    def position(self, token_i: int) -> int:
        """Index of the sentence holding token ``token_i``."""
        return bisect.bisect_right(self.starts, token_i) - 1


def sentence_index(doc: Doc) -> SentenceIndex:
    idx = doc.user_data.get(_KEY)
    if idx is None:
        sents = tuple(doc.sents)
        idx = SentenceIndex(sents, tuple(s.start for s in sents))
        doc.user_data[_KEY] = idx
    return idx


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy rebuilds the string from the tokens on every access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text


_TEXT_KEY = "claimwatch.text"


def noun_chunks(doc: Doc) -> tuple[Span, ...]:
    """``doc.noun_chunks``, computed once (``Span.noun_chunks`` walks the whole document)."""
    chunks = doc.user_data.get(_CHUNKS_KEY)
    if chunks is None:
        chunks = tuple(doc.noun_chunks) if doc.has_annotation("DEP") else ()
        doc.user_data[_CHUNKS_KEY] = chunks
    return chunks


def noun_chunks_between(doc: Doc, start: int, end: int) -> tuple[Span, ...]:
    """The noun chunks lying within tokens ``[start, end)``, found by bisection."""
    chunks = noun_chunks(doc)
    starts = doc.user_data.get(_STARTS_KEY)
    if starts is None:
        starts = [c.start for c in chunks]
        doc.user_data[_STARTS_KEY] = starts
    i = bisect.bisect_left(starts, start)
    j = bisect.bisect_left(starts, end)
    return tuple(c for c in chunks[i:j] if c.end <= end)


_CHUNKS_KEY = "claimwatch.noun_chunks"
_STARTS_KEY = "claimwatch.noun_chunk_starts"


def set_doc_text(doc: Doc, text: str) -> None:
    """Make :func:`doc_text` return ``text`` for ``doc``: the original of a defused parse (same length).

    The parse guard (:mod:`claimwatch.nlp.guard`) parses a copy of the article text in which pathological
    runs were replaced by spaces; every stage that cuts spans from ``doc_text(doc)`` then cuts them from the
    original.
    """
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0  # len(doc.text), without building it
    if len(text) != length:
        raise ValueError(f"text of {len(text)} characters for a document of {length}")
    doc.user_data[_TEXT_KEY] = text

"""The parse guard: spaCy parsing with bounded time and memory, whatever the text.

Reads a text (and a loaded spaCy ``Language``); writes a ``Doc``. Three hazards are handled:

- **Pathological runs.** spaCy's tokenizer peels punctuation, symbols and emoji off a whitespace-delimited
  chunk one at a time, copying the rest each time, so a long run without whitespace costs time quadratic in its
  length (50 KB of ``!`` took 4 minutes, 400 KB of one emoji did not finish in 10). :func:`defuse` returns a
  text of *exactly the same length* in which such runs are broken up for the tokenizer: past the first
  ``MAX_REPEAT`` characters of a run of one repeated character, every character becomes a space; in any run
  of more than ``MAX_RUN`` characters without whitespace, every ``MAX_RUN``-th character becomes a space.
  Characters are replaced, never inserted or removed, so every offset into the defused text is an offset into
  the original.
- **Invisible characters.** Zero-width spaces, joiners, direction marks and the like at a word's edge become
  spaces for the parser, so that "said\u200b" is read as "said".
- **Long texts.** The parser's memory grows with the tokens of one ``Doc`` (about 17 KB per token at peak:
  858 KB of prose peaked at 3 GB). :func:`parse` and :func:`pipe` parse at most ``max_chunk`` characters and
  ``max_tokens`` tokens at a time, cut at a paragraph break (else a line break, a sentence end, any
  whitespace), and join the pieces with ``Doc.from_docs`` so that ``doc.text`` is exactly the text given.

The guard parses what it is given. The usual call defuses first and then tells the extraction stages to take
their span texts from the original (:func:`safe_parse`, :func:`safe_pipe`)::

    doc = guard.safe_parse(nlp, article.text)
    # == guard.parse(nlp, guard.defuse(article.text)), with text.sentences.doc_text(doc) == article.text

Token texts inside a defused run differ from the original (spaces where the run was cut); offsets
(``token.idx``, ``span.start_char``) are valid for the original text, so stored spans must be cut from the
original (``Span.of(article.text, start, end)``), never copied from ``token.text`` or ``doc.text``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..text.sentences import set_doc_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: A character repeated more than this many times in a row keeps this many; the rest become spaces.
MAX_REPEAT = 16
#: A run of non-whitespace longer than this gets a space in place of every ``MAX_RUN``-th character.
MAX_RUN = 100
#: At most this many characters are parsed as one ``Doc``.
MAX_CHUNK = 100_000
#: At most this many tokens are parsed as one ``Doc`` or handed to spaCy in one batch (~17 KB each at peak).
MAX_TOKENS = 20_000

_REPEAT = re.compile(rf"(\S)\1{{{MAX_REPEAT},}}")
_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")
#: Cut points, best first: a paragraph break, a line break, a sentence end, any whitespace.
_CUTS = (re.compile(r"\n[^\S\n]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?…][\"'”’»)\]]*\s+"),
         re.compile(r"\s+"))


def defuse(text: str) -> str:
    """``text`` with pathological runs broken up by spaces and invisible format characters at word edges blanked
    (:func:`_blank_invisible`); ``len(defuse(text)) == len(text)`` always."""
    text = _INVISIBLE.sub(_blank_invisible, text)
    if len(text) <= MAX_REPEAT:
        return text
    out = _REPEAT.sub(_keep_head, text)
    return _RUN.sub(_break_run, out)


#: Zero-width spaces and joiners, direction marks and embeddings, the word joiner and invisible operators, the
#: byte-order mark: nothing a parse or a stored span should rest on.
INVISIBLE = "".join(map(chr, [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                              *range(0x2066, 0x206A), 0xFEFF]))
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _blank_invisible(m: re.Match[str]) -> str:
    """A space for an invisible character that touches anything but a letter or digit on either side, or that
    is a zero-width space (a word break by definition): pasted web and Telegram text carries them, and the
    tokenizer would keep "said\u2060" as one unknown word. Between two letters (a joiner inside a word) it
    stays."""
    text, i = m.string, m.start()
    inside = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    return m.group(0) if inside and m.group(0) != "\u200b" else " "


def _keep_head(m: re.Match[str]) -> str:
    run = m.group(0)
    return run[:MAX_REPEAT] + " " * (len(run) - MAX_REPEAT)


def _break_run(m: re.Match[str]) -> str:
    """The run with every ``MAX_RUN``-th character (counting from 0: positions MAX_RUN, 2*MAX_RUN...) a space."""
    run = m.group(0)
    pieces = [run[:MAX_RUN]] + [run[k + 1:k + MAX_RUN] for k in range(MAX_RUN, len(run), MAX_RUN)]
    return " ".join(pieces)


def chunk_bounds(text: str, max_chunk: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """``(start, end)`` pieces covering ``text`` in order, each at most ``max_chunk`` characters."""
    if max_chunk < 1:
        raise ValueError("max_chunk must be positive")
    bounds: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_chunk:
        end = _cut(text, start, start + max_chunk)
        bounds.append((start, end))
        start = end
    bounds.append((start, n))
    return bounds


def _cut(text: str, start: int, limit: int) -> int:
    """The best place to end a piece that starts at ``start`` and may not pass ``limit``."""
    floor = start + (limit - start) // 2  # never give up more than half a piece for a nicer cut
    for pattern in _CUTS:
        end = -1
        for m in pattern.finditer(text, floor, limit):
            end = m.end()
        if end > start:
            return end
    return limit


def parse(nlp: Language, text: str, max_chunk: int = MAX_CHUNK, max_tokens: int = MAX_TOKENS) -> Doc:
    """``text`` parsed by ``nlp`` in pieces of at most ``max_chunk`` characters and ``max_tokens`` tokens;
    ``doc.text == text``. A text that fits in one piece is parsed exactly as ``nlp(text)`` parses it.

    Pass defused text (:func:`defuse`) unless it is known to be harmless; see the module docstring.
    """
    return next(pipe(nlp, [text], 1, max_chunk, max_tokens))


def pipe(nlp: Language, texts: Iterable[str], batch_size: int = 32, max_chunk: int = MAX_CHUNK,
         max_tokens: int = MAX_TOKENS) -> Iterator[Doc]:
    """One ``Doc`` per text, in order, as :func:`parse` makes it. spaCy's pipeline sees batches of at most
    ``batch_size`` pieces and ``max_tokens`` tokens in all (one piece may be a batch of its own)."""
    counts: deque[int] = deque()
    parts: list[Doc] = []
    for doc in _run(nlp, _pieces(nlp, texts, counts, max_chunk, max_tokens), batch_size, max_tokens):
        parts.append(doc)
        if len(parts) == counts[0]:
            counts.popleft()
            yield parts[0] if len(parts) == 1 else _join(parts)
            parts = []


def _pieces(nlp: Language, texts: Iterable[str], counts: deque[int], max_chunk: int,
            max_tokens: int) -> Iterator[Doc]:
    """Every text cut into tokenized pieces, in order; ``counts`` learns how many pieces each text has."""
    for text in texts:
        pieces: list[Doc] = []
        for s, e in chunk_bounds(text, max_chunk):
            tokens = nlp.make_doc(text[s:e])
            pieces.extend(_split_tokens(tokens, max_tokens) if len(tokens) > max_tokens else [tokens])
        counts.append(len(pieces))
        yield from pieces


def _split_tokens(doc: Doc, max_tokens: int) -> list[Doc]:
    """``doc`` (tokenized only) as pieces of at most ``max_tokens`` tokens, cut after a line break or a
    sentence-final mark where one lies in the second half of a piece."""
    pieces: list[Doc] = []
    start, n = 0, len(doc)
    while n - start > max_tokens:
        end = _token_cut(doc, start, start + max_tokens)
        pieces.append(doc[start:end].as_doc())
        start = end
    pieces.append(doc[start:n].as_doc())
    return pieces


def _token_cut(doc: Doc, start: int, limit: int) -> int:
    floor = start + (limit - start) // 2
    for good in (lambda t: t.is_space and "\n" in t.text, lambda t: t.text in (".", "!", "?") and t.whitespace_):
        for i in range(limit, floor, -1):
            if good(doc[i - 1]):
                return i
    return limit


def _run(nlp: Language, pieces: Iterator[Doc], batch_size: int, max_tokens: int) -> Iterator[Doc]:
    """``nlp.pipe`` over tokenized ``pieces``, in batches bounded by count and by tokens."""
    batch: list[Doc] = []
    size = 0
    for piece in pieces:
        if batch and (len(batch) >= batch_size or size + len(piece) > max_tokens):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def _join(parts: list[Doc]) -> Doc:
    from spacy.tokens import Doc

    return Doc.from_docs(parts, ensure_whitespace=False)


def safe_parse(nlp: Language, text: str, max_chunk: int = MAX_CHUNK) -> Doc:
    """``parse(nlp, defuse(text))``, with the extraction stages' text (``doc_text``) set to ``text`` itself."""
    doc = parse(nlp, defuse(text), max_chunk)
    set_doc_text(doc, text)
    return doc


def safe_pipe(nlp: Language, texts: Iterable[str], batch_size: int = 32,
              max_chunk: int = MAX_CHUNK) -> Iterator[Doc]:
    """:func:`safe_parse` for many texts, batched like :func:`pipe`."""
    originals: deque[str] = deque()

    def defused() -> Iterator[str]:
        for text in texts:
            originals.append(text)
            yield defuse(text)

    for doc in pipe(nlp, defused(), batch_size, max_chunk):
        set_doc_text(doc, originals.popleft())
        yield doc

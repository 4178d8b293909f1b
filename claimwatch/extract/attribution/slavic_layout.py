"""Russian and Ukrainian claims that the lines of a post signal: list headers that name a speaker, and "Source:"
lead lines.

Reads the text, the ``Doc`` of :mod:`claimwatch.nlp.slavic` (lemmas and parts of speech) and the language's word
lists (:mod:`claimwatch.text.wordlists`); writes :class:`~claimwatch.model.Claim` records with exact spans:

- a header that names a speaker and ends with a colon, followed by list items: "Другие заявления Пескова на
  брифинге:", "О чём ещё говорил Владимир Путин:", "Главное из слов президента:", "Другие его заявления:" then
  "— …", "▪️ …", "1. …" lines: every item is a claim of the speaker, the speech noun or verb is the cue;
- a lead line "Source: …": "⚡️Глава ГУР Украины Буданов: ВС РФ могли … . О серийном производстве …" (one claim
  per sentence of the line), "**Минобороны РФ:**" alone on its line (the next paragraph is its claim). The source
  must look like a speaker: a name, an abbreviation or a noun of the language's ``source_nouns`` ("Главное: …",
  "Вывод: …" are labels).

Telegram markdown (``**``, ``__``, ``[label](url)``) and emoji around the words are allowed everywhere.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...model import Claim, Source, Span, Status
from ...nlp.slavic import morphology
from ...readers.tgfurniture import line_reason
from ...readers.tgtext import from_markdown
from ...text.wordlists import WordLists, fold
from .quotes import Quotes
from .spans import claim_kind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: a list item's opening: a dash, a bullet or emoji, or a number ("1.", "2)")
_ITEM = re.compile(r"^[*_\s]*(?:[—–\-•·▪▫◾◽▶►➖✅✔❗❕⚡🔹🔸🔺🔻📌👉]|\d{1,2}[.)](?!\d))")
_MARKUP = "*_ \t"
_MAX_HEADER_WORDS = 25
_MAX_LEAD_WORDS = 7
_NAME_POS = frozenset({"NOUN", "PROPN", "ADJ", "X"})
_PERSON = frozenset({"Name", "Surn", "Patr", "Orgn"})
_EDGE_OPEN = "«“„\"'("
_EDGE_CLOSE = "»”\"')"


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    tokens: list[Token]  #: the line's word and punctuation tokens (no markup, no emoji)


def layout_claims(doc: Doc, text: str, lists: WordLists, quotes: Quotes) -> list[Claim]:
    """Claims of list headers and lead lines, in text order (none overlapping)."""
    lines = _lines(doc, text)
    claims: list[Claim] = []
    n = 0
    while n < len(lines):
        found = _header_list(text, lines, n, lists, quotes, claims) or _lead(text, lines, n, lists, quotes)
        if found:
            claims.extend(found)
            last = max(c.content.end for c in found)
            while n < len(lines) and lines[n].start < last:
                n += 1
            continue
        n += 1
    return claims


# ---------------------------------------------------------------------------------------------- headers


def _header_list(text: str, lines: list[_Line], n: int, lists: WordLists, quotes: Quotes,
                 before: list[Claim]) -> list[Claim] | None:
    line = lines[n]
    toks = line.tokens
    if len(toks) < 2 or toks[-1].text != ":" or len(toks) > _MAX_HEADER_WORDS:
        return None
    items = _items(text, lines, n + 1)
    if not items:
        return None
    cue_source = _header_speaker(toks, lists)
    if cue_source is None:
        return None
    cue, source, anaphoric = cue_source
    entity = _previous_speaker(before) if anaphoric else None
    out = []
    for start, end in items:
        parts = (Span.of(text, start, end),)
        out.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                         source=Source(span=Span.of(text, *source), entity=entity), cue=Span.of(text, *cue)))
    return out


def _header_speaker(toks: list[Token], lists: WordLists) -> tuple[tuple[int, int], tuple[int, int], bool] | None:
    """(cue, source, anaphoric) of a header: "заявления Пескова", "его заявления", "говорил Владимир Путин",
    "В Минобороны рассказали"."""
    for k, tok in enumerate(toks):
        lemma = fold(tok.lemma_)
        if lemma in lists.speech_nouns and tok.pos_ == "NOUN":
            if k > 0 and fold(toks[k - 1].text) in lists.anaphoric:
                return _chars(tok), _chars(toks[k - 1]), True
            src = _name_right(toks, k + 1, lists)
            if src is not None:
                return _chars(tok), src, False
        elif lemma in lists.speech_verbs and tok.pos_ == "VERB":
            src = _name_right(toks, k + 1, lists) or _name_left(toks, k, lists)
            if src is not None:
                return _chars(tok), src, False
    return None


def _name_right(toks: list[Token], k: int, lists: WordLists) -> tuple[int, int] | None:
    """A name phrase starting at ``k`` ("Пескова", "Владимир Путин", "президента РФ"), up to a preposition,
    punctuation or a verb."""
    end = k
    while end < len(toks) and (toks[end].pos_ in _NAME_POS or toks[end].text in ("-", "«", "»")) \
            and end - k < _MAX_LEAD_WORDS:
        end += 1
    while end > k and toks[end - 1].text in ("-", "«"):
        end -= 1
    if end == k or not any(_speaker_word(t, lists) for t in toks[k:end]):
        return None
    return toks[k].idx, toks[end - 1].idx + len(toks[end - 1].text)


def _name_left(toks: list[Token], k: int, lists: WordLists) -> tuple[int, int] | None:
    """The speaker before a header's verb: "В Минобороны рассказали", "Песков рассказал"."""
    j = k
    while j > 0 and toks[j - 1].pos_ in _NAME_POS:
        j -= 1
    if j == k or not any(_speaker_word(t, lists) for t in toks[j:k]):
        return None
    return toks[j].idx, toks[k - 1].idx + len(toks[k - 1].text)


def _items(text: str, lines: list[_Line], n: int) -> list[tuple[int, int]]:
    """The contents of the list items from line ``n`` on (blank lines between them allowed)."""
    out = []
    for line in lines[n:]:
        raw = text[line.start:line.end]
        m = _ITEM.match(raw)
        if m is None or not line.tokens or line_reason(raw) or line_reason(from_markdown(raw).text):
            break
        start, end = _clean(text, line.start + m.end(), line.end)
        if end - start >= 3 and sum(ch.isalpha() for ch in text[start:end]) >= 3:
            out.append((start, end))
    return out


# ------------------------------------------------------------------------------------------------ leads


def _lead(text: str, lines: list[_Line], n: int, lists: WordLists, quotes: Quotes) -> list[Claim] | None:
    """"Source: content" on one line (one claim per sentence), or "Source:" alone and the content below."""
    toks = lines[n].tokens
    colon = next((k for k, t in enumerate(toks) if t.text == ":"), None)
    if colon is None or colon == 0 or colon > _MAX_LEAD_WORDS:
        return None
    if not _speaker_phrase(toks[:colon], lists):
        return None
    source = (toks[0].idx, toks[colon - 1].idx + len(toks[colon - 1].text))
    cue = _chars(toks[colon])
    if colon + 1 < len(toks):
        pieces = _sentences(text, toks[colon + 1:])
    elif n + 1 < len(lines) and not _ITEM.match(text[lines[n + 1].start:lines[n + 1].end]):
        pieces = [_clean(text, lines[n + 1].start, lines[n + 1].end)]
    else:
        return None
    out = []
    for start, end in pieces:
        if end - start < 8 or sum(ch.isalpha() for ch in text[start:end]) < 3:
            continue
        parts = (Span.of(text, start, end),)
        out.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                         source=Source(span=Span.of(text, *source)), cue=Span.of(text, *cue)))
    return out or None


def _speaker_phrase(toks: list[Token], lists: WordLists) -> bool:
    """Whether the words before a colon name a speaker: names, abbreviations, nouns, and a speaker word first or
    last ("Министр", "Глава ГУР Украины Буданов", "Минобороны РФ", "Источник в Кремле" is not: a preposition)."""
    if not toks or any(t.pos_ not in _NAME_POS and t.text not in ("-", "«", "»", ".") for t in toks):
        return False
    if fold(toks[0].text) in lists.labels:
        return False
    return _speaker_word(toks[0], lists) or _speaker_word(toks[-1], lists)


def _speaker_word(tok: Token, lists: WordLists) -> bool:
    """A noun of ``source_nouns``, a person's name or an abbreviation ("МИД", "ГУР"), not a place name (a
    dateline "Белгород: …" or "США: …" names no speaker)."""
    word = tok.text
    if fold(tok.lemma_) in lists.source_nouns:
        return True
    if not word[:1].isupper() or fold(word) in lists.labels:
        return False
    readings = morphology(lists.language).tags(word)
    if readings and "Geox" in readings[0]:
        return False
    if any(r & _PERSON for r in readings):  # "Песков" (also "песок"), "Зеленский" (also "зелёный")
        return True
    return tok.pos_ == "PROPN" and len(word) >= 2 and word.isupper()


def _sentences(text: str, toks: list[Token]) -> list[tuple[int, int]]:
    """The sentences among ``toks`` (a quotation that spans sentences stays whole)."""
    pieces: list[tuple[int, int]] = []
    start = toks[0].idx
    depth = 0
    for i, t in enumerate(toks):
        depth += (t.text in ("«", "“")) - (t.text in ("»", "”"))
        if i > 0 and t.is_sent_start and depth <= 0:
            pieces.append(_clean(text, start, t.idx))
            start = t.idx
    last = toks[-1]
    pieces.append(_clean(text, start, last.idx + len(last.text)))
    return pieces


# --------------------------------------------------------------------------------------------- helpers


def _lines(doc: Doc, text: str) -> list[_Line]:
    """The non-blank lines of ``text`` with their word and punctuation tokens."""
    toks = [t for t in doc if not t.is_space and set(t.text) - set("*_") and not all(map(_is_symbol, t.text))]
    starts = [t.idx for t in toks]
    out = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        if not raw.strip():
            continue
        a, b = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        out.append(_Line(start, end, toks[a:b]))
    return out


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Cf") or ch in "\ufe0e\ufe0f\u20e3"


def _chars(tok: Token) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok.text)


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Markup, emoji, bullets and a closing full stop or semicolon off both edges (quotation marks kept, a
    quotation that encloses the whole content dropped)."""
    while start < end and not (text[start].isalnum() or text[start] in _EDGE_OPEN):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in _EDGE_CLOSE):
        end -= 1
    if end - start > 2 and text[start] in "«“\"" and text[end - 1] in "»”\"" and \
            not any(ch in "«“»”\"" for ch in text[start + 1:end - 1]):
        start, end = _clean(text, start + 1, end - 1)
    return start, end


def _previous_speaker(claims: list[Claim]) -> Span | None:
    for c in reversed(claims):
        if c.source is not None:
            return c.source.entity or c.source.span
    return None

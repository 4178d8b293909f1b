"""Russian and Ukrainian attribution: who claims what in a Cyrillic post, by rules around speech verbs, fronted
source phrases and punctuation (Ukrainian has no dependency parser; the Russian parse helps where it exists).

Reads the ``Doc`` of :mod:`claimwatch.nlp.slavic` (lemmas, tags, sentences; Russian speech sentences parsed) and
the language's word lists (:mod:`claimwatch.text.wordlists`); writes :class:`~claimwatch.model.Claim` records
with exact spans. One claim per sentence at most, found in this order:

- dash trailers: "…, — Минобороны.", "…**, — [Генштаб ЗСУ](https://…)" (the line is the source's claim);
  "…, — заявил Конашенков." (a speech verb after the dash: the same, with the verb as cue);
- fronted sources: "По словам губернатора, …", "По данным …", "Согласно сводке …", "За словами …", and the same
  at the end ("…, по данным Генштаба."); "со ссылкой на X" (X is the source); "По его данным" points back at the
  previous speaker;
- "Как сообщило министерство обороны, …" / "Як повідомив Генштаб, …";
- inverted speech: "«…», — заявил X", "…, сообщает The Times", "…, [сообщило Минобороны](…)", "Об этом сообщил
  X" (the previous sentence is the content);
- forward speech: "X заявил, что …", "X сообщило об уничтожении …", "Он добавил: «…»" (a pronoun points back at
  the previous speaker);
- impersonal reports: "Сообщается, что …", "Приходят сообщения о …", "Як повідомляється, …" (no source);

before them, list headers that name a speaker and "Source: …" lead lines (:mod:`.slavic_layout`); after them, the
channel's own sentences as outlet claims (:mod:`.layout`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...model import Claim, ClaimKind, Source, Span, Status
from ...stage import Analysis, Stage
from ...text.sentences import doc_text, sentence_index
from ...text.wordlists import WordLists, fold, phrase_at, wordlists
from . import layout, slavic_layout
from .quotes import Quotes, quotes_of
from .spans import claim_kind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

_DASHES = frozenset({"—", "–", "--", "-"})
#: characters cut from the edges of a content or source: markdown, emoji, list bullets, punctuation
_EDGE_OPEN = "«“„\"'([0123456789"
_EDGE_CLOSE = "»”\"')"
#: tokens that end a source phrase read rightwards
_SOURCE_STOP = frozenset({",", ".", ";", ":", "!", "?", "(", "]", "—", "–", "»", "\n"})
_LINK_OPEN = "["
_MAX_SOURCE = 14
_MAX_TRAILER = 10
#: "об этом", "про це": the content is the previous sentence
_THIS = (("об", "этом"), ("о", "том"), ("про", "це"), ("об", "этом,"), ("это",), ("це",))
_SOURCE_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "X", "DET"})
_NAME_PUNCT = frozenset({"«", "»", "\"", "“", "”", "-", "'", "’", "."})


@dataclass(slots=True)
class _Found:
    """One cue with its source (token range or None) and content (character range)."""

    cue: tuple[int, int]  #: characters
    content: tuple[int, int]
    source: tuple[int, int] | None = None  #: characters
    anaphoric: bool = False  #: the source is a pronoun pointing back at the previous speaker
    paragraph: bool = False  #: the content may reach back to the start of its line (a dash trailer)


class _Sentence:
    """A sentence's tokens with their folded forms and lemmas (computed once)."""

    def __init__(self, sent: SpacySpan) -> None:
        self.span = sent
        self.tokens: list[Token] = [t for t in sent if not t.is_space]
        self.words = [fold(t.text) for t in self.tokens]
        self.lemmas = [t.lemma_ for t in self.tokens]

    def __len__(self) -> int:
        return len(self.tokens)

    def start(self, k: int) -> int:
        return self.tokens[k].idx

    def end(self, k: int) -> int:
        t = self.tokens[k]
        return t.idx + len(t.text)


def find_claims(doc: Doc, language: str) -> list[Claim]:
    """Attributed claims of a Russian or Ukrainian ``doc``, then speaker lines and the outlet's own sentences."""
    lists = wordlists(language)
    text = doc_text(doc)
    quotes = quotes_of(doc)
    claims: list[Claim] = slavic_layout.layout_claims(doc, text, lists, quotes)
    sents = [_Sentence(s) for s in sentence_index(doc).sents]
    for n, sent in enumerate(sents):
        if not len(sent):
            continue
        found = _trailer(text, sent, lists) or _according(text, sent, lists) or _speech(text, sents, n, lists) \
            or _impersonal(text, sent, lists)
        if found is None:
            continue
        claim = _claim(text, found, quotes, claims)
        if claim is not None:
            claims.append(claim)
    claims.extend(layout.outlet_claims(doc, claims))
    claims.sort(key=lambda c: (c.content.start, c.content.end))
    return claims


# --------------------------------------------------------------------------------------------------- patterns


def _trailer(text: str, sent: _Sentence, lists: WordLists) -> _Found | None:
    """"…, — Минобороны." / "…, — заявил X.": a dash near the end of the sentence's line, after a comma, a closing
    quotation mark, a full stop or markdown, with a short source after it. "…областью. — Минобороны": the
    segmenter made the dash a sentence of its own; the content is the line before it."""
    if sent.words[0] in _DASHES and len(sent) > 1 and _visible(sent, 1) <= _MAX_TRAILER:
        line = text.rfind("\n", 0, sent.start(0)) + 1
        end = _source_end(sent, _skip_link_open(sent, 1))
        first = _skip_link_open(sent, 1)
        if line < sent.start(0) and text[line:sent.start(0)].strip() and end > first and \
                _name_like(sent, first, end) and sent.lemmas[first] not in lists.speech_verbs:
            return _Found((sent.start(0), sent.end(0)), (line, sent.start(0)), (sent.start(first), sent.end(end - 1)),
                          paragraph=True)
    for k in range(len(sent) - 1, 0, -1):
        if sent.words[k] not in _DASHES or _visible(sent, k + 1) > _MAX_TRAILER:
            continue
        before = sent.tokens[k - 1].text
        if not (before in (",", ".", "»", "”", "\"", "!", "?") or set(before) <= {"*", "_"}):
            continue
        first = _skip_link_open(sent, k + 1)
        if first >= len(sent):
            return None
        tail_end = _source_end(sent, first)
        if first < len(sent) and sent.lemmas[first] in lists.speech_verbs and sent.tokens[first].pos_ == "VERB":
            src = _source_right(sent, first + 1, lists)
            return _Found((sent.start(first), sent.end(first)), (_paragraph_start(text, sent.start(0)), sent.start(k)),
                          src, anaphoric=src is not None and _is_pronoun(text, src, lists), paragraph=True)
        if tail_end <= first or not _name_like(sent, first, tail_end):
            return None
        return _Found((sent.start(k), sent.end(k)), (_paragraph_start(text, sent.start(0)), sent.start(k)),
                      (sent.start(first), sent.end(tail_end - 1)), paragraph=True)
    return None


def _according(text: str, sent: _Sentence, lists: WordLists) -> _Found | None:
    """"По словам губернатора, …", "…, по данным Генштаба.", "По его данным, …", "со ссылкой на X"."""
    for k in range(len(sent)):
        anaphoric = _anaphoric_cue(sent, k, lists)
        phrase = None if anaphoric else phrase_at(sent.words, k, lists.according)
        if phrase is None and not anaphoric:
            continue
        cue_end = k + (3 if anaphoric else len(phrase or ()))
        if anaphoric:
            src: tuple[int, int] | None = (sent.start(k + 1), sent.end(k + 1))
        else:
            src = _source_right(sent, cue_end, lists)
            if src is None:
                continue
        cue = (sent.start(k), sent.end(cue_end - 1))
        if anaphoric:
            cue = (sent.start(k), sent.end(k + 2))
        after = _clause_end(sent, cue_end)
        if k <= 2 or _fronted(sent, k):  # "По словам X, CONTENT"
            if after >= len(sent) - 1:
                continue
            content = (sent.start(after + 1), sent.end(len(sent) - 1))
        else:  # "CONTENT, по данным X.", "CONTENT, сообщает ТАСС со ссылкой на X."
            content = (_line_start(text, sent.start(0)), sent.start(_clause_start(sent, k)))
        return _Found(cue, content, src, anaphoric)
    return None


def _speech(text: str, sents: list[_Sentence], n: int, lists: WordLists) -> _Found | None:
    sent = sents[n]
    for k in range(len(sent)):
        tok = sent.tokens[k]
        that_verb = sent.lemmas[k] in lists.that_verbs and _that_follows(sent, k)
        if not (sent.lemmas[k] in lists.speech_verbs or that_verb) or tok.pos_ != "VERB" or _non_finite(tok):
            continue
        before = _prev_word(sent, k)
        if before == _LINK_OPEN and _prev_word(sent, k - 1) not in (",", "—", "–"):
            before = ""  # "Министр [сообщил](https://…), что …": a link around a forward verb
        elif that_verb and before in (",", "—", "–"):
            continue
        if k <= 1 and before in ("как", "як"):  # "Как сообщило министерство обороны, CONTENT"
            src = _source_right(sent, k + 1, lists)
            after = _clause_end(sent, k + 1)
            if after >= len(sent) - 1:
                continue
            return _Found((sent.start(k - 1 if k else k), sent.end(k)), (sent.start(after + 1), sent.end(len(sent) - 1)),
                          src, anaphoric=src is not None and _is_pronoun(text, src, lists))
        if _opens_with_this(sent, k):  # "Об этом сообщил X": the previous sentence
            prev = _previous(sents, n)
            src = _source_right(sent, k + 1, lists)
            if prev is None or src is None:
                continue
            return _Found((sent.start(k), sent.end(k)), (prev.start(0), prev.end(len(prev) - 1)), src)
        if k > 0 and before in (",", "—", "–", _LINK_OPEN):  # "«…», — заявил X", "…, сообщает The Times"
            src = _source_right(sent, k + 1, lists)
            if src is None:
                continue
            cut = _content_cut(sent, k)
            return _Found((sent.start(k), sent.end(k)), (_line_start(text, sent.start(0)), sent.start(cut)), src,
                          anaphoric=_is_pronoun(text, src, lists))
        src = _subject(sent, k, lists)
        if src is None:
            continue
        start = _content_start(sent, _past_link(sent, k + 1))
        if start >= len(sent):
            continue
        return _Found((sent.start(k), sent.end(k)), (sent.start(start), sent.end(len(sent) - 1)), src,
                      anaphoric=_is_pronoun(text, src, lists))
    return None


def _impersonal(text: str, sent: _Sentence, lists: WordLists) -> _Found | None:
    """"Сообщается, что …", "Как сообщается, …", "…, сообщается в сводке", "Приходят сообщения о …"."""
    for k in range(len(sent)):
        phrase = phrase_at(sent.words, k, lists.impersonal)
        if phrase is None:
            continue
        end = k + len(phrase)
        cue = (sent.start(k), sent.end(end - 1))
        if k > 0 and _prev_word(sent, k) in (",", "—", "–") and not _fronted(sent, k):  # "CONTENT, сообщается"
            return _Found(cue, (_line_start(text, sent.start(0)), sent.start(k - 1)), None)
        src = _known_to(sent, end, phrase, lists)
        if src is not None:  # "Как стало известно SHOT, …": the outlet it became known to
            end = _clause_end(sent, end)
        start = _content_start(sent, end)
        if start >= len(sent) or (k > 2 and not _fronted(sent, k)):
            continue
        return _Found(cue if k == 0 or _prev_word(sent, k) not in ("как", "як") else (sent.start(k - 1), cue[1]),
                      (sent.start(start), sent.end(len(sent) - 1)), src)
    return None


def _known_to(sent: _Sentence, k: int, phrase: tuple[str, ...], lists: WordLists) -> tuple[int, int] | None:
    """The name after "стало известно" / "стало відомо" up to the comma ("Как стало известно «Известиям», …")."""
    if phrase[-1] not in ("известно", "відомо") or k >= len(sent) or sent.tokens[k].pos_ in ("ADP", "SCONJ") \
            or sent.words[k] in (",", "что", "що", ":"):
        return None
    end = _source_end(sent, k)
    if end >= len(sent) or sent.words[end] != "," or not _name_like(sent, k, end):
        return None
    return sent.start(k), sent.end(end - 1)


# ----------------------------------------------------------------------------------------------- helpers


def _claim(text: str, f: _Found, quotes: Quotes, claims: list[Claim]) -> Claim | None:
    start, end = f.content
    if f.paragraph:  # not back past a claim already found on the line
        start = max([start, *(c.content.end for c in claims if start < c.content.end <= end)])
    start, end = _clean(text, start, end)
    if end - start < 3 or sum(ch.isalpha() for ch in text[start:end]) < 3:
        return None
    start, end = _whole_quote(text, quotes, start, end)
    if any(c.content.start < end and start < c.content.end for c in claims):
        return None
    source = None
    if f.source is not None:
        s, e = _clean(text, *f.source)
        if e > s:
            entity = _previous_speaker(claims) if f.anaphoric else None
            source = Source(span=Span.of(text, s, e), entity=entity)
    part = Span.of(text, start, end)
    return Claim(content=part, kind=claim_kind((part,), quotes), status=Status.CLAIMED, source=source,
                 cue=Span.of(text, *f.cue))


def _previous_speaker(claims: list[Claim]) -> Span | None:
    for c in reversed(claims):
        if c.source is not None:
            return c.source.entity or c.source.span
    return None


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Markdown, emoji, bullets and separating punctuation off both edges (quotation marks kept)."""
    while start < end and not (text[start].isalnum() or text[start] in _EDGE_OPEN):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in _EDGE_CLOSE):
        end -= 1
    return start, end


def _whole_quote(text: str, quotes: Quotes, start: int, end: int) -> tuple[int, int]:
    """A content that opens a quotation runs to its close; one that closes a quotation starts at its opening."""
    for q in quotes.overlapping(start, end):
        if q[0] == start and q[1] > end:
            end = q[1]
        if q[1] == end and q[0] < start:
            start = q[0]
    return start, end


def _line_start(text: str, pos: int) -> int:
    """Where the sentence's content may begin: the sentence start (sentences are already cut at line breaks)."""
    return pos


def _paragraph_start(text: str, pos: int) -> int:
    """The start of the line that holds ``pos``: "В районе объявлена опасность. Беспилотник движется на север, —
    власти" attributes the whole line."""
    return text.rfind("\n", 0, pos) + 1


def _visible(sent: _Sentence, k: int) -> int:
    """Tokens from ``k`` to the sentence end, a markdown link's target ("](https://…)") not counted."""
    count, j = 0, k
    while j < len(sent):
        if sent.tokens[j].text == "]" and j + 1 < len(sent) and sent.tokens[j + 1].text == "(":
            close = next((m for m in range(j + 2, len(sent)) if sent.tokens[m].text == ")"), len(sent) - 1)
            j = close + 1
            continue
        count += 1
        j += 1
    return count


def _skip_link_open(sent: _Sentence, k: int) -> int:
    while k < len(sent) and (sent.tokens[k].text == _LINK_OPEN or set(sent.tokens[k].text) <= {"*", "_"}):
        k += 1
    return k


def _source_end(sent: _Sentence, k: int) -> int:
    """The token after the last one of a source phrase read from ``k``: at punctuation, a link's close or the
    sentence end."""
    end = k
    while end < len(sent) and end - k < _MAX_SOURCE:
        word = sent.tokens[end].text
        if word in _SOURCE_STOP and not (word in ".»" and _inside_name(sent, end)) or set(word) <= {"*", "_"}:
            break
        end += 1
    return end


def _inside_name(sent: _Sentence, k: int) -> bool:
    """A closing quotation mark of a name ("группировки «Восток»") or a dot of an abbreviation continues it."""
    word = sent.tokens[k].text
    if word == "»":
        return any(t.text == "«" for t in sent.tokens[max(0, k - 6):k])
    return k + 1 < len(sent) and sent.tokens[k + 1].text[:1].isalnum() and not sent.tokens[k].whitespace_


def _source_right(sent: _Sentence, k: int, lists: WordLists) -> tuple[int, int] | None:
    """A source phrase starting at token ``k`` (a preposition "в"/"у" before it skipped: "сообщили в Минобороны")."""
    k = _skip_link_open(sent, k)
    if k < len(sent) and sent.words[k] in ("в", "во", "у", "на") and k + 1 < len(sent):
        k += 1
    if k < len(sent) and (sent.words[k] in ("со", "із", "з") and phrase_at(sent.words, k, lists.according)):
        return None
    end = _source_end(sent, k)
    end = _cut_relay(sent, k, end, lists)
    if end <= k or not _name_like(sent, k, end):
        return None
    return sent.start(k), sent.end(end - 1)


def _cut_relay(sent: _Sentence, k: int, end: int, lists: WordLists) -> int:
    """"ТАСС со ссылкой на источник": the source phrase ends before a relayed one."""
    for j in range(k + 1, end):
        if phrase_at(sent.words, j, lists.according):
            return j
    return end


def _name_like(sent: _Sentence, k: int, end: int) -> bool:
    """Whether tokens [k, end) can name a source: a noun, name, pronoun or abbreviation among them, no verb."""
    toks = sent.tokens[k:end]
    if not toks or len(toks) > _MAX_SOURCE:
        return False
    if any(t.pos_ == "VERB" and "VerbForm=Fin" in str(t.morph) for t in toks):
        return False
    return any(t.pos_ in ("NOUN", "PROPN", "PRON", "X", "ADJ") or t.text[:1].isupper() for t in toks)


def _is_pronoun(text: str, span: tuple[int, int], lists: WordLists) -> bool:
    words = fold(text[span[0]:span[1]]).split()
    return len(words) == 1 and (words[0] in lists.subject_pronouns or words[0] in lists.anaphoric)


def _anaphoric_cue(sent: _Sentence, k: int, lists: WordLists) -> bool:
    """"По его данным", "за її словами": preposition, possessive pronoun, a noun of the according cues."""
    return k + 2 < len(sent) and sent.words[k] in ("по", "за") and sent.words[k + 1] in lists.anaphoric \
        and sent.words[k + 2] in lists.according_nouns


def _fronted(sent: _Sentence, k: int) -> bool:
    """Nothing but markdown, emoji, a conjunction or an adverb before token ``k`` in the sentence."""
    return all(not t.is_alpha or t.pos_ in ("CCONJ", "ADV", "PART", "SCONJ") for t in sent.tokens[:k])


def _clause_end(sent: _Sentence, k: int) -> int:
    """The comma (or colon, dash) that closes a fronted source phrase starting at ``k``: its index."""
    for j in range(k, len(sent)):
        if sent.tokens[j].text in (",", ":", "—", "–") and not _inside_quotes(sent, j):
            return j
    return len(sent)


def _clause_start(sent: _Sentence, k: int) -> int:
    """The comma opening the clause that holds token ``k`` (``k`` itself when there is none)."""
    for j in range(k - 1, 0, -1):
        if sent.tokens[j].text == "," and not _inside_quotes(sent, j):
            return j
    return k


def _inside_quotes(sent: _Sentence, j: int) -> bool:
    opened = sum(t.text in "«“" for t in sent.tokens[:j])
    closed = sum(t.text in "»”" for t in sent.tokens[:j])
    return opened > closed


def _content_cut(sent: _Sentence, k: int) -> int:
    """Where the content before an inverted cue ends: before its comma and dash ("«…», — заявил")."""
    j = k
    while j > 0 and (sent.tokens[j - 1].text in (",", "—", "–", _LINK_OPEN) or set(sent.tokens[j - 1].text) <= {"*"}):
        j -= 1
    return j


def _content_start(sent: _Sentence, k: int) -> int:
    """The first token of the content after a cue: past a comma, colon, dash and "что"/"що"."""
    while k < len(sent) and (sent.tokens[k].text in (",", ":", "—", "–") or sent.words[k] in ("что", "що", "мол")):
        k += 1
    return k


def _that_follows(sent: _Sentence, k: int) -> bool:
    """"считают, что", "решил, що": a comma and "что"/"що" right after the verb."""
    j = _past_link(sent, k + 1)
    return j + 1 < len(sent) and sent.words[j] == "," and sent.words[j + 1] in ("что", "що")


def _past_link(sent: _Sentence, k: int) -> int:
    """The token after a markdown link's close and target ("](https://…)") starting at ``k``, else ``k``."""
    if k + 1 < len(sent) and sent.tokens[k].text == "]" and sent.tokens[k + 1].text == "(":
        close = next((m for m in range(k + 2, len(sent)) if sent.tokens[m].text == ")"), None)
        return close + 1 if close is not None else k
    return k


def _prev_word(sent: _Sentence, k: int) -> str:
    j = k - 1
    while j >= 0 and set(sent.tokens[j].text) <= {"*", "_"}:
        j -= 1
    return sent.words[j] if j >= 0 else ""


def _non_finite(tok: Token) -> bool:
    form = tok.morph.get("VerbForm", [])
    return bool(form) and form[0] in ("Inf", "Part", "Conv")


def _opens_with_this(sent: _Sentence, k: int) -> bool:
    return any(tuple(sent.words[:len(p)]) == p and len(p) <= k for p in _THIS if p)


def _previous(sents: list[_Sentence], n: int) -> _Sentence | None:
    for m in range(n - 1, -1, -1):
        if len(sents[m]) and any(t.is_alpha for t in sents[m].tokens):
            return sents[m]
    return None


def _subject(sent: _Sentence, k: int, lists: WordLists) -> tuple[int, int] | None:
    """The source of a forward speech verb at ``k``: its parsed subject, else the noun phrase right before it."""
    verb = sent.tokens[k]
    if k > 0 and sent.tokens[k - 1].text == _LINK_OPEN:
        k -= 1  # "Цахкна [сообщил](…)": the subject ends before the link
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubj:pass") and child.i < verb.i:
            left, right = child.left_edge, child.right_edge
            if right.i < verb.i:
                return left.idx, right.idx + len(right.text)
    j = k
    while j > 0:
        t = sent.tokens[j - 1]
        if t.pos_ in _SOURCE_POS or t.text in _NAME_PUNCT or fold(t.text) in lists.subject_pronouns:
            j -= 1
            continue
        break
    while j < k and (sent.tokens[j].text in _NAME_PUNCT or sent.tokens[j].pos_ == "NUM"):
        j += 1
    if j >= k or not _name_like(sent, j, k):
        return None
    if j > 0 and sent.tokens[j - 1].pos_ == "ADP" and not (
            sent.words[j - 1] in ("в", "во", "у") and "Number=Plur" in str(verb.morph)):
        return None  # "На фронте сообщил": a place, no speaker; "В Кремле заявили": the Kremlin
    return sent.start(j), sent.end(k - 1)


class SlavicAttributionStage(Stage):
    """Who claims what in Russian or Ukrainian: trailers, fronted sources, speech verbs, impersonal reports."""

    name = "attribution"
    requires = ("doc",)
    assigns = ("claims",)

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, analysis: Analysis) -> None:
        analysis.extraction.claims = find_claims(analysis.parsed, self.language)


__all__ = ["ClaimKind", "SlavicAttributionStage", "find_claims"]

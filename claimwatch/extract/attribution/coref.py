"""Source resolution: pronoun and "the group"-style sources point to the nearest compatible earlier mention.

Reads a parsed ``Doc`` and the claims found in it; writes ``Claim.source.entity`` (a Span of the antecedent).
Compatibility is by number and by person/group/thing class, from entity labels, the head noun and a small
lexicon; earlier claim sources are preferred (a speaker tends to stay the speaker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import Claim, Span
from ...text.sentences import doc_text, noun_chunks_between, sentence_index

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PERSON_NOUNS = frozenset("""
man woman men women person people spokesman spokeswoman spokesperson commander official officer
soldier fighter minister president governor mayor general colonel lieutenant captain sergeant major
head chief leader analyst expert witness resident residents journalist correspondent reporter source
sources representative deputy adviser advisor aide envoy ambassador diplomat member members
politician lawmaker senator prosecutor judge lawyer attorney director secretary chairman chairwoman
activist volunteer volunteers partisan partisans blogger correspondent negotiator negotiators
militant militants rebel rebels veteran medic doctor
""".split())
GROUP_NOUNS = frozenset("""
group unit units battalion brigade regiment division army forces force ministry government
administration agency service services office command staff headquarters committee council movement
legion corps resistance company campaign party organisation organization military navy guard militia
team authorities police channel outlet newspaper agency network detachment formation formations
troops
""".split())
_HE_SHE = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
_THEY = {"they", "them", "their", "theirs", "themselves"}
_IT = {"it", "its", "itself"}
_WE = {"we", "us", "our"}
_LOOKBACK_SENTS = 6
_MAX_PREVIOUS = 12  # earlier sources considered for an anaphor (bounds the work on huge articles)


def resolve_sources(doc: Doc, claims: list[Claim]) -> None:
    previous: list[Span] = []
    resolved: dict[int, Span] = {}  # source mention start -> what it refers to
    for claim in sorted(claims, key=lambda c: c.cue.start if c.cue else c.content.start):
        src = claim.source
        if src is None:
            continue
        span = doc.char_span(src.span.start, src.span.end, alignment_mode="expand")
        if span is None:
            continue
        if _is_relative(span):
            src.entity = _relative_antecedent(doc, span)
        else:
            cls = _anaphor_class(span)
            if cls is not None:
                found = _antecedent(doc, span, cls, previous)
                src.entity = resolved.get(found.start, found) if found is not None else None
        previous.append(src.entity or _core(doc, span))
        resolved[src.span.start] = previous[-1]


def _is_relative(span) -> bool:  # type: ignore[no-untyped-def]
    return len(span) == 1 and span[0].tag_ in ("WP", "WDT") and span[0].head.dep_ in ("relcl", "acl")


def _relative_antecedent(doc: Doc, span) -> Span | None:  # type: ignore[no-untyped-def]
    """'a masked man in the video, who ...': a personal relative pronoun climbs to the person noun."""
    noun = span[0].head.head
    if span[0].lower_ == "who":
        while noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("NOUN", "PROPN") \
                and not _compatible(doc[noun.i: noun.i + 1], "person"):
            noun = noun.head.head
    return _core(doc, doc[noun.i: noun.i + 1]) if noun.pos_ in ("NOUN", "PROPN") else None


_NP_INNER = ("prep", "pobj", "compound", "amod", "nummod", "det", "poss", "case", "nmod")


def _np_end(tok: Token) -> int:
    """One past the last token of ``tok``'s noun phrase, leaving out relative clauses and appositions."""
    end = tok.i + 1
    for child in tok.rights:
        if child.dep_ in _NP_INNER and child.left_edge.i == end:
            end = _np_end(child)
        else:
            break
    return end


def _core(doc: Doc, span) -> Span:  # type: ignore[no-untyped-def]
    """A source mention without its relative clauses and appositions: 'a masked man in the video'."""
    root = span.root
    start = root.left_edge.i
    for child in root.lefts:
        if child.dep_ in ("relcl", "appos", "acl"):
            start = max(start, child.right_edge.i + 1)
    end = _np_end(root)
    return Span.of(doc_text(doc), doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))


def _anaphor_class(span) -> str | None:  # type: ignore[no-untyped-def]
    words = [t.lower_ for t in span if not t.is_punct]
    if len(words) == 1 and words[0] in _HE_SHE:
        return "person"
    if len(words) == 1 and words[0] in _THEY:
        return "plural"
    if len(words) == 1 and words[0] in _IT:
        return "thing"
    if len(words) == 1 and words[0] in _WE:
        return "plural"
    if len(words) == 2 and words[0] in ("the", "this", "that", "these", "those"):
        if words[1] in GROUP_NOUNS:
            return "group"
        if words[1] in PERSON_NOUNS:
            return "person"
    return None


def _antecedent(doc: Doc, anaphor, cls: str, previous: list[Span]) -> Span | None:  # type: ignore[no-untyped-def]
    """Nearest compatible subject or earlier source; else the nearest compatible mention."""
    start = anaphor.start_char
    mentions = _mentions_before(doc, anaphor)
    if len(anaphor) == 2:  # "the ministry": the nearest mention with the same head noun
        head = anaphor.root.lemma_.lower()
        same = [m for m in mentions if (m.root.lemma_.lower() == head or head in m.text.lower().split())
                and _anaphor_class(m) is None]
        same += [doc.char_span(p.start, p.end, alignment_mode="expand") for p in previous[-_MAX_PREVIOUS:]
                 if p.end <= start and head in p.text.lower()]
        same = [m for m in same if m is not None]
        if same:
            return _core(doc, max(same, key=lambda m: m.start_char))
        if cls == "person":
            return None  # "the governor" first met here is not an earlier speaker
    index = sentence_index(doc)
    window = index.sents[max(0, index.position(anaphor.start) - _LOOKBACK_SENTS)].start_char
    salient: list[tuple[int, Span]] = [(p.start, p) for p in previous[-_MAX_PREVIOUS:]
                                       if window <= p.start and p.end <= start and _compatible_text(doc, p, cls)]
    for m in mentions:
        if m.root.dep_ in ("nsubj", "nsubjpass") and m.root.head.dep_ == "ROOT" and m[0].tag_ != "PRP$" \
                and _compatible(m, cls):
            salient.append((m.start_char, _core(doc, m)))
    if salient:
        return max(salient, key=lambda x: x[0])[1]
    for cand in reversed(mentions):
        if _compatible(cand, cls):
            return _core(doc, cand)
    return None


def _mentions_before(doc: Doc, anaphor):  # type: ignore[no-untyped-def]
    index = sentence_index(doc)
    idx = index.position(anaphor.start)
    lo = index.sents[max(0, idx - _LOOKBACK_SENTS)].start
    return [_extend(chunk) for chunk in noun_chunks_between(doc, lo, anaphor.start) if chunk.root.pos_ != "PRON"]


def _extend(chunk):  # type: ignore[no-untyped-def]
    """'a masked man' + 'in the video': include prepositional modifiers of the chunk's head."""
    doc = chunk.doc
    end = chunk.end
    for child in chunk.root.rights:
        if child.dep_ == "prep" and child.i == end and child.right_edge.i - child.i < 6:
            end = child.right_edge.i + 1
    return doc[chunk.start: end]


def _compatible(span, cls: str) -> bool:  # type: ignore[no-untyped-def]
    root: Token = span.root
    ent = root.ent_type_
    head = root.lemma_.lower()
    plural = root.tag_ in ("NNS", "NNPS")
    if cls == "person":
        return (ent == "PERSON" or head in PERSON_NOUNS) and not plural
    if cls == "plural":
        return plural or ent in ("ORG", "NORP") or head in GROUP_NOUNS
    if cls == "group":
        return ent in ("ORG", "NORP") or head in GROUP_NOUNS
    return ent in ("ORG", "GPE", "NORP", "FAC") or head in GROUP_NOUNS or head in ("report", "statement", "video")


def _compatible_text(doc: Doc, span: Span, cls: str) -> bool:
    sp = doc.char_span(span.start, span.end, alignment_mode="expand")
    return sp is not None and len(sp) > 0 and _anaphor_class(sp) is None and _compatible(sp, cls)

"""Source resolution: pronoun and "the group"-style sources point to the nearest compatible earlier mention.

Reads a parsed ``Doc`` and the claims found in it; writes ``Claim.source.entity`` (a Span of the antecedent).
Compatibility is by number and by person/group/thing class, from entity labels, the head noun and a small
lexicon; earlier claim sources are preferred (a speaker tends to stay the speaker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Claim, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PERSON_NOUNS = frozenset("""
man woman men women person people spokesman spokeswoman spokesperson commander official officer soldier
fighter minister president governor mayor general colonel lieutenant captain sergeant major head chief leader
analyst expert witness resident residents journalist correspondent reporter source sources representative
deputy adviser advisor aide envoy ambassador diplomat member members politician lawmaker senator
prosecutor judge lawyer attorney director secretary chairman chairwoman activist volunteer volunteers partisan
partisans blogger correspondent negotiator negotiators militant militants rebel rebels veteran medic doctor
""".split())
GROUP_NOUNS = frozenset("""
group unit units battalion brigade regiment division army forces force ministry government administration
agency service services office command staff headquarters committee council movement legion corps resistance
company campaign party organisation organization military navy guard militia team authorities police
channel outlet newspaper agency network detachment formation formations troops
""".split())
_HE_SHE = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
_THEY = {"they", "them", "their", "theirs", "themselves"}
_IT = {"it", "its", "itself"}
_WE = {"we", "us", "our"}
_LOOKBACK_SENTS = 6


def resolve_sources(doc: Doc, claims: list[Claim]) -> None:
    previous: list[Span] = []
    for claim in sorted(claims, key=lambda c: c.cue.start if c.cue else c.content.start):
        src = claim.source
        if src is None:
            continue
        span = doc.char_span(src.span.start, src.span.end, alignment_mode="expand")
        if span is not None:
            cls = _anaphor_class(span)
            if cls is not None:
                src.entity = _antecedent(doc, span, cls, previous)
        previous.append(src.entity or src.span)


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
    start = anaphor.start_char
    for prev in reversed(previous):
        if prev.end <= start and _compatible_text(doc, prev, cls) and _near(doc, prev.start, start):
            return prev
    for cand in reversed(_mentions_before(doc, anaphor)):
        if _compatible(cand, cls):
            return Span.of(doc.text, cand.start_char, cand.end_char)
    return None


def _near(doc: Doc, a: int, b: int) -> bool:
    return doc.text.count("\n\n", a, b) <= 3


def _mentions_before(doc: Doc, anaphor):  # type: ignore[no-untyped-def]
    first_sent = anaphor.sent
    sents = list(doc.sents)
    idx = next(i for i, s in enumerate(sents) if s.start == first_sent.start)
    lo = sents[max(0, idx - _LOOKBACK_SENTS)].start
    mentions = []
    for chunk in doc[lo: anaphor.start].noun_chunks:
        if chunk.root.pos_ == "PRON":
            continue
        mentions.append(_extend(chunk))
    return mentions


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

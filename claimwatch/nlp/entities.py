"""Entity rules: armed formations and bodies the small English model mislabels ("Kursk Resistance" as
WORK_OF_ART, "99th Battalion" as a date).

Reads tokens; writes ``doc.ents`` entries labelled ORG, placed after ``ner`` so they override it. A single left
scan from a head word ("Resistance", "Legion", "Battalion"...) over title-case or ordinal tokens: linear in the
document, generic for every side (no list of group names to keep up to date).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from ..text.intervals import Cover

if TYPE_CHECKING:
    from spacy.tokens import Doc

GROUP_HEADS = frozenset("""
Resistance Legion Corps Battalion Brigade Regiment Division Army Guard Front Movement Militia
Partisans Detachment Forces Command Ministry Service Directorate Staff Battalions Brigades Regiments
""".split())
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")
_LINKS = frozenset({"of", "for", "de"})
_MAX_LEFT = 6


@Language.component("claimwatch_entities")
def claimwatch_entities(doc: Doc) -> Doc:
    spans = []
    for tok in doc:
        if tok.text in GROUP_HEADS and tok.i > 0:
            start = _left_edge(doc, tok.i)
            if start < tok.i:
                spans.append(SpacySpan(doc, start, tok.i + 1, label="ORG"))
    if spans:
        ours = Cover([(sp.start, sp.end) for sp in spans])
        keep = [e for e in doc.ents if not ours.overlaps(e.start, e.end)]
        doc.ents = filter_spans(keep + spans)
    return doc


def _left_edge(doc: Doc, head: int) -> int:
    """Extend left over 'Freedom of Russia', 'Russian Volunteer', '61st Separate Mechanised'."""
    start = head
    i = head - 1
    while i >= 0 and head - i <= _MAX_LEFT:
        t = doc[i]
        if t.is_title or t.is_upper and len(t) > 1 or _ORDINAL.match(t.text):
            start = i
        elif t.lower_ in _LINKS and i > 0 and (doc[i - 1].is_title or doc[i - 1].is_upper):
            pass  # "Freedom of Russia": keep scanning across the link word
        else:
            break
        i -= 1
    if start < head and doc[start].lower_ in _LINKS:
        start += 1
    if doc[start].is_sent_start and doc[start].lower_ in ("the", "a"):
        start += 1
    return start


def add_entity_ruler(nlp: Language) -> None:
    if "claimwatch_entities" not in nlp.pipe_names:
        nlp.add_pipe("claimwatch_entities", after="ner")

"""Attribution: who claims what. (First cut; being replaced by the full rule set.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Claim, ClaimKind, Source, Span, Status

if TYPE_CHECKING:
    from spacy.tokens import Doc

_CUES = {"say", "state", "declare", "add", "note", "announce", "claim", "assure", "report", "tell"}


def find_claims(doc: Doc) -> list[Claim]:
    text = doc.text
    claims: list[Claim] = []
    for sent in doc.sents:
        found = False
        for tok in sent:
            if tok.pos_ == "VERB" and tok.lemma_ in _CUES:
                subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                comp = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis")]
                if subj and comp:
                    s = subj[0]
                    src = Span.of(text, s.left_edge.idx, s.right_edge.idx + len(s.right_edge))
                    c = comp[0]
                    content = Span.of(text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
                    claims.append(Claim(content=content, kind=ClaimKind.INDIRECT, status=Status.CLAIMED,
                                        source=Source(span=src), cue=Span.of(text, tok.idx, tok.idx + len(tok))))
                    found = True
        if not found and sent.text.strip():
            claims.append(Claim(content=Span.of(text, sent.start_char, sent.end_char), kind=ClaimKind.OUTLET,
                                status=Status.ASSERTED))
    return claims

"""Attribution cues: which tokens signal that content is attributed, and the cue's span (its verb group).

Reads a parsed spaCy ``Doc``; writes :class:`Cue` candidates (head token, token range, kind). Every verb is a
candidate, plus fixed phrases ("according to") and nouns of saying ("in a statement", "his view"); the
attribution stage finds each candidate's source and content, and a learned linear scorer (weights in
``data/cue_model.json``, trained by ``scripts/train_cues.py`` on PolNeAR train) keeps or drops it, from features
of the cue, its arguments and its context. Without the weights file a lexicon fallback is used.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Reporting and stance predicates; the fallback lexicon, and a feature for the learned scorer.
SPEECH = frozenset("""
say tell add note state declare announce claim assure report write tweet post argue insist explain
suggest reply respond answer recall warn acknowledge admit confirm deny reveal indicate predict
conclude complain contend maintain assert allege testify stress emphasize emphasise remark observe
comment concede boast brag joke quip muse wonder ask question mention estimate caution urge charge
accuse tout vow pledge promise threaten repeat reiterate signal disclose agree believe think know
hope fear expect worry doubt proclaim inform notify brief decree rule order demand propose recommend
advise counter retort object protest lament clarify specify describe portray characterize dismiss
reject condemn denounce criticize criticise praise blame slam blast mock dispute call cite refer
point
""".split())
#: Verbs that take their content as a to-infinitive ("plans to ...", "urged X to ...").
INTENT = frozenset("""
want plan hope intend aim seek expect promise vow pledge threaten refuse decline agree offer wish
prefer urge ask order call tell warn encourage demand
""".split())
#: Participles that add a second cue to a sentence: "X said ..., asserting that ...".
PARTICIPLES = frozenset("""
say add assert note claim insist argue warn stress explain state declare announce suggest accuse
call describe deny confirm acknowledge admit vow promise urge blame predict threaten
""".split())
NOUN_CUES = frozenset("""
statement announcement claim comment remark view belief opinion assessment tweet post message speech
warning assertion allegation argument accusation promise pledge vow threat denial admission
""".split())
#: Polls and studies whose findings are attributed to them with "in": "in a new Fox News poll, X leads".
SURVEYS = frozenset("poll survey study report analysis audit census count tally".split())
#: "said in a statement", "wrote in an op-ed": the prepositional phrase belongs to the cue.
MEDIUM_NOUNS = frozenset("""
statement interview post tweet speech release letter email e-mail op-ed memo message briefing
address video broadcast appeal conference column editorial
""".split())


@dataclass(slots=True)
class Cue:
    head: Token
    start: int  #: first token index of the cue span
    end: int  #: one past the last token index
    kind: str  #: verb | according | survey | noun | adj
    score: float = 1.0


def candidates(doc: Doc) -> list[Cue]:
    out: list[Cue] = []
    for i in _maybe_cues(doc):
        tok = doc[i]
        if tok.pos_ == "VERB":
            if tok.lemma_.lower() == "accord" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                out.append(Cue(tok, tok.i, tok.i + 2, "according"))
            else:
                start, end = verb_group(tok)
                out.append(Cue(tok, start, end, "verb"))
        elif tok.lower_ == "in" and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "pobj" and c.lemma_.lower() in SURVEYS for c in tok.children):
            out.append(Cue(tok, tok.i, tok.i + 1, "survey"))  # "X leads by 8 points in a Fox News poll"
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in NOUN_CUES:
            out.append(Cue(tok, tok.i, tok.i + 1, "noun"))
        elif tok.pos_ == "ADJ" and tok.dep_ == "acomp" and tok.head.lemma_ == "be" and any(
                c.dep_ in ("ccomp", "xcomp", "prep") for c in tok.children):
            # "was critical of", "are confident that", "is eager to": stance adjectives
            out.append(Cue(tok, verb_group(tok.head)[0], tok.i + 1, "adj"))
    return out


def _maybe_cues(doc: Doc) -> list[int]:
    """The tokens :func:`candidates` needs to look at, in order: verbs, "in", nouns of saying and adjectives
    complementing a verb (read from the document's arrays, not token by token)."""
    from spacy.attrs import DEP, LEMMA, LOWER, POS
    from spacy.symbols import ADJ, NOUN, VERB

    if len(doc) == 0:
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([POS, DEP, LOWER, LEMMA])
    pos, dep, lower, lemma = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    nouns = pos == NOUN
    saying = [h for h in np.unique(lemma[nouns]).tolist() if strings[h].lower() in NOUN_CUES]
    mask = (pos == VERB) | (lower == strings["in"]) | (nouns & np.isin(lemma, saying)) \
        | ((pos == ADJ) & (dep == strings["acomp"]))
    return np.flatnonzero(mask).tolist()


def verb_group(head: Token) -> tuple[int, int]:
    """Token range of the verb group around ``head``: auxiliaries, negation, adjacent adverbs, particles,
    "in a statement"-style media and a colon introducing the content."""
    doc = head.doc
    start = head.i
    left = {c.i: c for c in head.lefts}
    while start - 1 in left and left[start - 1].dep_ in ("aux", "auxpass", "neg", "advmod") \
            and left[start - 1].tag_ not in ("WRB", "WDT", "WP"):
        start -= 1
    end = head.i + 1
    rights = {c.i: c for c in head.rights}
    while end in rights and rights[end].dep_ == "prt":
        end += 1
    lemma = head.lemma_.lower()
    if lemma in ("make", "put") and end in rights:
        # "made (it) clear that ...", "as she put it"
        nxt = rights[end]
        if nxt.lower_ == "it" and end + 1 < len(doc) and doc[end + 1].lower_ in ("clear", "plain"):
            end += 2
        elif nxt.lower_ in ("clear", "plain") or (lemma == "put" and nxt.lower_ == "it"):
            end += 1
    if end in rights and rights[end].dep_ == "prep" and rights[end].lower_ == "in":
        pobj = next((c for c in rights[end].children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.lemma_.lower() in MEDIUM_NOUNS and pobj.right_edge.i == pobj.i:
            end = pobj.i + 1
    if end < len(doc) and doc[end].text == ":":
        end += 1
    return start, end


# ------------------------------------------------------------------------------------------ scoring


def features(cue: Cue, rule: str, source: Token | None, in_quote: bool, adjacent_quote: bool,
             content_chars: int) -> list[str]:
    """Sparse binary features of a candidate cue with the arguments the rules found for it."""
    h = cue.head
    doc = h.doc
    lemma = h.lemma_.lower()
    subj = "none" if source is None else (source.pos_ if source.ent_type_ == "" else source.ent_type_)
    clen = "s" if content_chars < 25 else ("m" if content_chars < 80 else "l")
    f = [
        "bias", f"l={lemma}", f"k={cue.kind}", f"tag={h.tag_}", f"dep={h.dep_}", f"hdep={h.head.dep_}",
        f"rule={rule}", f"l|rule={lemma}|{rule}", f"subj={subj}", f"l|subj={lemma}|{subj}",
        f"l|dep={lemma}|{h.dep_}", f"hl={h.head.lemma_.lower()}|{h.dep_}", f"tag|rule={h.tag_}|{rule}",
        f"q={int(in_quote)}{int(adjacent_quote)}", f"l|q={lemma}|{int(adjacent_quote)}",
        f"clen={clen}", f"rule|clen={rule}|{clen}", f"l|clen={lemma}|{clen}", f"l|tag={lemma}|{h.tag_}",
        f"hl|l={h.head.lemma_.lower()}|{lemma}",
    ]
    if cue.start > 0 and doc[cue.start - 1].is_punct:
        f.append(f"prev={doc[cue.start - 1].text}")
    if cue.end < len(doc) and doc[cue.end].is_punct:
        f.append(f"next={doc[cue.end].text}")
    for c in h.children:
        f.append(f"c={c.dep_}")
        f.append(f"l|c={lemma}|{c.dep_}")
        if c.dep_ in ("prep", "prt", "mark", "neg", "aux"):
            f.append(f"c={c.dep_}:{c.lower_}")
            f.append(f"l|c={lemma}|{c.dep_}:{c.lower_}")
    if lemma in SPEECH:
        f.append("lex=speech")
    if lemma in INTENT:
        f.append("lex=intent")
    if source is not None:
        f.append(f"subj_dep={source.dep_}")
        f.append(f"subj_tag={source.tag_}")
        if source.pos_ == "PRON":
            f.append(f"subj_l={source.lower_}")
        f.append(f"subj_head={source.lemma_.lower()}")
    return f


@dataclass(frozen=True, slots=True)
class CueModel:
    weights: dict[str, float]
    threshold: float

    def logit(self, feats: list[str]) -> float:
        """The log-odds that the candidate with features ``feats`` is a cue; a feature listed twice (two
        children with one relation) counts once, as in training."""
        return sum(self.weights.get(x, 0.0) for x in dict.fromkeys(feats))

    def score(self, feats: list[str]) -> float:
        """The probability that the candidate with features ``feats`` is a cue."""
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(feats)))))


def logit(p: float) -> float:
    """The log-odds of probability ``p`` (0 < p < 1)."""
    return math.log(p / (1.0 - p))


@lru_cache(maxsize=1)
def load_model() -> CueModel | None:
    """The trained scorer shipped in the package, or None (lexicon fallback) when absent."""
    path = resources.files("claimwatch").joinpath("data/cue_model.json")
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return CueModel(weights=data["weights"], threshold=float(data["threshold"]))


def fallback_score(cue: Cue, rule: str) -> float:
    lemma = cue.head.lemma_.lower()
    if cue.kind in ("according", "survey"):
        return 1.0
    if lemma in SPEECH and rule in ("ccomp", "inverted", "quote", "colon"):
        return 0.9
    if lemma in INTENT and rule == "xcomp":
        return 0.7
    return 0.0

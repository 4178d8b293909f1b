"""Where an attributed content ends: the parse subtree, cut before a trailing aside, or stretched over a
constituent the parser hung on the cue instead.

Reads a parsed ``Doc``, a content piece (character offsets) and its cue; writes nothing: :func:`choose_end`
returns the end offset a learned linear ranker (``data/content_end_model.json``, a conditional logit trained by
``scripts/train_boundaries.py`` on PolNeAR train) prefers among the candidates, or the piece's own end when the
weights are missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ...text.sentences import doc_text, sentence_index
from .cues import SPEECH
from .quotes import quotes_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .cues import Cue

_MAX_CANDIDATES = 12
_INNER_DEPS = frozenset({"punct", "det", "compound", "amod", "poss", "case", "nummod", "aux", "neg", "auxpass"})


@dataclass(frozen=True, slots=True)
class EndCandidate:
    end: int  #: character offset
    features: tuple[str, ...]


def candidates(doc: Doc, start: int, end: int, cue: Cue, rule: str) -> list[EndCandidate]:
    """The piece's own end, ends that drop a trailing constituent, ends that take in the next one."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return [EndCandidate(end, ("full", f"rule={rule}"))]
    base = ("bias", f"rule={rule}", f"cue={cue.head.lemma_.lower()}|{rule}")
    out = [EndCandidate(end, (*base, "full", f"full|rule={rule}", f"full|len={_bucket(len(span))}"))]
    out += _cuts(doc, span, base)
    out += _extensions(doc, span, cue, base)
    return out[:_MAX_CANDIDATES]


def _cuts(doc: Doc, span, base: tuple[str, ...]) -> list[EndCandidate]:  # type: ignore[no-untyped-def]
    """Ends before a constituent that closes the piece: ", which ...", "— though ...", "and questioned ..."."""
    last = span[-1].i
    while last > span.start and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    out = []
    seen: set[int] = set()
    for tok in span[1:]:
        left = tok.left_edge
        if tok.right_edge.i < last or tok.head.i < span.start or tok.head.i >= span.end or tok.head.i == tok.i:
            continue
        if left.i <= span.start or left.i in seen or tok.dep_ in _INNER_DEPS:
            continue
        seen.add(left.i)
        cut = doc[left.i - 1]
        while cut.i > span.start and (cut.is_punct or cut.is_space):
            cut = doc[cut.i - 1]
        if cut.i <= span.start:
            continue
        prev = doc[left.i - 1].text if doc[left.i - 1].is_punct else "-"
        removed = last - left.i + 1
        out.append(EndCandidate(cut.idx + len(cut), (
            *base, "cut", f"cut|dep={tok.dep_}", f"cut|tag={tok.tag_}", f"cut|w={_word(tok)}", f"cut|prev={prev}",
            f"cut|dep|prev={tok.dep_}|{prev}", f"cut|hdep={tok.head.dep_}", f"cut|rm={_bucket(removed)}",
            f"cut|w|prev={_word(left)}|{prev}", f"cut|dep|w={tok.dep_}|{_word(left)}", f"cut|lw={_word(left)}",
            f"cut|frac={_fraction(removed, last - span.start + 1)}", f"cut|cue={base[2]}|{tok.dep_}",
            f"cut|speech={int(tok.lemma_.lower() in SPEECH)}|{tok.dep_}", f"cut|quoted={int(_quoted(doc, tok))}")))
    return out


def _extensions(doc: Doc, span, cue: Cue, base: tuple[str, ...]) -> list[EndCandidate]:  # type: ignore[no-untyped-def]
    """Ends after a constituent right of the piece that the parser attached to the cue or its clause."""
    sent = sentence_index(doc).of(cue.head.i)
    out = []
    for tok in cue.head.rights:
        if tok.i < span.end or tok.i >= sent.end or tok.dep_ in ("punct", "cc"):
            continue
        right = tok.right_edge
        while right.i > tok.i and (right.is_punct or right.is_space):
            right = doc[right.i - 1]
        prev = doc[tok.left_edge.i - 1].text if doc[tok.left_edge.i - 1].is_punct else "-"
        added = right.i - span.end + 1
        out.append(EndCandidate(right.idx + len(right), (
            *base, "ext", f"ext|dep={tok.dep_}", f"ext|w={_word(tok.left_edge)}", f"ext|prev={prev}",
            f"ext|dep|prev={tok.dep_}|{prev}", f"ext|add={_bucket(added)}", f"ext|dep|w={tok.dep_}|{_word(tok.left_edge)}")))
    return out


def _fraction(part: int, whole: int) -> str:
    share = part / max(1, whole)
    return "<0.2" if share < 0.2 else "<0.5" if share < 0.5 else ">=0.5"


def _quoted(doc: Doc, tok: Token) -> bool:
    return quotes_of(doc).inside(tok.idx)


def _word(tok: Token) -> str:
    return tok.lower_ if tok.is_stop or tok.is_punct else tok.pos_


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9+"


@dataclass(frozen=True, slots=True)
class EndModel:
    weights: dict[str, float]

    def score(self, feats: tuple[str, ...]) -> float:
        """A repeated feature counts once, as in training."""
        return sum(self.weights.get(f, 0.0) for f in dict.fromkeys(feats))


@lru_cache(maxsize=1)
def load_model() -> EndModel | None:
    path = resources.files("claimwatch").joinpath("data/content_end_model.json")
    if not path.is_file():
        return None
    return EndModel(json.loads(path.read_text("utf-8"))["weights"])


def choose_end(doc: Doc, start: int, end: int, cue: Cue, rule: str) -> int:
    """The end for the content piece ``[start, end)``: the candidate the ranker scores best (a softmax over the
    candidates in training), its own end without a model or on a tie."""
    model = load_model()
    if model is None:
        return end
    cands = candidates(doc, start, end, cue, rule)
    best, best_score = end, model.score(cands[0].features)
    for cand in cands[1:]:
        score = model.score(cand.features)
        if score > best_score and doc_text(doc)[start:cand.end].strip():
            best, best_score = cand.end, score
    return best

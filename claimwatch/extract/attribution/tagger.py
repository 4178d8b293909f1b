"""A learned source/content tagger: a linear-chain CRF that relabels the tokens around an accepted cue.

Reads a parsed ``Doc``, a cue and the source and content the rules in :mod:`.claims` found for it; writes
nothing: :func:`retag` returns the source span and content pieces the tagger prefers, decoded (Viterbi) from
the weights in ``data/attribution_tagger.json`` (trained by ``scripts/train_tagger.py`` on PolNeAR train).
Each token of a window (the cue's sentence, stretched over the rules' spans) gets one of ``O``, ``B-S``/``I-S``
(source) and ``B-C``/``I-C`` (content), from features of the token, its place in the parse relative to the cue,
the quotation marks, and the rules' own proposal. Without the weights file the rules' spans are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING

from ...text.sentences import doc_text, sentence_index
from .quotes import Quotes
from .spans import trim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .cues import Cue

LABELS = ("O", "B-S", "I-S", "B-C", "I-C")
_MAX_WINDOW = 160  #: tokens
_OUTSIDE = 12  #: tokens of context kept on each side of a window stretched past the sentence


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the rules found for one cue: the tagger's input besides the parse."""

    cue: Cue
    rule: str
    source: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Window:
    start: int  #: first token index
    end: int  #: one past the last


def window(doc: Doc, prop: Proposal) -> Window:
    """The cue's sentence, stretched over the rules' source and content (capped at ``_MAX_WINDOW`` tokens)."""
    sent = sentence_index(doc).of(prop.cue.head.i)
    lo, hi = sent.start, sent.end
    chars = [*prop.content, *([prop.source] if prop.source else [])]
    for s, e in chars:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            lo, hi = min(lo, span.start), max(hi, span.end)
    if hi - lo > _MAX_WINDOW:
        lo = max(lo, prop.cue.start - _MAX_WINDOW // 2)
        hi = min(hi, lo + _MAX_WINDOW)
    return Window(lo, hi)


def features(doc: Doc, prop: Proposal, win: Window, quotes: Quotes, with_rules: bool = True) -> list[list[str]]:
    """Sparse string features of every token of ``win``."""
    cue = prop.cue
    head = cue.head
    lemma = head.lemma_.lower()
    sents = sentence_index(doc)
    cue_sent = sents.position(head.i)
    out = []
    for i in range(win.start, win.end):
        tok = doc[i]
        f = _token(tok, "")
        f += _context(doc, i)
        rel = "C" if cue.start <= i < cue.end else ("L" if i < cue.start else "R")
        dist = _bucket(cue.start - i if rel == "L" else i - cue.end + 1 if rel == "R" else 0)
        branch = _branch(tok, head)
        sent_rel = sents.position(i) - cue_sent
        qin = int(quotes.inside(tok.idx))
        f += [f"rel={rel}", f"rel|d={rel}|{dist}", f"br={branch}", f"br|rel={branch}|{rel}",
              f"sent={max(-1, min(1, sent_rel))}", f"q={qin}", f"q|rel={qin}|{rel}", f"k={cue.kind}",
              f"l|rel={lemma}|{rel}", f"l|br={lemma}|{branch}", f"dep|br={tok.dep_}|{branch}",
              f"hd={tok.head.dep_}|{tok.dep_}", f"ent={tok.ent_iob_}{tok.ent_type_}",
              f"lefts={_bucket(tok.n_lefts)}", f"istop={int(tok.i == tok.head.i)}"]
        if with_rules:
            f += _rule_features(tok, prop)
        out.append(f)
    return out


def _token(tok: Token, prefix: str) -> list[str]:
    word = tok.lower_ if tok.is_stop or tok.is_punct else tok.pos_
    return [f"{prefix}w={word}", f"{prefix}pos={tok.pos_}", f"{prefix}tag={tok.tag_}", f"{prefix}dep={tok.dep_}"]


def _context(doc: Doc, i: int) -> list[str]:
    out = []
    for off, name in ((-1, "p"), (1, "n"), (-2, "pp"), (2, "nn")):
        j = i + off
        if 0 <= j < len(doc):
            t = doc[j]
            out.append(f"{name}w={t.lower_ if t.is_punct or t.is_stop else t.pos_}")
            if abs(off) == 1:
                out.append(f"{name}dep={t.dep_}")
                out.append(f"{name}nl={int(_newline_between(doc, min(i, j)))}")
        else:
            out.append(f"{name}w=<edge>")
    return out


def _newline_between(doc: Doc, i: int) -> bool:
    """A line break after token ``i`` (in its trailing whitespace or as the next, space token)."""
    return "\n" in doc[i].whitespace_ or (i + 1 < len(doc) and doc[i + 1].is_space and "\n" in doc[i + 1].text)


def _branch(tok: Token, head: Token) -> str:
    """How ``tok`` hangs relative to the cue's head: under which of its children, or above it."""
    if tok.i == head.i:
        return "head"
    node = tok
    for _ in range(40):
        if node.head.i == head.i:
            return f"c:{node.dep_}"
        if node.head.i == node.i:
            break
        node = node.head
    if head.head.i != head.i and tok.i != head.head.i:
        node = tok
        for _ in range(40):
            if node.head.i == head.head.i:
                return f"s:{node.dep_}"
            if node.head.i == node.i:
                break
            node = node.head
    return "gov" if tok.i == head.head.i else "out"


def _rule_features(tok: Token, prop: Proposal) -> list[str]:
    lo, hi = tok.idx, tok.idx + len(tok)
    content = next((p for p in prop.content if p[0] <= lo and hi <= p[1]), None)
    src = prop.source is not None and prop.source[0] <= lo and hi <= prop.source[1]
    out = [f"rc={int(content is not None)}", f"rc|r={int(content is not None)}|{prop.rule}", f"rs={int(src)}"]
    if content is not None:
        if lo == content[0] or not doc_text(tok.doc)[content[0]:lo].strip():
            out.append("rc_first")
        if hi == content[1]:
            out.append("rc_last")
            out.append(f"rc_last|r={prop.rule}")
    if prop.source is not None and src and lo == prop.source[0]:
        out.append("rs_first")
    return out


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"


# --------------------------------------------------------------------------------------------- labels


def decode_spans(doc: Doc, win: Window, labels: list[str]) -> tuple[tuple[int, int] | None,
                                                                 list[tuple[int, int]]]:
    """Character spans of the source (its longest run) and of the content pieces a label sequence marks."""
    runs: dict[str, list[tuple[int, int]]] = {"S": [], "C": []}
    cur: tuple[str, int] | None = None
    for k, lab in enumerate([*labels, "O"]):
        role = lab[2:] if lab != "O" else ""
        if cur is not None and (lab == "O" or lab.startswith("B-") or role != cur[0]):
            runs[cur[0]].append((win.start + cur[1], win.start + k))
            cur = None
        if lab != "O" and cur is None:
            cur = (role, k)
    text = doc_text(doc)

    def chars(run: tuple[int, int]) -> tuple[int, int]:
        last = doc[run[1] - 1]
        return trim(text, doc[run[0]].idx, last.idx + len(last))

    source = chars(max(runs["S"], key=lambda r: r[1] - r[0])) if runs["S"] else None
    return source, [c for c in (chars(r) for r in runs["C"]) if c[1] > c[0]]


def gold_labels(doc: Doc, win: Window, source: tuple[tuple[int, int], ...] | None,
                content: tuple[tuple[int, int], ...]) -> list[str]:
    """Training labels: a token takes the role of the gold piece its characters lie in."""
    out = []
    prev: tuple[str, int] | None = None
    for i in range(win.start, win.end):
        tok = doc[i]
        lo, hi = tok.idx, tok.idx + len(tok)
        lab = "O"
        for role, pieces in (("S", source or ()), ("C", content)):
            k = next((n for n, p in enumerate(pieces) if p[0] <= lo and hi <= p[1]), None)
            if k is not None:
                lab = f"I-{role}" if prev == (role, k) else f"B-{role}"
                prev = (role, k)
                break
        else:
            prev = None
        out.append(lab)
    return out


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class TaggerModel:
    """CRF weights: ``state[feature][label]`` and ``trans[from][to]`` over :data:`LABELS`, and per role the
    log-odds margin by which the tagger's best labelling must beat the rules' labelling to replace their span
    (None: that role keeps the rules' span)."""

    state: dict[str, list[float]]
    trans: list[list[float]]
    with_rules: bool
    margins: dict[str, float | None]

    def emissions(self, feats: list[list[str]]) -> list[list[float]]:
        zero = [0.0] * len(LABELS)
        out = []
        for f in feats:
            row = [0.0] * len(LABELS)
            for name in f:
                for k, w in enumerate(self.state.get(name, zero)):
                    row[k] += w
            out.append(row)
        return out

    def score(self, emit: list[list[float]], labels: list[str]) -> float:
        """The unnormalised log score of one labelling."""
        ks = [LABELS.index(lab) for lab in labels]
        return sum(row[k] for row, k in zip(emit, ks)) + sum(self.trans[a][b] for a, b in pairwise(ks))

    def decode(self, emit: list[list[float]]) -> list[str]:
        """The best labelling (Viterbi)."""
        if not emit:
            return []
        n = len(LABELS)
        score = emit[0]
        back: list[list[int]] = []
        for row in emit[1:]:
            best = [max(range(n), key=lambda a, b=b: score[a] + self.trans[a][b]) for b in range(n)]  # type: ignore[misc]
            score = [score[best[b]] + self.trans[best[b]][b] + row[b] for b in range(n)]
            back.append(best)
        path = [max(range(n), key=lambda b: score[b])]
        for best in reversed(back):
            path.append(best[path[-1]])
        return [LABELS[k] for k in reversed(path)]


@lru_cache(maxsize=4)
def load_model(name: str = "attribution_tagger.json") -> TaggerModel | None:
    """A tagger shipped in ``claimwatch/data`` (loaded once), or None when the weights file is missing."""
    path = resources.files("claimwatch").joinpath(f"data/{name}")
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return TaggerModel(state=data["state"], trans=data["trans"], with_rules=bool(data["with_rules"]),
                       margins=dict(data["combine"]))


@dataclass(frozen=True, slots=True)
class Retagged:
    """The tagger's source and content where they replace the rules' (None: keep the rules' span)."""

    source: tuple[int, int] | None
    replace_source: bool
    content: list[tuple[int, int]] | None


def retag(doc: Doc, prop: Proposal, quotes: Quotes, model: TaggerModel) -> Retagged:
    """The tagger's spans around ``prop``'s cue, for each role whose margin over the rules' labelling is met."""
    win = window(doc, prop)
    emit = model.emissions(features(doc, prop, win, quotes, model.with_rules))
    best = model.decode(emit)
    ruled = gold_labels(doc, win, (prop.source,) if prop.source else None, prop.content)
    if best == ruled:
        return Retagged(None, False, None)
    margin = model.score(emit, best) - model.score(emit, ruled)
    source, content = decode_spans(doc, win, best)
    take = {role: t is not None and margin > t for role, t in model.margins.items()}
    return Retagged(source, take.get("source", False), content if take.get("content", False) and content else None)

"""A learned source/content tagger: a linear-chain CRF that relabels the tokens around an accepted cue.

Reads a parsed ``Doc``, a cue and the source and content the rules in :mod:`.claims` found for it; writes
nothing: :func:`retag` returns the source span and content pieces the tagger prefers, decoded (Viterbi) from
the weights in ``data/attribution_tagger.json`` (trained by ``scripts/train_tagger.py`` on PolNeAR train).
Each token of a window (the cue's sentence, stretched over the rules' spans) gets one of ``O``, ``B-S``/``I-S``
(source) and ``B-C``/``I-C`` (content), from features of the token, its place in the parse relative to the cue,
the quotation marks, and the rules' own proposal. Without the weights file the rules' spans are kept.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ...text.sentences import doc_text, sentence_index
from .quotes import Quotes
from .spans import trim

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .cues import Cue

LABELS = ("O", "B-S", "I-S", "B-C", "I-C")
_MAX_WINDOW = 160  #: tokens
_OUTSIDE = 12  #: tokens of context kept on each side of a window stretched past the sentence
_MEMO_MAX = 200_000  #: feature values a model keeps looked up, per template (cleared when full)


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
    table = _table(doc)
    return [[*table.static(i), *f] for i, f in zip(range(win.start, win.end),
                                                        cue_features(doc, prop, win, quotes, with_rules))]


def cue_features(doc: Doc, prop: Proposal, win: Window, quotes: Quotes, with_rules: bool = True
                 ) -> list[list[str]]:
    """The features of every token of ``win`` that depend on the cue (the rest: :meth:`_Table.static`)."""
    return [_key_features(key) for key in _cue_keys(doc, prop, win, quotes, with_rules)]


#: What the cue-dependent features of one token are made of (:func:`_key_features` spells them out): its place
#: relative to the cue, the cue's lemma and kind, the token's relation and word and, with the rules, the rules'
#: proposal around it. Tokens with the same place (the first eight) or the same rules' part have the same
#: features there, so a model looks those feature rows up once (:meth:`TaggerModel.cue_emissions`).
_CueKey = tuple[str, str, str, int, int, str, str, str, str, "tuple[object, ...] | None"]


def _cue_keys(doc: Doc, prop: Proposal, win: Window, quotes: Quotes, with_rules: bool) -> list[_CueKey]:
    cue = prop.cue
    h = cue.head.i
    lemma = cue.head.lemma_.lower()
    table = _table(doc)
    cue_sent = sentence_index(doc).of(h)
    idx, ends, words, deps = table.idx, table.ends, table.words, table.deps
    content, source = prop.content, prop.source
    text = doc_text(doc) if with_rules else ""
    n = len(idx)
    lo, hi = max(0, win.start - 1), min(n, win.end + 1)  # the window and a token either side

    def pieces_of(pieces: tuple[tuple[int, int], ...]) -> list[tuple[int, int] | None]:
        """For each token from ``lo`` to ``hi``, the first of ``pieces`` that holds its characters, if any."""
        got: list[tuple[int, int] | None] = [None] * (hi - lo)
        for p in pieces:
            for i in range(bisect.bisect_left(idx, p[0], lo, hi), bisect.bisect_right(ends, p[1], lo, hi)):
                if got[i - lo] is None:
                    got[i - lo] = p
        return got

    in_content = pieces_of(content) if with_rules else []
    in_source = pieces_of((source,)) if with_rules and source is not None else [None] * (hi - lo)
    out: list[_CueKey] = []
    for i in range(win.start, win.end):
        rel = "C" if cue.start <= i < cue.end else ("L" if i < cue.start else "R")
        dist = _bucket(cue.start - i if rel == "L" else i - cue.end + 1 if rel == "R" else 0)
        branch = _branch(table, i, h)
        sent_rel = -1 if i < cue_sent.start else 1 if i >= cue_sent.end else 0
        qin = int(quotes.inside(idx[i]))
        rules: tuple[object, ...] | None = None
        if with_rules:
            k = i - lo
            got = in_content[k]
            src = in_source[k] is not None
            if got is not None:
                first = idx[i] == got[0] or not text[got[0]:idx[i]].strip()
                rules = (True, prop.rule, src, first, ends[i] == got[1])
            else:
                after = i > 0 and in_content[k - 1] is not None
                before = i + 1 < n and in_content[k + 1] is not None
                rules = (False, prop.rule, src, after, before)
            if source is not None:
                rules += (src and idx[i] == source[0], not src and i > 0 and in_source[k - 1] is not None)
        out.append((rel, dist, branch, sent_rel, qin, cue.kind, lemma, deps[i], words[i], rules))
    return out


def _key_features(key: _CueKey) -> list[str]:
    rel, dist, branch, sent_rel, qin, kind, lemma, dep, word, rules = key
    f = [f"rel={rel}", f"rel|d={rel}|{dist}", f"br={branch}",
         f"br|rel={branch}|{rel}", f"sent={sent_rel}", f"q={qin}", f"q|rel={qin}|{rel}",
         f"k={kind}", f"l|rel={lemma}|{rel}", f"l|br={lemma}|{branch}",
         f"dep|br={dep}|{branch}"]
    if rules is not None:
        f += _rule_features(rules, word, dep, branch)
    return f


_PLACE_FEATURES = 11  #: the features of :func:`_key_features` before the rules' own
_RULE_SLOTS = 17  #: the rules' feature templates (:func:`_rule_slots`)


@dataclass(slots=True)
class _Table:
    """Per-document arrays the features read many times (spaCy builds a new ``Token`` on every access)."""

    heads: list[int]
    deps: list[str]
    idx: list[int]
    ends: list[int]  #: one past the token's last character
    words: list[str]  #: the lower-cased word for stop words and punctuation, else the part of speech
    breaks: list[bool]  #: a line break after the token
    pos: list[str]
    tags: list[str]
    ents: list[str]  #: IOB mark and entity type
    lefts: list[str]  #: the bucketed number of left children
    rows: dict[int, np.ndarray]  #: id of a model -> the static features' label weights of every token

    def static(self, i: int) -> list[str]:
        """The cue-independent features of token ``i``."""
        return [f"w={self.words[i]}", f"pos={self.pos[i]}", f"tag={self.tags[i]}", f"dep={self.deps[i]}",
                *self.context(i), f"hd={self.deps[self.heads[i]]}|{self.deps[i]}",
                f"ent={self.ents[i]}", f"lefts={self.lefts[i]}", f"istop={int(self.heads[i] == i)}"]

    def context(self, i: int) -> list[str]:
        """The neighbours' words, the adjacent ones' relations and line breaks."""
        out = []
        for off, name in ((-1, "p"), (1, "n"), (-2, "pp"), (2, "nn")):
            j = i + off
            if 0 <= j < len(self.words):
                out.append(f"{name}w={self.words[j]}")
                if abs(off) == 1:
                    out.append(f"{name}dep={self.deps[j]}")
                    out.append(f"{name}nl={int(self.breaks[min(i, j)])}")
            else:
                out.append(f"{name}w=<edge>")
        return out

    def columns(self) -> list[tuple[str, list[object]]]:
        """:meth:`static` of every token as one column per feature template, in :meth:`static`'s order: the
        template's prefix and each token's value (None where the token has no such feature)."""
        n = len(self.words)
        words, deps, breaks = self.words, self.deps, self.breaks
        edge: list[object] = ["<edge>"]

        def shifted(values: list[str], off: int, missing: list[object]) -> list[object]:
            if off < 0:
                return [*missing * min(-off, n), *values[:max(0, n + off)]]
            return [*values[off:], *missing * min(off, n)]

        nl: list[object] = [int(b) for b in breaks]
        return [("w=", list(words)), ("pos=", list(self.pos)), ("tag=", list(self.tags)), ("dep=", list(deps)),
                ("pw=", shifted(words, -1, edge)), ("pdep=", shifted(deps, -1, [None])),
                ("pnl=", shifted(nl, -1, [None])),  # type: ignore[arg-type]
                ("nw=", shifted(words, 1, edge)), ("ndep=", shifted(deps, 1, [None])),
                ("nnl=", [*nl[:max(0, n - 1)], *[None] * min(1, n)]),
                ("ppw=", shifted(words, -2, edge)), ("nnw=", shifted(words, 2, edge)),
                ("hd=", [f"{deps[h]}|{d}" for h, d in zip(self.heads, deps)]), ("ent=", list(self.ents)),
                ("lefts=", list(self.lefts)), ("istop=", [int(h == i) for i, h in enumerate(self.heads)])]


_TABLE_KEY = "claimwatch.tagger"


def _table(doc: Doc) -> _Table:
    table = doc.user_data.get(_TABLE_KEY)
    if table is None:
        table = _build_table(doc)
        doc.user_data[_TABLE_KEY] = table
    return table


def _build_table(doc: Doc) -> _Table:
    """The table from spaCy's attribute arrays (one call per attribute, no ``Token`` objects)."""
    from spacy.attrs import (
        DEP,
        ENT_IOB,
        ENT_TYPE,
        HEAD,
        IDX,
        IS_PUNCT,
        IS_STOP,
        LENGTH,
        LOWER,
        POS,
        SPACY,
        TAG,
    )

    n = len(doc)
    strings = doc.vocab.strings
    arr = doc.to_array([HEAD, DEP, IDX, LENGTH, LOWER, IS_STOP, IS_PUNCT, POS, TAG, ENT_IOB, ENT_TYPE, SPACY])

    def small(k: int) -> list[int]:  # offsets, lengths and flags: cheap to read as signed integers
        return arr[:, k].astype(np.int64).tolist()

    def named(k: int) -> list[str]:  # hashes: each distinct one looked up once
        values, inverse = np.unique(arr[:, k], return_inverse=True)
        names = [strings[int(v)] if v else "" for v in values]
        return [names[j] for j in inverse.reshape(-1).tolist()]

    heads = [i + rel for i, rel in enumerate(small(0))]
    idx = small(2)
    ends = [i + k for i, k in zip(idx, small(3))]
    pos = named(7)
    text = doc_text(doc)
    words = [w if stop or punct else p for w, stop, punct, p in zip(named(4), small(5), small(6), pos)]
    breaks = [bool(sp) and text[e:e + 1] == "\n" for sp, e in zip(small(11), ends)]
    for i in range(n - 1):
        if not breaks[i] and words[i + 1] == "SPACE" and "\n" in text[idx[i + 1]:ends[i + 1]]:
            breaks[i] = True
    lefts = [0] * n
    for j, h in enumerate(heads):
        if j < h:
            lefts[h] += 1
    iob = ("", "I", "O", "B")
    return _Table(heads, named(1), idx, ends, words, breaks, pos, named(8),
                  [f"{iob[b]}{t}" for b, t in zip(small(9), named(10))], [_bucket(k) for k in lefts], {})


def _branch(table: _Table, i: int, h: int) -> str:
    """How token ``i`` hangs relative to the cue's head ``h``: under which of its children, or above it."""
    heads, deps = table.heads, table.deps
    if i == h:
        return "head"
    found = _child_of(heads, i, h)
    if found is not None:
        return f"c:{deps[found]}"
    gov = heads[h]
    if gov != h and i != gov:
        found = _child_of(heads, i, gov)
        if found is not None:
            return f"s:{deps[found]}"
    return "gov" if i == gov else "out"


def _child_of(heads: list[int], i: int, top: int) -> int | None:
    """The child of ``top`` on the path from ``i`` up to the root, if that path passes ``top``."""
    node = i
    for _ in range(40):
        if heads[node] == top:
            return node
        if heads[node] == node:
            return None
        node = heads[node]
    return None


def _rule_features(rules: tuple[object, ...], word: str, dep: str, branch: str) -> list[str]:
    """The rules' proposal as features: inside their content or source, at its edges, or just outside them."""
    return [f for f in _rule_slots(rules, word, dep, branch) if f is not None]


def _rule_slots(rules: tuple[object, ...], word: str, dep: str, branch: str) -> list[str | None]:
    """:func:`_rule_features` with a place for each of the :data:`_RULE_SLOTS` templates (None: absent)."""
    inside, rule, src = rules[0], rules[1], rules[2]
    rc = int(bool(inside))
    last = bool(inside) and bool(rules[4])
    after = not inside and bool(rules[3])
    before = not inside and bool(rules[4])
    rs_first = len(rules) > 5 and bool(rules[5])
    rs_after = len(rules) > 5 and bool(rules[6])
    return [f"rc={rc}", f"rc|r={rc}|{rule}", f"rs={int(bool(src))}", f"rc|w={rc}|{word}", f"rc|br={rc}|{branch}",
            "rc_first" if inside and rules[3] else None,
            "rc_last" if last else None, f"rc_last|r={rule}" if last else None, f"rc_last|w={word}" if last else None,
            f"rc_after|w={word}" if after else None, f"rc_after|dep={dep}" if after else None,
            f"rc_after|r={rule}|{word}" if after else None,
            f"rc_before|w={word}" if before else None, f"rc_before|r={rule}|{word}" if before else None,
            "rs_first" if rs_first else None,
            f"rs_after|w={word}" if rs_after else None, f"rs_after|dep={dep}" if rs_after else None]


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
    table = _table(doc)
    idx, ends = table.idx, table.ends
    out = []
    prev: tuple[str, int] | None = None
    for i in range(win.start, win.end):
        lo, hi = idx[i], ends[i]
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
    """CRF weights: a row of per-label weights for each known feature (``index`` names the rows) and the
    ``trans[from, to]`` weights over :data:`LABELS`; per role, the log-odds margin by which the tagger's best
    labelling must beat the rules' labelling to replace their span (None: that role keeps the rules' span)."""

    index: dict[str, int]
    weights: np.ndarray
    trans: np.ndarray
    with_rules: bool
    margins: dict[str, float | None]
    #: per static feature template, each value's feature row (-1: none); and the rows of the cue-dependent
    #: features per place key and per rules key (:meth:`cue_emissions`): lookups kept for the model's lifetime
    columns: dict[str, dict[object, int]] = field(init=False, compare=False, repr=False)
    keyed: dict[str, dict[tuple[object, ...], tuple[int, ...]]] = field(init=False, compare=False, repr=False)
    padded: np.ndarray = field(init=False, compare=False, repr=False)  #: the weights and a zero row (row -1)

    def __post_init__(self) -> None:  # fresh lookups for every model, also one made by dataclasses.replace
        object.__setattr__(self, "columns", {})
        object.__setattr__(self, "keyed", {})
        object.__setattr__(self, "padded", np.vstack([self.weights, np.zeros((1, len(LABELS)))]))

    @classmethod
    def of(cls, state: dict[str, list[float]], trans: list[list[float]], with_rules: bool,
           margins: dict[str, float | None]) -> TaggerModel:
        names = sorted(state)
        weights = np.array([state[n] for n in names], dtype=np.float64).reshape(len(names), len(LABELS))
        return cls({n: k for k, n in enumerate(names)}, weights, np.array(trans, dtype=np.float64), with_rules,
                   margins)

    def static_emissions(self, doc: Doc, win: Window) -> np.ndarray:
        """The cue-independent part of the emissions of ``win``: the same sums as :meth:`emissions` of
        :meth:`_Table.static`, taken for every token of the document at once (one template at a time) and kept."""
        table = _table(doc)
        rows = table.rows.get(id(self))
        if rows is None:
            rows = table.rows[id(self)] = self._static_rows(table)
        return rows[win.start:win.end]

    def _static_rows(self, table: _Table) -> np.ndarray:
        return self._column_sums(table.columns(), len(table.words))

    def cue_emissions(self, doc: Doc, prop: Proposal, win: Window, quotes: Quotes) -> np.ndarray:
        """The cue-dependent part of the emissions of ``win``: the same sums as :meth:`emissions` of
        :func:`cue_features`, added in the same order; the feature rows of each distinct key are looked up once
        per model, in two parts (the place relative to the cue; the rules' proposal around the token)."""
        keys = _cue_keys(doc, prop, win, quotes, self.with_rules)
        if not keys:
            return np.zeros((0, len(LABELS)))
        places = self.keyed.setdefault("place", {})
        rules = self.keyed.setdefault("rules", {})
        if len(places) > _MEMO_MAX or len(rules) > _MEMO_MAX:
            places.clear()
            rules.clear()
        get = self.index.get
        ids: list[int] = []
        for key in keys:
            place, rule = key[:8], (key[8], key[9], key[2], key[7])  # the rules' features read branch and dep
            got = places.get(place)
            if got is None:
                got = places[place] = tuple(get(f, -1) for f in _key_features((*place, "", None)))
            ids.extend(got)
            got = rules.get(rule)
            if got is None:
                slots = _rule_slots(key[9], key[8], key[7], key[2]) if key[9] is not None else [None] * _RULE_SLOTS
                got = rules[rule] = tuple(-1 if f is None else get(f, -1) for f in slots)
            ids.extend(got)
        return self._sum_in_order(ids, len(keys), _PLACE_FEATURES + _RULE_SLOTS, token_major=True)

    def _column_sums(self, columns: list[tuple[str, list[object]]], n: int) -> np.ndarray:
        """Per token, the summed weights of its features given as columns (one per template, a value per token,
        None where the token has none): the sums :meth:`emissions` takes, added in the same order (a feature the
        token lacks adds an exact zero), with each template's values looked up once per model."""
        if n == 0:
            return np.zeros((0, len(LABELS)))
        get = self.index.get
        ids: list[int] = []
        for prefix, values in columns:
            cache = self.columns.get(prefix)
            if cache is None or len(cache) > _MEMO_MAX:
                cache = self.columns[prefix] = {}
            for v in values:
                k = cache.get(v)
                if k is None:
                    k = cache[v] = -1 if v is None else get(f"{prefix}{v}", -1)
                ids.append(k)
        return self._sum_in_order(ids, n, len(columns), token_major=False)

    def _sum_in_order(self, ids: list[int], n: int, width: int, token_major: bool) -> np.ndarray:
        """Per token, the rows ``ids`` name (``width`` per token; -1 the zero row), added one feature after the
        other as :meth:`emissions` adds them, so the sums are the same to the last bit. ``token_major``: ``ids``
        lists each token's features together, else each feature's tokens together."""
        picked = self.padded[ids]
        if token_major:
            by_feature = picked.reshape(n, width, len(LABELS)).transpose(1, 0, 2)
        else:
            by_feature = picked.reshape(width, n, len(LABELS))
        total = by_feature[0]
        for rows in by_feature[1:]:
            total = total + rows
        return total

    def emissions(self, feats: list[list[str]]) -> np.ndarray:
        """Per token and label, the sum of the weights of the token's features."""
        get = self.index.get
        pairs = [(k, c) for k, f in enumerate(feats) for c in map(get, f) if c is not None]
        rows = [k for k, _ in pairs]
        cols = [c for _, c in pairs]
        at = np.array(rows, dtype=np.intp)
        picked = self.weights[np.array(cols, dtype=np.intp)].reshape(-1, len(LABELS))
        return np.stack([np.bincount(at, weights=picked[:, k], minlength=len(feats)) for k in range(len(LABELS))],
                        axis=1).reshape(len(feats), len(LABELS))

    def score(self, emit: np.ndarray, labels: list[str]) -> float:
        """The unnormalised log score of one labelling."""
        ks = np.array([LABELS.index(lab) for lab in labels], dtype=np.intp)
        return float(emit[np.arange(len(ks)), ks].sum() + self.trans[ks[:-1], ks[1:]].sum())

    def decode(self, emit: np.ndarray) -> list[str]:
        """The best labelling (Viterbi)."""
        return viterbi(emit, self.trans)


def viterbi(emit: np.ndarray, trans: np.ndarray, start: np.ndarray | None = None) -> list[str]:
    """The labelling of :data:`LABELS` with the best summed score: per-token ``emit`` rows, ``trans[from, to]``
    between neighbours and ``start`` on the first token (none when None). Ties go to the lower label index.
    Plain Python: over five labels it is faster than numpy's per-token calls."""
    if len(emit) == 0:
        return []
    rows = emit.tolist()
    into = trans.T.tolist()  #: into[to][from]
    labels = range(len(LABELS))
    score = rows[0] if start is None else [e + s for e, s in zip(rows[0], start.tolist())]
    back = []
    for row in rows[1:]:
        best, new = [], []
        for b in labels:
            col = into[b]
            k, top = 0, score[0] + col[0]
            for a in labels[1:]:
                v = score[a] + col[a]
                if v > top:
                    k, top = a, v
            best.append(k)
            new.append(top + row[b])
        score = new
        back.append(best)
    k = max(labels, key=score.__getitem__)
    path = [k]
    for best in reversed(back):
        path.append(best[path[-1]])
    return [LABELS[k] for k in reversed(path)]


@lru_cache(maxsize=1)
def load_model() -> TaggerModel | None:
    """The tagger shipped in the package (loaded once), or None when the weights file is missing."""
    path = resources.files("claimwatch").joinpath("data/attribution_tagger.json")
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return TaggerModel.of(data["state"], data["trans"], bool(data["with_rules"]), dict(data["combine"]))


@dataclass(frozen=True, slots=True)
class Retagged:
    """The tagger's source and content where they replace the rules' (None: keep the rules' span)."""

    source: tuple[int, int] | None
    replace_source: bool
    content: list[tuple[int, int]] | None


def retag(doc: Doc, prop: Proposal, quotes: Quotes, model: TaggerModel) -> Retagged:
    """The tagger's spans around ``prop``'s cue, for each role whose margin over the rules' labelling is met."""
    win = window(doc, prop)
    emit = model.static_emissions(doc, win) + model.cue_emissions(doc, prop, win, quotes)
    return choose(doc, win, prop, model.decode(emit), lambda labels: model.score(emit, labels), model.margins)


def choose(doc: Doc, win: Window, prop: Proposal, best: list[str], score: Callable[[list[str]], float],
           margins: dict[str, float | None]) -> Retagged:
    """A model's ``best`` labelling of ``win`` against the labelling of the rules' spans: per role, the model's
    span where ``score`` puts its labelling more than that role's margin above the rules' (CRF and encoder)."""
    ruled = gold_labels(doc, win, (prop.source,) if prop.source else None, prop.content)
    if best == ruled:
        return Retagged(None, False, None)
    margin = score(best) - score(ruled)
    source, content = decode_spans(doc, win, best)
    take = {role: t is not None and margin > t for role, t in margins.items()}
    return Retagged(source, take.get("source", False), content if take.get("content", False) and content else None)

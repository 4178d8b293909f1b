"""Epistemic status of each claim, as the article presents it.

Reads the parsed ``Doc`` and the claims from :mod:`.attribution`; writes ``Claim.status``, ``Claim.polarity`` and
``Claim.status_evidence`` (spans of the words that justify the status). The outlet's own voice is ``asserted``,
a party's statement ``claimed``; hedges ("reportedly", "allegedly", "according to unverified reports", "it is
said") make a claim ``hedged``; a sentence saying something has not been confirmed makes the claim it qualifies
``unconfirmed`` ("there has been no official confirmation regarding the capture of X" -> the earlier claim that X
was captured); a denial marks the denied claim (and the denying statement's own content) ``denied``; a different
source confirming an earlier claim marks it ``confirmed``. Every party gets the same rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Claim, ClaimKind, Polarity, Span, Status
from ..stage import Analysis, Stage
from ..text.sentences import doc_text, sentence_index
from ..text.wordlists import LANGUAGES, WordLists, fold, phrase_at, wordlists

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

HEDGE_WORDS = frozenset("""
reportedly allegedly purportedly supposedly ostensibly apparently unverified unconfirmed rumoured
rumored alleged purported
""".split())
_HEDGE_PHRASES = re.compile(
    r"\b(it\s+(is|was|has\s+been)\s+(said|claimed|alleged|reported|believed|rumou?red)|"
    r"(is|are|was|were)\s+(said|believed|thought|reported|rumou?red)\s+to|"
    r"according\s+to\s+(unverified|unconfirmed|unofficial|some|preliminary)|"
    r"(unverified|unconfirmed|unofficial)\s+(reports?|information|data|claims?)|"
    r"claims?\s+circulating|could\s+not\s+be\s+ruled\s+out)\b", re.IGNORECASE)
NO_CONFIRMATION = re.compile(
    r"\b(no\s+(official\s+|independent\s+|immediate\s+)*(confirmation|verification|corroboration)|"
    r"(could|can|cannot|can't|could\s*n[o']t)\s*(not\s+)?(be\s+)?(independently\s+)?(confirm|verif|corroborat)\w*|"
    r"(was|were|is|are|has|have)\s+(not|n't)\s+(yet\s+|been\s+)*(independently\s+|officially\s+)?"
    r"(confirmed|verified|corroborated)|"
    r"(unable|impossible)\s+to\s+(independently\s+)?(confirm|verify|corroborate)|"
    r"(did|does|do|has|have)\s*(not|n't)\s+(yet\s+|immediately\s+)*(confirm|verify|comment\s+on)|"
    r"not\s+been\s+(independently\s+)?(confirmed|verified))\w*", re.IGNORECASE)
_TARGET = re.compile(r"\b(?:confirmation|verification|corroboration)\s+(?:of|regarding|about|on|concerning|that)\s+"
                     r"(?P<what>[^.;]+)|\b(?:confirm|verify|corroborate)\w*\s+(?P<what2>[^.;]+)", re.IGNORECASE)
DENIAL_CUES = frozenset(["deny", "refute", "reject", "dismiss", "rebut", "dispute", "disprove", "debunk"])
_DENIAL_CONTENT = re.compile(r"\b(fake|false|untrue|not\s+true|lies?|fabricat\w+|baseless|groundless|"
                             r"disinformation|propaganda|provocation|staged|no\s+truth|nonsense)\b", re.IGNORECASE)
#: cue lemmas by which a source confirms what another reported
CONFIRM_CUES = frozenset(["confirm", "acknowledge", "admit", "corroborate", "verify"])
_ANAPHORIC = frozenset("""
it this that these those claim claims report reports allegation allegations information statement
statements video footage rumours rumors
""".split())
#: Lemma classes so "the capture of X" finds "took X" / "captured X".
_EVENT_SYNONYMS = {
    "capture": "take", "seize": "take", "occupy": "take", "liberate": "take", "liberation": "take",
    "control": "take", "fall": "take", "storm": "take", "enter": "take", "taking": "take",
    "destroy": "destroy", "destruction": "destroy", "down": "destroy", "shoot": "destroy",
    "kill": "kill", "death": "kill", "dead": "kill", "casualty": "kill", "loss": "kill",
    "strike": "strike", "attack": "strike", "shell": "strike", "hit": "strike", "bomb": "strike",
    "withdraw": "withdraw", "retreat": "withdraw", "withdrawal": "withdraw", "repel": "repel",
}
_LOOKBACK = 12  # sentences an unconfirmed/denial statement may reach back


def assign(doc: Doc, claims: list[Claim]) -> None:
    """Set the status of every claim (in place)."""
    text = doc_text(doc)
    for c in claims:
        c.status = Status.ASSERTED if c.kind is ClaimKind.OUTLET else Status.CLAIMED
        _hedges(text, c)
    for c in claims:
        _denial(doc, c, claims)
    for sent in sentence_index(doc).sents:
        m = NO_CONFIRMATION.search(sent.text)
        if m:
            _unconfirmed(doc, sent, m, claims)
    for c in claims:
        _confirmation(doc, c, claims)


# ------------------------------------------------------------------------------------------ hedges


def _claim_region(c: Claim) -> list[Span]:
    spans = list(c.parts)
    if c.cue:
        spans.append(c.cue)
    if c.source:
        spans.append(c.source.span)
    return spans


def _hedges(text: str, c: Claim) -> None:
    for span in _claim_region(c):
        chunk = text[span.start:span.end]
        for m in re.finditer(r"[A-Za-z]+", chunk):
            if m.group().lower() in HEDGE_WORDS:
                _mark(c, Status.HEDGED, Span.of(text, span.start + m.start(), span.start + m.end()))
        for m in _HEDGE_PHRASES.finditer(chunk):
            _mark(c, Status.HEDGED, Span.of(text, span.start + m.start(), span.start + m.end()))
    if c.cue is not None and c.source is None and c.kind is not ClaimKind.OUTLET:
        _mark(c, Status.HEDGED, c.cue)  # "it is said that ...": nobody stands behind it


_RANK = {Status.ASSERTED: 0, Status.CLAIMED: 0, Status.HEDGED: 1, Status.CONFIRMED: 2, Status.UNCONFIRMED: 3,
         Status.DENIED: 4, Status.RETRACTED: 5}


def _mark(c: Claim, status: Status, evidence: Span) -> None:
    if evidence not in c.status_evidence:
        c.status_evidence.append(evidence)
    if _RANK[status] >= _RANK[c.status]:
        c.status = status


# ------------------------------------------------------------------------------------------ denials


def _denial(doc: Doc, c: Claim, claims: list[Claim]) -> None:
    if c.cue is None:
        return
    cue_lemmas = {t.lemma_.lower() for t in _tokens(doc, c.cue)}
    content_text = " ".join(p.text for p in c.parts)
    denies = bool(cue_lemmas & DENIAL_CUES)
    if not denies and _DENIAL_CONTENT.search(content_text) and len(content_text) < 160:
        denies = True
    if not denies:
        return
    c.polarity = Polarity.NEGATIVE
    if cue_lemmas & DENIAL_CUES:
        _mark(c, Status.DENIED, c.cue)
    target = _target_claim(doc, c, claims, content_text)
    if target is not None:
        _mark(target, Status.DENIED, c.cue)


def _confirmation(doc: Doc, c: Claim, claims: list[Claim]) -> None:
    if c.cue is None or c.source is None:
        return
    if not ({t.lemma_.lower() for t in _tokens(doc, c.cue)} & CONFIRM_CUES):
        return
    target = _target_claim(doc, c, claims, " ".join(p.text for p in c.parts), require_overlap=True)
    if target is not None and target.source is not None and \
            target.source.name.lower() != c.source.name.lower() and target.status is Status.CLAIMED:
        _mark(target, Status.CONFIRMED, c.cue)


# ------------------------------------------------------------------------------------------ unconfirmed


def _unconfirmed(doc: Doc, sent, match: re.Match[str], claims: list[Claim]) -> None:  # type: ignore[no-untyped-def]
    text = doc_text(doc)
    evidence = Span.of(text, sent.start_char + match.start(), sent.start_char + match.end())
    earlier = [c for c in claims if c.content.end <= sent.start_char]
    tm = _TARGET.search(sent.text, match.start())
    what = _CLAUSE_END.split((tm.group("what") or tm.group("what2")) if tm else "")[0]
    targets = _by_source_reference(earlier, what)
    if not targets and what:
        offset = sent.start_char + tm.start() + tm.group(0).index(what) if tm else sent.start_char
        keys = _keys(doc, offset, offset + len(what)) - _ANAPHORIC
        best = _best_overlap(doc, earlier, keys, before=sent.start_char) if keys else None
        targets = [best] if best is not None else []
    if not targets and _is_anaphoric(what or sent.text[: match.start()]):
        nearest = _nearest_before(earlier, sent.start_char)
        targets = [nearest] if nearest is not None else []
    for t in targets:
        _mark(t, Status.UNCONFIRMED, evidence)


_CLAUSE_END = re.compile(r",\s*(?:and|but|while|as)\b|;|\s+but\s+")
_SOURCE_REF = re.compile(r"(?P<who>[\w-]+)['’]s?\s+(?:own\s+)?(?:claims?|statements?|reports?|assertions?|allegations?|"
                         r"videos?|account|version|figures?|words)|(?:claims?|statements?|reports?)\s+(?:by|from)\s+"
                         r"(?:the\s+)?(?P<who2>[\w-]+(?:\s+[\w-]+)?)", re.IGNORECASE)


def _by_source_reference(claims: list[Claim], what: str) -> list[Claim]:
    """'no confirmation of the group's claims': every earlier claim whose source is that group."""
    m = _SOURCE_REF.search(what)
    if not m:
        return []
    who = (m.group("who") or m.group("who2") or "").lower().split()[-1]
    if who in ("its", "their", "his", "her", "these", "those", "the", "such"):
        return []
    out = []
    for c in claims:
        if c.source is None:
            continue
        names = (c.source.span.text + " " + (c.source.entity.text if c.source.entity else "")).lower()
        if re.search(rf"\b{re.escape(who)}", names):
            out.append(c)
    return out


def _is_anaphoric(phrase: str) -> bool:
    words = re.findall(r"[A-Za-z]+", phrase.lower())
    return not words or (len(words) <= 5 and any(w in _ANAPHORIC for w in words))


# ------------------------------------------------------------------------------------------ linking


def _tokens(doc: Doc, span: Span) -> list[Token]:
    sp = doc.char_span(span.start, span.end, alignment_mode="expand")
    return list(sp) if sp is not None else []


def _norm(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    return _EVENT_SYNONYMS.get(lemma, lemma)


def _keys(doc: Doc, start: int, end: int) -> set[str]:
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None:
        return set()
    return {_norm(t) for t in sp if t.pos_ in ("NOUN", "PROPN", "VERB", "NUM", "ADJ") and not t.is_stop}


def _content_keys(doc: Doc, c: Claim) -> set[str]:
    keys: set[str] = set()
    for p in c.parts:
        keys |= _keys(doc, p.start, p.end)
    return keys


def _best_overlap(doc: Doc, claims: list[Claim], keys: set[str], before: int) -> Claim | None:
    best, best_score = None, 0.0
    earlier = [c for c in claims if c.content.end <= before][-_LOOKBACK:]
    for c in reversed(earlier):
        ck = _content_keys(doc, c)
        score = len(keys & ck) / (len(keys) ** 0.5 + 1e-9)
        if score > best_score:
            best, best_score = c, score
    return best if best_score >= 0.5 else None


def _nearest_before(claims: list[Claim], pos: int) -> Claim | None:
    earlier = [c for c in claims if c.content.end <= pos]
    attributed = [c for c in earlier[-3:] if c.kind is not ClaimKind.OUTLET]
    if attributed:
        return attributed[-1]
    return earlier[-1] if earlier else None


_ARTEFACTS = frozenset("""
video videos footage report reports claim claims statement statements allegation allegations
information rumours rumors photos photo images account
""".split())


def _target_claim(doc: Doc, c: Claim, claims: list[Claim], content_text: str,
                  require_overlap: bool = False) -> Claim | None:
    """The earlier claim a denial or confirmation answers: one naming the same artefact ("the video"), else
    the one sharing most content words, else (for "denied it") the nearest one."""
    others = [o for o in claims if o is not c and o.content.end <= (c.cue.start if c.cue else c.content.start)]
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", content_text)]
    refs = set(words) & _ARTEFACTS
    if refs:
        text = doc_text(doc)
        recent = others[-_LOOKBACK:]
        attributed = [o for o in recent if o.kind is not ClaimKind.OUTLET]
        for o in reversed(attributed or recent):
            region = " ".join(text[sp.start:sp.end] for sp in _claim_region(o)).lower()
            if refs & set(re.findall(r"[a-z]+", region)):
                return o
    keys = _content_keys(doc, c) - _ANAPHORIC
    target = _best_overlap(doc, others, keys, before=c.content.start) if keys else None
    if target is None and not require_overlap and words and words[-1] in _ANAPHORIC and len(words) <= 4:
        target = _nearest_before(others, c.content.start)
    return target


# ------------------------------------------------------------------------------------ Russian and Ukrainian


def assign_slavic(doc: Doc, claims: list[Claim], language: str) -> None:
    """Set the status of every claim of a Russian or Ukrainian ``doc`` (in place), with the language's word
    lists (:mod:`claimwatch.text.wordlists`): hedges ("якобы", "по предварительным данным", "нібито"), sentences
    saying something is not confirmed ("не подтверждено", "підтвердження немає"), denials (a cue such as
    "опроверг"/"спростував", or a short content calling something a fake) and confirmations by another source.
    An impersonal report ("сообщается") stays ``claimed``: the wording hedges nothing by itself."""
    lists = wordlists(language)
    for c in claims:
        c.status = Status.ASSERTED if c.kind is ClaimKind.OUTLET else Status.CLAIMED
        for span in _claim_region(c):
            for ev in _phrases_in(doc, span.start, span.end, lists.hedges):
                _mark(c, Status.HEDGED, ev)
    for c in claims:
        _slavic_denial(doc, c, claims, lists)
    for sent in sentence_index(doc).sents:
        for ev in _phrases_in(doc, sent.start_char, sent.end_char, lists.no_confirmation):
            _slavic_unconfirmed(doc, sent, ev, claims)
    for c in claims:
        _slavic_confirmation(doc, c, claims, lists)


def _phrases_in(doc: Doc, start: int, end: int, phrases: tuple[tuple[str, ...], ...]) -> list[Span]:
    """Every occurrence of one of ``phrases`` (folded word tuples) in the characters ``[start, end)``."""
    sp = doc.char_span(start, end, alignment_mode="contract")
    if sp is None:
        return []
    toks = [t for t in sp if not t.is_space]
    words = [fold(t.text) for t in toks]
    text = doc_text(doc)
    out = []
    i = 0
    while i < len(toks):
        p = phrase_at(words, i, phrases)
        if p is None:
            i += 1
            continue
        last = toks[i + len(p) - 1]
        out.append(Span.of(text, toks[i].idx, last.idx + len(last.text)))
        i += len(p)
    return out


def _slavic_denial(doc: Doc, c: Claim, claims: list[Claim], lists: WordLists) -> None:
    if c.cue is None:
        return
    cue_lemmas = {t.lemma_ for t in _tokens(doc, c.cue)}
    content = [t for p in c.parts for t in _tokens(doc, p)]
    by_cue = bool(cue_lemmas & lists.denial_verbs)
    by_content = len(content) <= 25 and any(t.lemma_ in lists.denial_words for t in content)
    if not (by_cue or by_content):
        return
    c.polarity = Polarity.NEGATIVE
    if by_cue:
        _mark(c, Status.DENIED, c.cue)
    target = _target_claim(doc, c, claims, " ".join(p.text for p in c.parts))
    if target is not None:
        _mark(target, Status.DENIED, c.cue)


def _slavic_unconfirmed(doc: Doc, sent, evidence: Span, claims: list[Claim]) -> None:  # type: ignore[no-untyped-def]
    """The claim the sentence belongs to is unconfirmed; a sentence of its own qualifies the earlier claim that
    shares most content words with it, else the nearest earlier attributed one."""
    own = [c for c in claims if any(p.contains(evidence) for p in c.parts) and c.kind is not ClaimKind.OUTLET]
    if own:
        for c in own:
            _mark(c, Status.UNCONFIRMED, evidence)
        return
    keys = _keys(doc, sent.start_char, sent.end_char) - _keys(doc, evidence.start, evidence.end)
    earlier = [c for c in claims if c.content.end <= sent.start_char]
    target = _best_overlap(doc, earlier, keys, before=sent.start_char) if keys else None
    target = target or _nearest_before(earlier, sent.start_char)
    if target is not None:
        _mark(target, Status.UNCONFIRMED, evidence)


def _slavic_confirmation(doc: Doc, c: Claim, claims: list[Claim], lists: WordLists) -> None:
    if c.cue is None or c.source is None:
        return
    if not ({t.lemma_ for t in _tokens(doc, c.cue)} & lists.confirm_verbs):
        return
    target = _target_claim(doc, c, claims, " ".join(p.text for p in c.parts), require_overlap=True)
    if target is not None and target.source is not None and \
            target.source.name.lower() != c.source.name.lower() and target.status is Status.CLAIMED:
        _mark(target, Status.CONFIRMED, c.cue)


class StatusStage(Stage):
    """The epistemic status of each claim: asserted, claimed, hedged, unconfirmed, denied, confirmed."""

    name = "status"
    requires = ("doc", "claims")
    assigns = ("claims.status", "claims.status_evidence", "claims.polarity")

    def __init__(self, language: str = "en") -> None:
        self.language = language  #: ru/uk use their word lists; every other language the English rules

    def __call__(self, analysis: Analysis) -> None:
        if self.language in LANGUAGES:
            assign_slavic(analysis.parsed, analysis.extraction.claims, self.language)
        else:
            assign(analysis.parsed, analysis.extraction.claims)

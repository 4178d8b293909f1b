"""Stance: whether a claim, or a whole article, corroborates, contradicts or only reports another claim.

Reads :class:`~claimwatch.model.Claim` records of two articles (with the texts their spans point into), or an
:class:`~claimwatch.model.Extraction` and a free-text claim such as a headline; writes :class:`StanceResult`
records: the stance, short human-readable reasons, and spans of the judged article that justify it.

No inference model is used: contradiction comes from comparing what extraction found. Between two claims of one
story (:func:`claim_stance`): a denial or a negated event, incompatible figures, opposite control of one place and
different perpetrators of one strike contradict (:mod:`.conflicts`); an unconfirmed or hedged statement only
reports; a confirmed one, or an asserted or claimed statement of the same event, corroborates. Every party gets
the same rules. Between an article and a headline (:func:`article_stance`): lexical relatedness first, then the
article's refutations, its own assertions in the lead, and its hedges and attributions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..model import Claim, ClaimKind, Extraction, Span, Status
from .conflicts import CONFLICT_TESTS
from .overlap import LEAD_CHARS, content_stems, coverage, lead_weighted_coverage


class Stance(str, Enum):
    """How one claim or article stands towards another claim."""

    CORROBORATES = "corroborates"  #: says it happened (in its own voice, confirmed, or by a party)
    CONTRADICTS = "contradicts"  #: denies it, negates it, or tells incompatible facts
    REPORTS = "reports"  #: relays it without taking a side (hedged, unconfirmed, attributed)
    UNRELATED = "unrelated"  #: not about it


@dataclass(slots=True)
class StanceResult:
    """A stance with why: short reasons and spans of the judged claim's (or article's) text."""

    stance: Stance
    reasons: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- claim vs claim

#: Statuses by which a claim's own article calls it false.
NEGATIVE_STATUSES = frozenset({Status.DENIED, Status.RETRACTED})
#: Content-word overlap at which two claims without events are taken to say the same.
SAME_CONTENT_MIN = 0.5


def claim_stance(reference: Claim, other: Claim, ref_text: str, other_text: str) -> StanceResult:
    """The stance of ``other`` (a claim in ``other_text``) towards ``reference`` (in ``ref_text``); both claims
    belong to one story. The reference is taken for what its content says; only ``other``'s status counts.

    Order: a denial; a factual conflict (negated event, figures, control of a place, perpetrator); unconfirmed or
    hedged (reports); confirmed (corroborates); an asserted or claimed statement of the same event (corroborates).
    A factual conflict outranks a hedge: "reportedly 80 sq. km" still contradicts "800 sq. km".
    """
    denial = _denial(reference, other)
    if denial is not None:
        return denial
    for test in CONFLICT_TESTS:
        conflict = test(reference, other)
        if conflict is not None:
            return StanceResult(Stance.CONTRADICTS, [conflict.reason], conflict.evidence)
    if other.status in (Status.UNCONFIRMED, Status.HEDGED, Status.CONFIRMED):
        stance = Stance.CORROBORATES if other.status is Status.CONFIRMED else Stance.REPORTS
        return StanceResult(stance, [f"{other.status.value}: {_quoted(other.status_evidence)}"],
                            list(other.status_evidence))
    return _same_event(reference, other, ref_text, other_text)


def _quoted(spans: list[Span]) -> str:
    return ", ".join(f"'{s.text}'" for s in spans[:3]) or "(no words)"


def _negates(claim: Claim) -> bool:
    """The claim's content itself says the event did not happen ("did not capture")."""
    live = [e for e in claim.events if not e.hypothetical]
    return bool(live) and all(e.negated for e in live)


def _denial(reference: Claim, other: Claim) -> StanceResult | None:
    if other.status not in NEGATIVE_STATUSES:
        return None
    why = f"status {other.status.value}: {_quoted(other.status_evidence)}"
    if _negates(reference):
        return StanceResult(Stance.CORROBORATES, [f"denies it, as the reference does ({why})"],
                            list(other.status_evidence))
    return StanceResult(Stance.CONTRADICTS, [f"denies it ({why})"], list(other.status_evidence))


def _same_event(reference: Claim, other: Claim, ref_text: str, other_text: str) -> StanceResult:
    ref_types = {e.type for e in reference.events if not e.hypothetical}
    shared = [e for e in other.events if not e.hypothetical and e.type in ref_types]
    if shared:
        reason = f"{other.status.value} statement of the same event ({shared[0].type.lower()}: " \
                 f"'{shared[0].trigger.text}')"
        return StanceResult(Stance.CORROBORATES, [reason], [shared[0].trigger])
    overlap = coverage(content_stems(_content(reference, ref_text)), content_stems(_content(other, other_text)))
    if overlap >= SAME_CONTENT_MIN:
        reason = f"{other.status.value} statement saying the same (content-word overlap {overlap:.2f})"
        return StanceResult(Stance.CORROBORATES, [reason], list(other.parts))
    return StanceResult(Stance.REPORTS, ["mentions the story without its event"], list(other.parts))


def _content(claim: Claim, text: str) -> str:
    return " ".join(text[p.start:p.end] for p in claim.parts)


# ---------------------------------------------------------------------------------------- article vs claim

@dataclass(frozen=True, slots=True)
class ArticleThresholds:
    """The numbers :func:`article_stance` decides by (chosen on FNC-1's development part: see docs/evaluation.md)."""

    #: lead-weighted coverage (:func:`~claimwatch.link.overlap.lead_weighted_coverage`) under which an article is
    #: unrelated to the claim
    related_min: float = 0.25
    #: share of the claim's content words a claim of the article must hold to be about it
    about_min: float = 0.3
    #: characters at the start of the article that make its lead
    lead_chars: int = LEAD_CHARS


#: Words that call something false: the FNC-1 baseline's and Ferreira & Vlachos's (2016) refuting words, with the
#: status stage's denial vocabulary.
REFUTATION = re.compile(
    r"\b(fakes?|faked|fraud\w*|hoax\w*|false(?:ly|hood)?|bogus|debunk\w*|pranks?|prankster\w*|retract\w*|untrue|"
    r"not\s+(?:be\s+)?true|no\s+(?:evidence|truth|proof)|fabricat\w+|made[- ]up|baseless|groundless|nonsense|"
    r"satir\w+|doctored|photoshopped|deni(?:ed|es|al)|deny(?:ing)?|refut\w+|rebut\w*|misinformation|"
    r"disinformation)\b", re.IGNORECASE)
#: Words of modality and report: Ferreira & Vlachos's (2016) hedging words with the status stage's hedges.
HEDGES = re.compile(
    r"\b(alleged(?:ly)?|apparent(?:ly)?|appears?|claim(?:s|ed)?|could|evidently|likely|may|maybe|might|perhaps|"
    r"presumably|probably|possibl[ey]|purported(?:ly)?|reported(?:ly)?|rumou?r(?:s|ed)?|says|seems?|supposedly|"
    r"suggests?|unconfirmed|unverified|according\s+to)\b", re.IGNORECASE)
#: A statement that something is not (yet) confirmed: it reports, whatever its own status.
NO_CONFIRMATION = re.compile(r"\b(?:no|not|n't|without|unable\s+to|cannot)\s+(?:\w+\s+){0,3}?(?:independent\w*\s+|"
                             r"official\w*\s+)?(?:confirm|verif|corroborat)\w*", re.IGNORECASE)
#: Negation in the claim: a claim that itself says "not" or calls something fake is agreed with by a refutation.
NEGATION = re.compile(r"\b(not|never|no|cannot)\b|n't\b", re.IGNORECASE)
#: Refutations and assertions shown as evidence, at most.
MAX_EVIDENCE = 5


def article_stance(claim_text: str, extraction: Extraction,
                   thresholds: ArticleThresholds = ArticleThresholds()) -> StanceResult:
    """The stance of a whole article towards a free-text claim (a headline).

    1. Relatedness: the claim's content words covered by the article and by its lead
       (:func:`~claimwatch.link.overlap.lead_weighted_coverage`); under ``related_min`` -> unrelated.
    2. Refutation: a denial or refutation word (:data:`REFUTATION`) in the article's lead or in a claim about the
       headline, or a claim about it whose status is denied, contradicts the claim; it corroborates a claim that
       is itself negative ("... is a hoax", "X denies ...", "did not").
    3. Assertion: a claim about the headline in the lead, in the outlet's own voice with no hedge, or a confirmed
       one, corroborates it (and contradicts a negative claim).
    4. Otherwise the article reports it: hedged, attributed or unconfirmed statements.
    """
    text = extraction.article.text
    relatedness = lead_weighted_coverage(claim_text, text, thresholds.lead_chars)
    if relatedness < thresholds.related_min:
        return StanceResult(Stance.UNRELATED, [f"lead-weighted coverage {relatedness:.2f} < {thresholds.related_min}"])
    negative = bool(REFUTATION.search(claim_text) or NEGATION.search(claim_text))
    about = _about(claim_text, extraction, thresholds.about_min)
    refuted = _refutations(text, about, thresholds.lead_chars)
    if refuted:
        stance = Stance.CORROBORATES if negative else Stance.CONTRADICTS
        verb = "refutes it, as the claim does" if negative else "refutes it"
        return StanceResult(stance, [f"{verb}: {_quoted(refuted)}"], refuted)
    asserted = _lead_assertions(text, about, thresholds.lead_chars)
    if asserted:
        stance = Stance.CONTRADICTS if negative else Stance.CORROBORATES
        verb = "asserts what the claim negates" if negative else "asserts it in its own voice"
        return StanceResult(stance, [f"{verb}: {_quoted(asserted)}"], asserted)
    return _reports(text, about, relatedness)


def _about(claim_text: str, extraction: Extraction, minimum: float) -> list[Claim]:
    """The article's claims (content with cue) that hold at least ``minimum`` of the claim's content words."""
    words = content_stems(claim_text)
    text = extraction.article.text
    return [c for c in extraction.claims if coverage(words, content_stems(_region(c, text))) >= minimum]


def _bounds(claim: Claim) -> tuple[int, int]:
    """Where the claim's content with its cue lies: "denied that ..." keeps its "denied"."""
    start = min(claim.content.start, claim.cue.start if claim.cue else claim.content.start)
    return start, max(claim.content.end, claim.cue.end if claim.cue else claim.content.end)


def _region(claim: Claim, text: str) -> str:
    start, end = _bounds(claim)
    return text[start:end]


def _matches(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> list[Span]:
    return [Span.of(text, m.start(), m.end()) for m in pattern.finditer(text, start, len(text) if end is None else end)]


def _refutations(text: str, about: list[Claim], lead_chars: int) -> list[Span]:
    """Denied claims about the headline, then refutation words in claims about it and in the lead."""
    spans = [s for c in about if c.status in NEGATIVE_STATUSES for s in c.status_evidence]
    for start, end in [_bounds(c) for c in about] + [(0, lead_chars)]:
        spans += [s for s in _matches(REFUTATION, text, start, end) if s not in spans]
    return spans[:MAX_EVIDENCE]


def _lead_assertions(text: str, about: list[Claim], lead_chars: int) -> list[Span]:
    """Contents of confirmed claims about the headline, and of the outlet's own statements about it in the lead
    that are not hedged, not questions and do not say it is unconfirmed."""
    out = []
    for c in about:
        own = c.kind is ClaimKind.OUTLET and c.status is Status.ASSERTED and c.content.start < lead_chars
        region = _region(c, text)
        plain = not (HEDGES.search(region) or NO_CONFIRMATION.search(region) or _is_question(c, text))
        if c.status is Status.CONFIRMED or (own and plain):
            out.append(c.content)
    return out[:MAX_EVIDENCE]


def _is_question(claim: Claim, text: str) -> bool:
    return text[claim.content.end:claim.content.end + 2].lstrip().startswith("?") or claim.content.text.endswith("?")


def _reports(text: str, about: list[Claim], relatedness: float) -> StanceResult:
    """Why an article that neither refutes nor asserts the claim only reports it."""
    unconfirmed = [s for c in about for s in _matches(NO_CONFIRMATION, text, *_bounds(c))]
    hedges = [s for c in about for p in c.parts for s in _matches(HEDGES, text, p.start, p.end)]
    sources = [c.source.span for c in about if c.source is not None and c.kind is not ClaimKind.OUTLET]
    reasons = [f"related (lead-weighted coverage {relatedness:.2f})"]
    for label, spans in (("unconfirmed:", unconfirmed), ("hedged:", hedges), ("attributed to", sources)):
        if spans:
            reasons.append(f"{label} {_quoted(spans)}")
    if not about:
        reasons.append("no claim of the article holds the claim's words")
    return StanceResult(Stance.REPORTS, reasons, (unconfirmed + hedges + sources)[:MAX_EVIDENCE])

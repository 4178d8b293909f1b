"""Russian and Ukrainian events: what each claim says happened, typed by trigger lemmas into the same ACLED /
claimwatch sub-types as English, with quantities in digits and words, dates relative to the post and actors from
the registry.

Reads the ``Doc`` of :mod:`claimwatch.nlp.slavic` (pymorphy3 lemmas; Russian speech sentences parsed), the claims,
the article's publication time, the actor registry and ``data/events/slavic_<language>.yaml`` (triggers, context
word classes, number words, units); writes ``Claim.events`` and ``Claim.source.actor``. A trigger ("сбили",
"атаковали", "нанесли удар", "звільнили", "загинули") gives its sub-type, changed by the first context class found
within eight words in its sentence ("атаковали беспилотниками": a drone strike; "уничтожили 3 танка": equipment
destroyed; "уничтожили 12 беспилотников": disrupted weapons use). Every party's reports are typed alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ...model import ActorRef, Article, Claim, DateRange, Event, Quantity, Span
from ...stage import Analysis, Stage
from ...text.sentences import doc_text, sentence_index
from ...text.wordlists import fold
from . import arguments as A
from . import dates
from .lexicon import event_type_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ...actors import ActorRegistry

log = logging.getLogger(__name__)

#: words either side of a trigger in which its context classes are looked for
WINDOW = 8
_ENEMY = frozenset({"противник", "враг", "ворог", "неприятель"})


@dataclass(frozen=True, slots=True)
class Trigger:
    lemmas: tuple[str, ...]
    sub_type: str
    when: tuple[tuple[str, str], ...] = ()  #: (context class, sub-type) overrides, first found wins
    only: frozenset[str] = frozenset()  #: the trigger counts only with one of these context classes near


@dataclass(frozen=True)
class EventLexicon:
    """One language's trigger lexicon (see ``data/events/slavic_ru.yaml``)."""

    triggers: MappingProxyType[str, tuple[Trigger, ...]]  #: first lemma -> triggers, longest first
    contexts: MappingProxyType[str, frozenset[str]]
    numbers: MappingProxyType[str, float]
    vague: MappingProxyType[str, float | None]
    bounds: MappingProxyType[str, tuple[tuple[str, ...], ...]]  #: lower/upper/approx -> phrases
    units: MappingProxyType[str, tuple[str, str]]  #: lemma -> (kind, unit)
    people_kinds: MappingProxyType[str, frozenset[str]]
    hypothetical: frozenset[str]
    negation: frozenset[str]


@lru_cache(maxsize=2)
def event_lexicon(language: str) -> EventLexicon:
    """The lexicon of ``language`` ("ru" or "uk"), loaded once."""
    import yaml

    text = resources.files("claimwatch").joinpath(f"data/events/slavic_{language}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    triggers: dict[str, list[Trigger]] = {}
    for phrase, entry in data["triggers"].items():
        lemmas = tuple(fold(w) for w in str(phrase).split())
        event_type_of(entry["sub_type"])  # an unknown sub-type fails here, at load
        when = tuple((str(k), str(v)) for k, v in (entry.get("when") or {}).items())
        for _, sub in when:
            event_type_of(sub)
        triggers.setdefault(lemmas[0], []).append(
            Trigger(lemmas, entry["sub_type"], when, frozenset(entry.get("only") or ())))
    return EventLexicon(
        triggers=MappingProxyType({k: tuple(sorted(v, key=lambda t: -len(t.lemmas))) for k, v in triggers.items()}),
        contexts=MappingProxyType({k: frozenset(fold(str(w)) for w in v) for k, v in data["contexts"].items()}),
        numbers=MappingProxyType({fold(str(k)): float(v) for k, v in data["numbers"].items()}),
        vague=MappingProxyType({fold(str(k)): (float(v) if v is not None else None)
                                for k, v in data["vague"].items()}),
        bounds=MappingProxyType({k: tuple(sorted((tuple(fold(str(p)).split()) for p in v), key=len, reverse=True))
                                 for k, v in data["bounds"].items()}),
        units=MappingProxyType({fold(str(k)): (str(v[0]), str(v[1])) for k, v in data["units"].items()}),
        people_kinds=MappingProxyType({k: frozenset(fold(str(w)) for w in v)
                                       for k, v in data["people_kinds"].items()}),
        hypothetical=frozenset(fold(str(w)) for w in data["hypothetical"]),
        negation=frozenset(fold(str(w)) for w in data["negation"]),
    )


def _keys(tok: Token) -> tuple[str, str]:
    return tok.lemma_, fold(tok.text)


# ------------------------------------------------------------------------------------------------ triggers


@dataclass(frozen=True, slots=True)
class Found:
    """One typed trigger: token range and sub-type."""

    start: int
    end: int
    sub_type: str


def triggers(doc: Doc, start: int, end: int, lex: EventLexicon) -> list[Found]:
    """Typed triggers among tokens ``[start, end)`` of ``doc``."""
    out = []
    i = start
    while i < end:
        tok = doc[i]
        got = None
        for trig in lex.triggers.get(tok.lemma_, ()):
            k = len(trig.lemmas)
            if i + k <= end and all(doc[i + j].lemma_ == trig.lemmas[j] for j in range(1, k)):
                sub = _sub_type(doc, i, i + k, trig, lex)
                if sub is not None:
                    got = Found(i, i + k, sub)
                    break
        if got is not None:
            out.append(got)
            i = got.end
        else:
            i += 1
    return out


def _sub_type(doc: Doc, start: int, end: int, trig: Trigger, lex: EventLexicon) -> str | None:
    near = _classes(doc, start, end, lex)
    if trig.only and not trig.only & near:
        return None
    for cls, sub in trig.when:
        if cls in near:
            return sub
    return trig.sub_type


def _classes(doc: Doc, start: int, end: int, lex: EventLexicon) -> set[str]:
    """The context classes present within :data:`WINDOW` words of a trigger, in its sentence; "place" for a
    capitalised word right after it."""
    sent = sentence_index(doc).of(start)
    lo, hi = max(sent.start, start - WINDOW), min(sent.end, end + WINDOW)
    found = set()
    for tok in doc[lo:hi]:
        if start <= tok.i < end:
            continue
        keys: tuple[str, ...] = _keys(tok)
        if "-" in keys[0]:  # "FPV-дронами" -> "fpv-дрон": its parts too
            keys = (*keys, *keys[0].split("-"))
        for cls, words in lex.contexts.items():
            if any(k in words for k in keys):
                found.add(cls)
    if any(t.text[:1].isupper() and t.is_alpha for t in doc[end:min(hi, end + 4)]):
        found.add("place")
    return found


# ---------------------------------------------------------------------------------------------- quantities

_DIGITS = re.compile(r"^\d+(?:[.,]\d+)?$")


def quantities(doc: Doc, start: int, end: int, lex: EventLexicon) -> list[Quantity]:
    """Numbers with their counted nouns among tokens ``[start, end)``: "12 беспилотников", "более тысячи
    военнослужащих", "двое мирных жителей", "2,5 тыс. км"."""
    text = doc_text(doc)
    out: list[Quantity] = []
    i = start
    while i < end:
        got = _number(doc, i, end, lex)
        if got is None:
            i += 1
            continue
        value, j = got
        q = _quantity(doc, text, i, j, end, value, lex)
        if q is not None:
            out.append(q)
        i = max(j, i + 1)
    return out


def _number(doc: Doc, i: int, end: int, lex: EventLexicon) -> tuple[float | None, int] | None:
    """The value of the number starting at token ``i`` (None for a vague "несколько") and the token after it."""
    tok = doc[i]
    lemma, low = _keys(tok)
    if _DIGITS.match(tok.text) and not (len(tok.text) == 4 and tok.text.startswith(("19", "20"))):
        value = float(tok.text.replace(",", "."))
        j = i + 1
        while j < end and _DIGITS.match(doc[j].text) and len(doc[j].text) == 3 and tok.whitespace_:
            value = value * 1000 + float(doc[j].text)  # "1 200"
            j += 1
        if j < end and (doc[j].lemma_ in ("тысяча", "тисяча", "тыс", "тис") or fold(doc[j].text) in ("тыс", "тис")):
            value *= 1000
            j += 1
            if j < end and doc[j].text == ".":
                j += 1
        return value, j
    if lemma in lex.vague and lemma not in lex.numbers or low in lex.vague:
        return lex.vague.get(lemma, lex.vague.get(low)), i + 1
    if lemma not in lex.numbers and low not in lex.numbers:
        return None
    total, current, j = 0.0, 0.0, i
    while j < end and (doc[j].lemma_ in lex.numbers or fold(doc[j].text) in lex.numbers):
        v = lex.numbers.get(doc[j].lemma_, lex.numbers.get(fold(doc[j].text), 0.0))
        if v >= 1000:
            total += max(current, 1) * v
            current = 0
        else:
            current += v
        j += 1
    return total + current, j


def _bound(doc: Doc, i: int, lex: EventLexicon) -> tuple[str | None, int]:
    """"более", "не менее", "до", "около" before token ``i``: the bound kind and where the phrase starts."""
    words = [fold(t.text) for t in doc[max(0, i - 3):i]]
    for kind in ("lower", "upper", "approx"):
        for p in lex.bounds.get(kind, ()):
            if tuple(words[len(words) - len(p):]) == p and len(p) <= len(words):
                return kind, i - len(p)
    return None, i


def _quantity(doc: Doc, text: str, i: int, j: int, end: int, value: float | None,
              lex: EventLexicon) -> Quantity | None:
    noun = None
    for k in range(j, min(end, j + 4)):
        lemma, low = _keys(doc[k])
        if lemma in lex.units or low in lex.units:
            noun = doc[k]
            break
        if doc[k].pos_ not in ("ADJ", "NUM", "X", "PROPN") and not doc[k].is_punct:
            break
    if noun is None:
        return None
    kind, unit = lex.units.get(noun.lemma_) or lex.units[fold(noun.text)]
    if kind == "people":
        kind = _people_kind(doc, noun, lex)
    bound, first = _bound(doc, i, lex)
    lower: float | None
    upper: float | None
    if value is None:
        lower = upper = None
    elif bound == "lower":
        lower, upper = value, None
    elif bound == "upper":
        lower, upper = None, value
    elif bound == "approx":
        lower, upper = round(value * 0.9, 2), round(value * 1.1, 2)
    else:
        lower = upper = value
    if value is not None and _vague(doc[i], lex):
        upper = None
    if unit == "people" and kind == "people" and noun.lemma_ in ("атака",):
        return None
    return Quantity(value, lower, upper, unit, kind, Span.of(text, doc[first].idx, noun.idx + len(noun.text)))


def _vague(tok: Token, lex: EventLexicon) -> bool:
    return tok.lemma_ in lex.vague and tok.lemma_ not in lex.numbers


def _people_kind(doc: Doc, noun: Token, lex: EventLexicon) -> str:
    """killed / wounded / captured / casualties from the nearest such word in the sentence, else people."""
    sent = sentence_index(doc).of(noun.i)
    best: tuple[int, str] | None = None
    for tok in sent:
        for kind, words in lex.people_kinds.items():
            if tok.lemma_ in words and (best is None or abs(tok.i - noun.i) < best[0]):
                best = (abs(tok.i - noun.i), kind)
    return best[1] if best is not None else "people"


# --------------------------------------------------------------------------------------------------- dates

_NIGHT = re.compile(r"\b(?:в|у)\s+ночь\s+(?:с\s+\S+\s+)?на\s+(?P<ru>\d{1,2}\s+[а-яё]+|[а-яё]+)|"
                    r"\b(?:в|у)\s+ніч\s+(?:з\s+\S+\s+)?(?:на|проти)\s+(?P<uk>\d{1,2}\s+[а-яіїєґ']+|[а-яіїєґ']+)",
                    re.IGNORECASE)
_WEEKDAYS = {w: n for n, group in enumerate((
    "понедельник понеділок", "вторник вівторок", "среду среда середу середа", "четверг четвер",
    "пятницу пятница п'ятницю п'ятниця", "субботу суббота суботу субота", "воскресенье неділю неділя"))
    for w in group.split()}
_WEEKDAY = re.compile(r"\b(?:в|во|у)\s+(?P<day>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)
_BEFORE = re.compile(r"\b(?P<w>накануне|напередодні|позавчера|позавчора|позавчора)\b", re.IGNORECASE)


def find_dates(doc: Doc, published: datetime | None, language: str) -> list[DateRange]:
    """Date expressions of a Cyrillic ``doc``: the shared finder's (:func:`dates.find`: "вчера", "5 марта",
    "минулого тижня", dateparser with ``languages=[language]``), plus nights ("в ночь на 5 марта" is the night
    before that day), weekdays ("в среду": the last one up to publication) and "накануне"."""
    text = doc_text(doc)
    base = published.date() if published is not None else None
    found = [d for d in dates.find(doc, published, (language,)) if d.span is not None]
    own = [d for d in (*_nights(text, base, language), *_weekdays(text, base), *_befores(text, base))
           if d.span is not None]
    taken = [(d.span.start, d.span.end) for d in own if d.span is not None]
    kept = [d for d in found if d.span is not None and not any(s <= d.span.start < e for s, e in taken)]
    return sorted([*own, *kept], key=lambda d: d.span.start if d.span else -1)


def _nights(text: str, base: date | None, language: str) -> Iterable[DateRange]:
    for m in _NIGHT.finditer(text):
        target = (m.group("ru") or m.group("uk") or "").lower().replace("’", "'")
        day = _weekday_before(base, _WEEKDAYS[target]) if target in _WEEKDAYS and base else None
        if day is None:
            got = dates.parse(target, base, (language,))
            if got is None or got[2] != "day" or not got[0] or got[0].startswith("--"):
                continue
            day = date.fromisoformat(got[0])
        yield DateRange((day - timedelta(days=1)).isoformat(), day.isoformat(), "day", Span.of(text, m.start(), m.end()))


def _weekdays(text: str, base: date | None) -> Iterable[DateRange]:
    for m in _WEEKDAY.finditer(text):
        if base is None:
            yield DateRange(None, None, "unknown", Span.of(text, m.start(), m.end()))
            continue
        day = _weekday_before(base, _WEEKDAYS[m.group("day").lower().replace("’", "'")])
        yield DateRange(day.isoformat(), day.isoformat(), "day", Span.of(text, m.start(), m.end()))


def _befores(text: str, base: date | None) -> Iterable[DateRange]:
    for m in _BEFORE.finditer(text):
        back = 2 if m.group("w").lower().startswith("поза") else 1
        if base is None:
            yield DateRange(None, None, "unknown", Span.of(text, m.start(), m.end()))
        else:
            day = base - timedelta(days=back)
            yield DateRange(day.isoformat(), day.isoformat(), "day", Span.of(text, m.start(), m.end()))


def _weekday_before(base: date | None, weekday: int) -> date:
    assert base is not None
    return base - timedelta(days=(base.weekday() - weekday) % 7)


# -------------------------------------------------------------------------------------------------- actors


def _bounds(doc: Doc, trig: Found, claim: Claim) -> tuple[int, int]:
    """Tokens an event's actors are looked for in: the trigger's sentence within the claim part holding it."""
    sent = sentence_index(doc).of(trig.start)
    lo, hi = sent.start, sent.end
    at = doc[trig.start].idx
    for p in claim.parts:
        if p.start <= at < p.end:
            span = doc.char_span(p.start, p.end, alignment_mode="contract")
            if span is not None:
                lo, hi = max(lo, span.start), min(hi, span.end)
    return lo, hi


def _actor1(doc: Doc, text: str, trig: Found, claim: Claim, registry: ActorRegistry) -> ActorRef | None:
    head = doc[trig.start]
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubj:pass") and child.i < head.i and _bounds(doc, trig, claim)[0] <= child.i:
            phrase = list(doc[child.left_edge.i:child.right_edge.i + 1])
            ref = _known(doc, text, phrase, claim, registry)
            if ref is not None:
                return ref
    lo, _ = _bounds(doc, trig, claim)
    before = list(doc[max(lo, trig.start - 12):trig.start])
    matches = registry.find(before)
    if matches:
        m = matches[-1]
        return _ref(text, doc, m.start, m.end, m.actor)
    enemy = next((t for t in reversed(before) if t.lemma_ in _ENEMY), None)
    if enemy is not None:
        return _enemy(doc, text, enemy, claim, registry)
    source = A.source_actor(doc, claim, registry)
    if source is None or claim.source is None:
        return None
    actor = registry.acting_for(source)
    return ActorRef(name=actor.name, span=None, actor_id=actor.id, side=actor.side, kind=actor.kind)


def _actor2(doc: Doc, text: str, trig: Found, claim: Claim, registry: ActorRegistry) -> ActorRef | None:
    _, hi = _bounds(doc, trig, claim)
    after = list(doc[trig.end:min(hi, trig.end + 12)])
    matches = registry.find(after)
    if matches:
        m = matches[0]
        return _ref(text, doc, m.start, m.end, m.actor)
    enemy = next((t for t in after if t.lemma_ in _ENEMY), None)
    return _enemy(doc, text, enemy, claim, registry) if enemy is not None else None


def _known(doc: Doc, text: str, phrase: list[Token], claim: Claim, registry: ActorRegistry) -> ActorRef | None:
    matches = registry.find(phrase)
    if matches:
        m = matches[0]
        return _ref(text, doc, m.start, m.end, m.actor)
    enemy = next((t for t in phrase if t.lemma_ in _ENEMY), None)
    return _enemy(doc, text, enemy, claim, registry) if enemy is not None else None


def _ref(text: str, doc: Doc, start: int, end: int, actor: Any) -> ActorRef:
    last = doc[end - 1]
    span = Span.of(text, doc[start].idx, last.idx + len(last.text))
    return ActorRef(name=actor.name, span=span, actor_id=actor.id, side=actor.side, kind=actor.kind)


def _enemy(doc: Doc, text: str, tok: Token, claim: Claim, registry: ActorRegistry) -> ActorRef:
    """"противник"/"ворог" in a party's claim: the other party's forces (the same rule for both parties)."""
    span = Span.of(text, tok.idx, tok.idx + len(tok.text))
    source = A.source_actor(doc, claim, registry)
    forces = registry.opponent_forces(source.side) if source is not None else None
    if forces is None:
        return ActorRef(name=span.text, span=span)
    return ActorRef(name=forces.name, span=span, actor_id=forces.id, side=forces.side, kind=forces.kind)


# ------------------------------------------------------------------------------------------------- claims


def annotate(doc: Doc, article: Article, claims: Sequence[Claim], registry: ActorRegistry, language: str) -> None:
    """Fill ``claim.events`` and ``claim.source.actor`` for every claim of a Russian or Ukrainian ``doc``."""
    if not claims:
        return
    lex = event_lexicon(language)
    found_dates = find_dates(doc, article.published, language)
    for claim in claims:
        try:
            if claim.source is not None:
                actor = A.source_actor(doc, claim, registry)
                claim.source.actor = actor.id if actor is not None else None
            claim.events = claim_events(doc, article, claim, registry, lex, found_dates)
        except Exception:  # an events bug must not cost the article its claims
            log.exception("event extraction failed for a claim at %d-%d", claim.content.start, claim.content.end)
            claim.events = []


def claim_events(doc: Doc, article: Article, claim: Claim, registry: ActorRegistry, lex: EventLexicon,
                 found_dates: list[DateRange]) -> list[Event]:
    text = doc_text(doc)
    typed: list[Found] = []
    quants: list[Quantity] = []
    for part in claim.parts:
        span = doc.char_span(part.start, part.end, alignment_mode="contract")
        if span is None or not len(span):
            continue
        typed += triggers(doc, span.start, span.end, lex)
        quants += quantities(doc, span.start, span.end, lex)
    kept = _one_per_sentence(doc, typed)
    events = [(t, _event(doc, text, t, claim, registry, lex)) for t in kept]
    for q in quants:
        _attach(doc, q, events)
    for t, ev in events:
        ev.date = _date_for(doc, t, claim, found_dates, article)
    return [ev for _, ev in events]


def _one_per_sentence(doc: Doc, typed: list[Found]) -> list[Found]:
    keep: dict[tuple[str, int], Found] = {}
    sents = sentence_index(doc)
    for t in typed:
        keep.setdefault((t.sub_type, sents.position(t.start)), t)
    return sorted(keep.values(), key=lambda t: t.start)


def _event(doc: Doc, text: str, t: Found, claim: Claim, registry: ActorRegistry, lex: EventLexicon) -> Event:
    trig = doc[t.start:t.end]
    actor1 = _actor1(doc, text, t, claim, registry)
    actor2 = _actor2(doc, text, t, claim, registry)
    if actor1 is not None and actor2 is not None and actor1.actor_id and actor1.actor_id == actor2.actor_id:
        actor2 = None
    before = [_keys(tok) for tok in doc[max(0, t.start - 3):t.start]]
    negated = bool(before) and (before[-1][1] in lex.negation)
    hypothetical = any(lemma in lex.hypothetical for lemma, _ in before)
    return Event(type=event_type_of(t.sub_type), sub_type=t.sub_type,
                 trigger=Span.of(text, trig.start_char, trig.end_char), actor1=actor1, actor2=actor2,
                 negated=negated, hypothetical=hypothetical)


_FITS: dict[str, Callable[[str], bool]] = {
    "munitions": lambda s: s in ("Disrupted weapons use", "Air/drone strike", "Shelling/artillery/missile attack"),
    "equipment": lambda s: s in ("Equipment destroyed", "Equipment captured", "Armed clash"),
    "settlements": lambda s: s in ("Government regains territory", "Non-state actor overtakes territory"),
    "area": lambda s: s in ("Government regains territory", "Non-state actor overtakes territory"),
}


def _attach(doc: Doc, q: Quantity, events: list[tuple[Found, Event]]) -> None:
    """A quantity goes to the nearest event that can count it (its own sentence first)."""
    if not events:
        return
    tok = doc.char_span(q.span.start, q.span.end, alignment_mode="expand")
    if tok is None:
        return
    sents = sentence_index(doc)

    def cost(te: tuple[Found, Event]) -> int:
        t, e = te
        fits = _FITS.get(q.kind, lambda s: True)(e.sub_type or "") if q.kind not in (
            "killed", "wounded", "captured", "casualties", "people") else e.type in (
            "Casualties", "Battles", "Explosions/Remote violence", "Prisoners") or e.sub_type == "Arrests"
        return abs(t.start - tok.start) + (0 if fits else 60) + (
            0 if sents.position(t.start) == sents.position(tok.start) else 200)

    min(events, key=cost)[1].quantities.append(q)


def _date_for(doc: Doc, t: Found, claim: Claim, found: list[DateRange], article: Article) -> DateRange:
    """A date inside the claim's content nearest the trigger, else one in its sentence (the week up to it), else
    the week up to publication."""
    at = doc[t.start].idx
    inside = [d for d in found if d.span is not None and any(p.contains(d.span) for p in claim.parts)]
    if inside:
        return min(inside, key=lambda d: abs((d.span.start if d.span else 0) - at))
    sent = sentence_index(doc).of(t.start)
    said = [d for d in found if d.span is not None and sent.start_char <= d.span.start < sent.end_char]
    if said and said[0].precision == "day" and said[0].end and not said[0].end.startswith("--"):
        end = date.fromisoformat(said[0].end)
        return DateRange((end - timedelta(days=6)).isoformat(), end.isoformat(), "week", said[0].span)
    return dates.default(article.published)


class SlavicEventsStage(Stage):
    """What each Russian or Ukrainian claim says happened: ACLED type and sub-type, actors, date, quantities."""

    name = "events"
    requires = ("doc", "claims")
    assigns = ("claims.events", "claims.source.actor")

    def __init__(self, language: str, actors: Callable[[], ActorRegistry]) -> None:
        self.language = language
        self._actors = actors  #: the actor registry, loaded on first use

    def __call__(self, analysis: Analysis) -> None:
        annotate(analysis.parsed, analysis.article, analysis.extraction.claims, self._actors(), self.language)

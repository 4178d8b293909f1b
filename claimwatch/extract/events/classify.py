"""Events: what each claim says happened, typed in ACLED's vocabulary (plus claimwatch's extensions).

Reads the parsed spaCy ``Doc`` of ``Article.text``, the article's claims (their content spans) and the actor
registry; writes ``Claim.source.actor`` (the registry id of the claimant, when known) and ``Claim.events``: a
list of :class:`~claimwatch.model.Event` with type and sub-type, trigger span, actor1/actor2, quantities, a
normalised date and the negated/hypothetical flags. ``Event.place`` is left for the geoparser. :func:`classify`
is the one typing function: claims and the CASE 2021 evaluator both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from ...model import Article, Claim, DateRange, Event, Quantity, Span
from ...text.intervals import StartIndex
from ...text.sentences import SentenceIndex, sentence_index
from . import arguments as A
from . import dates, quantities
from . import rules as R
from . import rules_strategic as S
from .lexicon import ACLED_TYPES, Match, event_type_of, matches

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from ...actors import ActorRegistry

log = logging.getLogger(__name__)

RESOLVERS: dict[str, Callable[[Match, R.Scope], R.Resolved | None]] = {
    "air": R.air, "shelling": R.shelling, "grenade": R.grenade, "suicide": R.suicide, "explosive": R.explosive,
    "chemical": R.chemical, "battle": R.battle, "attack": R.attack, "casualties": R.casualties,
    "equipment": R.equipment, "territory": R.territory, "disrupt": R.disrupt, "arrest": R.arrest,
    "abduct": R.abduct, "sexual": R.sexual, "protest": S.protest, "riot": S.riot, "mob": S.mob,
    "property": S.property_, "hq": S.hq, "group_change": S.group_change, "agreement": S.agreement,
    "diplo": S.diplo, "attrib": S.attrib, "natural": S.natural, "manmade": S.manmade, "crime": S.crime,
    "prisoners": S.prisoners, "aid": S.aid, "recruit": S.recruit, "election": S.election,
    "statement": S.statement,
}

#: Families whose cue words stay triggers inside a named entity ("the Russian Air Force struck ...").
_ENTITY_OK = {"air", "shelling"}
_MASK_ENTS = {"ORG", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "DATE", "TIME", "NORP"}
#: Weapon families whose words, when inside the object of a seizure or a delivery, name the object, not an attack.
_WEAPON_FAMILIES = {"air", "shelling", "grenade", "explosive", "chemical", "suicide"}
_OBJECT_TAKERS = {"Disrupted weapons use", "Weapons supplied", "Equipment destroyed", "Equipment captured",
                  "Organised crime"}
_POSITION = (1.0, 0.85, 0.7)
_TALLIES = {"Casualties", "Equipment loss"}


@dataclass(frozen=True, slots=True)
class Typed:
    """One typed trigger: what :func:`classify` returns."""

    type: str
    sub_type: str
    start: int  #: trigger token range in the doc
    end: int
    score: float
    family: str

    def trigger(self, doc: Doc) -> SpacySpan:
        return doc[self.start:self.end]


def classify(tokens: SpacySpan | Sequence[Token], kind_of: R.KindOf | None = None) -> list[Typed]:
    """Typed event triggers in ``tokens`` (a Span or consecutive tokens), one per trigger, in text order.

    ``kind_of`` tells state from non-state actors (the registry's :meth:`ActorRegistry.kind_of`); without it the
    context word lists decide. The best-scored entry is the snippet-level type (see :func:`best`).
    """
    bounds = _bounds(tokens)
    if bounds is None:
        return []
    doc, start, end = bounds
    found = matches(doc, start, end)
    families = [m for m in found if m.kind == "family" and not _masked(doc, m) and not _names_equipment(doc, m)
                and not _no_fighting(doc, m)]
    contexts: dict[str, list[Match]] = {}
    for m in found:
        if m.kind == "context" and not _denied_context(doc, m):
            contexts.setdefault(m.name, []).append(m)
    sents = sentence_index(doc)
    scope = R.Scope(doc, start, end, families, contexts, kind_of, sents)
    sent_starts = sorted({sents.of(m.start).start for m in families})
    typed = [t for m in families if (t := _resolve(m, scope, sent_starts)) is not None]
    typed = _drop_commemorated(doc, sents, _drop_attackers_nouns(doc, _drop_named_objects(doc, typed)))
    return _one_per_trigger([t for t in typed if not _since(doc, t) and not _unrealised(doc, t)])


def _unrealised(doc: Doc, t: Typed) -> bool:
    """An action the sentence says was stopped first: "destroyed a launcher before it could fire on the city"
    (what happened is the destruction, not a shelling)."""
    tok = doc[t.start:t.end].root
    return any(c.dep_ == "mark" and c.lower_ == "before" for c in tok.children) and any(
        c.dep_ == "aux" and c.lower_ in ("could", "can") for c in tok.children)


_PERIOD_START = frozenset({"start", "beginning", "outbreak", "onset", "launch"})


def _since(doc: Doc, t: Typed) -> bool:
    """A trigger that only dates a period: "schools closed since the start of the fighting", "since the
    invasion" (the event is long past; what the sentence tells is something else)."""
    tok = doc[t.start:t.end].root
    for _ in range(3):  # the trigger, "the start of" it, "since" them
        if tok.dep_ == "pobj" and tok.head.lower_ == "since":
            return True
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.lemma_.lower() in _PERIOD_START:
            tok = tok.head.head
            continue
        return False
    return False


#: words of a commemoration: what it recalls happened before ("a memorial service for the soldiers killed in the
#: battle", "the anniversary of the liberation of the city")
_COMMEMORATION = frozenset({"memorial", "ceremony", "anniversary", "commemorate", "commemoration", "remembrance",
                            "tribute", "wreath", "mourn"})


def _drop_commemorated(doc: Doc, sents: SentenceIndex, typed: list[Typed]) -> list[Typed]:
    """Triggers that a commemoration word before them in their sentence recalls are background, unless the
    trigger heads the sentence ("After the memorial service, a drone struck the square")."""
    def recalled(t: Typed) -> bool:
        sent = sents.of(t.start)
        if not any(doc[i].lemma_.lower() in _COMMEMORATION for i in range(sent.start, t.start)):
            return False
        return all(doc[i].dep_ != "ROOT" for i in range(t.start, t.end))

    return [t for t in typed if not recalled(t)]


def _drop_attackers_nouns(doc: Doc, typed: list[Typed]) -> list[Typed]:
    """"Armed men torched several trucks": the attackers' noun is no event of its own when they are the subject of
    a verb typed as another kind of event, which says what happened."""
    def other_event_at(i: int) -> bool:
        return any(u.family not in R.SAME_KIND and u.start <= i < u.end for u in typed)

    def drop(t: Typed) -> bool:
        if t.family != "attack" or " ".join(tok.lemma_.lower() for tok in doc[t.start:t.end]) not in R.ATTACKER_NOUNS:
            return False
        verb = R.attackers_verb(doc, t.start, t.end)
        return verb is not None and other_event_at(verb)

    return [t for t in typed if not drop(t)]


def _bounds(tokens: SpacySpan | Sequence[Token]) -> tuple[Doc, int, int] | None:
    """(doc, first token index, end index) of a Span or a run of consecutive tokens."""
    if hasattr(tokens, "start") and hasattr(tokens, "doc"):
        span = cast("SpacySpan", tokens)
        return (span.doc, span.start, span.end) if len(span) else None
    toks = list(tokens)
    return (toks[0].doc, toks[0].i, toks[-1].i + 1) if toks else None


def best(typed: Sequence[Typed]) -> Typed | None:
    """The highest-scored typed trigger (earliest on ties)."""
    return max(typed, key=lambda t: (t.score, -t.start), default=None)


_EQUIPMENT_NOUNS = {"vehicle", "system", "piece", "helicopter", "aircraft", "jet", "plane", "boat", "ship", "unit",
                    "gun", "launcher", "battery", "brigade", "regiment", "battalion", "group", "force", "troop"}
_NAMING_FAMILIES = {"battle", "shelling", "attack", "air", "explosive"}


def _names_equipment(doc: Doc, m: Match) -> bool:
    """"armoured combat vehicles", "attack helicopters", "assault brigade": a trigger word naming equipment or a
    unit is no event."""
    if m.name not in _NAMING_FAMILIES or m.end - m.start != 1:
        return False
    tok = doc[m.start]
    return tok.dep_ in ("compound", "amod") and tok.head.lemma_.lower() in _EQUIPMENT_NOUNS and tok.head.i > tok.i


#: Nouns after "riot" that name the police's kit or units, not a riot ("riot police cordoned off the square").
_RIOT_KIT = frozenset({"police", "policeman", "policemen", "officer", "officers", "gear", "shield", "shields",
                       "squad", "unit", "units", "troops", "control", "helmet", "helmets", "van", "vans"})


def _no_fighting(doc: Doc, m: Match) -> bool:
    """"changed hands without fighting", "occupied without clashes", "no fighting was reported": the battle word
    says there was none."""
    if m.name != "battle":
        return False
    before = [doc[i].lower_ for i in range(max(0, m.start - 2), m.start)]
    return bool(before) and (before[-1] in ("without", "no") or before == ["without", "a"])


def _denied_context(doc: Doc, m: Match) -> bool:
    """A context word that says the opposite of its meaning here: "without violence", "no clashes" (a protest
    that stayed peaceful), or "riot" in "riot police" (who intervened, not what the crowd did)."""
    before = doc[m.start - 1].lower_ if m.start > 0 else ""
    if m.name in ("protest_violence", "protest_force") and before in ("without", "no", "non"):
        return True
    after = doc[m.end].lower_ if m.end < len(doc) else ""
    return doc[m.start].lower_ == "riot" and after in _RIOT_KIT


def _masked(doc: Doc, m: Match) -> bool:
    if m.name in _ENTITY_OK:
        return False
    ents = {doc[i].ent_type_ for i in range(m.start, m.end)}
    if ents == {"PERSON"} and all(doc[i].pos_ == "NOUN" for i in range(m.start, m.end)):
        return False  # a common noun the small model took for a name ("Wildfires burned ...")
    return bool(ents) and ents <= _MASK_ENTS and "" not in ents


def _resolve(m: Match, scope: R.Scope, sent_starts: list[int]) -> Typed | None:
    got = RESOLVERS[m.name](m, scope)
    if got is None:
        return None
    sub, score = got
    order = sent_starts.index(scope.sent(m.start).start) if sent_starts else 0
    score *= _POSITION[min(order, len(_POSITION) - 1)]
    dep = R.head_of(scope.doc, m).dep_
    if dep == "ROOT":
        score += 0.3
    elif dep == "compound":
        score -= 0.2
    elif dep == "relcl":  # background in a relative clause ("the airport that militants had seized")
        score -= 0.6
    return Typed(event_type_of(sub), sub, m.start, m.end, round(score, 3), m.name)


def _drop_named_objects(doc: Doc, typed: list[Typed]) -> list[Typed]:
    """Weapon words inside what was seized or delivered ("seized two grenades") are not attacks."""
    covered: set[int] = set()
    for t in typed:
        if t.sub_type in _OBJECT_TAKERS:
            head = doc[t.start:t.end].root
            objs = R.objects(head)
            covered.update(tok.i for tok in objs)
            if not objs:
                covered.update(range(t.end, min(t.end + 8, sentence_index(doc).of(head.i).end)))
    return [t for t in typed if not (t.family in _WEAPON_FAMILIES and t.start in covered)]


def _one_per_trigger(typed: list[Typed]) -> list[Typed]:
    """The best reading of each trigger, plus a tally of another kind on the same word ("lost 300 soldiers and
    three tanks": casualties and equipment losses)."""
    bests: dict[int, Typed] = {}
    for t in typed:
        cur = bests.get(t.start)
        if cur is None or t.score > cur.score:
            bests[t.start] = t
    extra = [t for t in typed if t.type in _TALLIES and t.type != bests[t.start].type
             and bests[t.start].type in _TALLIES]
    return sorted([*bests.values(), *extra], key=lambda t: (t.start, -t.score))


# ------------------------------------------------------------------------------------------------ annotate

#: Claim events below this score are too weakly signalled to report (CASE typing takes the best regardless).
MIN_SCORE = 1.5
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"}
_NEG_GOVERNORS = {"fail", "deny", "refute", "reject", "dismiss", "unable", "prevent", "thwart", "foil"}
_HYPO_AUX = {"will", "would", "could", "may", "might", "shall", "should", "'ll", "wo", "can"}
_HYPO_GOVERNORS = {"plan", "intend", "threaten", "prepare", "aim", "want", "seek", "vow", "promise", "expect",
                   "consider", "hope", "going", "ready", "mull", "propose", "warn", "pledge", "order", "threat",
                   "possibility", "risk", "attempt", "try"}
_HYPO_NOUNS = {"threat", "plan", "possibility", "risk", "danger", "prospect"}
_SPEECH_TYPES = {"Responsibility claim or denial", "Statement/press conference", "Recruitment/mobilisation call"}


def annotate(doc: Doc, article: Article, claims: list[Claim], registry: ActorRegistry) -> None:
    """Fill ``claim.events`` for every claim from the tokens of its content parts (see the module docstring)."""
    if not claims:
        return
    langs = tuple(dict.fromkeys([article.language or "en", "en"]))
    found_dates = StartIndex([d for d in dates.find(doc, article.published, langs) if d.span], _date_start)
    for claim in claims:
        try:
            _resolve_source(doc, claim, registry)
            claim.events = claim_events(doc, article, claim, registry, found_dates)
        except Exception:  # an events bug must not cost the article its claims
            log.exception("event extraction failed for a claim at %d-%d", claim.content.start, claim.content.end)
            claim.events = []


def _resolve_source(doc: Doc, claim: Claim, registry: ActorRegistry) -> None:
    """``claim.source.actor``: the registry id of who makes the claim, when the registry knows it."""
    if claim.source is not None:
        actor = A.source_actor(doc, claim, registry)
        if actor is not None:
            claim.source.actor = actor.id


def claim_events(doc: Doc, article: Article, claim: Claim, registry: ActorRegistry,
                 found_dates: StartIndex[DateRange]) -> list[Event]:
    text = article.text
    out: list[tuple[Typed, Event]] = []
    quants: list[Quantity] = []
    for part in claim.parts:
        span = doc.char_span(part.start, part.end, alignment_mode="contract")
        if span is None or not len(span):
            continue
        typed = [t for t in classify(span, registry.kind_of) if t.score >= MIN_SCORE]
        out += [(t, _event(doc, text, t, claim, registry)) for t in _dedupe(doc, typed)]
        quants += quantities.find(span)
    out = _merge_casualties(doc, out)
    _attach_quantities(doc, out, quants)
    for t, ev in out:
        ev.date = _date_for(doc, t, claim, found_dates, article)
    return [ev for _, ev in out]


def _sent_start(doc: Doc, i: int) -> int:
    return sentence_index(doc).of(i).start


def _dedupe(doc: Doc, typed: list[Typed]) -> list[Typed]:
    """One event per sub-type and sentence (the best-scored trigger)."""
    keep: dict[tuple[str, int], Typed] = {}
    for t in typed:
        key = (t.type if t.sub_type not in ACLED_TYPES else t.sub_type, _sent_start(doc, t.start))
        if key not in keep or t.score > keep[key].score:
            keep[key] = t
    return sorted(keep.values(), key=lambda t: t.start)


def _event(doc: Doc, text: str, t: Typed, claim: Claim, registry: ActorRegistry) -> Event:
    trig = doc[t.start:t.end]
    head = trig.root
    speaks = t.type in _SPEECH_TYPES  # "it claims responsibility": "it" is the claimant
    actor1 = A.actor(doc, text, R.subjects(head), claim, registry, speaks)
    actor2 = A.actor(doc, text, A.patients(head), claim, registry)
    if actor2 is not None and actor1 is not None and actor2.span == actor1.span:
        actor2 = None
    return Event(type=t.type, sub_type=t.sub_type, trigger=Span.of(text, trig.start_char, trig.end_char),
                 actor1=actor1, actor2=actor2, negated=_negated(head), hypothetical=_hypothetical(head))


def _negated(head: Token) -> bool:
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in head.children):
        return True
    for c in head.children:  # "no one was hurt", "nobody was killed"
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and (c.lower_ in ("nobody", "none", "nothing", "noone") or any(
                d.dep_ == "det" and d.lower_ == "no" for d in c.children)):
            return True
    tok = head
    for _ in range(3):
        if tok.dep_ not in ("xcomp", "ccomp", "dobj", "pcomp", "pobj", "prep", "acl", "advcl") or tok.head is tok:
            return False
        parent = tok.head
        if parent.lemma_.lower() in _NEG_GOVERNORS or parent.lower_ == "without":
            return True
        if tok.dep_ == "xcomp" and any(c.dep_ == "neg" for c in parent.children):
            return True
        tok = parent
    return False


def _hypothetical(head: Token) -> bool:
    tok = head
    for depth in range(4):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _HYPO_AUX for c in tok.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return True
        if depth and tok.lemma_.lower() in _HYPO_GOVERNORS:
            return True
        if tok.dep_ == "pobj" and tok.head.head.lemma_.lower() in _HYPO_NOUNS:
            return True
        if tok.dep_ not in ("xcomp", "pcomp", "pobj", "prep", "dobj", "conj", "acl", "nsubj", "nsubjpass") \
                or tok.head is tok:
            return False
        tok = tok.head
    return False


# ----------------------------------------------------------------------------------- casualties, quantities

_COMPATIBLE = {
    "area": {"Government regains territory", "Non-state actor overtakes territory",
             "Non-violent transfer of territory"},
    "settlements": {"Government regains territory", "Non-state actor overtakes territory",
                    "Non-violent transfer of territory"},
    "equipment": {"Equipment destroyed", "Equipment captured", "Disrupted weapons use", "Weapons supplied",
                  "Armed clash", "Air/drone strike", "Shelling/artillery/missile attack"},
    "munitions": {"Air/drone strike", "Shelling/artillery/missile attack", "Disrupted weapons use",
                  "Weapons supplied", "Remote explosive/landmine/IED", "Grenade"},
}


def _merge_casualties(doc: Doc, found: list[tuple[Typed, Event]]) -> list[tuple[Typed, Event]]:
    """A casualty word ("killing six") in the same sentence as a violent event tells that event's toll, not
    another event: it is dropped and its victims become the event's actor2 when it has none."""
    main = [(t, e) for t, e in found if e.type in _VIOLENT and not _toll(doc, t, e)]
    out = []
    for t, e in found:
        same = [(v, ve) for v, ve in main if _sent_start(doc, v.start) == _sent_start(doc, t.start)]
        if same and _toll(doc, t, e):
            target = min(same, key=lambda ve: abs(ve[0].start - t.start))[1]
            if target.actor2 is None and e.actor2 is not None and target.sub_type not in _TERRITORY:
                target.actor2 = e.actor2
            continue
        out.append((t, e))
    return out


_TOLL = {"kill", "killing", "wound", "injure", "die", "dead", "death", "hurt", "injured", "wounded", "killed"}


def _toll(doc: Doc, t: Typed, e: Event) -> bool:
    return e.type == "Casualties" or (t.family == "attack" and doc[t.start].lemma_.lower() in _TOLL)


def _attach_quantities(doc: Doc, found: list[tuple[Typed, Event]], quants: list[Quantity]) -> None:
    """Each quantity goes to the nearest compatible event, preferring its own sentence."""
    if not found:
        return
    for q in quants:
        tok = doc.char_span(q.span.start, q.span.end, alignment_mode="expand")
        if tok is None:
            continue
        at, sent = tok.start, _sent_start(doc, tok.start)

        def cost(te: tuple[Typed, Event], at: int = at, sent: int = sent, q: Quantity = q) -> int:
            t, e = te
            good = q.kind not in _COMPATIBLE or e.sub_type in _COMPATIBLE[q.kind]
            if q.kind in ("killed", "wounded", "captured", "casualties", "people"):
                good = e.type in _VIOLENT or e.type in ("Casualties", "Prisoners") or e.sub_type == "Arrests"
            return abs(t.start - at) + (0 if good else 60) + (0 if _sent_start(doc, t.start) == sent else 200)

        min(found, key=cost)[1].quantities.append(q)


# ------------------------------------------------------------------------------------------------- dates


def _date_start(d: DateRange) -> int:
    return d.span.start if d.span else -1


def _date_for(doc: Doc, t: Typed, claim: Claim, found: StartIndex[DateRange], article: Article) -> DateRange:
    """A date inside the claim's content (nearest to the trigger), else the date its statement was made (the week
    up to it), else the default (the week up to publication). ``found``: the article's dates with spans."""
    trig = doc[t.start].idx
    inside = [d for p in claim.parts for d in found.starting_in(p.start, p.end) if d.span and p.contains(d.span)]
    if inside:
        best_date = min(inside, key=lambda d: abs(_date_start(d) - trig))
        return _future(best_date, article) if ev_hypothetical(doc, t) else best_date
    sent = sentence_index(doc).of(t.start)
    said = found.starting_in(sent.start_char, sent.end_char)
    if said:
        return _week_up_to(min(said, key=lambda d: abs(_date_start(d) - trig)))
    return dates.default(article.published)


def ev_hypothetical(doc: Doc, t: Typed) -> bool:
    return _hypothetical(doc[t.start:t.end].root)


def _future(d: DateRange, article: Article) -> DateRange:
    """A hypothetical event's date read forwards ("will hold a press conference on Monday")."""
    if d.span is None or article.published is None:
        return d
    got = dates.parse(d.span.text, article.published.date(), ("en",), True)
    return DateRange(got[0], got[1], got[2], d.span) if got is not None else d


def _week_up_to(d: DateRange) -> DateRange:
    if d.precision != "day" or not d.end or d.end.startswith("--"):
        return d
    end = date.fromisoformat(d.end)
    return DateRange((end - timedelta(days=6)).isoformat(), end.isoformat(), "week", d.span)


# --------------------------------------------------------------------------------------- after geoparsing

_TERRITORY = {"Government regains territory", "Non-state actor overtakes territory"}


#: trigger words an "Arrests" reading shares with taking a place ("captured Chasiv Yar")
_TAKING = ("captur", "seiz", "took", "take", "taking", "occup")
#: most characters between such a trigger and the place it took ("captured the town of …")
_TAKEN_GAP = 25


def refine_with_places(claims: Sequence[Claim], registry: ActorRegistry) -> None:
    """Once ``event.place`` is known: a capture of a resolved settlement right after the trigger is taking
    territory, not an arrest (the parse saw a person's name in a town the model did not know); then territory
    events are retyped by ACLED's rule (:func:`territory_sub_type`)."""
    for claim in claims:
        for ev in claim.events:
            if _took_place(ev):
                ev.type, ev.sub_type = "Battles", "Non-state actor overtakes territory"
            ev.sub_type = territory_sub_type(ev, registry)


def _took_place(ev: Event) -> bool:
    place = ev.place
    if ev.sub_type != "Arrests" or place is None or place.place is None or place.role != "location":
        return False
    gap = place.span.start - ev.trigger.end
    return ev.trigger.text.lower().startswith(_TAKING) and 0 <= gap <= _TAKEN_GAP


def territory_sub_type(ev: Event, registry: ActorRegistry) -> str | None:
    """ACLED's rule for territory: a state force taking a place in its own country regains territory; a foreign
    state force taking it overtakes territory (as a non-state actor does). The same rule for every party; events
    without a resolved place or a known state actor keep their parse-based sub-type."""
    if ev.sub_type not in _TERRITORY or ev.place is None or ev.place.place is None or ev.actor1 is None:
        return ev.sub_type
    actor = registry.get(ev.actor1.actor_id)
    country = ev.place.place.country
    if actor is None or not actor.country or not country or actor.kind not in ("state force", "government"):
        return ev.sub_type
    return "Government regains territory" if actor.country == country else "Non-state actor overtakes territory"

"""Events: what each claim says happened, typed in ACLED's vocabulary (plus claimwatch's extensions).

Reads the parsed spaCy ``Doc`` of ``Article.text``, the article's claims (their content spans) and the actor
registry; writes ``Claim.events``: a list of :class:`~claimwatch.model.Event` with type and sub-type, trigger span,
actor1/actor2, quantities, a normalised date and the negated/hypothetical flags. ``Event.place`` is left for the
geoparser. :func:`classify` is the one typing function: claims and the CASE 2021 evaluator both call it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import event_rules as R
from . import event_rules_strategic as S
from .event_lexicon import Match, event_type_of, matches

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

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


@dataclass(frozen=True, slots=True)
class Typed:
    """One typed trigger: what :func:`classify` returns."""

    type: str
    sub_type: str
    start: int  #: trigger token range in the doc
    end: int
    score: float
    family: str

    def trigger(self, doc: Doc) -> Span:
        return doc[self.start:self.end]


def classify(tokens: Span | Sequence[Token], kind_of: R.KindOf | None = None) -> list[Typed]:
    """Typed event triggers in ``tokens`` (a Span or consecutive tokens), one per trigger, in text order.

    ``kind_of`` tells state from non-state actors (the registry's :meth:`ActorRegistry.kind_of`); without it the
    context word lists decide. The best-scored entry is the snippet-level type (see :func:`best`).
    """
    toks = list(tokens)
    if not toks:
        return []
    doc = toks[0].doc
    found = matches(toks)
    families = [m for m in found if m.kind == "family" and not _masked(doc, m)]
    contexts: dict[str, list[Match]] = {}
    for m in found:
        if m.kind == "context":
            contexts.setdefault(m.name, []).append(m)
    scope = R.Scope(doc, toks[0].i, toks[-1].i + 1, families, contexts, kind_of)
    sent_starts = sorted({doc[m.start].sent.start for m in families})
    typed = [t for m in families if (t := _resolve(m, scope, sent_starts)) is not None]
    return _one_per_trigger(_drop_named_objects(doc, typed))


def best(typed: Sequence[Typed]) -> Typed | None:
    """The highest-scored typed trigger (earliest on ties)."""
    return max(typed, key=lambda t: (t.score, -t.start), default=None)


def _masked(doc: Doc, m: Match) -> bool:
    if m.name in _ENTITY_OK:
        return False
    ents = {doc[i].ent_type_ for i in range(m.start, m.end)}
    return bool(ents) and ents <= _MASK_ENTS and "" not in ents


def _resolve(m: Match, scope: R.Scope, sent_starts: list[int]) -> Typed | None:
    got = RESOLVERS[m.name](m, scope)
    if got is None:
        return None
    sub, score = got
    order = sent_starts.index(scope.doc[m.start].sent.start) if sent_starts else 0
    score *= _POSITION[min(order, len(_POSITION) - 1)]
    if R.head_of(scope.doc, m).dep_ == "ROOT":
        score += 0.3
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
                covered.update(range(t.end, min(t.end + 8, head.sent.end)))
    return [t for t in typed if not (t.family in _WEAPON_FAMILIES and t.start in covered)]


def _one_per_trigger(typed: list[Typed]) -> list[Typed]:
    bests: dict[int, Typed] = {}
    for t in typed:
        cur = bests.get(t.start)
        if cur is None or t.score > cur.score:
            bests[t.start] = t
    return sorted(bests.values(), key=lambda t: t.start)

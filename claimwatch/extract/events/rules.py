"""Rules that turn a lexicon trigger into an event sub-type, reading its context and the dependency parse.

Reads: the matches of :mod:`.event_lexicon` over a run of tokens and their parse. Writes nothing: each family
has a resolver ``(match, scope) -> (sub_type, score) | None`` (None: this trigger does not denote an event of
that family here, e.g. "seized" with weapons as object is not a territory change). The rules consult the
context word sets of the lexicon and the trigger's syntactic arguments; they are the same for every party.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...text.sentences import SentenceIndex, sentence_index
from .lexicon import Match

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

Resolved = tuple[str, float]
#: (tokens of an actor phrase) -> "state" | "nonstate" | None, supplied by the actor registry
KindOf = Callable[[list["Token"]], str | None]

_OBJ_DEPS = ("dobj", "nsubjpass", "attr", "oprd", "obj")
_OBJ_PREPS = {"on", "against", "of", "at", "into", "in", "from", "near", "over", "to", "toward", "towards"}


@dataclass(slots=True)
class Scope:
    """What the resolvers may look at: the doc, the classified token range and its lexicon matches."""

    doc: Doc
    start: int
    end: int
    families: list[Match]
    contexts: dict[str, list[Match]] = field(default_factory=dict)
    kind_of: KindOf | None = None
    sents: SentenceIndex | None = None

    def ctx(self, name: str, lo: int | None = None, hi: int | None = None) -> int:
        """How many context words of set ``name`` lie in tokens [lo, hi) (default: the whole scope)."""
        lo = self.start if lo is None else lo
        hi = self.end if hi is None else hi
        return sum(1 for m in self.contexts.get(name, ()) if lo <= m.start and m.end <= hi)

    def sent(self, i: int) -> SpacySpan:
        return (self.sents or sentence_index(self.doc)).of(i)

    def sent_range(self, i: int) -> tuple[int, int]:
        sent = self.sent(i)
        return max(sent.start, self.start), min(sent.end, self.end)

    def sctx(self, name: str, m: Match) -> int:
        """Context words of ``name`` in the trigger's sentence."""
        return self.ctx(name, *self.sent_range(m.start))

    def fam_in_sent(self, family: str, m: Match) -> bool:
        lo, hi = self.sent_range(m.start)
        return any(f.name == family and lo <= f.start < hi for f in self.families)

    def near(self, name: str, m: Match, before: int = 2, after: int = 8) -> int:
        lo, hi = self.sent_range(m.start)
        return self.ctx(name, max(lo, m.start - before), min(hi, m.end + after))

    def in_tokens(self, name: str, toks: Iterable[Token]) -> int:
        idx = {t.i for t in toks}
        return sum(1 for m in self.contexts.get(name, ()) if m.start in idx)


# ------------------------------------------------------------------------------------------ parse helpers


def head_of(doc: Doc, m: Match) -> Token:
    return doc[m.start:m.end].root


def objects(head: Token) -> list[Token]:
    """Tokens of the trigger's object phrases (direct objects, passive subjects, on/against/of objects)."""
    out: list[Token] = []
    for c in head.children:
        if c.dep_ in _OBJ_DEPS or (c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") and head.pos_ == "VERB"):
            out.extend(c.subtree)  # a misattached conjunct of the object ("lost X, three tanks") counts too
        elif c.dep_ in ("prep", "agent") and c.lower_ in _OBJ_PREPS:
            for p in c.children:
                if p.dep_ == "pobj":
                    out.extend(p.subtree)
    if head.dep_ in ("amod", "compound", "acl") and head.head.pos_ in ("NOUN", "PROPN"):
        out.append(head.head)  # "seized weapons" parsed as a modifier, "the captured village"
    return out


def direct_objects(head: Token) -> list[Token]:
    """Tokens of the direct object (or passive subject) phrases only."""
    return [t for c in head.children if c.dep_ in ("dobj", "nsubjpass", "obj") for t in c.subtree]


#: Verbs that only carry a noun trigger ("carried out an attack", "claimed responsibility"): their subject acts.
SUPPORT_VERBS = frozenset({"carry", "launch", "conduct", "stage", "mount", "claim", "commit", "perpetrate", "make",
                           "begin", "start", "continue", "repel", "repulse", "organise", "organize", "hold",
                           "undertake", "unleash", "deliver", "inflict", "lead", "announce", "declare", "take",
                           "accept", "deny", "admit", "resume", "step", "intensify", "order", "sign", "reach",
                           "agree", "impose", "suffer", "sustain", "incur", "record", "report", "issue", "give",
                           "call", "urge", "post", "publish", "release", "send", "provide", "supply", "fire"})


def subjects(head: Token) -> list[Token]:
    """Tokens of the acting argument: active subject, passive agent, a noun trigger's possessor or "by" phrase
    (also through "carried out by"), inherited along verb chains ("failed to take", "shelled X, killing") and
    from support verbs ("launched an attack"), never from an unrelated governing verb ("did not mention
    sabotage")."""
    tok: Token | None = head
    for _ in range(3):
        if tok is None:
            break
        got = _own_subject(tok)
        if got:
            return got
        chain = tok.dep_ in ("conj", "xcomp", "advcl") and tok.head is not tok
        if chain or (tok.dep_ == "dobj" and tok.head.lemma_.lower() in SUPPORT_VERBS):
            tok = tok.head
        elif tok.dep_ == "pobj" and tok.head.head.lemma_.lower() in SUPPORT_VERBS:
            tok = tok.head.head
        else:
            break
    return []


def _own_subject(tok: Token) -> list[Token]:
    for c in tok.children:
        if c.dep_ in ("nsubj", "csubj"):
            return list(c.subtree)
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and tok.pos_ == "NOUN"):
            return [t for p in c.children if p.dep_ == "pobj" for t in p.subtree]
        if c.dep_ == "poss" and tok.pos_ in ("NOUN", "PROPN"):
            return list(c.subtree)
        if c.dep_ == "acl" and tok.pos_ == "NOUN":
            for a in c.children:
                if a.dep_ == "agent":
                    return [t for p in a.children if p.dep_ == "pobj" for t in p.subtree]
    return []


def _kind(scope: Scope, toks: list[Token]) -> str | None:
    if not toks:
        return None
    if scope.kind_of is not None:
        got = scope.kind_of(toks)
        if got:
            return got
    non, state = scope.in_tokens("nonstate_actor", toks), scope.in_tokens("state_actor", toks)
    if non > state or (non and non == state):  # "rebel forces", "opposition troops": the modifier decides
        return "nonstate"
    if state:
        return "state"
    return None


#: prepositions whose phrase inside an object says where it was, not what it was ("a car ... at a checkpoint")
_WHERE_PREPS = {"at", "in", "near", "outside", "inside", "along", "across", "by", "beside", "behind"}


def _without_where(objs: list[Token]) -> list[Token]:
    """``objs`` less the place phrases inside them ("a car carrying a family at a checkpoint" -> the car and
    the family)."""
    where = {t.i for o in objs if o.dep_ == "prep" and o.lower_ in _WHERE_PREPS for t in o.subtree}
    return [t for t in objs if t.i not in where]


def _target(scope: Scope, m: Match) -> str | None:
    """"civilian" or "military", from the trigger's objects (not where they were), else its sentence."""
    objs = _without_where(objects(head_of(scope.doc, m)))
    civ, mil = scope.in_tokens("civilian", objs), scope.in_tokens("military", objs)
    if civ == mil == 0:
        civ, mil = scope.sctx("civilian", m), scope.sctx("military", m)
    if civ > mil:
        return "civilian"
    if mil > civ:
        return "military"
    return None


def _word(scope: Scope, m: Match) -> str:
    return " ".join(t.lemma_.lower() for t in scope.doc[m.start:m.end])


# ------------------------------------------------------------------------------------------------ resolvers


def _hostile(scope: Scope, m: Match) -> bool:
    return scope.sctx("hostile", m) > 0 or any(
        scope.fam_in_sent(f, m) for f in ("battle", "shelling", "air", "attack", "explosive"))


def air(m: Match, s: Scope) -> Resolved | None:
    if s.fam_in_sent("manmade", m) and not s.sctx("hostile", m):
        return None
    w = m.weight
    if w < 3 and not (_hostile(s, m) or s.fam_in_sent("casualties", m)):
        w *= 0.4
    return "Air/drone strike", w


_EQUIPMENT_HEADS = {"system", "systems", "piece", "pieces", "unit", "units", "installation", "installations"}


def shelling(m: Match, s: Scope) -> Resolved | None:
    tok = s.doc[m.end - 1]
    if tok.dep_ in ("compound", "amod") and tok.head.lower_ in _EQUIPMENT_HEADS:
        return None  # "27 artillery systems" names equipment
    w = m.weight
    if w <= 3 and not (_hostile(s, m) or s.fam_in_sent("casualties", m) or s.fam_in_sent("equipment", m)):
        w *= 0.5
    if s.near("aircraft", m, 4, 4) and _word(s, m) in ("missile", "rocket", "bomb"):
        return "Air/drone strike", w
    if _fired_by_aircraft(m, s):
        return "Air/drone strike", w  # "a bomber fired cruise missiles": launched from the air
    return "Shelling/artillery/missile attack", w


def _fired_by_aircraft(m: Match, s: Scope) -> bool:
    """Whether the verb that the weapon is the object of has an aircraft (an air-family trigger) as its subject."""
    head = head_of(s.doc, m)
    if head.dep_ not in ("dobj", "obj") or head.head is head:
        return False
    actors = subjects(head.head)
    return any(f.name == "air" and any(f.start <= t.i < f.end for t in actors) for f in s.families)


def grenade(m: Match, s: Scope) -> Resolved | None:
    return "Grenade", m.weight


def suicide(m: Match, s: Scope) -> Resolved | None:
    if _word(s, m) == "suicide" and not s.near("explosive_context", m, 3, 6):
        return None
    return "Suicide bomb", m.weight


def explosive(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    head = head_of(s.doc, m)
    if word == "bomb" and head.pos_ == "VERB" and s.fam_in_sent("air", m):
        return "Air/drone strike", m.weight  # "the air force bombed a bridge": bombs dropped from the air
    if word == "mine" and not (_hostile(s, m) or s.fam_in_sent("casualties", m)):
        return None
    if s.sctx("industrial", m) and not s.sctx("hostile", m):
        return "Man-made disaster", m.weight + 0.5
    return "Remote explosive/landmine/IED", m.weight


def chemical(m: Match, s: Scope) -> Resolved | None:
    if s.fam_in_sent("manmade", m) and not s.sctx("hostile", m):
        return "Man-made disaster", m.weight
    return "Chemical weapon", m.weight


def _by_crowd(s: Scope, m: Match) -> bool:
    """The actors are a crowd of unarmed people (residents, youths, fans), not an armed group or a state force."""
    head = head_of(s.doc, m)
    actors = subjects(head)
    if not actors and head.dep_ == "acl":  # a misparse: "Youths from the villages clashed" with no subject
        actors = list(s.doc[s.sent_range(m.start)[0]:m.start])
    return bool(actors) and s.in_tokens("crowd", actors) > 0 and _kind(s, actors) is None


def battle(m: Match, s: Scope) -> Resolved | None:
    w = m.weight
    if _by_crowd(s, m):
        return "Mob violence", w + 0.5
    if s.fam_in_sent("protest", m) or s.fam_in_sent("riot", m):
        w *= 0.6
    return "Armed clash", w


_CIVILIAN_DEFAULT = {"gunman", "gunmen", "massacre", "stab", "stabbing", "behead", "execute", "execution",
                     "summary execution", "hack to death", "hacked to death", "murder", "torture", "beat",
                     "drive - by", "atrocity", "atrocities", "mass killing", "slaughter", "armed men",
                     "shoot dead", "shot dead", "gun down", "unidentified assailants", "assailant"}


#: attack triggers that name the attackers, not what they did
ATTACKER_NOUNS = {"gunman", "gunmen", "armed men", "armed man", "attacker", "assailant", "unidentified assailants",
                   "unidentified assailant"}  # as written and as lemmatised


def attackers_verb(doc: Doc, start: int, end: int) -> int | None:
    """The verb whose subject an attackers' noun trigger ("gunmen", "armed men") is, or None."""
    head = doc[start:end].root
    if head.dep_ not in ("nsubj", "nsubjpass") or head.head is head:
        return None
    return head.head.i


#: families whose events an attackers' noun already means (its own event is not dropped for them)
SAME_KIND = frozenset({"attack", "casualties", "battle"})


def attack(m: Match, s: Scope) -> Resolved | None:
    if _by_crowd(s, m):
        return "Mob violence", m.weight + 0.5
    target = _target(s, m)
    if target is None:
        target = "civilian" if _word(s, m) in _CIVILIAN_DEFAULT or s.doc[m.start].lower_ in _CIVILIAN_DEFAULT \
            else "military"
    if target == "civilian":
        return "Attack", m.weight + 0.4
    return "Armed clash", m.weight


_LOSS = {"lose", "lost", "loss", "losses", "destroy"}


#: families whose trigger, as the subject of a killing, makes the deaths that event's toll ("a fire killed 40")
_DISASTERS = {"manmade", "natural"}


def casualties(m: Match, s: Scope) -> Resolved | None:
    head = head_of(s.doc, m)
    if head.pos_ == "VERB" and any(f.name in _DISASTERS and any(f.start <= t.i < f.end for t in subjects(head))
                                   for f in s.families):
        return None  # the disaster is the event; the dead are its toll
    if _word(s, m) in _LOSS:
        objs = objects(head)
        people = s.in_tokens("person", objs) + s.in_tokens("military", objs) + s.in_tokens("civilian", objs)
        if not people and (s.in_tokens("equipment", objs) or s.in_tokens("weapon", objs) or
                           _word(s, m) in ("destroy",)):
            return None  # "lost two vehicles": equipment, not people
    victims = objects(head) or ([head.head] if head.dep_ in ("amod", "acl") else [])
    if head.dep_ in ("nsubj", "nsubjpass") or not victims:
        victims = victims or [t for t in head.subtree]
    civ, mil = s.in_tokens("civilian", victims), s.in_tokens("military", victims)
    if civ == mil == 0:
        civ, mil = s.sctx("civilian", m), s.sctx("military", m)
    sub = "Civilian casualties" if civ > mil else "Military casualties" if mil > civ else "Casualties"
    return sub, m.weight


_CAPTURE = {"seize", "capture", "trophy"}


_TALLY_VERBS = {"destroy", "destroyed", "lose", "lost", "capture", "seize", "trophy"}


#: what a vehicle "hit" that makes the hit an explosion, not a loss of equipment ("a bus hit an anti-tank mine")
_STRUCK_EXPLOSIVES = {"mine", "landmine", "ied", "bomb", "explosive", "device", "tripwire"}


def equipment(m: Match, s: Scope) -> Resolved | None:
    head = head_of(s.doc, m)
    if _word(s, m) == "hit" and any(c.lower_ in _STRUCK_EXPLOSIVES for c in head.children
                                    if c.dep_ in ("dobj", "obj")):
        return None
    objs = objects(head) if _word(s, m) in _TALLY_VERBS else direct_objects(head)
    hi = s.sent_range(m.start)[1]
    window = s.ctx("equipment", m.end, min(hi, m.end + 5)) if _word(s, m) in _TALLY_VERBS else 0
    if not (s.in_tokens("equipment", objs) or window):
        return None
    if s.in_tokens("weapon", objs) > s.in_tokens("equipment", objs):
        return None
    sub = "Equipment captured" if head.lemma_.lower() in _CAPTURE else "Equipment destroyed"
    return sub, m.weight


_TERRITORY_WEAK = {"take", "enter", "control", "fall", "clear", "secure", "advance", "expel", "evacuate", "abandon",
                   "retreat", "withdraw from", "pull out of", "mop up", "mop - up", "breakthrough", "occupation",
                   "push back"}
_WITHDRAW = {"withdraw from", "retreat", "pull out of", "abandon", "evacuate", "hand over", "handover", "cede"}
_LOSER = {"lose control", "fall", "fall to", "retreat", "withdraw from", "pull out of", "abandon", "evacuate"}
_PLACE_ENTS = ("GPE", "LOC", "FAC")


def _has_place(s: Scope, toks: list[Token]) -> bool:
    return s.in_tokens("place", toks) > 0 or any(t.ent_type_ in _PLACE_ENTS for t in toks)


def territory(m: Match, s: Scope) -> Resolved | None:
    head = head_of(s.doc, m)
    word = _word(s, m)
    if head.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in head.children):
        return None  # "is losing control", "are advancing": under way, no place has changed hands yet
    if head.dep_ == "amod":
        return None  # "the occupying army", "an abandoned factory" describe, they report no change
    objs = objects(head)
    direct = direct_objects(head)
    if direct and not _has_place(s, direct) and (s.in_tokens("weapon", direct) or s.in_tokens("person", direct)
                                                 or s.in_tokens("equipment", direct)):
        return None
    placed = _has_place(s, objs)
    if not placed:
        lo, hi = s.sent_range(m.start)
        sent = list(s.doc[lo:hi])
        if word in _TERRITORY_WEAK or not _has_place(s, sent):
            return None
    if word in _WITHDRAW:
        text = s.sent(m.start).text.lower()
        here = s.sent_range(m.start)
        others = [f for f in s.families if f.name == "territory" and f is not m and s.sent_range(f.start) == here]
        calm = s.sctx("nonviolent_transfer", m) > 1  # "withdrew … without a fight", "… under the deal"
        if not (others or "control" in text or "hands" in text or calm):
            return None
        return "Non-violent transfer of territory", m.weight
    if s.sctx("nonviolent_transfer", m) and not _hostile(s, m):
        return "Non-violent transfer of territory", m.weight
    return _captor_sub_type(s, m, head, word), m.weight + (0.5 if placed else 0.0)


def _speaker_subject(head: Token, captor: list[Token]) -> list[Token]:
    """For a pronoun captor ("the Legion said they had liberated"), the subject of the verb of saying above."""
    if not captor or any(t.pos_ != "PRON" for t in captor):
        return captor
    tok = head
    while tok.dep_ in ("ccomp", "conj", "xcomp") and tok.head is not tok:
        tok = tok.head
        above = _own_subject(tok)
        if above and any(t.pos_ != "PRON" for t in above):
            return above
    return captor


def _taken_from(s: Scope, head: Token) -> str | None:
    """The captor's kind told by whom a place was taken from ("liberated it from government forces")."""
    source = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "from"
              for p in c.children if p.dep_ == "pobj" for t in p.subtree]
    return {"state": "nonstate", "nonstate": "state"}.get(_kind(s, source) or "")


def _captor_sub_type(s: Scope, m: Match, head: Token, word: str) -> str:
    captor = _speaker_subject(head, subjects(head))
    kind = _taken_from(s, head) or _kind(s, captor)
    if word in _LOSER:
        to = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "to"
              for p in c.children if p.dep_ == "pobj" for t in p.subtree]
        kind = _kind(s, to) if to else {"state": "nonstate", "nonstate": "state"}.get(kind or "", None)
    if kind == "nonstate":
        return "Non-state actor overtakes territory"
    if kind == "state":
        return "Government regains territory"
    if s.near("regain", m, 1, 1):
        return "Government regains territory"
    return "Non-state actor overtakes territory"


_DISRUPT_SELF = {"cache", "stash", "arms cache", "weapons cache", "air defence", "air defense", "anti - aircraft",
                 "bomb disposal", "demine", "defuse"}
_AIR_DEFENCE = {"air defence", "air defense", "anti - aircraft"}
_DOWN = {"shoot down", "shot down", "down", "intercept", "interception", "air defence", "air defense",
         "anti - aircraft", "destroy"}


def disrupt(m: Match, s: Scope) -> Resolved | None:
    head = head_of(s.doc, m)
    word = _word(s, m)
    objs = objects(head)
    hi = s.sent_range(m.start)[1]
    weapons = s.in_tokens("weapon", objs) or s.ctx("weapon", m.end, min(hi, m.end + 8))
    drugs = s.in_tokens("drug", objs) or s.ctx("drug", m.end, min(hi, m.end + 8))
    if word == "destroy" and (s.sctx("aircraft", m) or s.sctx("artillery", m)) and not s.near("weapon", m, 0, 3):
        return None
    if word in _AIR_DEFENCE and (not s.sctx("weapon", m) or s.doc[m.end:m.end + 1].text.lower() in
                                 ("system", "systems", "unit", "units", "missile", "missiles", "battery")):
        return None  # air defence named, nothing intercepted ("two air defence systems", "air defence units")
    if word not in _DISRUPT_SELF and not weapons:
        if drugs:
            return "Organised crime", m.weight
        return None
    if drugs and not s.in_tokens("weapon", objs) and word not in _DOWN:
        return "Organised crime", m.weight
    bonus = 0.8 if s.in_tokens("weapon", objs) else 0.0
    return "Disrupted weapons use", m.weight + bonus


_CAPTURE_WORDS = {"capture", "raid"}


def _person_in_other_event(m: Match, s: Scope) -> bool:
    """A noun naming a person ("a detainee", "a kidnapper") that is an argument of another family's trigger: who
    the other event happened to, not an event of its own."""
    head = head_of(s.doc, m)
    if head.dep_ not in (*_OBJ_DEPS, "pobj", "nsubj") or head.head is head:
        return False
    verb = head.head.head if head.dep_ == "pobj" else head.head
    return any(f.name != m.name and f.start <= verb.i < f.end for f in s.families)


def arrest(m: Match, s: Scope) -> Resolved | None:
    head = head_of(s.doc, m)
    word = _word(s, m)
    if word == "detainee" and _person_in_other_event(m, s):
        return None  # "beat a detainee to death": who was attacked
    if word in ("custody", "detention") and head.dep_ == "pobj" and head.head.lower_ == "in" and any(
            f.name != m.name and f.start <= head.head.head.i < f.end for f in s.families):
        return None  # "beat a detainee to death in custody": where another event happened
    if word in ("charge", "charges") and head.pos_ != "VERB":
        return None  # "planted the charge"
    objs = objects(head)
    if word in _CAPTURE_WORDS and (not objs or _has_place(s, objs) or s.in_tokens("weapon", objs)
                                   or s.in_tokens("military", direct_objects(head))):
        return None  # places are taken, soldiers are made prisoners
    return "Arrests", m.weight


def abduct(m: Match, s: Scope) -> Resolved | None:
    if _word(s, m) in ("missing", "disappear") and not s.sctx("person", m):
        return None
    if _word(s, m) == "kidnapper" and head_of(s.doc, m).dep_ in (*_OBJ_DEPS, "pobj"):
        return None  # "dragged a suspected kidnapper from a police car": who was attacked
    return "Abduction/forced disappearance", m.weight


def sexual(m: Match, s: Scope) -> Resolved | None:
    return "Sexual violence", m.weight

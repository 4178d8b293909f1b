"""Resolvers for demonstrations, strategic developments and claimwatch's extension types.

Same contract as :mod:`.event_rules` (``(match, scope) -> (sub_type, score) | None``): protests and riots, property
destruction, bases, group changes, agreements, diplomacy, responsibility claims, disasters, crime, prisoners,
military aid, recruitment calls, elections and statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lexicon import Match
from .rules import Resolved, Scope, _hostile, _word, head_of, objects, subjects

if TYPE_CHECKING:
    from spacy.tokens import Token

_PROTEST_SIDE = {"protester", "protestor", "demonstrator", "rioter", "crowd", "student", "activist", "supporter",
                 "marcher", "youth", "mob", "striker"}
_AUTHORITY = {"police", "officer", "policeman", "force", "troops", "soldier", "army", "military", "guard",
              "authority", "regime", "government"}


def _violent_protesters(s: Scope, m: Match) -> int:
    """Violent acts whose subject is the protesting side ("protesters threw stones")."""
    lo, hi = _window(s, m)
    n = 0
    for vm in s.contexts.get("protest_violence", ()):
        if not (lo <= vm.start < hi):
            continue
        subj = subjects(s.doc[vm.start])
        if any(t.lemma_.lower() in _PROTEST_SIDE for t in subj):
            n += 2
        elif not any(t.lemma_.lower() in _AUTHORITY for t in subj):
            n += 1
    return n


def _window(s: Scope, m: Match) -> tuple[int, int]:
    """The trigger's sentence and the next one: protests are often told over two sentences."""
    lo, hi = s.sent_range(m.start)
    if hi < s.end:
        hi = s.sent_range(hi)[1]
    return lo, hi


def _crowd_did_it(s: Scope, m: Match, lo: int, hi: int) -> bool:
    """Whether the crowd of trigger ``m`` is the subject of a killing or beating in its window (the crowd is who
    did the violence, not who suffered it)."""
    crowd = s.doc[m.start]
    for vm in (*s.contexts.get("protest_force", ()), *s.contexts.get("protest_violence", ())):
        if lo <= vm.start < hi and any(t.i == crowd.i for t in subjects(s.doc[vm.start])):
            return True
    return False


def _interventions(s: Scope, lo: int, hi: int) -> int:
    """Intervention words in [lo, hi) that are not the protesters' own doing: "police blocked the march", "the
    rally was dispersed", but not "farmers blocked a highway" (who act is the subject; with none, the
    authorities are meant)."""
    n = 0
    for vm in s.contexts.get("protest_inter", ()):
        if not (lo <= vm.start and vm.end <= hi):
            continue
        subj = subjects(s.doc[vm.start])
        if not subj or any(t.lemma_.lower() in _AUTHORITY or t.ent_type_ in ("ORG", "GPE", "NORP") for t in subj):
            n += 1
    return n


def protest(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    lo, hi = _window(s, m)
    if word == "strike" and not s.near("labour", m, 3, 3):
        return None
    cues = sum(1 for f in s.families if f.name == "protest" and lo <= f.start < hi)
    w = m.weight + 0.3 * min(cues - 1, 3)
    if word in ("crowd", "mob") and _crowd_did_it(s, m, lo, hi):
        return "Mob violence", w + 0.6  # "a crowd dragged a suspect from a car and killed him": no protest
    force, inter = s.ctx("protest_force", lo, hi), _interventions(s, lo, hi)
    violent, peaceful = _violent_protesters(s, m), s.ctx("peaceful", lo, hi)
    if any(f.name in ("riot", "mob") for f in s.families if lo <= f.start < hi):
        violent += 1
    if force and (peaceful or force >= violent):
        return "Excessive force against protesters", w + 0.8
    if violent:
        return "Violent demonstration", w + 0.6
    if inter:
        return "Protest with intervention", w + 0.5
    return "Peaceful protest", w


def riot(m: Match, s: Scope) -> Resolved | None:
    lo, hi = _window(s, m)
    core = any(f.name in ("riot", "protest") and f.weight >= 3 for f in s.families if lo <= f.start < hi)
    if m.weight < 3 and not core:
        return None
    if any(f.name == "mob" for f in s.families if lo <= f.start < hi):
        return "Mob violence", m.weight
    return "Violent demonstration", m.weight


def mob(m: Match, s: Scope) -> Resolved | None:
    return "Mob violence", m.weight


def property_(m: Match, s: Scope) -> Resolved | None:
    w = m.weight
    word = _word(s, m)
    head = head_of(s.doc, m)
    if word == "burn" and not s.in_tokens("property_object", objects(head)):
        return None
    if word in ("destruction", "destroy", "demolish", "raze") and _hostile(s, m):
        w *= 0.5
    if s.fam_in_sent("protest", m) or s.fam_in_sent("riot", m):
        w *= 0.6
    return "Looting/property destruction", w


_HQ_VERBS = {"establish", "set up", "build", "construct", "open", "install", "instal", "installed", "erect",
             "fortify", "dig in", "entrench"}


def hq(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if word.startswith("turn ") and word.endswith(" into"):
        word = "establish"  # "turned the factory into a base"
    if word not in _HQ_VERBS:
        prev = s.doc[m.start - 1].lower_ if m.start > 0 else ""
        return ("Headquarters or base established", m.weight + 1.0) if prev == "new" and m.weight >= 2.5 else None
    hi = s.sent_range(m.start)[1]
    nouns = [f for f in s.families if f.name == "hq" and _word(s, f) not in _HQ_VERBS
             and m.end <= f.start <= min(hi, m.end + 8)]
    if not nouns or "control" in s.doc[m.end:min(hi, m.end + 3)].text.lower():
        return None
    return "Headquarters or base established", m.weight + 0.5 * max(f.weight for f in nouns)


#: Changes of office that are an armed group's change only when its sentence names armed forces: a parliament's
#: new speaker or a minister's dismissal is politics, not a change to a group's activity in ACLED's sense.
_OFFICE_CHANGES = {"appoint", "dismiss", "resign", "replace"}


def group_change(m: Match, s: Scope) -> Resolved | None:
    w = m.weight
    if w < 2 and not s.sctx("military", m):
        return None
    if _word(s, m) in _OFFICE_CHANGES and not (s.sctx("military", m) or s.sctx("nonstate_actor", m)):
        return None
    objs = [t for t in objects(head_of(s.doc, m)) if t.dep_ in ("dobj", "nsubjpass")]
    if _word(s, m) == "dismiss" and objs and not any(_a_person(t) for t in objs):
        return None  # "dismissed the reports as fake": no one left office
    if w < 2.5 and m.end - m.start == 1 and head_of(s.doc, m).pos_ != "VERB":
        return None  # "in its current form", "the commander": nouns are no moves
    return "Change to group/activity", w + (0.3 if s.sctx("military", m) else 0.0)


_NEEDS_PRISONERS = {"release", "free", "exchange", "swap"}


def agreement(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if word in _NEEDS_PRISONERS and not s.near("prisoner_object", m, 3, 6):
        return None
    if word in ("sign", "signing") and not s.near("accord_object", m, 0, 8):
        return None
    tok = s.doc[m.start]
    if tok.lemma_.lower() == "agree" and any(c.dep_ == "xcomp" and c.lemma_.lower() in _SUPPLY_VERBS
                                             for c in tok.children):
        return "Agreement", m.weight - 2.0  # "agreed to deliver tanks": military aid, not a deal between sides
    head = head_of(s.doc, m)
    if head.dep_ == "pobj" and head.head.lower_ in ("under", "per") and head.head.head.pos_ in ("VERB", "AUX"):
        return "Agreement", m.weight - 2.0  # "under the agreement, the army handed over ...": the deal is the frame
    return "Agreement", m.weight


_SUPPLY_VERBS = {"deliver", "send", "supply", "provide", "give", "transfer", "ship", "donate"}


_SANCTIONS = {"sanction", "sanctions", "embargo", "blacklist", "asset freeze", "freeze assets", "visa ban",
              "travel ban", "restrictive measures"}
_EXPEL = {"expel", "expulsion", "persona non grata", "recall", "summon"}


def diplo(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if word in _SANCTIONS:
        return "Sanctions", m.weight
    if word in _EXPEL:
        return "Diplomatic expulsion", m.weight
    return "Diplomatic action", m.weight


_DENY = {"deny", "denial", "deny responsibility", "deny involvement", "reject accusation", "refute", "dismiss",
         "reject", "false flag", "fake", "staged", "disinformation", "propaganda", "provocation"}
_ACCUSE = {"blame", "accuse", "accusation", "allege", "attribute", "behind the attack", "behind the"}


#: heads of a noun phrase naming someone in office (the object of "dismissed")
_OFFICE = frozenset({"minister", "commander", "chief", "head", "general", "governor", "official", "director",
                     "officer", "secretary", "mayor", "deputy", "prosecutor", "ambassador", "adviser", "advisor",
                     "spokesman", "spokeswoman", "staff", "cabinet", "government", "leadership"})


def _a_person(tok: Token) -> bool:
    return tok.dep_ in ("dobj", "nsubjpass") and (tok.ent_type_ == "PERSON" or tok.lemma_.lower() in _OFFICE)


def attrib(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if word == "responsible for" and not _hostile(s, m):
        return None
    head = head_of(s.doc, m)
    if word in _ACCUSE and head.dep_ in ("relcl", "acl") and head.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return None  # "villagers they accused of spying", "men accused of planning attacks": who they are
    if word == "dismiss" and any(_a_person(t) for t in objects(head)):
        return None  # "dismissed the defence minister": removed from office, nothing denied
    if word in _DENY:
        return "Denial of responsibility", m.weight
    if word in _ACCUSE:
        return "Accusation", m.weight
    return "Claim of responsibility", m.weight


def natural(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    tok = s.doc[m.start]
    if word == "storm" and tok.pos_ != "NOUN":
        return None
    if word in ("cases", "virus", "infection", "infect") and not s.ctx("covid"):
        return None
    return "Natural disaster", m.weight


_MANMADE_WEAK = {"fire", "blaze", "burn", "poison", "toxic", "sink", "collapse", "wreck", "airlift",
                 "hospitalise", "hospitalize", "radioactive", "accident", "derail", "derailment"}


#: attack triggers that only say people died (a fire, a crash "killed" them too)
_DEATH_WORDS = {"kill", "killing"}


def _attack_beyond_deaths(s: Scope, m: Match) -> bool:
    lo, hi = s.sent_range(m.start)
    return any(f.name == "attack" and lo <= f.start < hi and _word(s, f) not in _DEATH_WORDS for f in s.families)


def manmade(m: Match, s: Scope) -> Resolved | None:
    """An accident, unless the sentence tells of an attack (explosions alone do not)."""
    attacked = s.sctx("hostile", m) or any(s.fam_in_sent(f, m) for f in ("battle", "shelling", "air")) or \
        _attack_beyond_deaths(s, m)
    if _word(s, m) in _MANMADE_WEAK and attacked:
        return None
    return "Man-made disaster", m.weight


def crime(m: Match, s: Scope) -> Resolved | None:
    if _word(s, m) == "traffic" and head_of(s.doc, m).pos_ != "VERB":
        return None  # road traffic
    return "Organised crime", m.weight


def prisoners(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if word in ("capture", "prisoner") and not s.in_tokens("person", objects(head_of(s.doc, m))):
        return None
    return "Prisoners taken", m.weight


_AID_VERBS = {"transfer", "supply", "deliver", "delivery", "provide", "send", "donate", "pledge", "package",
              "assistance", "aid", "funding", "shipment"}


def aid(m: Match, s: Scope) -> Resolved | None:
    if _word(s, m) in _AID_VERBS and not s.near("aid_object", m, 3, 8):
        return None
    if "humanitarian" in s.sent(m.start).text.lower():
        return None  # food and medicine are not weapons
    return "Weapons supplied", m.weight


_MOBILISE = {"mobilisation", "mobilization", "mobilise", "mobilize", "conscription", "conscript", "call up",
             "call - up", "draft", "draftee", "reservist", "reservists", "military registration", "summons"}


_UNIT_NOUNS = {"battalion", "brigade", "corps", "unit", "units", "formation", "regiment", "office", "centre",
               "center", "station", "point"}


def recruit(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    if m.end < len(s.doc) and s.doc[m.end].lower_ in _UNIT_NOUNS and word not in ("call up", "call - up"):
        return None  # "a volunteer battalion", "the recruitment office" name a unit or a building, not a call
    if word in ("volunteer", "volunteers") and not (s.near("person", m, 3, 3) or s.fam_in_sent("recruit", m)):
        return None
    return ("Mobilisation" if word in _MOBILISE else "Recruitment call"), m.weight


def election(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    head = head_of(s.doc, m)
    if word == "vote" and head.pos_ == "VERB" and any(c.dep_ == "xcomp" for c in head.children):
        return None  # "the assembly voted to condemn ...": a body's decision, told by its own verb
    return ("Referendum" if word in ("referendum", "plebiscite") else "Election"), m.weight


def statement(m: Match, s: Scope) -> Resolved | None:
    word = _word(s, m)
    conference = word in ("press conference", "news conference", "briefing", "press briefing")
    return ("Press conference" if conference else "Statement"), m.weight

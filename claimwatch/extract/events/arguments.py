"""Event arguments: who acts (actor1) and who is acted on (actor2), as registry actors or kept as found.

Reads the parse around an event trigger, the claim (its source, for "we", "its troops", "the enemy") and the
:class:`~claimwatch.actors.ActorRegistry`; writes :class:`~claimwatch.model.ActorRef` records whose spans
point into ``Article.text``. Unit names are kept whole ("the 99th Battalion of the 61st Brigade"); a member of a
known body stands for it ("units of the Group of Forces Centre", "a fighter from the Legion"); "a group calling
itself X" is X; "the enemy" in a party's claim is the other party's forces; unknown actors keep their text with
``actor_id=None``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ...model import Actor, ActorRef, Claim, Span
from .lexicon import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ...actors import ActorRegistry

#: Pronouns that, in a claim, point back at the claimant ("we", "its troops"); "they"/"it" usually do not.
_PRONOUN_SELF = {"we", "our", "us", "i", "my", "its", "their", "his", "her"}
_PRONOUN_SPEAKER = {"it", "they", "he", "she"}
_ENEMY = {"enemy", "adversary", "foe", "противник", "ворог"}
#: Heads that name a member or part of a body ("units of X", "a fighter from X"): the actor is X when known.
_GENERIC = {"unit", "units", "troops", "force", "forces", "soldier", "soldiers", "fighter", "fighters", "serviceman",
            "servicemen", "member", "members", "man", "men", "woman", "women", "commander", "commanders",
            "representative", "representatives", "spokesman", "spokeswoman", "spokesperson", "element", "elements",
            "detachment", "detachments", "group", "groups", "crew", "crews", "operator", "operators", "sniper",
            "snipers", "personnel", "officer", "officers", "militant", "militants", "partisan", "partisans",
            "volunteer", "volunteers", "formation", "formations"}



def patients(head: Token) -> list[Token]:
    for c in head.children:
        if c.dep_ in ("dobj", "nsubjpass", "obj"):
            return list(c.subtree)
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "against", "at"):
            return [t for p in c.children if p.dep_ == "pobj" for t in p.subtree]
    return []


def actor(doc: Doc, text: str, arg: list[Token], claim: Claim, registry: ActorRegistry,
           speaks: bool = False) -> ActorRef | None:
    if not arg:
        return None
    ids = {t.i for t in arg}
    head = next((t for t in arg if t.head.i not in ids or t.head is t), arg[0])
    src = claim.source.span if claim.source is not None else None
    selfish = _PRONOUN_SELF | _PRONOUN_SPEAKER if speaks else _PRONOUN_SELF
    if (head.pos_ == "PRON" and head.lower_ in selfish) or any(
            c.dep_ == "poss" and c.lower_ in selfish for c in head.children) or (
            src is not None and src.start <= head.idx < src.end):
        return _self_reference(doc, text, head, claim, registry)  # the claimant itself (or "we", "its troops")
    if head.pos_ == "PRON":
        return None
    if head.lemma_.lower() in _ENEMY or head.lower_ in _ENEMY:
        return _enemy(doc, text, head, claim, registry)
    phrase = _phrase(head)
    if not _actor_like(head, phrase, registry):
        return None
    named = _self_named(head)
    if named is not None:  # "a group calling itself the Bryansk Forest Partisans"
        return _named_ref(registry, named, phrase, text)
    ref = registry.ref(phrase, text)
    if ref.actor_id is None and (head.lemma_.lower() in _GENERIC or head.lower_ in _GENERIC):
        owner = _owner(head, registry)
        if owner is not None:
            actor, end = owner
            span = Span.of(text, phrase[0].idx, max(end, phrase[-1].idx + len(phrase[-1].text)))
            return _ref(actor, span)
    return ref


_NAMING = {"call", "know", "name", "identify", "describe"}


def _self_named(head: Token) -> list[Token] | None:
    """The name in "a group calling itself X" / "a unit known as X"."""
    for c in head.rights:
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in _NAMING:
            for a in c.children:
                if a.dep_ in ("oprd", "attr", "xcomp", "ccomp") or (a.dep_ == "dobj" and a.lower_ not in _REFLEXIVE):
                    return list(a.subtree)
                if a.dep_ == "prep" and a.lower_ == "as":
                    return [t for p in a.children if p.dep_ == "pobj" for t in p.subtree]
            return _title_run(c)
    return None


_REFLEXIVE = {"itself", "themselves", "himself", "herself"}


def _title_run(verb: Token) -> list[Token] | None:
    """The capitalised words right after "calling itself" when the parse lost them."""
    doc = verb.doc
    i = verb.i + 1
    if i < len(doc) and doc[i].lower_ in _REFLEXIVE:
        i += 1
    if i < len(doc) and doc[i].lower_ == "the":
        i += 1
    j = i
    while j < len(doc) and (doc[j].is_title or doc[j].lower_ in ("of", "for")) and j - i < 8:
        j += 1
    while j > i and doc[j - 1].lower_ in ("of", "for"):
        j -= 1
    return list(doc[i:j]) if j > i else None


def _named_ref(registry: ActorRegistry, named: list[Token], phrase: list[Token], text: str) -> ActorRef:
    ref = registry.ref(named, text)
    last = named[-1]
    span = Span.of(text, phrase[0].idx, max(last.idx + len(last.text), phrase[-1].idx + len(phrase[-1].text)))
    return ActorRef(name=ref.name, span=span, actor_id=ref.actor_id, side=ref.side, kind=ref.kind)


def _ref(actor: Actor, span: Span) -> ActorRef:
    return ActorRef(name=actor.name, span=span, actor_id=actor.id, side=actor.side, kind=actor.kind)


def _owner(head: Token, registry: ActorRegistry) -> tuple[Actor, int] | None:
    """"units of the Group of Forces Centre", "a man from the Legion": the known body a generic head belongs to
    (with the end of the phrase naming it)."""
    for c in head.rights:
        if c.dep_ == "prep" and c.lower_ in ("of", "from", "with"):
            sub = list(c.subtree)
            found = registry.find(sub)
            if found:
                last = sub[-1]
                return found[0].actor, last.idx + len(last.text)
    return None


def _enemy(doc: Doc, text: str, head: Token, claim: Claim, registry: ActorRegistry) -> ActorRef:
    """"the enemy" in a party's claim: the other party's armed forces (the same rule for both parties)."""
    phrase = _phrase(head)
    span = Span.of(text, phrase[0].idx, phrase[-1].idx + len(phrase[-1].text))
    source = source_actor(doc, claim, registry)
    forces = registry.opponent_forces(source.side) if source is not None else None
    return _ref(forces, span) if forces is not None else ActorRef(name=span.text, span=span)


def source_actor(doc: Doc, claim: Claim, registry: ActorRegistry) -> Actor | None:
    """The registry actor making the claim: its resolved id, its name, else an alias inside its mention."""
    src = claim.source
    if src is None:
        return None
    actor = registry.get(src.actor) or registry.find_text(src.name)
    if actor is not None:
        return actor
    for s in (src.entity, src.span):
        toks = doc.char_span(s.start, s.end, alignment_mode="expand") if s is not None else None
        if toks is not None and len(toks):
            found = registry.find(toks)
            if found:
                return found[0].actor
    return None


def _actor_like(head: Token, phrase: list[Token], registry: ActorRegistry) -> bool:
    """Whether an argument names an actor: a named group or person, a known alias, or an actor noun."""
    if any(m.start <= head.i < m.end for m in registry.find(phrase)):
        return True
    if head.ent_type_ in ("ORG", "NORP", "PERSON"):
        return True
    if head.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "QUANTITY") or \
            head.pos_ not in ("NOUN", "PROPN"):
        return False
    words = _actor_nouns()
    return head.lemma_.lower() in words or head.lower_ in words


@lru_cache(maxsize=1)
def _actor_nouns() -> frozenset[str]:
    lex = lexicon()
    return frozenset().union(*(lex.words(n) for n in ("military", "civilian", "person", "state_actor",
                                                      "nonstate_actor"))) - {"base", "checkpoint", "post",
                                                                             "position", "positions", "home"}


def _phrase(head: Token) -> list[Token]:
    """The actor phrase around ``head``: its modifiers and "of" attachments, kept whole ("the 99th Battalion of
    the 61st Brigade"), without relative clauses, other prepositional phrases or further conjuncts."""
    keep = {head.i}
    for c in head.lefts:
        if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "npadvmod", "punct"):
            keep.update(t.i for t in c.subtree)
    for c in head.rights:
        if (c.dep_ == "prep" and c.lower_ == "of") or c.dep_ in ("compound", "case"):
            keep.update(t.i for t in c.subtree)
    lo, hi = min(keep), max(keep)
    if hi - lo > 12:
        lo, hi = min(t.i for t in head.lefts) if any(True for _ in head.lefts) else head.i, head.i
    return list(head.doc[lo:hi + 1])


def _self_reference(doc: Doc, text: str, head: Token, claim: Claim, registry: ActorRegistry) -> ActorRef | None:
    """"we", "our forces", "its troops" in a claim: the claimant (or the forces it speaks for)."""
    if claim.source is None:
        return None
    phrase = _phrase(head) if head.pos_ != "PRON" else [head]
    span = Span.of(text, phrase[0].idx, phrase[-1].idx + len(phrase[-1].text))
    actor = source_actor(doc, claim, registry)
    if actor is None:
        return ActorRef(name=_source_body(doc, claim) or claim.source.name, span=span)
    return _ref(registry.acting_for(actor), span)


def _source_body(doc: Doc, claim: Claim) -> str | None:
    """The body an unknown claimant speaks for: "a lieutenant colonel of the 152nd Brigade" -> "152nd Brigade";
    "a group calling itself X" -> "X"."""
    src = claim.source
    s = (src.entity or src.span) if src is not None else None
    toks = doc.char_span(s.start, s.end, alignment_mode="expand") if s is not None else None
    if toks is None or not len(toks):
        return None
    head = toks.root
    named = _self_named(head)
    if named:
        return " ".join(t.text for t in named if t.dep_ != "det" or t.i != named[0].i).strip() or None
    for c in head.rights:
        if c.dep_ == "prep" and c.lower_ in ("of", "from"):
            pobj = next((p for p in c.children if p.dep_ == "pobj"), None)
            if pobj is not None and (pobj.ent_type_ in ("ORG", "NORP") or pobj.lemma_.lower() in _GENERIC or
                                     pobj.lower_ in ("brigade", "battalion", "regiment", "division", "unit",
                                                     "corps", "legion", "group", "detachment", "company")):
                words = [t for t in _phrase(pobj) if not (t.dep_ == "det" and t.i == _phrase(pobj)[0].i)]
                return " ".join(t.text for t in words) or None
    return None

"""What linking compares: the facts of one claim, taken from its extraction and its article.

Reads a :class:`~claimwatch.model.Claim` with its events (type, place, date, actors, quantities), its article
(publication time, outlet) and the outlet's registry entry; writes one :class:`Facts` record per linkable claim:
the claim's primary event reduced to what story grouping, stance and verdicts need. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..extract.status import NO_CONFIRMATION
from ..model import Claim, ClaimKind, Event, Quantity, Status

#: event type -> the family stories group by. Reports of one violent event type it differently (the strike, the
#: damage, the casualties, the interceptions the air defence claims, the clash), so these share one family.
FAMILY = {
    "Battles": "attack",
    "Explosions/Remote violence": "attack",
    "Violence against civilians": "attack",
    "Casualties": "attack",
    "Equipment loss": "attack",
    "Prisoners": "attack",
    "Protests": "protest",
    "Riots": "riot",
    "Strategic developments": "strategic",
    "Military aid": "aid",
    "Recruitment/mobilisation call": "statement",
    "Responsibility claim or denial": "responsibility",
    "Election/referendum": "election",
    "Statement/press conference": "statement",
    "Diplomacy": "diplomacy",
    "Disaster": "disaster",
    "Crime": "crime",
}
#: sub-types with a family of their own (territory changes hands: whoever claims it, it is one story) or another
#: type's family (air defence shooting down what attacked is the attack's story)
SUB_FAMILY = {
    "Government regains territory": "territory",
    "Non-state actor overtakes territory": "territory",
    "Non-violent transfer of territory": "territory",
    "Disrupted weapons use": "attack",
}
#: which family a claim with several events is linked by: the event that says most about what happened
RANK = ("territory", "attack", "responsibility", "aid", "protest", "riot", "strategic", "disaster", "crime",
        "diplomacy", "election", "statement")
#: a default event date ("the week up to publication") is read as the two days up to publication
DEFAULT_WINDOW = timedelta(days=2)
#: families whose event is a lasting state (who holds a place): reports of it keep coming for weeks
LASTING = frozenset({"territory"})
#: cue words by which a source confirms what was reported ("confirmed", "acknowledges", "admitted", "verified")
CONFIRMING = ("confirm", "acknowledg", "admit", "verif", "corroborat")
#: a claimant named by office: quoted by a party's own media, they speak for that party
OFFICIAL_TITLE = re.compile(r"\b(governor|mayor|head of|administration|ministry|minister|spokes\w*|official|"
                            r"military|army|command|general staff|police|authorit\w+|commander)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Where:
    geonameid: int | None
    name: str
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str | None  #: settlement | district | region | country | continent | other


@dataclass(slots=True)
class Facts:
    """One claim as linking sees it."""

    key: str  #: stable identity of the claim: article content hash + claim position
    article_id: int | None
    claim_index: int
    family: str
    event_type: str | None
    sub_type: str | None
    text: str  #: the claim's content
    published: datetime | None
    start: date | None  #: the window the event happened in, as the claim dates it
    end: date | None
    where: Where | None = None
    actor1: str | None = None  #: registry id, else the name as found
    actor1_side: str | None = None
    actor2: str | None = None
    actor2_side: str | None = None
    quantities: list[Quantity] = field(default_factory=list)
    negated: bool = False
    status: Status = Status.CLAIMED
    kind: ClaimKind = ClaimKind.INDIRECT
    source: str | None = None  #: the claimant as named ("the ministry")
    source_actor: str | None = None  #: the claimant's registry id
    source_side: str | None = None
    source_kind: str | None = None  #: registry kind of the claimant (government, state force, person…)
    outlet: str | None = None  #: outlet registry id, else its name
    affiliation: str | None = None
    outlet_side: str | None = None
    copy_of: int | None = None  #: the article this one copies (root of the chain)
    confirms: bool = False  #: its cue confirms ("officials confirmed that …", "acknowledged")
    reserved: bool = False  #: it says the event is not confirmed ("no official confirmation of …")


def primary_event(claim: Claim) -> Event | None:
    """The event a claim is linked by: not hypothetical, the most telling family first, then text order."""
    real = [e for e in claim.events if not e.hypothetical]
    if not real:
        return None
    return min(real, key=lambda e: (RANK.index(family_of(e)) if family_of(e) in RANK else len(RANK),
                                    e.trigger.start))


def family_of(event: Event) -> str:
    if event.sub_type in SUB_FAMILY:
        return SUB_FAMILY[event.sub_type]
    return FAMILY.get(event.type, event.type.lower())


def event_window(event: Event | None, published: datetime | None) -> tuple[date | None, date | None]:
    """The days the event falls in: its own date, or (for the default week up to publication) the two days
    up to publication; unknown when neither is known or the year is missing."""
    d = event.date if event is not None else None
    pub = published.date() if published is not None else None
    if d is not None and d.start and d.end and not d.start.startswith("--"):
        start, end = date.fromisoformat(d.start[:10]), date.fromisoformat(d.end[:10])
        if d.precision == "week" and pub is not None and end == pub:
            return pub - DEFAULT_WINDOW, pub
        return start, end
    if pub is not None:
        return pub - DEFAULT_WINDOW, pub
    return None, None


def where_of(event: Event | None) -> Where | None:
    mention = event.place if event is not None else None
    if mention is None or mention.place is None:
        return None
    p = mention.place
    precision = getattr(mention.precision, "value", mention.precision)
    return Where(p.geonameid, p.name, p.admin1, p.country, p.lat, p.lon, precision)


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """What linking needs to know of an article's outlet."""

    id: str | None
    affiliation: str | None = None
    side: str | None = None
    actor: str | None = None  #: the party body the outlet is the channel of


def facts_of(claim: Claim, index: int, key: str, article_id: int | None, published: datetime | None,
             outlet: OutletInfo | None = None, actors: object | None = None,
             copy_of: int | None = None) -> Facts | None:
    """The facts of ``claim`` (the ``index``-th of its article), or None when it is not linked: an outlet's
    own sentence that reports no event. ``actors``: the actor registry, for claimants' sides and kinds."""
    event = primary_event(claim)
    source = claim.source
    source_actor = source.actor if source is not None else None
    if source_actor is None and claim.kind is ClaimKind.OUTLET and outlet is not None:
        source_actor = outlet.actor  # a party's own channel speaking in its own voice
    if event is None and (claim.kind is ClaimKind.OUTLET or source is None):
        return None
    start, end = event_window(event, published)
    registry_actor = _lookup(actors, source_actor)
    source_side = getattr(registry_actor, "side", None)
    source_kind = getattr(registry_actor, "kind", None)
    if source is not None and source_side is None and outlet is not None and outlet.side and \
            outlet.affiliation in ("party-official", "party-state") and OFFICIAL_TITLE.search(source.name):
        source_side, source_kind = outlet.side, "government"  # "the regional governor" quoted by a party's media
    return Facts(
        key=key, article_id=article_id, claim_index=index,
        family=family_of(event) if event is not None else "statement",
        event_type=event.type if event is not None else None,
        sub_type=event.sub_type if event is not None else None,
        text=claim.content.text, published=published, start=start, end=end, where=where_of(event),
        actor1=_actor_key(event.actor1) if event is not None else None,
        actor1_side=event.actor1.side if event is not None and event.actor1 else None,
        actor2=_actor_key(event.actor2) if event is not None else None,
        actor2_side=event.actor2.side if event is not None and event.actor2 else None,
        quantities=list(event.quantities) if event is not None else [],
        negated=bool(event.negated) if event is not None else claim.polarity == "negative",
        status=claim.status, kind=claim.kind,
        source=source.name if source is not None else None, source_actor=source_actor,
        source_side=source_side, source_kind=source_kind,
        outlet=outlet.id if outlet is not None else None,
        affiliation=outlet.affiliation if outlet is not None else None,
        outlet_side=outlet.side if outlet is not None else None,
        copy_of=copy_of,
        confirms=claim.cue is not None and claim.cue.text.lower().split()[-1].startswith(CONFIRMING),
        reserved=bool(NO_CONFIRMATION.search(claim.content.text)) or claim.status is Status.UNCONFIRMED,
    )


def _actor_key(ref: object | None) -> str | None:
    if ref is None:
        return None
    return getattr(ref, "actor_id", None) or getattr(ref, "name", None)


def _lookup(actors: object | None, actor_id: str | None) -> object | None:
    if actors is None or actor_id is None:
        return None
    get = getattr(actors, "get", None)
    return get(actor_id) if get is not None else None


def with_article_context(facts: list[Facts]) -> list[Facts]:
    """One article's facts: a claimant named in short ("The General Staff") takes the registry identity of the
    fuller name the same article resolved ("the General Staff of Ukraine's Armed Forces"); each event without a place of its own given the place of the article's first
    located event of the same family ("Three people were injured" in a report of a strike on Nikopol), and a
    default date window narrowed to that event's when it has its own day. An article rarely reports two
    events of one family in one place."""
    _share_claimants(facts)
    located = [f for f in facts if f.where is not None and f.family != "statement"]
    for f in facts:
        if f.family == "statement":
            continue
        lead = next((g for g in located if g.family == f.family and g is not f), None)
        if lead is None:
            continue
        if f.where is None:
            f.where = lead.where
        default = f.published is not None and f.end == f.published.date() and f.start is not None and (
            f.end - f.start == DEFAULT_WINDOW)
        if default and lead.start is not None and lead.end is not None and lead.end - lead.start < DEFAULT_WINDOW:
            f.start, f.end = lead.start, lead.end
    return facts


def _share_claimants(facts: list[Facts]) -> None:
    resolved = [f for f in facts if f.source and f.source_actor]
    for f in facts:
        if f.source_actor or not f.source:
            continue
        short = f.source.casefold().removeprefix("the ").strip()
        match = next((r for r in resolved if short and short in r.source.casefold()), None)  # type: ignore[union-attr]
        if match is not None:
            f.source_actor, f.source_side, f.source_kind = match.source_actor, match.source_side, match.source_kind

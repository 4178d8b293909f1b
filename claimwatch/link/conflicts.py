"""Facts of two claims that cannot both be true: incompatible figures, opposite control of a place, different
perpetrators of one strike, an event one claim tells and the other negates.

Reads the events of two :class:`~claimwatch.model.Claim` records (types, actors' sides, places, quantities, the
negated flag); writes nothing. Each test returns a :class:`Conflict` (why, in a few words, and the spans of the
*other* claim that show it) or None. Every party gets the same tests: sides are compared, never named.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Claim, Event, PlaceMention, Quantity, Span

#: Relative gap between two figures of the same kind above which they are incompatible: "12 killed" and "14
#: killed" are a toll revised, "80 sq. km" and "800 sq. km" (or "more than 800" and "500") two different claims.
QUANTITY_TOLERANCE = 0.25
#: Sub-types in which actor1 takes control of the place.
TERRITORY_SUB_TYPES = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                                 "Non-violent transfer of territory"})
#: Event types whose actor1 is the one who struck: two claims naming different sides did not see the same strike.
STRIKE_TYPES = frozenset({"Explosions/Remote violence", "Violence against civilians"})


@dataclass(slots=True)
class Conflict:
    """Why two claims cannot both hold, with the other claim's spans that show it."""

    reason: str
    evidence: list[Span] = field(default_factory=list)


def _live(claim: Claim) -> list[Event]:
    """The events a claim tells as real or denied (threats and plans compared with nothing)."""
    return [e for e in claim.events if not e.hypothetical]


def _pairs(reference: Claim, other: Claim) -> Iterator[tuple[Event, Event]]:
    """Events of the two claims of one type whose places, when both are known, are the same."""
    for ref in _live(reference):
        for ev in _live(other):
            if ref.type == ev.type and same_place(ref.place, ev.place) is not False:
                yield ref, ev


def same_place(a: PlaceMention | None, b: PlaceMention | None) -> bool | None:
    """True/False when both places are known (GeoNames id, else name), None when either is missing."""
    if a is None or b is None:
        return None
    if a.place is not None and b.place is not None and a.place.geonameid and b.place.geonameid:
        return a.place.geonameid == b.place.geonameid
    name_a = (a.place.name if a.place else a.span.text).casefold()
    name_b = (b.place.name if b.place else b.span.text).casefold()
    return name_a == name_b


def negated_event(reference: Claim, other: Claim) -> Conflict | None:
    """One claim tells an event, the other the same event negated ("did not capture", "failed to")."""
    for ref, ev in _pairs(reference, other):
        if ref.negated != ev.negated:
            told = "negates it" if ev.negated else "tells what the reference negates"
            return Conflict(f"{told} ({ev.type.lower()}: '{ev.trigger.text}')", [ev.trigger])
    return None


def interval(q: Quantity) -> tuple[float, float] | None:
    """The range a quantity allows: "more than 800" is [800, inf), "up to 50" [0, 50], "about 80" [72, 88]."""
    if q.value is None:
        return None
    lower = q.lower if q.lower is not None else (0.0 if q.upper is not None else q.value)
    upper = q.upper if q.upper is not None else (math.inf if q.lower is not None else q.value)
    return lower, upper


def compatible(a: Quantity, b: Quantity, tolerance: float = QUANTITY_TOLERANCE) -> bool:
    """Whether two figures can describe the same count: their ranges overlap, or the lower one's top is within
    ``tolerance`` (relative) of the other's bottom."""
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        return True
    (lo_a, hi_a), (lo_b, hi_b) = ia, ib
    return lo_a <= hi_b * (1 + tolerance) and lo_b <= hi_a * (1 + tolerance)


def _quantities(claim: Claim) -> list[Quantity]:
    return [q for e in _live(claim) if not e.negated for q in e.quantities if q.value is not None]


def _figure(q: Quantity) -> str:
    unit = f" {q.unit}" if q.unit else ""
    if q.lower is not None and q.upper is None and q.lower == q.value:
        return f"more than {q.value:g}{unit}"
    if q.upper is not None and q.lower is None:
        return f"up to {q.value:g}{unit}"
    if q.lower is not None and q.upper is not None and q.lower < (q.value or 0) < q.upper:
        return f"about {q.value:g}{unit}"
    return f"{q.value:g}{unit}"


def quantity_conflict(reference: Claim, other: Claim) -> Conflict | None:
    """Figures of one kind and unit in both claims, none of the other's compatible with any of the reference's."""
    ref_qs, other_qs = _quantities(reference), _quantities(other)
    for kind, unit in dict.fromkeys((q.kind, q.unit) for q in other_qs):
        theirs = [q for q in other_qs if (q.kind, q.unit) == (kind, unit)]
        ours = [q for q in ref_qs if (q.kind, q.unit) == (kind, unit)]
        if ours and not any(compatible(a, b) for a in ours for b in theirs):
            return Conflict(f"quantity {_figure(theirs[0])} vs {_figure(ours[0])} ({kind})",
                            [q.span for q in theirs])
    return None


def _side(ev: Event) -> str | None:
    return ev.actor1.side if ev.actor1 is not None else None


def control_conflict(reference: Claim, other: Claim) -> Conflict | None:
    """Both claims have one side taking the same place, and the sides differ."""
    for ref, ev in _pairs(reference, other):
        if ref.sub_type in TERRITORY_SUB_TYPES and ev.sub_type in TERRITORY_SUB_TYPES and not (ref.negated or ev.negated) \
                and same_place(ref.place, ev.place) and _side(ref) and _side(ev) and _side(ref) != _side(ev):
            where = ev.place.span.text if ev.place is not None else "the place"
            evidence = [s for s in (ev.actor1.span if ev.actor1 else None, ev.trigger) if s is not None]
            return Conflict(f"control of {where}: {_side(ev)} vs {_side(ref)}", evidence)
    return None


def perpetrator_conflict(reference: Claim, other: Claim) -> Conflict | None:
    """Both claims tell the same strike or attack (same type, same place when both are known), by different sides."""
    for ref, ev in _pairs(reference, other):
        if ref.type in STRIKE_TYPES and not (ref.negated or ev.negated) and _side(ref) and _side(ev) \
                and _side(ref) != _side(ev):
            evidence = [s for s in (ev.actor1.span if ev.actor1 else None, ev.trigger) if s is not None]
            return Conflict(f"perpetrator {_side(ev)} vs {_side(ref)} ({ev.type.lower()})", evidence)
    return None


#: The factual tests, in the order :func:`claimwatch.link.stance.claim_stance` runs them.
CONFLICT_TESTS = (negated_event, quantity_conflict, control_conflict, perpetrator_conflict)

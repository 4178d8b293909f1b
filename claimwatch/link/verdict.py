"""Verdicts: what a story's claims, taken together, say about whether its event happened.

Reads a story's members (:class:`~claimwatch.link.facts.Facts` and each one's stance toward the event); writes a
:class:`Verdict`: a label, the independent units for and against with the claims behind each, whether an
official confirmation or denial is present, and how the label changed as articles arrived.

Independence: a claim counts through its *unit*. Claims by one party's bodies and channels (its ministries,
armed forces, officials, state media speaking in their own voice) are one unit per party; an outlet reporting in
its own voice is its own unit; a copy (wire copy, rewrite, forward) counts through the article it copies. The
verdict never turns a claim into a fact by repetition: copies and one party's channels count once, and a party
confirming its own claim is not confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..model import ClaimKind, Status
from .conflicts import compatible
from .facts import Facts
from .stance import Stance


class VerdictLabel(str, Enum):
    ONE_SIDE = "claimed by one side only"
    SINGLE_SOURCE = "single source"
    CORROBORATED = "corroborated"
    CONTESTED = "contested"
    CONFIRMED = "officially confirmed"
    DENIED = "denied"
    RETRACTED = "retracted"
    UNVERIFIED = "unverified"  #: only reported with reservations, nobody stands behind it


#: outlet affiliations whose own voice is a party's voice
PARTY_AFFILIATIONS = frozenset({"party-official", "party-state", "party-aligned"})
#: registry kinds of claimants who speak for a party when they have a side
PARTY_KINDS = frozenset({"government", "state force", "person", "non-state armed group"})
#: claimants whose word is an official confirmation or denial
OFFICIAL_KINDS = frozenset({"government", "state force"})


@dataclass(frozen=True, slots=True)
class Unit:
    """One independent piece of evidence: a party (``side:russia``) or an outlet (``outlet:reuters``)."""

    key: str
    side: str | None = field(default=None, compare=False)  #: the party it belongs to, when it is one
    official: bool = field(default=False, compare=False)  #: a party's official body or channel


@dataclass(slots=True)
class Count:
    unit: Unit
    claims: list[Facts] = field(default_factory=list)


@dataclass(slots=True)
class Verdict:
    label: VerdictLabel
    supporting: list[Count] = field(default_factory=list)
    opposing: list[Count] = field(default_factory=list)
    reporting: list[Count] = field(default_factory=list)
    confirmed_by: list[Facts] = field(default_factory=list)
    denied_by: list[Facts] = field(default_factory=list)
    history: list[tuple[str, VerdictLabel]] = field(default_factory=list)  #: (ISO date, label) when it changed
    why: str = ""

    @property
    def independent(self) -> int:
        """Independent units that corroborate the event."""
        return len(self.supporting)


def unit_of(f: Facts, root_outlet: dict[int, str] | None = None) -> Unit:
    """The independent unit a claim counts through: the party, for a party's bodies, officials and channels;
    otherwise the outlet that published it (a copy: the outlet of the article it copies). Sources an outlet
    quotes without naming a party ("witnesses", "local officials") count as that outlet: one outlet's article
    quoting three people is one piece of evidence, never three."""
    if f.source_side and (f.source_kind in PARTY_KINDS or f.source_kind is None):
        return Unit(f"side:{f.source_side}", f.source_side, f.source_kind in OFFICIAL_KINDS)
    if f.kind is ClaimKind.OUTLET and f.affiliation in PARTY_AFFILIATIONS and f.outlet_side:
        return Unit(f"side:{f.outlet_side}", f.outlet_side, f.affiliation == "party-official")
    outlet = f.outlet
    if f.copy_of is not None:
        outlet = (root_outlet or {}).get(f.copy_of) or outlet or f"article:{f.copy_of}"
    return Unit(f"outlet:{outlet or f'article:{f.article_id}'}")


def stance_of(f: Facts, reference: Facts | None = None) -> Stance:
    """A claim's stance toward its story's event: denied or negated contradicts; hedged or unconfirmed
    reports; otherwise (asserted, claimed, confirmed) it corroborates. With a ``reference`` claim, numbers of the
    same kind that cannot both be true contradict too."""
    if f.status is Status.DENIED or f.status is Status.RETRACTED or f.negated:
        return Stance.CONTRADICTS
    if f.reserved or f.status in (Status.HEDGED, Status.UNCONFIRMED):
        return Stance.REPORTS
    if reference is not None and reference is not f and _incompatible_numbers(reference, f):
        return Stance.CONTRADICTS
    if reference is not None and reference is not f and _opposite_control(reference, f):
        return Stance.CONTRADICTS
    return Stance.CORROBORATES


def verdict(members: Sequence[Facts], stances: Sequence[Stance] | None = None,
            root_outlet: dict[int, str] | None = None) -> Verdict:
    """The verdict over ``members`` (in arrival order), with its history by publication date."""
    members = list(members)
    if stances is None:
        reference = next((m for m in members if stance_of(m) is Stance.CORROBORATES), members[0] if members else None)
        stances = [stance_of(m, reference) for m in members]
    order = sorted(range(len(members)), key=lambda i: (_when(members[i]), i))
    history: list[tuple[str, VerdictLabel]] = []
    result = Verdict(VerdictLabel.UNVERIFIED)
    for n, i in enumerate(order):
        last_of_day = n + 1 == len(order) or _day(members[order[n + 1]]) != _day(members[i])
        if not last_of_day:
            continue
        prefix = [order[k] for k in range(n + 1)]
        result = _verdict([members[k] for k in prefix], [stances[k] for k in prefix], root_outlet)
        if not history or history[-1][1] is not result.label:
            history.append((_day(members[i]), result.label))
    result.history = history
    return result


def _verdict(members: list[Facts], stances: list[Stance], root_outlet: dict[int, str] | None) -> Verdict:
    groups: dict[Stance, dict[str, Count]] = {s: {} for s in Stance}
    for f, s in zip(members, stances, strict=True):
        unit = unit_of(f, root_outlet)
        groups[s].setdefault(unit.key, Count(unit)).claims.append(f)
    support, oppose = list(groups[Stance.CORROBORATES].values()), list(groups[Stance.CONTRADICTS].values())
    report = list(groups[Stance.REPORTS].values())
    v = Verdict(VerdictLabel.UNVERIFIED, support, oppose, report)
    first = min((f for c in support for f in c.claims), key=_when, default=None)
    first_unit = unit_of(first, root_outlet).key if first is not None else None
    v.confirmed_by = [f for c in support for f in c.claims if f.status is Status.CONFIRMED or (
        f.confirms and c.unit.key != first_unit)]
    claimant_sides = {c.unit.side for c in support if c.unit.side}
    v.confirmed_by += [f for c in support if c.unit.official and c.unit.side and _against_interest(c, support)
                       for f in c.claims if f not in v.confirmed_by]
    v.denied_by = [f for c in oppose if c.unit.official for f in c.claims]
    retracted = [f for c in oppose for f in c.claims if f.status is Status.RETRACTED]
    support_sides = {c.unit.side for c in support}
    independent_support = [c for c in support if c.unit.side is None]
    if retracted:
        v.label, v.why = VerdictLabel.RETRACTED, f"retracted by {retracted[0].source or 'its source'}"
    elif v.confirmed_by:
        v.label, v.why = VerdictLabel.CONFIRMED, f"confirmed by {_who(v.confirmed_by[0])}"
    elif support and oppose and (len(support) >= 2 or independent_support):
        v.label, v.why = VerdictLabel.CONTESTED, f"{len(support)} for, {len(oppose)} against"
    elif oppose:
        v.label = VerdictLabel.DENIED
        v.why = f"denied by {_who(oppose[0].claims[0])}" + (f"; claimed by {_sides(claimant_sides)}"
                                                          if claimant_sides else "")
    elif len(support) >= 2 and len(support_sides - {None}) <= 1 and independent_support:
        v.label, v.why = VerdictLabel.CORROBORATED, f"{len(support)} independent units"
    elif len(support) >= 2 and len(support_sides - {None}) >= 2:
        v.label, v.why = VerdictLabel.CONFIRMED, "claimed by both parties"
    elif support and not independent_support:
        v.label, v.why = VerdictLabel.ONE_SIDE, f"claimed by {_sides(claimant_sides)} only"
    elif support:
        v.label, v.why = VerdictLabel.SINGLE_SOURCE, f"reported by {support[0].unit.key.split(':', 1)[1]} only"
    else:
        v.label, v.why = VerdictLabel.UNVERIFIED, "reported only with reservations"
    return v


def _against_interest(count: Count, support: Iterable[Count]) -> bool:
    """An official of one party corroborating what only the other party claims (an admission)."""
    others = {c.unit.side for c in support if c.unit.side and c.unit.side != count.unit.side}
    first = min((f for c in support for f in c.claims), key=_when, default=None)
    return bool(others) and first is not None and first not in count.claims


def _incompatible_numbers(a: Facts, b: Facts) -> bool:
    """Figures of one kind and unit in both, none of ``b``'s compatible with any of ``a``'s (the bounds of
    "more than", "up to" and "about" respected; :func:`~claimwatch.link.conflicts.compatible`)."""
    ours = [q for q in a.quantities if q.value is not None]
    for q in b.quantities:
        same = [x for x in ours if (x.kind, x.unit) == (q.kind, q.unit)]
        if q.value is not None and same and not any(compatible(x, y) for x in same
                                                     for y in b.quantities if (y.kind, y.unit) == (q.kind, q.unit)):
            return True
    return False


def _opposite_control(a: Facts, b: Facts) -> bool:
    """Territory: both name the side that took the place, and the sides differ."""
    return (a.family == b.family == "territory" and bool(a.actor1_side) and bool(b.actor1_side)
            and a.actor1_side != b.actor1_side)


def _who(f: Facts) -> str:
    return f.source or f.outlet or f"article {f.article_id}"


def _sides(sides: Iterable[str | None]) -> str:
    named = sorted(s for s in sides if s)
    return " and ".join(named) if named else "one source"


def _when(f: Facts) -> float:
    return f.published.timestamp() if f.published else float("inf")


def _day(f: Facts) -> str:
    return f.published.date().isoformat() if f.published else "undated"

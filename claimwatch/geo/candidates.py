"""Candidate places for a mention: every gazetteer entry its wording can name.

Reads: a mention's surface text and the :class:`~claimwatch.geo.gazetteer.Gazetteer`. Writes: a list of
:class:`Candidate` (entry plus how it was reached). "Kursk region" reaches the region that contains the town of
Kursk; "University of California" reaches California only as a partial name, which resolution trusts less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Entry, Gazetteer
from .names import Query, inflected_level, norm, queries, words
from .sources import ALTERNATE, DEMONYM

#: words that make a name a facility or a feature inside a place: "Royal Street", "Kramatorsk railway station"
FACILITY_WORDS = words("""street st avenue ave road rd boulevard blvd lane highway hwy freeway bridge square
    airport airfield base station railway university college school academy hospital clinic church cathedral
    mosque temple park garden gardens library museum center centre hall stadium arena building tower plaza
    market mall prison jail port harbor harbour beach district neighborhood neighbourhood quarter plant factory
    dam reservoir mine hotel inn club house palace court courthouse office headquarters embassy consulate
    metro avenue parkway drive terrace theatre theater synagogue plantation refinery depot terminal shipyard
    barracks substation warehouse checkpoint railroad""")
#: streets are often named after other towns ("Kyivska Street" in Kharkiv): never resolved by their stem
_STREET_WORDS = frozenset({"street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "highway",
                           "hwy", "freeway", "square", "drive", "parkway", "terrace", "plaza"})
_CYRILLIC_STREETS = frozenset(norm(w) for w in """улица улице улицу улицы улицей ул проспект проспекте проспекта
    переулок переулке площадь площади бульвар бульваре шоссе набережная набережной вулиця вулиці вулицю вулицею вул
    провулок провулку площа площі узвіз узвозі""".split())
_OF_PREFIX = re.compile(r"^(?:the\s+)?(?:university|state university|college|port|bank|city|republic|state|"
                        r"province|region|county|district|governor|mayor|people|government|gulf|bay|sea|lake)"
                        r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_MAX_CANDIDATES = 60
_COMPASS = words("""north south east west northern southern eastern western central northeast northwest southeast
    southwest northeastern northwestern southeastern southwestern""")
_INSTITUTION_WORDS = words("""commission committee council parliament assembly congress government ministry
    army navy forces force corps guard police service services agency bank union party court embassy consulate
    airlines airways railways league federation authority""")
_AREAS = ("country", "region", "continent")  #: not districts: "North Island" is not Island County


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    derived: bool = False  #: reached through a cut form of the name ("Kursk region" -> "kursk")
    partial: bool = False  #: only part of the name matched ("Kyiv railway station" -> Kyiv)


def candidates(gazetteer: Gazetteer, surface: str, keys: tuple[str, ...] = ()) -> list[Candidate]:
    """All candidates for ``surface``, each place once (its most literal way of being reached). ``keys``:
    normalised names to try first (the nominative forms of an inflected Cyrillic mention, "киеве" -> "киев")."""
    found: dict[int, Candidate] = {}
    for key in keys:
        _add(found, _from_query(gazetteer, Query(key)))
        if found:
            return list(found.values())[:_MAX_CANDIDATES]
    if not any(ch.isupper() for ch in surface):
        return []  # toponyms are proper names: "the city", "streets" are not looked up
    if not surface.isascii() and _CYRILLIC_STREETS & set(norm(surface).split()):
        return []  # "Каспийская улица" is named after a town, and is not it
    for q in queries(surface):
        _add(found, _from_query(gazetteer, q))
        if found:
            break  # the most literal reading that names anything wins ("Anderson County" over "Anderson")
    if not found:
        for q in inflected_queries(gazetteer, norm(surface)):
            _add(found, _from_query(gazetteer, q))
    if not found:
        for q in _compass_queries(surface):
            _add(found, (Candidate(c.entry, True) for c in _from_query(gazetteer, q)
                         if c.entry.kind in _AREAS and c.entry.quality <= ALTERNATE))
            if found:
                break
    if not found:
        for q in _partial_queries(surface):
            _add(found, (Candidate(c.entry, c.derived, True) for c in _from_query(gazetteer, q)))
            if found:
                break  # the longest name inside that names anything
    if not found and _INSTITUTION_WORDS.intersection(norm(surface).split()[1:]):
        # an institution named by a demonym ("European Commission", "Nigerian Armed Forces") is of that place;
        # other names led by one are local ("Indian Orchard", "German Village")
        first = norm(surface).split()[0]
        _add(found, (Candidate(e, True, True) for e in gazetteer.lookup(first) if e.quality == DEMONYM))
    out = list(found.values())
    return out[:_MAX_CANDIDATES]


def _add(found: dict[int, Candidate], new) -> None:  # type: ignore[no-untyped-def]
    for c in new:
        if c.entry.id not in found:
            found[c.entry.id] = c


def _from_query(gazetteer: Gazetteer, q: Query) -> list[Candidate]:
    out = []
    towns = []
    for e in gazetteer.lookup(q.key):
        if q.level is None:
            out.append(Candidate(e, q.derived))
        elif q.level == "settlement":
            if e.kind == "settlement":
                out.append(Candidate(e, q.derived))
        elif e.kind == q.level:
            out.append(Candidate(e, q.derived))
        elif e.kind == "settlement" and e.admin1 and (q.level == "region" or e.admin2):
            towns.append(e)
    if towns and not out:
        # "Mykolaiv region" is the region of the largest Mykolaiv, not of every town of that name
        town = max(towns, key=lambda e: e.population)
        region = gazetteer.region(q.level or "", town.admin1, town.admin2 if q.level == "district" else "")
        if region is not None:
            out.append(Candidate(region, True))
    return out


def inflected_queries(gazetteer: Gazetteer, key: str) -> list[Query]:
    """Matcher names an inflected Cyrillic mention stands for: "херсоне" -> "херсон"; "курськоі області" ->
    "курськ" as a region (the level word inflected too). Empty for Latin names and names known as they are."""
    if key.isascii():
        return []
    found = [Query(k, derived=True) for k in gazetteer.inflected(key)]
    words = key.split()
    if found or len(words) < 2:
        return found
    level = inflected_level(words[-1])
    base = " ".join(words[:-1])
    if level is None:
        return []
    bases = (base,) if base in gazetteer.matcher_names() else gazetteer.inflected(base)
    if not bases:
        return []
    # a region is named after its largest town: "курськоі" is Kursk's, not the village Kurske's
    biggest = max(bases, key=lambda k: max((e.population for e in gazetteer.lookup(k)), default=0))
    return [Query(biggest, level=level, derived=True)]


def _compass_queries(surface: str) -> tuple[Query, ...]:
    """The area after a compass word, for a name the gazetteer does not know as a whole: "Southern Lebanon" ->
    Lebanon, "South Florida" -> Florida, "Eastern Ukraine" -> Ukraine: a country or region by its own name, never
    a town, a county or a region's abbreviation ("South L.A." is not Louisiana)."""
    first, _, rest = surface.strip().partition(" ")
    if first.lower().replace("-", "") not in _COMPASS or not rest[:1].isupper():
        return ()
    # an abbreviation after a compass word may only be a country ("Western U.S."; "South L.A." is not Louisiana)
    level = "country" if "." in rest or rest.isupper() else None
    return tuple(Query(q.key, level=level or q.level, derived=True) for q in queries(rest))


def _partial_queries(surface: str) -> list[Query]:
    """Shorter names inside a facility-like name: "University of California" -> "California"."""
    out = []
    stripped = _OF_PREFIX.sub("", surface.strip())
    if stripped != surface.strip():
        out.append(Query(norm(stripped), derived=True))
    words = norm(surface).split()
    if len(words) > 1 and words[-1] in FACILITY_WORDS and words[-1] not in _STREET_WORDS:
        head = [w for w in words if w not in FACILITY_WORDS]
        # the whole head, then its first three, two, one words: "New Orleans Railways and Light Company Power
        # House" -> New Orleans, "Kremenchuk Oil Refinery" -> Kremenchuk
        for n in (len(head), 3, 2, 1):
            if 0 < n <= len(head):
                out.append(Query(" ".join(head[:n]), derived=True))
    return list(dict.fromkeys(out))

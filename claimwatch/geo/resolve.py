"""Toponym resolution: choose one gazetteer place for each mention, using the article's context.

Reads: the article text and mention spans (from detection or from gold annotations) and a
:class:`~claimwatch.geo.gazetteer.Gazetteer`. Writes: one :class:`Resolution` per mention.

Each candidate is scored on its own merits (population, feature type, how the name belongs to it) and on the
article's context: the countries and regions that the other mentions point to, a qualifier right after the
mention ("Sudzha in the Kursk region", "Athens, Ga."), and how close it lies to the places resolved around
it. Mentions the gazetteer cannot place (streets, buildings) take the nearest resolved settlement as an
approximate location, flagged as such.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from .candidates import Candidate, candidates
from .gazetteer import Entry, Gazetteer
from .names import norm, words
from .ranking import CONTEXT, Ranker, default_ranker, hand_ranker
from .regions import distance_km

PARTIAL_MIN = 1.0  # a partial-name candidate below this hand-set score gives way to the nearest resolved place
FALLBACK_CONFIDENCE = 0.2
_HAND = hand_ranker()  # read only: the partial-name threshold is on the hand-set scale
FALLBACK_MIN_CONFIDENCE = 0.4  # only a confidently resolved town may lend its point
_BARE_COMPASS = words("west western east eastern north northern south southern central")
_OWN_NAME_TOWN = 50_000  # a town this large keeps its own name from a country's foreign-language alternate name
STRANGER_POPULATION = 10_000  # a town abroad smaller than this needs another mention in its country (_stranger)

#: words that end names a nearby town must not stand in for: seas, ranges, blocs, compass points, parts of the
#: world ("North Africa", "the Caucasus Mountains"); also "Sea of ...", "Gulf of ..." (see _may_fall_back)
_NO_FALLBACK = words("""sea seas ocean gulf bay strait straits channel river rivers lake lakes mountains
    mountain range peninsula desert island islands union west east north south western eastern northern
    southern midwest world region regions africa african asia asian america american americas europe european
    caribbean pacific atlantic arctic antarctic""")
_WATER_OF = words("sea seas gulf bay strait straits")
_QUALIFIER_GAP = re.compile(r"^(?:\s*,\s*|\s*\(\s*|\s+in\s+(?:the\s+)?|\s+of\s+(?:the\s+)?|\s*-\s*)$", re.IGNORECASE)


@dataclass(slots=True)
class Resolution:
    start: int
    end: int
    text: str
    entry: Entry | None
    confidence: float = 0.0
    approximate: bool = False  #: placed at a nearby resolved place, not found in the gazetteer itself
    candidates: int = 0


@dataclass(frozen=True, slots=True)
class Prior:
    """Where an outlet's reporting usually is: shares of countries and regions among its resolved places.

    A local paper's "Paris" is more likely its own state's Paris; callers that know an outlet's other
    articles (or its country) pass this to :func:`resolve`.
    """

    countries: dict[str, float]
    admin1s: dict[str, float]

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Prior:
        countries: Counter[str] = Counter(e.country for e in entries if e.country)
        admin1s: Counter[str] = Counter(e.admin1 for e in entries if e.admin1 and e.kind != "country")
        n = max(1, len(entries))
        return cls({k: v / n for k, v in countries.items()}, {k: v / n for k, v in admin1s.items()})

    @classmethod
    def of_counts(cls, counts: Iterable[tuple[Entry, int]]) -> Prior:
        """The prior of places named ``n`` times each."""
        countries: Counter[str] = Counter()
        admin1s: Counter[str] = Counter()
        total = 0
        for e, n in counts:
            total += n
            if e.country:
                countries[e.country] += n
            if e.admin1 and e.kind != "country":
                admin1s[e.admin1] += n
        total = max(1, total)
        return cls({k: v / total for k, v in countries.items()}, {k: v / total for k, v in admin1s.items()})

    def shares(self, e: Entry) -> tuple[float, float]:
        """The outlet's share of places in ``e``'s country and (unless ``e`` is a country) in its region."""
        admin1 = self.admin1s.get(e.admin1, 0.0) if e.kind != "country" else 0.0
        return self.countries.get(e.country, 0.0), admin1


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    text: str
    cands: list[Candidate]
    base: list[tuple[float, ...]] = field(default_factory=list)  #: context-free features of each candidate
    features: list[tuple[float, ...]] = field(default_factory=list)  #: all features, as of the last round
    scores: list[float] = field(default_factory=list)
    choice: int = -1
    qualifier: int = -1  #: index of the mention qualifying this one
    key: str = ""  #: the normalised name: mentions of one name are one decision, not evidence for each other

    @property
    def best(self) -> Candidate | None:
        return self.cands[self.choice] if self.choice >= 0 else None


def resolve(gazetteer: Gazetteer, text: str, spans: Sequence[tuple[int, int]],
            fallback: bool | Sequence[bool] = True, rounds: int = 2, prior: Prior | None = None,
            keys: Sequence[tuple[str, ...]] | None = None, ranker: Ranker | None = None) -> list[Resolution]:
    """Resolve the mentions at ``spans`` (offsets into ``text``) together, as one article.

    ``fallback`` (for all spans, or per span): whether a mention the gazetteer cannot place may take the
    nearest resolved settlement as an approximate location (streets, buildings). ``keys`` (per span): normalised
    names to look up before the surface form (the lemmas of an inflected Cyrillic mention). ``ranker``: the
    candidate weights (default: :func:`~claimwatch.geo.ranking.default_ranker`).
    """
    ranker = ranker if ranker is not None else default_ranker()
    mentions = _rank(gazetteer, text, spans, rounds, prior, keys, ranker)
    allowed = [fallback] * len(mentions) if isinstance(fallback, bool) else list(fallback)
    countries = _Countries.of(mentions)
    donors = _Donors(mentions, countries)
    return [_result(i, m, ok and _may_fall_back(m.text), countries, donors) for i, (m, ok) in
            enumerate(zip(mentions, allowed))]


def ranked_candidates(gazetteer: Gazetteer, text: str, spans: Sequence[tuple[int, int]],
                      prior: Prior | None = None, ranker: Ranker | None = None,
                      ) -> list[tuple[list[Candidate], list[tuple[float, ...]]]]:
    """Per span, its candidates and their :data:`~claimwatch.geo.ranking.FEATURES` after the context rounds (the
    training data of ``scripts/train_geo_ranker.py``)."""
    mentions = _rank(gazetteer, text, spans, 2, prior, None, ranker or default_ranker())
    return [(m.cands, m.features) for m in mentions]


def _rank(gazetteer: Gazetteer, text: str, spans: Sequence[tuple[int, int]], rounds: int, prior: Prior | None,
          keys: Sequence[tuple[str, ...]] | None, ranker: Ranker) -> list[_Mention]:
    extra = list(keys) if keys is not None else [()] * len(spans)
    mentions = [_Mention(s, e, text[s:e], _countries_first(candidates(gazetteer, text[s:e], k)),
                         key=norm(text[s:e])) for (s, e), k in zip(spans, extra)]
    _link_qualifiers(text, mentions)
    none = (0.0,) * len(CONTEXT)
    for m in mentions:
        m.base = _base_features(m.cands, prior, gazetteer)
        m.features = [b + none for b in m.base]
        m.scores = [ranker.score(f) for f in m.features]
        m.choice = _argmax(m.scores)
    groups = _same_name_groups(mentions)
    for _ in range(rounds):
        context = _Context.of(mentions)
        for i, m in enumerate(mentions):
            m.features = [m.base[k] + _context_features(k, i, m, mentions, context) for k in range(len(m.cands))]
            m.scores = [ranker.score(f) for f in m.features]
            m.choice = _argmax(m.scores)
        _decide_together(mentions, groups)
    return mentions


def _same_name_groups(mentions: list[_Mention]) -> list[list[int]]:
    """Mentions of one name with the same candidates (two or more of them)."""
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for i, m in enumerate(mentions):
        if len(m.cands) > 1:
            groups.setdefault((m.key, tuple(c.entry.id for c in m.cands)), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _decide_together(mentions: list[_Mention], groups: list[list[int]]) -> None:
    """One name in one article is one place: each mention of it takes the candidate with the best summed score
    over them all, so the mention with a qualifier ("Paris, Ill.") decides for the bare ones."""
    for group in groups:
        sums = [sum(mentions[i].scores[k] for i in group) for k in range(len(mentions[group[0]].cands))]
        best = _argmax(sums)
        for i in group:
            mentions[i].choice = best


def _countries_first(cands: list[Candidate]) -> list[Candidate]:
    """Without the towns that bear a country's name only as an alternate name: "Mexico" is the country (its
    capital is also called so), "Panama" too. And the reverse: a country that bears a large town's own name
    only in another language is no candidate ("Uman" is the Ukrainian city, not Oman)."""
    if any(c.entry.kind == "settlement" and c.entry.quality == 0 and c.entry.population >= _OWN_NAME_TOWN
           for c in cands):
        cands = [c for c in cands if not (c.entry.kind == "country" and c.entry.quality == 1)]
    if not any(c.entry.kind == "country" and c.entry.quality == 0 for c in cands):
        return cands
    return [c for c in cands if c.entry.kind != "settlement" or c.entry.quality == 0]


def _may_fall_back(surface: str) -> bool:
    """Not for seas, ranges and parts of the world: judged by the last word ("North Africa", "Lake Cumberland"
    may, being near a town), or by the first before "of" ("Sea of Azov", "Gulf of Aden")."""
    words = surface.lower().split()
    if not words or words[-1] in _NO_FALLBACK:
        return False
    return not (len(words) > 2 and words[1] == "of" and words[0] in _WATER_OF)


def _argmax(scores: list[float]) -> int:
    return max(range(len(scores)), key=scores.__getitem__) if scores else -1


_KINDS = ("country", "continent", "region", "district", "other")


def _base_features(cands: list[Candidate], prior: Prior | None, gazetteer: Gazetteer | None = None,
                   ) -> list[tuple[float, ...]]:
    """The context-free features of each candidate (all of :data:`FEATURES` before :data:`CONTEXT`)."""
    logs = [math.log10(c.entry.population + 10) for c in cands]
    top = max(logs, default=0.0)
    out = []
    for c, log in zip(cands, logs):
        e = c.entry
        outlet = prior.shares(e) if prior is not None else (0.0, 0.0)
        quality = min(e.quality, 3)
        out.append((log, *(float(e.kind == k) for k in _KINDS),
                    *(float(quality == q) for q in (1, 2, 3)), float(c.derived), float(c.partial),
                    float(e.fcode == "PPLC"), _namesake(c, cands, gazetteer), *outlet, float(log == top),
                    log - top))
    return out


def _namesake(c: Candidate, cands: list[Candidate], gazetteer: Gazetteer | None = None) -> float:
    """For a town and a region or district of the same name that contains it, when the town is a large part of
    it or its largest town, the bare name means the town ("New York" the city, not the state; "Kharkiv" and
    "Kherson", not the oblasts; "Bakhmut", not the raion): -1 for the region or district, and +1 for a town that is
    the largest of a same-named region (an oblast's or a state's namesake city: Mykolaiv over a small Mykolaiv
    elsewhere). A small town inside a same-named district gains nothing over larger namesakes elsewhere ("Tula" is
    the Russian city, not Ciudad Tula in the Mexican municipality of Tula; "Uman" not Umán)."""
    own = c.entry
    if own.kind not in ("settlement", "region", "district") or any(o.entry.kind == "country" for o in cands):
        return 0.0  # "Mexico" is the country, not Mexico City
    if own.kind == "settlement":
        capital = gazetteer is not None and any(
            o.entry.kind == "region" and _heads(own, o.entry, gazetteer)
            and own.population >= gazetteer.largest_town(o.entry.admin1) for o in cands)
        return 1.0 if capital else 0.0
    return -1.0 if any(_heads(o.entry, own, gazetteer) for o in cands) else 0.0


def _heads(e: Entry, r: Entry, gazetteer: Gazetteer | None) -> bool:
    """Is town ``e`` what region or district ``r`` is named after (inside it, and a large part or its largest)?"""
    return e.kind == "settlement" and r.kind in ("region", "district") and r.admin1 == e.admin1 and (
        r.kind == "region" or r.admin2 == e.admin2) and (
        e.population >= 0.2 * r.population or (
            r.kind == "region" and gazetteer is not None and e.population >= gazetteer.largest_town(r.admin1)))


@dataclass(slots=True)
class _Context:
    """What the article's mentions point to: weights per country and per region, and chosen points."""

    countries: Counter[str]
    admin1s: Counter[str]
    total: float
    points: list[tuple[int, float, float]]  #: (mention index, lat, lon) of chosen settlements/districts
    grid: dict[tuple[int, int], list[tuple[int, float, float]]]  #: the same points by 2-degree cell
    keys: list[str]  #: each mention's normalised name
    by_key: dict[str, tuple[Counter[str], Counter[str]]]  #: per name, its mentions' countries and regions

    @classmethod
    def of(cls, mentions: list[_Mention]) -> _Context:
        countries: Counter[str] = Counter()
        admin1s: Counter[str] = Counter()
        by_key: dict[str, tuple[Counter[str], Counter[str]]] = {}
        points = []
        for i, m in enumerate(mentions):
            c = m.best
            if c is None or c.partial:
                continue
            e = c.entry
            own = by_key.setdefault(m.key, (Counter(), Counter()))
            if e.country:
                countries[e.country] += 1
                own[0][e.country] += 1
            if e.admin1 and e.kind != "country":
                admin1s[e.admin1] += 1
                own[1][e.admin1] += 1
            if e.kind in ("settlement", "district"):
                points.append((i, e.lat, e.lon))
        return cls(countries, admin1s, float(sum(countries.values())), points, _grid(points),
                   [m.key for m in mentions], by_key)

    def near(self, i: int, lat: float, lon: float, km: float) -> bool:
        """Is another mention's chosen point within ``km`` of (lat, lon)? Mentions of the same name do not
        count. Looks only in nearby grid cells, so an article with thousands of place names stays linear."""
        cell_lat = int(lat // _CELL)
        cos = max(math.cos(math.radians(min(abs(lat) + km / 111.0, 89.0))), 0.01)
        lon_cells = int(km / (111.0 * cos) // _CELL) + 1
        lat_cells = int(km / 111.0 // _CELL) + 1
        cell_lon = int(lon // _CELL)
        for a in range(cell_lat - lat_cells, cell_lat + lat_cells + 1):
            for b in range(cell_lon - lon_cells, cell_lon + lon_cells + 1):
                for j, plat, plon in self.grid.get((a, b), ()):
                    if self.keys[j] != self.keys[i] and distance_km(lat, lon, plat, plon) < km:
                        return True
        return False


_CELL = 2.0  # degrees


def _grid(points: list[tuple[int, float, float]]) -> dict[tuple[int, int], list[tuple[int, float, float]]]:
    grid: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    for j, lat, lon in points:
        grid.setdefault((int(lat // _CELL), int(lon // _CELL)), []).append((j, lat, lon))
    return grid


def _context_features(k: int, i: int, m: _Mention, mentions: list[_Mention], ctx: _Context) -> tuple[float, ...]:
    """The :data:`~claimwatch.geo.ranking.CONTEXT` features of candidate ``k`` of mention ``i``."""
    e = m.cands[k].entry
    # the other mentions, less every mention of this name ("Paris" three times is one choice, not context)
    same_countries, same_admin1s = ctx.by_key.get(m.key, (Counter(), Counter()))
    total = ctx.total - sum(same_countries.values())
    country = admin1 = qualifier = near = 0.0
    if total > 0 and e.country:
        country = (ctx.countries[e.country] - same_countries[e.country]) / total
    if total > 0 and e.admin1 and e.kind != "country":
        admin1 = (ctx.admin1s[e.admin1] - same_admin1s[e.admin1]) / total
    if m.qualifier >= 0:
        qualifier = _inside(e, mentions[m.qualifier].best)
    if e.kind in ("settlement", "district") and ctx.near(i, e.lat, e.lon, 200.0):
        near = 1.0
    return country, admin1, qualifier, near


def _inside(e: Entry, qualifier: Candidate | None) -> float:
    if qualifier is None:
        return 0.0
    q = qualifier.entry
    if q.kind == "country":
        return float(e.country == q.country)
    if q.kind == "region":
        return float(e.admin1 == q.admin1 and e.id != q.id)
    if q.kind == "district":
        return float(e.admin2 == q.admin2 and e.id != q.id)
    return 0.0


def _link_qualifiers(text: str, mentions: list[_Mention]) -> None:
    """Mark "A, B" / "A in the B region" / "A (B)": B qualifies A when B can be a region or country."""
    order = sorted(range(len(mentions)), key=lambda k: mentions[k].start)
    for a, b in pairwise(order):
        ma, mb = mentions[a], mentions[b]
        gap = text[ma.end:mb.start]
        if len(gap) <= 12 and _QUALIFIER_GAP.match(gap) and any(
                c.entry.kind in ("country", "region", "district") for c in mb.cands):
            ma.qualifier = b


def _trusted(m: _Mention) -> bool:
    """Whether the mention's choice is its place: any whole-name candidate, a partial one only when it scores
    well enough on the hand-set scale."""
    return m.best is not None and (not m.best.partial or _HAND.score(m.features[m.choice]) >= PARTIAL_MIN)


def _result(i: int, m: _Mention, fallback: bool, countries: _Countries, donors: _Donors) -> Resolution:
    best = m.best
    res = Resolution(m.start, m.end, m.text, None, candidates=len(m.cands))
    if best is not None and _trusted(m) and not _stranger(m.key, best.entry, countries):
        res.entry = best.entry
        res.confidence = _confidence(m.scores, m.choice)
    elif fallback:
        near = donors.nearest(i, m.start)
        if near is not None:
            res.entry, res.confidence, res.approximate = near, FALLBACK_CONFIDENCE, True
    return res


@dataclass(frozen=True, slots=True)
class _Countries:
    """The countries of the article's placed mentions: in all, and per name (counted once per article)."""

    total: Counter[str]
    by_key: dict[str, Counter[str]]

    @classmethod
    def of(cls, mentions: list[_Mention]) -> _Countries:
        total: Counter[str] = Counter()
        by_key: dict[str, Counter[str]] = {}
        for m in mentions:
            if m.best is not None and not m.best.partial and m.best.entry.country:
                total[m.best.entry.country] += 1
                by_key.setdefault(m.key, Counter())[m.best.entry.country] += 1
        return cls(total, by_key)

    def without(self, key: str) -> Counter[str]:
        """The countries of the mentions of other names than ``key``."""
        return self.total - self.by_key.get(key, Counter())


def _stranger(key: str, e: Entry, countries: _Countries) -> bool:
    """A small town abroad that nothing else in the article points to, in an article about another country:
    the name's own place is missing from the gazetteer (a hamlet, a lagoon, a front-line village), and a
    namesake village on another continent would only mislead. Such a mention stays unplaced (or borrows a
    nearby town, where that is allowed). Likewise a region abroad named only by a compass word ("Western
    countries", "the West" are not Uganda's Western Region) unless the article points to its country."""
    if key in _BARE_COMPASS and e.kind in ("region", "district") and e.country:
        return countries.without(key)[e.country] == 0
    if e.kind != "settlement" or e.population >= STRANGER_POPULATION or not e.country:
        return False
    others = countries.without(key)
    main = others.most_common(1)
    return bool(main) and main[0][0] != e.country and others[e.country] == 0


def _confidence(scores: list[float], choice: int) -> float:
    """Softmax probability of the chosen candidate."""
    top = scores[choice]
    total = sum(math.exp(s - top) for s in scores)
    return round(1.0 / total, 3)


class _Donors:
    """The towns a mention the gazetteer cannot place may borrow a point from (worked out once per article, when
    the first mention needs it).

    The nearest in the text (an earlier one on ties) of the confidently resolved settlements and districts,
    among those in the article's main country (the country most of its resolved mentions are in) when any is,
    and among those in the region most of its mentions are in when any is: a street in a New Orleans story is
    not placed at the French town named beside it. A town named inside a facility's name ("the Mykolaiv
    Shipyard") counts, when it was trusted as that facility's place."""

    def __init__(self, mentions: list[_Mention], countries: _Countries) -> None:
        self._mentions = mentions
        self._countries = countries
        self._towns: list[tuple[int, int, Entry]] | None = None  #: (mention index, start, entry)
        self._main = ""
        self._votes: Counter[str] = Counter()

    def nearest(self, i: int, here: int) -> Entry | None:
        towns = [(start, e) for j, start, e in self._candidates() if j != i]
        towns = [t for t in towns if t[1].country == self._main] or towns
        region = [k for k, _ in self._votes.most_common() if any(e.admin1 == k for _, e in towns)][:1]
        towns = [t for t in towns if region and t[1].admin1 == region[0]] or towns
        best: tuple[int, Entry] | None = None
        for start, entry in towns:
            gap = abs(start - here) + (1 if start > here else 0)
            if best is None or gap < best[0]:
                best = (gap, entry)
        return best[1] if best is not None else None

    def _candidates(self) -> list[tuple[int, int, Entry]]:
        if self._towns is None:
            placed = [m for m in self._mentions if _trusted(m)]
            self._towns = [(j, m.start, m.best.entry) for j, m in enumerate(self._mentions) if _trusted(m)
                           and m.best is not None and m.best.entry.kind in ("settlement", "district")
                           and _confidence(m.scores, m.choice) >= FALLBACK_MIN_CONFIDENCE]
            main = self._countries.total.most_common(1)  # the country most resolved mentions are in
            self._main = main[0][0] if main else ""
            # the region most mentions are in, regions named outright included ("Louisiana", "the Mykolaiv
            # region")
            self._votes = Counter(m.best.entry.admin1 for m in placed if m.best is not None
                                  and m.best.entry.admin1 and m.best.entry.kind != "country"
                                  and m.best.entry.country == self._main)
        return self._towns

"""The geoparsing stage: place mentions of an article, resolved, and the place of each event.

Reads: the spaCy ``Doc`` of ``article.text``, the article's claims (with events filled by the events stage) and
the gazetteer index (opened lazily on first use; built first when missing). Writes: the returned
:class:`~claimwatch.model.PlaceMention` list (offsets into ``article.text``) and ``event.place`` of each event:
the most specific location its claim refers to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..model import Article, Claim, Event, PlaceMention, Precision, Role
from ..stage import Analysis, Stage
from ..text.intervals import StartIndex
from ..text.sentences import sentence_index
from .candidates import inflected_queries
from .cyrillic import Found
from .cyrillic import detect as detect_cyrillic
from .gazetteer import LARGE_PLACE, MATCHER_COUNTRIES, Gazetteer
from .ranking import Ranker
from .regions import precision_of
from .resolve import Prior, Resolution, resolve
from .toponyms import Toponym, detect

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..settings import Options

#: towns this large (or countries and regions) count when the model labels their name otherwise ("Harare" ORG,
#: "Tamil Nadu" PERSON) anywhere; smaller ones only in the matcher countries (companies are named after towns:
#: "Nokia", "Mercedes")
MAJOR_PLACE = 100_000
#: languages whose documents come from :mod:`claimwatch.nlp.slavic` and get :mod:`.cyrillic` detection
CYRILLIC = ("ru", "uk")


class Geoparser:
    """Detects and resolves toponyms; one per process is enough (the index opens once, on first use)."""

    def __init__(self, options: Options | None = None, gazetteer: Gazetteer | None = None,
                 use_matcher: bool = True, ranker: Ranker | None = None) -> None:
        self.options = options
        self.ranker = ranker  #: candidate weights; None: the shipped ones (geo/ranking.py)
        self._gazetteer = gazetteer
        self._lock = threading.Lock()
        self.use_matcher = use_matcher
        self._matcher: frozenset[str] | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            with self._lock:
                if self._gazetteer is None:
                    self._gazetteer = Gazetteer.open(self.options)
        return self._gazetteer

    def resolve_spans(self, text: str, spans: Sequence[tuple[int, int]], prior: Prior | None = None,
                      fallback: bool | Sequence[bool] = True) -> list[Resolution]:
        """Resolve given spans of ``text`` (gold toponyms or detected ones) as one article; ``prior``: where
        the outlet usually reports from (see :class:`~claimwatch.geo.resolve.Prior`); ``fallback``: whether
        unknown names may take the nearest resolved town as an approximate place."""
        return resolve(self.gazetteer, text, spans, fallback=fallback, prior=prior, ranker=self.ranker)

    def detect(self, doc: Doc, demonyms: bool = False, embedded: bool = False) -> list[Toponym]:
        """Toponyms of ``doc``; demonyms ("Russian") only with ``demonyms=True``, places inside organisation names
        ("The Washington Post") only with ``embedded=True``."""
        gaz = self.gazetteer
        matcher = self._matcher_names() if self.use_matcher else frozenset()
        return detect(doc, matcher, gaz.demonym_names() if demonyms else frozenset(), demonyms, self._known,
                      self._inflected, self._large, self._notable, embedded)

    def _notable(self, key: str) -> bool:
        """A country, continent, region or district, or a :data:`~claimwatch.geo.gazetteer.LARGE_PLACE` town, anywhere, by
        its primary name or an abbreviation ("U.S."; alternate names hold jokes and old names: "Google", "Hamas")."""
        return any(e.quality == 0 and (e.kind in ("country", "continent", "region", "district") or (
            e.kind == "settlement" and e.population >= LARGE_PLACE)) for e in self.gazetteer.lookup(key))

    def _matcher_names(self) -> frozenset[str]:
        """What the text matcher looks for: every place in the matcher countries, and major places anywhere."""
        if self._matcher is None:
            gaz = self.gazetteer
            with self._lock:
                self._matcher = gaz.matcher_names() | gaz.major_names(MAJOR_PLACE)
        return self._matcher

    def _known(self, key: str) -> bool:
        """A name of a place in the matcher countries (any spelling): "Artemivsk", "Vuhledar"; or the name of a
        :meth:`major <_major>` place anywhere ("Tamil Nadu", "Harare")."""
        return any(e.country in MATCHER_COUNTRIES and e.quality <= 1 for e in self.gazetteer.lookup(key)) or (
            self._major(key))

    def _large(self, key: str) -> bool:
        """A name of a :data:`~claimwatch.geo.gazetteer.LARGE_PLACE` town or a region in the matcher countries,
        or of a :meth:`major <_major>` place anywhere."""
        return any(e.country in MATCHER_COUNTRIES and e.quality <= 1 and (
            e.population >= LARGE_PLACE or e.kind != "settlement") for e in self.gazetteer.lookup(key)) or (
            self._major(key))

    def _major(self, key: str) -> bool:
        """The primary name of a country, continent or region, or of a town of :data:`MAJOR_PLACE` people."""
        return any(e.quality == 0 and (e.kind in ("country", "continent", "region") or (
            e.kind == "settlement" and e.population >= MAJOR_PLACE)) for e in self.gazetteer.lookup(key))

    def _inflected(self, key: str) -> bool:
        """An inflected form of a matcher place's Cyrillic name: "Херсоне", "Курської області"."""
        return bool(inflected_queries(self.gazetteer, key))

    def detect_cyrillic(self, doc: Doc) -> list[Found]:
        """Toponyms of a Russian or Ukrainian ``doc`` with the nominative keys to resolve them by."""
        from ..nlp.slavic import morphology

        return detect_cyrillic(doc, morphology(doc.lang_), self.gazetteer.lookup)

    def annotate(self, doc: Doc, article: Article, claims: Sequence[Claim] = (), prior: Prior | None = None,
                 ) -> list[PlaceMention]:
        """Every place mention of the article; sets ``event.place`` for the events of ``claims``. ``prior``: where
        the article's outlet usually reports from (see :func:`outlet_priors`)."""
        keys: list[tuple[str, ...]] | None = None
        if doc.lang_ in CYRILLIC and doc.has_annotation("POS"):  # a doc of claimwatch.nlp.slavic
            cyrillic = self.detect_cyrillic(doc)
            found, keys = [f.toponym for f in cyrillic], [f.keys for f in cyrillic]
        else:
            found = self.detect(doc)
        resolved = resolve(self.gazetteer, article.text, [(t.start, t.end) for t in found],
                           fallback=[t.facility for t in found], keys=keys, ranker=self.ranker, prior=prior)
        mentions = [_mention(article, t, r) for t, r in zip(found, resolved)]
        locations = StartIndex([m for m, t, r in zip(mentions, found, resolved)
                                if t.role == "location" and m.place is not None and not r.approximate],
                               lambda m: m.span.start)
        for claim in claims:
            for event in claim.events:
                event.place = event_place(event, claim, locations, doc)
        return mentions


def _mention(article: Article, t: Toponym, r: Resolution) -> PlaceMention:
    place = r.entry.to_place() if r.entry is not None else None
    precision = None
    if r.entry is not None:
        precision = Precision.OTHER if r.approximate else precision_of(r.entry.fclass, r.entry.fcode, r.entry.country)
    role = Role.ACTOR if t.role == "actor" else Role.LOCATION
    return PlaceMention(article.span(t.start, t.end), place, precision, role, r.confidence)


def event_place(event: Event, claim: Claim, locations: Sequence[PlaceMention] | StartIndex[PlaceMention],
                doc: Doc) -> PlaceMention | None:
    """The most specific location inside the claim's content (else the event's sentence), nearest the trigger.

    ``locations``: the article's resolved location mentions, best indexed once per article (a plain sequence is
    indexed on each call)."""
    if not isinstance(locations, StartIndex):
        locations = StartIndex(locations, lambda m: m.span.start)
    inside = [m for p in claim.parts for m in locations.starting_in(p.start, p.end) if p.contains(m.span)]
    if not inside:
        trigger = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if trigger is not None:
            sent = sentence_index(doc).of(trigger.start)
            inside = [m for m in locations.starting_in(sent.start_char, sent.end_char)
                      if m.span.end <= sent.end_char]
    if not inside:
        return None
    return min(inside, key=lambda m: ((m.precision or Precision.OTHER).rank, abs(m.span.start - event.trigger.start)))


def outlet_priors(gazetteer: Gazetteer, places: Mapping[str, Iterable[tuple[int, int]]]) -> dict[str, Prior]:
    """Per outlet, where it usually reports from: the shares of countries and regions among the places its stored
    articles name (``places``: outlet -> [(geonameid, mentions)], as :meth:`claimwatch.store.Store.outlet_places`
    gives them). A local paper's "Paris" is then its own state's Paris, a Kharkiv outlet's "Petropavlivka" the
    one in the Kharkiv region, unless the article's own context says otherwise."""
    out: dict[str, Prior] = {}
    for outlet, counts in places.items():
        entries = [(e, n) for gid, n in counts if (e := gazetteer.get(gid)) is not None]
        if entries:
            out[outlet] = Prior.of_counts(entries)
    return out


class GeoStage(Stage):
    """Place mentions resolved to GeoNames entries offline; each event's place (the most specific nearby)."""

    name = "geo"
    requires = ("doc",)
    #: events.place is set for the events present (none when the events stage is off)
    assigns = ("places", "events.place")

    def __init__(self, geoparser: Callable[[], Geoparser],
                 priors: Callable[[], Mapping[str, Prior]] | None = None) -> None:
        self._geoparser = geoparser  #: opens the gazetteer index on first use
        self._priors = priors  #: outlet name -> Prior (the pipeline's ``outlet_priors``)

    def __call__(self, analysis: Analysis) -> None:
        extraction = analysis.extraction
        outlet = analysis.article.outlet
        prior = self._priors().get(outlet) if self._priors is not None and outlet else None
        extraction.places = self._geoparser().annotate(analysis.parsed, analysis.article, extraction.claims, prior)

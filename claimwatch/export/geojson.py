"""GeoJSON export: a FeatureCollection with one Point Feature per located event (or per located claim).

Reads :class:`~claimwatch.model.Extraction` records; an event is located when geoparsing set ``event.place``.
``write`` gives one Feature per event, ``write_claims`` one per claim (at the most specific place among its
events). Feature properties are what an analyst filters on::

    event_type, sub_type, date_start, date_end, date_precision, actor1, actor2, negated, hypothetical,
    claim_status, claim_kind, source, cue, content, article_id, article_title, url, outlet, published,
    place: {text, start, end, geonameid, name, feature: {class, code}, admin1, country, lat, lon, precision,
            role, confidence},
    evidence: {trigger, content, place, source}

With the option ``public`` (``claimwatch export --format geojson --public [--grid-km 10]``) coordinates are
snapped to a grid and persons' names in sources replaced by their role (:mod:`.public`).

``place`` is the place dict of every export (:func:`claimwatch.records.place_dict`). Coordinates are
``[lon, lat]`` (RFC 7946); every ``evidence`` entry is ``[start, end]`` in the stored article text. Events and
claims without a located place are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ..model import Article, Claim, Event, Extraction, PlaceMention, Precision, Span
from ..records import article_dict, place_dict
from ..settings import Options


def _offsets(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _located(mention: PlaceMention | None) -> bool:
    return mention is not None and mention.place is not None and mention.place.lat is not None and (
        mention.place.lon is not None)


def _claim_properties(claim: Claim, article: Article) -> dict[str, Any]:
    about = article_dict(article)
    return {
        "claim_status": claim.status.value,
        "story": claim.story,
        "verdict": claim.verdict,
        "claim_kind": claim.kind.value,
        "source": claim.source.name if claim.source else None,
        "cue": claim.cue.text if claim.cue else None,
        "content": claim.content.text,
        "article_id": about["id"],
        "article_title": about["title"],
        "url": about["url"],
        "outlet": about["outlet"],
        "published": about["published"],
    }


def _event_properties(event: Event) -> dict[str, Any]:
    date = event.date
    return {
        "event_type": event.type,
        "sub_type": event.sub_type,
        "date_start": date.start if date else None,
        "date_end": date.end if date else None,
        "date_precision": date.precision if date else None,
        "actor1": event.actor1.name if event.actor1 else None,
        "actor2": event.actor2.name if event.actor2 else None,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
    }


def _feature(mention: PlaceMention, properties: dict[str, Any]) -> dict[str, Any]:
    place = mention.place
    assert place is not None and place.lat is not None and place.lon is not None
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": properties}


def event_feature(claim: Claim, article: Article, event: Event) -> dict[str, Any] | None:
    """The Feature of one event of ``claim`` (None when its place is not located)."""
    if event.place is None or not _located(event.place):
        return None
    props = {**_event_properties(event), **_claim_properties(claim, article), "place": place_dict(event.place)}
    props["evidence"] = {"trigger": _offsets(event.trigger), "content": _offsets(claim.content),
                         "place": _offsets(event.place.span),
                         "source": _offsets(claim.source.span) if claim.source else None}
    return _feature(event.place, props)


def event_features(extraction: Extraction) -> Iterator[dict[str, Any]]:
    """One Feature per event with a located place."""
    for claim in extraction.claims:
        for event in claim.events:
            feature = event_feature(claim, extraction.article, event)
            if feature is not None:
                yield feature


def claim_features(extraction: Extraction) -> Iterator[dict[str, Any]]:
    """One Feature per claim, at the most specific place among its events' places."""
    article = extraction.article
    for claim in extraction.claims:
        located = [(e, e.place) for e in claim.events if _located(e.place)]
        if not located:
            continue
        _, place = min(located, key=lambda pair: (pair[1].precision or Precision.OTHER).rank)  # type: ignore[union-attr]
        assert place is not None
        props = {**_claim_properties(claim, article), "place": place_dict(place),
                 "event_types": sorted({e.type for e in claim.events}),
                 "events": len(claim.events)}
        props["evidence"] = {"content": _offsets(claim.content), "place": _offsets(place.span),
                             "source": _offsets(claim.source.span) if claim.source else None}
        yield _feature(place, props)


def _write(features: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Stream a FeatureCollection (one Feature per line) without holding it in memory."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for feature in features:
        out.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def _shared(features: Iterable[dict[str, Any]], options: Options | None) -> Iterable[dict[str, Any]]:
    """``features`` as they may be published: made public (:mod:`.public`) when ``options.public`` is set."""
    if options is None or not options.public:
        return features
    from .public import public_features, publicity

    return public_features(features, publicity(options))


def write(extractions: Iterable[Extraction], out: TextIO, options: Options | None = None) -> int:
    """A FeatureCollection with one Feature per located event; returns the number of Features."""
    return _write(_shared((f for x in extractions for f in event_features(x)), options), out)


def write_claims(extractions: Iterable[Extraction], out: TextIO, options: Options | None = None) -> int:
    """A FeatureCollection with one Feature per claim that has a located event."""
    return _write(_shared((f for x in extractions for f in claim_features(x)), options), out)

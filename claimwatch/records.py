"""Published shapes: the one dict each record becomes when it leaves the library.

Reads :mod:`claimwatch.model` records; writes JSON-able dicts (enums by value, datetimes as ISO 8601). Every
exporter, ``claims --json``, the store's ``place_mentions`` columns and the HTTP API build from these functions,
so a record looks the same wherever it is read::

    span      {"text", "start", "end"}
    place     {"text", "start", "end", "geonameid", "name", "feature": {"class", "code"}, "admin1", "country",
               "lat", "lon", "precision", "role", "confidence"}
    actor     {"name", "actor_id", "side", "kind", "text", "start", "end"}
    quantity  {"value", "lower", "upper", "unit", "kind", "text", "start", "end"}
    date      {"start", "end", "precision"}
    event     {"type", "sub_type", "actor1", "actor2", "place", "date", "quantities", "negated", "hypothetical",
               "trigger"}
    article   {"id", "title", "url", "outlet", "published", "language"}
    languages [{"start", "end", "language", "confidence"}] (the JSONL export and the article API add it to the
              article: the language of each stretch of its text)
    claim     {"article", "source", "cue", "content", "kind", "status", "status_evidence", "polarity",
               "confidence", "pipeline_version", "events", "story", "verdict"}
    story     {"id", "verdict", "why", "event": {"type", "sub_type"}, "place", "date": {"start", "end"},
               "independent", "claims": [{"article", "claim", "outlet", "affiliation", "source", "status",
               "stance", "copy_of", "unit", "content": span, "published"}], "history": [{"date", "verdict"}],
               "first_seen", "last_seen"}

A mention the gazetteer did not resolve has the same place keys, its place fields null. ``span_of``,
``source_of``, ``actor_of`` and ``place_mention_of`` read a span, source, actor or place back from its published
shape (an analyst's correction arrives in it), raising ValueError for anything else. Offsets point into the
stored article text. These are presentation choices (which fields, flattened how), kept out of ``model.py``;
:mod:`claimwatch.serialize` is the other conversion, every field, for storing and rebuilding records.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, overload

from .model import (
    ActorRef,
    Article,
    Claim,
    DateRange,
    Event,
    Place,
    PlaceMention,
    Quantity,
    Source,
    Span,
    StoryClaim,
    StoryRecord,
)


@overload
def span_dict(span: Span) -> dict[str, Any]: ...


@overload
def span_dict(span: None) -> None: ...


def span_dict(span: Span | None) -> dict[str, Any] | None:
    """``{"text", "start", "end"}``; None for no span."""
    return None if span is None else {"text": span.text, "start": span.start, "end": span.end}


def _value(member: Enum | None) -> Any:
    return None if member is None else member.value


def place_dict(mention: PlaceMention) -> dict[str, Any]:
    """A place mention with its place: the same keys whether resolved or not (place fields null when not)."""
    place = mention.place
    return {
        **span_dict(mention.span),
        "geonameid": place.geonameid if place else None,
        "name": place.name if place else None,
        "feature": {"class": place.feature_class if place else None, "code": place.feature_code if place else None},
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "precision": _value(mention.precision),
        "role": _value(mention.role),
        "confidence": mention.confidence,
    }


def actor_dict(ref: ActorRef) -> dict[str, Any]:
    """An event argument: the canonical actor when resolved, and where the text names it (nulls: no span)."""
    return {"name": ref.name, "actor_id": ref.actor_id, "side": ref.side, "kind": ref.kind,
            **(span_dict(ref.span) or {"text": None, "start": None, "end": None})}


def quantity_dict(q: Quantity) -> dict[str, Any]:
    return {"value": q.value, "lower": q.lower, "upper": q.upper, "unit": q.unit, "kind": q.kind,
            **span_dict(q.span)}


def date_dict(date: DateRange) -> dict[str, Any]:
    """The normalised range (ISO dates, "--MM-DD" when the year is unknown) and its precision; not its span."""
    return {"start": date.start, "end": date.end, "precision": date.precision}


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "type": event.type,
        "sub_type": event.sub_type,
        "actor1": actor_dict(event.actor1) if event.actor1 else None,
        "actor2": actor_dict(event.actor2) if event.actor2 else None,
        "place": place_dict(event.place) if event.place else None,
        "date": date_dict(event.date) if event.date else None,
        "quantities": [quantity_dict(q) for q in event.quantities],
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "trigger": span_dict(event.trigger),
    }


def article_dict(article: Article) -> dict[str, Any]:
    """What a claim says of its article: id, title, URL, outlet name, publication time (ISO 8601), language."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
    }


def languages_list(article: Article) -> list[dict[str, Any]]:
    """The language of each stretch of the article's text, ``[{"start", "end", "language", "confidence"}]``
    (offsets into the stored text; empty when identification has not run)."""
    if article.languages is None:
        return []
    return [{"start": s.start, "end": s.end, "language": s.language, "confidence": s.confidence}
            for s in article.languages.spans]


def source_dict(source: Source) -> dict[str, Any]:
    """The source mention, what it refers to (``entity``) and its registry id (``actor``)."""
    return {**span_dict(source.span), "entity": span_dict(source.entity), "actor": source.actor}


def _content(claim: Claim) -> dict[str, Any]:
    out = span_dict(claim.content)
    if len(claim.content_parts) > 1:
        out["parts"] = [span_dict(p) for p in claim.content_parts]
    return out


def claim_dict(claim: Claim, article: Article, pipeline_version: str) -> dict[str, Any]:
    """One claim with its article and events: a line of the JSONL export. ``source`` null: the outlet's voice."""
    return {
        "article": article_dict(article),
        "source": source_dict(claim.source) if claim.source else None,
        "cue": span_dict(claim.cue),
        "content": _content(claim),
        "kind": claim.kind.value,
        "status": claim.status.value,
        "status_evidence": [span_dict(s) for s in claim.status_evidence],
        "polarity": claim.polarity.value,
        "confidence": claim.confidence,
        "pipeline_version": pipeline_version,
        "events": [event_dict(e) for e in claim.events],
        "story": claim.story,
        "verdict": claim.verdict,
    }


__all__ = ["actor_dict", "article_dict", "claim_dict", "date_dict", "event_dict", "languages_list", "place_dict", "quantity_dict",
           "source_dict", "span_dict"]


def story_place_dict(place: Place | None, precision: str | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"name": place.name, "geonameid": place.geonameid, "admin1": place.admin1, "country": place.country,
            "lat": place.lat, "lon": place.lon, "precision": precision}


def story_claim_dict(member: StoryClaim) -> dict[str, Any]:
    return {"article": member.article_id, "claim": member.claim_index, "outlet": member.outlet,
            "affiliation": member.affiliation, "source": member.source, "status": member.status,
            "stance": member.stance, "copy_of": member.copy_of, "unit": member.unit,
            "content": span_dict(member.content),
            "published": member.published.isoformat() if member.published else None}


def story_dict(story: StoryRecord) -> dict[str, Any]:
    """The published shape of a story (``claimwatch stories --json``, the API)."""
    return {
        "id": story.id, "verdict": story.verdict, "why": story.why,
        "event": {"family": story.family, "type": story.event_type, "sub_type": story.sub_type},
        "place": story_place_dict(story.place, story.precision),
        "date": {"start": story.date_start, "end": story.date_end},
        "independent": story.independent,
        "claims": [story_claim_dict(m) for m in story.claims],
        "history": [{"date": d, "verdict": v} for d, v in story.history],
        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
        "last_seen": story.last_seen.isoformat() if story.last_seen else None,
    }


# ------------------------------------------------------------------------------------ reading them back


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], optional: bool = True) -> Any:
    value = data.get(name)
    if value is None and optional:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise ValueError(f"{name!r} must be {' or '.join(k.__name__ for k in kinds)}")
    return value


def _record(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what} must be an object")  # noqa: TRY004 - a bad value, reported as one
    return data


def span_of(data: Any, what: str = "span") -> Span:
    """A :class:`Span` from ``{"text", "start", "end"}``."""
    data = _record(data, what)
    return Span(_field(data, "start", int, False), _field(data, "end", int, False), _field(data, "text", str, False))


def source_of(data: Any) -> Source:
    """A :class:`Source` from its published shape (``source_dict``)."""
    data = _record(data, "source")
    entity = data.get("entity")
    return Source(span_of(data, "source"), span_of(entity, "entity") if entity is not None else None,
                  _field(data, "actor", str))


def actor_of(data: Any) -> ActorRef:
    """An :class:`ActorRef` from its published shape (``actor_dict``; no span when ``start`` is null)."""
    data = _record(data, "actor")
    span = span_of(data, "actor") if data.get("start") is not None else None
    return ActorRef(_field(data, "name", str, False), span, _field(data, "actor_id", str), _field(data, "side", str),
                    _field(data, "kind", str))


def place_mention_of(data: Any) -> PlaceMention:
    """A :class:`PlaceMention` from its published shape (``place_dict``; unresolved when ``name`` is null)."""
    from .model import Precision, Role

    data = _record(data, "place")
    place = None
    if data.get("name") is not None:
        feature = _record(data.get("feature") or {}, "feature")
        place = Place(_field(data, "geonameid", int), _field(data, "name", str), _field(feature, "class", str),
                      _field(feature, "code", str), _field(data, "country", str), _field(data, "admin1", str),
                      _number(data, "lat"), _number(data, "lon"))
    precision = _field(data, "precision", str)
    return PlaceMention(span_of(data, "place"), place, Precision(precision) if precision else None,
                        Role(_field(data, "role", str) or Role.LOCATION.value),
                        float(_number(data, "confidence") or 0.0))


def _number(data: dict[str, Any], name: str) -> float | None:
    value = _field(data, name, (int, float))
    return None if value is None else float(value)

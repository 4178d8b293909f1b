"""JSONL export: one JSON object per claim, every evidence span with offsets into the stored article text.

Reads :class:`~claimwatch.model.Extraction` records; writes lines of::

    {"article": {"id", "title", "url", "outlet", "published"},
     "source": {"text", "start", "end", "entity": {"text", "start", "end"} | null, "actor"} | null,
     "cue": {"text", "start", "end"} | null,
     "content": {"text", "start", "end", "parts": [{"text", "start", "end"}, ...] (only when discontinuous)},
     "kind", "status", "status_evidence": [{"text", "start", "end"}], "polarity", "confidence",
     "pipeline_version",
     "events": [{"type", "sub_type", "actor1", "actor2", "place", "date": {"start", "end", "precision"},
                 "quantities": [{"value", "lower", "upper", "unit", "kind", "text", "start", "end"}],
                 "negated", "hypothetical", "trigger": {"text", "start", "end"}}]}

``source`` null means the outlet's own voice. ``actor1``/``actor2`` are ``{"name", "actor_id", "side", "kind",
"text", "start", "end"}`` or null; ``place`` is ``{"text", "start", "end", "name", "geonameid", "country",
"admin1", "lat", "lon", "precision", "role"}`` or null until geoparsing fills it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from ..model import ActorRef, Article, Claim, Event, Extraction, PlaceMention, Quantity, Span
from ..settings import Options


def span(s: Span | None) -> dict[str, Any] | None:
    return None if s is None else s.to_dict()


def article_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
    }


def _source(claim: Claim) -> dict[str, Any] | None:
    if claim.source is None:
        return None
    out = span(claim.source.span) or {}
    out["entity"] = span(claim.source.entity)
    out["actor"] = claim.source.actor
    return out


def _content(claim: Claim) -> dict[str, Any]:
    out = span(claim.content) or {}
    if len(claim.content_parts) > 1:
        out["parts"] = [span(p) for p in claim.content_parts]
    return out


def _actor(actor: ActorRef | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    out: dict[str, Any] = {"name": actor.name, "actor_id": actor.actor_id, "side": actor.side, "kind": actor.kind}
    out.update(span(actor.span) or {"text": None, "start": None, "end": None})
    return out


def _place(mention: PlaceMention | None) -> dict[str, Any] | None:
    if mention is None:
        return None
    place = mention.place
    out = span(mention.span) or {}
    out.update({
        "name": place.name if place else None,
        "geonameid": place.geonameid if place else None,
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "precision": mention.precision.value if mention.precision else None,
        "role": mention.role.value,
    })
    return out


def _quantity(q: Quantity) -> dict[str, Any]:
    return {"value": q.value, "lower": q.lower, "upper": q.upper, "unit": q.unit, "kind": q.kind,
            "text": q.span.text, "start": q.span.start, "end": q.span.end}


def event_record(event: Event) -> dict[str, Any]:
    date = event.date
    return {
        "type": event.type,
        "sub_type": event.sub_type,
        "actor1": _actor(event.actor1),
        "actor2": _actor(event.actor2),
        "place": _place(event.place),
        "date": {"start": date.start, "end": date.end, "precision": date.precision} if date else None,
        "quantities": [_quantity(q) for q in event.quantities],
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "trigger": span(event.trigger),
    }


def claim_record(claim: Claim, article: Article, pipeline_version: str) -> dict[str, Any]:
    """The export record of one claim."""
    return {
        "article": article_record(article),
        "source": _source(claim),
        "cue": span(claim.cue),
        "content": _content(claim),
        "kind": claim.kind.value,
        "status": claim.status.value,
        "status_evidence": [span(s) for s in claim.status_evidence],
        "polarity": claim.polarity.value,
        "confidence": claim.confidence,
        "pipeline_version": pipeline_version,
        "events": [event_record(e) for e in claim.events],
    }


def records(extraction: Extraction) -> Iterable[dict[str, Any]]:
    for claim in extraction.claims:
        yield claim_record(claim, extraction.article, extraction.pipeline_version)


def write(extractions: Iterable[Extraction], out: TextIO, options: Options | None = None) -> int:
    """Write one JSON line per claim of ``extractions`` to ``out``; returns the number of lines."""
    n = 0
    for extraction in extractions:
        for record in records(extraction):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n

"""Records to rows and back: the only place that knows both :mod:`claimwatch.model` and the schema.

Place mention columns are the exported place dict (:func:`claimwatch.records.place_dict`), so a mention reads
the same in the database as in every export. Nothing is stored twice (migration 0006): a ``data`` JSON column
holds what its row's columns do not, without the fields at their defaults (:func:`~claimwatch.serialize.
to_compact`), and a record is rebuilt from both; a claim's events are in its ``data`` (the ``events`` rows are
its filterable columns only). An article's input bytes are kept without what its text before cleaning gives back (else
zlib-compressed) and its ``raw_text`` only where its clean text and segments do not give it back (:mod:`.packing`). Rows written before 0006 (whole records in
``data``) are still read.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    Article,
    Claim,
    Event,
    Languages,
    Outlet,
    PlaceMention,
    Review,
    Segment,
    Span,
    TelegramPost,
)
from ..records import place_dict
from ..serialize import from_dict, to_compact, to_dict
from .packing import pack_raw, raw_rest, raw_text_of, unpack_raw
from .reviews import claim_key
from .schema import ArticleRow, EventRow, OutletRow, ReviewRow

#: ``place_mentions`` columns filled from the place dict as they are (``feature`` is joined, ``data`` added)
_PLACE_COLUMNS = ("text", "start", "end", "geonameid", "name", "admin1", "country", "lat", "lon", "precision",
                  "role")
#: place mention fields, and fields of its place, that ``place_mentions`` columns hold
_PLACE_MENTION_COLUMN_FIELDS = ("span", "precision", "role")
_PLACE_COLUMN_FIELDS = ("geonameid", "name", "country", "admin1", "lat", "lon")
#: claim fields that ``claims`` columns hold (``story`` and ``verdict`` come from the story tables)
_CLAIM_COLUMN_FIELDS = ("content", "kind", "status", "polarity", "confidence", "cue", "source", "story", "verdict")
#: source fields that ``claims`` columns hold
_SOURCE_COLUMN_FIELDS = ("span", "entity", "actor")
#: the ``claims`` columns a claim is rebuilt from (select these, not only ``data``)
CLAIM_COLUMNS = ("data", "content_text", "content_start", "content_end", "kind", "status", "polarity", "confidence",
                 "cue_text", "cue_start", "cue_end", "source_text", "source_start", "source_end", "entity_text",
                 "entity_start", "entity_end", "actor")


def article_values(article: Article, pipeline_version: str) -> dict[str, Any]:
    """Column values of the ``articles`` row for ``article`` (outlet excluded: it is a foreign key)."""
    rest = raw_rest(article.text, article.raw_text, article.segments)
    return {
        "content_hash": article.content_hash,
        "url": article.url,
        "title": article.title,
        "published_at": article.published,
        "published_raw": article.published_raw,
        "published_offset": article.published_offset,
        "language": article.language,
        "text": article.text,
        "raw_text": article.raw_text if rest is None else None,
        "raw_rest": rest,
        "raw": pack_raw(article.raw, article.raw_text),
        "raw_sha256": article.raw_sha256,
        "segments": [[s.start, s.raw_start, s.length] for s in article.segments],
        "removed": [list(r) for r in article.removed],
        "origin": article.origin,
        "pipeline_version": pipeline_version,
        "meta": article_meta(article),
    }


def article_meta(article: Article) -> dict[str, Any] | None:
    """The ``meta`` JSON of ``article``: its Telegram post and its language identification (paragraph spans),
    each when present; None when neither is."""
    meta: dict[str, Any] = {}
    if article.telegram is not None:
        meta["telegram"] = to_dict(article.telegram)
    if article.languages is not None:
        meta["languages"] = to_dict(article.languages)
    return meta or None


def with_versions(meta: dict[str, Any] | None, stored: ArticleRow, edited: bool) -> dict[str, Any] | None:
    """``meta`` of an article about to replace ``stored``, keeping the earlier texts the stored one kept; when
    ``edited`` (a new text of the same item), the stored text joins them (content hash, text, edit time)."""
    previous = list((stored.meta or {}).get("versions", []))
    if edited:
        post = (stored.meta or {}).get("telegram") or {}
        previous.append({"content_hash": stored.content_hash, "text": stored.text, "edited": post.get("edited")})
    if not previous:
        return meta
    return {**(meta or {}), "versions": previous}


def article_of(row: ArticleRow) -> Article:
    segments = tuple(Segment(*s) for s in row.segments or ())
    raw_text = row.raw_text if row.raw_rest is None else raw_text_of(row.text, segments, row.raw_rest)
    return Article(
        text=row.text,
        title=row.title,
        url=row.url,
        outlet=row.outlet.name if row.outlet else None,
        published=row.published_at,
        published_raw=row.published_raw,
        published_offset=row.published_offset,
        language=row.language,
        raw_text=raw_text,
        raw=unpack_raw(row.raw, raw_text),
        raw_sha256=row.raw_sha256,
        origin=row.origin,
        segments=segments,
        removed=tuple((int(s), int(e), str(why)) for s, e, why in row.removed or ()),
        telegram=telegram_of(row),
        languages=languages_of(row),
        id=row.id,
    )


def telegram_of(row: ArticleRow) -> TelegramPost | None:
    """The Telegram post record stored in ``row.meta`` (None for other articles)."""
    post = (row.meta or {}).get("telegram")
    return from_dict(TelegramPost, post) if post else None


def languages_of(row: ArticleRow) -> Languages | None:
    """The language identification stored in ``row.meta`` (None for articles stored before it was kept)."""
    found = (row.meta or {}).get("languages")
    return from_dict(Languages, found) if found else None


def _span_columns(prefix: str, span: Span | None) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_text": None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {f"{prefix}_text": span.text, f"{prefix}_start": span.start, f"{prefix}_end": span.end}


def claim_values(claim: Claim, pipeline_version: str, article_text: str | None = None) -> dict[str, Any]:
    """Column values of the ``claims`` row for ``claim`` (article_id and idx excluded). Given its article's
    ``article_text`` (SQLite), the content's text is stored as "" when it is that text between the content
    offsets (:attr:`~.schema.ClaimRow.content_text` reads it there)."""
    source = claim.source
    content = _span_columns("content", claim.content)
    text = content.pop("content_text")
    derived = article_text is not None and article_text[claim.content.start:claim.content.end] == text
    content["stored_content_text"] = "" if derived else text
    return {
        "key": claim_key(claim),
        **_span_columns("source", source.span if source else None),
        **_span_columns("entity", source.entity if source else None),
        "actor": source.actor if source else None,
        **_span_columns("cue", claim.cue),
        **content,
        "kind": claim.kind.value,
        "status": claim.status.value,
        "polarity": claim.polarity.value,
        "confidence": claim.confidence,
        "pipeline_version": pipeline_version,
        "data": claim_data(claim),
    }


def claim_data(claim: Claim) -> dict[str, Any]:
    """The ``data`` of a claim: its fields that no column holds (events, content parts, status evidence…)."""
    data = to_compact(claim)
    source = data.get("source")
    for name in _CLAIM_COLUMN_FIELDS:
        data.pop(name, None)
    rest = {k: v for k, v in (source or {}).items() if k not in _SOURCE_COLUMN_FIELDS}
    if rest:
        data["source"] = rest
    return data


def claim_of(row: Any) -> Claim:
    """The claim of a ``claims`` row, or of a result row holding :data:`CLAIM_COLUMNS`."""
    data = row.data
    if "content" in data:  # stored whole, before migration 0006
        return from_dict(Claim, data)
    full = {**data, "content": _span(row, "content"), "kind": row.kind, "status": row.status,
            "polarity": row.polarity, "confidence": row.confidence, "cue": _span(row, "cue")}
    if row.source_start is not None:
        full["source"] = {**data.get("source", {}), "span": _span(row, "source"), "entity": _span(row, "entity"),
                          "actor": row.actor}
    return from_dict(Claim, full)


def _span(row: Any, prefix: str) -> dict[str, Any] | None:
    start = getattr(row, f"{prefix}_start")
    if start is None:
        return None
    return {"start": start, "end": getattr(row, f"{prefix}_end"), "text": getattr(row, f"{prefix}_text")}


def event_values(event: Event) -> dict[str, Any]:
    """Column values of the ``events`` row for ``event`` (claim_id, article_id and idx excluded)."""
    place = event.place.place if event.place else None
    date = event.date
    return {
        "type": event.type,
        "sub_type": event.sub_type,
        "date_start": date.start if date else None,
        "date_end": date.end if date else None,
        "date_precision": date.precision if date else None,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "place_name": place.name if place else (event.place.span.text if event.place else None),
        "geonameid": place.geonameid if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None,
        "actor1": event.actor1.actor_id if event.actor1 else None,
        "actor2": event.actor2.actor_id if event.actor2 else None,
    }


def place_values(mention: PlaceMention) -> dict[str, Any]:
    """Column values of the ``place_mentions`` row for ``mention`` (article_id and idx excluded): its place dict,
    the feature as one string ("P.PPL": class and code, when both are known; then they are not in ``data``), and
    in ``data`` what no column holds (population, confidence)."""
    record = place_dict(mention)
    feature = ".".join(x for x in (record["feature"]["class"], record["feature"]["code"]) if x) or None
    data = to_compact(mention)
    for name in _PLACE_MENTION_COLUMN_FIELDS:
        data.pop(name, None)
    place = {k: v for k, v in (data.pop("place", None) or {}).items() if k not in _PLACE_COLUMN_FIELDS}
    if feature_of(feature) == (place.get("feature_class"), place.get("feature_code")):
        place.pop("feature_class", None)
        place.pop("feature_code", None)
    if place:
        data["place"] = place
    return {**{name: record[name] for name in _PLACE_COLUMNS}, "feature": feature, "data": data}


def feature_of(feature: str | None) -> tuple[str | None, str | None]:
    """Feature class and code of a ``feature`` column holding both ("P.PPL"); (None, None) otherwise."""
    if feature is None or "." not in feature:
        return None, None
    cls, code = feature.split(".", 1)
    return cls, code


def place_of(row: Any) -> PlaceMention:
    """The place mention of a ``place_mentions`` row (rebuilt from its columns and ``data``)."""
    data = row.data
    if "span" in data:  # stored whole, before migration 0006
        return from_dict(PlaceMention, data)
    place = None
    if row.name is not None:  # a resolved place always has a name
        stored = data.get("place", {})
        cls, code = feature_of(row.feature)
        place = {"feature_class": cls, "feature_code": code, **stored, "geonameid": row.geonameid,
                 "name": row.name, "country": row.country, "admin1": row.admin1, "lat": row.lat, "lon": row.lon}
    return from_dict(PlaceMention, {**data, "span": {"start": row.start, "end": row.end, "text": row.text},
                                    "place": place, "precision": row.precision, "role": row.role})


def outlet_values(outlet: Outlet) -> dict[str, Any]:
    """Column values of the ``outlets`` row for ``outlet`` (its domains space-separated in ``domain``)."""
    return {"name": outlet.name, "domain": " ".join(outlet.domains) or None, "country": outlet.country,
            "affiliation": outlet.affiliation, "notes": outlet.notes, "key": outlet.key,
            "language": outlet.language, "side": outlet.side, "actor": outlet.actor}


def outlet_of(row: OutletRow) -> Outlet:
    return Outlet(name=row.name, domains=tuple((row.domain or "").split()), country=row.country,
                  language=row.language, affiliation=row.affiliation, notes=row.notes, key=row.key,
                  side=row.side, actor=row.actor)


def review_of(row: ReviewRow) -> Review:
    return Review(id=row.id, article_id=row.article_id, claim_key=row.claim_key, field=row.field, value=row.value,
                  who=row.who, at=row.at, why=row.why)


def event_rows(claim: Claim, claim_id: int, article_id: int) -> list[EventRow]:
    return [EventRow(claim_id=claim_id, article_id=article_id, idx=i, **event_values(e))
            for i, e in enumerate(claim.events)]

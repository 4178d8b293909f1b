"""Parquet export: three flat tables an analyst opens in pandas, Polars or DuckDB as they are.

Reads :class:`~claimwatch.model.Extraction` records (as the store rebuilds them, claims carrying their story and
verdict); writes into a folder (made when missing; the three files replaced):

- ``claims.parquet``, one row per claim: ``article_id``, ``claim_index`` (together the claim's key), the
  article's ``title``, ``url``, ``outlet``, ``published`` (UTC timestamp), ``kind``, ``status``, ``polarity``,
  ``confidence``, ``source_text``/``_start``/``_end``, ``entity_text``/``_start``/``_end`` (what the source
  refers to), ``source_actor``, ``cue_text``/``_start``/``_end``, ``content_text``/``_start``/``_end``,
  ``status_evidence`` (the evidence texts joined by `` | ``), ``events`` (how many), ``story``, ``verdict``,
  ``pipeline_version``;
- ``events.parquet``, one row per event of a claim: ``article_id``, ``claim_index``, ``event_index``, the
  claim's ``status``, ``story``, ``verdict``, ``outlet``, ``published``, the event's ``type``, ``sub_type``,
  ``negated``, ``hypothetical``, ``trigger_text``/``_start``/``_end``, ``actor1_name``/``_id``/``_side``,
  ``actor2_name``/``_id``/``_side``, ``place_text``, ``place_name``, ``geonameid``, ``country``, ``admin1``,
  ``lat``, ``lon``, ``place_precision``, ``date_start``, ``date_end`` (ISO dates as text; ``--MM-DD`` when the
  year is unknown), ``date_precision``, ``quantities`` (how many) and the first one's ``quantity_value``,
  ``quantity_lower``, ``quantity_upper``, ``quantity_unit``, ``quantity_kind``, ``quantity_text`` (the JSONL
  export has them all);
- ``places.parquet``, one row per place mention of an article, resolved or not: ``article_id``,
  ``place_index``, ``outlet``, ``published``, ``text``, ``start``, ``end``, ``geonameid``, ``name``,
  ``feature_class``, ``feature_code``, ``admin1``, ``country``, ``lat``, ``lon``, ``precision``, ``role``,
  ``confidence`` (an unresolved mention has its place columns null).

Offsets are character offsets into the stored article text, as in every export. Needs pyarrow, an optional
extra: ``pip install 'claimwatch[parquet]'``; without it :class:`~claimwatch.export.MissingExtra` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import Article, Claim, Event, Extraction, PlaceMention, Span
from ..settings import Options
from . import MissingExtra

#: Rows held per table before they are written out as one row group.
ROW_GROUP = 50_000

_INT, _FLOAT, _TEXT, _BOOL, _TIME = "int64", "float64", "string", "bool", "timestamp"

CLAIMS: dict[str, str] = {
    "article_id": _INT, "claim_index": _INT, "title": _TEXT, "url": _TEXT, "outlet": _TEXT, "published": _TIME,
    "kind": _TEXT, "status": _TEXT, "polarity": _TEXT, "confidence": _FLOAT,
    "source_text": _TEXT, "source_start": _INT, "source_end": _INT,
    "entity_text": _TEXT, "entity_start": _INT, "entity_end": _INT, "source_actor": _TEXT,
    "cue_text": _TEXT, "cue_start": _INT, "cue_end": _INT,
    "content_text": _TEXT, "content_start": _INT, "content_end": _INT,
    "status_evidence": _TEXT, "events": _INT, "story": _TEXT, "verdict": _TEXT, "pipeline_version": _TEXT,
}
EVENTS: dict[str, str] = {
    "article_id": _INT, "claim_index": _INT, "event_index": _INT, "status": _TEXT, "story": _TEXT,
    "verdict": _TEXT, "outlet": _TEXT, "published": _TIME, "type": _TEXT, "sub_type": _TEXT, "negated": _BOOL,
    "hypothetical": _BOOL, "trigger_text": _TEXT, "trigger_start": _INT, "trigger_end": _INT,
    "actor1_name": _TEXT, "actor1_id": _TEXT, "actor1_side": _TEXT,
    "actor2_name": _TEXT, "actor2_id": _TEXT, "actor2_side": _TEXT,
    "place_text": _TEXT, "place_name": _TEXT, "geonameid": _INT, "country": _TEXT, "admin1": _TEXT,
    "lat": _FLOAT, "lon": _FLOAT, "place_precision": _TEXT,
    "date_start": _TEXT, "date_end": _TEXT, "date_precision": _TEXT,
    "quantities": _INT, "quantity_value": _FLOAT, "quantity_lower": _FLOAT, "quantity_upper": _FLOAT,
    "quantity_unit": _TEXT, "quantity_kind": _TEXT, "quantity_text": _TEXT,
}
PLACES: dict[str, str] = {
    "article_id": _INT, "place_index": _INT, "outlet": _TEXT, "published": _TIME, "text": _TEXT, "start": _INT,
    "end": _INT, "geonameid": _INT, "name": _TEXT, "feature_class": _TEXT, "feature_code": _TEXT,
    "admin1": _TEXT, "country": _TEXT, "lat": _FLOAT, "lon": _FLOAT, "precision": _TEXT, "role": _TEXT,
    "confidence": _FLOAT,
}
TABLES = {"claims.parquet": CLAIMS, "events.parquet": EVENTS, "places.parquet": PLACES}


def write(extractions: Iterable[Extraction], folder: Path, options: Options | None = None) -> dict[str, int]:
    """Write the three tables of ``extractions`` into ``folder``; returns the rows written per file name."""
    pa, pq = _pyarrow()
    folder.mkdir(parents=True, exist_ok=True)
    schemas = {name: _schema(pa, columns) for name, columns in TABLES.items()}
    writers = {name: pq.ParquetWriter(folder / name, schema) for name, schema in schemas.items()}
    buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    try:
        for extraction in extractions:
            for name, rows in _rows(extraction):
                buffers[name].extend(rows)
                counts[name] += len(rows)
                if len(buffers[name]) >= ROW_GROUP:
                    _flush(pa, writers[name], schemas[name], buffers[name])
        for name, writer in writers.items():
            _flush(pa, writer, schemas[name], buffers[name])
    finally:
        for writer in writers.values():
            writer.close()
    return counts


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtra("the parquet export needs pyarrow, an optional extra: "
                           "pip install 'claimwatch[parquet]'") from exc
    return pa, pq


def _schema(pa: Any, columns: dict[str, str]) -> Any:
    types = {_INT: pa.int64(), _FLOAT: pa.float64(), _TEXT: pa.string(), _BOOL: pa.bool_(),
             _TIME: pa.timestamp("us", tz="UTC")}
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


def _flush(pa: Any, writer: Any, schema: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        rows.clear()


def _rows(extraction: Extraction) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    article = extraction.article
    yield "claims.parquet", [claim_row(article, i, c, extraction.pipeline_version)
                             for i, c in enumerate(extraction.claims)]
    yield "events.parquet", [event_row(article, i, claim, j, e) for i, claim in enumerate(extraction.claims)
                             for j, e in enumerate(claim.events)]
    yield "places.parquet", [place_row(article, i, m) for i, m in enumerate(extraction.places)]


def _span(prefix: str, span: Span | None) -> dict[str, Any]:
    return {f"{prefix}_text": span.text if span else None, f"{prefix}_start": span.start if span else None,
            f"{prefix}_end": span.end if span else None}


def claim_row(article: Article, index: int, claim: Claim, pipeline_version: str) -> dict[str, Any]:
    """One row of ``claims.parquet``."""
    source = claim.source
    return {
        "article_id": article.id, "claim_index": index, "title": article.title, "url": article.url,
        "outlet": article.outlet, "published": article.published, "kind": claim.kind.value,
        "status": claim.status.value, "polarity": claim.polarity.value, "confidence": claim.confidence,
        **_span("source", source.span if source else None), **_span("entity", source.entity if source else None),
        "source_actor": source.actor if source else None, **_span("cue", claim.cue),
        **_span("content", claim.content),
        "status_evidence": " | ".join(s.text for s in claim.status_evidence) or None,
        "events": len(claim.events), "story": claim.story, "verdict": claim.verdict,
        "pipeline_version": pipeline_version,
    }


def event_row(article: Article, claim_index: int, claim: Claim, index: int, event: Event) -> dict[str, Any]:
    """One row of ``events.parquet``."""
    place = event.place.place if event.place else None
    first = event.quantities[0] if event.quantities else None
    actors = {}
    for key, ref in (("actor1", event.actor1), ("actor2", event.actor2)):
        actors.update({f"{key}_name": ref.name if ref else None, f"{key}_id": ref.actor_id if ref else None,
                       f"{key}_side": ref.side if ref else None})
    return {
        "article_id": article.id, "claim_index": claim_index, "event_index": index,
        "status": claim.status.value, "story": claim.story, "verdict": claim.verdict, "outlet": article.outlet,
        "published": article.published, "type": event.type, "sub_type": event.sub_type,
        "negated": event.negated, "hypothetical": event.hypothetical, **_span("trigger", event.trigger),
        **actors, "place_text": event.place.span.text if event.place else None,
        "place_name": place.name if place else None, "geonameid": place.geonameid if place else None,
        "country": place.country if place else None, "admin1": place.admin1 if place else None,
        "lat": place.lat if place else None, "lon": place.lon if place else None,
        "place_precision": event.place.precision.value if event.place and event.place.precision else None,
        "date_start": event.date.start if event.date else None, "date_end": event.date.end if event.date else None,
        "date_precision": event.date.precision if event.date else None, "quantities": len(event.quantities),
        "quantity_value": first.value if first else None, "quantity_lower": first.lower if first else None,
        "quantity_upper": first.upper if first else None, "quantity_unit": first.unit if first else None,
        "quantity_kind": first.kind if first else None, "quantity_text": first.span.text if first else None,
    }


def place_row(article: Article, index: int, mention: PlaceMention) -> dict[str, Any]:
    """One row of ``places.parquet``."""
    place = mention.place
    return {
        "article_id": article.id, "place_index": index, "outlet": article.outlet, "published": article.published,
        "text": mention.span.text, "start": mention.span.start, "end": mention.span.end,
        "geonameid": place.geonameid if place else None, "name": place.name if place else None,
        "feature_class": place.feature_class if place else None,
        "feature_code": place.feature_code if place else None, "admin1": place.admin1 if place else None,
        "country": place.country if place else None, "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "precision": mention.precision.value if mention.precision else None, "role": mention.role.value,
        "confidence": mention.confidence,
    }

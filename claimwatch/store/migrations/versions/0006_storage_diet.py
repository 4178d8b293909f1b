"""Storage diet: nothing derivable is stored twice (about 80 KB per PolNeAR article before; bench/storage.py).

- ``articles.raw``: the input bytes, now zlib-compressed;
- ``articles.raw_text``: kept only where the clean text and its segments do not give it back; otherwise the new
  ``raw_rest`` holds what cleaning cut (``[[raw_start, piece], ...]``, :mod:`claimwatch.store.packing`);
- ``claims.data``: only what the claim's columns do not hold (events, content parts, status evidence), fields at
  their defaults left out; the columns (spans, kind, status, polarity, confidence, source actor) give the rest;
- ``events.data`` dropped: an event is ``events[idx]`` of its claim's ``data``; its row keeps the columns that
  queries filter on;
- ``place_mentions.data``: only what its columns do not hold (the span, place name, id, region, country and
  coordinates, precision and role are columns);
- ``ix_claims_article_id`` dropped: the unique index on ``(article_id, idx)`` serves every lookup by article;
- on SQLite the full-text index of claims is updated only when a claim's texts change (it was rewritten by
  every update of a claim row: linking marks each claim once), and its segments are merged once here.

Existing rows are converted here, in batches, inside the migration's one transaction (a crash leaves the
database as it was). SQLite gives the freed pages back to the file only on ``VACUUM`` (``sqlite3 DB VACUUM``,
once, with the database not in use). Downgrading writes the whole records back.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from claimwatch.model import Event, PlaceMention, Segment
from claimwatch.serialize import from_dict, to_dict
from claimwatch.store.convert import batches, convert, update
from claimwatch.store.packing import pack_raw, raw_rest, raw_text_of, unpack_raw
from claimwatch.store.rows import claim_data, claim_of, place_of, place_values

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

_ARTICLES = sa.table("articles", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                     sa.column("raw", sa.LargeBinary), sa.column("raw_text", sa.Text),
                     sa.column("raw_rest", JSON), sa.column("segments", JSON))
_CLAIM_COLUMNS = ("content_text", "content_start", "content_end", "kind", "status", "polarity", "cue_text",
                  "cue_start", "cue_end", "source_text", "source_start", "source_end", "entity_text",
                  "entity_start", "entity_end", "actor")
_CLAIMS = sa.table("claims", sa.column("id", sa.Integer), sa.column("data", JSON), sa.column("confidence", sa.Float),
                   *(sa.column(name) for name in _CLAIM_COLUMNS))
_PLACE_COLUMNS = ("start", "end", "text", "geonameid", "name", "country", "admin1", "lat", "lon", "precision",
                  "role", "feature")
_PLACES = sa.table("place_mentions", sa.column("id", sa.Integer), sa.column("data", JSON),
                   *(sa.column(name) for name in _PLACE_COLUMNS))
_EVENTS = sa.table("events", sa.column("id", sa.Integer), sa.column("claim_id", sa.Integer),
                   sa.column("idx", sa.Integer), sa.column("data", JSON))


def _fts_update_trigger(columns: str) -> tuple[str, ...]:
    """The SQLite trigger that keeps ``claims_fts`` in step with updates (of ``columns``: "" for any)."""
    return ("DROP TRIGGER IF EXISTS claims_fts_update",
            (f"CREATE TRIGGER claims_fts_update AFTER UPDATE {columns}ON claims BEGIN "
            "INSERT INTO claims_fts(claims_fts, rowid, content_text, source_text, entity_text) "
            "VALUES ('delete', old.id, old.content_text, old.source_text, old.entity_text); "
            "INSERT INTO claims_fts(rowid, content_text, source_text, entity_text) "
            "VALUES (new.id, new.content_text, new.source_text, new.entity_text); END"))


def _sqlite(*statements: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.execute(statement)


def _slim_article(row: Any) -> dict[str, Any]:
    segments = tuple(Segment(*s) for s in row.segments or ())
    rest = raw_rest(row.text, row.raw_text, segments)
    return {"raw": pack_raw(row.raw), "raw_text": row.raw_text if rest is None else None, "raw_rest": rest}


def _whole_article(row: Any) -> dict[str, Any]:
    segments = tuple(Segment(*s) for s in row.segments or ())
    raw_text = row.raw_text if row.raw_rest is None else raw_text_of(row.text, segments, row.raw_rest)
    return {"raw": unpack_raw(row.raw), "raw_text": raw_text}


def _slim_place(row: Any) -> dict[str, Any] | None:
    if "span" not in row.data:
        return None
    values = place_values(from_dict(PlaceMention, row.data))
    return {"data": values["data"], "feature": values["feature"]}  # data leaves out what the feature holds


def _whole_place(row: Any) -> dict[str, Any] | None:
    return None if "span" in row.data else {"data": to_dict(place_of(row))}


def upgrade() -> None:
    _sqlite(*_fts_update_trigger("OF content_text, source_text, entity_text "))
    op.add_column("articles", sa.Column("raw_rest", JSON))
    convert(op.get_bind(), _ARTICLES, ("text", "raw", "raw_text", "segments"), _slim_article)
    convert(op.get_bind(), _CLAIMS, ("data",), lambda r: {"data": claim_data(claim_of(r))} if "content" in r.data else None)
    convert(op.get_bind(), _PLACES, ("data",), _slim_place)
    op.drop_column("events", "data")
    op.drop_index("ix_claims_article_id", "claims")
    _sqlite("INSERT INTO claims_fts(claims_fts) VALUES ('optimize')")


def downgrade() -> None:
    _sqlite(*_fts_update_trigger(""))
    op.create_index("ix_claims_article_id", "claims", ["article_id"])
    convert(op.get_bind(), _ARTICLES, ("text", "raw", "raw_text", "raw_rest", "segments"), _whole_article)
    op.drop_column("articles", "raw_rest")
    op.add_column("events", sa.Column("data", JSON))
    events: dict[int, list[Any]] = {}
    for rows in batches(op.get_bind(), _CLAIMS, "data", "confidence", *_CLAIM_COLUMNS):
        for r in rows:
            claim = claim_of(r)
            events[r.id] = claim.events
            if "content" not in r.data:
                update(op.get_bind(), _CLAIMS, [{"row_id": r.id, "data": to_dict(claim)}])
    for rows in batches(op.get_bind(), _EVENTS, "claim_id", "idx"):
        update(op.get_bind(), _EVENTS, [{"row_id": r.id, "data": to_dict(_event(events, r.claim_id, r.idx))} for r in rows])
    convert(op.get_bind(), _PLACES, ("data", *_PLACE_COLUMNS), _whole_place)
    with op.batch_alter_table("events") as batch:
        batch.alter_column("data", existing_type=JSON, nullable=False)


def _event(events: dict[int, list[Any]], claim_id: int, index: int) -> Event | None:
    found = events.get(claim_id, [])
    return found[index] if 0 <= index < len(found) else None

"""Derived texts: what the article's text gives back is not stored again (bench/storage.py; about 38 KB per
PolNeAR article before, 4.9 KB of text).

- ``claims.content_text`` on SQLite: "" where it is the article's text between the content offsets (always, for
  extracted claims; an analyst's edited text stays). The ORM's ``ClaimRow.content_text`` reads either;
  PostgreSQL keeps the text, which its GIN index reads;
- SQLite's full-text index ``claims_fts``: the content texts only (the only column searched), contentless and
  ``detail=none`` (rowids, no positions: every search is words that must all occur, never a phrase), without
  column sizes (results are ordered by date, never ranked). Its triggers read the texts from the articles: a
  claim's entry is made and removed with its article's text, and an article deletes its claims before it goes
  (so that the text is still there to remove their entries with), and moves them when its text changes;
- ``articles.raw``: without the decoded text it holds as a JSON string (a JSONL line) or is (a UTF-8 text file),
  else zlib-compressed whole as before (:mod:`claimwatch.store.packing`);
- ``place_mentions.data``: without the feature class and code that the ``feature`` column holds;
- indexes no query needs: ``ix_claims_status`` (``ix_claims_status_published`` begins with the status),
  ``ix_claims_kind`` (three values: a page walks the date index), ``ix_events_claim_id``
  (``ix_events_claim_located`` begins with the claim).

Existing rows are converted here, in batches, inside the migration's one transaction. SQLite gives the freed pages
back to the file only on ``VACUUM``. Downgrading stores the texts again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from claimwatch.model import Segment
from claimwatch.store.convert import convert
from claimwatch.store.packing import pack_raw, raw_text_of, unpack_raw
from claimwatch.store.rows import feature_of

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

_ARTICLES = sa.table("articles", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                     sa.column("raw", sa.LargeBinary), sa.column("raw_text", sa.Text),
                     sa.column("raw_rest", JSON), sa.column("segments", JSON))
_PLACES = sa.table("place_mentions", sa.column("id", sa.Integer), sa.column("data", JSON),
                   sa.column("feature", sa.String))

#: a claim's content text in a trigger (``row``: new or old), from its article's text (``text``: an expression)
_DERIVED = "substr({text}, {row}.content_start + 1, {row}.content_end - {row}.content_start)"
_OF_ARTICLE = "(SELECT " + _DERIVED.format(text="text", row="{row}") + " FROM articles WHERE id = {row}.article_id)"
_CONTENT = "coalesce(nullif({row}.content_text, ''), " + _OF_ARTICLE + ")"

_FTS_TRIGGERS = ("claims_fts_insert", "claims_fts_delete", "claims_fts_update")
_ARTICLE_TRIGGERS = ("articles_claims_delete", "articles_fts_text_old", "articles_fts_text_new")

_NEW_FTS = (
    "CREATE VIRTUAL TABLE claims_fts USING fts5(content_text, content='', detail=none, columnsize=0)",
    "INSERT INTO claims_fts(rowid, content_text) SELECT c.id, coalesce(nullif(c.content_text, ''), "
    + _DERIVED.format(text="a.text", row="c") + ") FROM claims c JOIN articles a ON a.id = c.article_id",
    ("CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN "
     "INSERT INTO claims_fts(rowid, content_text) VALUES (new.id, " + _CONTENT.format(row="new") + "); END"),
    ("CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN "
     "INSERT INTO claims_fts(claims_fts, rowid, content_text) VALUES ('delete', old.id, "
     + _CONTENT.format(row="old") + "); END"),
    ("CREATE TRIGGER claims_fts_update AFTER UPDATE OF content_text, content_start, content_end, article_id "
     "ON claims BEGIN "
     "INSERT INTO claims_fts(claims_fts, rowid, content_text) VALUES ('delete', old.id, "
     + _CONTENT.format(row="old") + "); "
     "INSERT INTO claims_fts(rowid, content_text) VALUES (new.id, " + _CONTENT.format(row="new") + "); END"),
    # the claims go first, while their article's text is there to remove their entries with
    ("CREATE TRIGGER articles_claims_delete BEFORE DELETE ON articles BEGIN "
     "DELETE FROM claims WHERE article_id = old.id; END"),
    ("CREATE TRIGGER articles_fts_text_old BEFORE UPDATE OF text ON articles WHEN old.text IS NOT new.text BEGIN "
     "INSERT INTO claims_fts(claims_fts, rowid, content_text) SELECT 'delete', c.id, coalesce(nullif("
     "c.content_text, ''), " + _DERIVED.format(text="old.text", row="c") + ") FROM claims c "
     "WHERE c.article_id = old.id; END"),
    ("CREATE TRIGGER articles_fts_text_new AFTER UPDATE OF text ON articles WHEN old.text IS NOT new.text BEGIN "
     "INSERT INTO claims_fts(rowid, content_text) SELECT c.id, coalesce(nullif(c.content_text, ''), "
     + _DERIVED.format(text="new.text", row="c") + ") FROM claims c WHERE c.article_id = new.id; END"),
)

#: migration 0006's full-text index: the three texts of the ``claims`` columns (external content)
_OLD_FTS = (
    ("CREATE VIRTUAL TABLE claims_fts USING fts5(content_text, source_text, entity_text, "
     "content='claims', content_rowid='id')"),
    "INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')",
    ("CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN "
     "INSERT INTO claims_fts(rowid, content_text, source_text, entity_text) "
     "VALUES (new.id, new.content_text, new.source_text, new.entity_text); END"),
    ("CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN "
     "INSERT INTO claims_fts(claims_fts, rowid, content_text, source_text, entity_text) "
     "VALUES ('delete', old.id, old.content_text, old.source_text, old.entity_text); END"),
    ("CREATE TRIGGER claims_fts_update AFTER UPDATE OF content_text, source_text, entity_text ON claims BEGIN "
     "INSERT INTO claims_fts(claims_fts, rowid, content_text, source_text, entity_text) "
     "VALUES ('delete', old.id, old.content_text, old.source_text, old.entity_text); "
     "INSERT INTO claims_fts(rowid, content_text, source_text, entity_text) "
     "VALUES (new.id, new.content_text, new.source_text, new.entity_text); END"),
)

_DROPPED_INDEXES = (("ix_claims_status", "claims", ["status"]), ("ix_claims_kind", "claims", ["kind"]),
                    ("ix_events_claim_id", "events", ["claim_id"]))


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _drop_fts() -> None:
    for name in (*_FTS_TRIGGERS, *_ARTICLE_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS claims_fts")


def _raw_text(row: Any) -> str | None:
    segments = tuple(Segment(*s) for s in row.segments or ())
    return row.raw_text if row.raw_rest is None else raw_text_of(row.text, segments, row.raw_rest)


def _pack(row: Any) -> dict[str, Any] | None:
    if row.raw is None:
        return None
    raw_text = _raw_text(row)
    packed = pack_raw(unpack_raw(row.raw, raw_text), raw_text)
    return None if packed == row.raw else {"raw": packed}


def _unpack(row: Any) -> dict[str, Any] | None:
    if row.raw is None or row.raw[:1] not in (b"T", b"J"):
        return None
    return {"raw": pack_raw(unpack_raw(row.raw, _raw_text(row)))}


def _slim_place(row: Any) -> dict[str, Any] | None:
    place = (row.data or {}).get("place")
    if not place or "feature_class" not in place or feature_of(row.feature) != (place.get("feature_class"),
                                                                             place.get("feature_code")):
        return None
    rest = {k: v for k, v in place.items() if k not in ("feature_class", "feature_code")}
    data = {k: v for k, v in row.data.items() if k != "place"}
    return {"data": {**data, "place": rest} if rest else data}


def _whole_place(row: Any) -> dict[str, Any] | None:
    found = feature_of(row.feature)
    data = row.data or {}
    if found == (None, None) or "span" in data or "feature_class" in data.get("place", {}):
        return None
    return {"data": {**data, "place": {**data.get("place", {}), "feature_class": found[0],
                                       "feature_code": found[1]}}}


def upgrade() -> None:
    if _sqlite():
        _drop_fts()
        op.execute("UPDATE claims SET content_text = '' WHERE content_text = (SELECT "
                   + _DERIVED.format(text="text", row="claims") + " FROM articles WHERE id = claims.article_id)")
        for statement in _NEW_FTS:
            op.execute(statement)
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('optimize')")
    convert(op.get_bind(), _ARTICLES, ("text", "raw", "raw_text", "raw_rest", "segments"), _pack)
    convert(op.get_bind(), _PLACES, ("data", "feature"), _slim_place)
    for name, table, _ in _DROPPED_INDEXES:
        op.drop_index(name, table)


def downgrade() -> None:
    for name, table, columns in _DROPPED_INDEXES:
        op.create_index(name, table, columns)
    convert(op.get_bind(), _PLACES, ("data", "feature"), _whole_place)
    convert(op.get_bind(), _ARTICLES, ("text", "raw", "raw_text", "raw_rest", "segments"), _unpack)
    if _sqlite():
        _drop_fts()
        op.execute("UPDATE claims SET content_text = (SELECT " + _DERIVED.format(text="text", row="claims")
                   + " FROM articles WHERE id = claims.article_id) WHERE content_text = ''")
        for statement in _OLD_FTS:
            op.execute(statement)

"""Initial schema: outlets, articles, claims, events, place mentions, ingest errors, reviews.

On SQLite also a full-text index over claims (FTS5, external content, kept in step by triggers); on PostgreSQL
a GIN full-text index over claim content instead.

Revision ID: 0001
Revises:
Create Date: 2024-03-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)

_FTS_SQLITE = (
    ("CREATE VIRTUAL TABLE claims_fts USING fts5(content_text, source_text, entity_text, "
    "content='claims', content_rowid='id')"),
    ("CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN "
    "INSERT INTO claims_fts(rowid, content_text, source_text, entity_text) "
    "VALUES (new.id, new.content_text, new.source_text, new.entity_text); END"),
    ("CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, content_text, source_text, entity_text) "
    "VALUES ('delete', old.id, old.content_text, old.source_text, old.entity_text); END"),
    ("CREATE TRIGGER claims_fts_update AFTER UPDATE ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, content_text, source_text, entity_text) "
    "VALUES ('delete', old.id, old.content_text, old.source_text, old.entity_text); "
    "INSERT INTO claims_fts(rowid, content_text, source_text, entity_text) "
    "VALUES (new.id, new.content_text, new.source_text, new.entity_text); END"),
)
_FTS_POSTGRES = (
    "CREATE INDEX ix_claims_content_fts ON claims USING gin (to_tsvector('simple', content_text))",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "outlets", _id(),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("domain", sa.String(300)),
        sa.Column("country", sa.String(8)),
        sa.Column("affiliation", sa.String(100)),
        sa.Column("notes", sa.Text()),
    )
    _articles()
    _claims()
    _events()
    _place_mentions()
    op.create_table(
        "ingest_errors", _id(),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
    )
    _reviews()
    _full_text()


def _articles() -> None:
    op.create_table(
        "articles", _id(),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("outlet_id", sa.Integer(), sa.ForeignKey("outlets.id", ondelete="SET NULL")),
        sa.Column("published_at", UTC_TIME),
        sa.Column("published_raw", sa.Text()),
        sa.Column("published_offset", sa.Integer()),
        sa.Column("language", sa.String(16)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw_text", sa.Text()),
        sa.Column("raw", sa.LargeBinary()),
        sa.Column("raw_sha256", sa.String(64)),
        sa.Column("segments", JSON, nullable=False),
        sa.Column("removed", JSON, nullable=False),
        sa.Column("origin", sa.Text()),
        sa.Column("ingested_at", UTC_TIME, nullable=False),
        sa.Column("extracted_at", UTC_TIME),
        sa.Column("pipeline_version", sa.String(64)),
    )
    op.create_index("ix_articles_outlet_id", "articles", ["outlet_id"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])


def _claims() -> None:
    op.create_table(
        "claims", _id(),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        *(sa.Column(f"{role}_{part}", sa.Text() if part == "text" else sa.Integer())
          for role in ("source", "entity") for part in ("text", "start", "end")),
        sa.Column("actor", sa.String(200)),
        *(sa.Column(f"cue_{part}", sa.Text() if part == "text" else sa.Integer()) for part in ("text", "start", "end")),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("polarity", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.UniqueConstraint("article_id", "idx", name="uq_claims_article_idx"),
    )
    for column in ("article_id", "kind", "status"):
        op.create_index(f"ix_claims_{column}", "claims", [column])


def _events() -> None:
    op.create_table(
        "events", _id(),
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("sub_type", sa.String(100)),
        sa.Column("date_start", sa.String(32)),
        sa.Column("date_end", sa.String(32)),
        sa.Column("date_precision", sa.String(16)),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("place_name", sa.Text()),
        sa.Column("geonameid", sa.Integer()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("data", JSON, nullable=False),
    )
    for column in ("claim_id", "article_id", "type"):
        op.create_index(f"ix_events_{column}", "events", [column])


def _place_mentions() -> None:
    op.create_table(
        "place_mentions", _id(),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("geonameid", sa.Integer()),
        sa.Column("name", sa.Text()),
        sa.Column("feature", sa.String(16)),
        sa.Column("admin1", sa.String(100)),
        sa.Column("country", sa.String(8)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("precision", sa.String(16)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_place_mentions_article_id", "place_mentions", ["article_id"])
    op.create_index("ix_place_mentions_geonameid", "place_mentions", ["geonameid"])


def _reviews() -> None:
    op.create_table(
        "reviews", _id(),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("claim_key", sa.String(64), nullable=False),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("value", JSON),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("why", sa.Text()),
    )
    op.create_index("ix_reviews_article_id", "reviews", ["article_id"])


def _full_text() -> None:
    dialect = op.get_bind().dialect.name
    statements = _FTS_SQLITE if dialect == "sqlite" else _FTS_POSTGRES if dialect == "postgresql" else ()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("claims_fts_insert", "claims_fts_delete", "claims_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS claims_fts")
    for table in ("reviews", "ingest_errors", "place_mentions", "events", "claims", "articles", "outlets"):
        op.drop_table(table)

"""A view for SQL users: ``claims_text``, every claim with its texts and its time as they read.

Since migrations 0007-0008 a SQLite ``claims`` row holds "" for a content its article's text gives back and its
time as seconds since 1970: compact, but not what someone browsing the file (Datasette, ``sqlite3``) expects to
see. ``claims_text`` shows each claim's content text (the stored one, else the article's text between the
offsets), source, cue, kind, status, polarity, confidence, actor and publication time (ISO text on SQLite),
with its article's title and URL. The same view exists on PostgreSQL, where the texts are stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_VIEW = """
CREATE VIEW claims_text AS
SELECT c.id, c.article_id, c.idx,
       coalesce(nullif(c.content_text, ''),
                substr(a.text, c.content_start + 1, c.content_end - c.content_start)) AS content_text,
       c.content_start, c.content_end, c.source_text, c.entity_text, c.cue_text, c.actor,
       c.kind, c.status, c.polarity, c.confidence,
       {published} AS published_at,
       a.title AS article_title, a.url AS article_url
FROM claims c JOIN articles a ON a.id = c.article_id
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    published = "datetime(c.published_at, 'unixepoch')" if sqlite else "c.published_at"
    op.execute(_VIEW.format(published=published))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS claims_text")

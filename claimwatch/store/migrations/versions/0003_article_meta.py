"""Source-specific metadata of an article: ``articles.meta``, one nullable JSON column.

Holds what an input says of an article besides its text, keyed by kind: ``{"telegram": {...}}`` (the post's
channel, message id, edit time, forward and reply, media, links; :class:`claimwatch.model.TelegramPost`), and
``"versions"``: earlier texts of an article that was edited at its source (content hash, text, edit time).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("articles", sa.Column("meta", JSON))  # plain ADD COLUMN: no table rebuild on SQLite


def downgrade() -> None:
    op.drop_column("articles", "meta")

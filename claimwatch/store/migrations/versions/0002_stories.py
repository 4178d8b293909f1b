"""Linking across articles: outlets from the registry, copies, stories and their claims.

- ``outlets`` gains the registry key, language, side and the actor a party's own channel speaks for;
- ``claims`` gains ``linked`` (whether the linking has looked at it: a claim's story is in ``story_claims``);
- ``articles`` gains ``copy_of`` (the first article of the copy chain it belongs to) with the estimated
  similarity, and its MinHash signature; ``article_bands`` holds the signature's LSH band keys, so candidate
  copies are an indexed lookup, never a scan;
- ``stories`` (one event, its place and dates, the verdict) and ``story_claims`` (which claims tell it, with
  their stance and the independent unit each counts through), and ``story_reviews`` (an analyst's rating or
  correction of a story: who, when, why).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild: on SQLite a rebuild of ``articles`` would cascade into its claims)
    for name, column_type in (("key", sa.String(100)), ("language", sa.String(16)), ("side", sa.String(32)),
                              ("actor", sa.String(200))):
        op.add_column("outlets", sa.Column(name, column_type))
    op.create_index("ix_outlets_key", "outlets", ["key"], unique=True)
    op.add_column("articles", sa.Column("copy_of", sa.Integer()))  #: articles.id of the chain's first article
    op.add_column("articles", sa.Column("copy_similarity", sa.Float()))
    op.add_column("articles", sa.Column("minhash", sa.LargeBinary()))
    op.create_index("ix_articles_copy_of", "articles", ["copy_of"])
    op.add_column("claims", sa.Column("linked", sa.Boolean()))  #: NULL: not looked at; false: nothing to link
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("band", sa.Integer(), primary_key=True),
        sa.Column("key", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key"])
    op.create_table(
        "stories",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(100)),
        sa.Column("sub_type", sa.String(100)),
        sa.Column("geonameid", sa.Integer()),
        sa.Column("place_name", sa.Text()),
        sa.Column("admin1", sa.String(100)),
        sa.Column("country", sa.String(8)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("precision", sa.String(16)),
        sa.Column("date_start", sa.String(32)),
        sa.Column("date_end", sa.String(32)),
        sa.Column("verdict", sa.String(40)),
        sa.Column("independent", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("claims", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_seen", UTC_TIME),
        sa.Column("last_seen", UTC_TIME),
        sa.Column("centroid", sa.LargeBinary()),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_stories_dates", "stories", ["family", "date_start", "date_end"])
    op.create_index("ix_stories_verdict", "stories", ["verdict"])
    op.create_index("ix_stories_geonameid", "stories", ["geonameid"])
    op.create_table(
        "story_claims",
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.String(16), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_story_claims_story_id", "story_claims", ["story_id"])
    op.create_index("ix_story_claims_article_id", "story_claims", ["article_id"])
    op.create_table(
        "story_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("story_id", sa.String(16), nullable=False),  #: kept when the story is relinked away
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("value", JSON),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("why", sa.Text()),
    )
    op.create_index("ix_story_reviews_story_id", "story_reviews", ["story_id"])


def downgrade() -> None:
    op.drop_table("story_reviews")
    op.drop_table("story_claims")
    op.drop_table("stories")
    op.drop_table("article_bands")
    op.drop_column("claims", "linked")
    op.drop_index("ix_articles_copy_of", "articles")
    for column in ("minhash", "copy_similarity", "copy_of"):
        op.drop_column("articles", column)
    op.drop_index("ix_outlets_key", "outlets")
    for column in ("actor", "side", "language", "key"):
        op.drop_column("outlets", column)

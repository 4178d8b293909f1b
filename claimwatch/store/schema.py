"""The database schema: SQLAlchemy 2 typed ORM models (SQLite and PostgreSQL alike).

The tables are created by the Alembic migrations in ``migrations/versions`` (hand-written, numbered); a test
checks that these models and the migrated database agree. Columns hold what a SQL user (or Datasette) filters
on; the ``data`` JSON columns hold the rest of the record (what no column holds, fields at their defaults left
out: see :mod:`.rows`), and the store rebuilds records from both.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: JSON everywhere; JSONB on PostgreSQL.
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant: stored without zone on SQLite, as ``timestamptz`` on PostgreSQL; read back aware (UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EpochUTCTime(TypeDecorator[datetime]):
    """A UTC instant to the second: seconds since 1970 (an integer, 4 bytes where text took 26: the lists' keys
    and their indexes hold it once per claim) on SQLite, ``timestamptz`` on PostgreSQL; read back aware (UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return math.floor(value.timestamp()) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
       dict[str, Any]: JSONType, list[Any]: JSONType, Any: JSONType}


class OutletRow(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    domain: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(8))
    affiliation: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    key: Mapped[str | None] = mapped_column(String(100), unique=True, index=True)  #: outlets registry id
    language: Mapped[str | None] = mapped_column(String(16))
    side: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(200))  #: the party body a party's own channel speaks for


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_raw: Mapped[str | None] = mapped_column(Text)
    published_offset: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text)  #: only when text, segments and raw_rest do not give it
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  #: the input bytes, zlib-compressed (migration 0006)
    #: what ``raw_text`` holds beyond the pieces ``text`` copies: [[raw_start, piece], ...] (None: see raw_text)
    raw_rest: Mapped[list[Any] | None] = mapped_column(JSONType)
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    segments: Mapped[list[Any]] = mapped_column(JSONType)
    removed: Mapped[list[Any]] = mapped_column(JSONType)
    origin: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pipeline_version: Mapped[str | None] = mapped_column(String(64))
    copy_of: Mapped[int | None] = mapped_column(Integer, index=True)  #: first article of its copy chain
    copy_similarity: Mapped[float | None] = mapped_column(Float)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: source-specific metadata: {"telegram": TelegramPost as a dict, "versions": [earlier texts]} (migration 0004),
    #: "languages": the language identification, Languages as a dict (article language, paragraph spans)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    outlet: Mapped[OutletRow | None] = relationship(lazy="joined")


class ClaimRow(Base):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("article_id", "idx", name="uq_claims_article_idx"),
                      Index("ix_claims_published", "published_at", "id"),
                      Index("ix_claims_status_published", "status", "published_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: no index of its own: the unique (article_id, idx) serves lookups by article (migration 0006)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)  #: position of the claim in its article's extraction
    key: Mapped[str] = mapped_column(String(64))  #: stable identity for reviews: "content_start:content_end"
    source_text: Mapped[str | None] = mapped_column(Text)
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    entity_text: Mapped[str | None] = mapped_column(Text)
    entity_start: Mapped[int | None] = mapped_column(Integer)
    entity_end: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(200), index=True)
    cue_text: Mapped[str | None] = mapped_column(Text)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    #: the content's text as stored: "" on SQLite, where it is the article's text between the offsets (migration
    #: 0007); PostgreSQL keeps it for its full-text index. Read :attr:`content_text`, which is both.
    stored_content_text: Mapped[str] = mapped_column("content_text", Text)
    if TYPE_CHECKING:  # mapped below, as an expression over this row and its article
        content_text: Mapped[str]
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    #: no index of its own: ``(status, published_at, id)`` serves the status filter; kind has three values, a
    #: page walks the date index and keeps those of the kind (migration 0007)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    polarity: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    pipeline_version: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    linked: Mapped[bool | None] = mapped_column(Boolean)  #: None: linking has not looked at it yet
    #: its article's publication time to the second, copied here for the lists' keyset order and date filters
    #: (migration 0005; seconds since 1970 on SQLite, migration 0008)
    published_at: Mapped[datetime | None] = mapped_column(EpochUTCTime)


def derived_content_text(claims: Any, articles: Any) -> Any:
    """The SQL expression of a claim's content as its article's text between the content offsets (``claims``
    and ``articles`` are tables or aliases; SQL counts characters from 1, as Python's offsets count them)."""
    return func.substr(articles.text, claims.content_start + 1, claims.content_end - claims.content_start)


_articles = ArticleRow.__table__.alias("content_article")
_claims = ClaimRow.__table__.c
#: a claim's content text: the stored text, else (SQLite) its article's text between the offsets, read only
#: then (loaded with every claim row; a column expression in selects and filters)
ClaimRow.content_text = column_property(
    func.coalesce(func.nullif(_claims.content_text, ""),
                  select(derived_content_text(_claims, _articles.c))
                  .where(_articles.c.id == _claims.article_id).scalar_subquery()))


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_lat_lon", "lat", "lon"), Index("ix_events_country_admin1", "country", "admin1"),
                      Index("ix_events_claim_located", "claim_id", "lat", "lon", "type"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: no index of its own: ``ix_events_claim_located`` begins with it (migration 0007)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(100), index=True)
    sub_type: Mapped[str | None] = mapped_column(String(100))
    date_start: Mapped[str | None] = mapped_column(String(32))
    date_end: Mapped[str | None] = mapped_column(String(32))
    date_precision: Mapped[str | None] = mapped_column(String(16))
    negated: Mapped[bool] = mapped_column(Boolean, default=False)
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False)
    place_name: Mapped[str | None] = mapped_column(Text)
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    admin1: Mapped[str | None] = mapped_column(String(100))  #: of the place (its own name for a region)
    country: Mapped[str | None] = mapped_column(String(8))
    actor1: Mapped[str | None] = mapped_column(String(200), index=True)  #: actor registry id
    actor2: Mapped[str | None] = mapped_column(String(200), index=True)
    #: the whole event is in its claim's ``data`` (``events[idx]``); these columns are what queries filter on


class ClaimDayRow(Base):
    """Claims per publication day, in all and per event type and side: the unfiltered timeline, pre-counted
    (kept by :mod:`claimwatch.store.days`; ``""`` stands for none: undated, no event, no side)."""

    __tablename__ = "claim_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)  #: all, type, side
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    claims: Mapped[int] = mapped_column(Integer)


class ClaimDayDirtyRow(Base):
    """A day whose counts in ``claim_days`` a write changed (the triggers of migration 0005 record it)."""

    __tablename__ = "claim_days_dirty"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)


class PlaceMentionRow(Base):
    __tablename__ = "place_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    feature: Mapped[str | None] = mapped_column(String(16))
    admin1: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class IngestErrorRow(Base):
    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewRow(Base):
    """An analyst's correction of one field of one claim; reapplied whenever the article is re-extracted."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    claim_key: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(200))  #: dotted path into the serialized claim: "status", "source.actor"
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    why: Mapped[str | None] = mapped_column(Text)


class ArticleBandRow(Base):
    """One LSH band key of an article's MinHash signature: candidate copies share a (band, key)."""

    __tablename__ = "article_bands"
    __table_args__ = (Index("ix_article_bands_band_key", "band", "key"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)


class StoryRow(Base):
    """Claims of different articles about one event, and the verdict they add up to."""

    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_dates", "family", "date_start", "date_end"),
                      Index("ix_stories_lat_lon", "lat", "lon"), Index("ix_stories_country_admin1", "country", "admin1"),
                      Index("ix_stories_first_seen", "first_seen", "id"),
                      Index("ix_stories_verdict_first_seen", "verdict", "first_seen", "id"))

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str | None] = mapped_column(String(100))
    sub_type: Mapped[str | None] = mapped_column(String(100))
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    place_name: Mapped[str | None] = mapped_column(Text)
    admin1: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(16))
    date_start: Mapped[str | None] = mapped_column(String(32))
    date_end: Mapped[str | None] = mapped_column(String(32))
    verdict: Mapped[str | None] = mapped_column(String(40), index=True)
    independent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class StoryClaimRow(Base):
    """A claim's place in a story: its stance toward the event and the independent unit it counts through."""

    __tablename__ = "story_claims"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    stance: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class StoryReviewRow(Base):
    """An analyst's rating or correction of a story (a ClaimReview rating is one): never made automatically."""

    __tablename__ = "story_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[str] = mapped_column(String(16), index=True)
    field: Mapped[str] = mapped_column(String(200))  #: "rating", "verdict", …
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    why: Mapped[str | None] = mapped_column(Text)


class TokenRow(Base):
    """A bearer token of the HTTP API: its holder's name, its public prefix and a salted hash of its secret."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    hash: Mapped[str] = mapped_column(String(300))  #: "scrypt$n$r$p$salt$digest" (hex) of the secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""The workbench at a million claims: claims carry their article's publication time, per-day counts for the timeline.

- ``claims.published_at``: the publication time of the claim's article (copied here from ``articles``; the store
  writes it with every claim), so that the lists' keyset order ``(published_at, id)`` and the common filters are
  one index range on ``claims`` instead of a join sorted at read time: indexes ``(published_at, id)`` and
  ``(status, published_at, id)``; events by ``(claim_id, lat, lon, type)``, so that the map of a publication
  window reads its events' positions from that index alone; stories by ``(verdict, first_seen, id)`` (the stories
  list of one verdict, in its keyset order);
- ``claim_days``: the timeline without filters, pre-counted: per publication day (UTC, ``""`` for undated claims)
  the claims in all (``dimension = "all"``), per event type (``"type"``, ``value`` the type, ``""`` for claims
  without an event) and per side they count for in their story (``"side"``, ``""``: none);
- ``claim_days_dirty``: the days whose counts a write changed since they were counted. Triggers on ``claims``,
  ``events`` and ``story_claims`` record them, on every write path (ingest, re-extraction, reviews, linking, SQL
  typed by hand); the store recounts them before its writes commit, and a read counts the days still listed live
  (:mod:`claimwatch.store.days`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_claims_published", "claims", ["published_at", "id"]),
    ("ix_claims_status_published", "claims", ["status", "published_at", "id"]),
    ("ix_events_claim_located", "events", ["claim_id", "lat", "lon", "type"]),
    ("ix_stories_verdict_first_seen", "stories", ["verdict", "first_seen", "id"]),
)
#: tables whose rows the counts depend on, how a row names its claim, and the columns the counts read
_WATCHED = (("claims", "id", "published_at"), ("events", "claim_id", "claim_id, type"),
            ("story_claims", "claim_id", "claim_id, unit"))

_SQLITE_DAY = "coalesce(substr({0}, 1, 10), '')"
_PG_DAY = "coalesce(to_char(timezone('UTC', {0}), 'YYYY-MM-DD'), '')"

_PG_FUNCTION = """
CREATE FUNCTION claim_days_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'claims' THEN
    IF TG_OP <> 'INSERT' THEN
      INSERT INTO claim_days_dirty(day) VALUES ({old}) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO claim_days_dirty(day) VALUES ({new}) ON CONFLICT DO NOTHING;
    END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN
      INSERT INTO claim_days_dirty(day) SELECT {day} FROM claims WHERE id = OLD.claim_id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO claim_days_dirty(day) SELECT {day} FROM claims WHERE id = NEW.claim_id ON CONFLICT DO NOTHING;
    END IF;
  END IF;
  RETURN NULL;
END $$
""".format(old=_PG_DAY.format("OLD.published_at"), new=_PG_DAY.format("NEW.published_at"),
           day=_PG_DAY.format("published_at"))


def upgrade() -> None:
    op.add_column("claims", sa.Column("published_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE claims SET published_at = (SELECT published_at FROM articles WHERE articles.id = claims.article_id)")
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "claim_days",
        sa.Column("day", sa.String(10), primary_key=True),  #: YYYY-MM-DD (UTC), "" for undated claims
        sa.Column("dimension", sa.String(8), primary_key=True),  #: all, type, side
        sa.Column("value", sa.String(100), primary_key=True),  #: the type or side ("" for none; "" for all)
        sa.Column("claims", sa.Integer(), nullable=False),
    )
    op.create_table("claim_days_dirty", sa.Column("day", sa.String(10), primary_key=True))
    _triggers()
    op.execute("INSERT INTO claim_days_dirty(day) SELECT DISTINCT " + _day_sql("published_at") + " FROM claims")


def _day_sql(column: str) -> str:
    return (_PG_DAY if op.get_bind().dialect.name == "postgresql" else _SQLITE_DAY).format(column)


def _triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for table, _, columns in _WATCHED:
            op.execute(f"CREATE TRIGGER claim_days_{table} AFTER INSERT OR DELETE OR UPDATE OF {columns} "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION claim_days_mark()")
        return
    if dialect != "sqlite":
        return
    for table, key, columns in _WATCHED:
        for action, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), (f"UPDATE OF {columns}", ("OLD", "NEW"))):
            if table == "claims":
                body = " ".join(f"INSERT OR IGNORE INTO claim_days_dirty(day) VALUES "
                                f"({_SQLITE_DAY.format(r + '.published_at')});" for r in rows)
            else:
                body = " ".join(f"INSERT OR IGNORE INTO claim_days_dirty(day) SELECT "
                                f"{_SQLITE_DAY.format('published_at')} FROM claims WHERE id = {r}.{key};"
                                for r in rows)
            op.execute(f"CREATE TRIGGER claim_days_{table}_{action.split()[0].lower()} AFTER {action} ON {table} "
                       f"BEGIN {body} END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, _, _ in _WATCHED:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS claim_days_{table} ON {table}")
        elif dialect == "sqlite":
            for action in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS claim_days_{table}_{action}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS claim_days_mark()")
    op.drop_table("claim_days_dirty")
    op.drop_table("claim_days")
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table)
    op.drop_column("claims", "published_at")

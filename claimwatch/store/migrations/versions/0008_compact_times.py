"""Compact claim times: on SQLite ``claims.published_at`` holds seconds since 1970 (UTC), an integer, where it held
"YYYY-MM-DD HH:MM:SS.ffffff" (26 bytes, once in the row and once in each of the two list indexes: about 2.3 KB
per PolNeAR article of 37 claims). Claim times keep the second (publication times have no finer grain);
``articles.published_at`` keeps its own form. The per-day counts' triggers (migration 0005) read the day with
``date(published_at, 'unixepoch')``. PostgreSQL is unchanged (``timestamptz`` is 8 bytes).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: tables whose rows the per-day counts depend on, how a row names its claim, the columns the counts read
_WATCHED = (("claims", "id", "published_at"), ("events", "claim_id", "claim_id, type"),
            ("story_claims", "claim_id", "claim_id, unit"))
_TEXT_DAY = "coalesce(substr({0}, 1, 10), '')"
_EPOCH_DAY = "coalesce(date({0}, 'unixepoch'), '')"


def _triggers(day: str) -> None:
    """The SQLite triggers of migration 0005 that mark the days a write changes, reading the day with ``day``."""
    for table, key, columns in _WATCHED:
        for action, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), (f"UPDATE OF {columns}", ("OLD", "NEW"))):
            name = f"claim_days_{table}_{action.split()[0].lower()}"
            if table == "claims":
                body = " ".join(f"INSERT OR IGNORE INTO claim_days_dirty(day) VALUES "
                                f"({day.format(r + '.published_at')});" for r in rows)
            else:
                body = " ".join(f"INSERT OR IGNORE INTO claim_days_dirty(day) SELECT "
                                f"{day.format('published_at')} FROM claims WHERE id = {r}.{key};" for r in rows)
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f"CREATE TRIGGER {name} AFTER {action} ON {table} BEGIN {body} END")


def _drop_triggers() -> None:
    for table, _, _ in _WATCHED:
        for action in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS claim_days_{table}_{action}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()  # the days do not change
    op.execute("UPDATE claims SET published_at = CAST(strftime('%s', published_at) AS INTEGER) "
               "WHERE typeof(published_at) = 'text'")
    _triggers(_EPOCH_DAY)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute("UPDATE claims SET published_at = strftime('%Y-%m-%d %H:%M:%S.000000', published_at, 'unixepoch') "
               "WHERE typeof(published_at) = 'integer'")
    _triggers(_TEXT_DAY)

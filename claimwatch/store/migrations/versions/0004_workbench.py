"""The analyst's workbench: what its queries filter on, and API tokens.

- ``events`` gains the registry ids of its two actors (``actor1``, ``actor2``) and its place's ``admin1`` and
  ``country``, filled here from the ``data`` JSON of the rows already stored (the store writes them from now
  on), so the ``actor`` and region filters are column lookups;
- indexes for the workbench's filters and its keyset pagination: events by place id, by coordinates (the map's
  bounding box), by region and by actor; claims by source actor; stories by coordinates, by region and by
  first publication (the stories list pages on ``(first_seen, id)``);
- ``tokens``: the bearer tokens the HTTP API accepts for writes (``claimwatch token create``), each stored as a
  salted scrypt hash under its public prefix, never in clear.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)

#: new ``events`` column -> where its value sits in the event's ``data`` JSON
_EVENT_COLUMNS = {"actor1": ("actor1", "actor_id"), "actor2": ("actor2", "actor_id"),
                  "admin1": ("place", "place", "admin1"), "country": ("place", "place", "country")}

_INDEXES = (
    ("ix_events_geonameid", "events", ["geonameid"]),
    ("ix_events_lat_lon", "events", ["lat", "lon"]),
    ("ix_events_country_admin1", "events", ["country", "admin1"]),
    ("ix_events_actor1", "events", ["actor1"]),
    ("ix_events_actor2", "events", ["actor2"]),
    ("ix_claims_actor", "claims", ["actor"]),
    ("ix_stories_lat_lon", "stories", ["lat", "lon"]),
    ("ix_stories_country_admin1", "stories", ["country", "admin1"]),
    ("ix_stories_first_seen", "stories", ["first_seen", "id"]),
)


def upgrade() -> None:
    for name, column_type in (("actor1", sa.String(200)), ("actor2", sa.String(200)),
                              ("admin1", sa.String(100)), ("country", sa.String(8))):
        op.add_column("events", sa.Column(name, column_type))
    _fill_event_columns()
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("prefix", sa.String(32), nullable=False, unique=True),  #: public part of the token
        sa.Column("hash", sa.String(300), nullable=False),  #: "scrypt$n$r$p$salt$digest" of the secret part
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("last_used_at", UTC_TIME),
    )


def _fill_event_columns() -> None:
    """Copy the new columns' values out of each stored event's JSON (SQLite JSON1, PostgreSQL jsonb)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        values = {c: f"json_extract(data, '$.{'.'.join(path)}')" for c, path in _EVENT_COLUMNS.items()}
    elif dialect == "postgresql":
        values = {c: f"data #>> '{{{','.join(path)}}}'" for c, path in _EVENT_COLUMNS.items()}
    else:
        return
    op.execute("UPDATE events SET " + ", ".join(f"{c} = {v}" for c, v in values.items()))


def downgrade() -> None:
    op.drop_table("tokens")
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table)
    for column in reversed(_EVENT_COLUMNS):
        op.drop_column("events", column)

"""Claims per publication day, pre-counted: what the unfiltered timeline reads at a million claims.

Reads ``claims`` (its ``published_at``), ``events`` (their types) and ``story_claims`` (the side a claim counts
for); writes ``claim_days`` and empties ``claim_days_dirty`` (migration 0005). The counts mean exactly what the
live timeline counts without filters: per UTC day, distinct claims in all, per type of their events (``""``: a
claim without one) and per side of their story unit (``""``: none); day ``""`` holds the undated claims.

Triggers list every day a write touches in ``claim_days_dirty``, whoever writes. :func:`refresh_days` recounts
those days (the store calls it before each write commits); :func:`read_days` answers from the stored counts and
counts the days still listed live, so an answer is right even after a write that did not refresh (linking, SQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, or_, select, true

from .schema import ClaimDayDirtyRow, ClaimDayRow, ClaimRow, EventRow, StoryClaimRow

#: past this many days to recount, everything is recounted in one pass
WHOLE = 60
#: PostgreSQL advisory lock (held to the end of the transaction) that serialises recounts: two writers recounting
#: one day at once would both insert its rows
PG_LOCK = 0x63775F64617973  # "cw_days"
#: rows per INSERT statement
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class DayCount:
    day: str  #: YYYY-MM-DD, "" for undated claims
    dimension: str  #: all, type, side
    value: str  #: the event type or side; "" for none (and for "all")
    claims: int


def day_of(column: Any, dialect: str) -> Any:
    """``YYYY-MM-DD`` of a stored UTC instant of a :class:`~.schema.EpochUTCTime` column (``claims.published_at``)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.date(column, "unixepoch")  # SQLite stores seconds since 1970 (UTC)


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)


def _on_days(days: Sequence[str] | None) -> ColumnElement[bool]:
    """Claims published on one of ``days`` ("" : undated), as index ranges; None: every claim."""
    if days is None:
        return true()
    at = ClaimRow.published_at
    ranges = [at.is_(None) if d == "" else and_(at >= _midnight(d), at < _midnight(d) + timedelta(days=1))
              for d in days]
    return or_(*ranges)


def count_days(connection: Any, days: Sequence[str] | None) -> list[DayCount]:
    """The counts of ``days`` (None: of every day), from the claims, events and story members."""
    dialect = connection.dialect.name
    day = func.coalesce(day_of(ClaimRow.published_at, dialect), "")
    where = _on_days(days)
    claims = func.count(ClaimRow.id.distinct())
    out = [DayCount(d, "all", "", n) for d, n in connection.execute(
        select(day, func.count(ClaimRow.id)).where(where).group_by(day))]
    dated = and_(where, ClaimRow.published_at.is_not(None))
    typed = ClaimRow.__table__.outerjoin(EventRow.__table__, EventRow.claim_id == ClaimRow.id)
    out += [DayCount(d, "type", t or "", n) for d, t, n in connection.execute(
        select(day, EventRow.type, claims).select_from(typed).where(dated).group_by(day, EventRow.type))]
    unit = StoryClaimRow.unit
    side = case((unit.like("side:%"), func.substr(unit, 6)), else_=None)
    sided = ClaimRow.__table__.outerjoin(StoryClaimRow.__table__, StoryClaimRow.claim_id == ClaimRow.id)
    out += [DayCount(d, "side", s or "", n) for d, s, n in connection.execute(
        select(day, side, claims).select_from(sided).where(dated).group_by(day, side))]
    return out


def dirty_days(connection: Any) -> list[str]:
    return list(connection.execute(select(ClaimDayDirtyRow.day).order_by(ClaimDayDirtyRow.day)).scalars())


def refresh_days(connection: Any) -> int:
    """Recount the days a write listed (inside the caller's write transaction); returns how many."""
    days = dirty_days(connection)
    if not days:
        return 0
    if connection.dialect.name == "postgresql":  # SQLite's writers already hold the write lock (BEGIN IMMEDIATE)
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
        days = dirty_days(connection)  # another writer may have recounted some while this one waited
        if not days:
            return 0
    if len(days) > WHOLE:
        rebuild_days(connection)
        return len(days)
    counts = count_days(connection, days)
    connection.execute(delete(ClaimDayRow).where(ClaimDayRow.day.in_(days)))
    _write(connection, counts)
    connection.execute(delete(ClaimDayDirtyRow).where(ClaimDayDirtyRow.day.in_(days)))
    return len(days)


def rebuild_days(connection: Any) -> None:
    """Recount every day (after a bulk load)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
    counts = count_days(connection, None)
    connection.execute(delete(ClaimDayRow))
    _write(connection, counts)
    connection.execute(delete(ClaimDayDirtyRow))


def _write(connection: Any, counts: list[DayCount]) -> None:
    rows = [{"day": c.day, "dimension": c.dimension, "value": c.value, "claims": c.claims} for c in counts]
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(ClaimDayRow), rows[start:start + _CHUNK])


def read_days(connection: Any, since: date | None = None, until: date | None = None) -> list[DayCount]:
    """The counts of the days in ``[since, until]`` (both None: every day, the undated ones too), the days a
    write changed since they were counted counted live (without writing)."""
    dirty = dirty_days(connection)
    bounded = since is not None or until is not None
    low, high = (since or date.min).isoformat(), (until or date.max).isoformat()
    if bounded:
        dirty = [d for d in dirty if d and low <= d <= high]
    if len(dirty) > WHOLE:
        counts = count_days(connection, None)
    else:
        stored = select(ClaimDayRow.day, ClaimDayRow.dimension, ClaimDayRow.value, ClaimDayRow.claims)
        if dirty:
            stored = stored.where(ClaimDayRow.day.not_in(dirty))
        if bounded:
            stored = stored.where(ClaimDayRow.day.between(low, high), ClaimDayRow.day != "")
        counts = [DayCount(*r) for r in connection.execute(stored)] + (count_days(connection, dirty) if dirty else [])
    return [c for c in counts if c.day and low <= c.day <= high] if bounded else counts

"""Map points: every located event passing the filters as one short row, for drawing thousands of markers.

Reads the store through :mod:`.sql`'s predicates (the same conditions as :func:`.overview.map_features`'s
events layer, so the two always select the same events); writes ``{"fields": [...], "points": [[...], ...],
"truncated": bool}`` with one list per event in the order of :data:`FIELDS`, newest first. Nothing is rebuilt
from the stored claim JSON: a point is read from the indexed columns of the event, its claim and its story,
which makes 10,000 points cost tens of milliseconds instead of seconds. The workbench's map page draws these
and asks ``/api/claims/{id}`` for the details of the one marker an analyst opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.schema import ClaimRow, EventRow, StoryClaimRow, StoryRow
from .filters import FilterError, Filters
from .sql import (
    claim_filters,
    claims_from,
    event_filters,
    located_events,
    place_scope,
    published_between,
    verdict_filter,
)

if TYPE_CHECKING:
    from ..store import Store

#: what each point holds, in order
FIELDS = ("lon", "lat", "claim", "article", "index", "event", "status", "type", "place", "date", "story", "verdict")
#: the most points one answer holds
MAX_POINTS = 50_000


def map_points(store: Store, filters: Filters | None = None, limit: int = MAX_POINTS) -> dict[str, Any]:
    """Located events passing ``filters`` as points (at most ``limit``, newest first)."""
    if not 1 <= limit <= MAX_POINTS:
        raise FilterError("limit", f"{limit} is outside 1..{MAX_POINTS}")
    f = filters or Filters()
    with Session(store.engine) as session:
        cols = located_events(EventRow, f)
        conditions = [cols.lat.is_not(None), cols.lon.is_not(None),
                      *event_filters(cols, f, place_scope(session, f)),
                      *claim_filters(f, store.engine.dialect.name), *verdict_filter(f)]
        if f.dates == "published":
            conditions += published_between(ClaimRow.published_at, ClaimRow.published_at, f)
        source = (EventRow.__table__.join(claims_from(), ClaimRow.id == EventRow.claim_id)
                  .outerjoin(StoryClaimRow.__table__, StoryClaimRow.claim_id == ClaimRow.id)
                  .outerjoin(StoryRow.__table__, StoryRow.id == StoryClaimRow.story_id))
        rows = session.execute(
            select(EventRow.lon, EventRow.lat, ClaimRow.id, ClaimRow.article_id, ClaimRow.idx, EventRow.idx,
                   ClaimRow.status, EventRow.type, EventRow.place_name, EventRow.date_start, StoryRow.id,
                   StoryRow.verdict)
            .select_from(source).where(*conditions)
            .order_by(ClaimRow.published_at.is_(None), ClaimRow.published_at.desc(), EventRow.id.desc())
            .limit(limit + 1)).all()
    return {"fields": list(FIELDS), "points": [list(r) for r in rows[:limit]], "truncated": len(rows) > limit}

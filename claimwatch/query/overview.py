"""The workbench's overviews: located events or stories as GeoJSON, and claims counted per day.

Reads the store through :mod:`.sql`'s predicates; writes JSON-able dicts:

- :func:`map_features`: a GeoJSON FeatureCollection (RFC 7946, coordinates ``[lon, lat]``). ``layer="events"``:
  one Feature per located event, with exactly the properties of the GeoJSON export
  (:func:`claimwatch.export.geojson.event_feature`: ``place`` is the ``place_dict`` of the event's place) plus
  ``claim_id`` and ``event_index``; ``layer="stories"``: one Feature per located story (``story``, ``verdict``,
  ``why``, ``event``, ``place`` as in ``story_dict``, ``date``, ``independent``, ``claims``: how many,
  ``first_seen``, ``last_seen``). Paged like the lists: a foreign member ``next`` holds the next page's cursor.
- :func:`timeline`: per day, how many claims pass the filters, by event type and by the side they count for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from ..export.geojson import event_feature
from ..model import Place
from ..records import story_place_dict
from ..store.days import day_of, read_days
from ..store.links import claim_stories
from ..store.rows import claim_of
from ..store.schema import ClaimRow, EventRow, StoryClaimRow, StoryRow
from .filters import BBox, FilterError, Filters
from .reads import Keyset, check_limit, claim_columns, cursor_of, in_order, page_keys, story_filters
from .sql import (
    claim_and_event_filters,
    claim_filters,
    claims_from,
    claims_source,
    event_filters,
    located_events,
    place_scope,
    published_between,
    side_of,
    verdict_filter,
)

if TYPE_CHECKING:
    from ..store import Store

Layer = Literal["events", "stories"]
EVENTS = Keyset("events", ClaimRow.published_at, EventRow.id)
MAP_STORIES = Keyset("map-stories", StoryRow.first_seen, StoryRow.id, str)
#: features per map page when none is asked for, and the most one page may hold
MAP_LIMIT = 1000
MAX_MAP_LIMIT = 5000
#: a clustered map divides the longer side of its box into this many cells (so at most this squared features)
CLUSTER_CELLS = 64
_WORLD = BBox(-180.0, -90.0, 180.0, 90.0)


def map_features(store: Store, filters: Filters | None = None, *, layer: str = "events", cursor: str | None = None,
                 limit: int = MAP_LIMIT) -> dict[str, Any]:
    """Located events (or stories) passing ``filters`` as a FeatureCollection page, newest first."""
    f = filters or Filters()
    check_limit(limit, MAX_MAP_LIMIT)
    if layer == "events":
        features, following = _event_features(store, f, cursor, limit)
    elif layer == "stories":
        features, following = _story_features(store, f, cursor, limit)
    else:
        raise FilterError("layer", "expected events or stories")
    return {"type": "FeatureCollection", "features": features, "next": following}


def map_clusters(store: Store, filters: Filters | None = None, *, layer: str = "events") -> dict[str, Any]:
    """Located events (or stories) passing ``filters``, counted per cell of a grid over the filter's bounding box
    (the world without one): a FeatureCollection of at most ``CLUSTER_CELLS`` squared Features, one per cell that
    holds any, each a Point at the mean position of what it counts, with ``cluster: true``, ``count`` and the
    cell's ``bbox`` ``[W, S, E, N]`` (to ask for its members with). Square cells of ``cell`` degrees: the longer
    side of the box divided by :data:`CLUSTER_CELLS`. Whatever the extent, one answer stays bounded."""
    f = filters or Filters()
    box = f.bbox or _WORLD
    width = box.east - box.west if box.west <= box.east else box.east + 360 - box.west
    cell = max(width, box.north - box.south, 1e-6) / CLUSTER_CELLS
    dialect = store.engine.dialect.name
    with Session(store.engine) as session:
        cols, source, conditions = _located(session, f, dialect, layer)
        lon = cols.lon if box.west <= box.east else case((cols.lon < box.west, cols.lon + 360), else_=cols.lon)
        row = _cell((cols.lat - box.south) / cell, dialect)
        column = _cell((lon - box.west) / cell, dialect)
        cells = session.execute(select(row, column, func.count(), func.avg(cols.lat), func.avg(cols.lon))
                                .select_from(source).where(*conditions).group_by(row, column)).all()
    features = [_cluster_feature(box, cell, r, c, n, lat, lon_) for r, c, n, lat, lon_ in cells]
    features.sort(key=lambda feature: -feature["properties"]["count"])
    return {"type": "FeatureCollection", "features": features, "next": None, "cell": cell}


def _located(session: Session, f: Filters, dialect: str, layer: str) -> tuple[Any, Any, list[Any]]:
    """The coordinate columns, FROM clause and conditions of the located events (or stories) passing ``f``."""
    scope = place_scope(session, f)
    if layer == "stories":
        return (StoryRow, StoryRow.__table__, [StoryRow.lat.is_not(None), StoryRow.lon.is_not(None),
                                               *story_filters(f, dialect, scope)])
    if layer != "events":
        raise FilterError("layer", "expected events or stories")
    located = located_events(EventRow, f)
    conditions = [located.lat.is_not(None), located.lon.is_not(None),
                  *event_filters(located, f, scope), *claim_filters(f, dialect), *verdict_filter(f)]
    if f.dates == "published":
        conditions += published_between(ClaimRow.published_at, ClaimRow.published_at, f)
    return EventRow, EventRow.__table__.join(claims_source(f), ClaimRow.id == EventRow.claim_id), conditions


def _cell(value: Any, dialect: str) -> Any:
    """The whole number of cells in ``value`` (never negative here: rounding down is truncating)."""
    return func.floor(value) if dialect == "postgresql" else cast(value, Integer)


def _cluster_feature(box: BBox, cell: float, row: int, column: int, count: int, lat: float, lon: float
                     ) -> dict[str, Any]:
    west = box.west + int(column) * cell
    east = west + cell
    south = box.south + int(row) * cell
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(_wrap(lon), 6), round(lat, 6)]},
            "properties": {"cluster": True, "count": count,
                           "bbox": [round(_wrap(west), 6), round(south, 6), round(_wrap(east), 6),
                                    round(min(south + cell, 90.0), 6)]}}


def _wrap(lon: float) -> float:
    """A longitude counted past 180 (in a box across the antimeridian) back in -180..180."""
    return lon - 360 if lon > 180 else lon


def _event_features(store: Store, f: Filters, cursor: str | None, limit: int
                    ) -> tuple[list[dict[str, Any]], str | None]:
    dialect = store.engine.dialect.name
    with Session(store.engine) as session:
        scope = place_scope(session, f)
        cols = located_events(EventRow, f)
        conditions = [cols.lat.is_not(None), cols.lon.is_not(None),
                      *event_filters(cols, f, scope), *claim_filters(f, dialect), *verdict_filter(f)]
        if f.dates == "published":
            conditions += published_between(ClaimRow.published_at, ClaimRow.published_at, f)
        located = EventRow.__table__.join(claims_from(), ClaimRow.id == EventRow.claim_id)
        keyed = EventRow.__table__.join(claims_source(f), ClaimRow.id == EventRow.claim_id)
        keys, more = page_keys(session, select(EventRow.id).select_from(keyed).where(*conditions), EVENTS,
                               cursor, limit)
        rows = session.execute(select(EventRow.id.label("event_id"), EventRow.idx.label("event_index"),
                                      *claim_columns())
                               .select_from(located).where(EventRow.id.in_([k for k, _ in keys])))
        page = in_order(rows, keys, lambda r: r.event_id)
        stories = claim_stories(session, sorted({r.id for r in page}))
    features = []
    for row in page:
        feature = _event_feature(row, stories)
        if feature is not None:
            features.append(feature)
    return features, cursor_of(EVENTS.kind, keys[-1][1], keys[-1][0]) if more else None


def _event_feature(row: Any, stories: dict[int, tuple[str, str | None]]) -> dict[str, Any] | None:
    from ..model import Article

    claim = claim_of(row)
    claim.story, claim.verdict = stories.get(row.id, (None, None))
    article = Article(text="", title=row.title, url=row.url, outlet=row.outlet, published=row.published_at,
                      id=row.article_id)
    index = row.event_index
    if not 0 <= index < len(claim.events):
        return None
    event = claim.events[index]
    feature = event_feature(claim, article, event)
    if feature is not None:
        feature["properties"].update({"claim_id": row.id, "claim_index": row.idx, "event_index": row.event_index})
    return feature


def _story_features(store: Store, f: Filters, cursor: str | None, limit: int
                    ) -> tuple[list[dict[str, Any]], str | None]:
    with Session(store.engine) as session:
        conditions = [StoryRow.lat.is_not(None), StoryRow.lon.is_not(None),
                      *story_filters(f, store.engine.dialect.name, place_scope(session, f))]
        keys, more = page_keys(session, select(StoryRow.id).where(*conditions), MAP_STORIES, cursor, limit)
        rows = session.scalars(select(StoryRow).where(StoryRow.id.in_([k for k, _ in keys])))
        features = [story_feature(r) for r in in_order(rows, keys, lambda r: r.id)]
    return features, cursor_of(MAP_STORIES.kind, keys[-1][1], keys[-1][0]) if more else None


def story_feature(row: StoryRow) -> dict[str, Any]:
    """The Feature of a located story (its members are not loaded: ``claims`` says how many)."""
    place = Place(row.geonameid, row.place_name or "", None, None, row.country, row.admin1, row.lat, row.lon)
    data = row.data or {}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": {
                "story": row.id, "verdict": row.verdict, "why": data.get("why", ""),
                "event": {"family": row.family, "type": row.event_type, "sub_type": row.sub_type},
                "place": story_place_dict(place, row.precision),
                "date": {"start": row.date_start, "end": row.date_end},
                "independent": row.independent, "claims": row.claims,
                "first_seen": row.first_seen.isoformat() if row.first_seen else None,
                "last_seen": row.last_seen.isoformat() if row.last_seen else None}}


# --------------------------------------------------------------------------------------------- timeline


def timeline(store: Store, filters: Filters | None = None) -> dict[str, Any]:
    """Claims passing ``filters`` counted per day: in all, per event type and per side.

    The day is the article's publication day (UTC) with ``dates="published"``, the start day of an event that
    passes the event filters with ``dates="event"`` (a claim counts once on each day one of its events starts;
    ranges without a full date are left out). ``by_type`` counts claims per type of their events that pass the
    event filters (``type`` null: a claim without one); ``by_side``: the party a claim counts for in its story
    (null: none, or not linked). ``undated`` claims pass the filters but fall on no day.
    """
    f = filters or Filters()
    if f == Filters(since=f.since, until=f.until):
        return _counted_timeline(store, f)
    dialect = store.engine.dialect.name
    with Session(store.engine) as session:
        scope = place_scope(session, f)
        matching = select(ClaimRow.id).select_from(claims_source(f)).where(*claim_and_event_filters(f, dialect, scope))
        total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
        day, source, typed, dated = _days_of(f, dialect, event_filters(located_events(), f, scope))
        base = [ClaimRow.id.in_(matching), *dated]
        per_day = session.execute(select(day, func.count(ClaimRow.id.distinct())).select_from(source)
                                  .where(*base).group_by(day)).all()
        by_type = session.execute(select(day, EventRow.type, func.count(ClaimRow.id.distinct())).select_from(typed)
                                  .where(*base).group_by(day, EventRow.type)).all()
        side = side_of(StoryClaimRow.unit)
        with_side = source.outerjoin(StoryClaimRow.__table__, StoryClaimRow.claim_id == ClaimRow.id)
        by_side = session.execute(select(day, side, func.count(ClaimRow.id.distinct())).select_from(with_side)
                                  .where(*base).group_by(day, side)).all()
        on_a_day = session.scalar(select(func.count(ClaimRow.id.distinct())).select_from(source).where(*base))
    return {"dates": f.dates, "claims": total, "undated": total - (on_a_day or 0),
            "days": _days(per_day, by_type, by_side)}


def _counted_timeline(store: Store, f: Filters) -> dict[str, Any]:
    """The timeline of publication days with no filter but ``since``/``until``, from the per-day counts
    (:mod:`claimwatch.store.days`): the same answer as counting, without reading every claim."""
    with store.engine.connect() as connection:
        counts = read_days(connection, f.since, f.until)
    per_day = [(c.day, c.claims) for c in counts if c.dimension == "all" and c.day]
    by_type = [(c.day, c.value or None, c.claims) for c in counts if c.dimension == "type"]
    by_side = [(c.day, c.value or None, c.claims) for c in counts if c.dimension == "side"]
    total = sum(c.claims for c in counts if c.dimension == "all")
    undated = sum(c.claims for c in counts if c.dimension == "all" and not c.day)
    return {"dates": f.dates, "claims": total, "undated": undated, "days": _days(per_day, by_type, by_side)}


def _days_of(f: Filters, dialect: str, on_events: list[Any]) -> tuple[Any, Any, Any, list[Any]]:
    """How the timeline finds a claim's day: the day expression, the FROM clause it reads (claims with their
    dated events for event dates), the same with the events whose type counts, and what makes a row dated."""
    if f.dates == "event":
        source = claims_from().join(EventRow.__table__, EventRow.claim_id == ClaimRow.id)
        dated = [EventRow.date_start >= "0", func.length(EventRow.date_start) >= 10, *on_events]
        return func.substr(EventRow.date_start, 1, 10), source, source, dated
    source = claims_from()
    typed = source.outerjoin(EventRow.__table__, and_(EventRow.claim_id == ClaimRow.id, *on_events))
    return day_of(ClaimRow.published_at, dialect), source, typed, [ClaimRow.published_at.is_not(None)]


def _days(claims_per_day: Sequence[Any], by_type: Sequence[Any], by_side: Sequence[Any]) -> list[dict[str, Any]]:
    types: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sides: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for day, kind, n in by_type:
        types[day].append({"type": kind, "claims": n})
    for day, side, n in by_side:
        sides[day].append({"side": side, "claims": n})

    def ordered(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (-r["claims"], r[key] is None, r[key] or ""))

    return [{"date": day, "claims": n, "by_type": ordered(types[day], "type"), "by_side": ordered(sides[day], "side")}
            for day, n in sorted(claims_per_day) if day is not None]

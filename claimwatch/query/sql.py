"""SQL predicates for :class:`~claimwatch.query.filters.Filters`: what each filter means in the store's tables.

Reads a ``Filters`` record (and, for ``place``, what the store knows of that GeoNames id); writes SQLAlchemy
predicates, every value a bound parameter. The same filter means the same thing wherever it applies:

- claim filters over ``claims`` joined to ``articles`` and ``outlets`` (:func:`claim_filters`);
- event filters over one event (``events``) or a story's own event columns (``stories``): the same column names
  through :class:`Located`;
- place filters over ``events``, ``stories`` and ``place_mentions``.

Full text: SQLite's FTS5 table ``claims_fts`` (the claims' content texts, rowids only: ``detail=none``, migration
0007), PostgreSQL's ``to_tsvector('simple', content_text) @@ plainto_tsquery('simple', …)`` (the expression of its
GIN index); the query is reduced to its words first (split where FTS5's tokenizer splits them: no word is a
phrase), so FTS5 syntax in user input is never interpreted, and every word must occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from ..store.schema import (
    ArticleRow,
    ClaimRow,
    EventRow,
    OutletRow,
    PlaceMentionRow,
    StoryClaimRow,
    StoryRow,
)
from .filters import Filters

#: at most this many words of ``q`` are searched for
MAX_WORDS = 32
#: a word: letters and digits (FTS5's unicode61 tokenizer splits at the underscore, as at punctuation)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class PlaceScope:
    """What a ``place`` filter covers: the place itself, or every place in the region or country it is."""

    geonameid: int
    admin1: str | None = None  #: set when the id is a first-order region
    country: str | None = None  #: set when the id is a country, or the region's country


@dataclass(frozen=True, slots=True)
class Located:
    """The columns of something with an event type, a place and dates (an event row, a story row)."""

    type: Any
    sub_type: Any
    geonameid: Any
    admin1: Any
    country: Any
    lat: Any
    lon: Any
    date_start: Any
    date_end: Any


def located_events(row: Any = EventRow, f: Filters | None = None) -> Located:
    """The columns of an event row. When ``f`` has a publication window, its type, place and coordinates are
    compared as expressions (``lat + 0``, ``type || ''``) that no index serves, so that the database finds the
    events through the claims published in the window (the claims' date index) instead of walking an event index
    over a box as large as a country or every event of a type: a month of the map costs that month's events."""
    if f is None or not by_window(f):
        return Located(row.type, row.sub_type, row.geonameid, row.admin1, row.country, row.lat, row.lon,
                       row.date_start, row.date_end)
    return Located(row.type + "", row.sub_type + "", row.geonameid + 0, row.admin1 + "", row.country + "",
                   row.lat + 0, row.lon + 0, row.date_start, row.date_end)


def by_window(f: Filters) -> bool:
    """Whether ``f`` narrows claims to a publication window."""
    return f.dates == "published" and (f.since is not None or f.until is not None)


STORIES = Located(StoryRow.event_type, StoryRow.sub_type, StoryRow.geonameid, StoryRow.admin1, StoryRow.country,
                  StoryRow.lat, StoryRow.lon, StoryRow.date_start, StoryRow.date_end)
PLACES = Located(None, None, PlaceMentionRow.geonameid, PlaceMentionRow.admin1, PlaceMentionRow.country,
                 PlaceMentionRow.lat, PlaceMentionRow.lon, None, None)


def place_scope(session: Session, f: Filters) -> PlaceScope | None:
    """The scope of ``f.place``, from how the store has the place (a region or a country: anywhere in it)."""
    if f.place is None:
        return None
    found = session.execute(select(PlaceMentionRow.feature, PlaceMentionRow.admin1, PlaceMentionRow.country)
                            .where(PlaceMentionRow.geonameid == f.place).limit(1)).first()
    if found is None:
        return PlaceScope(f.place)
    feature, admin1, country = found
    if feature == "A.ADM1" and admin1:
        return PlaceScope(f.place, admin1, country)
    if feature and feature.startswith("A.PCL") and country:
        return PlaceScope(f.place, None, country)
    return PlaceScope(f.place)


# ---------------------------------------------------------------------------------------------- places


def place_filters(cols: Located, f: Filters, scope: PlaceScope | None) -> list[ColumnElement[bool]]:
    """``place``/``admin1``/``country``/``bbox`` over ``cols``."""
    out: list[ColumnElement[bool]] = []
    if scope is not None:
        if scope.admin1:
            inside = cols.admin1 == scope.admin1
            if scope.country:
                inside = and_(inside, cols.country == scope.country)
            out.append(or_(cols.geonameid == scope.geonameid, inside))
        elif scope.country:
            out.append(or_(cols.geonameid == scope.geonameid, cols.country == scope.country))
        else:
            out.append(cols.geonameid == scope.geonameid)
    if f.admin1:
        out.append(cols.admin1 == f.admin1)
    if f.country:
        out.append(cols.country == f.country)
    if f.bbox is not None:
        b = f.bbox
        out.append(cols.lat.between(b.south, b.north))
        if b.west <= b.east:
            out.append(cols.lon.between(b.west, b.east))
        else:  # across the antimeridian
            out.append(or_(cols.lon >= b.west, cols.lon <= b.east))
    return out


def event_filters(cols: Located, f: Filters, scope: PlaceScope | None) -> list[ColumnElement[bool]]:
    """Event type, sub-type, place and (with ``dates="event"``) the event's dates over ``cols``."""
    out = place_filters(cols, f, scope)
    if f.event_type:
        out.append(cols.type == f.event_type)
    if f.sub_type:
        out.append(cols.sub_type == f.sub_type)
    if f.dates == "event":
        out += event_dates(cols, f)
    return out


def event_dates(cols: Located, f: Filters) -> list[ColumnElement[bool]]:
    """Date ranges overlapping ``[since, until]``; a range without a known year ("--03-05") never does."""
    out: list[ColumnElement[bool]] = []
    if f.since or f.until:
        out.append(cols.date_start >= "0")
    if f.until:
        out.append(cols.date_start <= f.until.isoformat())
    if f.since:
        out.append(func.coalesce(cols.date_end, cols.date_start) >= f.since.isoformat())
    return out


def published_between(first: Any, last: Any, f: Filters) -> list[ColumnElement[bool]]:
    """Publication times within the days ``[since, until]`` (UTC): ``last`` >= since, ``first`` < until + 1."""
    out: list[ColumnElement[bool]] = []
    if f.since:
        out.append(last >= _midnight(f.since))
    if f.until and f.until < date.max:
        out.append(first < _midnight(f.until + timedelta(days=1)))
    return out


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- claims


def has_claim_filters(f: Filters) -> bool:
    return any(v is not None for v in (f.status, f.kind, f.article, f.outlet, f.language, f.actor, f.side, f.q))


def claim_filters(f: Filters, dialect: str, dense: bool = False) -> list[ColumnElement[bool]]:
    """The filters on a claim itself, over ``claims`` joined to ``articles`` and (outer) ``outlets``; ``dense``:
    see :func:`text_match`."""
    out: list[ColumnElement[bool]] = []
    if f.status:
        out.append(ClaimRow.status == f.status)
    if f.kind:
        out.append(ClaimRow.kind == f.kind)
    if f.article is not None:
        out.append(ClaimRow.article_id == f.article)
    if f.outlet:
        out.append(or_(OutletRow.name == f.outlet, OutletRow.key == f.outlet))
    if f.language:
        out.append(ArticleRow.language == f.language)
    if f.actor:
        event = aliased(EventRow)
        out.append(or_(ClaimRow.actor == f.actor,
                       exists().where(event.claim_id == ClaimRow.id,
                                      or_(event.actor1 == f.actor, event.actor2 == f.actor))))
    if f.side:
        member = aliased(StoryClaimRow)
        out.append(exists().where(member.claim_id == ClaimRow.id, member.unit == f"side:{f.side}"))
    if f.q is not None:
        out.append(text_match(f.q, dialect, dense))
    return out


def verdict_filter(f: Filters) -> list[ColumnElement[bool]]:
    if not f.verdict:
        return []
    member, story = aliased(StoryClaimRow), aliased(StoryRow)
    return [exists().where(member.claim_id == ClaimRow.id, story.id == member.story_id, story.verdict == f.verdict)]


def claim_and_event_filters(f: Filters, dialect: str, scope: PlaceScope | None, dense: bool = False
                            ) -> list[ColumnElement[bool]]:
    """Everything a claim must pass: its own filters, its story's verdict, its dates, and one event passing the
    event filters (when any is set)."""
    out = claim_filters(f, dialect, dense) + verdict_filter(f)
    if f.dates == "published":
        out += published_between(ClaimRow.published_at, ClaimRow.published_at, f)
    event = aliased(EventRow)
    on_event = event_filters(located_events(event), f, scope)
    if on_event:
        out.append(exists().where(event.claim_id == ClaimRow.id, *on_event))
    return out


def words(query: str) -> list[str]:
    """The words full-text search looks for (punctuation and search syntax dropped)."""
    return _WORD.findall(query)[:MAX_WORDS]


def text_match(query: str, dialect: str, dense: bool = False) -> ColumnElement[bool]:
    """Claims whose content holds every word of ``query`` (none when it has no words).

    On SQLite the matches are the full-text index's rowids. ``dense`` (many matches: :func:`dense_text`) compares
    the claim id as an expression no index serves, so that a page walks the claims in list order and keeps the
    matching ones (stopping after a page of them) instead of fetching and sorting every match."""
    found = words(query)
    if not found:
        return false()
    if dialect == "postgresql":
        simple: Any = literal_column("'simple'")
        vector = func.to_tsvector(simple, ClaimRow.stored_content_text)
        return vector.op("@@")(func.plainto_tsquery(simple, " ".join(found)))
    if dialect == "sqlite":
        expression = fts_expression(found)
        ids = text("SELECT rowid FROM claims_fts WHERE claims_fts MATCH :fts_query").bindparams(
            fts_query=expression).columns(ClaimRow.id)
        return (ClaimRow.id + 0).in_(ids) if dense else ClaimRow.id.in_(ids)
    return and_(*(ClaimRow.content_text.contains(w, autoescape=True) for w in found))


def fts_expression(found: list[str]) -> str:
    """The FTS5 query of ``found`` words: every one must occur (each quoted: a keyword such as NOT is a word)."""
    return " AND ".join(f'"{w}"' for w in found)


#: a search with at least this many matches pages by walking the claims in order (see :func:`text_match`)
DENSE_MATCHES = 2000


def dense_text(session: Session, f: Filters, dialect: str) -> bool:
    """Whether ``f.q`` matches at least :data:`DENSE_MATCHES` claims (SQLite; counted no further than that)."""
    found = words(f.q or "")
    if dialect != "sqlite" or not found:
        return False
    expression = fts_expression(found)
    counted = text("SELECT count(*) FROM (SELECT rowid FROM claims_fts WHERE claims_fts MATCH :fts_query "
                   "LIMIT :most)").bindparams(fts_query=expression, most=DENSE_MATCHES)
    return (session.scalar(counted) or 0) >= DENSE_MATCHES


def claims_from() -> Any:
    """``claims`` joined to its article and (outer) its outlet: the FROM clause claim filters expect."""
    return (ClaimRow.__table__.join(ArticleRow.__table__, ArticleRow.id == ClaimRow.article_id)
            .outerjoin(OutletRow.__table__, OutletRow.id == ArticleRow.outlet_id))


def claims_source(f: Filters) -> Any:
    """The FROM clause ``f``'s claim filters need: ``claims`` alone unless a filter reads the article or outlet
    (so that a page walks the claims' own ``(published_at, id)`` index)."""
    return claims_from() if f.outlet or f.language else ClaimRow.__table__


def side_of(unit: Any) -> Any:
    """The party of a story member's independent unit (``side:russia`` -> ``russia``), else NULL."""
    from sqlalchemy import case

    return case((unit.like("side:%"), func.substr(unit, 6)), else_=None)

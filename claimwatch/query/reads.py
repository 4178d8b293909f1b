"""The workbench's lists and records: claims, stories, one story, one article, places.

Reads the store through :mod:`.sql`'s predicates; writes the published shapes of :mod:`claimwatch.records`
(a claim is exactly its ``claim_dict`` with its database ``id`` and its ``index`` in the article added first).
Lists are newest first and paged by keyset (:func:`page_rows`): a page ends with the opaque cursor of its last
row's sort key, ``(publication time, claim id)`` for claims and ``(first seen, story id)`` for stories, and the
next page is the rows after that key (no OFFSET, so a page costs the same however deep it is, and rows stored
meanwhile never shift a page). Rows without a publication time come last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, literal, select, tuple_
from sqlalchemy.orm import Session

from ..model import Article, Claim, PlaceMention
from ..records import article_dict, claim_dict, languages_list, place_dict, span_dict, story_dict
from ..store.links import claim_stories, story_record, story_reviews
from ..store.rows import CLAIM_COLUMNS, article_of, claim_of, place_of
from ..store.schema import ArticleRow, ClaimRow, OutletRow, PlaceMentionRow, StoryClaimRow, StoryRow
from .filters import DEFAULT_LIMIT, MAX_LIMIT, FilterError, Filters, decode_cursor, encode_cursor
from .sql import (
    PLACES,
    STORIES,
    PlaceScope,
    claim_and_event_filters,
    claim_filters,
    claims_from,
    claims_source,
    dense_text,
    event_filters,
    has_claim_filters,
    place_filters,
    place_scope,
    published_between,
)

if TYPE_CHECKING:
    from ..outlets import OutletRegistry
    from ..store import Store


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its records, and the cursor of the next page (None: this is the last)."""

    items: list[dict[str, Any]]
    next: str | None


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> int:
    if not 1 <= limit <= maximum:
        raise FilterError("limit", f"{limit} is outside 1..{maximum}")
    return limit


# ---------------------------------------------------------------------------------------------- keyset


@dataclass(frozen=True, slots=True)
class Keyset:
    """How a list is ordered: by ``time`` (newest first), then ``key`` (descending); rows without a time last."""

    kind: str  #: the name a cursor of this list carries
    time: Any
    key: Any
    key_type: type = int


def page_keys(session: Session, query: Any, order: Keyset, cursor: str | None, limit: int
              ) -> tuple[list[tuple[Any, Any]], bool]:
    """The ``(key, time)`` of at most ``limit`` rows of ``query`` after ``cursor`` in ``order``, and whether more
    follow; the caller then loads those rows by key.

    Dated rows and undated ones are two range queries (the row value ``(time, key) < (t, k)``, then
    ``time IS NULL AND key < k``) that select only the sort key, so the database walks its index in order and
    leaves after ``limit`` rows: the position in the list never costs a scan of what came before it, and the
    planner is not tempted to sort every row to fetch wide ones.
    """
    value, last = decode_cursor(cursor, order.kind, order.key_type) if cursor else (None, None)
    keys = query.with_only_columns(order.key, order.time)
    rows: list[tuple[Any, Any]] = []
    if cursor is None or value is not None:
        dated = keys.where(order.time.is_not(None))
        if value is not None:
            moment = _instant(value)
            after = tuple_(literal(moment, order.time.type), literal(last, order.key.type))
            dated = dated.where(tuple_(order.time, order.key) < after)
        rows = [tuple(r) for r in session.execute(dated.order_by(order.time.desc(), order.key.desc())
                                                  .limit(limit + 1))]
    if len(rows) <= limit:
        undated = keys.where(order.time.is_(None))
        if last is not None and value is None:
            undated = undated.where(order.key < last)
        rows += [tuple(r) for r in session.execute(undated.order_by(order.key.desc()).limit(limit + 1 - len(rows)))]
    return rows[:limit], len(rows) > limit


def in_order(rows: Any, keys: list[tuple[Any, Any]], key: Callable[[Any], Any]) -> list[Any]:
    """``rows`` (loaded by key) in the order of ``keys``."""
    by_key = {key(r): r for r in rows}
    return [by_key[k] for k, _ in keys if k in by_key]


def cursor_of(kind: str, time: datetime | None, key: int | str) -> str:
    return encode_cursor(kind, time.isoformat() if time is not None else None, key)


def _instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise FilterError("cursor", "not a cursor of this list") from None


CLAIMS = Keyset("claims", ClaimRow.published_at, ClaimRow.id)
STORIES_ORDER = Keyset("stories", StoryRow.first_seen, StoryRow.id, str)


# ---------------------------------------------------------------------------------------------- claims


def claim_columns() -> tuple[Any, ...]:
    """What a claim record is built from (never the article's text or raw bytes)."""
    return (ClaimRow.id, ClaimRow.idx, ClaimRow.article_id, *(getattr(ClaimRow, c) for c in CLAIM_COLUMNS),
            ClaimRow.pipeline_version,
            ArticleRow.title, ArticleRow.url, ArticleRow.published_at, ArticleRow.language,
            OutletRow.name.label("outlet"))


def claim_record(row: Any, stories: dict[int, tuple[str, str | None]]) -> dict[str, Any]:
    """``{"id", "index", **claim_dict}`` of a row selected with :func:`claim_columns`."""
    claim = claim_of(row)
    claim.story, claim.verdict = stories.get(row.id, (None, None))
    article = Article(text="", title=row.title, url=row.url, outlet=row.outlet, published=row.published_at,
                      language=row.language, id=row.article_id)
    return {"id": row.id, "index": row.idx, **claim_dict(claim, article, row.pipeline_version)}


def claims(store: Store, filters: Filters | None = None, cursor: str | None = None,
           limit: int = DEFAULT_LIMIT) -> Page:
    """Stored claims passing ``filters``, newest first, one page of at most ``limit`` after ``cursor``."""
    f = filters or Filters()
    check_limit(limit)
    dialect = store.engine.dialect.name
    with Session(store.engine) as session:
        dense = dense_text(session, f, dialect) if f.q else False
        query = (select(ClaimRow.id).select_from(claims_source(f))
                 .where(*claim_and_event_filters(f, dialect, place_scope(session, f), dense)))
        keys, more = page_keys(session, query, CLAIMS, cursor, limit)
        ids = [k for k, _ in keys]
        rows = session.execute(select(*claim_columns()).select_from(claims_from()).where(ClaimRow.id.in_(ids)))
        stories = claim_stories(session, ids)
        items = [claim_record(r, stories) for r in in_order(rows, keys, lambda r: r.id)]
    return Page(items, cursor_of(CLAIMS.kind, keys[-1][1], keys[-1][0]) if more else None)


def claim(store: Store, claim_id: int) -> dict[str, Any] | None:
    """One claim record by database id (None when there is none)."""
    with Session(store.engine) as session:
        row = session.execute(select(*claim_columns()).select_from(claims_from())
                              .where(ClaimRow.id == claim_id)).first()
        return None if row is None else claim_record(row, claim_stories(session, [claim_id]))


# --------------------------------------------------------------------------------------------- stories


def story_filters(f: Filters, dialect: str, scope: PlaceScope | None) -> list[ColumnElement[bool]]:
    """A story's own event, place, dates and verdict; claim filters through its members (one must pass)."""
    out = event_filters(STORIES, f, scope)
    if f.verdict:
        out.append(StoryRow.verdict == f.verdict)
    if f.dates == "published":
        out += published_between(StoryRow.first_seen, StoryRow.last_seen, f)
    if has_claim_filters(f):
        members = (select(StoryClaimRow.story_id)
                   .select_from(StoryClaimRow.__table__.join(claims_from(), ClaimRow.id == StoryClaimRow.claim_id))
                   .where(*claim_filters(f, dialect)))
        out.append(StoryRow.id.in_(members))
    return out


def stories(store: Store, filters: Filters | None = None, cursor: str | None = None,
            limit: int = DEFAULT_LIMIT, outlets: OutletRegistry | None = None) -> Page:
    """Stories passing ``filters`` (``story_dict`` records), newest first seen first."""
    from ..link import outlet_lookup

    f = filters or Filters()
    check_limit(limit)
    with Session(store.engine) as session:
        query = select(StoryRow.id).where(*story_filters(f, store.engine.dialect.name, place_scope(session, f)))
        keys, more = page_keys(session, query, STORIES_ORDER, cursor, limit)
        rows = session.scalars(select(StoryRow).where(StoryRow.id.in_([k for k, _ in keys])))
        look = outlet_lookup(outlets)
        items = [story_dict(story_record(session, row, look)) for row in in_order(rows, keys, lambda r: r.id)]
    return Page(items, cursor_of(STORIES_ORDER.kind, keys[-1][1], keys[-1][0]) if more else None)


def story(store: Store, story_id: str, outlets: OutletRegistry | None = None) -> dict[str, Any] | None:
    """One story (``story_dict``) with ``claim_ids`` (its members' database ids, in order) and its analysts'
    reviews; None when there is no such story."""
    from ..link import outlet_lookup

    with Session(store.engine) as session:
        row = session.get(StoryRow, story_id)
        if row is None:
            return None
        record = story_dict(story_record(session, row, outlet_lookup(outlets)))
        members = select(ClaimRow.article_id, ClaimRow.idx, ClaimRow.id).join(
            StoryClaimRow, StoryClaimRow.claim_id == ClaimRow.id).where(StoryClaimRow.story_id == story_id)
        ids = {(a, i): c for a, i, c in session.execute(members)}
        record["claim_ids"] = [ids.get((m["article"], m["claim"])) for m in record["claims"]]
        record["reviews"] = [review_dict(r) for r in story_reviews(session, story_id)]
    return record


def review_dict(review: Any) -> dict[str, Any]:
    """An analyst's correction: what, to which value, who, when (ISO 8601), why."""
    return {"id": review.id, "field": review.field, "value": review.value, "who": review.who,
            "at": review.at.isoformat() if review.at else None, "why": review.why}


# --------------------------------------------------------------------------------------------- article


def article(store: Store, article_id: int) -> dict[str, Any] | None:
    """One article: its text and metadata, its claims (records with ids), its place mentions, the spans to
    highlight in its text, and the analysts' reviews of its claims; None when there is no such article."""
    with Session(store.engine) as session:
        row = session.get(ArticleRow, article_id)
        if row is None:
            return None
        stored = article_of(row)
        rows = session.execute(select(*claim_columns()).select_from(claims_from())
                               .where(ClaimRow.article_id == article_id).order_by(ClaimRow.idx)).all()
        in_stories = claim_stories(session, [r.id for r in rows])
        records = [claim_record(r, in_stories) for r in rows]
        mentions = [place_of(p) for p in session.scalars(
            select(PlaceMentionRow).where(PlaceMentionRow.article_id == article_id).order_by(PlaceMentionRow.idx))]
    claims_ = [claim_of(r) for r in rows]
    return {
        "article": {**article_dict(stored), "origin": stored.origin, "published_raw": stored.published_raw,
                    "text": stored.text, "languages": languages_list(stored)},
        "claims": records,
        "places": [place_dict(m) for m in mentions],
        "highlights": highlights(claims_, mentions),
        "reviews": [{**review_dict(r), "claim_key": r.claim_key} for r in store.reviews(article_id)],
    }


def highlights(claims_: list[Claim], places: list[PlaceMention]) -> list[dict[str, Any]]:
    """Every span worth marking in the article text, in text order: ``{"kind", "start", "end", "claim"}`` where
    kind is content, source, cue, evidence (of the status), trigger (of an event) or place; ``claim`` is the
    claim's index in the article (None for places)."""
    out: list[dict[str, Any]] = []

    def mark(kind: str, span: Any, claim: int | None) -> None:
        if span is not None:
            out.append({"kind": kind, **span_dict(span), "claim": claim})

    for i, claim in enumerate(claims_):
        for part in claim.parts:
            mark("content", part, i)
        mark("source", claim.source.span if claim.source else None, i)
        mark("cue", claim.cue, i)
        for span in claim.status_evidence:
            mark("evidence", span, i)
        for event in claim.events:
            mark("trigger", event.trigger, i)
    for mention in places:
        mark("place", mention.span, None)
    return sorted(out, key=lambda h: (h["start"], -h["end"], h["kind"]))


# ---------------------------------------------------------------------------------------------- places


def place_record(row: Any) -> dict[str, Any]:
    """A place with how often the filtered articles mention it: the place keys of ``place_dict`` (no span)."""
    feature_class, _, feature_code = (row.feature or "").partition(".")
    return {"geonameid": row.geonameid, "name": row.name,
            "feature": {"class": feature_class or None, "code": feature_code or None},
            "admin1": row.admin1, "country": row.country, "lat": row.lat, "lon": row.lon,
            "precision": row.precision, "mentions": row.mentions, "articles": row.articles}


def places(store: Store, filters: Filters | None = None, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """Resolved places mentioned in the articles that pass ``filters`` (with a claim passing the claim and
    event filters, when any is set), most mentioned first."""
    f = filters or Filters()
    check_limit(limit)
    pm = PlaceMentionRow
    with Session(store.engine) as session:
        scope = place_scope(session, f)
        query = (select(pm.geonameid, pm.name, pm.feature, pm.admin1, pm.country, pm.lat, pm.lon, pm.precision,
                        func.count(pm.id).label("mentions"), func.count(pm.article_id.distinct()).label("articles"))
                 .join(ArticleRow, ArticleRow.id == pm.article_id)
                 .where(pm.geonameid.is_not(None), *place_filters(PLACES, f, scope)))
        if f.dates == "published":
            query = query.where(*published_between(ArticleRow.published_at, ArticleRow.published_at, f))
        if _narrows_claims(f):
            matching = (select(ClaimRow.article_id).select_from(claims_from())
                        .where(*claim_and_event_filters(f, store.engine.dialect.name, scope)))
            query = query.where(pm.article_id.in_(matching))
        query = (query.group_by(pm.geonameid, pm.name, pm.feature, pm.admin1, pm.country, pm.lat, pm.lon,
                                pm.precision)
                 .order_by(func.count(pm.id).desc(), pm.geonameid).limit(limit))
        return [place_record(r) for r in session.execute(query)]


def _narrows_claims(f: Filters) -> bool:
    """Whether ``f`` says something of claims or events, beyond the place and the publication date."""
    return has_claim_filters(f) or any((f.verdict, f.event_type, f.sub_type)) or (
        f.dates == "event" and (f.since is not None or f.until is not None))

"""The store's side of linking: signatures and copies, claims not yet in a story, stories and their members.

Reads and writes the ``articles.copy_of``/``minhash`` columns, ``article_bands``, ``stories`` and
``story_claims`` (migration 0002). Knows rows, not linking rules: :mod:`claimwatch.link` decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Executable, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ..model import Claim, Outlet, Place, Span, StoryClaim, StoryRecord
from .rows import CLAIM_COLUMNS, claim_of, outlet_values, telegram_of
from .schema import ArticleBandRow, ArticleRow, ClaimRow, OutletRow, StoryClaimRow, StoryReviewRow, StoryRow

#: most ids in one ``IN (...)`` list
_CHUNK = 500


@dataclass(slots=True)
class ArticleInfo:
    id: int
    content_hash: str
    published: datetime | None
    url: str | None
    outlet: str | None  #: the stored outlet name
    copy_of: int | None
    forwarded_from: str | None = None  #: a forwarded Telegram post: the channel (or person) it comes from


@dataclass(slots=True)
class StoredMember:
    claim_id: int
    index: int  #: the claim's position in its article
    claim: Claim
    article: ArticleInfo


#: the columns of an :class:`ArticleInfo` (with ``outlets`` outer-joined), read back by :func:`_info_of`; of
#: ``articles.meta`` only the one field (it may hold an edited article's earlier texts)
_INFO_COLUMNS = (ArticleRow.id.label("article_id"), ArticleRow.content_hash, ArticleRow.published_at, ArticleRow.url,
                 OutletRow.name.label("outlet_name"), ArticleRow.copy_of,
                 ArticleRow.meta[("telegram", "forwarded_from")].as_string().label("forwarded_from"))


def _info_of(row: Any) -> ArticleInfo:
    """The :class:`ArticleInfo` of a result row holding :data:`_INFO_COLUMNS` (the same as :func:`_info`)."""
    return ArticleInfo(row.article_id, row.content_hash, row.published_at, row.url, row.outlet_name, row.copy_of,
                       row.forwarded_from)


def _info(row: ArticleRow) -> ArticleInfo:
    post = telegram_of(row)
    return ArticleInfo(row.id, row.content_hash, row.published_at, row.url,
                       row.outlet.name if row.outlet else None, row.copy_of, post.forwarded_from if post else None)


# ---------------------------------------------------------------------------------------------- copies


def unsigned_articles(session: Session, limit: int = 500) -> list[tuple[ArticleInfo, str]]:
    """Articles without a MinHash yet, oldest publication first: (info, text)."""
    rows = session.scalars(select(ArticleRow).where(ArticleRow.minhash.is_(None))
                           .order_by(ArticleRow.published_at.is_(None), ArticleRow.published_at, ArticleRow.id)
                           .limit(limit))
    return [(_info(r), r.text) for r in rows]


def save_signature(session: Session, article_id: int, minhash: bytes, bands: Sequence[int]) -> None:
    session.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(minhash=minhash))
    session.execute(delete(ArticleBandRow).where(ArticleBandRow.article_id == article_id))
    if bands:
        session.execute(insert(ArticleBandRow), [{"article_id": article_id, "band": b, "key": k}
                                                 for b, k in enumerate(bands)])


def band_neighbours(session: Session, article_id: int, bands: Sequence[int]) -> list[tuple[ArticleInfo, bytes]]:
    """Other signed articles sharing at least one LSH band key with ``bands``."""
    if not bands:
        return []
    values = {"article_id": article_id, **{f"key{band}": key for band, key in enumerate(bands)}}
    return [(_info_of(row), row.minhash) for row in session.execute(_band_query(len(bands)), values)]


@cache
def _band_query(bands: int) -> Executable:
    """The query of :func:`band_neighbours` for ``bands`` bands, built once (building it took most of the time).
    One index lookup per band: a row-value ``(band, key) IN (...)`` would scan the whole table on SQLite."""
    shared = or_(*(and_(ArticleBandRow.band == band, ArticleBandRow.key == bindparam(f"key{band}"))
                   for band in range(bands)))
    ids = select(ArticleBandRow.article_id).where(shared, ArticleBandRow.article_id != bindparam("article_id"))
    return (select(*_INFO_COLUMNS, ArticleRow.minhash).outerjoin(OutletRow, OutletRow.id == ArticleRow.outlet_id)
            .where(ArticleRow.id.in_(ids), ArticleRow.minhash.is_not(None)))


def set_copy(session: Session, article_id: int, original: int | None, similarity: float | None) -> None:
    session.execute(update(ArticleRow).where(ArticleRow.id == article_id)
                    .values(copy_of=original, copy_similarity=similarity))


# ---------------------------------------------------------------------------------------------- claims


def unlinked_claims(session: Session, limit: int = 2000) -> list[StoredMember]:
    """Claims in no story yet, in arrival order (publication time, article, position)."""
    query = (select(ClaimRow, ArticleRow).join(ArticleRow, ArticleRow.id == ClaimRow.article_id)
             .where(ClaimRow.linked.is_(None))
             .order_by(ArticleRow.published_at.is_(None), ArticleRow.published_at, ArticleRow.id, ClaimRow.idx)
             .limit(limit))
    return [StoredMember(c.id, c.idx, claim_of(c), _info(a)) for c, a in session.execute(query)]


def mark_linked(session: Session, claim_ids: Sequence[int], linked: bool) -> None:
    if claim_ids:
        session.execute(update(ClaimRow).where(ClaimRow.id.in_(list(claim_ids))).values(linked=linked))


def articles_by_id(session: Session, ids: Sequence[int]) -> dict[int, ArticleInfo]:
    if not ids:
        return {}
    return {r.id: _info(r) for r in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(list(ids))))}


def members_of(session: Session, story_ids: Sequence[str]) -> dict[str, list[tuple[StoredMember, float]]]:
    """The stored members of ``story_ids`` with the score each joined with, in arrival order. Only the columns
    linking reads: members of every story a batch can reach are loaded, and whole article rows (their text)
    made up most of the time."""
    out: dict[str, list[tuple[StoredMember, float]]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    query = (select(StoryClaimRow.story_id, StoryClaimRow.score, ClaimRow.id.label("claim_id"), ClaimRow.idx,
                    *(getattr(ClaimRow, c) for c in CLAIM_COLUMNS), *_INFO_COLUMNS)
             .join(ClaimRow, ClaimRow.id == StoryClaimRow.claim_id)
             .join(ArticleRow, ArticleRow.id == StoryClaimRow.article_id)
             .outerjoin(OutletRow, OutletRow.id == ArticleRow.outlet_id)
             .where(StoryClaimRow.story_id.in_(list(story_ids)))
             .order_by(ArticleRow.published_at.is_(None), ArticleRow.published_at, ArticleRow.id, ClaimRow.idx))
    for row in session.execute(query):
        member = StoredMember(row.claim_id, row.idx, claim_of(row), _info_of(row))
        out[row.story_id].append((member, row.score))
    return out


# --------------------------------------------------------------------------------------------- stories


def stories_between(session: Session, families: Sequence[str], start: str | None, end: str | None) -> list[StoryRow]:
    """Stories of ``families`` whose dates meet ``[start, end]`` (ISO days), plus undated ones."""
    query = select(StoryRow).where(StoryRow.family.in_(list(families)))
    if start is not None and end is not None:
        query = query.where((StoryRow.date_start.is_(None)) | ((StoryRow.date_start <= end) &
                                                              (StoryRow.date_end >= start)))
    return list(session.scalars(query))


def story_ids_between(session: Session, families: Sequence[str], start: str | None, end: str | None
                      ) -> list[tuple[str, int]]:
    """The ids of :func:`stories_between` with each story's claim count, in the same order (the same query, on
    the same index)."""
    query = select(StoryRow.id, StoryRow.claims).where(StoryRow.family.in_(list(families)))
    if start is not None and end is not None:
        query = query.where((StoryRow.date_start.is_(None)) | ((StoryRow.date_start <= end) &
                                                              (StoryRow.date_end >= start)))
    return [(story_id, claims) for story_id, claims in session.execute(query)]


def stories_by_id(session: Session, ids: Sequence[str]) -> dict[str, StoryRow]:
    out: dict[str, StoryRow] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(StoryRow).where(StoryRow.id.in_(list(ids[start:start + _CHUNK])))
        out.update((r.id, r) for r in session.scalars(query))
    return out


def save_stories(session: Session, stories: Sequence[dict[str, Any]]) -> None:
    """Write story rows (``stories`` values): the stored ones updated, the others added; one query finds the
    stored ones (a lookup per story cost a round trip each)."""
    stored = stories_by_id(session, [values["id"] for values in stories])
    for values in stories:
        row = stored.get(values["id"])
        if row is None:
            session.add(StoryRow(**values))
            continue
        for name, value in values.items():
            setattr(row, name, value)


def save_story(session: Session, values: dict[str, Any]) -> None:
    """Write one story row (see :func:`save_stories`, which writes many with one lookup)."""
    save_stories(session, [values])


def save_member(session: Session, values: dict[str, Any]) -> None:
    """Write one story member (see :func:`save_members`, which writes many with one lookup)."""
    save_members(session, [values])


def save_members(session: Session, members: Sequence[dict[str, Any]]) -> None:
    """Write story members (``story_claims`` values): the stored ones updated, the others added. One query finds
    the stored ones (a lookup per member cost a round trip each: 2 s of an incremental link at 100,000 claims)."""
    ids = [values["claim_id"] for values in members]
    stored: dict[int, StoryClaimRow] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(StoryClaimRow).where(StoryClaimRow.claim_id.in_(ids[start:start + _CHUNK]))
        stored.update((row.claim_id, row) for row in session.scalars(query))
    for values in members:
        row = stored.get(values["claim_id"])
        if row is None:
            session.add(StoryClaimRow(**values))
            continue
        for name, value in values.items():
            setattr(row, name, value)


def move_members(session: Session, story_id: str, into: str) -> None:
    """Every member of story ``story_id`` becomes a member of story ``into``."""
    session.execute(update(StoryClaimRow).where(StoryClaimRow.story_id == story_id).values(story_id=into))


def forget_links(session: Session) -> None:
    """Drop every story, copy mark and signature (``claimwatch link --rebuild`` starts over)."""
    session.execute(delete(StoryClaimRow))
    session.execute(delete(StoryRow))
    session.execute(update(ClaimRow).values(linked=None))
    session.execute(delete(ArticleBandRow))
    session.execute(update(ArticleRow).values(copy_of=None, copy_similarity=None, minhash=None))


def attach_outlet(session: Session, article_id: int, outlet: Outlet) -> None:
    """Point the article at the stored row of registry ``outlet`` (made or updated from the registry)."""
    values = outlet_values(outlet)
    row = session.scalars(select(OutletRow).where(OutletRow.key == outlet.key)).one_or_none()
    if row is None:
        row = session.scalars(select(OutletRow).where(OutletRow.name == outlet.name)).one_or_none()
    if row is None:
        row = OutletRow(**values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    session.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(outlet_id=row.id))


def iter_stories(session: Session, *, verdict: str | None = None, family: str | None = None,
                 limit: int | None = None, min_claims: int = 1) -> Iterator[StoryRow]:
    query = select(StoryRow).order_by(StoryRow.first_seen.is_(None), StoryRow.first_seen, StoryRow.id)
    if min_claims > 1:
        query = query.where(StoryRow.claims >= min_claims)
    if verdict:
        query = query.where(StoryRow.verdict == verdict)
    if family:
        query = query.where(StoryRow.family == family)
    if limit is not None:
        query = query.limit(limit)
    yield from session.scalars(query)


def story_record(session: Session, row: StoryRow, outlet_of: Any = None) -> StoryRecord:
    """The :class:`StoryRecord` of ``row`` with its claims; ``outlet_of(url, name)`` gives (outlet name,
    affiliation) from the outlets registry when given."""
    query = (select(StoryClaimRow, ClaimRow, ArticleRow)
             .join(ClaimRow, ClaimRow.id == StoryClaimRow.claim_id)
             .join(ArticleRow, ArticleRow.id == StoryClaimRow.article_id)
             .where(StoryClaimRow.story_id == row.id)
             .order_by(ArticleRow.published_at.is_(None), ArticleRow.published_at, ArticleRow.id, ClaimRow.idx))
    claims = []
    for sc, c, a in session.execute(query):
        outlet = a.outlet.name if a.outlet else None
        affiliation = a.outlet.affiliation if a.outlet else None
        if outlet_of is not None:
            outlet, affiliation = outlet_of(a.url, outlet) or (outlet, affiliation)
        claims.append(StoryClaim(a.id, c.idx, sc.stance, sc.unit, Span(c.content_start, c.content_end, c.content_text),
                                 c.status,
                                 c.entity_text or c.source_text, outlet, affiliation, a.published_at, a.copy_of))
    place = None
    if row.place_name is not None:
        place = Place(row.geonameid, row.place_name, None, None, row.country, row.admin1, row.lat, row.lon)
    data = row.data or {}
    return StoryRecord(row.id, row.family, row.event_type, row.sub_type, place, row.precision, row.date_start,
                       row.date_end, row.verdict or "", str(data.get("why", "")), row.independent, claims,
                       [(h["date"], h["verdict"]) for h in data.get("history", [])], row.first_seen, row.last_seen)


def story_of_claim(session: Session, article_id: int, claim_index: int) -> StoryRow | None:
    query = (select(StoryRow).join(StoryClaimRow, StoryClaimRow.story_id == StoryRow.id)
             .join(ClaimRow, ClaimRow.id == StoryClaimRow.claim_id)
             .where(ClaimRow.article_id == article_id, ClaimRow.idx == claim_index))
    return session.scalars(query).first()


def story_votes(session: Session) -> dict[int, list[tuple[str, str]]]:
    """For every article, the (story id, family) of each of its linked claims, in text order."""
    out: dict[int, list[tuple[str, str]]] = {}
    query = (select(StoryClaimRow.article_id, StoryClaimRow.story_id, StoryRow.family)
             .join(StoryRow, StoryRow.id == StoryClaimRow.story_id)
             .join(ClaimRow, ClaimRow.id == StoryClaimRow.claim_id).order_by(ClaimRow.article_id, ClaimRow.idx))
    for article_id, story_id, family in session.execute(query):
        out.setdefault(article_id, []).append((story_id, family))
    return out


def claim_stories(session: Session, claim_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Story id and verdict of each of ``claim_ids`` that is in a story."""
    if not claim_ids:
        return {}
    query = (select(StoryClaimRow.claim_id, StoryRow.id, StoryRow.verdict)
             .join(StoryRow, StoryRow.id == StoryClaimRow.story_id)
             .where(StoryClaimRow.claim_id.in_(list(claim_ids))))
    return {claim_id: (story_id, verdict) for claim_id, story_id, verdict in session.execute(query)}


def add_story_review(session: Session, story_id: str, field: str, value: Any, who: str, why: str | None) -> int:
    row = StoryReviewRow(story_id=story_id, field=field, value=value, who=who, why=why)
    session.add(row)
    session.flush()
    return row.id


def story_reviews(session: Session, story_id: str | None = None) -> list[StoryReviewRow]:
    """Reviews of ``story_id`` (every story's when None), oldest first."""
    query = select(StoryReviewRow).order_by(StoryReviewRow.id)
    if story_id is not None:
        query = query.where(StoryReviewRow.story_id == story_id)
    return list(session.scalars(query))


def verdict_overrides(session: Session, story_ids: Sequence[str]) -> dict[str, StoryReviewRow]:
    """:func:`verdict_override` of each of ``story_ids`` that has one, in one query per 500 stories."""
    latest: dict[str, StoryReviewRow] = {}
    for start in range(0, len(story_ids), _CHUNK):
        query = (select(StoryReviewRow).where(StoryReviewRow.story_id.in_(list(story_ids[start:start + _CHUNK])),
                                              StoryReviewRow.field == "verdict").order_by(StoryReviewRow.id))
        latest.update((r.story_id, r) for r in session.scalars(query))  # the last one of each story stays
    return {sid: r for sid, r in latest.items() if r.value is not None}


def verdict_override(session: Session, story_id: str) -> StoryReviewRow | None:
    """The latest analyst's verdict for ``story_id`` (None: never set, or cleared by a null verdict)."""
    latest = session.scalars(select(StoryReviewRow).where(StoryReviewRow.story_id == story_id,
                                                          StoryReviewRow.field == "verdict")
                             .order_by(StoryReviewRow.id.desc()).limit(1)).first()
    return latest if latest is not None and latest.value is not None else None


def with_override(values: dict[str, Any], review: StoryReviewRow | None) -> dict[str, Any]:
    """A story row's ``values`` (verdict and data as linking computed them) with an analyst's verdict in place
    of the computed one; ``data["computed"]`` keeps linking's verdict and reason, ``data["override"]`` the
    analyst's. Without a review: the computed values as they are."""
    data = dict(values.get("data") or {})
    computed = data.pop("computed", None) or {"verdict": values.get("verdict"), "why": data.get("why")}
    data.pop("override", None)
    if review is None:
        return {**values, "verdict": computed["verdict"], "data": {**data, "why": computed["why"]}}
    at = review.at.isoformat() if review.at else None
    data.update(computed=computed, override={"verdict": review.value, "who": review.who, "at": at, "why": review.why},
                why=f"set by {review.who}: {review.why or 'no reason given'}")
    return {**values, "verdict": review.value, "data": data}

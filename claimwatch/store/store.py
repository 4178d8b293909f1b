"""The :class:`Store`: extractions in, extractions out, over any SQLAlchemy URL.

Opening a store applies pending migrations, atomically (see :mod:`.migrate`). SQLite files run in WAL mode with
foreign keys on; SQLAlchemy, not the sqlite3 driver, begins every transaction (the driver's legacy mode would
commit each DDL statement on its own, so a crash mid-migration left a half-made schema), and writes begin with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout instead of failing. Each article is
saved in one transaction: a failure rolls back that article only. Saving is idempotent by content hash, also
across processes (an article another writer stored first is ``unchanged``); a different pipeline version
replaces the machine output of an article and reapplies analysts' reviews. An article that its URL identifies (a
Telegram post: :attr:`Article.identified_by_url`) and whose text changed (an edit) is found by that URL and
updated in place, its earlier text kept in ``meta.versions``; an older text than the stored one never replaces it.

A database that cannot be used at all (read-only, damaged, not a database, disk full) raises
:class:`StoreUnavailable` with what is wrong and what to do; per-article problems stay per-article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Self

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..about import supersedes
from ..model import Article, Claim, Extraction, ItemError, Outlet, Review
from ..text.safe import printable
from . import migrate, reviews
from .days import refresh_days
from .engine import make_engine, writer
from .links import claim_stories
from .rows import (
    article_of,
    article_values,
    claim_of,
    claim_values,
    event_rows,
    event_values,
    outlet_of,
    outlet_values,
    place_of,
    place_values,
    review_of,
    telegram_of,
    with_versions,
)
from .schema import (
    ArticleBandRow,
    ArticleRow,
    ClaimRow,
    EventRow,
    IngestErrorRow,
    OutletRow,
    PlaceMentionRow,
    ReviewRow,
    utcnow,
)

log = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: int
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim as stored, with where it lives."""

    id: int
    article_id: int
    index: int
    claim: Claim
    title: str | None
    outlet: str | None
    published: datetime | None
    pipeline_version: str




class Store:
    """Persistent extractions. ``Store("sqlite:///cw.db")``; migrations are applied on open."""

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._writer = writer(self.engine)
        try:
            if migrate_schema:
                migrate.upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def check_writable(self) -> None:
        """Raise :class:`StoreUnavailable` now, before any work, when the database cannot be written."""
        if self.engine.dialect.name != "sqlite":
            return
        with self._writer.connect() as connection:
            version = connection.exec_driver_sql("PRAGMA user_version").scalar()
            connection.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
            connection.rollback()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------------

    def save(self, extraction: Extraction, *, replace: bool = False) -> int:
        """Store ``extraction``; returns the article id (also set on ``extraction.article.id``)."""
        return self.upsert(extraction, replace=replace).article_id

    def upsert(self, extraction: Extraction, *, replace: bool = False) -> SaveResult:
        """Store ``extraction`` in one transaction and say whether it was new, updated or already there.

        An article already stored with the same pipeline version is left as it is (``unchanged``) unless
        ``replace``; stored with another version, its machine output is replaced (``updated``) and reviews
        reapplied, except that output of a newer version is never replaced by an older one.
        """
        try:
            return self._upsert(extraction, replace)
        except IntegrityError:  # another writer stored the same article between our look and our insert
            log.info("%s was stored by another writer meanwhile; looking again", extraction.article.origin)
            return self._upsert(extraction, replace)

    def _upsert(self, extraction: Extraction, replace: bool) -> SaveResult:
        version = extraction.pipeline_version
        article = extraction.article
        with Session(self._writer) as session, session.begin():
            row = session.scalars(select(ArticleRow).where(
                ArticleRow.content_hash == article.content_hash)).one_or_none()
            edited = row is None and article.identified_by_url
            if edited:
                row = find_by_url(session, article)
                edited = row is not None
            if row is not None and not (self._is_newer(article, row) if edited else
                                        self._should_replace(row, version, replace)):
                article.id = row.id
                return SaveResult(row.id, "unchanged")
            outcome: Outcome = "new" if row is None else "updated"
            row = self._write_article(session, row, extraction, edited)
            self._write_output(session, row.id, extraction)
            refresh_days(session.connection())
            article.id = row.id
            return SaveResult(row.id, outcome)

    @staticmethod
    def _is_newer(article: Article, row: ArticleRow) -> bool:
        """Whether ``article``, another text of the item stored as ``row``, may replace it: not when the stored
        one was edited later (an older export read after a newer one)."""
        stored = telegram_of(row)
        if stored is None or stored.edited is None:
            return True
        edited = article.telegram.edited if article.telegram is not None else None
        return edited is not None and edited >= stored.edited

    @staticmethod
    def _should_replace(row: ArticleRow, version: str, replace: bool) -> bool:
        if replace:
            return True
        stored = row.pipeline_version or ""
        return supersedes(version, stored)

    def _write_article(self, session: Session, row: ArticleRow | None, extraction: Extraction,
                       edited: bool = False) -> ArticleRow:
        """Insert or update the article row; an ``edited`` row (new text) also loses its copy signature, so that
        linking signs it again."""
        values = article_values(extraction.article, extraction.pipeline_version)
        values["outlet_id"] = self._outlet_id(session, extraction.article.outlet)
        values["extracted_at"] = utcnow()
        if row is None:
            row = ArticleRow(**values)
            session.add(row)
        else:
            values["meta"] = with_versions(values["meta"], row, edited)
            if edited:
                values.update(minhash=None, copy_of=None, copy_similarity=None)
                session.execute(delete(ArticleBandRow).where(ArticleBandRow.article_id == row.id))
            for name, value in values.items():
                setattr(row, name, value)
            for table in (EventRow, ClaimRow, PlaceMentionRow):
                session.execute(delete(table).where(table.article_id == row.id))
        session.flush()
        return row

    @staticmethod
    def _outlet_id(session: Session, name: str | None) -> int | None:
        if not name:
            return None
        outlet = session.scalars(select(OutletRow).where(OutletRow.name == name)).one_or_none()
        if outlet is None:
            outlet = OutletRow(**outlet_values(Outlet(name)))
            session.add(outlet)
            session.flush()
        return outlet.id

    def _write_output(self, session: Session, article_id: int, extraction: Extraction) -> None:
        """Insert place mentions, claims and events with batched INSERTs (no per-row ORM objects)."""
        claims = self._reviewed(session, article_id, list(extraction.claims))
        version = extraction.pipeline_version
        places = [{"article_id": article_id, "idx": i, **place_values(m)} for i, m in enumerate(extraction.places)]
        if places:
            session.execute(insert(PlaceMentionRow), places)
        if not claims:
            return
        published = extraction.article.published
        text = extraction.article.text if _derives_content(session) else None
        values = [{"article_id": article_id, "idx": i, **claim_values(c, version, text), "published_at": published}
                  for i, c in enumerate(claims)]
        ids = session.scalars(insert(ClaimRow).returning(ClaimRow.id, sort_by_parameter_order=True), values).all()
        events = [{"claim_id": claim_id, "article_id": article_id, "idx": i, **event_values(e)}
                  for claim_id, claim in zip(ids, claims, strict=True) for i, e in enumerate(claim.events)]
        if events:
            session.execute(insert(EventRow), events)

    @staticmethod
    def _reviewed(session: Session, article_id: int, claims: list[Claim]) -> list[Claim]:
        """``claims`` with the article's reviews applied, oldest first (unmatched reviews are kept, unused)."""
        rows = session.scalars(select(ReviewRow).where(ReviewRow.article_id == article_id)
                               .order_by(ReviewRow.at, ReviewRow.id)).all()
        for review in rows:
            i = reviews.match(review.claim_key, claims)
            if i is None:
                log.info("review %s no longer matches a claim of article %s", review.id, article_id)
                continue
            try:
                claims[i] = reviews.apply(claims[i], review.field, review.value)
            except ValueError as exc:
                log.warning("review %s not applied: %s", review.id, exc)
        return claims

    def record_error(self, error: ItemError) -> int:
        """Store a per-item error (origin and message made printable: they may come from hostile input)."""
        with Session(self._writer) as session, session.begin():
            row = IngestErrorRow(origin=printable(error.origin), stage=printable(error.stage),
                                 message=printable(error.message))
            session.add(row)
            session.flush()
            return row.id

    def add_review(self, article_id: int, claim_index: int, field: str, value: Any, who: str,
                   why: str | None = None) -> int:
        """Record an analyst's correction of one field of a stored claim and apply it now."""
        with Session(self._writer) as session, session.begin():
            row = session.scalars(select(ClaimRow).where(
                ClaimRow.article_id == article_id, ClaimRow.idx == claim_index)).one_or_none()
            if row is None:
                raise KeyError(f"article {article_id} has no claim {claim_index}")
            corrected = reviews.apply(claim_of(row), field, value)
            review = ReviewRow(article_id=article_id, claim_key=row.key, field=field, value=value, who=who,
                               why=why)
            session.add(review)
            self._rewrite_claim(session, row, corrected)
            session.flush()
            refresh_days(session.connection())
            return review.id

    @staticmethod
    def _rewrite_claim(session: Session, row: ClaimRow, claim: Claim) -> None:
        text = session.get_one(ArticleRow, row.article_id).text if _derives_content(session) else None
        values = claim_values(claim, row.pipeline_version, text)
        values["key"] = row.key  # a review never changes which claim later reviews address
        for name, value in values.items():
            setattr(row, name, value)
        session.execute(delete(EventRow).where(EventRow.claim_id == row.id))
        session.add_all(event_rows(claim, row.id, row.article_id))

    # -- reading -------------------------------------------------------------------------------------

    def has_article(self, content_hash: str, pipeline_version: str | None = None) -> bool:
        """Whether an article with ``content_hash`` is stored (extracted by ``pipeline_version``, when given)."""
        query = select(ArticleRow.id).where(ArticleRow.content_hash == content_hash)
        if pipeline_version is not None:
            query = query.where(ArticleRow.pipeline_version == pipeline_version)
        with Session(self.engine) as session:
            return session.scalars(query).first() is not None

    def stored_version(self, content_hash: str) -> str | None:
        """The pipeline version that extracted the stored article with ``content_hash`` (None: not stored)."""
        query = select(ArticleRow.pipeline_version).where(ArticleRow.content_hash == content_hash)
        with Session(self.engine) as session:
            found = session.execute(query).first()
        return None if found is None else (found[0] or "")

    def get_extraction(self, article_id: int) -> Extraction:
        """The stored extraction of one article (claims with reviews applied); KeyError when absent."""
        with Session(self.engine) as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise KeyError(f"no article with id {article_id}")
            return self._extraction(session, row, None)

    def _extraction(self, session: Session, row: ArticleRow, claim_ids: list[int] | None) -> Extraction:
        query = select(ClaimRow).where(ClaimRow.article_id == row.id).order_by(ClaimRow.idx)
        if claim_ids is not None:
            query = query.where(ClaimRow.id.in_(claim_ids))
        rows = list(session.scalars(query))
        claims = [claim_of(c) for c in rows]
        stories = claim_stories(session, [c.id for c in rows])
        for row_, claim in zip(rows, claims, strict=True):
            claim.story, claim.verdict = stories.get(row_.id, (None, None))
        places = [place_of(p) for p in session.scalars(
            select(PlaceMentionRow).where(PlaceMentionRow.article_id == row.id).order_by(PlaceMentionRow.idx))]
        return Extraction(article=article_of(row), claims=claims, places=places,
                          pipeline_version=row.pipeline_version or "")

    def iter_extractions(self, *, article: int | None = None, source: str | None = None,
                         status: str | None = None, kind: str | None = None, outlet: str | None = None,
                         limit: int | None = None) -> Iterator[Extraction]:
        """Stored extractions in article-id order, holding only the claims that pass the filters.

        With a claim filter (``source``, ``status``, ``kind``) articles without a matching claim are skipped;
        ``limit`` caps the number of claims yielded in all.
        """
        with Session(self.engine) as session:
            if not any(v is not None for v in (source, status, kind)):
                ids = list(session.scalars(_article_query(article=article, outlet=outlet)))
                yield from self._limited(session, [(i, None) for i in ids], limit)
                return
            query = _claim_query(article=article, source=source, status=status, kind=kind, outlet=outlet)
            by_article: dict[int, list[int]] = {}
            for claim_id, article_id in session.execute(query.with_only_columns(ClaimRow.id, ClaimRow.article_id)):
                by_article.setdefault(article_id, []).append(claim_id)
            yield from self._limited(session, sorted(by_article.items()), limit)

    def _limited(self, session: Session, selected: list[tuple[int, list[int] | None]],
                 limit: int | None) -> Iterator[Extraction]:
        left = limit
        for article_id, claim_ids in selected:
            if left is not None and left <= 0:
                return
            row = session.get(ArticleRow, article_id)
            if row is None:
                continue
            extraction = self._extraction(session, row, claim_ids)
            if left is not None:
                extraction.claims = extraction.claims[:left]
                left -= len(extraction.claims)
            yield extraction

    def query_claims(self, *, article: int | None = None, source: str | None = None, status: str | None = None,
                     kind: str | None = None, outlet: str | None = None,
                     limit: int | None = None) -> list[StoredClaim]:
        """Stored claims passing the filters (``source``: case-insensitive part of the source or entity)."""
        query = _claim_query(article=article, source=source, status=status, kind=kind, outlet=outlet)
        query = query.add_columns(ArticleRow.title, OutletRow.name, ArticleRow.published_at)
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [StoredClaim(id=c.id, article_id=c.article_id, index=c.idx, claim=claim_of(c), title=title,
                                outlet=outlet_name, published=published, pipeline_version=c.pipeline_version)
                    for c, title, outlet_name, published in session.execute(query)]

    def reviews(self, article_id: int) -> list[Review]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ReviewRow).where(ReviewRow.article_id == article_id)
                                   .order_by(ReviewRow.at, ReviewRow.id))
            return [review_of(r) for r in rows]

    def outlets(self) -> list[Outlet]:
        """Every outlet stored, by name."""
        with Session(self.engine) as session:
            return [outlet_of(r) for r in session.scalars(select(OutletRow).order_by(OutletRow.name))]

    def outlet_places(self, min_articles: int = 3) -> dict[str, list[tuple[int, int]]]:
        """Per outlet with at least ``min_articles`` stored articles: how often each GeoNames place was named as a
        location in them, [(geonameid, mentions)] (places only approximately located left out). What
        :func:`claimwatch.geo.outlet_priors` builds an outlet's geographic prior from."""
        with Session(self.engine) as session:
            sizes = session.execute(select(OutletRow.name, func.count(ArticleRow.id))
                                    .join(ArticleRow, ArticleRow.outlet_id == OutletRow.id)
                                    .group_by(OutletRow.name))
            names = {name for name, n in sizes if n >= min_articles}
            if not names:
                return {}
            rows = session.execute(
                select(OutletRow.name, PlaceMentionRow.geonameid, func.count(PlaceMentionRow.id))
                .join(ArticleRow, ArticleRow.outlet_id == OutletRow.id)
                .join(PlaceMentionRow, PlaceMentionRow.article_id == ArticleRow.id)
                .where(PlaceMentionRow.role == "location", PlaceMentionRow.geonameid.is_not(None),
                       PlaceMentionRow.precision != "other")
                .group_by(OutletRow.name, PlaceMentionRow.geonameid))
            out: dict[str, list[tuple[int, int]]] = {}
            for name, geonameid, n in rows:
                if name in names and geonameid is not None:
                    out.setdefault(name, []).append((int(geonameid), int(n)))
            return out

    def errors(self, limit: int | None = None) -> list[ItemError]:
        """Recorded per-item errors, newest first."""
        query = select(IngestErrorRow).order_by(IngestErrorRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [ItemError(origin=r.origin, message=r.message, stage=r.stage) for r in session.scalars(query)]

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, claims, events, place_mentions, ingest_errors, reviews."""
        tables = {"articles": ArticleRow, "claims": ClaimRow, "events": EventRow,
                  "place_mentions": PlaceMentionRow, "ingest_errors": IngestErrorRow, "reviews": ReviewRow}
        with Session(self.engine) as session:
            return {name: session.scalar(select(func.count()).select_from(t)) or 0 for name, t in tables.items()}


def find_by_url(session: Session, article: Article) -> ArticleRow | None:
    """The stored article with ``article``'s URL and publication instant (an indexed lookup: the publication time
    of a post never changes when it is edited, its text does)."""
    at = ArticleRow.published_at
    query = select(ArticleRow).where(at.is_(None) if article.published is None else at == article.published,
                                     ArticleRow.url == article.url).order_by(ArticleRow.id)
    return session.scalars(query).first()


def _claim_query(*, article: int | None, source: str | None, status: str | None, kind: str | None,
                 outlet: str | None) -> Select[Any]:
    query = (select(ClaimRow).join(ArticleRow, ClaimRow.article_id == ArticleRow.id)
             .outerjoin(OutletRow, ArticleRow.outlet_id == OutletRow.id)
             .order_by(ClaimRow.article_id, ClaimRow.idx))
    if article is not None:
        query = query.where(ClaimRow.article_id == article)
    if source:
        pattern = "%" + source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(ClaimRow.source_text.ilike(pattern, escape="\\")
                            | ClaimRow.entity_text.ilike(pattern, escape="\\"))
    if status:
        query = query.where(ClaimRow.status == status)
    if kind:
        query = query.where(ClaimRow.kind == kind)
    if outlet:
        query = query.where(OutletRow.name == outlet)
    return query


def _article_query(*, article: int | None, outlet: str | None) -> Select[Any]:
    query = select(ArticleRow.id).outerjoin(OutletRow, ArticleRow.outlet_id == OutletRow.id).order_by(ArticleRow.id)
    if article is not None:
        query = query.where(ArticleRow.id == article)
    if outlet:
        query = query.where(OutletRow.name == outlet)
    return query


def _derives_content(session: Session) -> bool:
    """Whether claims' content texts are read from their article's text rather than stored (SQLite: migration
    0007; PostgreSQL's full-text index reads the stored text)."""
    return session.get_bind().dialect.name == "sqlite"

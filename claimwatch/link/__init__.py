"""Linking across articles: copies, stories of one event, each claim's stance, and verdicts.

A stage over stored claims, run after ``ingest`` (``claimwatch link``), never inside extraction:

- :mod:`.copies`: wire copies, rewrites and forwards (MinHash over word shingles)
- :mod:`.facts`: what linking compares of a claim (event family, place, dates, actors, claimant, outlet)
- :mod:`.stories`: grouping claims into stories (blocking, similarity, compatibility), stable ids
- :mod:`.stance`: how a claim (or a whole article) stands towards another claim: ``claim_stance``,
  ``article_stance``; :mod:`.conflicts`: facts of two claims that cannot both hold (figures, control of a place,
  perpetrators, negation); :mod:`.overlap`: cheap lexical relatedness
- :mod:`.verdict`: each claim's stance toward its story's event, independent units, the verdict and its history
- :mod:`.run`: the incremental run over a store

    from claimwatch.link import link, stories
    link(store, options)
    for story in stories(store, verdict="contested"):
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..model import StoryRecord
from .run import LinkSummary, StoryCache, link
from .stance import Stance, StanceResult, article_stance, claim_stance

if TYPE_CHECKING:
    from ..outlets import OutletRegistry
    from ..store import Store


def stories(store: Store, *, verdict: str | None = None, family: str | None = None, limit: int | None = None,
            min_claims: int = 1, outlets: OutletRegistry | None = None) -> list[StoryRecord]:
    """Stored stories, oldest first, with their claims (those told by at least ``min_claims`` claims)."""
    from ..store import links as db

    with Session(store.engine) as session:
        return [db.story_record(session, row, outlet_lookup(outlets))
                for row in db.iter_stories(session, verdict=verdict, family=family, limit=limit,
                                           min_claims=min_claims)]


def story(store: Store, story_id: str, outlets: OutletRegistry | None = None) -> StoryRecord | None:
    """One stored story by id (None when there is none)."""
    from ..store import links as db
    from ..store.schema import StoryRow

    with Session(store.engine) as session:
        row = session.get(StoryRow, story_id)
        return db.story_record(session, row, outlet_lookup(outlets)) if row is not None else None


def outlet_lookup(outlets: OutletRegistry | None):  # type: ignore[no-untyped-def]
    """``look(url, name) -> (outlet name, affiliation)`` from the outlets registry (None without one): what
    :func:`claimwatch.store.links.story_record` takes to name each claim's outlet."""
    if outlets is None:
        return None

    def look(url: str | None, name: str | None) -> tuple[str, str | None] | None:
        found = outlets.match(url, name)
        return (found.name, found.affiliation) if found is not None else None

    return look




def rate(store: Store, story_id: str, label: str, who: str, *, value: int | None = None, best: int = 5,
         worst: int = 1, why: str | None = None, url: str | None = None) -> int:
    """Record an analyst's rating of a story (what the ClaimReview export publishes); returns the review id."""
    from ..store import links as db
    from ..store.schema import StoryRow

    if not label.strip() or not who.strip():
        raise ValueError("a rating needs a label and the analyst's name")
    if value is not None and not worst <= value <= best:
        raise ValueError(f"rating value {value} is outside {worst}..{best}")
    from ..store.engine import writer

    with Session(writer(store.engine)) as session, session.begin():
        if session.get(StoryRow, story_id) is None:
            raise KeyError(f"no story {story_id}")
        rating = {"label": label.strip(), "value": value, "best": best, "worst": worst, "url": url}
        return db.add_story_review(session, story_id, "rating", rating, who.strip(), why)


def claim_reviews(store: Store, outlets: OutletRegistry | None = None) -> list[dict[str, object]]:
    """ClaimReview JSON-LD of every rated story (its latest rating)."""
    from ..export.claimreview import claim_review
    from ..store import links as db
    from ..store.schema import ArticleRow, StoryRow

    latest = {}
    with Session(store.engine) as session:
        for review in db.story_reviews(session):
            if review.field == "rating":
                latest[review.story_id] = review
        out = []
        for story_id, review in latest.items():
            row = session.get(StoryRow, story_id)
            if row is None:
                continue
            record = db.story_record(session, row, outlet_lookup(outlets))
            urls = {a.id: a.url for a in session.query(ArticleRow).filter(
                ArticleRow.id.in_([c.article_id for c in record.claims]))}
            out.append(claim_review(record, review.value, review.who, review.at, urls))
    return out


__all__ = ["LinkSummary", "Stance", "StanceResult", "StoryCache", "article_stance", "claim_reviews", "claim_stance",
           "link", "rate", "stories", "story"]

"""The linking stage over stored claims: copies, then stories, then verdicts, incrementally.

Reads the store (articles not yet signed, claims not yet linked, the stories their dates can reach, the origin
channel of a forwarded Telegram post) and the outlets and actor registries; writes ``articles.copy_of``, stories
with their verdicts and each claim's story, stance and independent unit. Runs after ``ingest`` (``claimwatch
link``), or during it, after each stored batch (the CLI's ``ingest``); each run only does what is new, and
``rebuild`` starts over (story ids come out the same for the same claims in the same order).

Stories loaded from the store are kept in a :class:`StoryCache` from one link batch to the next (and from one
:func:`link` call to the next when the caller passes the same cache) until a batch changes them: a batch reads
only the stories it has not seen or has changed, not every story its dates reach. A story another process
changed meanwhile (another ``ingest`` linking, a merge or split through the API) is read again: its claim count
in the store is no longer the one it had when it was read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from ..actors import ActorRegistry, load_registry
from ..model import Outlet
from ..outlets import OutletRegistry, load_outlets
from ..settings import Options
from ..store import Store
from ..store import links as db
from ..store.engine import writer
from ..store.reviews import claim_key
from ..store.schema import StoryReviewRow, StoryRow
from . import copies
from .facts import Facts, OutletInfo, Where, facts_of, with_article_context
from .similarity import Embedder, default_embedder
from .stories import DATE_SLACK, Linker, Member, Story, StoryIndex
from .verdict import Stance, Verdict, stance_of, unit_of, verdict

log = logging.getLogger(__name__)

#: the stored claims of a story's members: (article id, claim position) -> (claim id, article id)
Members = dict[tuple[int | None, int], tuple[int, int]]

@dataclass
class LinkSummary:
    signed: int = 0
    copies: int = 0
    claims: int = 0  #: claims looked at
    linked: int = 0  #: claims that joined or founded a story
    stories_new: int = 0
    stories_touched: int = 0
    touched: list[str] = field(default_factory=list)


class Context:
    """Registries and the article facts linking reads, loaded once per run."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.outlets: OutletRegistry = load_outlets(options.outlets or None)
        self.actors: ActorRegistry = load_registry(options.actors or None)

    def outlet(self, article: db.ArticleInfo) -> OutletInfo:
        """Whose voice an article is: its outlet's, or for a forwarded post the origin channel's (a forward is
        never independent evidence, also when the original is not in the store to be found as its copy)."""
        if article.forwarded_from:
            found = self.outlets.match(name=article.forwarded_from)
            return OutletInfo(article.forwarded_from) if found is None else self._info(found)
        found = self.outlets.match(article.url, article.outlet)
        return OutletInfo(article.outlet) if found is None else self._info(found)

    @staticmethod
    def _info(outlet: Outlet) -> OutletInfo:
        return OutletInfo(outlet.key, outlet.affiliation, outlet.side, outlet.actor)

    def article_facts(self, members: list[db.StoredMember], roots: dict[int, db.ArticleInfo]
                      ) -> list[tuple[db.StoredMember, Facts | None]]:
        """The facts of ``members`` (in order), each article's read in its own context."""
        out = [(m, self.facts(m, roots)) for m in members]
        by_article: dict[int, list[Facts]] = {}
        for m, f in out:
            if f is not None:
                by_article.setdefault(m.article.id, []).append(f)
        for group in by_article.values():
            with_article_context(group)
        return out

    def facts(self, member: db.StoredMember, roots: dict[int, db.ArticleInfo]) -> Facts | None:
        article = member.article
        outlet = self.outlet(article)
        if article.copy_of is not None and article.copy_of in roots:
            root = self.outlet(roots[article.copy_of])
            outlet = OutletInfo(root.id or f"article:{article.copy_of}", root.affiliation, root.side, root.actor)
        key = f"{article.content_hash}:{claim_key(member.claim)}"
        return facts_of(member.claim, member.index, key, article.id, article.published, outlet, self.actors,
                        article.copy_of)


class StoryCache:
    """Stories as loaded from the store (with their members' claim ids), by id, until a link batch changes them;
    None for a stored story that has no linkable member left; and each one's claim count in the store when it
    was read (another process that changes a story changes that count)."""

    def __init__(self) -> None:
        self.stories: dict[str, tuple[Story, Members] | None] = {}
        self.counts: dict[str, int] = {}
        self.context: Context | None = None

    def context_for(self, options: Options) -> Context:
        """The registries, loaded once per cache."""
        if self.context is None or self.context.options != options:
            self.context = Context(options)
        return self.context


def link(store: Store, options: Options, *, rebuild: bool = False,
         on_step: Callable[[str, int], None] | None = None, embedder: Embedder | None = None,
         cache: StoryCache | None = None) -> LinkSummary:
    """Link everything not yet linked in ``store``; returns what was done. ``embedder`` compares claim contents
    (default: :func:`~claimwatch.link.similarity.default_embedder`, whose model loads on first use, ~1.5 s): a
    process that links again and again passes one to load it once, and one ``cache`` to read each stored story
    once."""
    summary = LinkSummary()
    cache = cache if cache is not None else StoryCache()
    if rebuild:
        cache.stories.clear()
        cache.counts.clear()
    context = cache.context_for(options)
    with Session(writer(store.engine)) as session, session.begin():
        if rebuild:
            db.forget_links(session)
    _mark_copies(store, context, summary)
    if on_step:
        on_step("copies", summary.copies)
    if embedder is None:
        embedder = default_embedder()
    while True:
        with Session(writer(store.engine)) as session, session.begin():
            pending = db.unlinked_claims(session)
            if not pending:
                break
            _link_batch(session, pending, context, embedder, summary, cache)
        if on_step:
            on_step("claims", summary.claims)
    return summary


def _mark_copies(store: Store, context: Context, summary: LinkSummary) -> None:
    """Sign every new article, match it to the outlets registry, and mark it a copy when it is one."""
    while True:
        with Session(writer(store.engine)) as session, session.begin():
            batch = db.unsigned_articles(session)
            if not batch:
                return
            for info, text in batch:
                outlet = context.outlets.match(info.url, info.outlet)
                if outlet is not None:
                    db.attach_outlet(session, info.id, outlet)
                sig = copies.signature(text)
                summary.signed += 1
                if sig is None:
                    db.save_signature(session, info.id, b"\0", [])
                    continue
                bands = sig.bands()
                match = _original(sig, info, db.band_neighbours(session, info.id, bands))
                if match is not None:
                    db.set_copy(session, info.id, match.original, match.similarity)
                    summary.copies += 1
                db.save_signature(session, info.id, sig.to_bytes(), bands)
                session.flush()


def _original(sig: copies.Signature, info: db.ArticleInfo,
              neighbours: Sequence[tuple[db.ArticleInfo, bytes]]) -> copies.CopyMatch | None:
    """The article ``info`` copies: the root of the best-matching earlier article's chain."""
    earlier = [(n, copies.Signature.from_bytes(b)) for n, b in neighbours if _before(n, info)]
    return copies.best_original(sig, [(n.id, s, n.copy_of) for n, s in earlier])


def _before(a: db.ArticleInfo, b: db.ArticleInfo) -> bool:
    if a.published is not None and b.published is not None and a.published != b.published:
        return a.published < b.published
    return a.id < b.id


# ---------------------------------------------------------------------------------------------- stories


def _link_batch(session: Session, pending: list[db.StoredMember], context: Context, embedder: Embedder,
                summary: LinkSummary, cache: StoryCache) -> None:
    roots = db.articles_by_id(session, sorted({m.article.copy_of for m in pending if m.article.copy_of}))
    found = context.article_facts(pending, roots)
    summary.claims += len(found)
    db.mark_linked(session, [m.claim_id for m, f in found if f is None], False)
    linkable = [(m, f) for m, f in found if f is not None]
    if not linkable:
        return
    index, members = _load_index(session, [f for _, f in linkable], context, embedder, cache)
    existing = set(index.stories)
    linker = Linker(index, embedder)
    touched: dict[str, Story] = {}
    for (m, f), (_, story) in zip(linkable, linker.link(f for _, f in linkable), strict=True):
        members.setdefault(story.id, {})[_claim_of(f)] = (m.claim_id, m.article.id)
        touched[story.id] = story
    for story_id in touched:  # changed: read again from the store when a later batch reaches it
        cache.stories.pop(story_id, None)
        cache.counts.pop(story_id, None)
    overrides = db.verdict_overrides(session, sorted(touched))
    saved = [_story_values(story, members.get(story.id, {}), overrides.get(story.id)) for story in touched.values()]
    with session.no_autoflush:  # the stories go out in one flush, then their members in another
        db.save_stories(session, [values for values, _ in saved])
    session.flush()
    db.save_members(session, [row for _, rows in saved for row in rows])
    db.mark_linked(session, [m.claim_id for m, _ in linkable], True)
    summary.linked += len(linkable)
    summary.stories_new += len(set(touched) - existing)
    summary.stories_touched += len(touched)
    summary.touched.extend(sorted(touched))


def _load_index(session: Session, facts: list[Facts], context: Context, embedder: Embedder, cache: StoryCache
                ) -> tuple[StoryIndex, dict[str, Members]]:
    """The stored stories the new claims' dates can reach, with their members, as a :class:`StoryIndex` (in the
    order the store lists them); only those not in ``cache`` are read."""
    index = StoryIndex()
    members: dict[str, Members] = {}
    days = [d for f in facts for d in (f.start, f.end) if d is not None]
    start = (min(days) - DATE_SLACK * 3).isoformat() if days else None
    end = (max(days) + DATE_SLACK * 3).isoformat() if days else None
    found = db.story_ids_between(session, sorted({f.family for f in facts}), start, end)
    stale = [i for i, claims in found if i not in cache.stories or cache.counts.get(i) != claims]
    _read_stories(session, stale, context, embedder, cache)
    cache.counts.update(found)
    for story_id, _ in found:
        loaded = cache.stories.get(story_id)
        if loaded is not None:
            index.put(loaded[0])
            members[story_id] = dict(loaded[1])
    return index, members


def _read_stories(session: Session, ids: list[str], context: Context, embedder: Embedder, cache: StoryCache
                  ) -> None:
    """Read stories ``ids`` from the store into ``cache``."""
    rows = db.stories_by_id(session, ids)
    stored = db.members_of(session, ids)
    roots = db.articles_by_id(session, sorted({m.article.copy_of for ms in stored.values() for m, _ in ms
                                               if m.article.copy_of}))
    for story_id in ids:
        cache.stories[story_id] = _story_from(rows[story_id], stored[story_id], context, roots, embedder)


def _story_from(row: StoryRow, stored: list[tuple[db.StoredMember, float]], context: Context,
                roots: dict[int, db.ArticleInfo], embedder: Embedder
                ) -> tuple[Story, Members] | None:
    scores = {m.claim_id: score for m, score in stored}
    kept = [(m, f, scores[m.claim_id]) for m, f in context.article_facts([m for m, _ in stored], roots)
            if f is not None]
    if not kept:
        return None
    where = None
    if row.place_name is not None:
        where = Where(row.geonameid, row.place_name, row.admin1, row.country, row.lat, row.lon, row.precision)
    story = Story(row.id, row.family, kept[0][1], where, _day(row.date_start), _day(row.date_end))
    centroid = _vector(row.centroid, embedder.dim)
    if centroid is None:  # stored without one (another embedder): embed the members again
        vectors = embedder.embed([f.text for _, f, _ in kept])
        centroid = vectors.sum(axis=0)
    for _, f, s in kept:
        story.members.append(Member(f, np.zeros(0, dtype=np.float32), s))
    norm = float(np.linalg.norm(centroid))
    story.centroid = centroid / norm if norm else centroid
    return story, {_claim_of(f): (m.claim_id, m.article.id) for m, f, _ in kept}


def _vector(data: bytes | None, dim: int) -> np.ndarray | None:
    if not data or len(data) != dim * 2:
        return None
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _claim_of(facts: Facts) -> tuple[int | None, int]:
    """Which stored claim ``facts`` were read from: (article id, claim position). Not ``facts.key``, which two
    claims of one article with the same content span share (they made one story member of two claims)."""
    return facts.article_id, facts.claim_index


def _save(session: Session, story: Story, members: Members) -> list[dict[str, object]]:
    """Write the story with its verdict; returns its members' ``story_claims`` values to write."""
    values, rows = _story_values(story, members, db.verdict_override(session, story.id))
    db.save_story(session, values)
    return rows


def _story_values(story: Story, members: Members, override: StoryReviewRow | None
                  ) -> tuple[dict[str, Any], list[dict[str, object]]]:
    """The ``stories`` values of ``story`` with its verdict (an analyst's ``override`` in place of the computed
    one), and its members' ``story_claims`` values."""
    facts = [m.facts for m in story.members]
    reference = next((f for f in facts if stance_of(f) is Stance.CORROBORATES), facts[0])
    stances = [stance_of(f, reference) for f in facts]
    v = verdict(facts, stances)
    where = story.where
    published = [f.published for f in facts if f.published is not None]
    values = db.with_override({
        "id": story.id, "family": story.family, "event_type": story.event_type, "sub_type": story.sub_type,
        "geonameid": where.geonameid if where else None, "place_name": where.name if where else None,
        "admin1": where.admin1 if where else None, "country": where.country if where else None,
        "lat": where.lat if where else None, "lon": where.lon if where else None,
        "precision": where.precision if where else None,
        "date_start": story.start.isoformat() if story.start else None,
        "date_end": story.end.isoformat() if story.end else None,
        "verdict": v.label.value, "independent": v.independent, "claims": len(facts),
        "first_seen": min(published) if published else None, "last_seen": max(published) if published else None,
        "centroid": story.centroid.astype("<f2").tobytes() if story.centroid is not None else None,
        "data": _verdict_data(v, members),
    }, override)
    return values, [{"claim_id": ids[0], "story_id": story.id, "article_id": ids[1], "stance": stance.value,
             "unit": unit_of(m.facts).key, "score": m.score,
             "data": {"family": m.facts.family, "sub_type": m.facts.sub_type}}
            for m, stance in zip(story.members, stances, strict=True) if (ids := members.get(_claim_of(m.facts)))]


def _verdict_data(v: Verdict, members: Members) -> dict[str, object]:
    def counts(group: list) -> list[dict[str, object]]:  # type: ignore[type-arg]
        return [{"unit": c.unit.key, "side": c.unit.side, "official": c.unit.official,
                 "claims": [members[k][0] for f in c.claims if (k := _claim_of(f)) in members]} for c in group]

    return {"why": v.why, "history": [{"date": d, "verdict": label.value} for d, label in v.history],
            "supporting": counts(v.supporting), "opposing": counts(v.opposing), "reporting": counts(v.reporting),
            "confirmed_by": [members[k][0] for f in v.confirmed_by if (k := _claim_of(f)) in members],
            "denied_by": [members[k][0] for f in v.denied_by if (k := _claim_of(f)) in members]}


"""Stories: claims of different articles about one event, grouped incrementally, with stable ids.

Reads :class:`~claimwatch.link.facts.Facts` (one per linkable claim) in the order articles arrive and a
:class:`StoryIndex` of the stories so far; writes each claim's story (a new one when none fits). A claim joins
the best-scoring compatible story among its candidates:

- candidates come from a blocking key (event family and ISO week; for claims with a place, the country and
  region too), then the nearest stories by content similarity within the block: never all pairs;
- compatible means the same event family, a compatible place (the same place, a settlement inside the story's
  region or district, or within ``NEAR_KM``), an overlapping date window, and for statements with no event the
  same claimant;
- the score weighs place, date, content similarity and shared actors.

A story's id is derived from its founding claim's stable key, so re-running the linking over the same claims in
the same order gives the same ids. Pure: the store persists stories (``claimwatch.store``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from ..geo.regions import distance_km
from .facts import LASTING, Facts, Where
from .similarity import Embedder, cosine, cosines, default_embedder

#: settlements this close are one place for linking (a strike "on Kharkiv" and "on a Kharkiv suburb")
NEAR_KM = 20.0
#: days a date window may miss by and still match (time zones, "overnight", late reports)
DATE_SLACK = timedelta(days=1)
#: how late a report of a lasting state (territory) may come and still join its story
LATE = timedelta(days=21)
#: lowest score that joins a story
JOIN = 0.55
#: content similarity a claim without a place (or a statement) needs to join a story
SIMILAR_UNPLACED = 0.35
#: how many of a block's stories are compared by content (the nearest ones)
NEIGHBOURS = 50
_WEIGHTS = {"place": 0.35, "date": 0.2, "similarity": 0.35, "actors": 0.1}


@dataclass(slots=True)
class Member:
    facts: Facts
    vector: np.ndarray
    score: float = 1.0  #: how well it matched the story when it joined (1.0 for the founder)


@dataclass(slots=True)
class Story:
    id: str
    family: str
    founder: Facts
    where: Where | None
    start: date | None
    end: date | None
    members: list[Member] = field(default_factory=list)
    centroid: np.ndarray | None = None

    @property
    def event_type(self) -> str | None:
        return self.founder.event_type

    @property
    def sub_type(self) -> str | None:
        return self.founder.sub_type

    def add(self, member: Member) -> None:
        self.members.append(member)
        if self.centroid is None or self.centroid.shape != member.vector.shape:
            total = member.vector if self.centroid is None else self.centroid
        else:
            total = self.centroid * (len(self.members) - 1) + member.vector
        norm = float(np.linalg.norm(total))
        self.centroid = total / norm if norm else total
        if self.where is None and member.facts.where is not None:
            self.where = member.facts.where
        elif self.where is not None and member.facts.where is not None and _finer(member.facts.where, self.where):
            self.where = member.facts.where  # "the Donetsk region" story learns it was Avdiivka


def story_id(founder_key: str) -> str:
    """A story's stable id: derived from its founding claim's stable key."""
    return "s" + hashlib.sha256(founder_key.encode("utf-8")).hexdigest()[:12]


def weeks(start: date | None, end: date | None) -> list[str]:
    """ISO weeks the window (with its slack) touches; ["?"] when undated."""
    if start is None or end is None:
        return ["?"]
    day, last = start - DATE_SLACK, end + DATE_SLACK
    out: list[str] = []
    while day <= last and len(out) < 12:
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        if key not in out:
            out.append(key)
        day += timedelta(days=1)
    return out


class StoryIndex:
    """Stories in memory, reachable by blocking key (event family and week)."""

    def __init__(self) -> None:
        self.stories: dict[str, Story] = {}
        self._blocks: dict[tuple[str, str], list[str]] = {}

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories.values())

    def put(self, story: Story) -> None:
        self.stories[story.id] = story
        for week in weeks(story.start, story.end):
            ids = self._blocks.setdefault((story.family, week), [])
            if story.id not in ids:
                ids.append(story.id)

    def block(self, facts: Facts) -> list[Story]:
        seen: dict[str, Story] = {}
        start = facts.start - LATE if facts.family in LASTING and facts.start is not None else facts.start
        for week in weeks(start, facts.end):
            for sid in self._blocks.get((facts.family, week), ()):
                seen[sid] = self.stories[sid]
        return list(seen.values())


class Linker:
    """Assigns claims to stories, one at a time, in arrival order."""

    def __init__(self, index: StoryIndex | None = None, embedder: Embedder | None = None) -> None:
        self.index = index if index is not None else StoryIndex()
        self.embedder = embedder or default_embedder()

    def link(self, items: Iterable[Facts]) -> list[tuple[Facts, Story]]:
        batch = list(items)
        vectors = self.embedder.embed([f.text for f in batch]) if batch else np.zeros((0, 1))
        return [(f, self.link_one(f, v)) for f, v in zip(batch, vectors, strict=True)]

    def link_one(self, facts: Facts, vector: np.ndarray) -> Story:
        own = self.index.stories.get(story_id(facts.key))
        if own is not None:  # the founding claim again (re-extracted, or linked anew): its own story
            own.add(Member(facts, vector))
            return own
        best: tuple[float, Story] | None = None
        for story in self.candidates(facts, vector):
            s = score(story, facts, vector)
            if s is not None and s >= JOIN and (best is None or s > best[0]):
                best = (s, story)
        if best is None:
            story = Story(story_id(facts.key), facts.family, facts, facts.where, facts.start, facts.end)
            story.add(Member(facts, vector))
            self.index.put(story)
            return story
        best[1].add(Member(facts, vector, round(best[0], 3)))
        return best[1]

    def candidates(self, facts: Facts, vector: np.ndarray) -> list[Story]:
        """The block's stories, nearest first by content, at most ``NEIGHBOURS`` of them."""
        block = self.index.block(facts)
        if len(block) <= NEIGHBOURS:
            return block
        sims = cosines([s.centroid for s in block], vector)  # hundreds of stories a week in a large store
        order = np.argsort(sims)[::-1][:NEIGHBOURS]
        return [block[i] for i in order]


def score(story: Story, facts: Facts, vector: np.ndarray) -> float | None:
    """How well ``facts`` fits ``story`` (0-1), or None when they cannot be the same event."""
    if story.family != facts.family:
        return None
    day = date_fit(story, facts)
    if day is None:
        return None
    place = place_fit(story.where, facts.where)
    if place is None:
        return None
    similarity = max(0.0, cosine(story.centroid, vector)) if story.centroid is not None else 0.0
    if facts.family == "statement":
        if not _same_claimant(story.founder, facts) or similarity < SIMILAR_UNPLACED:
            return None
        place = max(place, 0.6)
    elif (story.where is None or facts.where is None) and similarity < SIMILAR_UNPLACED:
        return None
    actors = _actor_overlap(story, facts)
    w = _WEIGHTS
    return w["place"] * place + w["date"] * day + w["similarity"] * similarity + w["actors"] * actors


def date_fit(story: Story, facts: Facts) -> float | None:
    """1.0 when the windows overlap on a day, less with slack, None when they are apart (undated: 0.5)."""
    if story.start is None or story.end is None or facts.start is None or facts.end is None:
        return 0.5
    if facts.start <= story.end and story.start <= facts.end:
        return 1.0
    if facts.start <= story.end + DATE_SLACK and story.start - DATE_SLACK <= facts.end:
        return 0.6
    if story.family in LASTING and story.start - DATE_SLACK <= facts.end and facts.start <= story.end + LATE:
        return 0.5  # who holds a place: confirmations and denials come days or weeks later
    return None


def place_fit(a: Where | None, b: Where | None) -> float | None:
    """1.0 the same place; less for a place inside the other's region or nearby; None when incompatible;
    0.3 when either is unknown."""
    if a is None or b is None:
        return 0.3
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return 1.0
    if a.country and b.country and a.country != b.country:
        return None
    coarse_a, coarse_b = _coarse(a), _coarse(b)
    if coarse_a or coarse_b:
        if (a.precision == "country" or b.precision == "country") and a.country == b.country:
            return 0.4
        if a.admin1 and a.admin1 == b.admin1:
            return 0.7
        return None
    if None not in (a.lat, a.lon, b.lat, b.lon):
        km = distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km <= NEAR_KM:
            return 0.8
    return None


def _coarse(w: Where) -> bool:
    return w.precision in ("region", "district", "country", "continent")


def _finer(new: Where, old: Where) -> bool:
    order = ("settlement", "other", "district", "region", "country", "continent")
    rank = {p: i for i, p in enumerate(order)}
    return rank.get(new.precision or "", 9) < rank.get(old.precision or "", 9) and place_fit(new, old) is not None


def _same_claimant(a: Facts, b: Facts) -> bool:
    if a.source_actor and b.source_actor:
        return a.source_actor == b.source_actor
    return bool(a.source and b.source and a.source.casefold() == b.source.casefold())


def _actor_overlap(story: Story, facts: Facts) -> float:
    mine = {facts.actor1, facts.actor2} - {None}
    if not mine:
        return 0.5
    theirs = {m.facts.actor1 for m in story.members} | {m.facts.actor2 for m in story.members}
    return 1.0 if mine & theirs else 0.0

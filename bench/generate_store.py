"""A large, realistic store for the workbench's performance checks, built fast (no NLP pipeline).

    python bench/generate_store.py --claims 1000000 --db sqlite:////tmp/cw-1m.db [--seed 7]

Reads the bundled outlets registry (``claimwatch/data/outlets.yaml``), the actor registry
(``claimwatch/data/actors.yaml``) and the gazetteer index (its settlements and regions, Ukraine and Russia mostly);
writes a new store through the real schema (the Alembic migrations run when the store opens) with bulk INSERTs:
articles of outlets in their languages over three years, claims (statuses, kinds, sources, actors), events (ACLED
types, places, dates, actors), place mentions, stories with members, sides and verdicts, the full-text index
(filled by the store's own triggers on SQLite, the GIN expression index on PostgreSQL) and the per-day counts the
timeline reads. Every ``data`` JSON is in the shape the store's serializer writes, so records read back as they
would after a real ingest. Fictional texts only: sentences assembled from templates and a made-up vocabulary.

Prints how long generation took and the database's size. ``generate(url, claims)`` does the same from Python (the
tests build ~2,000 claims with it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one

#: the first publication instant and how many days the store covers (about three years)
START = datetime(2022, 2, 24, tzinfo=UTC)
DAYS = 1096
#: mean claims per article; articles per transaction
CLAIMS_PER_ARTICLE = 4
BATCH_ARTICLES = 5000
PIPELINE_VERSION = "bench-generated"

#: (event type, sub-type, verb phrase in English, Ukrainian, Russian)
EVENTS = (
    ("Battles", "Armed clash", "clashed with enemy units near", "вели бої біля", "вели бои у"),
    ("Battles", "Armed clash", "repelled an assault near", "відбили штурм біля", "отразили штурм у"),
    ("Battles", "Government regains territory", "recaptured", "звільнили", "освободили"),
    ("Battles", "Non-state actor overtakes territory", "took control of", "захопили", "заняли"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shelled", "обстріляли", "обстреляли"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "fired missiles at", "вдарили ракетами по",
     "нанесли ракетный удар по"),
    ("Explosions/Remote violence", "Air/drone strike", "launched drones at", "атакували дронами", "атаковали дронами"),
    ("Explosions/Remote violence", "Air/drone strike", "struck an airfield near", "уразили аеродром біля",
     "поразили аэродром у"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "blew up a bridge near", "підірвали міст біля",
     "взорвали мост у"),
    ("Violence against civilians", "Attack", "attacked civilians in", "атакували цивільних у",
     "атаковали мирных жителей в"),
    ("Strategic developments", "Disrupted weapons use", "shot down drones over", "збили дрони над",
     "сбили беспилотники над"),
    ("Strategic developments", "Headquarters or base established", "moved reserves to", "перекинули резерви до",
     "перебросили резервы к"),
)
STATUSES = (("claimed", 40), ("asserted", 20), ("hedged", 12), ("unconfirmed", 8), ("denied", 10),
            ("confirmed", 8), ("retracted", 2))
CUES = {"en": ("said", "claimed", "reported", "stated", "announced"), "uk": ("заявили", "повідомили"),
        "ru": ("заявили", "сообщили")}
HEDGES = {"en": "reportedly", "uk": "ймовірно", "ru": "предположительно"}
FILLER = ("overnight", "on Monday", "at dawn", "in the morning", "late on Sunday", "this week", "again")
COMMON = ("village", "forces", "attack", "artillery", "drones", "offensive", "positions", "railway", "bridge",
          "power", "station", "depot", "convoy", "trenches", "airfield", "warehouse", "school", "hospital")
SYLLABLES = ("ka", "ro", "ven", "sta", "mir", "lo", "dub", "zar", "pe", "tri", "nov", "hor", "bel", "ska", "vo",
             "ly", "an", "ter", "gra", "chu")


def rare_words(count: int = 4000, seed: int = 1) -> list[str]:
    """A made-up vocabulary; the generator draws from it with a long tail (the load test's rare words)."""
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < count:
        out.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))))
    return sorted(out)


@dataclass(frozen=True, slots=True)
class PlaceRef:
    geonameid: int
    name: str
    fclass: str
    fcode: str
    country: str
    admin1: str | None
    lat: float
    lon: float

    def data(self) -> dict[str, Any]:
        """``to_dict(Place)``."""
        return {"geonameid": self.geonameid, "name": self.name, "feature_class": self.fclass,
                "feature_code": self.fcode, "country": self.country, "admin1": self.admin1, "lat": self.lat,
                "lon": self.lon, "population": None}


@dataclass(slots=True)
class Refs:
    """What generated rows refer to: outlets, actors by side, weighted places."""

    outlets: list[Any]  #: claimwatch.model.Outlet
    actors: dict[str, list[str]]  #: side -> actor registry ids
    places: list[PlaceRef]
    weights: list[float]
    words: list[str]


@dataclass(slots=True)
class StoryAcc:
    """A story being gathered: its members and what its row is computed from."""

    key: tuple[str, int, str]
    event: tuple[str, str]
    place: PlaceRef
    members: list[tuple[int, int, str, str]] = field(default_factory=list)  #: claim, article, unit, stance
    statuses: set[str] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None


def load_refs(seed: int) -> Refs:
    from claimwatch.geo.gazetteer import Gazetteer
    from claimwatch.outlets import load_outlets

    outlets = [o for o in load_outlets(None) if o.name]
    actors = _actors()
    gazetteer = Gazetteer.open()
    try:
        rows = gazetteer._query(
            "SELECT id, name, fclass, fcode, country, admin1_name, lat, lon, population FROM places "
            "WHERE kind IN ('settlement', 'region') AND country IN ('UA', 'RU', 'BY', 'PL', 'MD') "
            "ORDER BY population DESC LIMIT 6000", ())
    finally:
        gazetteer.close()
    share = {"UA": 0.72, "RU": 0.22, "BY": 0.03, "PL": 0.02, "MD": 0.01}
    totals: dict[str, float] = defaultdict(float)
    raw = [(r, (max(r[8] or 0, 500) ** 0.6)) for r in rows if r[6] is not None and r[7] is not None]
    for r, w in raw:
        totals[r[4]] += w
    places = [PlaceRef(r[0], r[1], r[2], r[3], r[4], r[5], round(r[6], 5), round(r[7], 5)) for r, _ in raw]
    weights = [w / totals[r[4]] * share[r[4]] for r, w in raw]
    if not places:
        raise SystemExit("the gazetteer index has no places: run `claimwatch gazetteer build`")
    return Refs(outlets, actors, places, weights, rare_words(seed=seed))


def _actors() -> dict[str, list[str]]:
    import yaml

    data = yaml.safe_load((ROOT / "claimwatch" / "data" / "actors.yaml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = defaultdict(list)
    for entry in data.get("actors", []):
        if entry.get("side") in ("russia", "ukraine"):
            out[entry["side"]].append(entry["id"])
    return dict(out)


# ---------------------------------------------------------------------------------------------- texts


class Writer:
    """An article's text, assembled piece by piece, with the span of each piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> dict[str, Any]:
        span = {"start": self.length, "end": self.length + len(text), "text": text}
        self.parts.append(text)
        self.length += len(text)
        return span

    def text(self) -> str:
        return "".join(self.parts)


def _span_of(outer: dict[str, Any], inner: str, at: int) -> dict[str, Any]:
    start = outer["start"] + at
    return {"start": start, "end": start + len(inner), "text": inner}


@dataclass(slots=True)
class Made:
    """One generated article's rows."""

    article: dict[str, Any]
    claims: list[dict[str, Any]]
    events: list[dict[str, Any]]
    places: list[dict[str, Any]]


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def make_article(rng: random.Random, refs: Refs, article_id: int, first_claim: int, first_event: int,
                 claims: int) -> Made:
    """Article ``article_id`` with ``claims`` claims (ids from ``first_claim``, events from ``first_event``)."""
    outlet = rng.choice(refs.outlets)
    language = outlet.language if outlet.language in ("en", "uk", "ru") else "en"
    published = START + timedelta(seconds=rng.randrange(DAYS * 86400))
    writer = Writer()
    writer.add(f"Report {article_id}. ")
    claim_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    mentions: dict[int, dict[str, Any]] = {}
    for idx in range(claims):
        claim, located = _claim(rng, refs, writer, language, published, idx, first_claim + idx, article_id)
        for i, (event, place) in enumerate(located):
            event_rows.append(_event_row(first_event + len(event_rows), first_claim + idx, article_id, i, event,
                                         place))
            mentions.setdefault(place.geonameid, _mention_row(event["place"], place))
        claim_rows.append(claim)
    text = writer.text()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article = {"id": article_id, "content_hash": digest, "url": f"https://{(outlet.domains or ('example.org',))[0]}"
               f"/news/{article_id}", "title": f"Report {article_id}", "outlet_name": outlet.name,
               "published_at": published, "published_raw": published.isoformat(), "published_offset": None,
               "language": language, "text": text, "raw_text": None, "raw": None, "raw_sha256": None,
               "segments": [[0, 0, len(text)]], "removed": [], "origin": f"generated/{article_id}.txt",
               "ingested_at": published, "extracted_at": published, "pipeline_version": PIPELINE_VERSION,
               "copy_of": None, "copy_similarity": None, "minhash": None, "meta": None}
    places = [{"article_id": article_id, "idx": i, **m} for i, m in enumerate(mentions.values())]
    return Made(article, claim_rows, event_rows, places)


def _claim(rng: random.Random, refs: Refs, writer: Writer, language: str, published: datetime, idx: int,
           claim_id: int, article_id: int) -> tuple[dict[str, Any], list[tuple[dict[str, Any], PlaceRef]]]:
    """A claim row (its ``data`` as the serializer writes it) and its located events with their places."""
    status = _weighted(rng, STATUSES)
    side = rng.choice(("russia", "ukraine"))
    kind = "outlet" if status in ("asserted", "hedged") and rng.random() < 0.7 else rng.choice(
        ("indirect", "indirect", "direct", "mixed"))
    actor = rng.choice(refs.actors[side]) if kind != "outlet" and rng.random() < 0.8 else None
    located = rng.random() < 0.75
    place = rng.choices(refs.places, refs.weights)[0] if located else None
    event_type = rng.choice(EVENTS) if located or rng.random() < 0.3 else None
    content, place_at = _content(rng, refs, language, side, event_type, place)
    source = cue = None
    if kind == "outlet":
        content_span = writer.add(content)
        writer.add(f", {HEDGES[language]}. " if status == "hedged" else ". ")
    else:
        speaker = _speaker(actor, side, language)
        source_span = writer.add(speaker)
        writer.add(" ")
        cue = writer.add(rng.choice(CUES[language]))
        writer.add(" that " if language == "en" else ", що " if language == "uk" else ", что ")
        content_span = writer.add(content)
        writer.add(". ")
        source = {"span": source_span, "entity": None, "actor": actor}
    events = []
    if event_type is not None:
        day = (published - timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))).date().isoformat()
        trigger_text = event_type[{"en": 2, "uk": 3, "ru": 4}[language]]
        trigger = _span_of(content_span, trigger_text.split()[0], content.index(trigger_text))
        place_mention = None
        if place is not None and place_at is not None:
            place_mention = _mention(_span_of(content_span, place.name, place_at), place)
        other = "ukraine" if side == "russia" else "russia"
        actor1 = {"name": f"{side.title()} forces", "span": None, "actor_id": rng.choice(refs.actors[side]),
                  "side": side, "kind": "state force"}
        actor2 = ({"name": f"{other.title()} forces", "span": None, "actor_id": rng.choice(refs.actors[other]),
                   "side": other, "kind": "state force"} if rng.random() < 0.3 else None)
        event = {"type": event_type[0], "sub_type": event_type[1], "trigger": trigger, "actor1": actor1,
                 "actor2": actor2, "place": place_mention,
                 "date": {"start": day, "end": day, "precision": "day", "span": None}, "quantities": [],
                 "negated": status == "denied", "hypothetical": False}
        events.append(event)
    data = {"content": content_span, "kind": kind, "status": status, "source": source, "cue": cue,
            "content_parts": [], "status_evidence": [], "polarity": "negative" if status == "denied" else "positive",
            "confidence": round(rng.uniform(0.5, 1.0), 3), "events": events, "story": None,
            "verdict": None}
    row = {"id": claim_id, "article_id": article_id, "idx": idx,
           "key": f"{content_span['start']}:{content_span['end']}",
           "source_text": source["span"]["text"] if source else None,
           "source_start": source["span"]["start"] if source else None,
           "source_end": source["span"]["end"] if source else None,
           "entity_text": None, "entity_start": None, "entity_end": None, "actor": actor,
           "cue_text": cue["text"] if cue else None, "cue_start": cue["start"] if cue else None,
           "cue_end": cue["end"] if cue else None, "content_text": content_span["text"],
           "content_start": content_span["start"], "content_end": content_span["end"], "kind": kind,
           "status": status, "polarity": data["polarity"], "confidence": data["confidence"],
           "pipeline_version": PIPELINE_VERSION, "data": data, "linked": None, "published_at": published,
           "_side": side}
    return row, [(e, place) for e in events if place is not None and e["place"] is not None]


def _speaker(actor: str | None, side: str, language: str) -> str:
    if language == "en":
        return f"The {'Russian' if side == 'russia' else 'Ukrainian'} military" if actor else "Officials"
    if language == "uk":
        return "Російські військові" if side == "russia" else "Українські військові"
    return "Российские военные" if side == "russia" else "Украинские военные"


def _content(rng: random.Random, refs: Refs, language: str, side: str, event: tuple[str, ...] | None,
             place: PlaceRef | None) -> tuple[str, int | None]:
    """The claim's words and where the place name starts in them."""
    rare = refs.words[min(int(rng.paretovariate(0.9)) - 1, len(refs.words) - 1)]
    common = rng.choice(COMMON)
    if event is None:
        lead = {"en": f"the situation near the {common} remained tense", "uk": "ситуація залишалася напруженою",
                "ru": "обстановка оставалась напряжённой"}[language]
        return f"{lead} in {rare}" if place is None else f"{lead} in {place.name} {rare}", (
            None if place is None else len(lead) + 4)
    subject = {"en": f"{'Russian' if side == 'russia' else 'Ukrainian'} forces", "uk": "сили", "ru": "силы"}[language]
    verb = event[{"en": 2, "uk": 3, "ru": 4}[language]]
    head = f"{subject} {verb} "
    where = place.name if place is not None else rare.title()
    tail = f" {rng.choice(FILLER)} near the {common} {rare}" if language == "en" else f" {rare}"
    return f"{head}{where}{tail}", len(head) if place is not None else None


def _mention(span: dict[str, Any], place: PlaceRef) -> dict[str, Any]:
    """``to_dict(PlaceMention)`` of ``place`` named at ``span``."""
    precision = "region" if place.fcode == "ADM1" else "settlement"
    return {"span": span, "place": place.data(), "precision": precision, "role": "location", "confidence": 0.9}


def _mention_row(data: dict[str, Any], place: PlaceRef) -> dict[str, Any]:
    """The ``place_mentions`` columns of a mention (article_id and idx aside)."""
    span = data["span"]
    return {"start": span["start"], "end": span["end"], "text": span["text"], "geonameid": place.geonameid,
            "name": place.name, "feature": f"{place.fclass}.{place.fcode}", "admin1": place.admin1,
            "country": place.country, "lat": place.lat, "lon": place.lon, "precision": data["precision"],
            "role": "location", "data": data}


def _event_row(event_id: int, claim_id: int, article_id: int, idx: int, event: dict[str, Any],
               place: PlaceRef) -> dict[str, Any]:
    date = event["date"]
    return {"id": event_id, "claim_id": claim_id, "article_id": article_id, "idx": idx, "type": event["type"],
            "sub_type": event["sub_type"], "date_start": date["start"], "date_end": date["end"],
            "date_precision": date["precision"], "negated": event["negated"], "hypothetical": False,
            "place_name": place.name, "geonameid": place.geonameid, "lat": place.lat, "lon": place.lon,
            "admin1": place.admin1, "country": place.country,
            "actor1": event["actor1"]["actor_id"] if event["actor1"] else None,
            "actor2": event["actor2"]["actor_id"] if event["actor2"] else None, "data": event}


# ---------------------------------------------------------------------------------------------- stories


def gather(stories: dict[tuple[str, int, str], StoryAcc], made: Made, outlet: str) -> None:
    """Put each claim of ``made`` with a located event into the story of its event family, place and day."""
    published = made.article["published_at"]
    claims = {c["id"]: c for c in made.claims}
    for event in made.events:
        if event["idx"] != 0:
            continue
        claim = claims[event["claim_id"]]
        family = "territory" if "territory" in event["sub_type"] else (
            "strategic" if event["type"] == "Strategic developments" else "attack")
        key = (family, event["geonameid"], event["date_start"])
        story = stories.get(key)
        if story is None:
            place = PlaceRef(event["geonameid"], event["place_name"], "", "", event["country"], event["admin1"],
                             event["lat"], event["lon"])
            story = stories[key] = StoryAcc(key, (event["type"], event["sub_type"]), place)
        unit = f"side:{claim['_side']}" if claim["actor"] else f"outlet:{outlet}"
        stance = "contradicts" if claim["status"] in ("denied", "retracted") else (
            "reports" if claim["status"] in ("hedged", "unconfirmed") else "corroborates")
        story.members.append((claim["id"], made.article["id"], unit, stance))
        story.statuses.add(claim["status"])
        story.first = published if story.first is None else min(story.first, published)
        story.last = published if story.last is None else max(story.last, published)


def verdict(story: StoryAcc) -> str:
    """A verdict label from the story's units and statuses (a plausible mix, not the linker's rules)."""
    units = {u for _, _, u, _ in story.members}
    sides = {u for u in units if u.startswith("side:")}
    if "retracted" in story.statuses:
        return "retracted"
    if "denied" in story.statuses:
        return "contested" if len(sides) > 1 or len(units) > 1 else "denied"
    if "confirmed" in story.statuses:
        return "officially confirmed"
    if len(units) == 1:
        return "claimed by one side only" if sides else "single source"
    if units <= {"side:russia"} | {"side:ukraine"} and len(sides) == 1:
        return "claimed by one side only"
    if story.statuses <= {"hedged", "unconfirmed"}:
        return "unverified"
    return "corroborated"


def story_rows(stories: dict[tuple[str, int, str], StoryAcc]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows, members = [], []
    for n, story in enumerate(sorted(stories.values(), key=lambda s: (s.first or START, s.key))):
        story_id = f"g{n:07d}"
        family, _, day = story.key
        label = verdict(story)
        units = {u for _, _, u, _ in story.members}
        rows.append({"id": story_id, "family": family, "event_type": story.event[0], "sub_type": story.event[1],
                     "geonameid": story.place.geonameid, "place_name": story.place.name,
                     "admin1": story.place.admin1, "country": story.place.country, "lat": story.place.lat,
                     "lon": story.place.lon, "precision": "settlement", "date_start": day, "date_end": day,
                     "verdict": label, "independent": len(units), "claims": len(story.members),
                     "first_seen": story.first, "last_seen": story.last, "centroid": None,
                     "data": {"why": f"generated: {len(units)} independent units", "history": []}})
        members += [{"claim_id": c, "story_id": story_id, "article_id": a, "stance": stance, "unit": unit,
                     "score": 0.8, "data": {}} for c, a, unit, stance in story.members]
    return rows, members


# ---------------------------------------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class Generated:
    articles: int
    claims: int
    events: int
    stories: int
    seconds: float
    size_bytes: int | None
    cpu_seconds: float  #: of this process (the database work included: SQLite runs in it)


def generate(url: str, claims: int, *, seed: int = 7, quiet: bool = True) -> Generated:
    """Fill the new store at ``url`` with about ``claims`` claims (see the module docstring)."""
    from sqlalchemy import func, insert, select

    from claimwatch.store import Store
    from claimwatch.store.engine import writer
    from claimwatch.store.rows import outlet_values
    from claimwatch.store.schema import (
        ArticleRow,
        ClaimRow,
        EventRow,
        OutletRow,
        PlaceMentionRow,
        StoryClaimRow,
        StoryRow,
    )

    started, cpu = time.perf_counter(), time.process_time()
    rng = random.Random(seed)
    refs = load_refs(seed)
    with Store(url) as store:
        engine = writer(store.engine)
        with engine.begin() as connection:
            if connection.scalar(select(func.count()).select_from(ClaimRow)):
                raise SystemExit(f"{url} holds claims already: generate into a new database")
            connection.execute(insert(OutletRow), [outlet_values(o) for o in refs.outlets])
            outlet_ids = {name: id_ for name, id_ in connection.execute(select(OutletRow.name, OutletRow.id))}
        stories: dict[tuple[str, int, str], StoryAcc] = {}
        article_id = claim_id = event_id = 0
        while claim_id < claims:
            batch: list[Made] = []
            while len(batch) < BATCH_ARTICLES and claim_id < claims:
                n = min(max(1, int(rng.expovariate(1 / CLAIMS_PER_ARTICLE)) + 1), 12, claims - claim_id)
                article_id += 1
                made = make_article(rng, refs, article_id, claim_id + 1, event_id + 1, n)
                claim_id += len(made.claims)
                event_id += len(made.events)
                gather(stories, made, made.article["outlet_name"])
                batch.append(made)
            with engine.begin() as connection:
                _insert_batch(connection, batch, outlet_ids, (ArticleRow, ClaimRow, EventRow, PlaceMentionRow))
            if not quiet:
                print(f"  {claim_id:,} claims, {article_id:,} articles, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
        rows, members = story_rows(stories)
        with engine.begin() as connection:
            for start in range(0, len(rows), 20000):
                connection.execute(insert(StoryRow), rows[start:start + 20000])
            for start in range(0, len(members), 20000):
                connection.execute(insert(StoryClaimRow), members[start:start + 20000])
            _after_bulk(connection)
        size = _size(store)
    return Generated(article_id, claim_id, event_id, len(rows), time.perf_counter() - started, size,
                     time.process_time() - cpu)


def _insert_batch(connection: Any, batch: list[Made], outlet_ids: dict[str, int], tables: tuple[Any, ...]) -> None:
    from sqlalchemy import insert

    articles, claims, events, places = tables
    connection.execute(insert(articles), [
        {**{k: v for k, v in m.article.items() if k != "outlet_name"}, "outlet_id": outlet_ids[m.article["outlet_name"]]}
        for m in batch])
    derived = connection.dialect.name == "sqlite"  # the content is the article's text between its offsets
    connection.execute(insert(claims), [
        {k: v for k, v in c.items() if k not in ("_side", "content_text")}
        | {"linked": True, "content_text": "" if derived else c["content_text"]}
        for m in batch for c in m.claims])
    rows = [e for m in batch for e in m.events]
    if rows:
        connection.execute(insert(events), rows)
    rows = [p for m in batch for p in m.places]
    if rows:
        connection.execute(insert(places), rows)


def _after_bulk(connection: Any) -> None:
    """What rows inserted with their own ids need: PostgreSQL's sequences moved past them; the timeline's per-day
    counts rebuilt."""
    from claimwatch.store.days import rebuild_days

    if connection.dialect.name == "postgresql":
        for table in ("outlets", "articles", "claims", "events", "place_mentions"):
            connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"COALESCE((SELECT max(id) FROM {table}), 1))")
    rebuild_days(connection)


def _size(store: Any) -> int | None:
    engine = store.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(engine.url.database or "")
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--db", required=True, help="a new database, e.g. sqlite:////tmp/cw-1m.db")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    done = generate(args.db, args.claims, seed=args.seed, quiet=False)
    size = f"{done.size_bytes / 2**20:,.0f} MiB" if done.size_bytes is not None else "unknown size"
    print(f"generated {done.claims:,} claims, {done.articles:,} articles, {done.events:,} events, "
          f"{done.stories:,} stories in {done.seconds:.0f} s ({done.cpu_seconds:.0f} s of CPU); database {size} "
          f"({args.db}); "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

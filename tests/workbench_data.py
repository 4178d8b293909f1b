"""A synthetic store for the workbench's tests and latency bench, built without the model.

``fill(store, n)`` saves ``n`` short fictional articles (three claims each: a claimed capture of Kharkiv, a
denied strike on Belgorod, the outlet's own hedged report of shelling), links them into stories by hand, and
returns one :class:`Fact` per claim: what each filter should see, so a test computes the expected answer from
these facts in Python and compares it with what the query layer says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from claimwatch.model import (
    ActorRef,
    Article,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    Place,
    PlaceMention,
    Precision,
    Source,
    Span,
    Status,
)
from claimwatch.store import Store
from claimwatch.store import links as db
from claimwatch.store.engine import writer

KHARKIV = Place(706483, "Kharkiv", "P", "PPL", "UA", "Kharkiv Oblast", 49.98, 36.25)
KHARKIV_OBLAST = Place(706482, "Kharkiv Oblast", "A", "ADM1", "UA", "Kharkiv Oblast", 49.5, 36.5)
BELGOROD = Place(578072, "Belgorod", "P", "PPL", "RU", "Belgorod Oblast", 50.61, 36.58)
RUSSIA = Place(2017370, "Russia", "A", "PCLI", "RU", None, 60.0, 100.0)
FIRST_DAY = date(2024, 3, 1)


@dataclass(frozen=True)
class Fact:
    """What one stored claim is, as the filters see it."""

    article: int  #: position in the generated list (not the database id)
    index: int
    status: str
    kind: str
    event_type: str | None
    sub_type: str | None
    place: Place | None
    actors: frozenset[str]  #: source actor and event actors (registry ids)
    side: str | None
    verdict: str | None
    story: str | None
    outlet: str
    language: str
    published: datetime | None
    event_day: str | None  #: the event's start (and end) day, "--MM-DD" when the year is unknown
    words: frozenset[str]


def _span(text: str, fragment: str) -> Span:
    start = text.index(fragment)
    return Span.of(text, start, start + len(fragment))


def article_text(i: int) -> str:
    extra = " by the lighthouse" if i % 3 == 0 else ""
    return (f"Report {i}. The ministry said its forces took Kharkiv. Officials denied a strike on Belgorod. "
            f"Shelling was reported near the pier{extra}. Kharkiv Oblast and Russia stay tense.")


def published(i: int, n: int) -> datetime | None:
    """Article ``i``'s publication time: one a day from FIRST_DAY, two on the busiest day, the last undated."""
    if i == n - 1:
        return None
    day = FIRST_DAY + timedelta(days=min(i, 4) if i < 6 else i - 1)
    return datetime(day.year, day.month, day.day, 10 + i % 5, tzinfo=UTC)


def extraction(i: int, n: int) -> tuple[Extraction, list[Fact]]:
    """Article ``i`` of ``n`` and the facts of its three claims."""
    text = article_text(i)
    when = published(i, n)
    day = (when or datetime(2024, 4, 1, tzinfo=UTC)).date()
    outlet, language = ("Outlet A" if i % 2 == 0 else "Outlet B"), ("uk" if i % 4 == 3 else "en")
    kharkiv = PlaceMention(_span(text, "Kharkiv"), KHARKIV, Precision.SETTLEMENT, confidence=0.9)
    belgorod = PlaceMention(_span(text, "Belgorod"), BELGOROD, Precision.SETTLEMENT, confidence=0.9)
    capture_day = day.isoformat()
    strike_day = "--03-05" if i == 5 else (day - timedelta(days=1)).isoformat()
    capture = Event("Battles", "Armed clash", _span(text, "took"),
                    actor1=ActorRef("Russian forces", _span(text, "its forces"), "ru-armed-forces", "russia",
                                    "state force"),
                    place=kharkiv, date=DateRange(capture_day, capture_day, "day"))
    strike = Event("Explosions/Remote violence", "Air/drone strike", _span(text, "strike"), place=belgorod,
                   date=DateRange(strike_day, strike_day, "day"))
    status0 = Status.CONFIRMED if i % 5 == 0 else Status.CLAIMED
    shelling = text[text.index("Shelling"):text.index(". Kharkiv Oblast")]
    claims = [
        Claim(_span(text, "its forces took Kharkiv"), ClaimKind.INDIRECT, status0,
              Source(_span(text, "The ministry"), actor="ru-mod"), _span(text, "said"), events=[capture]),
        Claim(_span(text, "a strike on Belgorod"), ClaimKind.INDIRECT, Status.DENIED,
              Source(_span(text, "Officials")), _span(text, "denied"), events=[strike]),
        Claim(_span(text, shelling), ClaimKind.OUTLET, Status.HEDGED),
    ]
    places = [kharkiv, belgorod]
    if i == 0:
        places += [PlaceMention(_span(text, "Kharkiv Oblast"), KHARKIV_OBLAST, Precision.REGION, confidence=0.8),
                   PlaceMention(_span(text, "Russia"), RUSSIA, Precision.COUNTRY, confidence=0.8)]
    article = Article(text=text, title=f"Report {i}", url=f"https://example.org/{i}", outlet=outlet,
                      published=when, language=language, origin=f"report{i}.txt")
    pair = f"sk{i // 2:04d}"
    facts = [
        Fact(i, 0, status0.value, "indirect", "Battles", "Armed clash", KHARKIV,
             frozenset({"ru-mod", "ru-armed-forces"}), "russia", _pair_verdict(i), pair, outlet, language, when,
             capture_day, _words(claims[0].content.text)),
        Fact(i, 1, "denied", "indirect", "Explosions/Remote violence", "Air/drone strike", BELGOROD, frozenset(),
             "ukraine" if i % 2 else None, "denied", "sbelgorod", outlet, language, when, strike_day,
             _words(claims[1].content.text)),
        Fact(i, 2, "hedged", "outlet", None, None, None, frozenset(), None, None, None, outlet, language, when, None,
             _words(shelling)),
    ]
    return Extraction(article, claims, places, "cw-test"), facts


def _pair_verdict(i: int) -> str:
    return "corroborated" if (i // 2) % 2 == 0 else "contested"


def _words(text: str) -> frozenset[str]:
    import re

    return frozenset(w.lower() for w in re.findall(r"\w+", text))


def fill(store: Store, n: int = 12) -> tuple[list[Fact], dict[int, int]]:
    """Save ``n`` articles and their stories; returns the facts and {article position: database id}."""
    facts: list[Fact] = []
    ids: dict[int, int] = {}
    for i in range(n):
        made, found = extraction(i, n)
        ids[i] = store.save(made)
        facts += found
    _link(store, facts, ids)
    return facts, ids


def _link(store: Store, facts: list[Fact], ids: dict[int, int]) -> None:
    """Stories by hand: each pair of captures is one story, every strike one; units carry the sides."""
    from claimwatch.store.schema import ClaimRow

    with Session(writer(store.engine)) as session, session.begin():
        claim_ids = {(a, i): c for c, a, i in session.query(ClaimRow.id, ClaimRow.article_id, ClaimRow.idx)}
        stories: dict[str, list[Fact]] = {}
        for f in facts:
            if f.story is not None:
                stories.setdefault(f.story, []).append(f)
        for sid, members in stories.items():
            place = members[0].place
            assert place is not None
            seen = [m.published for m in members if m.published is not None]
            days = [m.event_day for m in members if m.event_day and m.event_day[0].isdigit()]
            db.save_story(session, {
                "id": sid, "family": "territory" if sid.startswith("sk") else "attack",
                "event_type": members[0].event_type, "sub_type": members[0].sub_type, "geonameid": place.geonameid,
                "place_name": place.name, "admin1": place.admin1, "country": place.country, "lat": place.lat,
                "lon": place.lon, "precision": "settlement", "date_start": min(days), "date_end": max(days),
                "verdict": members[0].verdict,
                "independent": 1, "claims": len(members), "first_seen": min(seen) if seen else None,
                "last_seen": max(seen) if seen else None, "data": {"why": "made by hand", "history": []}})
            session.flush()
            for m in members:
                unit = f"side:{m.side}" if m.side else f"outlet:{m.outlet}"
                db.save_member(session, {"claim_id": claim_ids[(ids[m.article], m.index)], "story_id": sid,
                                         "article_id": ids[m.article], "stance": "corroborates", "unit": unit,
                                         "score": 1.0, "data": {}})
        db.mark_linked(session, list(claim_ids.values()), True)

"""Round trips of every record type through ``to_dict`` / JSON / ``from_dict``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum

import pytest

from claimwatch.model import (
    ActorRef,
    Article,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    ItemError,
    Place,
    PlaceMention,
    Polarity,
    Precision,
    Quantity,
    Role,
    Segment,
    Source,
    Span,
    Status,
)
from claimwatch.serialize import from_dict, to_compact, to_dict

TEXT = ("The ministry said its forces took 35 sq. km near Pryiutne on Monday. "
        "“We took the village,” the commander said. “The enemy fled.”")


def sp(fragment: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(fragment, start + 1)
    return Span.of(TEXT, start, start + len(fragment))


def place_mention() -> PlaceMention:
    place = Place(geonameid=700001, name="Pryiutne", feature_class="P", feature_code="PPL", country="UA",
                  admin1="Zaporizhzhia", lat=47.43, lon=35.9, population=1200)
    return PlaceMention(span=sp("Pryiutne"), place=place, precision=Precision.SETTLEMENT, role=Role.LOCATION,
                        confidence=0.8)


def event() -> Event:
    return Event(
        type="Strategic developments", sub_type="Non-violent transfer of territory", trigger=sp("took"),
        actor1=ActorRef(name="Armed Forces of Russia", span=sp("its forces"), actor_id="ru-af", side="RU",
                        kind="state force"),
        actor2=None, place=place_mention(),
        date=DateRange(start="2024-03-04", end="2024-03-04", precision="day", span=sp("on Monday")),
        quantities=[Quantity(value=35.0, lower=None, upper=None, unit="km2", kind="area", span=sp("35 sq. km"))],
        negated=False, hypothetical=True,
    )


def claim() -> Claim:
    return Claim(
        content=Span.of(TEXT, TEXT.index("“We"), len(TEXT)), kind=ClaimKind.DIRECT, status=Status.CLAIMED,
        source=Source(span=sp("the commander"), entity=sp("The ministry"), actor="ru-mod"),
        cue=sp("said", 1),
        content_parts=(sp("“We took the village,”"), sp("“The enemy fled.”")),
        status_evidence=[sp("said")], polarity=Polarity.NEGATIVE, confidence=0.75, events=[event()],
    )


def article() -> Article:
    published = datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    return Article(
        text=TEXT, title="Gains claimed", url="https://example.test/a", outlet="Example Wire", published=published,
        published_raw="5 March 2024, 14:30 EET", published_offset=7, language="en", raw_text="Title: x\n\n" + TEXT,
        raw=None, raw_sha256="ab" * 32, origin="a.txt:3", segments=(Segment(0, 10, len(TEXT)),),
        removed=((0, 10, "header"),), id=4,
    )


RECORDS = [
    sp("said"),
    Segment(3, 7, 12),
    Source(span=sp("the commander")),
    Quantity(value=None, lower=1000.0, upper=None, unit="people", kind="killed", span=sp("35 sq. km")),
    DateRange(start="--03-04", end=None, precision="unknown"),
    ActorRef(name="Unknown unit"),
    place_mention().place,
    place_mention(),
    PlaceMention(span=sp("Pryiutne"), place=None),
    event(),
    claim(),
    Claim(content=sp("The ministry"), kind=ClaimKind.OUTLET, status=Status.ASSERTED),
    article(),
    ItemError(origin="x.jsonl:4", message="malformed JSON", stage="ingest"),
    Extraction(article=article(), claims=[claim()], places=[place_mention()], pipeline_version="cw-9"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_round_trip_through_json(record: object) -> None:
    data = json.loads(json.dumps(to_dict(record)))
    assert from_dict(type(record), data) == record


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_compact_form_rebuilds_the_same_record(record: object) -> None:
    data = json.loads(json.dumps(to_compact(record)))
    assert from_dict(type(record), data) == record


def test_compact_form_leaves_out_only_fields_at_their_defaults() -> None:
    bare = Claim(content=sp("The ministry"), kind=ClaimKind.OUTLET, status=Status.ASSERTED)
    assert to_compact(bare) == {"content": to_dict(sp("The ministry")), "kind": "outlet", "status": "asserted"}
    full = to_compact(claim())
    assert full["confidence"] == 0.75 and full["polarity"] == "negative" and "story" not in full
    # a required field that holds None stays: from_dict needs it
    assert to_compact(DateRange(start=None, end=None, precision="unknown"))["start"] is None
    assert to_compact(PlaceMention(span=sp("Pryiutne"), place=None))["place"] is None


def test_enums_datetimes_and_tuples_are_plain_json() -> None:
    data = to_dict(claim())
    assert data["kind"] == "direct" and data["status"] == "claimed"
    assert data["content_parts"][1] == {"start": TEXT.index("“The"), "end": len(TEXT), "text": "“The enemy fled.”"}
    art = to_dict(article())
    assert art["published"] == "2024-03-05T12:30:00+00:00"
    assert art["removed"] == [[0, 10, "header"]]


def test_raw_bytes_are_left_out_and_come_back_as_default() -> None:
    art = article()
    art.raw = b"\xff\xferaw bytes"
    data = to_dict(art)
    assert "raw" not in data
    back = from_dict(Article, data)
    assert back.raw is None
    assert back.raw_sha256 == art.raw_sha256


def test_offset_aware_datetime_keeps_its_instant() -> None:
    art = article()
    art.published = datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    back = from_dict(Article, to_dict(art))
    assert back.published == art.published
    assert back.published is not None and back.published.utcoffset() == timedelta(hours=2)


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class FutureRecord:
    """Shaped like a record a later stage might add to model.py: serialize must handle it unchanged."""

    name: str
    spans: list[Span] = field(default_factory=list)
    pairs: tuple[tuple[int, int, str], ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    colour: Colour = Colour.RED
    when: datetime | None = None
    nested: FutureRecord | None = None
    blob: bytes | None = None


def test_new_record_types_round_trip_without_changes_to_serialize() -> None:
    inner = FutureRecord(name="inner", scores={"a": 1.0})
    rec = FutureRecord(name="outer", spans=[sp("said")], pairs=((1, 2, "x"),), scores={"p": 0.5, "n": 2},
                       colour=Colour.BLUE, when=datetime(2024, 1, 1, tzinfo=UTC), nested=inner, blob=b"x")
    back = from_dict(FutureRecord, json.loads(json.dumps(to_dict(rec))))
    assert back.nested == inner
    assert back.scores == {"p": 0.5, "n": 2.0} and isinstance(back.scores["n"], float)
    assert back.colour is Colour.BLUE and back.pairs == ((1, 2, "x"),) and back.spans == [sp("said")]
    assert back.blob is None


def test_unknown_keys_are_ignored_and_wrong_types_refused() -> None:
    data = to_dict(sp("said"))
    data["added_later"] = 1
    assert from_dict(Span, data) == sp("said")
    with pytest.raises(TypeError):
        from_dict(Span, {"start": "one", "end": 2, "text": "x"})
    with pytest.raises(ValueError):
        from_dict(Claim, {**to_dict(claim()), "status": "rumoured"})


@dataclass
class Node:
    name: str
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None


def test_a_record_that_contains_its_own_type_round_trips() -> None:
    tree = Node("root", [Node("a", [Node("a1")]), Node("b")], parent=Node("above"))
    assert from_dict(Node, json.loads(json.dumps(to_dict(tree)))) == tree
    with pytest.raises(TypeError):
        from_dict(Node, {"name": "x", "children": [{"name": 3}]})

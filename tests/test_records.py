"""Published shapes: one mention gives the same place dict in every export and in the database."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import text

from claimwatch.export import FORMATS
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
    Role,
    Source,
    Span,
    Status,
)
from claimwatch.records import actor_dict, place_dict, span_dict
from claimwatch.store import Store

TEXT = "The Kremlin said its forces took Tetkino near Lenina Street. Kyiv denied it."
PLACE_KEYS = ["text", "start", "end", "geonameid", "name", "feature", "admin1", "country", "lat", "lon", "precision",
              "role", "confidence"]
#: place_mentions columns that hold a place dict value unchanged
COLUMNS = ("text", "start", "end", "geonameid", "name", "admin1", "country", "lat", "lon", "precision", "role")


def _extraction() -> Extraction:
    article = Article(text=TEXT, title="Report", outlet="Example Wire")
    tetkino = PlaceMention(article.span(33, 40), Place(483166, "Tëtkino", "P", "PPL", "RU", "Kursk Oblast", 51.27,
                                                         34.29), Precision.SETTLEMENT, Role.LOCATION, 0.9)
    unresolved = PlaceMention(article.span(61, 65), None)
    event = Event("Battles", "Non-state actor overtakes territory", article.span(28, 32),
                  actor1=ActorRef("Russian armed forces"), place=tetkino,
                  date=DateRange("2024-08-10", "2024-08-10", "day"))
    claim = Claim(article.span(17, 59), ClaimKind.INDIRECT, Status.CLAIMED, source=Source(article.span(0, 11)),
                  cue=article.span(12, 16), events=[event])
    return Extraction(article=article, claims=[claim], places=[tetkino, unresolved], pipeline_version="cw-test")


def _export(name: str, extraction: Extraction) -> str:
    out = io.StringIO()
    FORMATS[name]([extraction], out, None)  # type: ignore[arg-type]
    return out.getvalue()


def test_one_mention_gives_the_same_place_dict_in_every_export_and_the_store(tmp_path: Path) -> None:
    extraction = _extraction()
    with Store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        article_id = store.save(extraction)
        with store.engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM place_mentions WHERE article_id = :a AND idx = 0"),
                               {"a": article_id}).mappings().one()
    expected = place_dict(extraction.places[0])
    assert list(expected) == PLACE_KEYS and expected["text"] == TEXT[expected["start"]:expected["end"]] == "Tetkino"

    (line,) = _export("jsonl", extraction).splitlines()
    assert json.loads(line)["events"][0]["place"] == expected
    places = [json.loads(x) for x in _export("places", extraction).splitlines()]
    assert places == [{"article": article_id, **expected}]  # the unresolved mention is left out
    for name in ("geojson", "geojson-claims"):
        (feature,) = json.loads(_export(name, extraction))["features"]
        assert feature["properties"]["place"] == expected, name
    assert {c: row[c] for c in COLUMNS} == {c: expected[c] for c in COLUMNS}
    assert row["feature"] == "P.PPL" and json.loads(row["data"])["confidence"] == expected["confidence"]


def test_an_unresolved_mention_has_the_same_keys_with_nulls(tmp_path: Path) -> None:
    extraction = _extraction()
    unresolved = place_dict(extraction.places[1])
    assert list(unresolved) == PLACE_KEYS
    assert unresolved == {"text": "Kyiv", "start": 61, "end": 65, "geonameid": None, "name": None,
                          "feature": {"class": None, "code": None}, "admin1": None, "country": None, "lat": None,
                          "lon": None, "precision": None, "role": "location", "confidence": 0.0}
    with Store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        article_id = store.save(extraction)
        with store.engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM place_mentions WHERE article_id = :a AND idx = 1"),
                               {"a": article_id}).mappings().one()
    assert {c: row[c] for c in COLUMNS} == {c: unresolved[c] for c in COLUMNS} and row["feature"] is None


def test_enum_fields_are_exported_as_their_plain_values() -> None:
    extraction = _extraction()
    mention = extraction.places[0]
    for record in (place_dict(mention), json.loads(json.dumps(place_dict(mention)))):
        assert type(record["precision"]) is str and type(record["role"]) is str
    (line,) = _export("jsonl", extraction).splitlines()
    assert json.loads(line)["polarity"] == "positive"


def test_span_and_actor_dicts() -> None:
    span = Span.of(TEXT, 4, 11)
    assert span_dict(span) == {"text": "Kremlin", "start": 4, "end": 11} and span_dict(None) is None
    assert actor_dict(ActorRef("Russian armed forces")) == {"name": "Russian armed forces", "actor_id": None,
                                                            "side": None, "kind": None, "text": None, "start": None,
                                                            "end": None}

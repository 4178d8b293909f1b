"""The places and GeoJSON exports, over extractions built by hand (no index, no model)."""

from __future__ import annotations

import io
import json

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
    Status,
)

TEXT = "The Kremlin said its forces took Tetkino. Kyiv denied it."


def _extraction() -> Extraction:
    article = Article(text=TEXT, id=3, title="Report", outlet="Example Wire")
    tetkino = PlaceMention(article.span(33, 40), Place(483166, "Tëtkino", "P", "PPL", "RU", "Kursk Oblast", 51.27,
                                                         34.29), Precision.SETTLEMENT, Role.LOCATION, 0.9)
    kremlin = PlaceMention(article.span(4, 11), Place(524901, "Moscow", "P", "PPLC", "RU", "Moscow", 55.75, 37.62),
                           Precision.SETTLEMENT, Role.ACTOR, 0.8)
    unresolved = PlaceMention(article.span(42, 46), None)
    event = Event("Battles", "Non-state actor overtakes territory", article.span(28, 32),
                  actor1=ActorRef("Russian armed forces"), place=tetkino,
                  date=DateRange("2024-08-10", "2024-08-10", "day"))
    unplaced = Event("Statement", None, article.span(47, 53))
    claim = Claim(article.span(17, 40), ClaimKind.INDIRECT, Status.CLAIMED, source=Source(article.span(0, 11)),
                  cue=article.span(12, 16), events=[event, unplaced])
    return Extraction(article=article, claims=[claim], places=[kremlin, tetkino, unresolved])


def test_places_export_one_line_per_resolved_mention() -> None:
    out = io.StringIO()
    n = FORMATS["places"]([_extraction()], out, None)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == len(lines) == 2  # the unresolved "Kyiv" mention is left out
    kremlin, tetkino = lines
    assert kremlin["role"] == "actor" and kremlin["text"] == "Kremlin" and TEXT[kremlin["start"]:kremlin["end"]] == "Kremlin"
    assert tetkino == {"article": 3, "text": "Tetkino", "start": 33, "end": 40, "geonameid": 483166,
                       "name": "Tëtkino", "feature": {"class": "P", "code": "PPL"}, "admin1": "Kursk Oblast",
                       "country": "RU", "lat": 51.27, "lon": 34.29, "precision": "settlement", "role": "location",
                       "confidence": 0.9}


def test_geojson_has_one_feature_per_located_event() -> None:
    out = io.StringIO()
    n = FORMATS["geojson"]([_extraction()], out, None)  # type: ignore[arg-type]
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection" and n == len(collection["features"]) == 1
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [34.29, 51.27]}
    props = feature["properties"]
    assert props["event_type"] == "Battles" and props["claim_status"] == "claimed" and props["source"] == "The Kremlin"
    assert props["date_start"] == "2024-08-10" and props["actor1"] == "Russian armed forces"
    assert props["article_id"] == 3 and props["outlet"] == "Example Wire"
    assert props["place"] == {"text": "Tetkino", "start": 33, "end": 40, "geonameid": 483166, "name": "Tëtkino",
                              "feature": {"class": "P", "code": "PPL"}, "admin1": "Kursk Oblast", "country": "RU",
                              "lat": 51.27, "lon": 34.29, "precision": "settlement", "role": "location",
                              "confidence": 0.9}
    assert not {"geonameid", "admin1", "country", "precision", "place_text"} & set(props)  # no flat place keys
    assert props["evidence"]["place"] == [33, 40] and props["evidence"]["trigger"] == [28, 32]


def test_geojson_claims_and_empty_collections() -> None:
    out = io.StringIO()
    assert FORMATS["geojson-claims"]([_extraction()], out, None) == 1  # type: ignore[arg-type]
    (feature,) = json.loads(out.getvalue())["features"]
    assert feature["properties"]["event_types"] == ["Battles", "Statement"]
    empty = io.StringIO()
    assert FORMATS["geojson"]([], empty, None) == 0  # type: ignore[arg-type]
    assert json.loads(empty.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_geojson_claims_sits_at_the_most_specific_place_of_the_claim() -> None:
    text = "Officials said strikes hit the Kursk region and Tetkino."
    article = Article(text=text, id=5)
    region = PlaceMention(article.span(31, 43), Place(511180, "Kursk Oblast", "A", "ADM1", "RU", "Kursk Oblast",
                                                      51.5, 36.25), Precision.REGION, Role.LOCATION, 0.9)
    town = PlaceMention(article.span(48, 55), Place(483166, "Tëtkino", "P", "PPL", "RU", "Kursk Oblast", 51.27,
                                                    34.29), Precision.SETTLEMENT, Role.LOCATION, 0.9)
    events = [Event("Explosions/Remote violence", "Air/drone strike", article.span(15, 22), place=p)
              for p in (region, town)]
    claim = Claim(article.span(15, 55), ClaimKind.INDIRECT, Status.CLAIMED, cue=article.span(10, 14), events=events)
    out, extraction = io.StringIO(), Extraction(article, [claim], [region, town])
    assert FORMATS["geojson-claims"]([extraction], out, None) == 1  # type: ignore[arg-type]
    (feature,) = json.loads(out.getvalue())["features"]
    assert feature["geometry"]["coordinates"] == [34.29, 51.27]
    assert feature["properties"]["place"]["precision"] == "settlement"
    assert feature["properties"]["place"]["text"] == "Tetkino" == text[48:55]
